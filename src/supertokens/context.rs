//! What the validator knows about the target core (spec §5), and what it had to skip.
//!
//! Several rules depend on the app the users go to: its features, roles, tenants, per-tenant
//! databases, the firebase signer key and the server clock. A client learns some of them from
//! the core (§1.7) and must be told the rest. Every part is optional: an unknown part makes
//! the validator skip exactly the checks that need it and say so ([`SkippedCheck`]), rather
//! than guess and reject users the core would accept (or the reverse).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The tenant every app has (`TenantIdentifier.DEFAULT_TENANT_ID`).
pub const PUBLIC_TENANT: &str = "public";

/// The target core as far as the caller knows it (spec §5). `None` means unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CoreContext {
    /// Enabled features, spelt as `GET /ee/featureflag` returns them (`account_linking`,
    /// `mfa`, `multi_tenancy`, ...). Decides TOTP devices, several login methods and tenants.
    pub features: Option<Vec<String>>,
    /// Role names of the app (`GET /recipe/roles`); a user's trimmed role must be one of them.
    pub roles: Option<Vec<String>>,
    /// Tenant ids of the app (`GET /recipe/multitenancy/tenant/list/v2`). `public` always
    /// exists, listed or not.
    pub tenants: Option<Vec<String>>,
    /// Tenant id -> user pool (database) id. The core cannot tell a client this (§5); when
    /// given, a user whose tenants span pools is rejected as the core would. Tenants missing
    /// from the map are not compared.
    pub tenant_pools: Option<BTreeMap<String, String>>,
    /// Whether `firebase_password_hashing_signer_key` is configured. Without it a
    /// `firebase_scrypt` hash makes the core fail the whole request with HTTP 500 (§4.4).
    pub firebase_signer_key_set: Option<bool>,
    /// The core's clock in ms since the epoch, for `timeJoined cannot be in future`.
    pub now_ms: Option<i64>,
}

impl CoreContext {
    /// `Some(true)` when `name` is enabled, `None` when the features are unknown.
    pub fn has_feature(&self, name: &str) -> Option<bool> {
        self.features.as_ref().map(|f| f.iter().any(|n| n == name))
    }

    /// `Utils.isAccountLinkingEnabled`: `account_linking` or `mfa` (§4.4 step 6).
    pub fn account_linking_enabled(&self) -> Option<bool> {
        self.features
            .as_ref()
            .map(|f| f.iter().any(|n| n == "account_linking" || n == "mfa"))
    }

    /// Whether a normalised tenant id exists; `None` when the tenants are unknown.
    pub fn tenant_exists(&self, normalised: &str) -> Option<bool> {
        self.tenants
            .as_ref()
            .map(|t| normalised == PUBLIC_TENANT || t.iter().any(|x| x == normalised))
    }

    /// Whether a trimmed role exists; `None` when the roles are unknown.
    pub fn role_exists(&self, trimmed: &str) -> Option<bool> {
        self.roles.as_ref().map(|r| r.iter().any(|x| x == trimmed))
    }

    /// The user pool of a normalised tenant, when known.
    pub fn tenant_pool(&self, tenant: &str) -> Option<&str> {
        self.tenant_pools
            .as_ref()
            .and_then(|p| p.get(tenant))
            .map(String::as_str)
    }
}

/// A check the validator could not run because part of the [`CoreContext`] was unknown.
///
/// Reported so a caller can tell "valid" from "valid as far as we could tell" (§5, "when a
/// part is unknown, skip that check and warn").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkippedCheck {
    /// `MFA must be enabled to import totp devices.` (features unknown).
    MfaFeature,
    /// `Account linking must be enabled to import multiple loginMethods.` (features unknown).
    AccountLinkingFeature,
    /// `Multitenancy must be enabled ...` (features unknown).
    MultiTenancyFeature,
    /// `Invalid tenantId: ...` (tenants unknown).
    TenantExists,
    /// `Role ... does not exist.` (roles unknown).
    RoleExists,
    /// `All tenants for a user must share the same database ...` (tenant pools unknown).
    SameDatabase,
    /// The firebase signer key crash (HTTP 500) (signer key state unknown).
    FirebaseSignerKey,
    /// `timeJoined cannot be in future ...` (server clock unknown).
    TimeJoinedInFuture,
}

impl SkippedCheck {
    /// Every variant, in declaration order (the order [`SkippedChecks::to_vec`] lists them).
    pub const ALL: [SkippedCheck; 8] = [
        SkippedCheck::MfaFeature,
        SkippedCheck::AccountLinkingFeature,
        SkippedCheck::MultiTenancyFeature,
        SkippedCheck::TenantExists,
        SkippedCheck::RoleExists,
        SkippedCheck::SameDatabase,
        SkippedCheck::FirebaseSignerKey,
        SkippedCheck::TimeJoinedInFuture,
    ];

    /// What the caller should declare to have this check run.
    pub fn needs(self) -> &'static str {
        match self {
            SkippedCheck::MfaFeature
            | SkippedCheck::AccountLinkingFeature
            | SkippedCheck::MultiTenancyFeature => "the core's enabled features",
            SkippedCheck::TenantExists => "the app's tenant ids",
            SkippedCheck::RoleExists => "the app's roles",
            SkippedCheck::SameDatabase => "the user pool of each tenant",
            SkippedCheck::FirebaseSignerKey => "whether the firebase signer key is configured",
            SkippedCheck::TimeJoinedInFuture => "the core's current time",
        }
    }
}

/// A small set of [`SkippedCheck`]s: one bit each, so recording one per user costs nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SkippedChecks(u16);

impl SkippedChecks {
    /// Records that `check` was skipped.
    pub fn insert(&mut self, check: SkippedCheck) {
        self.0 |= 1 << check as u16;
    }

    /// Adds every check of `other`.
    pub fn extend(&mut self, other: SkippedChecks) {
        self.0 |= other.0;
    }

    /// Whether `check` was skipped.
    pub fn contains(self, check: SkippedCheck) -> bool {
        self.0 & (1 << check as u16) != 0
    }

    /// Whether nothing was skipped.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The skipped checks in a fixed order.
    pub fn to_vec(self) -> Vec<SkippedCheck> {
        SkippedCheck::ALL
            .into_iter()
            .filter(|c| self.contains(*c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_parses_camel_case_and_rejects_unknown_keys() {
        let c: CoreContext = serde_json::from_str(
            r#"{"features":["mfa"],"tenants":["t1"],"tenantPools":{"public":"a"},"firebaseSignerKeySet":true,"nowMs":5}"#,
        )
        .unwrap();
        assert_eq!(c.has_feature("mfa"), Some(true));
        assert_eq!(c.account_linking_enabled(), Some(true));
        assert_eq!(c.tenant_exists("public"), Some(true));
        assert_eq!(c.tenant_exists("t2"), Some(false));
        assert_eq!(c.role_exists("admin"), None);
        assert_eq!(c.tenant_pool("public"), Some("a"));
        assert!(serde_json::from_str::<CoreContext>(r#"{"feature":[]}"#).is_err());
        assert_eq!(
            serde_json::from_str::<CoreContext>("{}").unwrap(),
            CoreContext::default()
        );
    }

    #[test]
    fn skipped_set_lists_in_fixed_order() {
        let mut s = SkippedChecks::default();
        assert!(s.is_empty());
        s.insert(SkippedCheck::TimeJoinedInFuture);
        s.insert(SkippedCheck::MfaFeature);
        s.insert(SkippedCheck::MfaFeature);
        assert_eq!(
            s.to_vec(),
            vec![SkippedCheck::MfaFeature, SkippedCheck::TimeJoinedInFuture]
        );
        assert_eq!(
            serde_json::to_string(&SkippedCheck::TimeJoinedInFuture).unwrap(),
            r#""time-joined-in-future""#
        );
    }
}
