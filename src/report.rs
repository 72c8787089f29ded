//! Diagnostics and the run summary: how every input record is accounted for.
//!
//! A bad record is data, never an error that stops the run (see DESIGN.md, "Nothing is lost").
//! Each problem becomes one [`Diagnostic`] that says where it is (record, line, field), what it
//! is (a stable [`DiagnosticCode`]) and how bad it is ([`Severity`]). Messages never hold a
//! password digest, a TOTP secret or a password: at most the hasher's name.

use serde::Serialize;

/// How much a diagnostic matters for the record it is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The record was rejected or deferred because of this problem.
    Error,
    /// The record was converted, but something was lost, guessed or will fail later.
    Warning,
    /// Worth knowing; nothing is wrong.
    Info,
}

/// What a diagnostic is about. Serialised in kebab-case (`unsupported-hasher`), which is the
/// stable name tools and the page filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticCode {
    // --- input: the file as a whole ---
    /// The input is neither a recognised CSV nor a recognised JSON shape.
    UnrecognisedFormat,
    /// A CSV file with no header line, or an empty file.
    MissingHeader,
    /// The header lacks a column the shape requires (for example `id`).
    MissingColumn,
    /// The header has a column this tool does not read; its values are ignored.
    UnknownColumn,
    /// The input ended in the middle of a record (an unclosed quote, a cut JSON value).
    TruncatedInput,
    // --- input: one record ---
    /// A record has more or fewer fields than the header.
    WrongColumnCount,
    /// A record holds bytes that are not UTF-8.
    InvalidUtf8,
    /// A record is larger than the reader accepts.
    RecordTooLarge,
    /// A record has no non-empty field.
    EmptyRecord,
    /// A JSON record could not be parsed.
    InvalidJson,
    /// A JSON record is not one of the known user shapes.
    UnknownRecordShape,
    /// A record has no Clerk user id.
    MissingId,
    /// A Clerk user id seen earlier in the same input.
    DuplicateId,
    /// A record has no email, phone or external account to sign in with.
    NoIdentifier,
    /// A value could not be read (a timestamp, a metadata cell, a list).
    InvalidValue,
    /// Legacy shapes do not say which email is primary; the first was taken.
    PrimaryUncertain,
    // --- join of a CSV with Backend API users ---
    /// A user in the CSV has no Backend API record (or the other way round).
    JoinSideMissing,
    // --- mapping ---
    /// The password hasher is one the SuperTokens core cannot verify.
    UnsupportedHasher,
    /// The digest does not have the format its hasher requires.
    MalformedDigest,
    /// A firebase scrypt digest whose signer key or salt separator differs from the first one.
    FirebaseParameterConflict,
    /// The user was imported with a random password and must reset it.
    PasswordResetRequired,
    /// A TOTP secret was dropped because the `mfa` feature is not declared.
    TotpDropped,
    /// Login methods were left out because account linking is not declared.
    LoginMethodsDropped,
    /// The user is banned or locked in Clerk.
    BannedUser,
    /// The user id is in the skip list (already migrated).
    SkippedUser,
    // --- SuperTokens core parity ---
    /// The core would reject this user; the message is the core's own.
    CoreRejected,
    /// The core would accept the request but fail the user later, in its import job (E0xx).
    CoreWouldFail,
}

/// One problem, located in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// 1-based index of the data record (the header is not a record). `None` for problems
    /// with the file as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// 1-based line where the record starts, the header being line 1 (CSV and NDJSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The Clerk user id, when the record has one.
    #[serde(rename = "userId", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The input field (column or JSON key) the problem is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What the problem is.
    pub code: DiagnosticCode,
    /// How much it matters.
    pub severity: Severity,
    /// A sentence for a person. Never holds a secret.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic with no location yet; chain [`Diagnostic::at`], [`Diagnostic::field`].
    pub fn new(code: DiagnosticCode, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            record: None,
            line: None,
            user_id: None,
            field: None,
            code,
            severity,
            message: message.into(),
        }
    }

    /// Locates the diagnostic at a record.
    pub fn at(mut self, location: Location) -> Self {
        self.record = location.record;
        self.line = location.line;
        self
    }

    /// Names the input field the problem is in.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Names the Clerk user the problem belongs to.
    pub fn user(mut self, user_id: impl Into<String>) -> Self {
        let id: String = user_id.into();
        self.user_id = if id.is_empty() { None } else { Some(id) };
        self
    }
}

/// Where a record is in its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Location {
    /// 1-based data record index.
    pub record: Option<u64>,
    /// 1-based line where the record starts, when the input is line-oriented.
    pub line: Option<u64>,
}

/// What happened to each input record. `records == converted + deferred + rejected` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    /// Data records read from the input.
    pub records: u64,
    /// Users written to a batch.
    pub converted: u64,
    /// Users kept out of the batches for lazy migration (their hash cannot be imported).
    pub deferred: u64,
    /// Records that cannot be imported; each has at least one error diagnostic.
    pub rejected: u64,
    /// Batch files written.
    pub batches: u64,
}

impl Summary {
    /// True when every record is accounted for exactly once.
    pub fn reconciles(&self) -> bool {
        self.records == self.converted + self.deferred + self.rejected
    }
}

/// What the input holds, for the page's charts and the operator's planning: the hasher mix,
/// verified and unverified identities, and the MFA share. Counted over users read, whatever
/// became of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Users per password hasher name; users without a password count under `none`.
    pub hashers: std::collections::BTreeMap<String, u64>,
    /// Verified email addresses.
    pub emails_verified: u64,
    /// Unverified email addresses.
    pub emails_unverified: u64,
    /// Verified phone numbers.
    pub phones_verified: u64,
    /// Unverified phone numbers.
    pub phones_unverified: u64,
    /// Linked OAuth accounts.
    pub external_accounts: u64,
    /// Users with a TOTP secret.
    pub users_with_totp: u64,
}

impl Stats {
    /// Counts one user.
    pub fn count(&mut self, user: &crate::ClerkUser<'_>) {
        let hasher = user.password.as_ref().map_or("none", |p| p.hasher.name());
        match self.hashers.get_mut(hasher) {
            Some(n) => *n += 1,
            None => {
                self.hashers.insert(hasher.to_string(), 1);
            }
        }
        for e in &user.emails {
            *if e.verified { &mut self.emails_verified } else { &mut self.emails_unverified } += 1;
        }
        for p in &user.phones {
            *if p.verified { &mut self.phones_verified } else { &mut self.phones_unverified } += 1;
        }
        self.external_accounts += user.external_accounts.len() as u64;
        self.users_with_totp += u64::from(user.totp_secret.is_some());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_serialises_with_stable_names_and_no_empty_fields() {
        let d = Diagnostic::new(DiagnosticCode::UnsupportedHasher, Severity::Error, "md5")
            .at(Location { record: Some(3), line: Some(4) })
            .field("password_hasher")
            .user("user_1");
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"record":3,"line":4,"userId":"user_1","field":"password_hasher","code":"unsupported-hasher","severity":"error","message":"md5"}"#
        );
        let file_level = Diagnostic::new(DiagnosticCode::MissingHeader, Severity::Error, "empty");
        assert_eq!(
            serde_json::to_string(&file_level).unwrap(),
            r#"{"code":"missing-header","severity":"error","message":"empty"}"#
        );
    }

    #[test]
    fn summary_reconciles_only_when_counts_add_up() {
        let mut s = Summary { records: 3, converted: 1, deferred: 1, rejected: 1, batches: 1 };
        assert!(s.reconciles());
        s.rejected = 0;
        assert!(!s.reconciles());
    }
}
