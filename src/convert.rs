//! The mapping: one [`ClerkUser`] becomes one SuperTokens [`BulkImportUser`], or is deferred or
//! rejected, under [`Options`].
//!
//! This is the single place where Clerk concepts meet SuperTokens ones, shared by `convert`
//! (bulk) and the lazy path, so users migrated either way come out identical.
//!
//! | Clerk | SuperTokens |
//! |---|---|
//! | `id` (or `external_id` with `--external-id external-id`) | `externalUserId` |
//! | primary email + importable digest | `emailpassword` login method |
//! | other emails; primary email without a password | `passwordless` (email) |
//! | phones | `passwordless` (phoneNumber) |
//! | external accounts | `thirdparty` (`oauth_google` → `google`) |
//! | `created_at` | `timeJoinedInMSSinceEpoch` |
//! | names, username, image, metadata | `userMetadata` |
//! | `totp_secret` (with `mfa`) | `totpDevices` |

use crate::clerk::{ClerkUser, Identifier};
use crate::hashes::{check_digest, convert_clerk_firebase, CoreSupport, FirebaseConversion, Hasher};
use crate::options::{BannedPolicy, ExternalIdSource, Options, UnsupportedHashPolicy};
use crate::report::{Diagnostic, DiagnosticCode as Code, Severity};
use crate::supertokens::{BulkImportUser, LeftOutLoginMethod, LoginMethod, RecipeId, TotpDevice, UserMetadata, UserRole};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// What became of one user.
#[derive(Debug)]
pub enum Outcome<'a> {
    /// Ready for a batch.
    Converted(BulkImportUser<'a>),
    /// Kept out of the batches for lazy migration; the diagnostic says why.
    Deferred(Diagnostic),
    /// Cannot be imported; at least one error says why.
    Rejected(Vec<Diagnostic>),
}

/// The outcome plus warnings about a converted user (something dropped or guessed).
#[derive(Debug)]
pub struct Conversion<'a> {
    /// The user's fate.
    pub outcome: Outcome<'a>,
    /// Warnings; they never change the outcome.
    pub warnings: Vec<Diagnostic>,
}

/// The name bulk import gives a device; the core sets none and a nameless one fails (§7.5).
const TOTP_DEVICE_NAME: &str = "TOTP Device 0";
/// `userMetadata` key telling the app to force a password reset (`--unsupported-hash reset`).
pub const RESET_FLAG_KEY: &str = "clerk_password_reset_required";
/// `userMetadata` key listing identities left out because account linking is off.
pub const UNLINKED_KEY: &str = "clerk_login_methods_not_imported";

/// The Firebase project every `scrypt_firebase` user must belong to: the core verifies these
/// hashes with one signer key per app (spec/supertokens-bulk-import.md §6), so the first user's
/// signer key and salt separator are adopted and any user with others cannot be imported as-is.
#[derive(Default)]
pub struct FirebaseProject {
    /// The adopted signer key (base64). A secret: written only to a 0600 file.
    pub signer_key: Option<String>,
    /// The adopted salt separator (base64).
    pub salt_separator: Option<String>,
    /// Users converted with the adopted key.
    pub users: u64,
}

impl FirebaseProject {
    /// Adopts the first conversion's parameters; true when `c` shares them.
    fn admit(&mut self, c: &FirebaseConversion) -> bool {
        match (&self.signer_key, &self.salt_separator) {
            (Some(key), Some(sep)) if key != &c.signer_key || sep != &c.salt_separator => return false,
            (Some(_), Some(_)) => {}
            _ => {
                self.signer_key = Some(c.signer_key.clone());
                self.salt_separator = Some(c.salt_separator.clone());
            }
        }
        self.users += 1;
        true
    }
}

/// Where a plain password comes from when the core cannot take the user's hash.
pub enum PlainPassword<'p> {
    /// Bulk conversion: apply `--unsupported-hash`; `reset` calls this for a random password.
    /// A parameter so the mapping itself stays deterministic and testable.
    Policy(&'p mut dyn FnMut() -> String),
    /// Lazy migration at sign-in: the user just typed this password and it was verified
    /// against the legacy digest, so the core can hash it itself (no reset needed).
    Known(&'p str),
}

/// Maps one user for a batch, under the options' policies.
pub fn convert_user<'a>(
    user: &'a ClerkUser<'_>,
    options: &'a Options,
    random_password: &mut dyn FnMut() -> String,
) -> Conversion<'a> {
    convert_user_with(user, options, PlainPassword::Policy(random_password), &mut FirebaseProject::default())
}

/// Maps one user; the lazy path passes the verified password it knows. A user whose hash the
/// core can take gets the same result either way, so bulk and lazy migrations agree.
/// `firebase` carries the signer key adopted so far across the users of one import.
pub fn convert_user_with<'a>(
    user: &'a ClerkUser<'_>,
    options: &'a Options,
    plain: PlainPassword<'_>,
    firebase: &mut FirebaseProject,
) -> Conversion<'a> {
    let mut c = Converter { user, options, warnings: Vec::new() };
    let outcome = c.run(plain, firebase);
    Conversion { outcome, warnings: c.warnings }
}

struct Converter<'a, 'u> {
    user: &'a ClerkUser<'u>,
    options: &'a Options,
    warnings: Vec<Diagnostic>,
}

/// How the user's password reaches the core.
enum PasswordPlan<'a> {
    None,
    Hash { digest: Cow<'a, str>, algorithm: &'static str },
    /// `reset`: a random password nobody knows, so the app must force a reset.
    Plain { password: String, reset: bool },
}

enum PlanKind {
    Reset,
    Other,
}

impl<'a, 'u> Converter<'a, 'u> {
    fn diag(&self, code: Code, severity: Severity, message: String) -> Diagnostic {
        Diagnostic::new(code, severity, message).user(self.user.id.as_ref())
    }

    fn warn(&mut self, code: Code, message: String) {
        let d = self.diag(code, Severity::Warning, message);
        self.warnings.push(d);
    }

    fn run(&mut self, plain: PlainPassword<'_>, firebase: &mut FirebaseProject) -> Outcome<'a> {
        let user = self.user;
        if user.banned || user.locked {
            let state = if user.banned { "banned" } else { "locked" };
            match self.options.banned {
                BannedPolicy::Skip => {
                    return Outcome::Rejected(vec![self.diag(
                        Code::BannedUser,
                        Severity::Error,
                        format!("user is {state} in Clerk; skipped (use --banned import to import)"),
                    )])
                }
                BannedPolicy::Import => self.warn(Code::BannedUser, format!("user is {state} in Clerk; imported anyway")),
            }
        }
        if user.emails.is_empty() && user.phones.is_empty() && user.external_accounts.is_empty() {
            return Outcome::Rejected(vec![self.diag(
                Code::NoIdentifier,
                Severity::Error,
                "user has no email, phone or external account to sign in with".into(),
            )]);
        }
        let plan = match self.password_plan(plain, firebase) {
            Ok(plan) => plan,
            Err(outcome) => return *outcome,
        };
        let plan_kind = match &plan {
            PasswordPlan::Plain { reset: true, .. } => PlanKind::Reset,
            _ => PlanKind::Other,
        };
        let mut methods = self.login_methods(plan);
        let mut metadata = self.metadata();
        if methods.len() > 1 {
            if self.options.features.account_linking {
                methods[0].is_primary = true;
            } else {
                let dropped: Vec<LeftOutLoginMethod<'a>> = methods.drain(1..).map(left_out).collect();
                self.warn(
                    Code::LoginMethodsDropped,
                    format!(
                        "account linking is not declared: kept the {} login method, left out {} more (listed in userMetadata.{UNLINKED_KEY})",
                        recipe_name(methods[0].recipe_id),
                        dropped.len()
                    ),
                );
                metadata.clerk_login_methods_not_imported = dropped;
            }
        }
        metadata.clerk_password_reset_required = matches!(plan_kind, PlanKind::Reset);
        Outcome::Converted(BulkImportUser {
            external_user_id: Some(self.external_user_id()),
            user_metadata: (!metadata.is_empty()).then_some(metadata),
            user_roles: self.roles(),
            totp_devices: self.totp_devices(),
            login_methods: methods,
        })
    }

    fn external_user_id(&self) -> Cow<'a, str> {
        match (&self.options.external_id, &self.user.external_id) {
            (ExternalIdSource::ExternalId, Some(ext)) if !ext.trim().is_empty() => Cow::Borrowed(ext.as_ref()),
            _ => Cow::Borrowed(self.user.id.as_ref()),
        }
    }

    /// Decides how the password is carried, or ends the conversion (deferred / rejected).
    fn password_plan(&mut self, plain: PlainPassword<'_>, firebase: &mut FirebaseProject) -> Result<PasswordPlan<'a>, Box<Outcome<'a>>> {
        let Some(password) = &self.user.password else {
            // The lazy path may know a password the export has no digest for (checked with
            // Clerk's verify-password endpoint instead).
            return Ok(match plain {
                PlainPassword::Known(p) if self.user.primary_email().is_some() => {
                    PasswordPlan::Plain { password: p.to_string(), reset: false }
                }
                _ => PasswordPlan::None,
            });
        };
        if self.user.primary_email().is_none() {
            self.warn(
                Code::UnsupportedHasher,
                "user has a password but no email; SuperTokens passwords need an email, so the password is not imported".into(),
            );
            return Ok(PasswordPlan::None);
        }
        let hasher = &password.hasher;
        if let (PlainPassword::Known(known), CoreSupport::Convert(_)) = (&plain, hasher.core_support()) {
            // The core verifies firebase hashes only with its own configured signer key, which
            // this user's may not be; the verified password is certain to work.
            return Ok(PasswordPlan::Plain { password: known.to_string(), reset: false });
        }
        let malformed = check_digest(hasher, &password.digest).err();
        let problem = match (hasher.core_support(), malformed) {
            (CoreSupport::Direct(algorithm), None) => {
                return Ok(PasswordPlan::Hash { digest: Cow::Borrowed(password.digest.as_ref()), algorithm });
            }
            (CoreSupport::Convert(algorithm), None) => match convert_clerk_firebase(&password.digest) {
                Ok(c) if firebase.admit(&c) => {
                    return Ok(PasswordPlan::Hash { digest: Cow::Owned(c.core_hash), algorithm });
                }
                Ok(_) => (
                    Code::FirebaseParameterConflict,
                    "scrypt_firebase digest has a different signer key or salt separator than the first firebase user; the core verifies with one key per app".to_string(),
                ),
                Err(problem) => (Code::MalformedDigest, problem.message().to_string()),
            },
            (CoreSupport::Unsupported, malformed) => {
                if let Some(problem) = malformed {
                    // Kept for lazy migration anyway: the hasher's reading of the format may be
                    // narrower than what Clerk accepted (spec §10.6).
                    self.warn(Code::MalformedDigest, format!("{}; lazy verification may fail", problem.message()));
                }
                (
                    Code::UnsupportedHasher,
                    format!("password hasher '{}' cannot be verified by the SuperTokens core", hasher_label(hasher)),
                )
            }
            (_, Some(problem)) => (Code::MalformedDigest, problem.message().to_string()),
        };
        let (code, reason) = problem;
        let random_password = match plain {
            PlainPassword::Known(password) => return Ok(PasswordPlan::Plain { password: password.to_string(), reset: false }),
            PlainPassword::Policy(random) => random,
        };
        match (self.options.unsupported_hash, code) {
            (UnsupportedHashPolicy::Defer, Code::FirebaseParameterConflict) => Err(Box::new(Outcome::Deferred(self.diag(
                code,
                Severity::Error,
                format!("{reason}; deferred to lazy migration at sign-in"),
            )))),
            (UnsupportedHashPolicy::Reset, _) => {
                self.warn(
                    Code::PasswordResetRequired,
                    format!("{reason}; imported with a random password and flagged for a reset (the core keeps plain passwords in its queue table until imported)"),
                );
                Ok(PasswordPlan::Plain { password: random_password(), reset: true })
            }
            (UnsupportedHashPolicy::Defer, Code::UnsupportedHasher) => Err(Box::new(Outcome::Deferred(self.diag(
                code,
                Severity::Error,
                format!("{reason}; deferred to lazy migration at sign-in"),
            )))),
            _ => Err(Box::new(Outcome::Rejected(vec![self.diag(code, Severity::Error, format!("{reason}; rejected"))]))),
        }
    }

    fn login_methods(&mut self, plan: PasswordPlan<'a>) -> Vec<LoginMethod<'a>> {
        let user = self.user;
        let tenant_ids = self.tenant_ids();
        let joined = self.time_joined();
        let mut methods = Vec::with_capacity(user.emails.len() + user.phones.len() + user.external_accounts.len());
        let base = |recipe| {
            let mut m = LoginMethod::new(recipe);
            m.tenant_ids = tenant_ids.clone();
            m.time_joined_in_m_s_since_epoch = joined;
            m
        };
        let primary_email = user.primary_email();
        let mut plan = Some(plan);
        for email in ordered(&user.emails, primary_email) {
            let password = if Some(email) == primary_email { plan.take() } else { None };
            let mut m = match password {
                Some(PasswordPlan::Hash { digest, algorithm }) => {
                    let mut m = base(RecipeId::Emailpassword);
                    m.password_hash = Some(digest);
                    m.hashing_algorithm = Some(algorithm);
                    m
                }
                Some(PasswordPlan::Plain { password, .. }) => {
                    let mut m = base(RecipeId::Emailpassword);
                    m.plain_text_password = Some(Cow::Owned(password));
                    m
                }
                Some(PasswordPlan::None) | None => base(RecipeId::Passwordless),
            };
            m.email = Some(Cow::Borrowed(email.value.as_ref()));
            m.is_verified = email.verified;
            methods.push(m);
        }
        for phone in ordered(&user.phones, user.primary_phone()) {
            let mut m = base(RecipeId::Passwordless);
            m.phone_number = Some(Cow::Borrowed(phone.value.as_ref()));
            m.is_verified = phone.verified;
            methods.push(m);
        }
        for account in &user.external_accounts {
            let email = account.email.as_deref().or(primary_email.map(|e| e.value.as_ref()));
            let Some(email) = email else {
                self.warn(
                    Code::LoginMethodsDropped,
                    format!("external account '{}' has no email, which SuperTokens third-party login needs; left out", account.provider),
                );
                continue;
            };
            let mut m = base(RecipeId::Thirdparty);
            m.email = Some(Cow::Borrowed(email));
            m.third_party_id = Some(self.third_party_id(&account.provider));
            m.third_party_user_id = Some(Cow::Borrowed(account.provider_user_id.as_ref()));
            m.is_verified = account.verified;
            methods.push(m);
        }
        methods
    }

    fn third_party_id(&self, provider: &'a str) -> Cow<'a, str> {
        if let Some(mapped) = self.options.provider_map.get(provider) {
            return Cow::Borrowed(mapped.as_str());
        }
        let id = provider.strip_prefix("oauth_").unwrap_or(provider);
        Cow::Borrowed(id.strip_prefix("custom_").unwrap_or(id))
    }

    fn tenant_ids(&self) -> Vec<Cow<'a, str>> {
        match &self.options.tenant {
            Some(t) if t != "public" => vec![Cow::Borrowed(t.as_str())],
            _ => Vec::new(),
        }
    }

    fn time_joined(&mut self) -> Option<i64> {
        let t = self.user.created_at_ms?;
        if (0..=self.options.now_ms()).contains(&t) {
            Some(t)
        } else {
            self.warn(Code::InvalidValue, "sign-up time is negative or in the future; left out (the core would reject it)".into());
            None
        }
    }

    fn metadata(&self) -> UserMetadata<'a> {
        let u = self.user;
        let text = |v: &'a Option<Cow<'_, str>>| v.as_deref().map(Cow::Borrowed);
        let object = |v: &'a Option<Map<String, Value>>, wanted: bool| v.as_ref().filter(|m| wanted && !m.is_empty());
        UserMetadata {
            first_name: text(&u.first_name),
            last_name: text(&u.last_name),
            username: text(&u.username),
            image_url: text(&u.image_url),
            public_metadata: object(&u.public_metadata, true),
            unsafe_metadata: object(&u.unsafe_metadata, true),
            private_metadata: object(&u.private_metadata, self.options.include_private_metadata),
            ..UserMetadata::default()
        }
    }

    fn roles(&mut self) -> Vec<UserRole<'a>> {
        let Some(path) = &self.options.roles_from else {
            return Vec::new();
        };
        let mut value = self.user.public_metadata.as_ref().map(|m| m as &Map<String, Value>);
        let mut found: Option<&Value> = None;
        for key in path.split('.') {
            found = value.and_then(|m| m.get(key));
            value = found.and_then(Value::as_object);
        }
        let names: Vec<&str> = match found {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let tenant = self.options.tenant.clone().unwrap_or_else(|| "public".into());
        names
            .into_iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| UserRole { role: Cow::Owned(n.to_string()), tenant_ids: vec![Cow::Owned(tenant.clone())] })
            .collect()
    }

    fn totp_devices(&mut self) -> Vec<TotpDevice<'a>> {
        let Some(secret) = &self.user.totp_secret else {
            return Vec::new();
        };
        if !self.options.features.mfa {
            self.warn(Code::TotpDropped, "user has a TOTP secret, but the mfa feature is not declared; TOTP device left out".into());
            return Vec::new();
        }
        vec![TotpDevice { secret_key: Cow::Borrowed(secret.as_ref()), period: 30, skew: 1, device_name: Cow::Borrowed(TOTP_DEVICE_NAME) }]
    }
}

/// Identifiers with the primary first.
fn ordered<'x, 'v>(ids: &'x [Identifier<'v>], primary: Option<&'x Identifier<'v>>) -> impl Iterator<Item = &'x Identifier<'v>> {
    primary.into_iter().chain(ids.iter().filter(move |i| Some(*i) != primary))
}

/// The hasher's name as shown to a person; an empty cell reads better as "(empty)".
fn hasher_label(h: &Hasher) -> &str {
    match h.name() {
        "" => "(empty)",
        n => n,
    }
}

fn recipe_name(r: RecipeId) -> &'static str {
    match r {
        RecipeId::Emailpassword => "emailpassword",
        RecipeId::Thirdparty => "thirdparty",
        RecipeId::Passwordless => "passwordless",
    }
}

/// A login method left out, described without any secret (no password field is kept).
fn left_out(m: LoginMethod<'_>) -> LeftOutLoginMethod<'_> {
    LeftOutLoginMethod {
        email: m.email,
        is_verified: m.is_verified,
        phone_number: m.phone_number,
        recipe_id: m.recipe_id,
        third_party_id: m.third_party_id,
        third_party_user_id: m.third_party_user_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clerk::Password;

    fn user(hasher: &str, digest: &str) -> ClerkUser<'static> {
        ClerkUser {
            id: "user_1".into(),
            emails: vec![Identifier::new("a@x.dev", true, true)],
            password: Some(Password { hasher: Hasher::parse(hasher), digest: digest.to_string().into() }),
            ..ClerkUser::default()
        }
    }

    fn json(c: &Conversion<'_>) -> serde_json::Value {
        match &c.outcome {
            Outcome::Converted(u) => serde_json::to_value(u).unwrap(),
            other => panic!("not converted: {other:?}"),
        }
    }

    const BCRYPT: &str = "$2a$10$fgPOubgdJs90F1GK2u.Qye7Xyyi2ajrQJoB5LDG5bnITEvFR/xhZ.";

    #[test]
    fn reset_policy_imports_a_random_password_and_flags_the_user() {
        let u = user("md5", "5f4dcc3b5aa765d61d8327deb882cf99");
        let o = Options { unsupported_hash: UnsupportedHashPolicy::Reset, ..Options::default() };
        let c = convert_user(&u, &o, &mut || "R4nd0m".into());
        let v = json(&c);
        assert_eq!(v["loginMethods"][0]["plainTextPassword"], "R4nd0m");
        assert_eq!(v["loginMethods"][0]["recipeId"], "emailpassword");
        assert_eq!(v["userMetadata"][RESET_FLAG_KEY], true);
        assert_eq!(c.warnings[0].code, Code::PasswordResetRequired);
        assert!(!c.warnings[0].message.contains("5f4dcc3b"));
    }

    #[test]
    fn defer_and_reject_policies() {
        let u = user("pbkdf2_sha256_django", "pbkdf2_sha256$1$salt$hash");
        let o = Options::default();
        let c = convert_user(&u, &o, &mut || unreachable!());
        assert!(matches!(c.outcome, Outcome::Deferred(ref d) if d.message.contains("pbkdf2_sha256_django")));
        let o = Options { unsupported_hash: UnsupportedHashPolicy::Reject, ..Options::default() };
        assert!(matches!(convert_user(&u, &o, &mut || unreachable!()).outcome, Outcome::Rejected(_)));
    }

    #[test]
    fn a_malformed_bcrypt_digest_is_rejected_not_deferred() {
        let u = user("bcrypt", "not-a-bcrypt-digest");
        let o = Options::default();
        let c = convert_user(&u, &o, &mut || unreachable!());
        assert!(matches!(c.outcome, Outcome::Rejected(ref d) if d[0].code == Code::MalformedDigest));
    }

    #[test]
    fn the_lazy_path_uses_the_known_password_only_when_the_core_cannot_take_the_hash() {
        let o = Options::default();
        let lazy = user("md5", "5f4dcc3b5aa765d61d8327deb882cf99");
        let v = json(&convert_user_with(&lazy, &o, PlainPassword::Known("password"), &mut FirebaseProject::default()));
        assert_eq!(v["loginMethods"][0]["plainTextPassword"], "password");
        assert!(v.get("userMetadata").is_none(), "no reset flag for a known password");

        let importable = user("bcrypt", BCRYPT);
        let bulk = json(&convert_user(&importable, &o, &mut || unreachable!()));
        let at_sign_in = json(&convert_user_with(&importable, &o, PlainPassword::Known("secret"), &mut FirebaseProject::default()));
        assert_eq!(bulk, at_sign_in);
        assert_eq!(bulk["loginMethods"][0]["passwordHash"], BCRYPT);
    }

    #[test]
    fn the_lazy_path_imports_a_password_verified_elsewhere_when_there_is_no_digest() {
        let mut u = user("bcrypt", BCRYPT);
        u.password = None;
        let o = Options::default();
        let v = json(&convert_user_with(&u, &o, PlainPassword::Known("typed"), &mut FirebaseProject::default()));
        assert_eq!(v["loginMethods"][0]["plainTextPassword"], "typed");
    }

    #[test]
    fn banned_users_are_skipped_unless_asked_for() {
        let mut u = user("bcrypt", BCRYPT);
        u.banned = true;
        let o = Options::default();
        let c = convert_user(&u, &o, &mut || unreachable!());
        assert!(matches!(c.outcome, Outcome::Rejected(ref d) if d[0].code == Code::BannedUser));
        let o = Options { banned: BannedPolicy::Import, ..Options::default() };
        let c = convert_user(&u, &o, &mut || unreachable!());
        assert!(matches!(c.outcome, Outcome::Converted(_)));
        assert_eq!(c.warnings[0].code, Code::BannedUser);
    }
}
