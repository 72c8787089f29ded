//! The streaming converter: `push(bytes)` any number of times, then `finish()`.
//!
//! It detects the input shape from the first bytes, feeds a [`RecordReader`], maps each user
//! and writes batch files as soon as they fill. Its output is a list of [`OutputFile`] pieces
//! per call, so the host writes files without knowing anything about users: a CLI appends them
//! to disk, the page keeps them for download. The report is streamed the same way, so memory
//! stays flat however many diagnostics a large export produces.
//!
//! Output is a pure function of the input bytes and options, whatever the chunking.

use crate::clerk::{ClerkUser, CsvUserReader, RecordReader, RecordSink, ACCEPTED_SHAPES};
use crate::convert::{convert_user, Outcome};
use crate::options::{InputFormat, Options};
use crate::report::{Diagnostic, DiagnosticCode as Code, Location, Severity, Stats, Summary};
use crate::supertokens::{CoreContext, Preflight, RequestValidator};
use std::rc::Rc;
use serde::Serialize;
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The report file's name in an output directory.
pub const REPORT_FILE: &str = "report.json";
/// The lazy-migration file: deferred users with their digests. Secret.
pub const LAZY_MIGRATION_FILE: &str = "lazy-migration.ndjson";

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
    state: State,
}

impl Converter {
    /// A converter for `options`; an invalid option is an error for the caller, not a diagnostic.
    pub fn new(options: Options) -> Result<Self, String> {
        options.check()?;
        Ok(Converter { reader: None, sniffed: Vec::new(), state: State::new(options) })
    }

    /// Consumes a chunk of input, split anywhere, and returns the output it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<OutputFile> {
        if self.state.finished {
            return Vec::new();
        }
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
        if self.reader.is_none() {
            if let Some(reader) = self.detect(true) {
                self.start(reader);
            }
        }
        if let Some(reader) = &mut self.reader {
            reader.finish(&mut self.state);
        }
        self.state.close()
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

    /// Picks a reader once enough bytes are in (spec/clerk-exports.md §1.1), or at the end.
    fn detect(&mut self, at_end: bool) -> Option<Box<dyn RecordReader>> {
        let legacy_verified = self.state.options.legacy_verified;
        let csv = || -> Option<Box<dyn RecordReader>> { Some(Box::new(CsvUserReader::new(legacy_verified))) };
        // Whatever the format, a BOM split across pushes must be whole before `start` strips
        // it, or the output would depend on the chunking.
        if !at_end && b"\xEF\xBB\xBF".starts_with(&self.sniffed) {
            return None; // maybe a BOM still arriving
        }
        match self.state.options.input_format {
            Some(InputFormat::DashboardCsv | InputFormat::LegacyCsv) => return csv(),
            Some(InputFormat::Json | InputFormat::Ndjson) => return self.unsupported("JSON input"),
            None => {}
        }
        let bytes = &self.sniffed[..];
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
        let utf16_marks: [&[u8]; 2] = [b"\xFF\xFE", b"\xFE\xFF"];
        if !at_end && body.len() < 2 && utf16_marks.iter().any(|m| m.starts_with(body)) && !body.is_empty() {
            return None; // maybe a UTF-16 byte-order mark still arriving
        }
        if utf16_marks.iter().any(|m| body.starts_with(m)) {
            return self.unsupported("UTF-16 text (re-save the file as UTF-8)");
        }
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => self.unsupported("JSON input"),
            Some(_) => csv(),
            None if at_end => csv(),
            None => None,
        }
    }

    /// Ends the run on a shape this build cannot read: one file-level error, no records.
    fn unsupported(&mut self, what: &str) -> Option<Box<dyn RecordReader>> {
        self.state.diagnostic(Diagnostic::new(
            Code::UnrecognisedFormat,
            Severity::Error,
            format!("{what} is not supported by this reader. {ACCEPTED_SHAPES}"),
        )
        // Decided from the first bytes: the problem is at the start of the file.
        .at(Location { record: None, line: Some(1) }));
        self.sniffed.clear();
        Some(Box::new(Ignore))
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
    bytes: u64,
    finished: bool,
}

impl State {
    fn new(options: Options) -> Self {
        let w = Writer::new(options.batch_size);
        let checks = CoreChecks::new(&options);
        State { options, w, checks, bytes: 0, finished: false }
    }

    fn take_output(&mut self) -> Vec<OutputFile> {
        self.w.take_output()
    }

    fn close(&mut self) -> Vec<OutputFile> {
        self.finished = true;
        self.checks.report_skipped(&mut self.w);
        self.w.close()
    }
}

/// What the core would say about each converted user: the validator in the context the
/// options declare, one request per batch, and the preflight across the whole import.
struct CoreChecks {
    ctx: Rc<CoreContext>,
    validator: RequestValidator<Rc<CoreContext>>,
    preflight: Preflight,
    skipped: std::collections::BTreeSet<crate::supertokens::SkippedCheck>,
}

impl CoreChecks {
    fn new(options: &Options) -> Self {
        let ctx = Rc::new(CoreContext {
            features: Some(options.features.names().into_iter().map(String::from).collect()),
            now_ms: Some(options.now_ms()),
            ..CoreContext::default()
        });
        CoreChecks {
            validator: RequestValidator::new(ctx.clone()),
            ctx,
            preflight: Preflight::new(),
            skipped: Default::default(),
        }
    }

    /// A new request starts with every batch: `externalUserId` uniqueness is per request.
    fn next_batch(&mut self) {
        self.skipped.extend(self.validator.skipped_checks());
        self.validator = RequestValidator::new(self.ctx.clone());
    }

    /// Says once, at the end, which core rules could not be checked for lack of context.
    fn report_skipped(&mut self, w: &mut Writer) {
        self.skipped.extend(self.validator.skipped_checks());
        if self.skipped.is_empty() {
            return;
        }
        let names: Vec<String> = self
            .skipped
            .iter()
            .filter_map(|c| serde_json::to_value(c).ok())
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        w.diagnostic(Diagnostic::new(
            Code::CoreRejected,
            Severity::Info,
            format!("not checked, because the core's context is unknown: {}", names.join(", ")),
        ));
    }
}

/// Batches, the streamed report and the lazy-migration file, as they fill.
struct Writer {
    batch_size: usize,
    summary: Summary,
    stats: Stats,
    batch: String,
    batch_users: usize,
    report: String,
    report_started: bool,
    diagnostics: u64,
    lazy: String,
    lazy_started: bool,
    /// 64-bit SipHash (fixed keys) of every Clerk id seen, for duplicate detection in flat-ish
    /// memory. Two distinct ids collide with probability ~n²/2⁶⁵: about 3·10⁻⁸ for a million.
    seen_ids: HashSet<u64>,
    out: Vec<OutputFile>,
}

impl Writer {
    fn new(batch_size: usize) -> Self {
        Writer {
            batch_size,
            summary: Summary::default(),
            stats: Stats::default(),
            batch: String::new(),
            batch_users: 0,
            report: String::new(),
            report_started: false,
            diagnostics: 0,
            lazy: String::new(),
            lazy_started: false,
            seen_ids: HashSet::new(),
            out: Vec::new(),
        }
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        self.report.push_str(if self.diagnostics == 0 { "{\"diagnostics\":[\n" } else { ",\n" });
        if let Ok(json) = serde_json::to_string(&d) {
            self.report.push_str(&json);
        }
        self.diagnostics += 1;
    }

    fn located(&mut self, at: Location, d: Diagnostic) {
        let d = if d.record.is_none() && d.line.is_none() { d.at(at) } else { d };
        self.diagnostic(d);
    }

    /// Records the id; false when it was seen before.
    fn first_sighting(&mut self, id: &str) -> bool {
        let mut h = DefaultHasher::new();
        id.hash(&mut h);
        self.seen_ids.insert(h.finish())
    }

    /// Adds a user; true when that filled the batch and a new one (a new request) begins.
    fn add_to_batch(&mut self, json: &str) -> bool {
        self.batch.push_str(if self.batch_users == 0 { "{\"users\":[\n" } else { ",\n" });
        self.batch.push_str(json);
        self.batch_users += 1;
        self.summary.converted += 1;
        let full = self.batch_users == self.batch_size;
        if full {
            self.flush_batch();
        }
        full
    }

    fn flush_batch(&mut self) {
        if self.batch_users == 0 {
            return;
        }
        self.batch.push_str("\n]}\n");
        self.summary.batches += 1;
        self.out.push(OutputFile {
            name: batch_file_name(self.summary.batches),
            text: std::mem::take(&mut self.batch),
            append: false,
            secret: false,
        });
        self.batch_users = 0;
    }

    fn take_output(&mut self) -> Vec<OutputFile> {
        if !self.report.is_empty() {
            let text = std::mem::take(&mut self.report);
            self.out.push(OutputFile { name: REPORT_FILE.into(), text, append: self.report_started, secret: false });
            self.report_started = true;
        }
        if !self.lazy.is_empty() {
            let text = std::mem::take(&mut self.lazy);
            self.out.push(OutputFile { name: LAZY_MIGRATION_FILE.into(), text, append: self.lazy_started, secret: true });
            self.lazy_started = true;
        }
        std::mem::take(&mut self.out)
    }

    fn close(&mut self) -> Vec<OutputFile> {
        self.flush_batch();
        if self.diagnostics == 0 {
            self.report.push_str("{\"diagnostics\":[");
        }
        self.report.push_str("\n],\"summary\":");
        self.report.push_str(&serde_json::to_string(&self.summary).unwrap_or_default());
        self.report.push_str(",\"stats\":");
        self.report.push_str(&serde_json::to_string(&self.stats).unwrap_or_default());
        self.report.push_str("}\n");
        self.take_output()
    }
}

impl RecordSink for State {
    fn user(&mut self, at: Location, user: ClerkUser<'_>) {
        let w = &mut self.w;
        w.summary.records += 1;
        if !w.first_sighting(&user.id) {
            w.summary.rejected += 1;
            let d = Diagnostic::new(Code::DuplicateId, Severity::Error, "Clerk user id already seen earlier in the input; record skipped")
                .field("id")
                .user(user.id.as_ref());
            w.located(at, d);
            return;
        }
        w.stats.count(&user);
        let conversion = convert_user(&user, &self.options, &mut crate::hashes::random_password);
        for warning in conversion.warnings {
            w.located(at, warning);
        }
        match conversion.outcome {
            Outcome::Converted(u) => {
                let (json, value) = match (serde_json::to_string(&u), serde_json::to_value(&u)) {
                    (Ok(json), Ok(value)) => (json, value),
                    (Err(e), _) | (_, Err(e)) => {
                        w.summary.rejected += 1;
                        let d = Diagnostic::new(Code::InvalidValue, Severity::Error, format!("user could not be written as JSON: {e}"));
                        w.located(at, d.user(user.id.as_ref()));
                        return;
                    }
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
                for warning in self.checks.preflight.observe(&value) {
                    let d = Diagnostic::new(Code::CoreWouldFail, Severity::Warning, warning.message);
                    w.located(at, d.user(user.id.as_ref()));
                }
                if w.add_to_batch(&json) {
                    self.checks.next_batch();
                }
            }
            Outcome::Deferred(d) => {
                w.summary.deferred += 1;
                w.located(at, d);
                if let Ok(line) = serde_json::to_string(&user) {
                    w.lazy.push_str(&line);
                    w.lazy.push('\n');
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

    fn bad_record(&mut self, at: Location, reason: Diagnostic) {
        self.w.summary.records += 1;
        self.w.summary.rejected += 1;
        self.w.located(at, reason);
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        self.w.diagnostic(d);
    }
}
