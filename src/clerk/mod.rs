//! Input: Clerk exports, read as a stream of records into [`ClerkUser`]s.
//!
//! Two readers cover every shape of spec/clerk-exports.md §1: [`CsvUserReader`] (A, B) and
//! [`JsonUserReader`] (C, C′, D, E in a bare array, a `{data,totalCount}` page, the CLI
//! envelope, a single object or NDJSON). Both are push parsers whose memory is bounded by the
//! largest record.

pub mod cells;
pub mod csv;
pub mod detect;
pub mod json;
pub mod json_record;
pub mod json_stream;
pub mod json_user;
pub mod user;

pub use self::csv::{CsvUserReader, ACCEPTED_SHAPES, MAX_RECORD_BYTES};
pub use json::JsonUserReader;
pub use json_stream::{Container, Framing, JsonRecordSplitter};
pub use json_user::{map_record, JsonShape};
pub use user::{ClerkUser, ExternalAccount, Identifier, Password};

use crate::report::{Diagnostic, Location};

/// Receives what a reader finds, record by record. The pipeline implements it; readers never
/// count or store users themselves, so every shape is accounted for in one place.
pub trait RecordSink {
    /// A record that became a user. Warnings about it are sent first with [`RecordSink::diagnostic`].
    fn user(&mut self, at: Location, user: ClerkUser<'_>);
    /// A record that cannot become a user; it is counted as rejected, with this reason.
    fn bad_record(&mut self, at: Location, reason: Diagnostic);
    /// A diagnostic that does not itself decide a record's fate (a warning, or a file-level
    /// problem such as an unknown column).
    fn diagnostic(&mut self, diagnostic: Diagnostic);
}

/// A push parser for one input shape: feed it chunks split anywhere, then finish it.
pub trait RecordReader {
    /// Consumes a chunk of input. A chunk may end inside a UTF-8 character, a quoted cell, a
    /// CRLF or a JSON string; the reader keeps what it needs until the next push.
    fn push(&mut self, chunk: &[u8], sink: &mut dyn RecordSink);
    /// Signals the end of input: flushes a last record without a line ending, and reports
    /// input cut off in the middle of a record.
    fn finish(&mut self, sink: &mut dyn RecordSink);
}
