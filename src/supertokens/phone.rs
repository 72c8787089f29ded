//! Phone numbers normalised as the core stores them (spec §2, passwordless `phoneNumber`).
//!
//! The core runs libphonenumber 8.13.25: parse the Java-trimmed value with region `ZZ`, format
//! it E.164, and keep the trimmed value when parsing fails. With region `ZZ` only numbers that
//! start with a plus sign can parse. The `phonenumber` crate would make the wasm far larger,
//! so this is a faithful subset, enough for the duplicate pre-checks of §7.4 (E007):
//!
//! * text before the first plus sign or digit is skipped, as `extractPossibleNumber` does;
//!   a first digit with no plus before it is a parse failure (no country code with `ZZ`);
//! * leading plus signs (`+`, `＋`) are dropped; trailing chars that are not digits or letters
//!   are dropped;
//! * the punctuation libphonenumber accepts (`VALID_PUNCTUATION`: spaces incl. NBSP and
//!   U+3000, dashes, dots, parentheses, brackets, slashes, tildes and their full-width forms)
//!   is ignored; ASCII, full-width and Arabic-Indic digits are read as digits;
//! * the country code is the shortest prefix (1–3 digits) that is an assigned calling code;
//!   none → failure; fewer than 3 digits after the plus, or a national number outside
//!   2..=17 digits → failure.
//!
//! **Fallback (documented deviation):** anything else — letters (vanity numbers,
//! extensions such as `ext. 12` or `x12`), `*`, `#`, `;` (RFC 3966 parameters), other symbols —
//! keeps the trimmed value, as a parse failure would. libphonenumber would parse some of these
//! (dropping an extension, mapping letters to digits), and it strips a national prefix after
//! the country code in some regions (`+44 (0)20 …` → `+4420…`), which needs per-region
//! metadata this subset does not carry. Such inputs may normalise differently (spec §13.3).

use std::borrow::Cow;

use crate::supertokens::java;

/// The core's normalised form of a passwordless `phoneNumber`: E.164 when the subset above
/// parses it, else the Java-trimmed input.
pub fn normalise_phone_number(raw: &str) -> Cow<'_, str> {
    let trimmed = java::trim(raw);
    match to_e164(trimmed) {
        Some(e164) => Cow::Owned(e164),
        None => Cow::Borrowed(trimmed),
    }
}

/// E.164 (`+` and digits) for a number the subset can parse, else `None`.
pub fn to_e164(trimmed: &str) -> Option<String> {
    if trimmed.chars().count() > 250 {
        return None; // MAX_INPUT_STRING_LENGTH
    }
    let start = trimmed.find(|c: char| is_plus(c) || digit_value(c).is_some())?;
    let rest = trimmed.get(start..)?;
    let rest = rest.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '#'));
    let mut chars = rest.chars().peekable();
    if !chars.peek().copied().is_some_and(is_plus) {
        return None;
    }
    while chars.peek().copied().is_some_and(is_plus) {
        chars.next();
    }
    let mut digits = String::with_capacity(rest.len());
    for c in chars {
        if let Some(d) = digit_value(c) {
            digits.push(char::from(b'0' + d));
        } else if !is_punctuation(c) {
            return None;
        }
    }
    if digits.len() <= 2 {
        return None; // TOO_SHORT_AFTER_IDD
    }
    let cc_len = (1..=3).find(|&n| digits.get(..n).is_some_and(is_calling_code))?;
    let national = digits.len() - cc_len;
    if !(2..=17).contains(&national) {
        return None;
    }
    let mut out = String::with_capacity(digits.len() + 1);
    out.push('+');
    out.push_str(&digits);
    Some(out)
}

fn is_plus(c: char) -> bool {
    c == '+' || c == '\u{FF0B}'
}

fn digit_value(c: char) -> Option<u8> {
    let base = match c {
        '0'..='9' => '0',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        '\u{660}'..='\u{669}' => '\u{660}',
        '\u{6F0}'..='\u{6F9}' => '\u{6F0}',
        _ => return None,
    };
    Some((c as u32 - base as u32) as u8)
}

/// libphonenumber's `VALID_PUNCTUATION` (its literal `x` excepted: it marks an extension).
fn is_punctuation(c: char) -> bool {
    matches!(c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF0D}'..='\u{FF0F}'
        | ' ' | '\u{A0}' | '\u{AD}' | '\u{200B}' | '\u{2060}' | '\u{3000}'
        | '(' | ')' | '\u{FF08}' | '\u{FF09}' | '\u{FF3B}' | '\u{FF3D}'
        | '.' | '[' | ']' | '/' | '~' | '\u{2053}' | '\u{223C}' | '\u{FF5E}')
}

/// Country calling codes known to libphonenumber 8.13 (`CountryCodeToRegionCodeMap`),
/// including the non-geographic ones (800, 808, 870, 878, 881–883, 888, 979).
const CALLING_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
    55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211,
    212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234,
    235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253,
    254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298,
    299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377,
    378, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506,
    507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676,
    677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808, 850, 852,
    853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961, 962, 963, 964, 965, 966, 967,
    968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992, 993, 994, 995, 996, 998,
];

fn is_calling_code(prefix: &str) -> bool {
    !prefix.starts_with('0')
        && prefix
            .parse::<u16>()
            .is_ok_and(|n| CALLING_CODES.binary_search(&n).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalise_phone_number(s).into_owned()
    }

    #[test]
    fn core_test_case_normalises() {
        assert_eq!(norm("+91-9999999999"), "+919999999999");
    }

    #[test]
    fn formatting_characters_are_ignored() {
        assert_eq!(norm(" +1 (650) 253-0000 "), "+16502530000");
        assert_eq!(norm("+44\u{A0}20.7946/0958"), "+442079460958");
        assert_eq!(norm("＋４４ ２０７９ ４６０９５８"), "+442079460958");
        assert_eq!(norm("++33 1 23 45 67 89"), "+33123456789");
        assert_eq!(norm("tel +1 650 253 0000)"), "+16502530000");
    }

    #[test]
    fn failures_keep_the_trimmed_value() {
        assert_eq!(norm(" 9999999999 "), "9999999999");
        assert_eq!(norm("+0 123456"), "+0 123456");
        assert_eq!(norm("+28 123456"), "+28 123456"); // 28x unassigned; 2, 28 not codes
        assert_eq!(norm("+91"), "+91");
        assert_eq!(norm("+1 650 253 0000 ext. 12"), "+1 650 253 0000 ext. 12");
        assert_eq!(norm("+1*650"), "+1*650");
        assert_eq!(norm("+1 23456789012345678901"), "+1 23456789012345678901");
        assert_eq!(norm("\u{1}abc\u{1}"), "abc");
    }

    #[test]
    fn calling_code_is_the_shortest_assigned_prefix() {
        assert_eq!(to_e164("+1242 555 0100").as_deref(), Some("+12425550100"));
        assert_eq!(to_e164("+353 1 234 5678").as_deref(), Some("+35312345678"));
        assert!(CALLING_CODES.windows(2).all(|w| w[0] < w[1]));
    }
}
