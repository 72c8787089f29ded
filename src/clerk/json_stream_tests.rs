//! Unit tests of the JSON record splitter, every case at every chunk size up to 7.

use super::*;

/// Splits `input` in chunks of `chunk` bytes; returns (record, line, text or event name).
fn split(input: &[u8], framing: Framing, chunk: usize) -> Vec<(Option<u64>, Option<u64>, String)> {
    let mut s = JsonRecordSplitter::new(framing);
    let mut got = Vec::new();
    let mut on = |e: Split<'_>| {
        got.push(match e {
            Split::Record { at, bytes, container } => {
                (at.record, at.line, format!("{container:?} {}", String::from_utf8_lossy(bytes)))
            }
            Split::TooLarge { at } => (at.record, at.line, "too large".into()),
            Split::Truncated { at } => (at.record, at.line, "truncated".into()),
            Split::Problem(d) => (d.record, d.line, format!("{:?}", d.code)),
        })
    };
    for part in input.chunks(chunk.max(1)) {
        s.push(part, &mut on);
    }
    s.finish(&mut on);
    got
}

fn both(input: &str, framing: Framing) -> Vec<(Option<u64>, Option<u64>, String)> {
    let whole = split(input.as_bytes(), framing, input.len());
    for chunk in 1..8 {
        assert_eq!(split(input.as_bytes(), framing, chunk), whole, "chunk {chunk} of {input:?}");
    }
    whole
}

fn r(record: u64, line: u64, text: &str) -> (Option<u64>, Option<u64>, String) {
    (Some(record), Some(line), text.to_string())
}

#[test]
fn bare_array_elements_are_records_with_index_and_line() {
    let got = both("[\n {\"a\":\"x]\\\"}\"},\n {\"b\":[1,{}]} , 3 ]\n", Framing::Document);
    assert_eq!(
        got,
        vec![r(1, 2, "Array {\"a\":\"x]\\\"}\"}"), r(2, 3, "Array {\"b\":[1,{}]}"), r(3, 3, "Array 3")]
    );
}

#[test]
fn wrappers_are_recognised_from_their_keys() {
    let got = both("{\"data\":[{\"id\":1},{\"id\":2}],\"totalCount\":2}", Framing::Document);
    assert_eq!(got, vec![r(1, 1, "DataPage {\"id\":1}"), r(2, 1, "DataPage {\"id\":2}")]);
    let got = both("\u{FEFF}{\"clerkMigrate\":1,\"source\":\"users\",\"users\":[\n{\"id\":1}]}", Framing::Document);
    assert_eq!(got, vec![r(1, 2, "CliEnvelope {\"id\":1}")]);
    let got = both("{\"users\":[{\"id\":1}]}", Framing::Document);
    assert_eq!(got, vec![r(1, 1, "UsersArray {\"id\":1}")]);
}

#[test]
fn a_nested_data_key_does_not_make_a_wrapper() {
    let got = both("{\"id\":\"u\",\"x\":{\"data\":[1]},\"s\":\"data\"}", Framing::Document);
    assert_eq!(got, vec![r(1, 1, "Objects {\"id\":\"u\",\"x\":{\"data\":[1]},\"s\":\"data\"}")]);
}

#[test]
fn ndjson_is_read_by_line_and_a_broken_line_stays_one_record() {
    let got = both("{\"id\":1}\n\n{\"id\":\r\n{\"id\":3}\r\n", Framing::Document);
    assert_eq!(got, vec![r(1, 1, "Objects {\"id\":1}"), r(2, 3, "Objects {\"id\":"), r(3, 4, "Objects {\"id\":3}")]);
}

#[test]
fn a_broken_first_line_is_reread_as_ndjson() {
    let got = both("{\"id\":1,\n{\"id\":2}\n{\"id\":3}", Framing::Document);
    assert_eq!(got, vec![r(1, 1, "Objects {\"id\":1,"), r(2, 2, "Objects {\"id\":2}"), r(3, 3, "Objects {\"id\":3}")]);
}

#[test]
fn a_pretty_printed_object_is_one_record() {
    let got = both("{\n  \"id\": 1\n}\n{\n \"id\": 2}\n", Framing::Document);
    assert_eq!(got, vec![r(1, 1, "Objects {\n  \"id\": 1\n}"), r(2, 4, "Objects {\n \"id\": 2}")]);
}

#[test]
fn cut_off_input_is_reported() {
    let got = both("[{\"id\":1},{\"id\":\"x", Framing::Document);
    assert_eq!(got, vec![r(1, 1, "Array {\"id\":1}"), r(2, 1, "truncated")]);
    let got = both("[{\"id\":1},", Framing::Document);
    assert_eq!(got, vec![r(1, 1, "Array {\"id\":1}"), (None, Some(1), "TruncatedInput".into())]);
    let got = both("{\n\"id\": 1,\n\"x\": [", Framing::Document);
    assert_eq!(got, vec![r(1, 1, "truncated")]);
}

#[test]
fn non_json_empty_input_and_trailing_junk_are_file_problems() {
    assert_eq!(both("id,name\n", Framing::Document), vec![(None, Some(1), "UnrecognisedFormat".into())]);
    assert_eq!(both("  ", Framing::Document), vec![(None, None, "MissingHeader".into())]);
    assert_eq!(both("[1] x", Framing::Document), vec![r(1, 1, "Array 1"), (None, Some(1), "InvalidJson".into())]);
    assert_eq!(both("[1]\n[2]", Framing::Document), vec![r(1, 1, "Array 1"), r(2, 2, "Array 2")]);
}

#[test]
fn forced_lines_framing_reads_any_line() {
    assert_eq!(both("x\n[1]\n", Framing::Lines), vec![r(1, 1, "Objects x"), r(2, 2, "Objects [1]")]);
}

#[test]
fn deep_nesting_costs_a_counter_not_the_stack() {
    let deep = format!("[{}{}]", "[".repeat(100_000), "]".repeat(100_000));
    let got = split(deep.as_bytes(), Framing::Document, 4096);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].2.len(), "Array ".len() + 200_000);
}

#[test]
fn records_over_the_limit_are_skipped_and_the_next_is_read() {
    let big = format!("[\"{}\",{{\"id\":2}}]", "x".repeat(MAX_RECORD_BYTES + 10));
    let got = split(big.as_bytes(), Framing::Document, 65536);
    assert_eq!(got, vec![r(1, 1, "too large"), r(2, 1, "Array {\"id\":2}")]);
}
