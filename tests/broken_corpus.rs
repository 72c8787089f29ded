//! The broken-file corpus (`tests/corpus/broken/`): every file yields located diagnostics, a
//! report whose counts reconcile, and the same output whatever the chunking.

mod common;
use common::*;
use serde_json::Value;
use std::path::PathBuf;

/// (file, [records, converted, rejected], diagnostics as (code, record, line)).
type Expectation = (&'static str, [u64; 3], &'static [(&'static str, Option<u64>, Option<u64>)]);

const EXPECTED: &[Expectation] = &[
    ("cut-array.json", [2, 1, 1], &[("truncated-input", Some(2), Some(3))]),
    ("empty.csv", [0, 0, 0], &[("missing-header", None, None)]),
    ("header-only.csv", [0, 0, 0], &[]),
    ("invalid-utf8-string.json", [2, 1, 1], &[("invalid-utf8", Some(1), Some(1))]),
    ("mixed-line-endings.csv", [3, 3, 0], &[]),
    ("one-bad-line.ndjson", [3, 2, 1], &[("invalid-json", Some(2), Some(2))]),
    ("png-header.png", [0, 0, 0], &[("unrecognised-format", None, Some(1))]),
    ("stray-bytes.csv", [2, 1, 1], &[("invalid-utf8", Some(1), Some(2))]),
    ("trailing-junk.json", [1, 1, 0], &[("invalid-json", None, Some(2))]),
    ("truncated-quote.csv", [2, 1, 1], &[("truncated-input", Some(2), Some(3)), ("wrong-column-count", Some(2), Some(3)), ("no-identifier", Some(2), Some(3))]),
    ("unclosed-wrapper.json", [1, 1, 0], &[("truncated-input", None, Some(2))]),
    ("utf16-bom.csv", [0, 0, 0], &[("unrecognised-format", None, Some(1))]),
];

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/broken")
}

#[test]
fn every_broken_file_is_reported_located_and_reconciled() {
    let mut names: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let listed: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(names, listed, "every corpus file needs an expectation");

    for (name, [records, converted, rejected], diagnostics) in EXPECTED {
        let input = std::fs::read(corpus().join(name)).unwrap();
        let files = convert(&input, options(r#"{"nowMs": 1800000000000}"#));
        for chunk in [1, 2, 7] {
            assert_eq!(convert_chunked(&input, options(r#"{"nowMs": 1800000000000}"#), chunk), files, "{name}, chunk {chunk}");
        }
        let r = report(&files);
        let s = &r["summary"];
        let got = [&s["records"], &s["converted"], &s["rejected"]].map(|v| v.as_u64().unwrap());
        assert_eq!(&got, &[*records, *converted, *rejected], "{name}: {s}");
        assert_eq!(got[0], got[1] + got[2] + s["deferred"].as_u64().unwrap(), "{name}: counts do not reconcile");
        let found: Vec<(&str, Option<u64>, Option<u64>)> = r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] != "info" && d["code"] != "login-methods-dropped")
            .map(|d| (d["code"].as_str().unwrap(), d["record"].as_u64(), d["line"].as_u64()))
            .collect();
        assert_eq!(&found, diagnostics, "{name}: {}", files["report.json"]);
        // Every rejected record carries a located error.
        let located_errors = r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error" && d["record"].is_u64() && d["line"].is_u64())
            .count() as u64;
        assert!(located_errors >= *rejected, "{name}");
    }
}

#[test]
fn json_nested_100000_deep_is_a_diagnostic_not_a_stack_overflow() {
    let depth = 100_000;
    let mut input = String::from("[{\"id\":\"user_ok\",\"email_addresses\":[\"a@x.dev\"]},\n{\"id\":\"user_deep\",\"public_metadata\":");
    input.push_str(&"{\"a\":[".repeat(depth));
    input.push_str(&"]}".repeat(depth));
    input.push_str("}]");
    let files = convert(input.as_bytes(), options("{}"));
    let r = report(&files);
    assert_eq!(r["summary"]["records"], 2);
    assert_eq!(r["summary"]["converted"], 1);
    let d: &Value = &r["diagnostics"][0];
    assert_eq!((d["code"].as_str(), d["record"].as_u64(), d["line"].as_u64()), (Some("invalid-json"), Some(2), Some(2)));

    // Deeper than the record limit: skipped as too large, still no recursion.
    let big = format!("[{}{}]", "[".repeat(700_000), "]".repeat(700_000));
    let files = convert(big.as_bytes(), options("{}"));
    assert_eq!(report(&files)["diagnostics"][0]["code"], "record-too-large");
}
