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
use crate::supertokens::BulkImportUser;
use serde::Serialize;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

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
        match self.state.options.input_format {
            Some(InputFormat::DashboardCsv | InputFormat::LegacyCsv) => return csv(),
            Some(InputFormat::Json | InputFormat::Ndjson) => return self.unsupported("JSON input"),
            None => {}
        }
        let bytes = &self.sniffed[..];
        if !at_end && b"\xEF\xBB\xBF".starts_with(bytes) {
            return None; // maybe a BOM still arriving
        }
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
        if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
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
        ));
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

/// The sink the readers feed: the options, and the [`Writer`] that accumulates output.
/// Split in two so a converted user can borrow the options while the writer takes it.
struct State {
    options: Options,
    w: Writer,
    bytes: u64,
    finished: bool,
}

impl State {
    fn new(options: Options) -> Self {
        let w = Writer::new(options.batch_size);
        State { options, w, bytes: 0, finished: false }
    }

    fn take_output(&mut self) -> Vec<OutputFile> {
        self.w.take_output()
    }

    fn close(&mut self) -> Vec<OutputFile> {
        self.finished = true;
        self.w.close()
    }
}

/// Batches, the streamed report and the lazy-migration file, as they fill.
///
/// The three buffers are bytes, not `String`s, so that serde_json writes each user and
/// diagnostic straight into them (`to_writer`) instead of allocating, growing and copying a
/// `String` per item (`to_string`): about 8% of the converter's instructions in the
/// benchmarks (BENCHMARKS.md). serde_json only writes UTF-8; the bytes become the
/// `OutputFile`'s text once per piece, in [`utf8`].
struct Writer {
    batch_size: usize,
    summary: Summary,
    stats: Stats,
    batch: Vec<u8>,
    batch_users: usize,
    report: Vec<u8>,
    report_started: bool,
    diagnostics: u64,
    lazy: Vec<u8>,
    lazy_started: bool,
    /// 64-bit SipHash (fixed keys) of every Clerk id seen, for duplicate detection in flat-ish
    /// memory. Two distinct ids collide with probability ~n²/2⁶⁵: about 3·10⁻⁸ for a million.
    /// The keys are already hashes, so the set uses them as they are instead of hashing again.
    seen_ids: HashSet<u64, BuildHasherDefault<AlreadyHashed>>,
    out: Vec<OutputFile>,
}

/// The `Hasher` of a set whose `u64` keys are SipHash outputs already: it passes the key through.
#[derive(Default)]
struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is reached (the keys are `u64`); fold anything else in all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Text out of a buffer serde_json and string literals wrote, so always UTF-8; a lossy
/// conversion stands in for a panic should that ever not hold.
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl Writer {
    fn new(batch_size: usize) -> Self {
        Writer {
            batch_size,
            summary: Summary::default(),
            stats: Stats::default(),
            batch: Vec::new(),
            batch_users: 0,
            report: Vec::new(),
            report_started: false,
            diagnostics: 0,
            lazy: Vec::new(),
            lazy_started: false,
            seen_ids: HashSet::default(),
            out: Vec::new(),
        }
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        self.report.extend_from_slice(if self.diagnostics == 0 { b"{\"diagnostics\":[\n" } else { b",\n" });
        let len = self.report.len();
        if serde_json::to_writer(&mut self.report, &d).is_err() {
            self.report.truncate(len); // as before: a diagnostic that cannot be written is left out
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

    /// Writes the user into the batch; on a serialisation error the batch is left as it was.
    fn add_to_batch(&mut self, user: &BulkImportUser<'_>) -> Result<(), serde_json::Error> {
        let len = self.batch.len();
        self.batch.extend_from_slice(if self.batch_users == 0 { b"{\"users\":[\n" } else { b",\n" });
        if let Err(e) = serde_json::to_writer(&mut self.batch, user) {
            self.batch.truncate(len);
            return Err(e);
        }
        self.batch_users += 1;
        self.summary.converted += 1;
        if self.batch_users == self.batch_size {
            self.flush_batch();
        }
        Ok(())
    }

    fn flush_batch(&mut self) {
        if self.batch_users == 0 {
            return;
        }
        self.batch.extend_from_slice(b"\n]}\n");
        self.summary.batches += 1;
        // The next batch will be about as large: reserve it once instead of growing it by doubling.
        let next = Vec::with_capacity(self.batch.len());
        self.out.push(OutputFile {
            name: batch_file_name(self.summary.batches),
            text: utf8(std::mem::replace(&mut self.batch, next)),
            append: false,
            secret: false,
        });
        self.batch_users = 0;
    }

    fn take_output(&mut self) -> Vec<OutputFile> {
        if !self.report.is_empty() {
            let text = utf8(std::mem::take(&mut self.report));
            self.out.push(OutputFile { name: REPORT_FILE.into(), text, append: self.report_started, secret: false });
            self.report_started = true;
        }
        if !self.lazy.is_empty() {
            let text = utf8(std::mem::take(&mut self.lazy));
            self.out.push(OutputFile { name: LAZY_MIGRATION_FILE.into(), text, append: self.lazy_started, secret: true });
            self.lazy_started = true;
        }
        std::mem::take(&mut self.out)
    }

    fn close(&mut self) -> Vec<OutputFile> {
        self.flush_batch();
        if self.diagnostics == 0 {
            self.report.extend_from_slice(b"{\"diagnostics\":[");
        }
        self.report.extend_from_slice(b"\n],\"summary\":");
        self.report.extend_from_slice(&serde_json::to_vec(&self.summary).unwrap_or_default());
        self.report.extend_from_slice(b",\"stats\":");
        self.report.extend_from_slice(&serde_json::to_vec(&self.stats).unwrap_or_default());
        self.report.extend_from_slice(b"}\n");
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
            Outcome::Converted(u) => match w.add_to_batch(&u) {
                Ok(()) => {}
                Err(e) => {
                    w.summary.rejected += 1;
                    let d = Diagnostic::new(Code::InvalidValue, Severity::Error, format!("user could not be written as JSON: {e}"));
                    w.located(at, d.user(user.id.as_ref()));
                }
            },
            Outcome::Deferred(d) => {
                w.summary.deferred += 1;
                w.located(at, d);
                let len = w.lazy.len();
                match serde_json::to_writer(&mut w.lazy, &user) {
                    Ok(()) => w.lazy.push(b'\n'),
                    Err(_) => w.lazy.truncate(len), // as before: nothing written for this user
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
