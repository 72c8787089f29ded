//! `JsonUserReader`: every JSON shape (C, C′, D, E) in every container, as a [`RecordReader`].
//!
//! The [`JsonRecordSplitter`] cuts the input into records in bounded memory; each record is
//! checked for UTF-8 (never assumed), then parsed and mapped by [`map_record`]. Every record
//! the splitter finds reaches the sink exactly once, as a user or as a bad record.

use super::json_stream::{Framing, JsonRecordSplitter, Split};
use super::json_user::map_record;
use super::{RecordReader, RecordSink, MAX_RECORD_BYTES};
use crate::report::{Diagnostic, DiagnosticCode as Code, Severity};

/// The reader's state between pushes.
pub struct JsonUserReader {
    splitter: JsonRecordSplitter,
    legacy_verified: bool,
}

impl JsonUserReader {
    /// A reader for input framed as `framing`. `legacy_verified` is the policy for shapes C and
    /// C′, which record no verification status (spec/clerk-exports.md §4.2).
    pub fn new(framing: Framing, legacy_verified: bool) -> Self {
        JsonUserReader { splitter: JsonRecordSplitter::new(framing), legacy_verified }
    }
}

impl RecordReader for JsonUserReader {
    fn push(&mut self, chunk: &[u8], sink: &mut dyn RecordSink) {
        let legacy_verified = self.legacy_verified;
        self.splitter.push(chunk, &mut |split| deliver(split, legacy_verified, sink));
    }

    fn finish(&mut self, sink: &mut dyn RecordSink) {
        let legacy_verified = self.legacy_verified;
        self.splitter.finish(&mut |split| deliver(split, legacy_verified, sink));
    }
}

fn deliver(split: Split<'_>, legacy_verified: bool, sink: &mut dyn RecordSink) {
    let error = |code, message: String| Diagnostic::new(code, Severity::Error, message);
    match split {
        Split::Record { at, bytes, container } => {
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let message = format!("record is not valid UTF-8 (at byte {} of the record); skipped", e.valid_up_to() + 1);
                    return sink.bad_record(at, error(Code::InvalidUtf8, message).at(at));
                }
            };
            match map_record(text, container, legacy_verified) {
                Ok(mapped) => {
                    for w in mapped.warnings {
                        sink.diagnostic(w.at(at));
                    }
                    sink.user(at, mapped.user);
                }
                Err(reason) => sink.bad_record(at, reason.at(at)),
            }
        }
        Split::TooLarge { at } => sink.bad_record(
            at,
            error(Code::RecordTooLarge, format!("record is larger than {MAX_RECORD_BYTES} bytes; skipped")).at(at),
        ),
        Split::Truncated { at } => sink.bad_record(
            at,
            error(Code::TruncatedInput, "the input ends in the middle of this record; skipped".into()).at(at),
        ),
        Split::Problem(d) => sink.diagnostic(d),
    }
}
