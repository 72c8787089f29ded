//! Maps one JSON record of shape C, C′, D or E into a [`ClerkUser`] (spec/clerk-exports.md
//! §1.1 step 5, §4, §5, §6).
//!
//! Shape detection extends §1.1 step 5 in two places, both because the spec's rule alone
//! misreads real records: E omits empty values (§6), so an E user with only a primary email has
//! no `verified_email_addresses` and would read as C with its primary unverified; records from
//! the CLI envelope, and records with any `verified_*`/`unverified_*` list or an ISO
//! `created_at`, are therefore E. And a D user with no emails (phone-only) has an empty
//! `email_addresses`; phone objects, `external_accounts` or a numeric `created_at` mark D too.

use super::cells::{split_list, trim_ascii};
use super::json_record::{ExternalAccountRecord, Item, List, Metadata, Timestamp, UserRecord, VerificationRecord};
use super::json_stream::Container;
use super::user::{ClerkUser, ExternalAccount, Identifier, Password};
use crate::hashes::Hasher;
use crate::report::{Diagnostic, DiagnosticCode as Code, Severity};
use std::borrow::Cow;

/// The key under which the CLI stores a user's `external_id` in `private_metadata` (§6).
const CLI_EXTERNAL_ID_KEY: &str = "clerkExternalId";

/// The JSON user shapes of §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonShape {
    /// C: legacy support JSON, string arrays (§4.1).
    LegacySupport,
    /// C′: legacy support JSON with `|`-joined strings and no primary (§4.2).
    LegacyJoined,
    /// D: Backend API `User`, snake_case or SDK camelCase (§5).
    BackendApi,
    /// E: Clerk CLI export user (§6).
    CliExport,
}

/// A mapped user and the warnings about it (not yet located).
#[derive(Debug)]
pub struct MappedUser<'r> {
    /// The user.
    pub user: ClerkUser<'r>,
    /// The shape it was read as.
    pub shape: JsonShape,
    /// Things lost or guessed while mapping.
    pub warnings: Vec<Diagnostic>,
}

/// Parses and maps one record. The error is the reason the record cannot become a user
/// (`InvalidJson`, `UnknownRecordShape`, `MissingId`), without location.
pub fn map_record<'r>(text: &'r str, container: Container, legacy_verified: bool) -> Result<MappedUser<'r>, Diagnostic> {
    let bad = |code, message: String| Diagnostic::new(code, Severity::Error, message);
    if !text.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Err(e) => bad(Code::InvalidJson, format!("record is not valid JSON: {}; skipped", json_error(&e))),
            Ok(_) => bad(Code::UnknownRecordShape, "record is not a JSON object, so not a Clerk user; skipped".into()),
        });
    }
    let record: UserRecord<'r> = serde_json::from_str(text)
        .map_err(|e| bad(Code::InvalidJson, format!("record is not a readable Clerk user: {}; skipped", json_error(&e))))?;
    if let Some(object) = record.object.as_deref().filter(|o| *o != "user") {
        let what = if object.ends_with("_account") { " (an external account, §5.5)" } else { "" };
        return Err(bad(
            Code::UnknownRecordShape,
            format!("record is a '{object}'{what}, not a Clerk user; skipped"),
        ));
    }
    let shape = detect_shape(&record, container);
    let record = match record.raw {
        Some(raw) if shape == JsonShape::BackendApi => *raw,
        _ => record,
    };
    let id = record.id.as_deref().map(trim_ascii).unwrap_or("");
    if id.is_empty() {
        return Err(bad(Code::MissingId, "record has no Clerk user id; skipped".into()).field("id"));
    }
    let mut m = Mapper { id: id.to_string(), warnings: Vec::new() };
    let user = m.map(record, shape, legacy_verified);
    Ok(MappedUser { user, shape, warnings: m.warnings })
}

/// serde_json's message without its position (which is relative to the record) and with
/// quoted values blanked, so a mistyped field can never echo a digest or secret.
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

/// §1.1 step 5, extended as the module documentation explains.
fn detect_shape(r: &UserRecord<'_>, container: Container) -> JsonShape {
    let api = r.object.is_some()
        || r.raw.is_some()
        || r.email_addresses_camel.is_present()
        || r.phone_numbers_camel.is_present()
        || r.email_addresses.has_objects()
        || r.phone_numbers.has_objects()
        || r.external_accounts.is_some()
        || matches!(r.created_at, Some(Timestamp::Ms(_)));
    let cli = container == Container::CliEnvelope
        || r.verified_email_addresses.is_present()
        || r.unverified_email_addresses.is_present()
        || r.verified_phone_numbers.is_present()
        || r.unverified_phone_numbers.is_present()
        || matches!(r.created_at, Some(Timestamp::Text(_)));
    if api {
        JsonShape::BackendApi
    } else if cli {
        JsonShape::CliExport
    } else if matches!(r.email_addresses, List::Joined(_)) {
        JsonShape::LegacyJoined
    } else {
        JsonShape::LegacySupport
    }
}

/// Empty strings are absent, like `null` (§4.1).
fn present(v: Option<Cow<'_, str>>) -> Option<Cow<'_, str>> {
    v.filter(|s| !s.is_empty())
}

/// An empty metadata object is absent, as in the CSV readers (§2.7: `{}` is dropped).
fn metadata(m: Option<Metadata>) -> Option<Metadata> {
    m.filter(|m| !m.is_empty())
}

fn same(a: &str, b: &str, case_insensitive: bool) -> bool {
    if case_insensitive {
        a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
    } else {
        a == b
    }
}

/// Adds an identifier unless already present; a duplicate keeps the first entry but gains
/// the other's verified and primary flags.
fn add<'a>(ids: &mut Vec<Identifier<'a>>, value: Cow<'a, str>, verified: bool, primary: bool, ci: bool) {
    match ids.iter_mut().find(|i| same(&i.value, &value, ci)) {
        Some(existing) => {
            existing.verified |= verified;
            existing.primary |= primary;
        }
        None => ids.push(Identifier { value, verified, primary }),
    }
}

/// The primary first (the order `ClerkUser` documents), the rest in input order.
fn primary_first(mut ids: Vec<Identifier<'_>>) -> Vec<Identifier<'_>> {
    if let Some(p) = ids.iter().position(|i| i.primary) {
        let primary = ids.remove(p);
        ids.insert(0, primary);
    }
    ids
}

/// A trimmed, owned-or-borrowed identifier value, or `None` when empty.
fn value(c: Cow<'_, str>) -> Option<Cow<'_, str>> {
    match c {
        Cow::Borrowed(b) => Some(trim_ascii(b)).filter(|v| !v.is_empty()).map(Cow::Borrowed),
        Cow::Owned(o) => Some(trim_ascii(&o).to_string()).filter(|v| !v.is_empty()).map(Cow::Owned),
    }
}

struct Mapper {
    id: String,
    warnings: Vec<Diagnostic>,
}

impl Mapper {
    fn warn(&mut self, code: Code, field: &str, message: String) {
        let d = Diagnostic::new(code, Severity::Warning, message).field(field).user(self.id.as_str());
        self.warnings.push(d);
    }

    fn map<'r>(&mut self, r: UserRecord<'r>, shape: JsonShape, legacy_verified: bool) -> ClerkUser<'r> {
        let mut user = ClerkUser {
            id: Cow::Owned(String::new()),
            external_id: present(r.external_id),
            first_name: present(r.first_name),
            last_name: present(r.last_name),
            username: present(r.username),
            image_url: present(r.image_url).or(present(r.profile_image_url)),
            totp_secret: present(r.totp_secret),
            public_metadata: metadata(r.public_metadata),
            private_metadata: metadata(r.private_metadata),
            unsafe_metadata: metadata(r.unsafe_metadata),
            banned: r.banned.unwrap_or(false),
            locked: r.locked.unwrap_or(false),
            ..ClerkUser::default()
        };
        user.id = match r.id {
            Some(Cow::Borrowed(b)) => Cow::Borrowed(trim_ascii(b)),
            _ => Cow::Owned(self.id.clone()),
        };
        if let Some(digest) = present(r.password_digest) {
            let hasher = Hasher::parse(r.password_hasher.as_deref().unwrap_or(""));
            user.password = Some(Password { hasher, digest });
        }
        user.created_at_ms = match r.created_at {
            Some(Timestamp::Ms(ms) | Timestamp::Text(ms)) => Some(ms),
            Some(Timestamp::Invalid) => {
                self.warn(Code::InvalidValue, "created_at", "'created_at' is not a timestamp; sign-up time left out".into());
                None
            }
            None => None,
        };
        match shape {
            JsonShape::BackendApi => {
                let emails = pick(r.email_addresses, r.email_addresses_camel);
                let phones = pick(r.phone_numbers, r.phone_numbers_camel);
                user.emails = self.api_identifiers(emails, r.primary_email_address_id.as_deref(), true);
                user.phones = self.api_identifiers(phones, r.primary_phone_number_id.as_deref(), false);
            }
            JsonShape::CliExport => {
                user.emails = self.cli_identifiers(
                    r.primary_email_address,
                    r.verified_email_addresses,
                    r.unverified_email_addresses,
                    true,
                );
                user.phones = self.cli_identifiers(
                    r.primary_phone_number,
                    r.verified_phone_numbers,
                    r.unverified_phone_numbers,
                    false,
                );
                if let Some(private) = &mut user.private_metadata {
                    if let Some(serde_json::Value::String(ext)) = private.remove(CLI_EXTERNAL_ID_KEY) {
                        user.external_id = user.external_id.or(Some(Cow::Owned(ext)));
                    }
                }
                user.private_metadata = metadata(user.private_metadata);
            }
            JsonShape::LegacySupport | JsonShape::LegacyJoined => {
                let verified = legacy_verified;
                let email_verified = r.primary_email_verified.unwrap_or(verified);
                user.emails =
                    self.legacy_identifiers(r.primary_email_address, r.email_addresses, verified, email_verified, true);
                user.phones = self.legacy_identifiers(r.primary_phone_number, r.phone_numbers, verified, verified, false);
            }
        }
        user.external_accounts = self.external_accounts(r.external_accounts.unwrap_or_default());
        user
    }

    /// Plain string values of a list, split when joined, trimmed, empties dropped.
    fn texts<'r>(&mut self, list: List<'r>, field: &str) -> Vec<Cow<'r, str>> {
        match list {
            List::Absent => Vec::new(),
            List::Joined(Cow::Borrowed(s)) => split_list(s).unwrap_or_default(),
            List::Joined(Cow::Owned(s)) => split_list(&s)
                .unwrap_or_default()
                .into_iter()
                .map(|c| Cow::Owned(c.into_owned()))
                .collect(),
            List::Items(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Item::Text(t) => out.extend(value(t)),
                        Item::Object(_) | Item::Other => {
                            self.warn(Code::InvalidValue, field, format!("'{field}' holds a value that is not a string; ignored"))
                        }
                    }
                }
                out
            }
        }
    }

    /// D: verification from each object's status, primary by id (§5.3, §5.4).
    fn api_identifiers<'r>(&mut self, list: List<'r>, primary_id: Option<&str>, ci: bool) -> Vec<Identifier<'r>> {
        let field = if ci { "email_addresses" } else { "phone_numbers" };
        let mut ids = Vec::new();
        let List::Items(items) = list else {
            if list.is_present() {
                self.warn(Code::InvalidValue, field, format!("'{field}' is not an array of objects; ignored"));
            }
            return ids;
        };
        for item in items {
            let Item::Object(o) = item else {
                self.warn(Code::InvalidValue, field, format!("'{field}' holds a value that is not an object; ignored"));
                continue;
            };
            let raw = if ci { o.email_address } else { o.phone_number };
            let Some(v) = raw.and_then(value) else {
                self.warn(Code::InvalidValue, field, format!("an element of '{field}' has no value; ignored"));
                continue;
            };
            let primary = primary_id.is_some() && o.id.as_deref() == primary_id;
            add(&mut ids, v, VerificationRecord::is_verified(&o.verification), primary, ci);
        }
        primary_first(ids)
    }

    /// E: the primary is always verified; the lists say the rest (§6).
    fn cli_identifiers<'r>(
        &mut self,
        primary: Option<Cow<'r, str>>,
        verified: List<'r>,
        unverified: List<'r>,
        ci: bool,
    ) -> Vec<Identifier<'r>> {
        let kind = if ci { "email_addresses" } else { "phone_numbers" };
        let mut ids = Vec::new();
        if let Some(p) = primary.and_then(value) {
            add(&mut ids, p, true, true, ci);
        }
        for v in self.texts(verified, &format!("verified_{kind}")) {
            add(&mut ids, v, true, false, ci);
        }
        for v in self.texts(unverified, &format!("unverified_{kind}")) {
            add(&mut ids, v, false, false, ci);
        }
        ids
    }

    /// C, C′: no verification recorded (caller's policy); the primary is the primary column
    /// when there is one, else the first value, flagged as a guess when there was a choice.
    fn legacy_identifiers<'r>(
        &mut self,
        primary: Option<Cow<'r, str>>,
        list: List<'r>,
        verified: bool,
        primary_verified: bool,
        ci: bool,
    ) -> Vec<Identifier<'r>> {
        let field = if ci { "email_addresses" } else { "phone_numbers" };
        let values = self.texts(list, field);
        let mut ids = Vec::with_capacity(values.len() + 1);
        let primary = primary.and_then(value);
        let known_primary = primary.is_some();
        if let Some(p) = primary {
            add(&mut ids, p, primary_verified, true, ci);
        }
        for v in values {
            let first = ids.is_empty();
            add(&mut ids, v, if first { primary_verified } else { verified }, first, ci);
        }
        if !known_primary && ids.len() > 1 {
            self.warn(
                Code::PrimaryUncertain,
                field,
                format!("the export does not say which of {} values in '{field}' is primary; the first was taken", ids.len()),
            );
        }
        ids
    }

    /// §5.5: modern and legacy external accounts, normalised.
    fn external_accounts<'r>(&mut self, records: Vec<ExternalAccountRecord<'r>>) -> Vec<ExternalAccount<'r>> {
        let mut out = Vec::with_capacity(records.len());
        for a in records {
            let legacy_provider = match a.object.as_deref() {
                Some("google_account") => Some("oauth_google"),
                Some("facebook_account") => Some("oauth_facebook"),
                _ => None,
            };
            let provider = present(a.provider).or(legacy_provider.map(Cow::Borrowed));
            let provider_user_id = present(a.provider_user_id)
                .or(present(a.sdk_external_id))
                .or(present(a.google_id))
                .or(present(a.facebook_id));
            let (Some(provider), Some(provider_user_id)) = (provider, provider_user_id) else {
                self.warn(
                    Code::InvalidValue,
                    "external_accounts",
                    "an external account has no provider or provider user id; left out".into(),
                );
                continue;
            };
            out.push(ExternalAccount {
                provider,
                provider_user_id,
                email: present(a.email_address),
                verified: VerificationRecord::is_verified(&a.verification),
            });
        }
        out
    }
}

/// The snake_case list, or the SDK's camelCase one when only that is given.
fn pick<'r>(snake: List<'r>, camel: List<'r>) -> List<'r> {
    if snake.is_present() {
        snake
    } else {
        camel
    }
}
