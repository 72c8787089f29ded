//! `CsvUserReader`: the Dashboard CSV (shape A) and the legacy support CSV (shape B), as a push
//! parser over `csv-core`.
//!
//! Columns are bound by header name, never by position (spec/clerk-exports.md §2.2). Ragged
//! rows are read with missing trailing fields as empty. A quote inside an unquoted field is a
//! literal character (csv-core's behaviour), which shape B's unquoted JSON cells need (§3).

use super::cells::{rfc3339_to_ms, single_value, split_list, text_value, trim_ascii};
use super::user::{ClerkUser, Identifier, Password};
use super::{RecordReader, RecordSink};
use crate::hashes::Hasher;
use crate::report::{Diagnostic, DiagnosticCode as Code, Location, Severity};
use csv_core::{ReadRecordResult, Reader};
use std::borrow::Cow;

/// Records larger than this are skipped with a diagnostic instead of growing memory without
/// bound (a Clerk user row is well under 10 KiB).
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// Rows with more fields than this are skipped the same way.
pub const MAX_FIELDS: usize = 1024;
/// Lines before the header that are not a header (MT's sample starts with a `#` note) are
/// skipped, up to this many; then the file is declared headerless.
const MAX_PREAMBLE_RECORDS: u64 = 10;

/// A column this reader understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    FirstName,
    LastName,
    Username,
    PrimaryEmail,
    PrimaryPhone,
    VerifiedEmails,
    UnverifiedEmails,
    VerifiedPhones,
    UnverifiedPhones,
    TotpSecret,
    PasswordDigest,
    PasswordHasher,
    CreatedAt,
    EmailAddresses,
    PhoneNumbers,
    UnsafeMetadata,
    PublicMetadata,
    PrivateMetadata,
}

const COLUMNS: [(&str, Column); 19] = [
    ("id", Column::Id),
    ("first_name", Column::FirstName),
    ("last_name", Column::LastName),
    ("username", Column::Username),
    ("primary_email_address", Column::PrimaryEmail),
    ("primary_phone_number", Column::PrimaryPhone),
    ("verified_email_addresses", Column::VerifiedEmails),
    ("unverified_email_addresses", Column::UnverifiedEmails),
    ("verified_phone_numbers", Column::VerifiedPhones),
    ("unverified_phone_numbers", Column::UnverifiedPhones),
    ("totp_secret", Column::TotpSecret),
    ("password_digest", Column::PasswordDigest),
    ("password_hasher", Column::PasswordHasher),
    ("created_at", Column::CreatedAt),
    ("email_addresses", Column::EmailAddresses),
    ("phone_numbers", Column::PhoneNumbers),
    ("unsafe_metadata", Column::UnsafeMetadata),
    ("public_metadata", Column::PublicMetadata),
    ("private_metadata", Column::PrivateMetadata),
];

/// The header, resolved: which field index holds which column.
#[derive(Debug, Default)]
struct Header {
    names: Vec<String>,
    slots: Vec<Option<Column>>,
    /// Shape B: a single `email_addresses` list without verification status.
    legacy: bool,
}

impl Header {
    fn parse(fields: &[&str]) -> Option<(Header, Vec<String>)> {
        let mut header = Header::default();
        let mut unknown = Vec::new();
        for (i, raw) in fields.iter().enumerate() {
            let raw = if i == 0 { raw.trim_start_matches('\u{FEFF}') } else { raw };
            let name = trim_ascii(raw);
            let col = COLUMNS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c);
            if col.is_none() && !name.is_empty() {
                unknown.push(name.to_string());
            }
            header.names.push(name.to_string());
            header.slots.push(col);
        }
        if !header.slots.contains(&Some(Column::Id)) {
            return None;
        }
        header.legacy = header.slots.contains(&Some(Column::EmailAddresses))
            && !header.slots.contains(&Some(Column::VerifiedEmails));
        Some((header, unknown))
    }
}

/// The reader's state between pushes.
pub struct CsvUserReader {
    csv: Reader,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    /// `\n` bytes inside the current record's fields, for locating it (csv-core counts lines
    /// only as a running total).
    newlines_in_record: u64,
    /// `"` bytes consumed for the current record: odd at the end of input means an unclosed quote.
    quotes_in_record: u64,
    /// The current record outgrew the limits; its bytes are being discarded.
    oversized: bool,
    header: Option<Header>,
    preamble: u64,
    records: u64,
    legacy_verified: bool,
    finished: bool,
    /// The first bytes, held while they could be the start of a UTF-8 BOM: csv-core skips a
    /// BOM only when its first input holds all three bytes, so without this the output would
    /// depend on the chunking.
    start: Option<Vec<u8>>,
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl CsvUserReader {
    /// A reader for shapes A and B. `legacy_verified` is the policy for shape B, which records
    /// no verification status (§4.2).
    pub fn new(legacy_verified: bool) -> Self {
        CsvUserReader {
            csv: Reader::new(),
            out: vec![0; 4096],
            out_len: 0,
            ends: vec![0; 32],
            ends_len: 0,
            newlines_in_record: 0,
            quotes_in_record: 0,
            oversized: false,
            header: None,
            preamble: 0,
            records: 0,
            legacy_verified,
            finished: false,
            start: Some(Vec::new()),
        }
    }

    fn run(&mut self, mut input: &[u8], sink: &mut dyn RecordSink) {
        loop {
            let (res, nin, nout, nend) = self.csv.read_record(
                input,
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            let consumed_newline = nin > 0 && input[nin - 1] == b'\n';
            self.quotes_in_record += input[..nin].iter().filter(|&&b| b == b'"').count() as u64;
            let produced = &self.out[self.out_len..self.out_len + nout];
            // Few fields hold a line break: test with `contains` (memchr, word at a time) before
            // counting byte by byte, which was about 7% of the time spent in wasm (BENCHMARKS.md).
            if produced.contains(&b'\n') {
                self.newlines_in_record += produced.iter().filter(|&&b| b == b'\n').count() as u64;
            }
            input = &input[nin..];
            if self.oversized {
                // Keep the record's bytes out of memory; only its end matters now.
                self.out_len = 0;
                self.ends_len = 0;
            } else {
                self.out_len += nout;
                self.ends_len += nend;
            }
            match res {
                ReadRecordResult::InputEmpty => return,
                ReadRecordResult::End => return,
                ReadRecordResult::OutputFull => {
                    if !grow(&mut self.out, MAX_RECORD_BYTES) {
                        self.start_skipping();
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if !grow(&mut self.ends, MAX_FIELDS) {
                        self.start_skipping();
                    }
                }
                ReadRecordResult::Record => {
                    let line = self.csv.line()
                        - self.newlines_in_record
                        - u64::from(consumed_newline);
                    self.record_done(line, sink);
                    if self.finished {
                        // An unrecognised header ends the reading here, whatever the chunk
                        // still holds, exactly as the next push would be ignored.
                        return;
                    }
                }
            }
        }
    }

    /// The record is over the limits: its bytes are dropped from here on, until it ends.
    fn start_skipping(&mut self) {
        self.oversized = true;
        self.out_len = 0;
        self.ends_len = 0;
    }

    fn record_done(&mut self, line: u64, sink: &mut dyn RecordSink) {
        let unclosed_quote = self.finished && self.quotes_in_record % 2 == 1;
        self.quotes_in_record = 0;
        let oversized = std::mem::replace(&mut self.oversized, false);
        let (out_len, ends_len) = (self.out_len, self.ends_len);
        self.out_len = 0;
        self.ends_len = 0;
        self.newlines_in_record = 0;

        if self.header.is_none() {
            let (out, ends) = (std::mem::take(&mut self.out), std::mem::take(&mut self.ends));
            self.read_header(line, oversized, &out[..out_len], &ends[..ends_len], sink);
            (self.out, self.ends) = (out, ends);
            return;
        }
        self.records += 1;
        let at = Location { record: Some(self.records), line: Some(line) };
        if unclosed_quote {
            sink.diagnostic(
                Diagnostic::new(
                    Code::TruncatedInput,
                    Severity::Warning,
                    "the input ends inside a quoted field (an unclosed quote): this last record may be cut short",
                )
                .at(at),
            );
        }
        if oversized {
            sink.bad_record(
                at,
                Diagnostic::new(
                    Code::RecordTooLarge,
                    Severity::Error,
                    format!(
                        "record is larger than {MAX_RECORD_BYTES} bytes or has more than {MAX_FIELDS} fields; skipped"
                    ),
                )
                .at(at),
            );
            return;
        }
        let header = self.header.as_ref().expect("header checked above");
        read_user(header, self.legacy_verified, at, &self.out[..out_len], &self.ends[..ends_len], sink);
    }

    fn read_header(&mut self, line: u64, oversized: bool, out: &[u8], ends: &[usize], sink: &mut dyn RecordSink) {
        let parsed = if oversized {
            None
        } else {
            match split_fields(out, ends) {
                Ok(fields) => Header::parse(&fields),
                Err(_) => None,
            }
        };
        match parsed {
            Some((header, unknown)) => {
                for name in unknown {
                    sink.diagnostic(
                        Diagnostic::new(
                            Code::UnknownColumn,
                            Severity::Info,
                            format!("column '{name}' is not a Clerk export column; its values are ignored"),
                        )
                        .at(Location { record: None, line: Some(line) })
                        .field(name),
                    );
                }
                self.header = Some(header);
            }
            None if !is_comment_line(out) || self.preamble >= MAX_PREAMBLE_RECORDS => {
                sink.diagnostic(
                    Diagnostic::new(
                        Code::UnrecognisedFormat,
                        Severity::Error,
                        format!("line {line} is not a Clerk CSV header (it has no 'id' column); nothing was read. {ACCEPTED_SHAPES}"),
                    )
                    .at(Location { record: None, line: Some(line) }),
                );
                self.header = Some(Header::default());
                self.finished = true;
            }
            None => {
                self.preamble += 1;
                // The line may hold anything (MT's sample note holds a password): never echo it.
                sink.diagnostic(
                    Diagnostic::new(
                        Code::MissingHeader,
                        Severity::Warning,
                        "a '#' line before the CSV header is not part of Clerk's format; skipped",
                    )
                    .at(Location { record: None, line: Some(line) }),
                );
            }
        }
    }
}

impl RecordReader for CsvUserReader {
    fn push(&mut self, chunk: &[u8], sink: &mut dyn RecordSink) {
        if self.finished || chunk.is_empty() {
            return;
        }
        match &mut self.start {
            None => self.run(chunk, sink),
            Some(held) => {
                held.extend_from_slice(chunk);
                if held.len() < BOM.len() && BOM.starts_with(held) {
                    return;
                }
                let held = self.start.take().unwrap_or_default();
                self.run(&held, sink);
            }
        }
    }

    fn finish(&mut self, sink: &mut dyn RecordSink) {
        if self.finished {
            return;
        }
        if let Some(held) = self.start.take().filter(|h| !h.is_empty()) {
            self.run(&held, sink); // at most two bytes of a BOM: no complete record
        }
        self.finished = true;
        // An empty push tells csv-core the data has ended: it flushes a last record that has no
        // line ending. An unclosed quote is flushed the same way, as a record; `record_done`
        // reports it (an odd number of quotes, `finished` being set).
        self.run(&[], sink);
        if self.header.is_none() {
            sink.diagnostic(Diagnostic::new(
                Code::MissingHeader,
                Severity::Error,
                if self.preamble == 0 {
                    "the input is empty: no CSV header"
                } else {
                    "no CSV header with an 'id' column was found"
                },
            ));
        }
    }
}

/// Doubles a buffer up to `limit` elements; false when it is already there.
fn grow<T: Default + Clone>(buf: &mut Vec<T>, limit: usize) -> bool {
    if buf.len() >= limit {
        return false;
    }
    let n = (buf.len() * 2).min(limit);
    buf.resize(n, T::default());
    true
}

/// What a user can feed this tool, for errors about unrecognisable input.
pub const ACCEPTED_SHAPES: &str = "Accepted: the Clerk Dashboard CSV export, the legacy support CSV or JSON, Backend API users (a JSON array, a {data,totalCount} page, NDJSON) and the Clerk CLI export.";

fn is_comment_line(out: &[u8]) -> bool {
    out.first() == Some(&b'#')
}

/// Splits a record's output buffer into UTF-8 fields, or names the first field that is not UTF-8.
fn split_fields<'b>(out: &'b [u8], ends: &[usize]) -> Result<Vec<&'b str>, usize> {
    // Fast path: one validation of the whole record instead of one call per field. Every field
    // is UTF-8 exactly when the record is and each field boundary is a character boundary, so
    // the result is the same; anything else takes the field-by-field path, which names the
    // first bad field.
    if let Ok(record) = std::str::from_utf8(out) {
        let mut fields = Vec::with_capacity(ends.len());
        let mut start = 0;
        for &end in ends {
            match record.get(start..end) {
                Some(field) => fields.push(field),
                None => return split_fields_checked(out, ends),
            }
            start = end;
        }
        return Ok(fields);
    }
    split_fields_checked(out, ends)
}

/// [`split_fields`], one field at a time.
fn split_fields_checked<'b>(out: &'b [u8], ends: &[usize]) -> Result<Vec<&'b str>, usize> {
    let mut fields = Vec::with_capacity(ends.len());
    let mut start = 0;
    for (i, &end) in ends.iter().enumerate() {
        let bytes = out.get(start..end).ok_or(i)?;
        fields.push(std::str::from_utf8(bytes).map_err(|_| i)?);
        start = end;
    }
    Ok(fields)
}

fn read_user(
    header: &Header,
    legacy_verified: bool,
    at: Location,
    out: &[u8],
    ends: &[usize],
    sink: &mut dyn RecordSink,
) {
    let fields = match split_fields(out, ends) {
        Ok(f) => f,
        Err(i) => {
            let name = header.names.get(i).map(String::as_str).unwrap_or("(extra column)");
            sink.bad_record(
                at,
                Diagnostic::new(Code::InvalidUtf8, Severity::Error, format!("field '{name}' is not valid UTF-8; record skipped"))
                    .at(at)
                    .field(name),
            );
            return;
        }
    };
    if fields.iter().all(|f| trim_ascii(f).is_empty()) {
        sink.bad_record(at, Diagnostic::new(Code::EmptyRecord, Severity::Error, "record has no values").at(at));
        return;
    }
    let mut cells = RowCells::default();
    for (i, value) in fields.iter().enumerate() {
        if let Some(Some(col)) = header.slots.get(i) {
            cells.set(*col, value);
        }
    }
    let id = cells.get(Column::Id).and_then(single_value).unwrap_or("");
    if fields.len() != header.slots.len() {
        sink.diagnostic(
            Diagnostic::new(
                Code::WrongColumnCount,
                Severity::Warning,
                format!(
                    "record has {} fields, the header has {}; missing fields are read as empty, extra ones ignored",
                    fields.len(),
                    header.slots.len()
                ),
            )
            .at(at)
            .user(id),
        );
    }
    if id.is_empty() {
        sink.bad_record(at, Diagnostic::new(Code::MissingId, Severity::Error, "record has no Clerk user id").at(at).field("id"));
        return;
    }
    let mut user = ClerkUser { id: Cow::Borrowed(id), ..ClerkUser::default() };
    user.first_name = cells.get(Column::FirstName).and_then(text_value).map(Cow::Borrowed);
    user.last_name = cells.get(Column::LastName).and_then(text_value).map(Cow::Borrowed);
    user.username = cells.get(Column::Username).and_then(text_value).map(Cow::Borrowed);
    user.totp_secret = cells.get(Column::TotpSecret).and_then(single_value).map(Cow::Borrowed);

    let mut warn = |field: &str, message: String| {
        sink.diagnostic(Diagnostic::new(Code::InvalidValue, Severity::Warning, message).at(at).field(field).user(id));
    };
    let mut list = |col: Column, name: &str| list_cell(&cells, col, name, &mut warn);
    if header.legacy {
        let emails = list(Column::EmailAddresses, "email_addresses");
        let phones = list(Column::PhoneNumbers, "phone_numbers");
        user.emails = legacy_identifiers(emails, legacy_verified, true);
        user.phones = legacy_identifiers(phones, legacy_verified, false);
    } else {
        let verified = list(Column::VerifiedEmails, "verified_email_addresses");
        let unverified = list(Column::UnverifiedEmails, "unverified_email_addresses");
        let primary = cells.get(Column::PrimaryEmail).and_then(single_value);
        user.emails = consolidate(primary, verified, unverified, true);
        let verified = list(Column::VerifiedPhones, "verified_phone_numbers");
        let unverified = list(Column::UnverifiedPhones, "unverified_phone_numbers");
        let primary = cells.get(Column::PrimaryPhone).and_then(single_value);
        user.phones = consolidate(primary, verified, unverified, false);
    }
    if let Some(digest) = cells.get(Column::PasswordDigest).and_then(single_value) {
        let hasher = Hasher::parse(cells.get(Column::PasswordHasher).unwrap_or(""));
        user.password = Some(Password { hasher, digest: Cow::Borrowed(digest) });
    }
    if let Some(created) = cells.get(Column::CreatedAt).and_then(single_value) {
        user.created_at_ms = rfc3339_to_ms(created);
        if user.created_at_ms.is_none() {
            warn("created_at", "'created_at' is not an RFC 3339 timestamp; sign-up time left out".into());
        }
    }
    for (col, name) in [
        (Column::PublicMetadata, "public_metadata"),
        (Column::PrivateMetadata, "private_metadata"),
        (Column::UnsafeMetadata, "unsafe_metadata"),
    ] {
        let Some(cell) = cells.get(col).map(trim_ascii).filter(|c| !c.is_empty() && *c != "{}") else {
            continue;
        };
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(cell) {
            Ok(map) => match col {
                Column::PublicMetadata => user.public_metadata = Some(map),
                Column::PrivateMetadata => user.private_metadata = Some(map),
                _ => user.unsafe_metadata = Some(map),
            },
            Err(_) => warn(name, format!("'{name}' is not a JSON object; left out")),
        }
    }
    sink.user(at, user);
}

fn list_cell<'r>(
    cells: &RowCells<'r>,
    col: Column,
    name: &str,
    warn: &mut dyn FnMut(&str, String),
) -> Vec<Cow<'r, str>> {
    match cells.get(col).map(split_list) {
        Some(Ok(v)) => v,
        Some(Err(_)) => {
            warn(name, format!("'{name}' starts with '[' but is not a JSON array of strings; ignored"));
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// The cells of one row, by column.
#[derive(Default)]
struct RowCells<'r> {
    values: [Option<&'r str>; COLUMNS.len()],
}

impl<'r> RowCells<'r> {
    fn set(&mut self, col: Column, value: &'r str) {
        self.values[col as usize] = Some(value);
    }
    fn get(&self, col: Column) -> Option<&'r str> {
        self.values[col as usize]
    }
}

fn same(a: &str, b: &str, case_insensitive: bool) -> bool {
    if case_insensitive {
        a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
    } else {
        a == b
    }
}

/// The unverified-primary rule (§2.6): the primary is verified when it is in the verified list,
/// or in neither list; it is unverified only when listed as unverified and not as verified.
/// The result has the primary first, then verified, then unverified values, without duplicates.
fn consolidate<'a>(
    primary: Option<&'a str>,
    verified: Vec<Cow<'a, str>>,
    unverified: Vec<Cow<'a, str>>,
    case_insensitive: bool,
) -> Vec<Identifier<'a>> {
    let mut ids: Vec<Identifier<'a>> = Vec::with_capacity(1 + verified.len() + unverified.len());
    let mut seen = Seen::new(case_insensitive);
    if let Some(p) = primary {
        let in_verified = verified.iter().any(|v| same(v, p, case_insensitive));
        let in_unverified = unverified.iter().any(|v| same(v, p, case_insensitive));
        ids.push(Identifier::new(p, in_verified || !in_unverified, true));
    }
    for (values, is_verified) in [(verified, true), (unverified, false)] {
        for v in values {
            if seen.first(&ids, &v) {
                ids.push(Identifier { value: v, verified: is_verified, primary: false });
            }
        }
    }
    ids
}

/// Values seen so far, compared as [`same`] does (lower-cased when case-insensitive). A user
/// has a handful of identifiers, compared directly without allocating; past [`Seen::SMALL`] a
/// hash set takes over, since a list cell under the record limit can hold ~80,000 values and
/// comparing each with every other took minutes (tests/hostile.rs).
struct Seen {
    keys: Option<std::collections::HashSet<String>>,
    case_insensitive: bool,
}

impl Seen {
    const SMALL: usize = 16;

    fn new(case_insensitive: bool) -> Self {
        Seen { keys: None, case_insensitive }
    }

    fn key(&self, value: &str) -> String {
        if self.case_insensitive { value.to_lowercase() } else { value.to_owned() }
    }

    /// True the first time a value (or one equal to it) is offered; `earlier` holds the
    /// identifiers accepted so far.
    fn first(&mut self, earlier: &[Identifier<'_>], value: &str) -> bool {
        if self.keys.is_none() && earlier.len() < Self::SMALL {
            return !earlier.iter().any(|i| same(&i.value, value, self.case_insensitive));
        }
        if self.keys.is_none() {
            let keys = earlier.iter().map(|i| self.key(&i.value)).collect();
            self.keys = Some(keys);
        }
        let key = self.key(value);
        self.keys.as_mut().is_some_and(|keys| keys.insert(key))
    }
}

/// Shape B lists identifiers without a primary or a verification status: the first becomes
/// the primary (the shape has no better source) and `verified` follows the caller's policy.
fn legacy_identifiers(values: Vec<Cow<'_, str>>, verified: bool, case_insensitive: bool) -> Vec<Identifier<'_>> {
    let mut ids: Vec<Identifier<'_>> = Vec::with_capacity(values.len());
    let mut seen = Seen::new(case_insensitive);
    for v in values {
        if seen.first(&ids, &v) {
            let primary = ids.is_empty();
            ids.push(Identifier { value: v, verified, primary });
        }
    }
    ids
}
