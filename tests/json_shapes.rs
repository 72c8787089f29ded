//! Each JSON shape (spec/clerk-exports.md §4, §5, §6), read directly by `JsonUserReader` into
//! the exact `ClerkUser` fields it yields, and every sample through the converter.

mod common;
use clerk_to_supertokens::clerk::{ClerkUser, CsvUserReader, ExternalAccount, Password};
use clerk_to_supertokens::hashes::Hasher;
use clerk_to_supertokens::{DiagnosticCode, Location};
use common::*;
use serde_json::json;

fn at(record: u64, line: u64) -> Location {
    Location { record: Some(record), line: Some(line) }
}

#[test]
fn shape_d_backend_api_array_maps_every_field() {
    let got = read_json(&sample("bapi-GET-v1-users.SYNTHETIC.json"), false);
    assert!(got.bad.is_empty() && got.diagnostics.is_empty(), "{got:?}");
    let ada = ClerkUser {
        id: "user_2yE06IFCFf4o90ue0Z6PYeWvgGv".into(),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        image_url: Some("https://img.clerk.com/eyJ0eXBlIjoicHJveHkiLCJzcmMiOiJ...".into()),
        emails: vec![id("ada@example.com", true, true)],
        external_accounts: vec![ExternalAccount {
            provider: "oauth_google".into(),
            provider_user_id: "107895751011250679587".into(),
            email: Some("ada@example.com".into()),
            verified: true,
        }],
        unsafe_metadata: meta(json!({"role": "student"})),
        created_at_ms: Some(1_749_384_248_799),
        ..ClerkUser::default()
    };
    let grace = ClerkUser {
        id: "user_2ZZCgLE7kJG2CRBxTZ6YUIvzS10".into(),
        external_id: Some("legacy-42".into()),
        first_name: Some("Grace".into()),
        last_name: Some("Hopper".into()),
        username: Some("grace".into()),
        image_url: Some("https://img.clerk.com/eyJ...".into()),
        emails: vec![
            id("grace@example.com", true, true),
            id("old-grace@example.org", false, false),
            id("grace@navy.example", true, false),
        ],
        phones: vec![id("+15555550100", true, true)],
        public_metadata: meta(json!({"plan": "pro"})),
        private_metadata: meta(json!({"stripe_customer_id": "cus_123"})),
        created_at_ms: Some(1_700_000_000_000),
        ..ClerkUser::default()
    };
    assert_eq!(got.users, vec![(at(1, 2), ada), (at(2, 93), grace)]);
}

#[test]
fn shape_c_legacy_support_json_keeps_the_primary_first_and_applies_the_policy() {
    let got = read_json(&sample("clerk-migration-script_e5cf86f__samples__clerk.json"), false);
    assert!(got.bad.is_empty() && got.diagnostics.is_empty(), "{got:?}");
    let john_meta = meta(json!({"username": "johndoe"}));
    let john = ClerkUser {
        id: "user_2fT3OpCuU3elx0CXE3cNyStBC9u".into(),
        first_name: Some("John".into()),
        last_name: Some("Doe".into()),
        image_url: Some("https://storage.googleapis.com/images.clerk.dev/oauth_google/img_2fT3OnxW5K5bLcar5WWBq7Kdrlu".into()),
        emails: vec![id("johndoe@gmail.com", false, true), id("test@gmail.com", false, false)],
        public_metadata: john_meta.clone(),
        private_metadata: john_meta.clone(),
        unsafe_metadata: john_meta,
        ..ClerkUser::default()
    };
    assert_eq!(got.users[0], (at(1, 2), john));
    // Jane's primary is second in her list; it still comes first.
    let jane = &got.users[1].1;
    assert_eq!(jane.emails, vec![id("janedoe@gmail.com", false, true), id("test2@gmail.com", false, false)]);
    assert_eq!(got.users[1].0, at(2, 31));

    let verified = read_json(&sample("clerk-migration-script_e5cf86f__samples__clerk.json"), true);
    assert!(verified.users[0].1.emails.iter().all(|e| e.verified));
}

#[test]
fn shape_c_migration_tool_json_has_digests_and_a_primary_missing_from_its_list() {
    let got = read_json(&sample("clerk-migration-tool__samples__clerk.json"), true);
    assert_eq!((got.users.len(), got.bad.len()), (25, 0));
    let jane = &got.users[0].1;
    assert_eq!(jane.emails, vec![id("jane.doe@test.com", true, true), id("janedoe@test.com", true, false)]);
    assert_eq!(
        jane.password,
        Some(Password { hasher: Hasher::Bcrypt, digest: "$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2".into() })
    );
    assert_eq!(got.users.iter().filter(|(_, u)| u.password.is_some()).count(), 9);
    assert!(got.users.iter().all(|(_, u)| u.totp_secret.is_none() && u.image_url.is_none() && u.public_metadata.is_none()));
}

#[test]
fn shape_c_prime_splits_joined_emails_and_flags_the_guessed_primary() {
    let got = read_json(&sample("workos-migrate-clerk-users__example-input.json"), false);
    assert!(got.bad.is_empty());
    let users: Vec<&ClerkUser> = got.users.iter().map(|(_, u)| u).collect();
    assert_eq!(
        *users[0],
        ClerkUser {
            id: "user_2gQPH11rXtJguHjsx7VtUo8QGh2".into(),
            first_name: Some("Paul".into()),
            last_name: Some("Atreides".into()),
            emails: vec![id("paul@atreides.com", false, true)],
            ..ClerkUser::default()
        }
    );
    assert_eq!(users[1].emails, vec![id("jessica@atreides.com", false, true), id("jessica@harkonnen.com", false, false)]);
    assert_eq!(
        *users[2],
        ClerkUser {
            id: "user_2gXEmg00DCV77CHNO4aa3q8ZYRf".into(),
            emails: vec![id("vlad@harkonnen.com", false, true)],
            password: Some(Password {
                hasher: Hasher::Bcrypt,
                digest: "$2b$10$.rU67Fk.7/QRC6iLPFV8Eeb9w56VKAVOd9Lt5VqgERTn8KChBFLg6".into()
            }),
            ..ClerkUser::default()
        }
    );
    assert_eq!(got.diagnostics.len(), 1);
    let d = &got.diagnostics[0];
    assert_eq!((d.code, d.record, d.line), (DiagnosticCode::PrimaryUncertain, Some(2), Some(16)));
    assert_eq!(d.user_id.as_deref(), Some("user_2gRua7G8WRYBglzXE5sxRbIRkfJ"));
}

const CLI_ENVELOPE: &str = r#"{"clerkMigrate":1,"source":"clerk","exportedAt":"2026-09-29T14:15:02.000Z","runId":"20260929-141502-a1b2","users":[
{"id":"user_e1","primary_email_address":"ada@example.com","verified_email_addresses":["ada2@example.com"],"unverified_email_addresses":["old@example.com","ADA@example.com"],"primary_phone_number":"+15555550100","unverified_phone_numbers":["+15555550101"],"username":"ada","first_name":"Ada","last_name":"Lovelace","public_metadata":{"plan":"pro"},"private_metadata":{"clerkExternalId":"legacy-7","note":"x"},"unsafe_metadata":{},"banned":true,"create_organization_enabled":true,"created_at":"2026-09-29T14:15:02.000Z","legal_accepted_at":"2026-09-29T14:15:02.000Z"},
{"id":"user_e2","primary_email_address":"solo@example.com","private_metadata":{"clerkExternalId":"only"}}
]}"#;

#[test]
fn shape_e_cli_envelope_has_a_verified_primary_and_the_external_id_in_private_metadata() {
    let got = read_json(CLI_ENVELOPE.as_bytes(), false);
    assert!(got.bad.is_empty() && got.diagnostics.is_empty(), "{got:?}");
    let e1 = ClerkUser {
        id: "user_e1".into(),
        external_id: Some("legacy-7".into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        username: Some("ada".into()),
        emails: vec![id("ada@example.com", true, true), id("ada2@example.com", true, false), id("old@example.com", false, false)],
        phones: vec![id("+15555550100", true, true), id("+15555550101", false, false)],
        public_metadata: meta(json!({"plan": "pro"})),
        private_metadata: meta(json!({"note": "x"})),
        created_at_ms: Some(1_790_691_302_000),
        banned: true,
        ..ClerkUser::default()
    };
    // E omits empty values: a user with only a primary is still E (verified), not C.
    let e2 = ClerkUser {
        id: "user_e2".into(),
        external_id: Some("only".into()),
        emails: vec![id("solo@example.com", true, true)],
        ..ClerkUser::default()
    };
    assert_eq!(got.users, vec![(at(1, 2), e1), (at(2, 3), e2)]);
}

const SDK_PAGE: &str = r#"{"data":[
{"id":"user_s1","firstName":"Sdk","lastName":"User","imageUrl":"https://img/x","primaryEmailAddressId":"idn_2","emailAddresses":[{"id":"idn_1","emailAddress":"a@x.dev","verification":{"status":"unverified"}},{"id":"idn_2","emailAddress":"b@x.dev","verification":{"status":"verified"}}],"phoneNumbers":[],"externalAccounts":[{"provider":"oauth_github","externalId":"gh-1","emailAddress":"b@x.dev","verification":{"status":"verified"}}],"publicMetadata":{"k":1},"privateMetadata":null,"createdAt":1700000000000,"banned":false,"locked":true,"externalId":"ext-9"},
{"id":"user_s2","firstName":"Camel","_raw":{"object":"user","id":"user_s2","first_name":"Raw","email_addresses":[{"id":"idn_9","email_address":"raw@x.dev","verification":null}],"primary_email_address_id":"idn_9","created_at":5,"external_accounts":[{"object":"google_account","id":"idn_g","google_id":"103","given_name":"Y","email_address":"g@gmail.com","verification":{"status":"verified"}}]}}
],"totalCount":2}"#;

#[test]
fn shape_d_sdk_page_reads_camel_case_and_prefers_raw() {
    let got = read_json(SDK_PAGE.as_bytes(), false);
    assert!(got.bad.is_empty() && got.diagnostics.is_empty(), "{got:?}");
    let s1 = ClerkUser {
        id: "user_s1".into(),
        external_id: Some("ext-9".into()),
        first_name: Some("Sdk".into()),
        last_name: Some("User".into()),
        image_url: Some("https://img/x".into()),
        emails: vec![id("b@x.dev", true, true), id("a@x.dev", false, false)],
        external_accounts: vec![ExternalAccount {
            provider: "oauth_github".into(),
            provider_user_id: "gh-1".into(),
            email: Some("b@x.dev".into()),
            verified: true,
        }],
        public_metadata: meta(json!({"k": 1})),
        created_at_ms: Some(1_700_000_000_000),
        locked: true,
        ..ClerkUser::default()
    };
    // `_raw` wins, and a legacy google_account inside it is normalised (§5.5).
    let s2 = ClerkUser {
        id: "user_s2".into(),
        first_name: Some("Raw".into()),
        emails: vec![id("raw@x.dev", false, true)],
        external_accounts: vec![ExternalAccount {
            provider: "oauth_google".into(),
            provider_user_id: "103".into(),
            email: Some("g@gmail.com".into()),
            verified: true,
        }],
        created_at_ms: Some(5),
        ..ClerkUser::default()
    };
    assert_eq!(got.users, vec![(at(1, 2), s1), (at(2, 3), s2)]);
}

#[test]
fn ndjson_of_api_users_is_located_by_line() {
    let ndjson = "{\"object\":\"user\",\"id\":\"user_1\",\"email_addresses\":[]}\n\n{\"object\":\"user\",\"id\":\"user_2\",\"phone_numbers\":[{\"id\":\"p\",\"phone_number\":\"+1555\",\"verification\":{\"status\":\"verified\"}}],\"primary_phone_number_id\":\"p\"}\r\n";
    let got = read_json(ndjson.as_bytes(), false);
    assert_eq!(got.users.len(), 2);
    assert_eq!(got.users[1].0, at(2, 3));
    assert_eq!(got.users[1].1.phones, vec![id("+1555", true, true)]);
}

#[test]
fn the_legacy_google_account_sample_is_an_unknown_record_shape() {
    let got = read_json(&sample("external-account-legacy-google_account.SYNTHETIC.json"), false);
    assert!(got.users.is_empty());
    assert_eq!(got.bad.len(), 1);
    assert_eq!(got.bad[0].1.code, DiagnosticCode::UnknownRecordShape);
    assert!(got.bad[0].1.message.contains("google_account"));
}

#[test]
fn records_that_are_not_users_are_each_a_located_bad_record() {
    let input = r#"[{"id":"user_ok","email_addresses":["a@x.dev"]}, 42, {"first_name":"no id"}, {"id":"user_t","username":7}, {"id":"user_x",}]"#;
    let got = read_json(input.as_bytes(), false);
    assert_eq!(got.users.len(), 1);
    let codes: Vec<(DiagnosticCode, Option<u64>)> = got.bad.iter().map(|(_, d)| (d.code, d.record)).collect();
    assert_eq!(
        codes,
        vec![
            (DiagnosticCode::UnknownRecordShape, Some(2)),
            (DiagnosticCode::MissingId, Some(3)),
            (DiagnosticCode::InvalidJson, Some(4)),
            (DiagnosticCode::InvalidJson, Some(5)),
        ]
    );
}

#[test]
fn a_mistyped_field_never_echoes_its_value() {
    let input = r#"[{"id":"user_1","password_digest":"$2b$10$secretsecret","totp_secret":["JBSWY3DPEHPK3PXP"],"first_name":{"x":"$2b$10$secretsecret"}}]"#;
    let got = read_json(input.as_bytes(), false);
    let text = format!("{:?}", got.bad);
    assert_eq!(got.bad.len(), 1);
    assert!(!text.contains("secret") && !text.contains("JBSWY3DPEHPK3PXP"), "{text}");
}

#[test]
fn every_sample_converts_and_reconciles() {
    let expected = [
        ("bapi-GET-v1-users.SYNTHETIC.json", 2, 0),
        ("clerk-migration-script_0406f34__samples__clerk.csv", 4, 0),
        ("clerk-migration-script_e5cf86f__samples__clerk.json", 2, 0),
        ("clerk-migration-tool__samples__clerk.csv", 69, 0),
        ("clerk-migration-tool__samples__clerk.json", 25, 0),
        ("dashboard-export.SYNTHETIC.csv", 4, 0),
        ("external-account-legacy-google_account.SYNTHETIC.json", 1, 1),
        ("workos-migrate-clerk-users__example-input.csv", 2, 0),
        ("workos-migrate-clerk-users__example-input.json", 3, 0),
    ];
    for (name, records, rejected) in expected {
        let files = convert(&sample(name), options(r#"{"nowMs": 1800000000000}"#));
        let s = &report(&files)["summary"];
        assert_eq!((s["records"].as_u64(), s["rejected"].as_u64()), (Some(records), Some(rejected)), "{name}: {s}");
        let sum = s["converted"].as_u64().unwrap() + s["deferred"].as_u64().unwrap() + s["rejected"].as_u64().unwrap();
        assert_eq!(sum, records, "{name}");
    }
}

#[test]
fn forced_input_formats_are_honoured() {
    // A CSV forced as JSON is one clear file-level error, not a record per line.
    let files = convert(&sample("dashboard-export.SYNTHETIC.csv"), options(r#"{"inputFormat":"json"}"#));
    let r = report(&files);
    assert_eq!(r["summary"]["records"], 0);
    assert_eq!(r["diagnostics"][0]["code"], "unrecognised-format");
    // NDJSON forced: every non-empty line is a record.
    let ndjson = "{\"id\":\"user_1\",\"email_addresses\":[\"a@x.dev\"]}\n{\"id\":\"user_2\"\n";
    let files = convert(ndjson.as_bytes(), options(r#"{"inputFormat":"ndjson"}"#));
    assert_eq!(report(&files)["summary"]["records"], 2);
    // A JSON file forced as CSV goes to the CSV reader, which finds no header.
    let files = convert(&sample("bapi-GET-v1-users.SYNTHETIC.json"), options(r#"{"inputFormat":"dashboard-csv"}"#));
    assert_eq!(report(&files)["diagnostics"][0]["code"], "unrecognised-format");
}

#[test]
fn the_csv_reader_still_reads_through_the_shared_helpers() {
    let got = read_all(CsvUserReader::new(false), &sample("workos-migrate-clerk-users__example-input.csv"), 3);
    assert_eq!(got.users.len(), 2);
}

#[test]
fn sdk_external_accounts_with_both_provider_user_id_spellings_are_read() {
    // A JSON.stringify'd @clerk/backend ExternalAccount carries `externalId` and
    // `providerUserId`; reading them as aliases of one field made the record a duplicate key.
    let sdk = br#"[{"id":"user_1","primaryEmailAddressId":"e1",
        "emailAddresses":[{"id":"e1","emailAddress":"a@x.dev","verification":{"status":"verified"}}],
        "externalAccounts":[{"provider":"oauth_google","externalId":"old-id","providerUserId":"107","emailAddress":"a@x.dev","verification":{"status":"verified"}}]}]"#;
    let got = read_json(sdk, false);
    assert!(got.bad.is_empty(), "{:?}", got.bad);
    assert_eq!(got.users[0].1.external_accounts[0].provider_user_id, "107");
}
