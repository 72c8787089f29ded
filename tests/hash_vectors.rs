//! Known-answer tests for every Clerk hasher, against vectors made by an independent
//! implementation (scripts/make-hash-vectors.py → tests/vectors/hashes.json), plus the
//! Firebase conversion, malformed input and the "no secret in any message" rule.

use clerk_to_supertokens::hashes::{
    check_digest, convert_clerk_firebase, parse_core_firebase, verify_password, Hasher,
    VerifyError, VerifyRequest, CORE_PREFIX,
};
use proptest::prelude::*;
use serde::Deserialize;

/// One vector as the generator writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vector {
    hasher: String,
    digest: String,
    password: String,
    wrong_password: String,
    pepper: Option<String>,
    signer_key: Option<String>,
    salt_separator: Option<String>,
}

#[derive(Deserialize)]
struct VectorFile {
    vectors: Vec<Vector>,
}

/// Every hasher `verify_password` must handle (all of §8.1 except `awscognito`).
const VERIFIABLE: [&str; 21] = [
    "argon2i",
    "argon2id",
    "bcrypt",
    "bcrypt_peppered",
    "bcrypt_sha256_django",
    "hmac_sha256_utf16_b64",
    "ldap_ssha",
    "md5",
    "md5_phpass",
    "md5_salted",
    "pbkdf2_sha1",
    "pbkdf2_sha256",
    "pbkdf2_sha256_django",
    "pbkdf2_sha512",
    "pbkdf2_sha512_hex",
    "phpass",
    "scrypt_firebase",
    "scrypt_werkzeug",
    "sha256",
    "sha256_salted",
    "sha512_symfony",
];

fn vectors() -> Vec<Vector> {
    let text = include_str!("vectors/hashes.json");
    serde_json::from_str::<VectorFile>(text).expect("tests/vectors/hashes.json parses").vectors
}

fn request(v: &Vector, password: &str) -> VerifyRequest {
    VerifyRequest {
        hasher: Hasher::parse(&v.hasher),
        digest: v.digest.clone(),
        password: password.to_string(),
        pepper: v.pepper.clone(),
        signer_key: v.signer_key.clone(),
        salt_separator: v.salt_separator.clone(),
    }
}

fn req(hasher: &str, digest: &str, password: &str) -> VerifyRequest {
    VerifyRequest {
        hasher: Hasher::parse(hasher),
        digest: digest.to_string(),
        password: password.to_string(),
        pepper: None,
        signer_key: None,
        salt_separator: None,
    }
}

#[test]
fn every_vector_verifies_and_rejects_the_wrong_password() {
    for v in vectors() {
        let right = verify_password(&request(&v, &v.password));
        assert_eq!(right, Ok(true), "{} {}", v.hasher, v.digest);
        let wrong = verify_password(&request(&v, &v.wrong_password));
        assert_eq!(wrong, Ok(false), "{} {}", v.hasher, v.digest);
    }
}

#[test]
fn every_verifiable_hasher_has_at_least_two_vectors() {
    let all = vectors();
    for name in VERIFIABLE {
        let n = all.iter().filter(|v| v.hasher == name).count();
        assert!(n >= 2, "{name} has {n} vectors");
    }
    assert_eq!(VERIFIABLE.len() + 1, clerk_to_supertokens::hashes::KNOWN_HASHERS.len());
}

#[test]
fn check_digest_accepts_every_vector_digest() {
    for v in vectors() {
        if v.digest.starts_with(CORE_PREFIX) {
            assert!(parse_core_firebase(&v.digest).is_some(), "{}", v.digest);
        } else {
            assert_eq!(check_digest(&Hasher::parse(&v.hasher), &v.digest), Ok(()), "{}", v.digest);
        }
    }
}

#[test]
fn firebase_cli_example_converts_to_the_core_form() {
    let c = convert_clerk_firebase("SGFzaA==$U2FsdA==$SIGNERKEY==$Bw==$8$14").unwrap();
    assert_eq!(c.core_hash, "$f_scrypt$SGFzaA==$U2FsdA==$m=14$r=8$s=Bw==");
    assert_eq!(c.signer_key, "SIGNERKEY==");
    assert_eq!(c.salt_separator, "Bw==");
}

#[test]
fn converted_firebase_vectors_verify_through_the_core_path() {
    let clerk_form: Vec<Vector> = vectors()
        .into_iter()
        .filter(|v| v.hasher == "scrypt_firebase" && !v.digest.starts_with(CORE_PREFIX))
        .collect();
    assert!(clerk_form.len() >= 2);
    for v in clerk_form {
        let c = convert_clerk_firebase(&v.digest).unwrap();
        let core =
            parse_core_firebase(&c.core_hash).expect("the core would accept the converted hash");
        assert_eq!(core.salt_separator, c.salt_separator);
        let mut r = req("scrypt_firebase", &c.core_hash, &v.password);
        r.signer_key = Some(c.signer_key.clone());
        assert_eq!(verify_password(&r), Ok(true));
        r.password = v.wrong_password.clone();
        assert_eq!(verify_password(&r), Ok(false));
        r.signer_key = None;
        assert_eq!(verify_password(&r).map_err(|e| e.code()), Err("missing-parameter"));
    }
}

#[test]
fn cut_and_altered_vector_digests_give_errors_or_false_never_panics() {
    for v in vectors() {
        let d = &v.digest;
        for cut in (0..d.len()).filter(|&i| d.is_char_boundary(i)) {
            let r = verify_password(&request(
                &Vector { digest: d[..cut].to_string(), ..v.clone() },
                &v.password,
            ));
            let check = if d.starts_with(CORE_PREFIX) {
                // The core's form is checked by the core's parser; lenient base64 padding makes
                // `s=Bw=` the same separator as `s=Bw==`.
                parse_core_firebase(&d[..cut]).map(drop).ok_or(())
            } else {
                check_digest(&Hasher::parse(&v.hasher), &d[..cut]).map_err(drop)
            };
            // A cut digest may only verify if it is a well-formed digest in its own right (a
            // hex PBKDF2 hash cut to a shorter key of at least 16 bytes).
            assert!(r != Ok(true) || check.is_ok(), "{} cut at {cut}", v.hasher);
        }
        let r =
            verify_password(&request(&Vector { digest: String::new(), ..v.clone() }, &v.password));
        assert_eq!(r.map_err(|e| e.code()), Err("malformed-digest"), "{}", v.hasher);
    }
}

#[test]
fn special_hashers_have_clear_codes() {
    let cognito =
        verify_password(&req("awscognito", "awscognito#pool#client#user", "pw")).unwrap_err();
    assert_eq!(cognito.code(), "unverifiable-hasher");
    assert!(cognito.to_string().contains("Clerk") && cognito.to_string().contains("Cognito"));
    let other = verify_password(&req("whirlpool", "abc", "pw")).unwrap_err();
    assert_eq!(other.code(), "unknown-hasher");
    assert!(other.to_string().contains("whirlpool"));
    let big = "$2b$17$Gx326GX4eFQuCA5Nr055teugANMpe7DY84HIS/IZPhneHZpWmHtxG";
    assert_eq!(
        verify_password(&req("bcrypt", big, "pw")).map_err(|e| e.code()),
        Err("cost-too-high")
    );
}

/// Marks every secret below; no message may contain it.
const CANARY: &str = "CANARY";

fn assert_clean(e: &VerifyError, secrets: &[&str]) {
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(!text.is_empty());
        assert!(!text.contains(CANARY), "{} leaks: {text}", e.code());
        for s in secrets.iter().filter(|s| s.len() >= 4) {
            assert!(!text.contains(s), "{} leaks a secret: {text}", e.code());
        }
    }
}

#[test]
fn no_error_message_contains_a_digest_password_pepper_or_signer_key() {
    let pw = "pw-CANARY-123";
    let salt = "SALTCANARYSALT";
    // One malformed digest per hasher, each carrying the canary.
    let mut cases: Vec<VerifyRequest> = clerk_to_supertokens::hashes::KNOWN_HASHERS
        .iter()
        .map(|(name, _)| req(name, &format!("{name}$CANARY$x"), pw))
        .collect();
    let costly = [
        ("bcrypt", "$2b$31$CANARYCANARYCANARYCANARYCANARYCANARYCANARYCANARYCANAR".to_string()),
        ("pbkdf2_sha256_django", format!("pbkdf2_sha256$99999999${salt}$AAAA")),
        ("pbkdf2_sha1", format!("pbkdf2_sha1$99999999${salt}$00ff")),
        ("sha512_symfony", format!("sha512_symfony$99999999${salt}${}", "A".repeat(88))),
        (
            "argon2id",
            "$argon2id$v=19$m=4194304,t=1,p=1$Q0FOQVJZQ0FOQVJZ$Q0FOQVJZQ0FOQVJZQ0FOQVJZ"
                .to_string(),
        ),
        ("scrypt_werkzeug", format!("scrypt:1073741824:8:1${salt}$00ff")),
        ("scrypt_firebase", "Q0FOQVJZ$Q0FOQVJZ$Q0FOQVJZ$Bw==$8$30".to_string()),
        ("phpass", "$P$NCANARY1CANARYCANARYCANARYCANAR".to_string()),
        ("scrypt_firebase", "CANARY!!$Q0FOQVJZ$Q0FOQVJZ$Bw==$8$10".to_string()),
        ("scrypt_firebase", "$f_scrypt$CANARY$CANARY$m=14$r=8$s=CANARY".to_string()),
        ("scrypt_firebase", "$f_scrypt$CANARY$CANARY$m=99$r=8".to_string()),
        ("awscognito", "awscognito#CANARY#CANARY#CANARY".to_string()),
        (
            "bcrypt_peppered",
            "$2a$04$RBGfG8jGWGOTE50IQd3zAuGysqMhddc8Qbg.x/yto/Ez8P.3SanzO".to_string(),
        ),
        ("$2b$10$CANARYnotahashername", "x".to_string()),
    ];
    cases.extend(costly.iter().map(|(h, d)| req(h, d, pw)));
    let mut with_key = req("scrypt_firebase", "$f_scrypt$Q0FOQVJZ$Q0FOQVJZ$m=14$r=8$s=Bw==", pw);
    with_key.signer_key = Some("KEY-CANARY!!".into());
    cases.push(with_key);
    let mut with_pepper = req("bcrypt_peppered", "$2a$04$CANARY", pw);
    with_pepper.pepper = Some("PEPPER-CANARY".into());
    cases.push(with_pepper);

    let mut codes = std::collections::BTreeSet::new();
    for r in &cases {
        let e = verify_password(r).expect_err(&r.hasher.name_for_messages());
        let pepper = r.pepper.as_deref().unwrap_or("");
        let key = r.signer_key.as_deref().unwrap_or("");
        assert_clean(&e, &[&r.digest, &r.password, pepper, key, salt]);
        if let Err(p) = check_digest(&r.hasher, &r.digest) {
            assert!(!p.to_string().contains(CANARY) && !format!("{p:?}").contains(CANARY), "{p}");
        }
        codes.insert(e.code());
    }
    let expected = [
        "cost-too-high",
        "invalid-parameter",
        "malformed-digest",
        "missing-parameter",
        "unknown-hasher",
        "unverifiable-hasher",
    ];
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), expected);
}

/// Digest-shaped strategies with cheap costs, so that the proptest reaches the inner code.
fn shaped_digest() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\$2[abyx]\\$0[4-5]\\$[./A-Za-z0-9]{50,56}(\\$.{0,5})?",
        "bcrypt_sha256\\$\\$2b\\$04\\$[./A-Za-z0-9]{53}",
        "pbkdf2_sha(1|256|512|512_hex)\\$[0-9]{1,3}\\$[0-9a-fA-F=+/]{0,12}\\$[0-9a-fA-F=+/]{0,20}(\\$[0-9]{1,2})?",
        "\\$argon2(i|id|d)\\$v=1[0-9]\\$m=[0-9]{1,3},t=[0-3],p=[0-2]\\$[A-Za-z0-9+/]{0,24}\\$[A-Za-z0-9+/]{0,24}",
        "scrypt(:[0-9]{1,3}:[0-9]{1,2}:[0-3])?\\$[a-z]{0,4}\\$[0-9a-fA-F+/=]{0,30}",
        "[A-Za-z0-9+/=]{0,12}\\$[A-Za-z0-9+/=]{0,12}\\$[A-Za-z0-9+/=]{0,12}\\$[A-Za-z0-9+/=]{0,6}\\$[0-9]{1,2}\\$[0-9]",
        "\\$f_scrypt\\$[A-Za-z0-9+/=]{0,12}\\$[A-Za-z0-9+/=]{0,8}\\$[mrs]=[-+0-9A-Za-z=]{0,3}\\$[mrs]=[-+0-9]{0,2}\\$[mrs]=[0-9A-Za-z=]{0,3}\\$?",
        "\\$[PH]\\$[./0-9A-Za-z]{0,33}",
        "sha512_symfony\\$[0-9]{1,3}\\$[a-z{}$]{0,6}\\$[A-Za-z0-9+/=]{0,90}",
        "\\{[sS][sS][hH][aA]\\}[A-Za-z0-9+/=]{0,40}",
        "hmac_sha256_utf16_b64\\$[A-Za-z0-9+/=]{0,45}\\$[A-Za-z0-9+/=]{0,10}",
        "[0-9a-f]{0,70}(\\$[a-z0-9]{0,70})?",
        ".{0,80}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn verify_and_check_never_panic(
        digest in shaped_digest(),
        hasher in prop::sample::select(clerk_to_supertokens::hashes::KNOWN_HASHERS.map(|(n, _)| n).to_vec()),
        password in ".{0,20}",
        key in prop::option::of("[A-Za-z0-9+/=]{0,12}"),
    ) {
        let h = Hasher::parse(hasher);
        let _ = check_digest(&h, &digest);
        let mut r = req(hasher, &digest, &password);
        r.signer_key = key.clone();
        r.pepper = key;
        if let Err(e) = verify_password(&r) {
            prop_assert!(!e.to_string().is_empty());
        }
        let _ = parse_core_firebase(&digest);
        let _ = convert_clerk_firebase(&digest);
    }
}
