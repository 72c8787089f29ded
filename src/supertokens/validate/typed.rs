//! A fast path for users this crate wrote itself: a conservative check on the typed
//! [`BulkImportUser`] that answers "the core accepts it" without building a `serde_json::Value`.
//!
//! The converter validates every user it writes. Building a JSON tree of each user just to find
//! nothing wrong was the largest single cost of a conversion (BENCHMARKS.md), so a user that
//! plainly meets every rule of spec §4 is accepted here, and anything unusual (roles, tenants,
//! firebase hashes, a blank or long value, an unknown context) goes to the full validator for
//! the core's exact messages. "Plainly valid" must imply "valid": `tests/typed_validation.rs`
//! checks that against the full validator on random users.

use super::super::context::CoreContext;
use super::super::java;
use super::super::model::{BulkImportUser, LoginMethod, RecipeId};

/// True only when the core would accept `user` (spec §4) in `ctx`, apart from `externalUserId`
/// uniqueness, which the caller checks. False means "ask the full validator", not "invalid".
pub(super) fn plainly_valid(user: &BulkImportUser<'_>, ctx: &CoreContext) -> bool {
    if let Some(id) = &user.external_user_id {
        if java::is_blank(id) || java::utf16_len_exceeds(id, 128) {
            return false;
        }
    }
    if !user.user_roles.is_empty() {
        return false;
    }
    if !user.totp_devices.is_empty() {
        let mfa = ctx.has_feature("mfa") == Some(true);
        let devices_ok = user.totp_devices.iter().all(|d| {
            fine(&d.secret_key, 256) && fine(&d.device_name, 256) && d.period >= 1
        });
        if !mfa || !devices_ok {
            return false;
        }
    }
    let methods = &user.login_methods;
    if methods.is_empty()
        || (methods.len() > 1 && ctx.account_linking_enabled() != Some(true))
        || methods.iter().filter(|m| m.is_primary).count() > 1
    {
        return false;
    }
    methods.iter().all(|m| method_plainly_valid(m, ctx))
}

fn method_plainly_valid(m: &LoginMethod<'_>, ctx: &CoreContext) -> bool {
    if !m.tenant_ids.is_empty() {
        return false;
    }
    if let Some(t) = m.time_joined_in_m_s_since_epoch {
        match ctx.now_ms {
            Some(now) if (0..=now).contains(&t) => {}
            _ => return false,
        }
    }
    let email_ok = m.email.as_deref().is_none_or(|e| fine(e, 255));
    match m.recipe_id {
        RecipeId::Emailpassword => {
            let plain_ok = m.plain_text_password.as_deref().is_none_or(|p| !java::is_blank(p));
            let password_ok = match (&m.password_hash, m.hashing_algorithm) {
                (Some(hash), Some(algorithm)) => fine(hash, 256) && prefix_ok(java::trim(hash), algorithm),
                (None, None) => m.plain_text_password.is_some(),
                _ => false,
            };
            m.email.is_some() && email_ok && plain_ok && password_ok
        }
        RecipeId::Thirdparty => {
            m.email.is_some()
                && email_ok
                && m.third_party_id.as_deref().is_some_and(|id| fine(id, 28))
                && m.third_party_user_id.as_deref().is_some_and(|id| fine(id, 256))
        }
        RecipeId::Passwordless => {
            let phone_ok = m.phone_number.as_deref().is_none_or(|p| fine(p, 256));
            (m.email.is_some() || m.phone_number.is_some()) && email_ok && phone_ok
        }
    }
}

/// A string the core takes as a string (not blank) within `max` UTF-16 units.
fn fine(s: &str, max: usize) -> bool {
    !java::is_blank(s) && !java::utf16_len_exceeds(s, max)
}

/// The core's prefix check (§4.4) for the two algorithms the fast path handles; firebase needs
/// the signer key question, so it always takes the full path.
fn prefix_ok(hash: &str, algorithm: &str) -> bool {
    match algorithm {
        "bcrypt" => ["$2a", "$2b", "$2x", "$2y"].iter().any(|p| hash.starts_with(p)),
        "argon2" => ["$argon2id", "$argon2i", "$argon2d"].iter().any(|p| hash.starts_with(p)),
        _ => false,
    }
}
