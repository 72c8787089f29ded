//! The sink the readers feed: one user at a time, from the join to the batch, the report or
//! the lazy-migration file.

use super::checks::CoreChecks;
use super::settle::{preflight_diagnostic, Unsettled};
use super::writer::Writer;
use super::{in_api_file, OutputFile, FIREBASE_KEY_FILE};
use crate::clerk::{ClerkUser, RecordSink};
use crate::convert::{convert_user_with, FirebaseProject, Outcome, PlainPassword};
use crate::join::{merge, ApiUsers};
use crate::options::Options;
use crate::report::{Diagnostic, DiagnosticCode as Code, Location, Severity};
use crate::sightings::{Key, KeyKind, Sightings};
use std::collections::HashSet;

/// The sink the readers feed: the options, the core-parity checks, and the [`Writer`] that
/// accumulates output. Split so a converted user can borrow the options while the writer takes it.
pub(super) struct State {
    pub(super) options: Options,
    pub(super) w: Writer,
    pub(super) checks: CoreChecks,
    /// The signer key adopted for `scrypt_firebase` users.
    pub(super) firebase: FirebaseProject,
    /// `options.skip_ids`, for lookups.
    pub(super) skip: HashSet<String>,
    /// Backend API users waiting for their main-input record; `None` when no API file was given.
    pub(super) join: Option<ApiUsers>,
    /// Every user read (after the join), for the lazy path's legacy store; `None` unless asked.
    pub(super) collected: Option<Vec<ClerkUser<'static>>>,
    /// Clerk ids and the preflight's identities, checked across the import.
    pub(super) sightings: Sightings,
    /// What waits for the identity log's replay (settle.rs).
    pub(super) unsettled: Unsettled,
    pub(super) bytes: u64,
    pub(super) input_ended: bool,
    pub(super) api_only_done: bool,
    pub(super) finished: bool,
}

impl State {
    pub(super) fn new(options: Options) -> Self {
        let w = Writer::new(options.batch_size);
        let checks = CoreChecks::new(&options);
        let skip = options.skip_ids.iter().map(|id| id.trim().to_string()).collect();
        State {
            options,
            w,
            checks,
            firebase: FirebaseProject::default(),
            skip,
            join: None,
            collected: None,
            sightings: Sightings::new(),
            unsettled: Unsettled::default(),
            bytes: 0,
            input_ended: false,
            api_only_done: false,
            finished: false,
        }
    }

    /// Converts one user and writes it to a batch (after the core-parity checks), the
    /// lazy-migration file or the report.
    fn convert(&mut self, at: Location, user: &ClerkUser<'_>) {
        if let Some(collected) = &mut self.collected {
            collected.push(user.clone().into_owned());
        }
        let w = &mut self.w;
        w.stats.count(user);
        if self.skip.contains(user.id.as_ref()) {
            w.summary.rejected += 1;
            let d = Diagnostic::new(Code::SkippedUser, Severity::Info, "user id is in the skip list (already migrated); left out");
            w.located(at, d.user(user.id.as_ref()));
            return;
        }
        let mut random = crate::hashes::random_password;
        let conversion = convert_user_with(user, &self.options, PlainPassword::Policy(&mut random), &mut self.firebase);
        for warning in conversion.warnings {
            w.located(at, warning);
        }
        match conversion.outcome {
            Outcome::Converted(u) => {
                let unwritable = |w: &mut Writer, e: serde_json::Error| {
                    w.summary.rejected += 1;
                    let d = Diagnostic::new(Code::InvalidValue, Severity::Error, format!("user could not be written as JSON: {e}"));
                    w.located(at, d.user(user.id.as_ref()));
                };
                // Most users are plainly valid; only the others pay for a JSON tree and the
                // full validator, which gives the core's exact messages.
                if !self.checks.validator.accepts_plainly(&u) {
                    let value = match serde_json::to_value(&u) {
                        Ok(value) => value,
                        Err(e) => return unwritable(w, e),
                    };
                    let verdict = self.checks.validator.validate_user(&value);
                    if !verdict.errors.is_empty() || verdict.core_would_crash {
                        w.summary.rejected += 1;
                        let crash = verdict.crash.as_ref().map(|c| c.core_text());
                        for message in verdict.errors.into_iter().chain(crash) {
                            let d = Diagnostic::new(Code::CoreRejected, Severity::Error, message);
                            w.located(at, d.user(user.id.as_ref()));
                        }
                        return;
                    }
                }
                let preflight = &mut self.checks.preflight;
                let (position, pending) = (preflight.users_seen(), preflight.pending());
                for warning in preflight.observe_user(&u, &mut self.sightings) {
                    w.located(at, preflight_diagnostic(warning, user.id.as_ref()));
                }
                if preflight.pending() > pending {
                    self.unsettled.await_preflight(position, at, user.id.as_ref());
                }
                match w.add_to_batch(&u) {
                    Ok(true) => self.checks.next_batch(),
                    Ok(false) => {}
                    Err(e) => unwritable(w, e),
                }
            }
            Outcome::Deferred(d) => {
                w.summary.deferred += 1;
                w.located(at, d);
                let len = w.lazy.len();
                match serde_json::to_writer(&mut w.lazy, user) {
                    Ok(()) => w.lazy.push(b'\n'),
                    Err(_) => w.lazy.truncate(len), // nothing written for this user
                }
            }
            Outcome::Rejected(reasons) => {
                w.summary.rejected += 1;
                for d in reasons {
                    w.located(at, d);
                }
            }
        }
    }

    /// At the end of the main input: the API users no main record named, in API input order.
    pub(super) fn convert_api_only_users(&mut self) {
        let Some(join) = &mut self.join else { return };
        for held in join.take_unjoined() {
            self.w.summary.records += 1;
            let Some(user) = held.user() else {
                self.w.summary.rejected += 1;
                let d = Diagnostic::new(Code::InvalidValue, Severity::Error, "held Backend API user could not be read back; skipped");
                self.w.located(held.at, in_api_file(held.file, d));
                continue;
            };
            let (record, line) = (held.at.record.unwrap_or(0), held.at.line.unwrap_or(0));
            let d = Diagnostic::new(
                Code::JoinSideMissing,
                Severity::Warning,
                format!(
                    "user is only in Backend API file {} (record {record}, line {line}), not in the main input: converted without a password or TOTP secret",
                    held.file
                ),
            );
            self.w.diagnostic(d.field("id").user(user.id.as_ref()));
            self.convert(Location::default(), &user);
        }
    }

    pub(super) fn take_output(&mut self) -> Vec<OutputFile> {
        self.w.take_output()
    }

    pub(super) fn close(&mut self) -> Vec<OutputFile> {
        self.finished = true;
        self.checks.report_skipped(&mut self.w);
        self.write_firebase_key();
        self.w.close()
    }

    /// The core verifies converted firebase hashes only with the project's signer key in its
    /// `firebase_password_hashing_signer_key`; the key goes to a 0600 file, never the report.
    fn write_firebase_key(&mut self) {
        let (Some(key), Some(separator)) = (&self.firebase.signer_key, &self.firebase.salt_separator) else {
            return;
        };
        let text = serde_json::json!({
            "firebase_password_hashing_signer_key": key,
            "saltSeparator": separator,
            "users": self.firebase.users,
        });
        self.w.out.push(OutputFile { name: FIREBASE_KEY_FILE.into(), text: format!("{text:#}\n"), append: false, secret: true });
        self.w.diagnostic(Diagnostic::new(
            Code::CoreWouldFail,
            Severity::Info,
            format!(
                "{} users have firebase scrypt hashes: set the core's firebase_password_hashing_signer_key to the value in {FIREBASE_KEY_FILE} before submitting (without it the core answers HTTP 500)",
                self.firebase.users
            ),
        ));
    }
}

impl RecordSink for State {
    fn user(&mut self, at: Location, user: ClerkUser<'_>) {
        self.w.summary.records += 1;
        let position = self.w.summary.records;
        if self.sightings.sight(Key::of(KeyKind::ClerkId, &[&user.id]), position) {
            // Maybe a repeat, maybe a false positive of the filter: the replay will tell.
            self.unsettled.hold_record(position, at, user);
            return;
        }
        self.accept(at, user);
    }

    fn bad_record(&mut self, at: Location, reason: Diagnostic) {
        self.w.summary.records += 1;
        self.w.summary.rejected += 1;
        self.w.located(at, reason);
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        self.w.diagnostic(d);
    }
}

impl State {
    /// A record whose Clerk id is new: joined with its Backend API user, if any, and converted.
    pub(super) fn accept(&mut self, at: Location, user: ClerkUser<'_>) {
        let Some(join) = &mut self.join else {
            return self.convert(at, &user);
        };
        let held = join.take(&user.id);
        match held.as_ref().and_then(|h| h.user()) {
            Some(api) => {
                let merged = merge(user, api);
                self.convert(at, &merged);
            }
            None => {
                let d = Diagnostic::new(
                    Code::JoinSideMissing,
                    Severity::Warning,
                    "user is in no Backend API file: converted without API metadata, external accounts, external_id, created_at, ban status or verification",
                );
                self.w.located(at, d.field("id").user(user.id.as_ref()));
                self.convert(at, &user);
            }
        }
    }

}
