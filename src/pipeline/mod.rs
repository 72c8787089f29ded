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

use crate::clerk::detect::{detect, strip_bom, Detection};
use crate::clerk::{ClerkUser, Framing, JsonUserReader, RecordReader, RecordSink, ACCEPTED_SHAPES};
use crate::join::ApiUsers;
use crate::options::Options;
use crate::report::{Diagnostic, DiagnosticCode as Code, Location, Severity, Summary};
use serde::Serialize;

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
        reader.push(strip_bom(&held), &mut self.state);
        self.reader = Some(reader);
    }

    /// Picks a reader once enough bytes are in, or at the end ([`crate::clerk::detect`]).
    fn detect(&mut self, at_end: bool) -> Option<Box<dyn RecordReader>> {
        let options = &self.state.options;
        match detect(&self.sniffed, options.input_format, options.legacy_verified, at_end) {
            Detection::NeedMore => None,
            Detection::Reader(reader) => Some(reader),
            Detection::Unsupported(what) => self.unsupported(what),
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

mod checks;
mod settle;
mod state;
mod writer;

use state::State;
