//! What an import needs from the target core (spec §5), accumulated over its users.
//!
//! The submit command compares this with the core's answers (`/ee/featureflag`,
//! `/recipe/roles`, the tenant list) before sending anything, so a missing feature, role or
//! tenant stops the run up front instead of failing batch after batch.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

use super::context::PUBLIC_TENANT;
use super::java;
use super::normalised::{self, Recipe};
use super::validate::password_hash::HashingAlgorithm;

/// Features, roles and tenants an import uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Requirements {
    /// Some user has a `totpDevices` key (even `[]` needs `mfa`, §4.2).
    pub needs_mfa: bool,
    /// Some user has several login methods or an `isPrimary: true` (§4.4 step 6, E019).
    pub needs_account_linking: bool,
    /// Some tenant id is not exactly `public` (§4.3).
    pub needs_multi_tenancy: bool,
    /// Trimmed role names, which must exist in the app (§4.1).
    pub roles: BTreeSet<String>,
    /// Normalised tenant ids of roles and login methods (`public` included when used).
    pub tenants: BTreeSet<String>,
    /// Some emailpassword method uses `firebase_scrypt`: the core needs its signer key (§4.4).
    pub uses_firebase_scrypt: bool,
}

impl Requirements {
    /// The requirements of one user.
    pub fn of_user(user: &Value) -> Self {
        let mut r = Requirements::default();
        r.add_user(user);
        r
    }

    /// Adds one user's requirements.
    pub fn add_user(&mut self, user: &Value) {
        self.needs_mfa |= user.get("totpDevices").is_some();
        if let Some(roles) = user.get("userRoles").and_then(Value::as_array) {
            for role in roles {
                if let Some(name) = normalised::string_field(role, "role") {
                    self.roles.insert(java::trim(name).to_owned());
                }
                self.add_tenants(role);
            }
        }
        let methods = user.get("loginMethods").and_then(Value::as_array);
        let methods = methods.map(Vec::as_slice).unwrap_or_default();
        self.needs_account_linking |=
            methods.len() > 1 || methods.iter().any(normalised::is_primary);
        for method in methods {
            if method.get("tenantIds").is_some() {
                self.add_tenants(method);
            } else {
                self.tenants.insert(PUBLIC_TENANT.to_owned());
            }
        }
        self.uses_firebase_scrypt |= normalised::login_methods(user).any(|(recipe, m)| {
            recipe == Recipe::EmailPassword
                && normalised::string_field(m, "hashingAlgorithm").and_then(HashingAlgorithm::parse)
                    == Some(HashingAlgorithm::FirebaseScrypt)
        });
    }

    fn add_tenants(&mut self, owner: &Value) {
        for raw in normalised::raw_tenant_ids(owner).unwrap_or_default() {
            if raw == PUBLIC_TENANT {
                self.tenants.insert(PUBLIC_TENANT.to_owned());
            } else {
                self.needs_multi_tenancy = true;
                self.tenants.insert(java::trim_lower(raw));
            }
        }
    }

    /// Adds another set of requirements (for example one batch's to the import's).
    pub fn merge(&mut self, other: &Requirements) {
        self.needs_mfa |= other.needs_mfa;
        self.needs_account_linking |= other.needs_account_linking;
        self.needs_multi_tenancy |= other.needs_multi_tenancy;
        self.roles.extend(other.roles.iter().cloned());
        self.tenants.extend(other.tenants.iter().cloned());
        self.uses_firebase_scrypt |= other.uses_firebase_scrypt;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_plain_user_needs_nothing_but_public() {
        let r = Requirements::of_user(
            &json!({"loginMethods":[{"recipeId":"passwordless","email":"a@b.c"}]}),
        );
        assert_eq!(
            r,
            Requirements {
                tenants: BTreeSet::from(["public".to_string()]),
                ..Requirements::default()
            }
        );
    }

    #[test]
    fn every_requirement_is_detected_and_merged() {
        let mut r = Requirements::of_user(&json!({
            "totpDevices": [],
            "userRoles": [{"role":" admin ","tenantIds":[" T1 "]}],
            "loginMethods":[{"recipeId":"emailpassword","email":"a","passwordHash":"x","hashingAlgorithm":" Firebase_Scrypt","tenantIds":["public"]}]}));
        assert!(r.needs_mfa && r.needs_multi_tenancy && r.uses_firebase_scrypt);
        assert!(!r.needs_account_linking);
        assert_eq!(r.roles, BTreeSet::from(["admin".to_string()]));
        assert_eq!(
            r.tenants,
            BTreeSet::from(["public".to_string(), "t1".to_string()])
        );
        r.merge(&Requirements::of_user(
            &json!({"loginMethods":[{"recipeId":"thirdparty","isPrimary":true}]}),
        ));
        assert!(r.needs_account_linking);
        let two = Requirements::of_user(&json!({"loginMethods":[{}, {}]}));
        assert!(two.needs_account_linking && !two.needs_mfa);
    }
}
