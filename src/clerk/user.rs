//! `ClerkUser`: the one normalised model every input shape maps into.
//!
//! The mapping code (`convert`) sees only this type, never a CSV row or a JSON shape, so a new
//! input shape cannot change how users are converted. Strings are `Cow` so that readers can
//! lend slices of their record buffer instead of allocating per field.

use crate::hashes::Hasher;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A Clerk user, whatever export it came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClerkUser<'a> {
    /// Clerk user id, `user_…`.
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    /// The customer's own id for the user (Backend API `external_id`).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<Cow<'a, str>>,
    /// Given name.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<Cow<'a, str>>,
    /// Family name.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<Cow<'a, str>>,
    /// Clerk username.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub username: Option<Cow<'a, str>>,
    /// Profile image URL.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<Cow<'a, str>>,
    /// Email addresses, de-duplicated (case-insensitively); the primary, when known, first.
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<Identifier<'a>>,
    /// Phone numbers (E.164 as Clerk stores them), de-duplicated; the primary, when known, first.
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Identifier<'a>>,
    /// The password digest and its hasher, when the user has a password.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password<'a>>,
    /// TOTP shared secret (base32 presumed; SHA1, 6 digits, 30 s).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<Cow<'a, str>>,
    /// OAuth accounts (Backend API `external_accounts`).
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    pub external_accounts: Vec<ExternalAccount<'a>>,
    /// Clerk `public_metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Map<String, Value>>,
    /// Clerk `private_metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Map<String, Value>>,
    /// Clerk `unsafe_metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<Map<String, Value>>,
    /// Sign-up time, ms since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<i64>,
    /// Banned in Clerk.
    #[serde(default, skip_serializing_if = "is_false")]
    pub banned: bool,
    /// Locked in Clerk.
    #[serde(default, skip_serializing_if = "is_false")]
    pub locked: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An email address or phone number of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier<'a> {
    /// The address or number, un-prefixed and trimmed.
    #[serde(borrow)]
    pub value: Cow<'a, str>,
    /// Whether Clerk had verified it.
    #[serde(default)]
    pub verified: bool,
    /// Whether it is the user's primary email or phone.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary: bool,
}

impl<'a> Identifier<'a> {
    /// A new identifier.
    pub fn new(value: impl Into<Cow<'a, str>>, verified: bool, primary: bool) -> Self {
        Identifier { value: value.into(), verified, primary }
    }
}

/// A password digest as Clerk exported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Password<'a> {
    /// Which algorithm made the digest.
    pub hasher: Hasher,
    /// The digest, verbatim. A secret: never logged or reported.
    #[serde(borrow)]
    pub digest: Cow<'a, str>,
}

/// A linked OAuth account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalAccount<'a> {
    /// Clerk provider, e.g. `oauth_google`, `oauth_custom_acme`.
    #[serde(borrow)]
    pub provider: Cow<'a, str>,
    /// The user's id at the provider.
    #[serde(borrow)]
    pub provider_user_id: Cow<'a, str>,
    /// Email the provider reported.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Cow<'a, str>>,
    /// Whether the account's verification status is `verified`.
    #[serde(default)]
    pub verified: bool,
}

impl ClerkUser<'_> {
    /// The primary email, or the first one when no primary is known.
    pub fn primary_email(&self) -> Option<&Identifier<'_>> {
        self.emails.iter().find(|e| e.primary).or(self.emails.first())
    }

    /// The primary phone, or the first one when no primary is known.
    pub fn primary_phone(&self) -> Option<&Identifier<'_>> {
        self.phones.iter().find(|p| p.primary).or(self.phones.first())
    }

    /// A copy that owns its strings, for users that outlive the record buffer they were read
    /// from (the join keeps Backend API users until their CSV row arrives).
    pub fn into_owned(self) -> ClerkUser<'static> {
        fn own(c: Cow<'_, str>) -> Cow<'static, str> {
            Cow::Owned(c.into_owned())
        }
        fn own_opt(c: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
            c.map(own)
        }
        fn own_ids(v: Vec<Identifier<'_>>) -> Vec<Identifier<'static>> {
            v.into_iter()
                .map(|i| Identifier { value: own(i.value), verified: i.verified, primary: i.primary })
                .collect()
        }
        ClerkUser {
            id: own(self.id),
            external_id: own_opt(self.external_id),
            first_name: own_opt(self.first_name),
            last_name: own_opt(self.last_name),
            username: own_opt(self.username),
            image_url: own_opt(self.image_url),
            emails: own_ids(self.emails),
            phones: own_ids(self.phones),
            password: self.password.map(|p| Password { hasher: p.hasher, digest: own(p.digest) }),
            totp_secret: own_opt(self.totp_secret),
            external_accounts: self
                .external_accounts
                .into_iter()
                .map(|a| ExternalAccount {
                    provider: own(a.provider),
                    provider_user_id: own(a.provider_user_id),
                    email: own_opt(a.email),
                    verified: a.verified,
                })
                .collect(),
            public_metadata: self.public_metadata,
            private_metadata: self.private_metadata,
            unsafe_metadata: self.unsafe_metadata,
            created_at_ms: self.created_at_ms,
            banned: self.banned,
            locked: self.locked,
        }
    }
}
