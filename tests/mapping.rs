//! The complete mapping (issue: every Clerk password hasher, every identity): firebase scrypt
//! conversion checked with an independent implementation of the core's algorithm, a user with
//! every kind of identity, and the policies.

mod common;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use clerk_to_supertokens::supertokens::{validate_request_text, CoreContext};
use common::*;
use serde_json::{json, Value};

const HEADER: &str = "id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher\n";

fn vectors(hasher: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/hashes.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    all["vectors"].as_array().unwrap().iter().filter(|v| v["hasher"] == hasher).cloned().collect()
}

/// The core's firebase check, written from spec/supertokens-bulk-import.md §6 without the
/// crate's hashes module: scrypt (N = 2^m, r, p = 1, 64 bytes) over password and
/// salt‖separator; AES-256-CTR, zero IV, keyed with the first 32 bytes, encrypts the signer key;
/// the result in base64 must equal the stored hash.
fn core_firebase_check(core_hash: &str, signer_key_b64: &str, password: &str) -> bool {
    use ctr::cipher::{KeyIvInit, StreamCipher};
    let parts: Vec<&str> = core_hash.split('$').collect();
    assert_eq!(&parts[..2], &["", "f_scrypt"], "{core_hash}");
    let (hash, salt) = (parts[2], parts[3]);
    let field = |p: &str| parts[4..].iter().find_map(|x| x.strip_prefix(p)).unwrap().to_string();
    let (m, r, s) = (field("m=").parse::<u8>().unwrap(), field("r=").parse::<u32>().unwrap(), field("s="));
    let mut salted = B64.decode(salt).unwrap();
    salted.extend(B64.decode(s).unwrap());
    let mut key = [0u8; 64];
    scrypt::scrypt(password.as_bytes(), &salted, &scrypt::Params::new(m, r, 1, 64).unwrap(), &mut key).unwrap();
    let mut block = B64.decode(signer_key_b64).unwrap();
    ctr::Ctr128BE::<aes::Aes256>::new(key[..32].into(), &[0u8; 16].into()).apply_keystream(&mut block);
    B64.encode(block) == hash
}

#[test]
fn firebase_users_convert_to_hashes_the_core_verifies_with_the_signer_key_file() {
    let vs = vectors("scrypt_firebase");
    let clerk_form: Vec<&Value> = vs.iter().filter(|v| !v["digest"].as_str().unwrap().starts_with('$')).collect();
    assert!(clerk_form.len() >= 2);
    let mut csv = String::from(HEADER);
    for (i, v) in clerk_form.iter().enumerate() {
        csv.push_str(&format!("user_f{i},,,,f{i}@x.dev,,f{i}@x.dev,,,,,{},scrypt_firebase\n", v["digest"].as_str().unwrap()));
    }
    let files = convert(csv.as_bytes(), options("{}"));
    let key_file: Value = serde_json::from_str(&files["firebase-signer-key.json"]).unwrap();
    let signer_key = key_file["firebase_password_hashing_signer_key"].as_str().unwrap();
    let users = users(&files);
    assert_eq!(users.len(), clerk_form.len());
    for (u, v) in users.iter().zip(&clerk_form) {
        let m = &u["loginMethods"][0];
        assert_eq!(m["hashingAlgorithm"], "firebase_scrypt");
        let hash = m["passwordHash"].as_str().unwrap();
        assert!(core_firebase_check(hash, signer_key, v["password"].as_str().unwrap()), "right password must verify");
        assert!(!core_firebase_check(hash, signer_key, v["wrongPassword"].as_str().unwrap()), "wrong password must not");
    }
    assert!(!files["report.json"].contains(signer_key), "the signer key never enters the report");
    assert!(!files.iter().any(|(n, t)| n.starts_with("batch-") && t.contains(signer_key)));
}

#[test]
fn a_firebase_user_of_another_project_is_deferred_with_a_conflict_diagnostic() {
    let vs = vectors("scrypt_firebase");
    let digest = vs[0]["digest"].as_str().unwrap();
    let other = {
        let mut parts: Vec<String> = digest.split('$').map(String::from).collect();
        parts[2] = B64.encode([7u8; 64]);
        parts.join("$")
    };
    let csv = format!("{HEADER}user_a,,,,a@x.dev,,a@x.dev,,,,,{digest},scrypt_firebase\nuser_b,,,,b@x.dev,,b@x.dev,,,,,{other},scrypt_firebase\n");
    let files = convert(csv.as_bytes(), options("{}"));
    let r = report(&files);
    assert_eq!(r["summary"]["converted"], 1);
    assert_eq!(r["summary"]["deferred"], 1);
    let d = r["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "firebase-parameter-conflict").unwrap();
    assert_eq!(d["userId"], "user_b");
    assert!(!files["report.json"].contains(&other[..20]));
}

fn everything_user(features: &str) -> (std::collections::BTreeMap<String, String>, Value) {
    let bcrypt = &vectors("bcrypt")[0]["digest"];
    let csv = format!(
        "{HEADER}user_all,Ada,Lovelace,ada,ada@x.dev,\"\t+15555550100\",\"ada@x.dev,ada@work.example\",,\"\t+15555550100\",,JBSWY3DPEHPK3PXP,{},bcrypt\n",
        bcrypt.as_str().unwrap()
    );
    let api = json!([{
        "id": "user_all", "object": "user", "first_name": "Ada", "last_name": "Lovelace",
        "primary_email_address_id": "idn_1",
        "email_addresses": [
            {"id": "idn_1", "email_address": "ada@x.dev", "verification": {"status": "verified", "strategy": "email_code"}},
            {"id": "idn_2", "email_address": "ada@work.example", "verification": {"status": "verified", "strategy": "from_oauth_google"}}],
        "phone_numbers": [{"id": "idn_3", "phone_number": "+15555550100", "verification": {"status": "verified", "strategy": "phone_code"}}],
        "external_accounts": [{"object": "external_account", "id": "eac_1", "provider": "oauth_google", "provider_user_id": "107895751011250679587",
            "email_address": "ada@work.example", "verification": {"status": "verified", "strategy": "oauth_google"}}],
        "created_at": 1700000000000_i64, "public_metadata": {}, "unsafe_metadata": {}
    }]);
    let api = serde_json::to_vec(&api).unwrap();
    let files = convert_join(&[&api], csv.as_bytes(), options(&format!(r#"{{"nowMs":1800000000000,"features":{features}}}"#)), &[1 << 20]);
    let u = users(&files).pop().expect("converted");
    (files, u)
}

#[test]
fn two_emails_a_phone_google_and_totp_become_four_linked_login_methods_and_a_device() {
    let (files, u) = everything_user(r#"["account_linking","mfa"]"#);
    let methods = u["loginMethods"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = methods
        .iter()
        .map(|m| (m["recipeId"].as_str().unwrap(), m.get("email").or(m.get("phoneNumber")).and_then(Value::as_str).unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![("emailpassword", "ada@x.dev"), ("passwordless", "ada@work.example"), ("passwordless", "+15555550100"), ("thirdparty", "ada@work.example")]
    );
    assert_eq!(methods.iter().filter(|m| m["isPrimary"] == true).count(), 1);
    assert_eq!(methods[3]["thirdPartyId"], "google");
    assert_eq!(methods[3]["thirdPartyUserId"], "107895751011250679587");
    assert_eq!(u["totpDevices"].as_array().unwrap().len(), 1);
    let ctx: CoreContext = serde_json::from_value(json!({"features":["account_linking","mfa"],"nowMs":1800000000000_i64})).unwrap();
    assert_eq!(validate_request_text(&files["batch-0001.json"], &ctx).status, 200);
}

#[test]
fn without_linking_and_mfa_the_same_user_is_valid_with_warnings() {
    let (files, u) = everything_user("[]");
    assert_eq!(u["loginMethods"].as_array().unwrap().len(), 1);
    assert!(u.get("totpDevices").is_none());
    assert_eq!(u["userMetadata"]["clerk_login_methods_not_imported"].as_array().unwrap().len(), 3);
    let ctx: CoreContext = serde_json::from_value(json!({"features":[],"nowMs":1800000000000_i64})).unwrap();
    assert_eq!(validate_request_text(&files["batch-0001.json"], &ctx).status, 200);
    let codes: Vec<String> = report(&files)["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    assert!(codes.contains(&"login-methods-dropped".to_string()) && codes.contains(&"totp-dropped".to_string()), "{codes:?}");
}

#[test]
fn skip_ids_leave_users_out_and_account_for_them() {
    let csv = format!("{HEADER}user_1,,,,a@x.dev,,,,,,,,\nuser_2,,,,b@x.dev,,,,,,,,\n");
    let files = convert(csv.as_bytes(), options(r#"{"skipIds":["user_2"]}"#));
    let r = report(&files);
    assert_eq!(r["summary"], json!({"records":2,"converted":1,"deferred":0,"rejected":1,"batches":1}));
    assert!(r["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "skipped-user" && d["userId"] == "user_2"));
}
