//! User-level rules: `externalUserId`, `userMetadata`, roles (§4.1), TOTP devices (§4.2) and
//! the finishing checks (§4.5), in the order `createBulkImportUserFromJSON` appends them.

use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashSet;

use super::fields::FieldReader;
use super::login_method::{CheckedLoginMethod, TenantOwner};
use super::{CoreCrash, UserCheck};
use crate::supertokens::context::{SkippedCheck, PUBLIC_TENANT};
use crate::supertokens::java;

const ROLE: &str = " for a user role.";
const TOTP: &str = " for a totp device.";

impl UserCheck<'_> {
    /// Validates one user object; `external_ids` holds the raw ids seen earlier in the request.
    pub(crate) fn user(
        &mut self,
        user: &Map<String, Value>,
        external_ids: &mut HashSet<Box<str>>,
    ) -> Result<(), CoreCrash> {
        let mut r = FieldReader {
            object: user,
            errors: &mut self.errors,
        };
        let external_user_id = r.string("externalUserId", false, ".");
        r.object("userMetadata", ".");
        let roles = self.roles(user)?;
        self.totp_devices(user);
        let methods = self.login_methods(user)?;

        if let Some(id) = external_user_id {
            if java::utf16_len_exceeds(id, 128) {
                self.errors.push(format!(
                    "externalUserId {id} is too long. Max length is 128."
                ));
            }
            if external_ids.contains(id) {
                self.errors.push(format!(
                    "externalUserId {id} is not unique. It is already used by another user."
                ));
            } else {
                external_ids.insert(id.into());
            }
        }
        self.role_tenants_in_login_methods(&roles, &methods);
        self.login_method_tenants(&methods);
        Ok(())
    }

    /// §4.1 step 3: the normalised tenant lists of the user's roles (`None` without roles).
    fn roles<'a>(
        &mut self,
        user: &'a Map<String, Value>,
    ) -> Result<Option<Vec<Vec<Cow<'a, str>>>>, CoreCrash> {
        let mut r = FieldReader {
            object: user,
            errors: &mut self.errors,
        };
        let Some(roles) = r.array_of_object("userRoles", false, ".") else {
            return Ok(None);
        };
        let mut tenant_lists = Vec::with_capacity(roles.len());
        for role in roles.iter().filter_map(Value::as_object) {
            let mut r = FieldReader {
                object: role,
                errors: &mut self.errors,
            };
            let name = r.string("role", true, ROLE);
            let tenant_ids = r.array_of_string("tenantIds", true, ROLE);
            // The core calls `role.length()` on the missing role: NullPointerException, 500.
            let name = name.ok_or(CoreCrash::RoleMissing)?;
            if java::utf16_len_exceeds(name, 255) {
                self.errors
                    .push(format!("role {name} is too long. Max length is 255."));
            }
            let trimmed = java::trim(name);
            match self.ctx.role_exists(trimmed) {
                Some(false) => self.errors.push(format!("Role {trimmed} does not exist.")),
                None => self.skipped.insert(SkippedCheck::RoleExists),
                Some(true) => {}
            }
            tenant_lists.push(self.tenant_ids(tenant_ids, TenantOwner::Role));
        }
        Ok(Some(tenant_lists))
    }

    /// §4.2.
    fn totp_devices(&mut self, user: &Map<String, Value>) {
        let mut r = FieldReader {
            object: user,
            errors: &mut self.errors,
        };
        let Some(devices) = r.array_of_object("totpDevices", false, ".") else {
            return;
        };
        match self.ctx.has_feature("mfa") {
            Some(false) => {
                self.errors
                    .push("MFA must be enabled to import totp devices.".to_owned());
                return;
            }
            None => self.skipped.insert(SkippedCheck::MfaFeature),
            Some(true) => {}
        }
        for device in devices.iter().filter_map(Value::as_object) {
            let mut r = FieldReader {
                object: device,
                errors: &mut self.errors,
            };
            let secret = r.string("secretKey", true, TOTP);
            let period = r.integer("period", TOTP);
            let skew = r.integer("skew", TOTP);
            let name = r.string("deviceName", false, TOTP);
            if let Some(s) = secret.filter(|s| java::utf16_len_exceeds(s, 256)) {
                self.errors.push(format!(
                    "TOTP secretKey {s} is too long. Max length is 256."
                ));
            }
            if period.is_some_and(|p| p < 1) {
                self.errors
                    .push("period should be > 0 for a totp device.".to_owned());
            }
            if skew.is_some_and(|s| s < 0) {
                self.errors
                    .push("skew should be >= 0 for a totp device.".to_owned());
            }
            if let Some(n) = name.filter(|n| java::utf16_len_exceeds(n, 256)) {
                self.errors.push(format!(
                    "TOTP deviceName {n} is too long. Max length is 256."
                ));
            }
        }
    }

    /// §4.5 step 10.
    fn role_tenants_in_login_methods(
        &mut self,
        roles: &Option<Vec<Vec<Cow<'_, str>>>>,
        methods: &[CheckedLoginMethod<'_>],
    ) {
        for tenant in roles.iter().flatten().flatten() {
            if tenant != PUBLIC_TENANT
                && !methods
                    .iter()
                    .any(|m| m.tenant_ids.iter().any(|t| t == tenant))
            {
                self.errors.push(format!(
                    "TenantId {tenant} for a user role does not exist in loginMethods."
                ));
            }
        }
    }

    /// §4.5 step 11: no tenant at all, and tenants on different user pools.
    fn login_method_tenants(&mut self, methods: &[CheckedLoginMethod<'_>]) {
        let mut common_pool: Option<&str> = None;
        let mut first_tenant: Option<&str> = None;
        for m in methods {
            if m.tenant_ids.is_empty() {
                self.errors.push(format!(
                    "LoginMethod '{}' has no tenantId",
                    m.to_gson(self.ctx.now_ms)
                ));
            }
            for tenant in &m.tenant_ids {
                if self.ctx.tenant_pools.is_none() {
                    // Only a user spanning two tenants could fail the check.
                    match first_tenant {
                        None => first_tenant = Some(tenant),
                        Some(first) if first != tenant => {
                            self.skipped.insert(SkippedCheck::SameDatabase)
                        }
                        Some(_) => {}
                    }
                    continue;
                }
                let Some(pool) = self.ctx.tenant_pool(tenant) else {
                    self.skipped.insert(SkippedCheck::SameDatabase);
                    continue;
                };
                match common_pool {
                    None => common_pool = Some(pool),
                    Some(common) if common != pool => {
                        self.errors.push(format!(
                            "All tenants for a user must share the same database for {} recipe.",
                            m.recipe_id
                        ));
                        break;
                    }
                    Some(_) => {}
                }
            }
        }
    }
}
