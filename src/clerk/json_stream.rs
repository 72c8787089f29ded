//! `JsonRecordSplitter`: cuts a JSON export into records without holding the file.
//!
//! It scans bytes once, tracking only string/escape state and a nesting *counter* (no stack,
//! no recursion), so a document nested 100 000 deep costs a counter, not a stack frame. Each
//! complete record's bytes go to a callback, which hands them to serde_json; memory is bounded
//! by the largest record ([`MAX_RECORD_BYTES`]), not by the file.
//!
//! Containers (spec/clerk-exports.md §1, §1.1, §5.1, §6):
//! - `[User, …]`: each element is a record (several arrays one after another, as pages
//!   concatenated with `cat`, are read in turn);
//! - `{ … "data": [ … ] … }` and `{ "clerkMigrate": 1, … "users": [ … ] }`: §1.1 step 3 says
//!   to parse the whole document and look at its keys. In streaming form the splitter watches
//!   the top-level keys go by while it buffers the object as a possible user; a `data` or
//!   `users` key whose value is an array turns the object into a wrapper, and the array's
//!   elements become the records;
//! - anything else starting with `{` is one or more objects: a single (possibly pretty-printed)
//!   user, or NDJSON. When the first object ends on the line it started on, the rest is read
//!   line by line, so one broken line cannot swallow the following ones. A first object that
//!   never closes is re-read as NDJSON (the "whole-document parsing fails" branch of §1.1)
//!   when its lines look like one object each.

use super::csv::MAX_RECORD_BYTES;
use crate::report::{Diagnostic, DiagnosticCode as Code, Location, Severity};

/// How the input is framed before any byte is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// A JSON document (array, wrapper or object(s)), detected from the first byte. Input that
    /// does not start with `[` or `{` gets one file-level error.
    Document,
    /// NDJSON / JSONL: one record per non-empty line (`--input-format ndjson`).
    Lines,
}

/// Where a record was found, which tells the record mapper what shape to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// A bare array `[User, …]` (`GET /v1/users`, or a legacy support export).
    Array,
    /// The `data` array of a `{data, totalCount}` page (`@clerk/backend` `getUserList()`).
    DataPage,
    /// The `users` array of the Clerk CLI envelope (`clerkMigrate` seen first): shape E.
    CliEnvelope,
    /// A `users` array in an object without `clerkMigrate`.
    UsersArray,
    /// One or more top-level objects: a single user, concatenated objects or NDJSON.
    Objects,
}

/// What the splitter found; the bytes are lent until the callback returns.
#[derive(Debug)]
pub enum Split<'b> {
    /// A complete record.
    Record {
        /// 1-based record index and the line the record starts on.
        at: Location,
        /// The record's bytes, not yet checked for UTF-8.
        bytes: &'b [u8],
        /// The container it came from.
        container: Container,
    },
    /// A record larger than [`MAX_RECORD_BYTES`]; its bytes were not kept.
    TooLarge {
        /// Where it starts.
        at: Location,
    },
    /// A record cut off by the end of input.
    Truncated {
        /// Where it starts.
        at: Location,
    },
    /// A problem with the file as a whole (no record is lost by it).
    Problem(Diagnostic),
}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
/// Enough for any key the splitter looks for (`clerkMigrate`).
const MAX_KEY_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the first value: a BOM and whitespace are skipped.
    Start,
    /// Records are the values at `record_depth` (1 in a bare array, 2 in a wrapper's array, 0
    /// for top-level objects).
    Values { record_depth: usize },
    /// Inside a wrapper object after its record array: skipped until the object closes.
    WrapperRest,
    /// After a complete array or wrapper: only whitespace or another array/wrapper may follow.
    Trailing,
    /// NDJSON: one record per line.
    Lines,
    /// Nothing more is read (the input is not JSON, or junk followed the document).
    Ignoring,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Starts with `{` or `[`: ends when the nesting returns to the record depth.
    Nested,
    /// Starts with `"`: ends when the string closes.
    Text,
    /// Anything else (a number, a literal, a stray byte): ends at whitespace or punctuation.
    Scalar,
}

/// Watches the keys of the first top-level object, to recognise a wrapper (§1.1 step 3).
#[derive(Debug, Default)]
struct KeyWatch {
    active: bool,
    expect_key: bool,
    in_key: bool,
    expect_value: bool,
    key: Vec<u8>,
    saw_clerk_migrate: bool,
}

/// The splitter's state between pushes.
#[derive(Debug)]
pub struct JsonRecordSplitter {
    framing: Framing,
    phase: Phase,
    container: Container,
    /// 1-based line of the byte being scanned.
    line: u64,
    records: u64,
    bom_matched: usize,
    seen_content: bool,
    // The record being collected.
    in_record: bool,
    kind: Kind,
    buf: Vec<u8>,
    oversized: bool,
    record_line: u64,
    // Scanner state, shared by records and skipped regions.
    depth: usize,
    in_string: bool,
    escape: bool,
    watch: KeyWatch,
}

impl JsonRecordSplitter {
    /// A splitter for input framed as `framing`.
    pub fn new(framing: Framing) -> Self {
        JsonRecordSplitter {
            framing,
            phase: Phase::Start,
            container: Container::Objects,
            line: 1,
            records: 0,
            bom_matched: 0,
            seen_content: false,
            in_record: false,
            kind: Kind::Scalar,
            buf: Vec::new(),
            oversized: false,
            record_line: 1,
            depth: 0,
            in_string: false,
            escape: false,
            watch: KeyWatch::default(),
        }
    }

    /// Scans a chunk, split anywhere, calling `out` for each record completed in it.
    pub fn push(&mut self, chunk: &[u8], out: &mut dyn FnMut(Split<'_>)) {
        for &b in chunk {
            if self.phase == Phase::Ignoring {
                return;
            }
            self.byte(b, out);
            if b == b'\n' {
                self.line += 1;
            }
        }
    }

    /// Ends the input: flushes a last NDJSON line and reports anything left open.
    pub fn finish(&mut self, out: &mut dyn FnMut(Split<'_>)) {
        match self.phase {
            Phase::Start => out(Split::Problem(Diagnostic::new(
                Code::MissingHeader,
                Severity::Error,
                "the input is empty: no JSON value",
            ))),
            Phase::Lines => {
                if self.in_record {
                    self.end_line(out);
                }
            }
            Phase::Values { record_depth } => {
                if self.in_record && self.kind == Kind::Scalar {
                    self.end_record(out);
                } else if self.in_record && self.watch.active && self.resplit_as_lines(out) {
                    // The first object never closed, but its lines were NDJSON records.
                } else if self.in_record {
                    self.in_record = false;
                    out(Split::Truncated { at: self.record_at() });
                } else if record_depth > 0 {
                    out(Split::Problem(self.cut_off("array")));
                }
            }
            Phase::WrapperRest => out(Split::Problem(self.cut_off("object"))),
            Phase::Trailing | Phase::Ignoring => {}
        }
        self.phase = Phase::Ignoring;
    }

    fn cut_off(&self, what: &str) -> Diagnostic {
        Diagnostic::new(
            Code::TruncatedInput,
            Severity::Warning,
            format!("the input ends before its JSON {what} is closed; every record in it was read"),
        )
        .at(Location { record: None, line: Some(self.line) })
    }

    fn record_at(&self) -> Location {
        Location { record: Some(self.records), line: Some(self.record_line) }
    }

    fn byte(&mut self, b: u8, out: &mut dyn FnMut(Split<'_>)) {
        match self.phase {
            Phase::Start => self.start(b, out),
            Phase::Values { record_depth } => self.value_byte(b, record_depth, out),
            Phase::WrapperRest => {
                self.scan(b);
                if self.depth == 0 && !self.in_string {
                    self.phase = Phase::Trailing;
                }
            }
            Phase::Trailing => match b {
                b'[' | b'{' => self.start(b, out),
                _ if b.is_ascii_whitespace() => {}
                _ => {
                    out(Split::Problem(
                        Diagnostic::new(
                            Code::InvalidJson,
                            Severity::Error,
                            "unexpected data after the end of the JSON document; the rest of the input is ignored",
                        )
                        .at(Location { record: None, line: Some(self.line) }),
                    ));
                    self.phase = Phase::Ignoring;
                }
            },
            Phase::Lines => self.line_byte(b, out),
            Phase::Ignoring => {}
        }
    }

    fn start(&mut self, b: u8, out: &mut dyn FnMut(Split<'_>)) {
        if !self.seen_content && self.bom_matched < BOM.len() && BOM.get(self.bom_matched) == Some(&b) {
            self.bom_matched += 1;
            return;
        }
        self.seen_content = true;
        if b.is_ascii_whitespace() {
            return;
        }
        if self.framing == Framing::Lines {
            self.phase = Phase::Lines;
            return self.line_byte(b, out);
        }
        match b {
            b'[' => {
                self.container = Container::Array;
                self.depth = 1;
                self.phase = Phase::Values { record_depth: 1 };
            }
            b'{' => {
                self.container = Container::Objects;
                self.watch = KeyWatch { active: true, ..KeyWatch::default() };
                self.phase = Phase::Values { record_depth: 0 };
                self.value_byte(b, 0, out);
            }
            _ => {
                out(Split::Problem(
                    Diagnostic::new(
                        Code::UnrecognisedFormat,
                        Severity::Error,
                        format!(
                            "the input is not JSON: it starts with neither '[' nor '{{'; nothing was read. {}",
                            super::ACCEPTED_SHAPES
                        ),
                    )
                    .at(Location { record: None, line: Some(self.line) }),
                ));
                self.phase = Phase::Ignoring;
            }
        }
    }

    /// Updates string/escape state and the nesting counter for one byte.
    fn scan(&mut self, b: u8) {
        if self.in_string {
            if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }

    fn keep(&mut self, b: u8) {
        if self.oversized {
            return;
        }
        if self.buf.len() >= MAX_RECORD_BYTES {
            self.oversized = true;
            self.buf = Vec::new();
        } else {
            self.buf.push(b);
        }
    }

    fn value_byte(&mut self, b: u8, record_depth: usize, out: &mut dyn FnMut(Split<'_>)) {
        if self.in_record {
            let ends_scalar = self.kind == Kind::Scalar
                && (b.is_ascii_whitespace() || matches!(b, b',' | b']' | b'}' | b'[' | b'{' | b'"'));
            if !ends_scalar {
                let (was_in_string, was_escape, was_depth) = (self.in_string, self.escape, self.depth);
                self.keep(b);
                if self.kind != Kind::Scalar {
                    self.scan(b);
                }
                if self.watch.active && self.watch_key(b, was_in_string, was_escape, was_depth) {
                    return; // the object became a wrapper; its array's elements are the records
                }
                let done = match self.kind {
                    Kind::Nested => !self.in_string && self.depth == record_depth && matches!(b, b'}' | b']'),
                    Kind::Text => !self.in_string,
                    Kind::Scalar => false,
                };
                if done {
                    let single_line = self.record_line == self.line;
                    let first_object = record_depth == 0 && std::mem::take(&mut self.watch.active);
                    self.end_record(out);
                    if first_object && single_line {
                        self.phase = Phase::Lines;
                    }
                }
                return;
            }
            self.end_record(out);
        }
        match b {
            _ if b.is_ascii_whitespace() || b == b',' => {}
            b']' | b'}' if record_depth > 0 => {
                self.depth = record_depth - 1;
                self.phase = if record_depth == 1 { Phase::Trailing } else { Phase::WrapperRest };
            }
            _ => {
                self.records += 1;
                self.in_record = true;
                self.record_line = self.line;
                self.buf.clear();
                self.oversized = false;
                self.kind = match b {
                    b'{' | b'[' => Kind::Nested,
                    b'"' => Kind::Text,
                    _ => Kind::Scalar,
                };
                self.keep(b);
                if self.kind != Kind::Scalar {
                    self.scan(b);
                }
                if self.watch.active {
                    self.watch.expect_key = true;
                }
            }
        }
    }

    /// Follows the first top-level object's keys; true when it turns out to be a wrapper.
    fn watch_key(&mut self, b: u8, was_in_string: bool, was_escape: bool, was_depth: usize) -> bool {
        if was_depth != 1 {
            return false;
        }
        let w = &mut self.watch;
        if was_in_string {
            if w.in_key {
                if b == b'"' && !was_escape {
                    w.in_key = false;
                } else if w.key.len() < MAX_KEY_BYTES {
                    w.key.push(b);
                }
            }
            return false;
        }
        if b.is_ascii_whitespace() {
            return false;
        }
        if w.expect_value {
            w.expect_value = false;
            let key = w.key.as_slice();
            if key == b"clerkMigrate" {
                w.saw_clerk_migrate = true;
            }
            if b == b'[' && (key == b"data" || key == b"users") {
                self.container = match (key, w.saw_clerk_migrate) {
                    (b"data", _) => Container::DataPage,
                    (_, true) => Container::CliEnvelope,
                    _ => Container::UsersArray,
                };
                self.watch.active = false;
                self.in_record = false;
                self.records = self.records.saturating_sub(1);
                self.buf = Vec::new();
                self.oversized = false;
                self.phase = Phase::Values { record_depth: 2 };
                return true;
            }
            return false;
        }
        match b {
            b'"' if w.expect_key => {
                w.expect_key = false;
                w.in_key = true;
                w.key.clear();
            }
            b':' => w.expect_value = true,
            b',' => w.expect_key = true,
            _ => {}
        }
        false
    }

    fn end_record(&mut self, out: &mut dyn FnMut(Split<'_>)) {
        self.in_record = false;
        let at = self.record_at();
        if self.oversized {
            self.oversized = false;
            out(Split::TooLarge { at });
        } else {
            out(Split::Record { at, bytes: &self.buf, container: self.container });
        }
        self.buf.clear();
    }

    fn line_byte(&mut self, b: u8, out: &mut dyn FnMut(Split<'_>)) {
        if b == b'\n' {
            if self.in_record {
                self.end_line(out);
            }
        } else if self.in_record {
            self.keep(b);
        } else if !b.is_ascii_whitespace() {
            self.records += 1;
            self.in_record = true;
            self.record_line = self.line;
            self.buf.clear();
            self.oversized = false;
            self.keep(b);
        }
    }

    fn end_line(&mut self, out: &mut dyn FnMut(Split<'_>)) {
        while self.buf.last().is_some_and(|b| b.is_ascii_whitespace()) {
            self.buf.pop();
        }
        self.end_record(out);
    }

    /// §1.1: "if whole-document parsing fails → treat as NDJSON". Re-reads the buffered first
    /// object line by line, but only when some line holds a whole object on its own, so a
    /// pretty-printed user cut off at the end stays one truncated record instead of dozens of
    /// fragments.
    fn resplit_as_lines(&mut self, out: &mut dyn FnMut(Split<'_>)) -> bool {
        if self.oversized {
            return false;
        }
        let buf = std::mem::take(&mut self.buf);
        let trim = |l: &[u8]| -> (usize, usize) {
            let start = l.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(l.len());
            let end = l.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |e| e + 1);
            (start, end.max(start))
        };
        let lines: Vec<&[u8]> = buf.split(|&b| b == b'\n').collect();
        let whole_object_line = lines.iter().any(|l| {
            let (s, e) = trim(l);
            let l = l.get(s..e).unwrap_or_default();
            l.len() > 1 && l.first() == Some(&b'{') && l.last() == Some(&b'}')
        });
        if lines.len() < 2 || !whole_object_line {
            self.buf = buf;
            return false;
        }
        self.records = self.records.saturating_sub(1);
        self.in_record = false;
        self.watch.active = false;
        let first_line = self.record_line;
        for (i, l) in lines.iter().enumerate() {
            let (s, e) = trim(l);
            let Some(l) = l.get(s..e).filter(|l| !l.is_empty()) else { continue };
            self.records += 1;
            let at = Location { record: Some(self.records), line: Some(first_line + i as u64) };
            out(Split::Record { at, bytes: l, container: Container::Objects });
        }
        true
    }
}

#[cfg(test)]
#[path = "json_stream_tests.rs"]
mod tests;
