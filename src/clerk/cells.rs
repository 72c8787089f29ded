//! Cell-level quirks of Clerk's CSV exports (spec/clerk-exports.md §2.4, §2.5, §2.7, §7).

use std::borrow::Cow;

/// Undoes the Dashboard's formula-safety prefix (§2.5): a leading TAB is removed only when the
/// character after it is one of `= + - @`, TAB, CR, LF or their fullwidth forms. Anything else
/// (including `"\tAda"`) is left as it is.
pub fn unprefix(cell: &str) -> &str {
    let Some(rest) = cell.strip_prefix('\t') else {
        return cell;
    };
    match rest.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}') => rest,
        _ => cell,
    }
}

/// Trims ASCII whitespace, the way list items are trimmed (§2.4). Names are never trimmed.
pub fn trim_ascii(s: &str) -> &str {
    // `str::trim_ascii` trims the same set (`u8::is_ascii_whitespace`) as
    // `trim_matches(char::is_ascii_whitespace)`, byte-wise instead of decoding characters;
    // it runs several times per cell (BENCHMARKS.md).
    s.trim_ascii()
}

/// A single-value identifier cell (primary email or phone): un-prefixed, trimmed, `None` when
/// empty.
pub fn single_value(cell: &str) -> Option<&str> {
    let v = trim_ascii(unprefix(trim_ascii(unprefix(cell))));
    (!v.is_empty()).then_some(v)
}

/// A text cell such as a name: un-prefixed, not trimmed (§2.5 vector 4), `None` when empty.
pub fn text_value(cell: &str) -> Option<&str> {
    let v = unprefix(cell);
    (!v.is_empty()).then_some(v)
}

/// Splits a multi-value cell (§2.4): a cell starting with `[` is a JSON array of strings;
/// otherwise values are separated by `,`, `|` or `;`. Each item is trimmed and un-prefixed;
/// empty items are dropped. De-duplication is left to the caller, which knows whether the
/// comparison is case-insensitive.
pub fn split_list(cell: &str) -> Result<Vec<Cow<'_, str>>, ListError> {
    let cell = trim_ascii(unprefix(cell));
    if cell.starts_with('[') {
        let items: Vec<Cow<'_, str>> =
            serde_json::from_str(cell).map_err(|_| ListError::InvalidJsonArray)?;
        return Ok(items
            .into_iter()
            .filter_map(|item| match item {
                Cow::Borrowed(b) => single_value(b).map(Cow::Borrowed),
                Cow::Owned(o) => single_value(&o).map(|v| Cow::Owned(v.to_string())),
            })
            .collect());
    }
    // Byte-wise rather than `split([',', '|', ';'])`, which decodes every character: the
    // separators are ASCII, and an ASCII byte is never part of a multi-byte character, so the
    // items (and the slice boundaries) are exactly those of the char split.
    let mut items = Vec::new();
    let mut start = 0;
    for (i, b) in cell.bytes().enumerate() {
        if matches!(b, b',' | b'|' | b';') {
            items.extend(single_value(&cell[start..i]).map(Cow::Borrowed));
            start = i + 1;
        }
    }
    items.extend(single_value(&cell[start..]).map(Cow::Borrowed));
    Ok(items)
}

/// Why a list cell could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListError {
    /// The cell starts with `[` but is not a JSON array of strings.
    InvalidJsonArray,
}

/// Parses an RFC 3339 timestamp (with or without fractional seconds, `Z` or an offset) into
/// milliseconds since the epoch (§7).
pub fn rfc3339_to_ms(s: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(trim_ascii(s), &time::format_description::well_known::Rfc3339)
        .ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The CLI's test vectors, spec/clerk-exports.md §2.5.
    #[test]
    fn unprefix_follows_the_cli_vectors() {
        assert_eq!(unprefix("\t=Ada"), "=Ada");
        assert_eq!(unprefix("\t@ada"), "@ada");
        assert_eq!(unprefix("\t\u{FF0B}Ada"), "\u{FF0B}Ada");
        assert_eq!(unprefix("\tAda"), "\tAda");
        assert_eq!(unprefix("\t+15555550100"), "+15555550100");
        assert_eq!(unprefix("\t\tx"), "\tx");
        assert_eq!(unprefix("\t"), "\t");
        assert_eq!(unprefix(""), "");
        assert_eq!(unprefix("plain"), "plain");
    }

    #[test]
    fn lists_split_on_comma_pipe_and_semicolon_and_drop_empties() {
        let v = split_list(" a@x.dev, b@x.dev |c@x.dev;;\t-d@x.dev ,").unwrap();
        assert_eq!(v, vec!["a@x.dev", "b@x.dev", "c@x.dev", "-d@x.dev"]);
        assert_eq!(split_list("\t-b@x.dev").unwrap(), vec!["-b@x.dev"]);
        assert!(split_list("").unwrap().is_empty());
    }

    #[test]
    fn lists_split_byte_wise_exactly_as_the_char_split_would() {
        // Multi-byte characters next to separators; a fullwidth comma is not a separator.
        for cell in ["é,ø|日本;🙂", "a\u{FF0C}b", "\u{FF0C},", ",,|;", "x@ü.example, y@ü.example", "\t-a,\t+b", "", " "] {
            let by_char: Vec<&str> = trim_ascii(unprefix(cell)).split([',', '|', ';']).filter_map(single_value).collect();
            assert_eq!(split_list(cell).unwrap(), by_char, "{cell:?}");
        }
    }

    #[test]
    fn lists_may_be_json_arrays() {
        let v = split_list(r#"[" a@x.dev ", "b@x.dev", ""]"#).unwrap();
        assert_eq!(v, vec!["a@x.dev", "b@x.dev"]);
        assert_eq!(split_list("[1,2]"), Err(ListError::InvalidJsonArray));
    }

    #[test]
    fn timestamps_parse_to_milliseconds() {
        assert_eq!(rfc3339_to_ms("2024-03-01T12:00:00Z"), Some(1_709_294_400_000));
        assert_eq!(rfc3339_to_ms("2026-09-29T14:15:02.123Z"), Some(1_790_691_302_123));
        assert_eq!(rfc3339_to_ms("2024-03-01T13:00:00+01:00"), Some(1_709_294_400_000));
        assert_eq!(rfc3339_to_ms("yesterday"), None);
    }

    #[test]
    fn single_values_are_unprefixed_and_trimmed_but_names_are_not_trimmed() {
        assert_eq!(single_value("\t+15555550100 "), Some("+15555550100"));
        assert_eq!(single_value("  "), None);
        assert_eq!(text_value(" Ada "), Some(" Ada "));
        assert_eq!(text_value(""), None);
    }
}
