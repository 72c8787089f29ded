//! Output is a pure function of the input bytes: 1-byte, 7-byte, random and whole-file
//! chunkings give byte-identical batches and reports, for every sample and for the join
//! (STYLE.md: split every input at every position, as csv-core's tests do).

mod common;
use common::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

const SAMPLES: [&str; 9] = [
    "bapi-GET-v1-users.SYNTHETIC.json",
    "clerk-migration-script_0406f34__samples__clerk.csv",
    "clerk-migration-script_e5cf86f__samples__clerk.json",
    "clerk-migration-tool__samples__clerk.csv",
    "clerk-migration-tool__samples__clerk.json",
    "dashboard-export.SYNTHETIC.csv",
    "external-account-legacy-google_account.SYNTHETIC.json",
    "workos-migrate-clerk-users__example-input.csv",
    "workos-migrate-clerk-users__example-input.json",
];

const OPTIONS: &str = r#"{"nowMs": 1800000000000, "features":["mfa","account_linking"], "batchSize": 7}"#;

/// A CSV with multi-byte characters, quoted cells holding commas, quotes and CRLF.
const TRICKY_CSV: &str = "\u{FEFF}id,first_name,last_name,primary_email_address,verified_email_addresses\r\n\
    user_1,\"Zoë \"\"Z\"\"\",\"Ünal,\r\n Jr.\",zoe@x.dev,\"zoe@x.dev,z2@x.dev\"\r\n\
    user_2,\"\t=Eve\",日本,eve@x.dev,\r\n";

/// JSON with escapes, surrogate pairs, multi-byte characters and CRLF inside and between records.
const TRICKY_JSON: &str = "[\r\n{\"id\":\"user_1\",\"first_name\":\"Zo\\u00eb \\\"Z\\\" \\ud83d\\ude00 }]\",\"last_name\":\"日本\",\r\n\"email_addresses\":[\"z@x.dev\",\"\\\\q@x.dev\"]},\r\n{\"id\":\"user_2\",\"email_addresses\":\"a@x.dev|b@x.dev\",\"unsafe_metadata\":{\"k\":\"[{\\\"\"}}\r\n]";

fn join_run(sizes: &[usize]) -> BTreeMap<String, String> {
    let page_1 = sample("bapi-GET-v1-users.SYNTHETIC.json");
    let page_2 = TRICKY_JSON.replace("user_2", "user_2cWszPHuo6P2lCdnhhZbVMfbAIC");
    convert_join(&[&page_1, page_2.as_bytes()], &sample("dashboard-export.SYNTHETIC.csv"), options(OPTIONS), sizes)
}

fn run(input: &[u8], sizes: &[usize]) -> BTreeMap<String, String> {
    convert_join(&[], input, options(OPTIONS), sizes)
}

#[test]
fn one_byte_and_seven_byte_chunks_match_the_whole_file() {
    for name in SAMPLES {
        let input = sample(name);
        let whole = run(&input, &[usize::MAX]);
        assert!(whole.contains_key("report.json"));
        assert_eq!(run(&input, &[1]), whole, "{name}, 1-byte chunks");
        assert_eq!(run(&input, &[7]), whole, "{name}, 7-byte chunks");
    }
    let whole = join_run(&[usize::MAX]);
    assert_eq!(report(&whole)["summary"]["records"], 6); // 4 CSV users + 2 API-only
    assert_eq!(join_run(&[1]), whole, "join, 1-byte chunks");
    assert_eq!(join_run(&[7]), whole, "join, 7-byte chunks");
}

#[test]
fn every_split_position_of_tricky_inputs_gives_the_same_output() {
    for input in [TRICKY_CSV, TRICKY_JSON] {
        let bytes = input.as_bytes();
        let whole = run(bytes, &[usize::MAX]);
        assert_eq!(report(&whole)["summary"]["converted"], 2, "{}", whole["report.json"]);
        for cut in 1..bytes.len() {
            assert_eq!(run(bytes, &[cut, usize::MAX]), whole, "cut at byte {cut}");
        }
    }
    let users = users(&run(TRICKY_JSON.as_bytes(), &[usize::MAX]));
    assert_eq!(users[0]["userMetadata"]["first_name"], "Zoë \"Z\" \u{1F600} }]");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_chunkings_of_every_sample_match_the_whole_file(sizes in prop::collection::vec(1usize..97, 1..24)) {
        for name in SAMPLES {
            let input = sample(name);
            prop_assert_eq!(run(&input, &sizes), run(&input, &[usize::MAX]), "{}", name);
        }
    }

    #[test]
    fn random_chunkings_of_the_join_match_the_whole_run(sizes in prop::collection::vec(1usize..97, 1..24)) {
        prop_assert_eq!(join_run(&sizes), join_run(&[usize::MAX]));
    }
}
