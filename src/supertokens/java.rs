//! Java string semantics the core's validation depends on (spec §3.1).
//!
//! The core is Java: a length limit counts UTF-16 code units, `trim()` strips every char up to
//! U+0020 (all C0 controls, but not NBSP), and `isBlank()` uses `Character.isWhitespace`, whose
//! set differs from Rust's `char::is_whitespace`. Using Rust's own notions would accept or
//! reject different users than the core does, so every rule goes through these functions.

/// `String.length()`: the number of UTF-16 code units (an emoji counts 2).
///
/// Limits in §3–§4 (`> 255`, `> 256`, `> 128`, `> 28`) are all on this length.
pub fn utf16_len(s: &str) -> usize {
    // A non-ASCII char takes at least as many UTF-8 bytes as UTF-16 units, so ASCII-only
    // strings (almost all real data) need no decoding.
    if s.is_ascii() {
        return s.len();
    }
    s.chars().map(char::len_utf16).sum()
}

/// Whether `String.length() > max`, without decoding strings whose byte length already
/// proves the answer (UTF-16 units never exceed UTF-8 bytes).
pub fn utf16_len_exceeds(s: &str, max: usize) -> bool {
    s.len() > max && utf16_len(s) > max
}

/// `String.trim()`: strips leading and trailing chars `<= U+0020` (spec §3.1).
///
/// Unlike `str::trim`, it strips every C0 control and keeps NBSP, U+2000 and the like.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= '\u{20}')
}

/// `Character.isWhitespace` for one char: the set listed in spec §3.1.
pub fn is_whitespace(c: char) -> bool {
    matches!(c,
        '\u{9}'..='\u{D}'
        | '\u{1C}'..='\u{20}'
        | '\u{1680}'
        | '\u{2000}'..='\u{2006}'
        | '\u{2008}'..='\u{200A}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{205F}'
        | '\u{3000}')
}

/// `String.isBlank()`: empty, or only [`is_whitespace`] chars.
///
/// The core treats a blank string as a *type* error (spec §3, STRING row).
pub fn is_blank(s: &str) -> bool {
    s.chars().all(is_whitespace)
}

/// `String.toLowerCase()` in a non-Turkish default locale.
///
/// Rust's `to_lowercase` follows the same Unicode mappings, final sigma included.
pub fn to_lower_case(s: &str) -> String {
    s.to_lowercase()
}

/// `String.toUpperCase()` in a non-Turkish default locale (`ß` becomes `SS` in both).
pub fn to_upper_case(s: &str) -> String {
    s.to_uppercase()
}

/// `trim()` then `toLowerCase()`: how the core normalises emails and tenant ids (§3.1).
pub fn trim_lower(s: &str) -> String {
    to_lower_case(trim(s))
}

/// `s.split("\\$")` with Java's semantics: a leading empty part is kept, trailing empty parts
/// are dropped. Used by the firebase scrypt grammar (spec §6).
pub fn split_dollar(s: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = s.split('$').collect();
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// `Integer.parseInt(s)`: an optional sign, then decimal digits, within `i32`.
///
/// Java also accepts non-ASCII Unicode decimal digits here; those are treated as invalid
/// (documented deviation, only reachable with exotic firebase hash parameters).
pub fn parse_int(s: &str) -> Option<i32> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i32>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_utf16_units() {
        assert_eq!(utf16_len("abc"), 3);
        assert_eq!(utf16_len("é"), 1);
        assert_eq!(utf16_len("😀"), 2);
        assert_eq!(utf16_len("a😀b"), 4);
        assert!(utf16_len_exceeds(&"😀".repeat(128), 255));
        assert!(!utf16_len_exceeds(&"é".repeat(255), 255));
        assert!(utf16_len_exceeds(&"é".repeat(256), 255));
    }

    #[test]
    fn trim_strips_controls_but_not_nbsp() {
        assert_eq!(trim("\u{1} a \u{1F}"), "a");
        assert_eq!(trim("\u{A0}a\u{A0}"), "\u{A0}a\u{A0}");
        assert_eq!(trim("\u{3000}a"), "\u{3000}a");
        assert_eq!(trim("  "), "");
    }

    #[test]
    fn blank_follows_character_is_whitespace() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n"));
        assert!(is_blank("\u{1C}"));
        assert!(is_blank("\u{2000}\u{3000}\u{2028}"));
        assert!(!is_blank("\u{A0}"));
        assert!(!is_blank("\u{2007}"));
        assert!(!is_blank("\u{202F}"));
        assert!(!is_blank("\u{85}"));
        assert!(!is_blank(" a "));
    }

    #[test]
    fn case_mapping_matches_java_root_locale() {
        assert_eq!(to_lower_case("ABC@Example.COM"), "abc@example.com");
        assert_eq!(to_upper_case("straße"), "STRASSE");
        assert_eq!(to_upper_case("bcrypt"), "BCRYPT");
        assert_eq!(trim_lower("  T1 "), "t1");
    }

    #[test]
    fn split_drops_trailing_empty_parts_only() {
        assert_eq!(split_dollar("$a$$b$$"), vec!["", "a", "", "b"]);
        assert_eq!(split_dollar("$$$"), Vec::<&str>::new());
        assert_eq!(split_dollar("abc"), vec!["abc"]);
    }

    #[test]
    fn parse_int_is_java_parse_int() {
        assert_eq!(parse_int("14"), Some(14));
        assert_eq!(parse_int("+8"), Some(8));
        assert_eq!(parse_int("-1"), Some(-1));
        assert_eq!(parse_int("2147483648"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("+"), None);
        assert_eq!(parse_int("1 "), None);
    }
}
