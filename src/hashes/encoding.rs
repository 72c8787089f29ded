//! Text encodings found inside digests, decoded leniently, and constant-time comparison.
//!
//! Clerk's digest formats (spec/clerk-exports.md §8.2) say "base64" or "hex" without saying
//! whether padding is present or which case hex uses, and the sources disagree in places. The
//! decoders here accept every spelling we have seen and nothing else.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use subtle::ConstantTimeEq;

/// Standard alphabet (`+/`), padding optional on input: Firebase, Django and Symfony pad, some
/// exporters strip it.
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes standard base64 with or without `=` padding. `None` if the text is not base64.
pub(crate) fn b64(text: &str) -> Option<Vec<u8>> {
    STANDARD_LENIENT.decode(text).ok()
}

/// Decodes hex in either case. `None` for odd lengths or non-hex characters.
pub(crate) fn hex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text).ok()
}

/// Whether `text` is exactly `len` hex digits (either case).
pub(crate) fn is_hex_of_len(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses a decimal count made of ASCII digits only (no sign, no spaces), as Clerk writes
/// iteration counts and costs. `None` on anything else, including overflow.
pub(crate) fn decimal(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Compares two byte strings without leaking where they first differ. Lengths are not secret
/// (they follow from the digest format), so a length mismatch returns early.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_padding_is_optional() {
        assert_eq!(b64("SGFzaA==").as_deref(), Some(&b"Hash"[..]));
        assert_eq!(b64("SGFzaA").as_deref(), Some(&b"Hash"[..]));
        assert_eq!(b64("SGFz!A"), None);
    }

    #[test]
    fn hex_and_decimal() {
        assert_eq!(hex("aB01").as_deref(), Some(&[0xab, 0x01][..]));
        assert_eq!(hex("abc"), None);
        assert!(is_hex_of_len("00ff", 4));
        assert_eq!(decimal("1000"), Some(1000));
        assert_eq!(decimal("+1"), None);
        assert_eq!(decimal("99999999999999999999"), None);
        assert!(ct_eq(b"ab", b"ab") && !ct_eq(b"ab", b"ac") && !ct_eq(b"a", b"ab"));
    }
}
