//! The streaming converter: `push(bytes)` any number of times, then `finish()`.
//!
//! It detects the input shape from the first bytes, feeds a [`RecordReader`], maps each user
//! and writes batch files as soon as they fill. Its output is a list of [`OutputFile`] pieces
//! per call, so the host writes files without knowing anything about users: a CLI appends them
//! to disk, the page keeps them for download. The report is streamed the same way, so memory
//! stays flat however many diagnostics a large export produces.
//!
//! Output is a pure function of the input bytes and options, whatever the chunking.
//!
//! # Duplicates and conflicts across the import
//!
//! Repeated Clerk ids and the preflight's conflicts ([`crate::supertokens::Preflight`]) are
//! checked in memory that does not grow with the users ([`crate::sightings`]). Most are
//! only certain once the identity log has been replayed, so they are reported at the end of
//! the report, each located at its record. A record whose id the check cannot clear at once
//! (a repeat, or ~0.4% false positives) is converted after the others, at the end of the last
//! batches: batch order then differs from input order for those records, the same way for
//! every run. A host that keeps the log itself ([`Converter::keep_identity_log_outside`])
//! replays it when [`Converter::replay_needed`]; otherwise [`Converter::finish`] does.
//!
//! # Joining Backend API files
//!
//! Before the main input, any number of Backend API files (JSON, any container of §5.1) may
//! be fed with [`Converter::push_api`] and closed one by one with [`Converter::end_api_file`].
//! Their users are held by id ([`crate::join`], which documents the memory cost and the merge
//! rules); each main-input user with the same id is merged with its API record, and API users
//! that no main record names are converted at [`Converter::finish`], in the order the API
//! files gave them. A user found on one side only gets a `join-side-missing` warning.
//!
//! Counting (`records == converted + deferred + rejected` always holds): `records` counts
//! *users*: every main-input record, plus every API-only user, plus every API record that is
//! unreadable (rejected with its reason). An API record that joins a main record is that
//! user, counted once; a repeat of an id already read from the API files (overlapping pages)
//! is the same user again and is reported as `info`, not counted.

use crate::clerk::{ClerkUser, CsvUserReader, Framing, JsonUserReader, RecordReader, RecordSink, ACCEPTED_SHAPES};
use crate::convert::{convert_user_with, FirebaseProject, Outcome, PlainPassword};
use crate::join::{merge, ApiUsers};
use crate::options::{InputFormat, Options};
use crate::report::{Diagnostic, DiagnosticCode as Code, Location, Severity, Summary};
use serde::Serialize;
use std::collections::HashSet;

/// The report file's name in an output directory.
pub const REPORT_FILE: &str = "report.json";
/// The lazy-migration file: deferred users with their digests. Secret.
pub const LAZY_MIGRATION_FILE: &str = "lazy-migration.ndjson";
/// The signer key the core must be configured with for the converted firebase hashes. Secret.
pub const FIREBASE_KEY_FILE: &str = "firebase-signer-key.json";

/// A piece of output for the host to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputFile {
    /// File name inside the output directory (`batch-0001.json`, `report.json`, …).
    pub name: String,
    /// Text to write.
    pub text: String,
    /// Append to what earlier pieces of the same file wrote; `false` starts the file afresh.
    pub append: bool,
    /// The file holds password digests or TOTP secrets: create it readable by the owner only
    /// (mode 0600) and show it behind a warning.
    pub secret: bool,
}

/// Counters for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Progress {
    /// Input bytes consumed.
    pub bytes: u64,
    /// Records, converted, deferred, rejected and batches so far.
    #[serde(flatten)]
    pub summary: Summary,
}

/// The file name of batch number `n` (1-based).
pub fn batch_file_name(n: u64) -> String {
    format!("batch-{n:04}.json")
}

/// The streaming converter.
pub struct Converter {
    reader: Option<Box<dyn RecordReader>>,
    /// Bytes held back until the input shape is known (a BOM, leading whitespace).
    sniffed: Vec<u8>,
    /// The Backend API file being read, if one is open.
    api_reader: Option<JsonUserReader>,
    /// Backend API files opened so far; the current one's number.
    api_files: u32,
    /// The main input has begun: no more API files.
    main_started: bool,
    state: State,
}

impl Converter {
    /// A converter for `options`; an invalid option is an error for the caller, not a diagnostic.
    pub fn new(options: Options) -> Result<Self, String> {
        options.check()?;
        Ok(Converter {
            reader: None,
            sniffed: Vec::new(),
            api_reader: None,
            api_files: 0,
            main_started: false,
            state: State::new(options),
        })
    }

    /// Consumes a chunk of a Backend API file (split anywhere), to be joined with the main
    /// input by user id. Call [`Converter::end_api_file`] after each file. An error means the
    /// call came too late: API files go before the main input.
    pub fn push_api(&mut self, chunk: &[u8]) -> Result<Vec<OutputFile>, String> {
        self.check_api_allowed()?;
        self.state.bytes += chunk.len() as u64;
        let file = self.open_api_file();
        if let Some(reader) = &mut self.api_reader {
            reader.push(chunk, &mut ApiFileSink { state: &mut self.state, file });
        }
        Ok(self.state.take_output())
    }

    /// Ends the current Backend API file; the next [`Converter::push_api`] starts another.
    pub fn end_api_file(&mut self) -> Result<Vec<OutputFile>, String> {
        self.check_api_allowed()?;
        self.open_api_file();
        self.close_api_file();
        Ok(self.state.take_output())
    }

    fn check_api_allowed(&self) -> Result<(), String> {
        if self.main_started || self.state.finished {
            return Err("Backend API files must be given before the main input".into());
        }
        Ok(())
    }

    fn open_api_file(&mut self) -> u32 {
        if self.api_reader.is_none() {
            self.api_files += 1;
            self.api_reader = Some(JsonUserReader::new(Framing::Document, self.state.options.legacy_verified));
            self.state.join.get_or_insert_with(ApiUsers::default);
        }
        self.api_files
    }

    fn close_api_file(&mut self) {
        if let Some(mut reader) = self.api_reader.take() {
            reader.finish(&mut ApiFileSink { state: &mut self.state, file: self.api_files });
        }
    }

    /// Consumes a chunk of input, split anywhere, and returns the output it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<OutputFile> {
        if self.state.finished {
            return Vec::new();
        }
        // A Backend API file left open ends where the main input begins.
        self.close_api_file();
        self.main_started = true;
        self.state.bytes += chunk.len() as u64;
        match &mut self.reader {
            Some(reader) => reader.push(chunk, &mut self.state),
            None => {
                self.sniffed.extend_from_slice(chunk);
                if let Some(reader) = self.detect(false) {
                    self.start(reader);
                }
            }
        }
        self.state.take_output()
    }

    /// Ends the input and returns the remaining output, the report's closing piece included.
    /// [`Converter::progress`] still answers afterwards, with the final counts; pushing more
    /// input is a caller error and yields nothing.
    pub fn finish(&mut self) -> Vec<OutputFile> {
        if self.state.finished {
            return Vec::new();
        }
        self.close_api_file();
        self.main_started = true;
        if self.reader.is_none() {
            if let Some(reader) = self.detect(true) {
                self.start(reader);
            }
        }
        if let Some(reader) = &mut self.reader {
            reader.finish(&mut self.state);
        }
        self.state.input_ended = true;
        self.state.advance()
    }

    /// Hands the identity log out through [`Converter::take_identity_log`] instead of keeping
    /// it in memory, 24 bytes per identity (see [`crate::sightings`]). Then, after
    /// [`Converter::finish`], while [`Converter::replay_needed`] says so, the host feeds the
    /// whole log back with [`Converter::replay_identity_log`] and calls
    /// [`Converter::end_replay`]; the report is complete when no replay is needed.
    /// Before the first push.
    pub fn keep_identity_log_outside(&mut self) -> Result<(), String> {
        self.check_not_started("keepIdentityLogOutside")?;
        self.state.sightings.keep_log_outside();
        Ok(())
    }

    fn check_not_started(&self, what: &str) -> Result<(), String> {
        if self.main_started || self.api_files > 0 || self.state.finished {
            return Err(format!("{what} must be called before any input is pushed"));
        }
        Ok(())
    }

    /// The identity-log bytes written since the last call, for the host to append to its copy
    /// (empty unless [`Converter::keep_identity_log_outside`] was called). Take them after
    /// every push, finish and end of replay.
    pub fn take_identity_log(&mut self) -> Vec<u8> {
        self.state.sightings.take_log()
    }

    /// The input has ended but the conversion waits for a replay of the identity log.
    pub fn replay_needed(&self) -> bool {
        self.state.input_ended && !self.state.finished && self.state.sightings.replay_needed()
    }

    /// Feeds the next piece of the whole identity log, from its first byte, split anywhere.
    pub fn replay_identity_log(&mut self, chunk: &[u8]) {
        self.state.sightings.replay(chunk);
    }

    /// Ends a replay: settles what it could and continues the conversion, returning its output
    /// (the report's closing piece among it unless another replay is needed). An error means
    /// the log did not come back whole; replay it again.
    pub fn end_replay(&mut self) -> Result<Vec<OutputFile>, String> {
        if !self.replay_needed() {
            return Err("no replay of the identity log was asked for".into());
        }
        let settled = self.state.sightings.end_replay()?;
        self.state.apply(&settled);
        Ok(self.state.advance())
    }

    /// Keeps every user read (after the join), in its normalised form, for
    /// [`Converter::take_users`]. The lazy path's legacy store is built this way, so it reads
    /// every shape exactly as `convert` does.
    pub fn collect_users(&mut self) {
        self.state.collected.get_or_insert_with(Vec::new);
    }

    /// The users collected since the last call (see [`Converter::collect_users`]).
    pub fn take_users(&mut self) -> Vec<ClerkUser<'static>> {
        self.state.collected.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Counters so far, for progress displays.
    pub fn progress(&self) -> Progress {
        Progress { bytes: self.state.bytes, summary: self.state.w.summary }
    }

    fn start(&mut self, mut reader: Box<dyn RecordReader>) {
        let held = std::mem::take(&mut self.sniffed);
        let body = held.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&held);
        reader.push(body, &mut self.state);
        self.reader = Some(reader);
    }

    /// Picks a reader once enough bytes are in (spec/clerk-exports.md §1.1), or at the end:
    /// `[` or `{` is JSON (the JSON reader tells arrays, wrappers, single objects and NDJSON
    /// apart as it streams); binary data and UTF-16 get one file-level error; anything else is
    /// CSV, whose header tells shape A from B. `options.input_format` skips the guessing.
    fn detect(&mut self, at_end: bool) -> Option<Box<dyn RecordReader>> {
        let legacy_verified = self.state.options.legacy_verified;
        let csv = || -> Option<Box<dyn RecordReader>> { Some(Box::new(CsvUserReader::new(legacy_verified))) };
        let json = |framing| -> Option<Box<dyn RecordReader>> { Some(Box::new(JsonUserReader::new(framing, legacy_verified))) };
        // Whatever the format, a BOM split across pushes must be whole before `start` strips
        // it, or the output would depend on the chunking.
        if !at_end && b"\xEF\xBB\xBF".starts_with(&self.sniffed) {
            return None; // maybe a BOM still arriving
        }
        match self.state.options.input_format {
            Some(InputFormat::DashboardCsv | InputFormat::LegacyCsv) => return csv(),
            Some(InputFormat::Json) => return json(Framing::Document),
            Some(InputFormat::Ndjson) => return json(Framing::Lines),
            None => {}
        }
        let bytes = &self.sniffed[..];
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
        let utf16_marks: [&[u8]; 2] = [b"\xFF\xFE", b"\xFE\xFF"];
        if !at_end && body.len() == 1 && utf16_marks.iter().any(|m| m.starts_with(body)) {
            return None; // maybe a UTF-16 byte-order mark still arriving
        }
        if utf16_marks.iter().any(|m| body.starts_with(m)) {
            return self.unsupported("UTF-16 text is not supported (re-save the file as UTF-8)");
        }
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => json(Framing::Document),
            Some(&b) if is_binary_start(b) => {
                self.unsupported("the input is binary data, not a text export (it starts with a control or non-UTF-8 byte)")
            }
            Some(_) => csv(),
            None if at_end => csv(),
            None => None,
        }
    }

    /// Ends the run on input no reader can read: one file-level error, no records.
    fn unsupported(&mut self, what: &str) -> Option<Box<dyn RecordReader>> {
        self.state.diagnostic(Diagnostic::new(
            Code::UnrecognisedFormat,
            Severity::Error,
            format!("{what}; nothing was read. {ACCEPTED_SHAPES}"),
        )
        // Decided from the first bytes: the problem is at the start of the file.
        .at(Location { record: None, line: Some(1) }));
        self.sniffed.clear();
        Some(Box::new(Ignore))
    }
}

/// A first byte no text export starts with: a control character, or a byte that cannot
/// begin a UTF-8 character (a PNG starts with 0x89).
fn is_binary_start(b: u8) -> bool {
    (b < 0x20 && !b.is_ascii_whitespace()) || b == 0x7F || (0x80..=0xC1).contains(&b) || b >= 0xF5
}

/// What the reader of a Backend API file finds goes to the join store; its diagnostics name
/// the file, since their record and line numbers are the API file's, not the main input's.
struct ApiFileSink<'s> {
    state: &'s mut State,
    file: u32,
}

fn in_api_file(file: u32, mut d: Diagnostic) -> Diagnostic {
    d.message = format!("Backend API file {file}: {}", d.message);
    d
}

impl RecordSink for ApiFileSink<'_> {
    fn user(&mut self, at: Location, user: ClerkUser<'_>) {
        let join = self.state.join.get_or_insert_with(ApiUsers::default);
        if !join.insert(&user, self.file, at) {
            let d = Diagnostic::new(
                Code::DuplicateId,
                Severity::Info,
                "user already read from an earlier Backend API record (pages overlap); the first copy is used",
            );
            self.state.w.diagnostic(in_api_file(self.file, d.at(at).field("id").user(user.id.as_ref())));
        }
    }

    fn bad_record(&mut self, at: Location, reason: Diagnostic) {
        self.state.bad_record(at, in_api_file(self.file, reason));
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        self.state.diagnostic(in_api_file(self.file, d));
    }
}

/// A reader that reads nothing, once the input is known to be unreadable.
struct Ignore;

impl RecordReader for Ignore {
    fn push(&mut self, _: &[u8], _: &mut dyn RecordSink) {}
    fn finish(&mut self, _: &mut dyn RecordSink) {}
}

/// The sink the readers feed: the options, the core-parity checks, and the [`Writer`] that
/// accumulates output. Split so a converted user can borrow the options while the writer takes it.
struct State {
    options: Options,
    w: Writer,
    checks: CoreChecks,
    /// The signer key adopted for `scrypt_firebase` users.
    firebase: FirebaseProject,
    /// `options.skip_ids`, for lookups.
    skip: HashSet<String>,
    /// Backend API users waiting for their main-input record; `None` when no API file was given.
    join: Option<ApiUsers>,
    /// Every user read (after the join), for the lazy path's legacy store; `None` unless asked.
    collected: Option<Vec<ClerkUser<'static>>>,
    /// Clerk ids and the preflight's identities, checked across the import.
    sightings: Sightings,
    /// What waits for the identity log's replay (settle.rs).
    unsettled: Unsettled,
    bytes: u64,
    input_ended: bool,
    api_only_done: bool,
    finished: bool,
}

impl State {
    fn new(options: Options) -> Self {
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
    fn convert_api_only_users(&mut self) {
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

    fn take_output(&mut self) -> Vec<OutputFile> {
        self.w.take_output()
    }

    fn close(&mut self) -> Vec<OutputFile> {
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

mod checks;
mod settle;
mod writer;

use crate::sightings::{Key, KeyKind, Sightings};
use checks::CoreChecks;
use settle::{preflight_diagnostic, Unsettled};
use writer::Writer;

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
    fn accept(&mut self, at: Location, user: ClerkUser<'_>) {
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
