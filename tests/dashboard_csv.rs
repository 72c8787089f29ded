//! The Dashboard CSV, end to end through the streaming converter.

mod common;
use common::*;
use serde_json::{json, Value};

fn summary(files: &std::collections::BTreeMap<String, String>) -> Value {
    report(files)["summary"].clone()
}

#[test]
fn synthetic_dashboard_export_converts_with_every_row_accounted_for() {
    let files = convert(&sample("dashboard-export.SYNTHETIC.csv"), options(r#"{"nowMs": 1800000000000}"#));
    let s = summary(&files);
    assert_eq!(s, json!({"records":4,"converted":3,"deferred":1,"rejected":0,"batches":1}));
    let users = users(&files);
    assert_eq!(users.len(), 3);

    // Jane: bcrypt, verified primary, created_at.
    assert_eq!(
        users[0],
        json!({"externalUserId":"user_2YDryYFVMM1W1plDDKz7Gzf4we6",
               "userMetadata":{"first_name":"Jane","last_name":"Doe"},
               "loginMethods":[{"recipeId":"emailpassword","isVerified":true,"timeJoinedInMSSinceEpoch":1709294400000_i64,
                 "email":"jane@example.com","passwordHash":"$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2","hashingAlgorithm":"bcrypt"}]})
    );
    // Eve: TAB prefix removed from the name, unverified primary kept unverified.
    let eve = &users[2];
    assert_eq!(eve["userMetadata"]["first_name"], "=Eve");
    assert_eq!(eve["userMetadata"]["last_name"], "O'Brien, Jr.");
    assert_eq!(eve["loginMethods"][0]["email"], "eve@example.com");
    assert_eq!(eve["loginMethods"][0]["isVerified"], false);
    assert_eq!(eve["loginMethods"][0]["recipeId"], "passwordless");
}

#[test]
fn with_linking_the_phone_is_free_of_the_tab_prefix_and_verified() {
    let files = convert(
        &sample("dashboard-export.SYNTHETIC.csv"),
        options(r#"{"nowMs": 1800000000000, "features":["account_linking","mfa"]}"#),
    );
    let grace = &users(&files)[1];
    let methods = grace["loginMethods"].as_array().unwrap();
    let phones: Vec<&Value> = methods.iter().filter(|m| m.get("phoneNumber").is_some()).collect();
    assert_eq!(phones.len(), 1);
    assert_eq!(phones[0]["phoneNumber"], "+15555550100");
    assert_eq!(phones[0]["isVerified"], true);
    assert_eq!(methods.iter().filter(|m| m["isPrimary"] == true).count(), 1);
    assert_eq!(methods[0]["isPrimary"], true);
    assert_eq!(grace["totpDevices"], json!([{"secretKey":"JBSWY3DPEHPK3PXP","period":30,"skew":1,"deviceName":"TOTP Device 0"}]));
    let emails: Vec<(&str, bool)> = methods
        .iter()
        .filter_map(|m| Some((m.get("email")?.as_str()?, m["isVerified"].as_bool()?)))
        .collect();
    assert_eq!(emails, vec![("grace@example.com", true), ("grace@navy.example", true), ("old-grace@example.org", false)]);
}

#[test]
fn other_hashers_are_deferred_with_a_diagnostic_naming_the_hasher_and_no_digest() {
    let files = convert(&sample("dashboard-export.SYNTHETIC.csv"), options(r#"{"nowMs": 1800000000000}"#));
    let r = report(&files);
    let d = r["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "unsupported-hasher").unwrap();
    assert_eq!(d["record"], 4);
    assert_eq!(d["line"], 5);
    assert_eq!(d["userId"], "user_2cukOsyNsh0J3MCEvrgM6PkoB0I");
    assert!(d["message"].as_str().unwrap().contains("pbkdf2_sha256_django"));
    let text = &files["report.json"];
    assert!(!text.contains("c2FsdHNhbHQ="), "report leaks a digest");
    assert!(!text.contains("JBSWY3DPEHPK3PXP"), "report leaks a TOTP secret");
    assert!(files["lazy-migration.ndjson"].contains("pbkdf2_sha256$260000$c2FsdHNhbHQ=$aGFzaGhhc2g="));
}

#[test]
fn totp_without_mfa_is_dropped_with_a_warning() {
    let files = convert(&sample("dashboard-export.SYNTHETIC.csv"), options(r#"{"nowMs": 1800000000000}"#));
    assert!(users(&files)[1].get("totpDevices").is_none());
    let r = report(&files);
    assert!(r["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "totp-dropped" && d["line"] == 3));
}

#[test]
fn migration_tool_sample_skips_the_comment_line_and_reads_ragged_rows() {
    let files = convert(&sample("clerk-migration-tool__samples__clerk.csv"), options("{}"));
    let s = summary(&files);
    assert_eq!(s["records"], 69);
    assert_eq!(s["converted"].as_u64().unwrap() + s["deferred"].as_u64().unwrap() + s["rejected"].as_u64().unwrap(), 69);
    assert_eq!(s["rejected"], 0);
    let r = report(&files);
    let diags = r["diagnostics"].as_array().unwrap();
    assert_eq!(diags.iter().filter(|d| d["code"] == "wrong-column-count").count(), 10);
    assert!(!files["report.json"].contains("Kk4aPMeiaRpAs2OeX1NE"), "the comment line's password leaks");
    // The header is on line 2, so the first data record is on line 3.
    let first = diags.iter().find(|d| d["record"] == 1);
    assert!(first.is_none() || first.unwrap()["line"] == 3);
    let users = users(&files);
    assert_eq!(users.iter().filter(|u| u["loginMethods"][0]["recipeId"] == "emailpassword").count(), 15);
}

#[test]
fn workos_sample_treats_a_primary_in_neither_list_as_verified() {
    let files = convert(&sample("workos-migrate-clerk-users__example-input.csv"), options("{}"));
    let users = users(&files);
    assert_eq!(users.len(), 2);
    assert_eq!(users[0]["loginMethods"][0]["isVerified"], true);
    assert_eq!(report(&files)["summary"]["records"], 2);
}

#[test]
fn a_bom_crlf_and_a_row_without_id_or_identifier_are_handled() {
    let csv = "\u{FEFF}id,primary_email_address,password_digest,password_hasher\r\n\
               user_a,a@x.dev,,\r\n\
               ,b@x.dev,,\r\n\
               user_c,,,\r\n\
               user_a,a2@x.dev,,\r\n";
    let files = convert(csv.as_bytes(), options("{}"));
    let r = report(&files);
    assert_eq!(r["summary"], json!({"records":4,"converted":1,"deferred":0,"rejected":3,"batches":1}));
    let codes: Vec<(&str, u64)> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(codes, vec![("missing-id", 3), ("no-identifier", 4), ("duplicate-id", 5)]);
}

#[test]
fn batches_hold_at_most_batch_size_users_and_never_null() {
    let mut csv = String::from("id,primary_email_address\n");
    for i in 0..25 {
        csv.push_str(&format!("user_{i},u{i}@x.dev\n"));
    }
    let files = convert(csv.as_bytes(), options(r#"{"batchSize":10}"#));
    let batches: Vec<&String> = files.iter().filter(|(n, _)| n.starts_with("batch-")).map(|(_, t)| t).collect();
    assert_eq!(batches.len(), 3);
    assert_eq!(files.keys().filter(|n| n.starts_with("batch-")).cloned().collect::<Vec<_>>(), vec!["batch-0001.json", "batch-0002.json", "batch-0003.json"]);
    for b in batches {
        assert!(!b.contains("null"));
    }
    assert_eq!(users(&files).len(), 25);
}

#[test]
fn multi_line_quoted_cells_keep_line_numbers_right() {
    let csv = "id,first_name,primary_email_address\nuser_1,\"two\nlines\",a@x.dev\n\n,nobody,\n";
    let files = convert(csv.as_bytes(), options("{}"));
    let r = report(&files);
    let d = &r["diagnostics"][0];
    assert_eq!((d["record"].as_u64(), d["line"].as_u64()), (Some(2), Some(5)));
}

#[test]
fn every_chunking_gives_identical_output() {
    for name in ["dashboard-export.SYNTHETIC.csv", "clerk-migration-tool__samples__clerk.csv"] {
        let input = sample(name);
        let whole = convert(&input, options(r#"{"nowMs": 1800000000000, "features":["mfa"]}"#));
        for chunk in [1, 2, 3, 7, 64, 1000] {
            assert_eq!(convert_chunked(&input, options(r#"{"nowMs": 1800000000000, "features":["mfa"]}"#), chunk), whole, "{name} chunk {chunk}");
        }
    }
}

#[test]
fn an_empty_file_and_a_header_only_file_report_and_reconcile() {
    let files = convert(b"", options("{}"));
    let r = report(&files);
    assert_eq!(r["summary"]["records"], 0);
    assert_eq!(r["diagnostics"][0]["code"], "missing-header");
    let files = convert(b"id,primary_email_address\n", options("{}"));
    assert_eq!(report(&files)["summary"]["records"], 0);
}

#[test]
fn the_report_counts_the_hasher_mix_identities_and_mfa_share() {
    let files = convert(&sample("dashboard-export.SYNTHETIC.csv"), options("{}"));
    assert_eq!(
        report(&files)["stats"],
        json!({"hashers":{"bcrypt":2,"none":1,"pbkdf2_sha256_django":1},
               "emailsVerified":4,"emailsUnverified":2,"phonesVerified":1,"phonesUnverified":0,
               "externalAccounts":0,"usersWithTotp":1})
    );
}

#[test]
fn a_user_the_core_would_reject_never_enters_a_batch_and_carries_the_core_message() {
    let long = format!("{}@x.dev", "a".repeat(300));
    let csv = format!("id,primary_email_address\nuser_1,{long}\nuser_2,ok@x.dev\n");
    let files = convert(csv.as_bytes(), options("{}"));
    let r = report(&files);
    assert_eq!(r["summary"], json!({"records":2,"converted":1,"deferred":0,"rejected":1,"batches":1}));
    let d = r["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "core-rejected" && d["severity"] == "error").unwrap();
    assert_eq!(d["message"], format!("email {long} is too long. Max length is 256."));
    assert_eq!((d["record"].as_u64(), d["line"].as_u64()), (Some(1), Some(2)));
    assert_eq!(users(&files).len(), 1);
}

#[test]
fn preflight_warns_about_conflicts_the_core_finds_only_later() {
    let csv = "id,primary_email_address,password_digest,password_hasher\n\
               user_1,same@x.dev,$2a$10$fgPOubgdJs90F1GK2u.Qye7Xyyi2ajrQJoB5LDG5bnITEvFR/xhZ.,bcrypt\n\
               user_2,SAME@x.dev,$2a$10$fgPOubgdJs90F1GK2u.Qye7Xyyi2ajrQJoB5LDG5bnITEvFR/xhZ.,bcrypt\n\
               user_3,pl@x.dev,,\n\
               user_4,pl@x.dev,,\n";
    let files = convert(csv.as_bytes(), options(r#"{"batchSize":1}"#));
    let r = report(&files);
    let warnings: Vec<(u64, String)> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "core-would-fail")
        .map(|d| (d["record"].as_u64().unwrap(), d["message"].as_str().unwrap()[..4].to_string()))
        .collect();
    assert_eq!(warnings, vec![(2, "E003".to_string()), (4, "E006".to_string())]);
    assert_eq!(r["summary"]["converted"], 4);
}
