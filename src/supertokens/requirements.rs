//! What an import needs from the target core (spec §5), accumulated over its users.
//!
//! The submit command compares this with the core's answers (`/ee/featureflag`,
//! `/recipe/roles`, the tenant list) before sending anything, so a missing feature, role or
//! tenant stops the run up front instead of failing batch after batch.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use super::context::{CoreContext, PUBLIC_TENANT};
use super::java;
use super::normalised::{self, Recipe};
use super::validate::password_hash::HashingAlgorithm;

/// Features, roles and tenants an import uses, with how many users need each, so that the
/// message telling the operator what to change on the core can say how much depends on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Requirements {
    /// Users scanned.
    pub users: u64,
    /// Users with a `totpDevices` key (even `[]` needs `mfa`, §4.2).
    pub totp_users: u64,
    /// Users with several login methods or an `isPrimary: true` (§4.4 step 6, E019).
    pub linking_users: u64,
    /// Users with a tenant id that is not exactly `public` (§4.3).
    pub tenant_users: u64,
    /// Trimmed role name → users having it; each must exist in the app (§4.1).
    pub roles: BTreeMap<String, u64>,
    /// Normalised tenant id (other than `public`) → users on it.
    pub tenants: BTreeMap<String, u64>,
    /// Users with an emailpassword `firebase_scrypt` hash: the core needs its signer key (§4.4).
    pub firebase_users: u64,
}

/// One thing to change on the core before sending, in words an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `feature`, `tenant`, `role` or `firebase`.
    pub kind: &'static str,
    /// What to change, with the endpoint to call where there is one.
    pub message: String,
}

impl Requirements {
    /// The requirements of one user.
    pub fn of_user(user: &Value) -> Self {
        let mut r = Requirements::default();
        r.add_user(user);
        r
    }

    /// Needs `mfa`.
    pub fn needs_mfa(&self) -> bool {
        self.totp_users > 0
    }

    /// Needs `account_linking`.
    pub fn needs_account_linking(&self) -> bool {
        self.linking_users > 0
    }

    /// Needs `multi_tenancy`.
    pub fn needs_multi_tenancy(&self) -> bool {
        self.tenant_users > 0
    }

    /// Needs the firebase signer key configured.
    pub fn uses_firebase_scrypt(&self) -> bool {
        self.firebase_users > 0
    }

    /// Adds one user's requirements.
    pub fn add_user(&mut self, user: &Value) {
        self.users += 1;
        self.totp_users += u64::from(user.get("totpDevices").is_some());
        let mut roles = BTreeSet::new();
        let mut tenants = BTreeSet::new();
        if let Some(list) = user.get("userRoles").and_then(Value::as_array) {
            for role in list {
                if let Some(name) = normalised::string_field(role, "role") {
                    roles.insert(java::trim(name).to_owned());
                }
                add_tenants(role, &mut tenants);
            }
        }
        let methods = user.get("loginMethods").and_then(Value::as_array);
        let methods = methods.map(Vec::as_slice).unwrap_or_default();
        self.linking_users += u64::from(methods.len() > 1 || methods.iter().any(normalised::is_primary));
        for method in methods {
            add_tenants(method, &mut tenants);
        }
        self.tenant_users += u64::from(!tenants.is_empty());
        for r in roles {
            *self.roles.entry(r).or_default() += 1;
        }
        for t in tenants {
            *self.tenants.entry(t).or_default() += 1;
        }
        self.firebase_users += u64::from(normalised::login_methods(user).any(|(recipe, m)| {
            recipe == Recipe::EmailPassword
                && normalised::string_field(m, "hashingAlgorithm").and_then(HashingAlgorithm::parse)
                    == Some(HashingAlgorithm::FirebaseScrypt)
        }));
    }

    /// Adds the users of a request body `{"users":[...]}` (a batch file); other shapes add nothing.
    pub fn add_batch(&mut self, body: &Value) {
        for user in body.get("users").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
            self.add_user(user);
        }
    }

    /// Adds another set of requirements (for example one batch's to the import's).
    pub fn merge(&mut self, other: &Requirements) {
        self.users += other.users;
        self.totp_users += other.totp_users;
        self.linking_users += other.linking_users;
        self.tenant_users += other.tenant_users;
        self.firebase_users += other.firebase_users;
        for (r, n) in &other.roles {
            *self.roles.entry(r.clone()).or_default() += n;
        }
        for (t, n) in &other.tenants {
            *self.tenants.entry(t.clone()).or_default() += n;
        }
    }

    /// What the core described by `ctx` lacks for these users: one problem per thing to change.
    /// Unknown parts of the context are taken as lacking nothing (they cannot be checked); an
    /// unknown firebase signer key is a problem, because without it the core answers HTTP 500.
    pub fn problems(&self, ctx: &CoreContext) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (name, n, why) in [
            ("mfa", self.totp_users, "with TOTP devices"),
            ("account_linking", self.linking_users, "with several login methods or isPrimary"),
            ("multi_tenancy", self.tenant_users, "on tenants other than public"),
        ] {
            if n > 0 && ctx.has_feature(name) == Some(false) {
                problems.push(Problem { kind: "feature", message: format!("enable the {name} feature (needed by {} {why})", users(n)) });
            }
        }
        for (t, n) in &self.tenants {
            if ctx.tenant_exists(t) == Some(false) {
                problems.push(Problem {
                    kind: "tenant",
                    message: format!("create tenant {t} (needed by {}): PUT /recipe/multitenancy/tenant/v2 with {}", users(*n), serde_json::json!({ "tenantId": t })),
                });
            }
        }
        for (r, n) in &self.roles {
            if ctx.role_exists(r) == Some(false) {
                problems.push(Problem {
                    kind: "role",
                    message: format!(
                        "create role {r} (needed by {}): PUT /recipe/role with {{\"role\":{},\"permissions\":[]}}",
                        users(*n),
                        Value::from(r.as_str())
                    ),
                });
            }
        }
        if self.firebase_users > 0 && ctx.firebase_signer_key_set != Some(true) {
            problems.push(Problem {
                kind: "firebase",
                message: format!(
                    "{} firebase_scrypt password hashes: configure the core with firebase_password_hashing_signer_key (the value in the signer-key file written by convert), then rerun with --firebase-signer-key-set (without the key the core answers HTTP 500 to the whole batch)",
                    if self.firebase_users == 1 { "1 user has".to_string() } else { format!("{} users have", self.firebase_users) }
                ),
            });
        }
        problems
    }
}

fn add_tenants(owner: &Value, into: &mut BTreeSet<String>) {
    for raw in normalised::raw_tenant_ids(owner).unwrap_or_default() {
        if raw != PUBLIC_TENANT {
            into.insert(java::trim_lower(raw));
        }
    }
}

fn users(n: u64) -> String {
    if n == 1 {
        "1 user".into()
    } else {
        format!("{n} users")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_plain_user_needs_nothing() {
        let r = Requirements::of_user(&json!({"loginMethods":[{"recipeId":"passwordless","email":"a@b.c"}]}));
        assert_eq!(r, Requirements { users: 1, ..Requirements::default() });
        assert!(r.problems(&CoreContext::default()).is_empty());
    }

    #[test]
    fn every_requirement_is_counted_and_merged() {
        let mut r = Requirements::of_user(&json!({
            "totpDevices": [],
            "userRoles": [{"role":" admin ","tenantIds":[" T1 "]}],
            "loginMethods":[{"recipeId":"emailpassword","email":"a","passwordHash":"x","hashingAlgorithm":" Firebase_Scrypt","tenantIds":["public"]}]}));
        assert!(r.needs_mfa() && r.needs_multi_tenancy() && r.uses_firebase_scrypt());
        assert!(!r.needs_account_linking());
        assert_eq!(r.roles, BTreeMap::from([("admin".to_string(), 1)]));
        assert_eq!(r.tenants, BTreeMap::from([("t1".to_string(), 1)]));
        r.merge(&Requirements::of_user(&json!({"userRoles":[{"role":"admin","tenantIds":[]}],"loginMethods":[{"recipeId":"thirdparty","isPrimary":true}]})));
        assert!(r.needs_account_linking());
        assert_eq!(r.roles["admin"], 2);
        assert_eq!(r.users, 2);
        let two = Requirements::of_user(&json!({"loginMethods":[{}, {}]}));
        assert!(two.needs_account_linking() && !two.needs_mfa());
    }

    #[test]
    fn problems_say_what_to_change_on_the_core() {
        let mut r = Requirements::default();
        r.add_batch(&json!({"users":[
            {"totpDevices":[{"secretKey":"K"}],"userRoles":[{"role":"admin","tenantIds":["public"]}],
             "loginMethods":[{"recipeId":"passwordless","email":"a@b.c","tenantIds":["eu"]}]},
            {"totpDevices":[],"loginMethods":[{"recipeId":"emailpassword","email":"b@b.c","passwordHash":"$f_scrypt$","hashingAlgorithm":"firebase_scrypt"}]}]}));
        let ctx: CoreContext = serde_json::from_value(json!({"features":["multi_tenancy"],"roles":[],"tenants":["public"]})).unwrap();
        let messages: Vec<String> = r.problems(&ctx).into_iter().map(|p| p.message).collect();
        assert_eq!(messages, vec![
            "enable the mfa feature (needed by 2 users with TOTP devices)".to_string(),
            r#"create tenant eu (needed by 1 user): PUT /recipe/multitenancy/tenant/v2 with {"tenantId":"eu"}"#.to_string(),
            r#"create role admin (needed by 1 user): PUT /recipe/role with {"role":"admin","permissions":[]}"#.to_string(),
            "1 user has firebase_scrypt password hashes: configure the core with firebase_password_hashing_signer_key (the value in the signer-key file written by convert), then rerun with --firebase-signer-key-set (without the key the core answers HTTP 500 to the whole batch)".to_string(),
        ]);
        // Unknown context: nothing can be said to be missing, except the signer key.
        assert_eq!(r.problems(&CoreContext::default()).len(), 1);
    }
}
