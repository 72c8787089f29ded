//! Which reader an input needs, from its first bytes (spec/clerk-exports.md §1.1).
//!
//! `[` or `{` is JSON (the JSON reader tells arrays, wrappers, single objects and NDJSON apart
//! as it streams); binary data and UTF-16 are refused with one file-level error; anything else
//! is CSV, whose header tells shape A from B. An explicit [`InputFormat`] skips the guessing.

use super::{CsvUserReader, Framing, JsonUserReader, RecordReader};
use crate::options::InputFormat;

const BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16_MARKS: [&[u8]; 2] = [b"\xFF\xFE", b"\xFE\xFF"];

/// What the first bytes of an input say.
pub enum Detection {
    /// Not enough bytes yet to decide (a byte-order mark may still be arriving, or only
    /// whitespace so far).
    NeedMore,
    /// The reader for the rest of the input.
    Reader(Box<dyn RecordReader>),
    /// No reader can read it: why, for the one file-level error.
    Unsupported(&'static str),
}

/// Decides from `sniffed`, the input's bytes so far (all of them when `at_end`).
pub fn detect(sniffed: &[u8], format: Option<InputFormat>, legacy_verified: bool, at_end: bool) -> Detection {
    let csv = || Detection::Reader(Box::new(CsvUserReader::new(legacy_verified)));
    let json = |framing| Detection::Reader(Box::new(JsonUserReader::new(framing, legacy_verified)));
    // Whatever the format, a BOM split across pushes must be whole before the caller strips
    // it, or the output would depend on the chunking.
    if !at_end && BOM.starts_with(sniffed) {
        return Detection::NeedMore;
    }
    match format {
        Some(InputFormat::DashboardCsv | InputFormat::LegacyCsv) => return csv(),
        Some(InputFormat::Json) => return json(Framing::Document),
        Some(InputFormat::Ndjson) => return json(Framing::Lines),
        None => {}
    }
    let body = strip_bom(sniffed);
    if !at_end && body.len() == 1 && UTF16_MARKS.iter().any(|m| m.starts_with(body)) {
        return Detection::NeedMore; // maybe a UTF-16 byte-order mark still arriving
    }
    if UTF16_MARKS.iter().any(|m| body.starts_with(m)) {
        return Detection::Unsupported("UTF-16 text is not supported (re-save the file as UTF-8)");
    }
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => json(Framing::Document),
        Some(&b) if is_binary_start(b) => {
            Detection::Unsupported("the input is binary data, not a text export (it starts with a control or non-UTF-8 byte)")
        }
        Some(_) => csv(),
        None if at_end => csv(),
        None => Detection::NeedMore,
    }
}

/// `bytes` without a leading UTF-8 byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// A first byte no text export starts with: a control character, or a byte that cannot
/// begin a UTF-8 character (a PNG starts with 0x89).
fn is_binary_start(b: u8) -> bool {
    (b < 0x20 && !b.is_ascii_whitespace()) || b == 0x7F || (0x80..=0xC1).contains(&b) || b >= 0xF5
}
