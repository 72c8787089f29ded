//! The join of a Dashboard CSV with Backend API page files (spec/clerk-exports.md §1,
//! "Practical consequence"; merge rules in `src/join.rs`).

mod common;
use clerk_to_supertokens::clerk::{ClerkUser, ExternalAccount, Password};
use clerk_to_supertokens::hashes::Hasher;
use clerk_to_supertokens::join::merge;
use clerk_to_supertokens::pipeline::Converter;
use common::*;
use serde_json::{json, Value};

/// Page 2 of the API export: Jane and Eve, plus Grace again (pages overlap, §5.1).
pub const PAGE_2: &str = r#"{"data":[
{"object":"user","id":"user_2YDryYFVMM1W1plDDKz7Gzf4we6","first_name":"Jane","last_name":"Doe-API","external_id":"crm-1","primary_email_address_id":"idn_j","email_addresses":[{"id":"idn_j","email_address":"jane@example.com","verification":{"status":"verified"}}],"public_metadata":{"tier":"gold"},"created_at":1600000000000,"external_accounts":[{"object":"external_account","provider":"oauth_github","provider_user_id":"gh-jane","email_address":"jane@example.com","verification":{"status":"verified"}}]},
{"object":"user","id":"user_2cWszPHuo6P2lCdnhhZbVMfbAIC","first_name":"=Eve","primary_email_address_id":"idn_e","email_addresses":[{"id":"idn_e","email_address":"eve@example.com","verification":{"status":"verified"}}]},
{"object":"user","id":"user_2ZZCgLE7kJG2CRBxTZ6YUIvzS10","first_name":"Grace (stale copy)","email_addresses":[]}
],"totalCount":4}"#;

fn diagnostics(files: &std::collections::BTreeMap<String, String>) -> Vec<Value> {
    report(files)["diagnostics"].as_array().unwrap().clone()
}

#[test]
fn csv_and_two_api_pages_merge_by_id_and_every_user_is_counted_once() {
    let csv = sample("dashboard-export.SYNTHETIC.csv");
    let page_1 = sample("bapi-GET-v1-users.SYNTHETIC.json");
    let files = convert_join(
        &[&page_1, PAGE_2.as_bytes()],
        &csv,
        options(r#"{"nowMs": 1800000000000, "features":["mfa","account_linking"]}"#),
        &[usize::MAX],
    );
    let r = report(&files);
    // 4 CSV users (Mallory deferred: pbkdf2) + Ada, only in the API.
    assert_eq!(r["summary"], json!({"records":5,"converted":4,"deferred":1,"rejected":0,"batches":1}));
    let users = users(&files);
    let ids: Vec<&str> = users.iter().map(|u| u["externalUserId"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        vec!["user_2YDryYFVMM1W1plDDKz7Gzf4we6", "user_2ZZCgLE7kJG2CRBxTZ6YUIvzS10", "user_2cWszPHuo6P2lCdnhhZbVMfbAIC", "user_2yE06IFCFf4o90ue0Z6PYeWvgGv"]
    );

    // Jane: CSV password, API names/metadata/created_at/external account.
    let jane = &users[0];
    assert_eq!(jane["userMetadata"]["last_name"], "Doe-API");
    assert_eq!(jane["userMetadata"]["public_metadata"], json!({"tier":"gold"}));
    let m = &jane["loginMethods"];
    assert_eq!(m[0]["recipeId"], "emailpassword");
    assert_eq!(m[0]["passwordHash"], "$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2");
    assert_eq!(m[0]["timeJoinedInMSSinceEpoch"], 1_600_000_000_000_i64);
    assert!(m.as_array().unwrap().iter().any(|l| l["thirdPartyUserId"] == "gh-jane"));

    // Grace: CSV TOTP and password; API metadata and created_at from page 1 (the first copy).
    let grace = &users[1];
    assert_eq!(grace["userMetadata"]["first_name"], "Grace");
    assert_eq!(grace["userMetadata"]["public_metadata"], json!({"plan":"pro"}));
    assert_eq!(grace["totpDevices"][0]["secretKey"], "JBSWY3DPEHPK3PXP");
    assert_eq!(grace["loginMethods"][0]["passwordHash"], "$2a$10$fgPOubgdJs90F1GK2u.Qye7Xyyi2ajrQJoB5LDG5bnITEvFR/xhZ.");
    assert_eq!(grace["loginMethods"][0]["timeJoinedInMSSinceEpoch"], 1_700_000_000_000_i64);

    // Eve: the CSV says her primary is unverified; the API's verified status wins.
    let eve = &users[2];
    assert_eq!(eve["loginMethods"][0]["email"], "eve@example.com");
    assert_eq!(eve["loginMethods"][0]["isVerified"], true);

    // One side missing: Mallory only in the CSV, Ada only in the API.
    let d = diagnostics(&files);
    let missing: Vec<(&str, Option<u64>)> = d
        .iter()
        .filter(|d| d["code"] == "join-side-missing")
        .map(|d| (d["userId"].as_str().unwrap(), d["line"].as_u64()))
        .collect();
    assert_eq!(missing, vec![("user_2cukOsyNsh0J3MCEvrgM6PkoB0I", Some(5)), ("user_2yE06IFCFf4o90ue0Z6PYeWvgGv", None)]);
    let ada = d.iter().find(|d| d["code"] == "join-side-missing" && d["userId"] == "user_2yE06IFCFf4o90ue0Z6PYeWvgGv").unwrap();
    assert!(ada["message"].as_str().unwrap().contains("Backend API file 1 (record 1, line 2)"), "{ada}");
    // Grace's repeat on page 2 is reported, not counted.
    let dup = d.iter().find(|d| d["code"] == "duplicate-id").unwrap();
    assert_eq!((dup["severity"].as_str(), dup["record"].as_u64(), dup["line"].as_u64()), (Some("info"), Some(3), Some(4)));
    assert!(dup["message"].as_str().unwrap().starts_with("Backend API file 2:"));
    assert!(!files["report.json"].contains("JBSWY3DPEHPK3PXP"));
}

#[test]
fn merge_rules_at_the_model_level() {
    let main = ClerkUser {
        id: "user_1".into(),
        first_name: Some("CsvName".into()),
        emails: vec![id("A@x.dev", false, true), id("csv-only@x.dev", true, false)],
        phones: vec![id("+1555", true, true)],
        password: Some(Password { hasher: Hasher::Bcrypt, digest: "$2b$10$x".into() }),
        totp_secret: Some("SECRET".into()),
        created_at_ms: Some(1),
        ..ClerkUser::default()
    };
    let api = ClerkUser {
        id: "user_1".into(),
        first_name: Some("ApiName".into()),
        emails: vec![id("b@x.dev", true, true), id("a@x.dev", true, false)],
        external_accounts: vec![ExternalAccount { provider: "oauth_google".into(), provider_user_id: "g".into(), email: None, verified: true }],
        public_metadata: meta(json!({"k": 1})),
        banned: true,
        ..ClerkUser::default()
    };
    let merged = merge(main, api);
    assert_eq!(
        merged,
        ClerkUser {
            id: "user_1".into(),
            first_name: Some("ApiName".into()),
            emails: vec![id("b@x.dev", true, true), id("a@x.dev", true, false), id("csv-only@x.dev", true, false)],
            phones: vec![id("+1555", true, true)],
            password: Some(Password { hasher: Hasher::Bcrypt, digest: "$2b$10$x".into() }),
            totp_secret: Some("SECRET".into()),
            external_accounts: vec![ExternalAccount { provider: "oauth_google".into(), provider_user_id: "g".into(), email: None, verified: true }],
            public_metadata: meta(json!({"k": 1})),
            created_at_ms: Some(1),
            banned: true,
            ..ClerkUser::default()
        }
    );
}

#[test]
fn api_files_after_the_main_input_are_a_caller_error_and_bad_api_records_count() {
    let mut c = Converter::new(options("{}")).unwrap();
    assert!(c.push_api(b"[{\"id\":\"user_1\",\"email_addresses\":[\"a@x.dev\"]}, {\"id\":").is_ok());
    c.end_api_file().unwrap();
    assert!(c.push_api(b"id,name\n").is_ok());
    c.end_api_file().unwrap();
    c.push(b"id,primary_email_address\nuser_2,b@x.dev\n");
    assert!(c.push_api(b"[]").is_err());
    assert!(c.end_api_file().is_err());
    let mut text = String::new();
    for f in c.finish() {
        if f.name == "report.json" {
            text.push_str(&f.text);
        }
    }
    let p = c.progress().summary;
    // user_2 (CSV only), user_1 (API only), the truncated API record.
    assert_eq!((p.records, p.converted, p.rejected), (3, 2, 1));
    assert!(p.reconciles());
}
