//! The lazy (trickle) path: one Clerk user, converted in-process at sign-in with the same
//! mapping as `convert`, and a legacy store to find users and their digests by email.
//!
//! At sign-in the password is known and has just been checked against the legacy digest (or
//! by Clerk), so a user whose hash the core cannot verify is imported with that password
//! (`plainTextPassword`, through the synchronous `POST /bulk-import/import`, so nothing is
//! staged in clear). A user whose hash the core can verify gets exactly what `convert` writes.

use crate::clerk::json_stream::Container;
use crate::clerk::json_user::map_record;
use crate::clerk::ClerkUser;
use crate::convert::{convert_user_with, FirebaseProject, Outcome, PlainPassword};
use crate::options::Options;
use crate::pipeline::Converter;
use crate::report::{Diagnostic, DiagnosticCode as Code, Severity, Summary};
use crate::supertokens::{validate_import_user, CoreContext};
use std::collections::HashMap;

/// The body for `POST /bulk-import/import`, and what was lost or guessed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct LazyImport {
    /// The bulk-import user, as JSON text.
    pub user: String,
    /// Warnings (a dropped TOTP secret, login methods left out, …).
    pub warnings: Vec<Diagnostic>,
}

/// Reads one user given to the lazy path: a line of `lazy-migration.ndjson` (this tool's own
/// normalised form), a Backend API `User` (snake_case) or a `@clerk/backend` `User` (camelCase,
/// with or without `_raw`).
pub fn parse_user(text: &str, legacy_verified: bool) -> Result<ClerkUser<'_>, Diagnostic> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Diagnostic::new(Code::InvalidJson, Severity::Error, format!("user is not JSON: {e}")))?;
    // `externalAccounts` alone does not make a normalised user: every `@clerk/backend` `User` has it too,
    // next to `emailAddresses` / `phoneNumbers` (and `_raw`).
    let sdk_or_api = ["emailAddresses", "phoneNumbers", "_raw", "email_addresses", "phone_numbers"].iter().any(|k| value.get(k).is_some());
    if value.get("emails").is_some() || value.get("phones").is_some() || (value.get("externalAccounts").is_some() && !sdk_or_api) {
        return serde_json::from_str(text)
            .map_err(|e| Diagnostic::new(Code::InvalidValue, Severity::Error, format!("user is not a readable normalised Clerk user: {e}")));
    }
    map_record(text, Container::Array, legacy_verified).map(|m| m.user)
}

/// Converts `user` for `POST /bulk-import/import` with the password the user just proved.
/// The result passes the core's validation for the declared features, or the error says what
/// the core would object to (in its own words, as `core-rejected` diagnostics).
pub fn import_body(user: &ClerkUser<'_>, options: &Options, password: &str) -> Result<LazyImport, Vec<Diagnostic>> {
    let conversion = convert_user_with(user, options, PlainPassword::Known(password), &mut FirebaseProject::default());
    let converted = match conversion.outcome {
        Outcome::Converted(u) => u,
        Outcome::Deferred(d) => return Err(vec![d]),
        Outcome::Rejected(ds) => return Err(ds),
    };
    let value = serde_json::to_value(&converted)
        .map_err(|e| vec![Diagnostic::new(Code::InvalidValue, Severity::Error, format!("user could not be written as JSON: {e}"))])?;
    let ctx = CoreContext {
        features: Some(options.features.names().into_iter().map(String::from).collect()),
        now_ms: Some(options.now_ms()),
        ..CoreContext::default()
    };
    let verdict = validate_import_user(&value, &ctx);
    if let Some(v) = verdict.user.filter(|v| !v.is_valid()) {
        let crash = v.crash.as_ref().map(|c| c.core_text());
        return Err(v
            .errors
            .into_iter()
            .chain(crash)
            .map(|m| Diagnostic::new(Code::CoreRejected, Severity::Error, m).user(user.id.as_ref()))
            .collect());
    }
    let text = serde_json::to_string(&converted)
        .map_err(|e| vec![Diagnostic::new(Code::InvalidValue, Severity::Error, format!("user could not be written as JSON: {e}"))])?;
    Ok(LazyImport { user: text, warnings: conversion.warnings })
}

/// Legacy users held in memory for sign-in time, indexed by email (lower-cased) and Clerk id.
/// Built by streaming an export (and optionally Backend API files) through the same readers
/// and join as `convert`. It holds password digests and TOTP secrets: memory only, never
/// written anywhere.
pub struct LegacyStore {
    converter: Converter,
    users: Vec<ClerkUser<'static>>,
    by_email: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
}

impl LegacyStore {
    /// An empty store reading with `options` (input format, legacy verification policy).
    pub fn new(options: Options) -> Result<Self, String> {
        let mut converter = Converter::new(options)?;
        converter.collect_users();
        Ok(LegacyStore { converter, users: Vec::new(), by_email: HashMap::new(), by_id: HashMap::new() })
    }

    /// A chunk of a Backend API file; see [`Converter::push_api`].
    pub fn push_api(&mut self, chunk: &[u8]) -> Result<(), String> {
        self.converter.push_api(chunk)?;
        self.index();
        Ok(())
    }

    /// Ends the current Backend API file.
    pub fn end_api_file(&mut self) -> Result<(), String> {
        self.converter.end_api_file()?;
        self.index();
        Ok(())
    }

    /// A chunk of the main export.
    pub fn push(&mut self, chunk: &[u8]) {
        self.converter.push(chunk);
        self.index();
    }

    /// Ends the input; returns how the export's records were read.
    pub fn finish(&mut self) -> Summary {
        self.converter.finish();
        self.index();
        self.converter.progress().summary
    }

    /// Users held.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// True when no user is held.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// The user with this email (any of theirs, case-insensitively).
    pub fn find_by_email(&self, email: &str) -> Option<&ClerkUser<'static>> {
        self.by_email.get(&email.trim().to_lowercase()).map(|&i| &self.users[i])
    }

    /// The user with this Clerk id.
    pub fn find_by_id(&self, id: &str) -> Option<&ClerkUser<'static>> {
        self.by_id.get(id.trim()).map(|&i| &self.users[i])
    }

    fn index(&mut self) {
        for user in self.converter.take_users() {
            let i = self.users.len();
            for email in &user.emails {
                // Clerk keeps emails unique per instance; the first holder wins.
                self.by_email.entry(email.value.to_lowercase()).or_insert(i);
            }
            self.by_id.entry(user.id.to_string()).or_insert(i);
            self.users.push(user);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BCRYPT: &str = "$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2";

    fn store(csv: &str) -> LegacyStore {
        let mut s = LegacyStore::new(Options::default()).unwrap();
        s.push(csv.as_bytes());
        s.finish();
        s
    }

    #[test]
    fn the_store_finds_users_by_any_email_and_by_id() {
        let s = store(&format!(
            "id,primary_email_address,verified_email_addresses,password_digest,password_hasher\nuser_1,A@x.dev,\"a@x.dev,a2@x.dev\",{BCRYPT},bcrypt\nuser_2,b@x.dev,,,\n"
        ));
        assert_eq!(s.len(), 2);
        assert_eq!(s.find_by_email(" a2@X.dev").unwrap().id, "user_1");
        assert_eq!(s.find_by_id("user_2").unwrap().emails[0].value, "b@x.dev");
        assert_eq!(s.find_by_email("a@x.dev").unwrap().password.as_ref().unwrap().digest, BCRYPT);
        assert!(s.find_by_email("nobody@x.dev").is_none());
    }

    #[test]
    fn lazy_and_bulk_give_the_same_user_when_the_core_takes_the_hash() {
        let csv = format!("id,first_name,primary_email_address,password_digest,password_hasher\nuser_1,Ada,a@x.dev,{BCRYPT},bcrypt\n");
        let s = store(&csv);
        let options = Options { now_ms: Some(1_800_000_000_000), ..Options::default() };
        let lazy = import_body(s.find_by_id("user_1").unwrap(), &options, "Kk4aPMeiaRpAs2OeX1NE").unwrap();
        let mut c = Converter::new(options).unwrap();
        let mut batch = String::new();
        for f in c.push(csv.as_bytes()).into_iter().chain(c.finish()) {
            if f.name == "batch-0001.json" {
                batch = f.text;
            }
        }
        let bulk: serde_json::Value = serde_json::from_str(&batch).unwrap();
        let lazy: serde_json::Value = serde_json::from_str(&lazy.user).unwrap();
        assert_eq!(bulk["users"][0], lazy);
    }

    #[test]
    fn an_unsupported_hash_is_imported_with_the_proven_password() {
        let user = parse_user(
            r#"{"id":"user_9","emails":[{"value":"m@x.dev","verified":true,"primary":true}],"password":{"hasher":"md5","digest":"5f4dcc3b5aa765d61d8327deb882cf99"}}"#,
            false,
        )
        .unwrap();
        let body = import_body(&user, &Options::default(), "password").unwrap();
        let v: serde_json::Value = serde_json::from_str(&body.user).unwrap();
        assert_eq!(v["loginMethods"][0]["plainTextPassword"], "password");
        assert_eq!(v["externalUserId"], "user_9");
    }

    #[test]
    fn backend_api_and_sdk_users_are_read_too() {
        let bapi = r#"{"id":"user_b","object":"user","primary_email_address_id":"e1","email_addresses":[{"id":"e1","email_address":"b@x.dev","verification":{"status":"verified"}}]}"#;
        let sdk = r#"{"id":"user_s","primaryEmailAddressId":"e1","emailAddresses":[{"id":"e1","emailAddress":"s@x.dev","verification":{"status":"verified"}}]}"#;
        assert_eq!(parse_user(bapi, false).unwrap().emails[0].value, "b@x.dev");
        assert_eq!(parse_user(sdk, false).unwrap().emails[0].value, "s@x.dev");
        assert!(parse_user("[1]", false).is_err());
        // what `@clerk/backend` really builds: camelCase with externalAccounts (and `_raw`)
        let sdk_full = r#"{"id":"user_f","externalAccounts":[],"primaryEmailAddressId":"e1","emailAddresses":[{"id":"e1","emailAddress":"f@x.dev","verification":{"status":"verified"}}],"phoneNumbers":[]}"#;
        assert_eq!(parse_user(sdk_full, false).unwrap().emails[0].value, "f@x.dev");
        let normalised = r#"{"id":"user_n","externalAccounts":[{"provider":"oauth_google","providerUserId":"1","verified":true}]}"#;
        assert_eq!(parse_user(normalised, false).unwrap().external_accounts.len(), 1);
    }
}
