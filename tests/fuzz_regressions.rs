//! Inputs the fuzz targets (fuzz/) found, kept as regression tests. Each was a difference
//! between converting an input in one push and converting it in pieces.

mod common;
use clerk_to_supertokens::Options;
use common::*;
use std::collections::BTreeMap;


/// The output is the same whole, split once anywhere, and byte by byte.
fn assert_chunking_invariant(input: &[u8], options: &Options) -> BTreeMap<String, String> {
    let whole = convert_cut(input, options, &[]).0;
    for cut in 0..=input.len() {
        assert_eq!(convert_cut(input, options, &[cut]).0, whole, "split at {cut}");
    }
    let every: Vec<usize> = (1..input.len()).collect();
    assert_eq!(convert_cut(input, options, &every).0, whole, "byte by byte");
    whole
}

#[test]
fn rows_after_an_unrecognised_header_are_ignored_whatever_the_chunking() {
    // fuzz target `converter`: a first line without an `id` column ended the reading only at
    // the next push, so rows in the same push were counted as rejected records.
    let input = b"ported by a test\nid,first_name\nuser_1,Ada\n";
    let files = assert_chunking_invariant(input, &options(r#"{"nowMs":1800000000000}"#));
    let r = report(&files);
    assert_eq!(r["summary"]["records"], 0);
    assert_eq!(r["diagnostics"][0]["code"], "unrecognised-format");
    assert_eq!(r["diagnostics"].as_array().unwrap().len(), 1);
}

#[test]
fn a_bom_split_across_pushes_is_stripped_when_the_format_is_forced() {
    // fuzz target `csv_reader`: with `inputFormat` set, a BOM arriving byte by byte reached
    // the CSV reader as a header line of its own.
    let forced = options(r#"{"nowMs":1800000000000,"inputFormat":"dashboard-csv"}"#);
    let files = assert_chunking_invariant(b"\xEF\xBB\xBF", &forced);
    assert_eq!(report(&files)["diagnostics"][0]["code"], "missing-header");
    let files = assert_chunking_invariant(b"\xEF\xBB\xBFid,primary_email_address\nuser_1,a@x.dev\n", &forced);
    assert_eq!(report(&files)["summary"]["converted"], 1);
}

#[test]
fn a_utf16_byte_order_mark_split_across_pushes_is_still_recognised() {
    // fuzz targets `converter` and `json_reader`: the first byte of FF FE alone was taken for CSV.
    for input in [&b"\xFF\xFEi\0d\0\n\0"[..], b"\xFE\xFF\0i\0d\0\n"] {
        let files = assert_chunking_invariant(input, &options(r#"{"nowMs":1800000000000}"#));
        let r = report(&files);
        assert_eq!(r["diagnostics"][0]["code"], "unrecognised-format");
        assert!(r["diagnostics"][0]["message"].as_str().unwrap().contains("UTF-16"));
    }
}

#[test]
fn a_second_bom_after_the_first_is_read_the_same_whatever_the_chunking() {
    // fuzz target `json_reader`: two BOMs and a line break.
    let input = b"\xEF\xBB\xBF\xEF\xBB\xBF\n";
    let files = assert_chunking_invariant(input, &options(r#"{"nowMs":1800000000000}"#));
    assert_eq!(report(&files)["summary"]["records"], 0);
}

/// Found by the `hashes` fuzz target: an Argon2 PHC string with a huge `p` made argon2 0.5.3
/// overflow (`p * 8`) inside `Params::new` before its own range check.
#[test]
fn an_argon2_digest_with_a_huge_parallelism_is_a_format_problem_not_a_panic() {
    use clerk_to_supertokens::hashes::{check_digest, verify_password, Hasher, VerifyRequest};
    let digest = "$argon2id$v=19$m=256,t=2,p=3333333332$/zmiA$ffIv1TzJOm6HcAFK5CGDSlqGm/eY";
    assert!(check_digest(&Hasher::Argon2id, digest).is_err());
    let request = VerifyRequest {
        hasher: Hasher::Argon2id,
        digest: digest.into(),
        password: "x".into(),
        pepper: None,
        signer_key: None,
        salt_separator: None,
    };
    assert!(verify_password(&request).is_err());
}
