//! Read-only views of a bulk-import user's login methods with the core's normalisation
//! applied (spec §2, §3.1), for checks that span users: the preflight and the requirements.
//!
//! Lenient by design: a field the core would reject is simply absent here. Those users fail
//! validation anyway; these views only need to agree with the core on valid ones.

use serde_json::Value;
use std::borrow::Cow;

use super::context::PUBLIC_TENANT;
use super::java;

/// A login method's recipe, when it is one of the three the core knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipe {
    /// `emailpassword`
    EmailPassword,
    /// `thirdparty`
    ThirdParty,
    /// `passwordless`
    Passwordless,
}

/// A string field the core would accept (a non-blank string), else `None`.
pub fn string_field<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.get(key)?.as_str().filter(|s| !java::is_blank(s))
}

/// The login methods that are objects with a known recipe.
pub fn login_methods(user: &Value) -> impl Iterator<Item = (Recipe, &Value)> {
    user.get("loginMethods")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let recipe = match string_field(m, "recipeId")? {
                "emailpassword" => Recipe::EmailPassword,
                "thirdparty" => Recipe::ThirdParty,
                "passwordless" => Recipe::Passwordless,
                _ => return None,
            };
            Some((recipe, m))
        })
}

/// The raw tenant ids of a `tenantIds` array the core would accept, else `None`.
pub fn raw_tenant_ids(object: &Value) -> Option<Vec<&str>> {
    let ids = object.get("tenantIds")?.as_array()?;
    ids.iter()
        .map(|v| v.as_str().filter(|s| !java::is_blank(s)))
        .collect()
}

/// Normalised tenant ids as the core stores them (§4.3): `public` kept as is, others
/// trimmed and lower-cased; an absent or invalid list is `["public"]`.
pub fn tenant_ids(object: &Value) -> Vec<Cow<'_, str>> {
    match raw_tenant_ids(object) {
        None => vec![Cow::Borrowed(PUBLIC_TENANT)],
        Some(ids) => ids
            .into_iter()
            .map(|t| {
                if t == PUBLIC_TENANT {
                    Cow::Borrowed(PUBLIC_TENANT)
                } else {
                    Cow::Owned(java::trim_lower(t))
                }
            })
            .collect(),
    }
}

/// `isPrimary` is exactly `true`.
pub fn is_primary(method: &Value) -> bool {
    method.get("isPrimary") == Some(&Value::Bool(true))
}
