//! Property tests: chunking invariance, nothing lost, batches the core would accept, and a
//! validator that never panics, over generated Dashboard CSVs, arbitrary bytes, random options
//! and arbitrary JSON.

mod common;
use clerk_to_supertokens::convert::RESET_FLAG_KEY;
use clerk_to_supertokens::options::{BannedPolicy, ExternalIdSource, Features, UnsupportedHashPolicy};
use common::convert_cut;
use clerk_to_supertokens::supertokens::{validate_request, CoreContext, RequestValidator};
use clerk_to_supertokens::Options;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const NOW_MS: i64 = 1_800_000_000_000;
const HEADER: &str = "id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at";

// ---- generators ------------------------------------------------------------------------------

/// Free text with the characters that matter: separators, quotes, line breaks, formula
/// prefixes and multi-byte UTF-8 (2, 3 and 4 bytes), so cuts fall inside characters.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,;|\"'\n\r\t=+@<>é€😀]{0,10}"
}

fn email() -> impl Strategy<Value = String> {
    "[a-z]{1,5}(\\.[a-zé]{1,3})?@[a-z]{1,4}\\.test"
}

fn phone() -> impl Strategy<Value = String> {
    ("(\t)?", "\\+1555555[0-9]{4}").prop_map(|(tab, p)| format!("{tab}{p}"))
}

fn list(item: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (prop::collection::vec(item, 0..3), prop::sample::select(vec![",", "|", ";", ", "]))
        .prop_map(|(items, sep)| items.join(sep))
}

fn password() -> impl Strategy<Value = (String, String)> {
    prop::sample::select(vec![
        ("$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2", "bcrypt"),
        ("$2a$10$fgPOubgdJs90F1GK2u.Qye7Xyyi2ajrQJoB5LDG5bnITEvFR/xhZ.", "bcrypt"),
        ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "argon2id"),
        ("pbkdf2_sha256$260000$c2FsdHNhbHQ=$aGFzaGhhc2g=", "pbkdf2_sha256_django"),
        ("5f4dcc3b5aa765d61d8327deb882cf99", "md5"),
        ("not-a-digest", "bcrypt"),
        ("", ""),
        ("", "bcrypt"),
    ])
    .prop_map(|(d, h)| (d.to_owned(), h.to_owned()))
}

fn created_at() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "2024-03-01T12:00:00Z", "2023-11-14T22:13:20.123+01:00", "2090-01-01T00:00:00Z", "yesterday"])
        .prop_map(str::to_owned)
}

/// One Dashboard row's 14 cells. Ids repeat now and then (duplicates) or are missing.
fn row() -> impl Strategy<Value = Vec<String>> {
    (
        prop_oneof![8 => (0u32..40).prop_map(|n| format!("user_{n}")), 1 => Just(String::new())],
        (text(), text(), prop_oneof![Just(String::new()), text()]),
        (prop_oneof![1 => Just(String::new()), 3 => email()], prop_oneof![Just(String::new()), phone()]),
        (list(email()), list(email()), list(phone()), list(phone())),
        (prop_oneof![3 => Just(String::new()), 1 => Just("JBSWY3DPEHPK3PXP".to_owned())], password(), created_at()),
    )
        .prop_map(|(id, (first, last, username), (email, phone), (ve, ue, vp, up), (totp, (digest, hasher), created))| {
            vec![id, first, last, username, email, phone, ve, ue, vp, up, totp, digest, hasher, created]
        })
}

/// A Dashboard CSV: optional BOM, LF or CRLF, cells quoted when needed or always.
fn dashboard_csv() -> impl Strategy<Value = (Vec<u8>, usize)> {
    (prop::collection::vec(row(), 0..12), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(rows, bom, crlf, quote_all)| {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut out = String::new();
        if bom {
            out.push('\u{FEFF}');
        }
        out.push_str(HEADER);
        for r in &rows {
            out.push_str(eol);
            let cells: Vec<String> = r.iter().map(|c| quote(c, quote_all)).collect();
            out.push_str(&cells.join(","));
        }
        out.push_str(eol);
        (out.into_bytes(), rows.len())
    })
}

fn quote(cell: &str, always: bool) -> String {
    if always || cell.contains([',', '"', '\n', '\r']) || cell.starts_with('\t') {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

fn options() -> impl Strategy<Value = Options> {
    (any::<[bool; 3]>(), 1usize..6, 0u8..3, any::<[bool; 5]>()).prop_map(|([linking, mfa, tenancy], batch_size, policy, flags)| Options {
        batch_size,
        features: Features { account_linking: linking, mfa, multi_tenancy: tenancy },
        tenant: (tenancy && flags[0]).then(|| "tenant-a".to_owned()),
        unsupported_hash: [UnsupportedHashPolicy::Defer, UnsupportedHashPolicy::Reset, UnsupportedHashPolicy::Reject][policy as usize],
        banned: if flags[1] { BannedPolicy::Import } else { BannedPolicy::Skip },
        external_id: if flags[2] { ExternalIdSource::ExternalId } else { ExternalIdSource::ClerkId },
        legacy_verified: flags[3],
        include_private_metadata: flags[4],
        now_ms: Some(NOW_MS),
        ..Options::default()
    })
}

/// Sorted cut positions anywhere in `0..=len` (inside UTF-8 characters, quotes and CRLFs too).
fn cuts(len: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..=len, 0..24).prop_map(|mut v| {
        v.sort_unstable();
        v
    })
}

// ---- helpers ---------------------------------------------------------------------------------


/// The files as JSON, with the `reset` policy's random passwords masked.
fn comparable(files: &BTreeMap<String, String>) -> BTreeMap<String, Value> {
    files
        .iter()
        .map(|(name, text)| {
            let mut v: Value = if name.ends_with(".ndjson") {
                Value::Array(text.lines().map(|l| serde_json::from_str(l).expect("ndjson line")).collect())
            } else {
                serde_json::from_str(text).expect("output is JSON")
            };
            for user in v.get_mut("users").and_then(Value::as_array_mut).into_iter().flatten() {
                if user.pointer(&format!("/userMetadata/{RESET_FLAG_KEY}")) == Some(&json!(true)) {
                    for m in user["loginMethods"].as_array_mut().into_iter().flatten() {
                        if m.get("plainTextPassword").is_some() {
                            m["plainTextPassword"] = json!("<random>");
                        }
                    }
                }
            }
            (name.clone(), v)
        })
        .collect()
}

fn assert_accounted(files: &BTreeMap<String, String>, s: clerk_to_supertokens::Summary) {
    assert!(s.reconciles(), "{s:?}");
    let report = common::report(files);
    assert_eq!(report["summary"], serde_json::to_value(s).unwrap());
    assert_eq!(common::users(files).len() as u64, s.converted);
}

// ---- properties ------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn output_does_not_depend_on_the_chunking(
        (input, cuts) in dashboard_csv().prop_flat_map(|(input, _)| { let len = input.len(); (Just(input), cuts(len)) }),
        options in options(),
    ) {
        let (whole, ws) = convert_cut(&input, &options, &[]);
        let (chunked, cs) = convert_cut(&input, &options, &cuts);
        prop_assert_eq!(ws, cs);
        prop_assert_eq!(comparable(&whole), comparable(&chunked), "cuts {:?}", cuts);
        let byte_by_byte: Vec<usize> = (1..input.len()).collect();
        prop_assert_eq!(comparable(&convert_cut(&input, &options, &byte_by_byte).0), comparable(&whole));
    }

    #[test]
    fn every_row_of_a_generated_csv_is_accounted_for((input, rows) in dashboard_csv(), options in options()) {
        let (files, s) = convert_cut(&input, &options, &[]);
        assert_accounted(&files, s);
        prop_assert_eq!(s.records, rows as u64);
    }

    #[test]
    fn every_record_of_arbitrary_bytes_is_accounted_for(input in prop::collection::vec(any::<u8>(), 0..1500), options in options(), cuts in cuts(1500)) {
        let cuts: Vec<usize> = cuts.into_iter().filter(|&c| c <= input.len()).collect();
        let (files, s) = convert_cut(&input, &options, &cuts);
        assert_accounted(&files, s);
    }

    #[test]
    fn every_record_behind_a_header_is_accounted_for(body in prop::collection::vec(any::<u8>(), 0..1500), options in options()) {
        let mut input = format!("{HEADER}\n").into_bytes();
        input.extend_from_slice(&body);
        let (files, s) = convert_cut(&input, &options, &[]);
        assert_accounted(&files, s);
    }

    #[test]
    fn every_converted_user_passes_the_validator_in_the_declared_context((input, _) in dashboard_csv(), options in options()) {
        let (files, s) = convert_cut(&input, &options, &[]);
        let ctx = CoreContext {
            features: Some(options.features.names().into_iter().map(String::from).collect()),
            now_ms: Some(NOW_MS),
            ..CoreContext::default()
        };
        let mut batches = 0;
        for (name, text) in files.iter().filter(|(n, _)| n.starts_with("batch-")) {
            let body: Value = serde_json::from_str(text).unwrap();
            let n = body["users"].as_array().unwrap().len();
            prop_assert!((1..=options.batch_size).contains(&n), "{} holds {} users", name, n);
            let verdict = validate_request(&body, &ctx);
            prop_assert_eq!(verdict.status, 200, "{}: {:?}", name, verdict.body);
            batches += 1;
        }
        prop_assert_eq!(batches, s.batches);
    }
}

/// Arbitrary JSON, and JSON shaped like bulk-import users (so the validator gets past its
/// first type checks), with values of every type in every field.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(json!(1e300)),
        Just(json!(-0.0)),
        prop::sample::select(vec!["", " ", "public", "emailpassword", "thirdparty", "passwordless", "bcrypt", "argon2", "firebase_scrypt", "a@x.dev", "+15555550100", "admin"]).prop_map(|s| json!(s)),
        "\\PC{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "externalUserId", "userMetadata", "userRoles", "role", "tenantIds", "totpDevices", "secretKey", "period", "skew",
                    "deviceName", "loginMethods", "recipeId", "isVerified", "isPrimary", "timeJoinedInMSSinceEpoch", "email",
                    "passwordHash", "hashingAlgorithm", "plainTextPassword", "thirdPartyId", "thirdPartyUserId", "phoneNumber", "users", "x",
                ]),
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

fn any_context() -> impl Strategy<Value = CoreContext> {
    (any::<[bool; 4]>(), any::<Option<bool>>()).prop_map(|(known, signer)| CoreContext {
        features: known[0].then(|| vec!["account_linking".into(), "mfa".into(), "multi_tenancy".into()]),
        roles: known[1].then(|| vec!["admin".into()]),
        tenants: known[2].then(|| vec!["tenant-a".into()]),
        tenant_pools: known[3].then(|| BTreeMap::from([("public".into(), "p0".into()), ("tenant-a".into(), "p1".into())])),
        firebase_signer_key_set: signer,
        now_ms: Some(NOW_MS),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_validator_never_panics_on_any_json(value in json_value(), users in prop::collection::vec(json_value(), 0..4), ctx in any_context()) {
        for body in [value.clone(), json!({ "users": users.clone() }), json!({ "users": [value] })] {
            let verdict = validate_request(&body, &ctx);
            prop_assert!(matches!(verdict.status, 200 | 400 | 500));
            if let Some(text) = verdict.body.as_deref().filter(|b| b.starts_with('{')) {
                prop_assert!(serde_json::from_str::<Value>(text).is_ok(), "body is not JSON: {}", text);
            }
        }
        let mut validator = RequestValidator::new(&ctx);
        for user in &users {
            let v = validator.validate_user(user);
            prop_assert_eq!(v.core_would_crash, v.crash.is_some());
        }
    }
}

/// An object from its entries, moved in (`json!` would serialise a copy, recursively).
fn object_of<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Builds `depth` nested arrays (or objects) without recursion.
fn nested(depth: usize, object: bool) -> Value {
    let mut v = json!("bottom");
    for _ in 0..depth {
        v = if object { object_of([("userMetadata", v)]) } else { Value::Array(vec![v]) };
    }
    v
}

#[test]
fn the_validator_survives_json_nested_100000_deep() {
    // Built in Rust, past serde_json's parsing limit of 128, as a library caller could. The
    // values are leaked, never cloned or dropped: serde_json's own recursive clone and drop
    // would overflow the test's stack, which is serde_json's limit, not the validator's.
    for ctx in [CoreContext::default(), CoreContext { now_ms: Some(NOW_MS), ..CoreContext::default() }] {
        for object in [false, true] {
            // As a `users` element: a non-object element makes the core crash, and the crash
            // text echoes the element (Gson's toString), all 100,000 levels of it.
            let body = object_of([("users", Value::Array(vec![nested(100_000, object)]))]);
            let verdict = validate_request(&body, &ctx);
            let expected = if object { 400 } else { 500 };
            assert_eq!(verdict.status, expected);
            std::mem::forget(body);
            std::mem::forget(verdict);
            // As a user's metadata.
            let user = object_of([("externalUserId", json!("x")), ("userMetadata", nested(100_000, object)), ("loginMethods", json!([]))]);
            let body = object_of([("users", Value::Array(vec![user]))]);
            let verdict = validate_request(&body, &ctx);
            assert_eq!(verdict.status, 400);
            std::mem::forget(body);
            std::mem::forget(verdict);
        }
    }
}
