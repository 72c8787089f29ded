//! The bulk-import user as the core reads it (spec/supertokens-bulk-import.md §2).
//!
//! Serialisation follows §11.1: absent fields are omitted, never `null`, and no empty strings
//! are written. Field order follows the spec's examples so batches read naturally.

use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// One user of a `POST /bulk-import/users` request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkImportUser<'a> {
    /// Becomes a user-id mapping in the core (≤ 128 UTF-16 units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_user_id: Option<Cow<'a, str>>,
    /// Stored as-is on the primary user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_metadata: Option<UserMetadata<'a>>,
    /// Roles; each must already exist in the core.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_roles: Vec<UserRole<'a>>,
    /// TOTP devices; present only when the `mfa` feature is declared (even `[]` needs it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub totp_devices: Vec<TotpDevice<'a>>,
    /// At least one.
    pub login_methods: Vec<LoginMethod<'a>>,
}

/// What this tool puts in `userMetadata`: typed, so that a user's metadata costs no JSON tree
/// per user. Keys are written in sorted order, as a JSON object map would write them.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct UserMetadata<'a> {
    /// Identities left out because account linking is not declared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clerk_login_methods_not_imported: Vec<LeftOutLoginMethod<'a>>,
    /// Set when the user was imported with a random password and must reset it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub clerk_password_reset_required: bool,
    /// Given name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<Cow<'a, str>>,
    /// Profile image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<Cow<'a, str>>,
    /// Family name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<Cow<'a, str>>,
    /// Clerk `private_metadata` (only when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<&'a Map<String, Value>>,
    /// Clerk `public_metadata`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<&'a Map<String, Value>>,
    /// Clerk `unsafe_metadata`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<&'a Map<String, Value>>,
    /// Clerk username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<Cow<'a, str>>,
}

impl UserMetadata<'_> {
    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.clerk_login_methods_not_imported.is_empty()
            && !self.clerk_password_reset_required
            && self.first_name.is_none()
            && self.image_url.is_none()
            && self.last_name.is_none()
            && self.private_metadata.is_none()
            && self.public_metadata.is_none()
            && self.unsafe_metadata.is_none()
            && self.username.is_none()
    }
}

/// A login method left out of an unlinked import, described without any secret (keys sorted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeftOutLoginMethod<'a> {
    /// The method's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Cow<'a, str>>,
    /// Whether it was verified.
    pub is_verified: bool,
    /// The method's phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<Cow<'a, str>>,
    /// Its recipe.
    pub recipe_id: RecipeId,
    /// Its provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_party_id: Option<Cow<'a, str>>,
    /// The user's id at the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_party_user_id: Option<Cow<'a, str>>,
}

/// A role assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRole<'a> {
    /// The role name.
    pub role: Cow<'a, str>,
    /// Tenants the role applies on.
    pub tenant_ids: Vec<Cow<'a, str>>,
}

/// A TOTP device, created verified for the user's primary login method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TotpDevice<'a> {
    /// The shared secret, verbatim.
    pub secret_key: Cow<'a, str>,
    /// Seconds per code (Clerk: 30).
    pub period: u32,
    /// Codes accepted either side of now.
    pub skew: u32,
    /// Always sent: bulk import sets no default and a nameless device fails a whole chunk (§7.5).
    pub device_name: Cow<'a, str>,
}

/// The three recipes a login method can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecipeId {
    /// Email and password.
    Emailpassword,
    /// OAuth / OIDC.
    Thirdparty,
    /// Email or SMS one-time codes / magic links.
    Passwordless,
}

/// One way the user signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginMethod<'a> {
    /// Which recipe.
    pub recipe_id: RecipeId,
    /// Tenants; omitted means `["public"]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tenant_ids: Vec<Cow<'a, str>>,
    /// Whether the email (or phone) is verified.
    pub is_verified: bool,
    /// Set on exactly one method of a multi-method user, and only with account linking.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_primary: bool,
    /// Sign-up time; omitted when unknown rather than sending the converter's clock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_joined_in_m_s_since_epoch: Option<i64>,
    /// Email (all recipes; optional for passwordless).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Cow<'a, str>>,
    /// emailpassword: the digest, in a format the core verifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<Cow<'a, str>>,
    /// emailpassword: `bcrypt`, `argon2` or `firebase_scrypt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hashing_algorithm: Option<&'static str>,
    /// emailpassword: a password the core hashes itself (reset policy, lazy path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plain_text_password: Option<Cow<'a, str>>,
    /// thirdparty: provider id, ≤ 28 UTF-16 units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_party_id: Option<Cow<'a, str>>,
    /// thirdparty: the user's id at the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_party_user_id: Option<Cow<'a, str>>,
    /// passwordless: E.164 phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<Cow<'a, str>>,
}

impl<'a> LoginMethod<'a> {
    /// A login method of `recipe` with every optional field absent.
    pub fn new(recipe_id: RecipeId) -> Self {
        LoginMethod {
            recipe_id,
            tenant_ids: Vec::new(),
            is_verified: false,
            is_primary: false,
            time_joined_in_m_s_since_epoch: None,
            email: None,
            password_hash: None,
            hashing_algorithm: None,
            plain_text_password: None,
            third_party_id: None,
            third_party_user_id: None,
            phone_number: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_core_field_names_and_omits_absent_fields() {
        let mut m = LoginMethod::new(RecipeId::Emailpassword);
        m.email = Some("a@b.c".into());
        m.password_hash = Some("$2a$10$x".into());
        m.hashing_algorithm = Some("bcrypt");
        m.time_joined_in_m_s_since_epoch = Some(5);
        let u = BulkImportUser {
            external_user_id: Some("user_1".into()),
            user_metadata: None,
            user_roles: vec![],
            totp_devices: vec![],
            login_methods: vec![m],
        };
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"externalUserId":"user_1","loginMethods":[{"recipeId":"emailpassword","isVerified":false,"timeJoinedInMSSinceEpoch":5,"email":"a@b.c","passwordHash":"$2a$10$x","hashingAlgorithm":"bcrypt"}]}"#
        );
    }
}
