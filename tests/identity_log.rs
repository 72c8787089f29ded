//! The identity log kept outside the converter (src/sightings.rs): a host that stores it and
//! replays it gets byte for byte what a converter keeping it in memory writes, and a replay
//! that is not the whole log is refused.

mod common;
use clerk_to_supertokens::pipeline::{Converter, OutputFile};
use clerk_to_supertokens::Options;
use common::*;
use std::collections::BTreeMap;

/// A Dashboard CSV with repeated Clerk ids (rows 3 and 6 repeat rows 1 and 2) and shared
/// emails and phones across users, among `n` generated rows.
pub fn export_with_conflicts(n: usize) -> Vec<u8> {
    let mut csv = String::from("id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at\n");
    for i in 0..n {
        let id = match i {
            3 => 1,
            6 => 2,
            i => i,
        };
        // Every 50th user shares the email of the user before it; every 70th is a
        // passwordless user with only a phone, the same for all of them (E007).
        let mut email = if i % 50 == 49 { format!("u{}@example.com", i - 1) } else { format!("u{i}@example.com") };
        let (phone, digest, hasher) = if i % 70 == 69 {
            email.clear();
            ("+15555550100", "", "")
        } else {
            ("", "$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2", "bcrypt")
        };
        csv.push_str(&format!(
            "user_{id:027},First{i},Last{i},,{email},{phone},{email},,{phone},,,{digest},{hasher},2024-03-01T12:00:00Z\n"
        ));
    }
    csv.into_bytes()
}

/// Converts with the log outside, replaying it in pieces of `replay_chunk` bytes.
fn convert_with_outside_log(input: &[u8], options: Options, replay_chunk: usize) -> (BTreeMap<String, String>, usize) {
    let mut c = Converter::new(options).expect("valid options");
    c.keep_identity_log_outside().unwrap();
    let mut files = BTreeMap::new();
    let mut log = Vec::new();
    let write = |files: &mut BTreeMap<String, String>, pieces: Vec<OutputFile>| write_pieces(files, pieces);
    for part in input.chunks(64 * 1024) {
        write(&mut files, c.push(part));
        log.extend(c.take_identity_log());
    }
    write(&mut files, c.finish());
    log.extend(c.take_identity_log());
    let mut replays = 0;
    while c.replay_needed() {
        replays += 1;
        for part in log.chunks(replay_chunk) {
            c.replay_identity_log(part);
        }
        write(&mut files, c.end_replay().expect("the whole log was replayed"));
        log.extend(c.take_identity_log());
    }
    (files, replays)
}

#[test]
fn a_log_kept_outside_gives_the_same_files_as_one_kept_inside() {
    let input = export_with_conflicts(3_000);
    let opts = || options(r#"{"nowMs": 1800000000000, "batchSize": 500}"#);
    let inside = convert(&input, opts());
    for chunk in [1, 7, 24, 1000, usize::MAX] {
        let (outside, replays) = convert_with_outside_log(&input, opts(), chunk);
        assert_eq!(replays, 1, "chunk {chunk}");
        assert_eq!(outside, inside, "replayed in pieces of {chunk} bytes");
    }
    let r = report(&inside);
    assert_eq!(r["summary"]["records"], 3_000);
    assert_eq!(r["summary"]["rejected"], 2, "the two repeated Clerk ids");
    let messages: Vec<&str> = r["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["message"].as_str()).collect();
    let count = |prefix: &str| messages.iter().filter(|m| m.starts_with(prefix)).count();
    assert_eq!(count("Clerk user id already seen"), 2);
    // Users 49, 99, … share the email of the user before them: an E003 when both have a
    // password (52 of the 60; in the other 8 one of the two is a phone-only user).
    assert_eq!(count("E003: A user with email"), 52);
    // The 42 phone-only users share one phone: the 41 after the first conflict.
    assert_eq!(count("E007: A user with phoneNumber +15555550100"), 41);
}

#[test]
fn an_incomplete_replay_is_an_error_and_a_full_one_still_works() {
    let input = export_with_conflicts(200);
    let mut c = Converter::new(options(r#"{"nowMs": 1800000000000}"#)).unwrap();
    c.keep_identity_log_outside().unwrap();
    let mut log = Vec::new();
    let mut files = BTreeMap::new();
    write_pieces(&mut files, c.push(&input));
    log.extend(c.take_identity_log());
    write_pieces(&mut files, c.finish());
    log.extend(c.take_identity_log());
    assert!(c.replay_needed());
    let report_so_far = files.get("report.json").map_or("", String::as_str);
    assert!(!report_so_far.contains("\"summary\""), "the report waits for the replay");
    c.replay_identity_log(&log[..log.len() - 5]);
    let err = c.end_replay().unwrap_err();
    assert!(err.contains("replay the whole log"), "{err}");
    assert!(c.replay_needed());
    c.replay_identity_log(&log);
    write_pieces(&mut files, c.end_replay().unwrap());
    assert!(!c.replay_needed());
    assert_eq!(files, convert(&input, options(r#"{"nowMs": 1800000000000}"#)));
    assert!(c.end_replay().is_err(), "nothing left to replay");
    assert!(c.keep_identity_log_outside().is_err(), "too late once input was pushed");
}
