//! Login-method rules (spec §4.4) and the tenant-id check they share with roles (§4.3).

use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt::Write;

use super::fields::FieldReader;
use super::gson;
use super::password_hash::HashingAlgorithm;
use super::{CoreCrash, UserCheck};
use crate::supertokens::context::{SkippedCheck, PUBLIC_TENANT};
use crate::supertokens::{java, phone};

const LM: &str = " for a loginMethod.";
const EP: &str = " for an emailpassword recipe.";
const TP: &str = " for a thirdparty recipe.";
const PL: &str = " for a passwordless recipe.";

/// Stands in for the random UUID the core puts in `superTokensUserId` of the
/// `LoginMethod '<json>' has no tenantId` message, which no client can reproduce (§4.5).
pub const LOGIN_METHOD_ID_PLACEHOLDER: &str = "00000000-0000-0000-0000-000000000000";

/// Whose tenant ids are checked: it decides the suffix of `Invalid tenantId: ...` (§4.3).
#[derive(Clone, Copy)]
pub(crate) enum TenantOwner<'a> {
    /// ` for a user role.`
    Role,
    /// ` for <recipeId> recipe.`, with the raw recipe id or `null`.
    LoginMethod(Option<&'a str>),
}

/// A login method with a known recipe, as kept for the finishing checks of §4.5 (the core
/// drops methods without a valid `recipeId` from them). Strings are borrowed raw; the
/// normalised forms are computed only for the rare `has no tenantId` message.
pub(crate) struct CheckedLoginMethod<'a> {
    pub recipe_id: &'a str,
    pub tenant_ids: Vec<Cow<'a, str>>,
    is_verified: bool,
    is_primary: bool,
    time_joined: Option<i64>,
    email: Option<&'a str>,
    password_hash: Option<&'a str>,
    hashing_algorithm: Option<&'a str>,
    algorithm: Option<HashingAlgorithm>,
    plain_text_password: Option<&'a str>,
    third_party_id: Option<&'a str>,
    third_party_user_id: Option<&'a str>,
    phone_number: Option<&'a str>,
}

impl UserCheck<'_> {
    /// §4.3 over a present, valid `tenantIds` (or the `["public"]` default when absent).
    pub(crate) fn tenant_ids<'a>(
        &mut self,
        ids: Option<&'a [Value]>,
        owner: TenantOwner<'_>,
    ) -> Vec<Cow<'a, str>> {
        let Some(ids) = ids else {
            return vec![Cow::Borrowed(PUBLIC_TENANT)];
        };
        let mut kept = Vec::with_capacity(ids.len());
        for original in ids.iter().filter_map(Value::as_str) {
            if original == PUBLIC_TENANT {
                kept.push(Cow::Borrowed(PUBLIC_TENANT));
                continue;
            }
            match self.ctx.has_feature("multi_tenancy") {
                Some(false) => {
                    self.errors.push(
                        "Multitenancy must be enabled before importing users to a different tenant."
                            .to_owned(),
                    );
                    continue;
                }
                None => self.skipped.insert(SkippedCheck::MultiTenancyFeature),
                Some(true) => {}
            }
            let normalised = java::trim_lower(original);
            match self.ctx.tenant_exists(&normalised) {
                Some(false) => {
                    let mut message = format!("Invalid tenantId: {original}");
                    match owner {
                        TenantOwner::Role => message.push_str(" for a user role."),
                        TenantOwner::LoginMethod(recipe) => {
                            let _ = write!(message, " for {} recipe.", recipe.unwrap_or("null"));
                        }
                    }
                    self.errors.push(message);
                    continue;
                }
                None => self.skipped.insert(SkippedCheck::TenantExists),
                Some(true) => {}
            }
            kept.push(Cow::Owned(normalised));
        }
        kept
    }

    /// §4.4 steps 5–8 over the user's `loginMethods`.
    pub(crate) fn login_methods<'a>(
        &mut self,
        user: &'a Map<String, Value>,
    ) -> Result<Vec<CheckedLoginMethod<'a>>, CoreCrash> {
        let mut reader = FieldReader {
            object: user,
            errors: &mut self.errors,
        };
        let Some(methods) = reader.array_of_object("loginMethods", true, ".") else {
            return Ok(Vec::new());
        };
        if methods.is_empty() {
            self.errors
                .push("At least one loginMethod is required.".to_owned());
            return Ok(Vec::new());
        }
        if methods.len() > 1 {
            match self.ctx.account_linking_enabled() {
                Some(false) => self.errors.push(
                    "Account linking must be enabled to import multiple loginMethods.".to_owned(),
                ),
                None => self.skipped.insert(SkippedCheck::AccountLinkingFeature),
                Some(true) => {}
            }
        }
        let primaries = methods
            .iter()
            .filter(|m| m.get("isPrimary") == Some(&Value::Bool(true)))
            .count();
        for _ in 1..primaries {
            self.errors
                .push("No two loginMethods can have isPrimary as true.".to_owned());
        }
        let mut checked = Vec::with_capacity(methods.len());
        for method in methods.iter().filter_map(Value::as_object) {
            if let Some(m) = self.login_method(method)? {
                checked.push(m);
            }
        }
        Ok(checked)
    }

    /// §4.4 step 8 for one login method; `None` when its recipe is missing or unknown.
    fn login_method<'a>(
        &mut self,
        method: &'a Map<String, Value>,
    ) -> Result<Option<CheckedLoginMethod<'a>>, CoreCrash> {
        let mut r = FieldReader {
            object: method,
            errors: &mut self.errors,
        };
        let recipe_id = r.string("recipeId", true, LM);
        let tenant_ids = r.array_of_string("tenantIds", false, LM);
        let is_verified = r.boolean("isVerified", LM).unwrap_or(false);
        let is_primary = r.boolean("isPrimary", LM).unwrap_or(false);
        let time_joined = r.long("timeJoinedInMSSinceEpoch", " for a loginMethod");

        let known =
            recipe_id.filter(|r| matches!(*r, "emailpassword" | "thirdparty" | "passwordless"));
        if recipe_id.is_some() && known.is_none() {
            self.errors.push(
                "Invalid recipeId for loginMethod. Pass one of emailpassword, thirdparty or, passwordless!"
                    .to_owned(),
            );
        }
        let tenant_ids = self.tenant_ids(tenant_ids, TenantOwner::LoginMethod(recipe_id));
        if let Some(t) = time_joined {
            match self.ctx.now_ms {
                Some(now) if t > now => self
                    .errors
                    .push("timeJoined cannot be in future for a loginMethod.".to_owned()),
                None => self.skipped.insert(SkippedCheck::TimeJoinedInFuture),
                _ => {}
            }
            if t < 0 {
                self.errors
                    .push("timeJoined cannot be < 0 for a loginMethod.".to_owned());
            }
        }
        let Some(recipe_id) = known else {
            return Ok(None);
        };
        let mut m = CheckedLoginMethod {
            recipe_id,
            tenant_ids,
            is_verified,
            is_primary,
            time_joined,
            email: None,
            password_hash: None,
            hashing_algorithm: None,
            algorithm: None,
            plain_text_password: None,
            third_party_id: None,
            third_party_user_id: None,
            phone_number: None,
        };
        match recipe_id {
            "emailpassword" => self.emailpassword(method, &mut m)?,
            "thirdparty" => self.thirdparty(method, &mut m),
            _ => self.passwordless(method, &mut m),
        }
        Ok(Some(m))
    }

    fn emailpassword<'a>(
        &mut self,
        method: &'a Map<String, Value>,
        m: &mut CheckedLoginMethod<'a>,
    ) -> Result<(), CoreCrash> {
        let mut r = FieldReader {
            object: method,
            errors: &mut self.errors,
        };
        m.email = r.string("email", true, EP);
        m.password_hash = r.string("passwordHash", false, EP);
        m.hashing_algorithm = r.string("hashingAlgorithm", false, EP);
        m.plain_text_password = r.string("plainTextPassword", false, EP);
        if (m.password_hash.is_none() || m.hashing_algorithm.is_none())
            && m.plain_text_password.is_none()
        {
            self.errors.push(
                "Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe."
                    .to_owned(),
            );
        }
        self.email_length(m.email);
        if let Some(raw) = m.hashing_algorithm {
            m.algorithm = HashingAlgorithm::parse(raw);
            if m.algorithm.is_none() {
                self.errors.push(
                    "Invalid hashingAlgorithm for emailpassword recipe. Pass one of bcrypt, argon2 or, firebase_scrypt!"
                        .to_owned(),
                );
            }
        }
        let (Some(algorithm), Some(hash)) = (m.algorithm, m.password_hash) else {
            return Ok(());
        };
        if java::utf16_len_exceeds(hash, 256) {
            self.errors
                .push("passwordHash is too long. Max length is 256.".to_owned());
        }
        if algorithm == HashingAlgorithm::FirebaseScrypt {
            match self.ctx.firebase_signer_key_set {
                Some(false) => return Err(CoreCrash::FirebaseSignerKeyMissing),
                None => self.skipped.insert(SkippedCheck::FirebaseSignerKey),
                Some(true) => {}
            }
        }
        if let Err(message) = algorithm.check_format(java::trim(hash)) {
            self.errors.push(message.to_owned());
        }
        Ok(())
    }

    fn thirdparty<'a>(&mut self, method: &'a Map<String, Value>, m: &mut CheckedLoginMethod<'a>) {
        let mut r = FieldReader {
            object: method,
            errors: &mut self.errors,
        };
        m.email = r.string("email", true, TP);
        m.third_party_id = r.string("thirdPartyId", true, TP);
        m.third_party_user_id = r.string("thirdPartyUserId", true, TP);
        self.email_length(m.email);
        if let Some(id) = m
            .third_party_id
            .filter(|id| java::utf16_len_exceeds(id, 28))
        {
            self.errors
                .push(format!("thirdPartyId {id} is too long. Max length is 28."));
        }
        if let Some(id) = m
            .third_party_user_id
            .filter(|id| java::utf16_len_exceeds(id, 256))
        {
            self.errors.push(format!(
                "thirdPartyUserId {id} is too long. Max length is 256."
            ));
        }
    }

    fn passwordless<'a>(&mut self, method: &'a Map<String, Value>, m: &mut CheckedLoginMethod<'a>) {
        let mut r = FieldReader {
            object: method,
            errors: &mut self.errors,
        };
        m.email = r.string("email", false, PL);
        m.phone_number = r.string("phoneNumber", false, PL);
        self.email_length(m.email);
        if let Some(p) = m.phone_number.filter(|p| java::utf16_len_exceeds(p, 256)) {
            self.errors
                .push(format!("phoneNumber {p} is too long. Max length is 256."));
        }
        if m.email.is_none() && m.phone_number.is_none() {
            self.errors.push(
                "Either email or phoneNumber is required for a passwordless recipe.".to_owned(),
            );
        }
    }

    /// The core checks `> 255` but says 256 (§4.4).
    fn email_length(&mut self, email: Option<&str>) {
        if let Some(e) = email.filter(|e| java::utf16_len_exceeds(e, 255)) {
            self.errors
                .push(format!("email {e} is too long. Max length is 256."));
        }
    }
}

impl CheckedLoginMethod<'_> {
    /// Gson's JSON of the core's normalised `LoginMethod` (BIU field order, nulls omitted,
    /// HTML-safe escaping), for `LoginMethod '<json>' has no tenantId` (§4.5 step 11).
    ///
    /// Not byte-exact by nature: `superTokensUserId` is [`LOGIN_METHOD_ID_PLACEHOLDER`] and an
    /// omitted `timeJoinedInMSSinceEpoch` is `now_ms` (0 when unknown) where the core uses its
    /// clock. Match the message on its prefix and suffix.
    pub(crate) fn to_gson(&self, now_ms: Option<i64>) -> String {
        let mut out = String::with_capacity(256);
        out.push_str("{\"tenantIds\":[");
        for (i, t) in self.tenant_ids.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            gson::write_string(&mut out, t, true);
        }
        let _ = write!(
            out,
            "],\"isVerified\":{},\"isPrimary\":{},\"timeJoinedInMSSinceEpoch\":{},\"recipeId\":",
            self.is_verified,
            self.is_primary,
            self.time_joined.or(now_ms).unwrap_or(0)
        );
        gson::write_string(&mut out, self.recipe_id, true);
        let email = self.email.map(java::trim_lower);
        let hash = match self.algorithm {
            Some(_) => self.password_hash.map(java::trim),
            None => self.password_hash,
        };
        let algorithm = self
            .algorithm
            .map(HashingAlgorithm::name)
            .or(self.hashing_algorithm);
        let phone = self.phone_number.map(phone::normalise_phone_number);
        let fields = [
            ("email", email.as_deref()),
            ("passwordHash", hash),
            ("hashingAlgorithm", algorithm),
            ("plainTextPassword", self.plain_text_password),
            ("thirdPartyId", self.third_party_id),
            ("thirdPartyUserId", self.third_party_user_id),
            ("phoneNumber", phone.as_deref()),
            ("superTokensUserId", Some(LOGIN_METHOD_ID_PLACEHOLDER)),
        ];
        for (key, value) in fields {
            if let Some(v) = value {
                let _ = write!(out, ",\"{key}\":");
                gson::write_string(&mut out, v, true);
            }
        }
        out.push('}');
        out
    }
}
