//! The fuzz targets' bodies, written once: the libFuzzer binaries in `fuzz_targets/` and the
//! stable-toolchain fallback (`src/bin/fuzz_stable.rs`) both call [`TARGETS`].
//!
//! Converter-based targets read a 4-byte control prefix (options, batch size, header mode,
//! chunking seed) and treat the rest as the export. `scripts/fuzz.js` prepends such a prefix
//! to every seed document, so seeds stay readable files.
//!
//! Each target panics (= a crash for libFuzzer) when an invariant of DESIGN.md fails:
//! chunking invariance, `records = converted + deferred + rejected`, a report that is JSON and
//! agrees with the counters, batches the core-parity validator accepts, and no panic anywhere.

use clerk_to_supertokens::convert::RESET_FLAG_KEY;
use clerk_to_supertokens::options::{
    BannedPolicy, ExternalIdSource, Features, InputFormat, Options, UnsupportedHashPolicy,
};
use clerk_to_supertokens::pipeline::{batch_file_name, Converter, OutputFile, Progress};
use clerk_to_supertokens::supertokens::{
    validate_import_user, validate_request, validate_request_text, CoreContext, RequestValidator,
    RequestVerdict,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// A fuzz target: any bytes in, a panic only when an invariant fails.
pub type Target = fn(&[u8]);

/// Every target, by name (the libFuzzer binaries carry the same names).
pub const TARGETS: &[(&str, Target)] = &[
    ("csv_reader", csv_reader),
    ("converter", converter),
    ("validator", validator),
    ("json_reader", json_reader),
    ("push_api", push_api),
    ("hashes", hashes),
];

/// Bytes of control prefix the Converter-based targets read before the document.
pub const CONTROL_BYTES: usize = 4;

/// A fixed clock, so the output depends on the input only.
pub const NOW_MS: i64 = 1_800_000_000_000;

/// The Dashboard CSV header (shape A), prepended by `csv_reader` in some modes.
pub const DASHBOARD_HEADER: &str = "id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at";
/// The legacy support CSV header (shape B).
pub const LEGACY_HEADER: &str = "id,first_name,last_name,username,email_addresses,phone_numbers,password_digest,password_hasher,created_at,public_metadata,private_metadata,unsafe_metadata";

/// What the control prefix selects.
#[derive(Debug, Clone)]
pub struct Control {
    /// Conversion options (features, policies, batch size 1 to 8, fixed clock).
    pub options: Options,
    /// Two bits the targets use for their own modes (header, input format).
    pub mode: u8,
    /// Seeds the chunk sizes of the chunked run.
    pub chunk_seed: u16,
}

/// Splits `data` into its control prefix and the document.
pub fn control(data: &[u8]) -> (Control, &[u8]) {
    let n = data.len().min(CONTROL_BYTES);
    let mut c = [0u8; CONTROL_BYTES];
    c[..n].copy_from_slice(&data[..n]);
    let f = c[0];
    let features = Features { account_linking: f & 1 != 0, mfa: f & 2 != 0, multi_tenancy: f & 4 != 0 };
    let options = Options {
        batch_size: 1 + usize::from(c[1] & 7),
        features,
        tenant: (features.multi_tenancy && c[1] & 0x80 != 0).then(|| "tenant-a".to_owned()),
        unsupported_hash: match (f >> 3) & 3 {
            1 => UnsupportedHashPolicy::Reset,
            2 => UnsupportedHashPolicy::Reject,
            _ => UnsupportedHashPolicy::Defer,
        },
        banned: if f & 0x20 != 0 { BannedPolicy::Import } else { BannedPolicy::Skip },
        external_id: if f & 0x40 != 0 { ExternalIdSource::ExternalId } else { ExternalIdSource::ClerkId },
        legacy_verified: f & 0x80 != 0,
        now_ms: Some(NOW_MS),
        ..Options::default()
    };
    let control = Control { options, mode: (c[1] >> 3) & 3, chunk_seed: u16::from_le_bytes([c[2], c[3]]) };
    (control, &data[n..])
}

/// The Backend API join: the document up to its first `0xFF` byte is an API file, the rest the
/// main input. Every record of both is accounted for, and the result is the same whether the
/// API file arrives whole or byte by byte.
pub fn push_api(data: &[u8]) {
    let (ctl, doc) = control(data);
    let cut = doc.iter().position(|&b| b == 0xFF).unwrap_or(doc.len());
    let (api, main) = (&doc[..cut], doc.get(cut + 1..).unwrap_or_default());
    let joined = |api_chunk: usize| -> Run {
        let Ok(mut c) = Converter::new(ctl.options.clone()) else { panic!("fuzz options are valid") };
        let mut out = Run::default();
        let mut take = |pieces: Vec<OutputFile>| out.take(pieces);
        for part in api.chunks(api_chunk.max(1)) {
            take(c.push_api(part).expect("API files go before the main input"));
        }
        take(c.end_api_file().expect("API files go before the main input"));
        take(c.push(main));
        take(c.finish());
        out.progress = c.progress();
        let p = out.progress.summary;
        assert_eq!(p.records, p.converted + p.deferred + p.rejected, "records must reconcile");
        out
    };
    let whole = joined(api.len());
    // Random reset passwords aside, the output must not depend on how the API file is chunked.
    assert_eq!(comparable(&joined(1)), comparable(&whole), "the join must not depend on the chunking");
    let report: Value = serde_json::from_str(&whole.files["report.json"]).expect("report.json is JSON");
    assert!(report["summary"]["records"].is_u64());
}

/// Every digest-format parser and `verify_password`, on arbitrary digests: the first byte picks
/// the hasher, the rest is `digest NUL password`. Neither may panic; a digest either checks out
/// or gets a reason. Digests declaring large costs are only format-checked, so the fuzzer spends
/// its time on parsing, not on deliberately slow hashing.
pub fn hashes(data: &[u8]) {
    use clerk_to_supertokens::hashes::{check_digest, verify_password, Hasher, VerifyRequest, KNOWN_HASHERS};
    let Some((&pick, rest)) = data.split_first() else { return };
    let hasher = KNOWN_HASHERS.get(usize::from(pick) % (KNOWN_HASHERS.len() + 1)).map_or_else(|| Hasher::Other("x".into()), |(_, h)| h.clone());
    let text = String::from_utf8_lossy(rest);
    let (digest, password) = text.split_once('\0').unwrap_or((&text, "password"));
    let _ = check_digest(&hasher, digest);
    if cheap(digest) {
        let request = VerifyRequest {
            hasher,
            digest: digest.to_string(),
            password: password.to_string(),
            pepper: None,
            signer_key: None,
            salt_separator: None,
        };
        let _ = verify_password(&request);
    }
}

/// True when no number in the digest could make verification slow (a cost, rounds, iterations
/// or a memory size above small values).
fn cheap(digest: &str) -> bool {
    let numbers = digest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
    let bcrypt_cost = digest.strip_prefix("$2").and_then(|r| r.get(2..4)).and_then(|c| c.parse::<u32>().ok());
    numbers.into_iter().all(|n| n.len() <= 4 && n.parse::<u32>().is_ok_and(|v| v <= 2048)) && bcrypt_cost.is_none_or(|c| c <= 6)
}

/// `CsvUserReader` through the Converter (CSV forced), on the raw document or behind a
/// Dashboard or legacy header.
pub fn csv_reader(data: &[u8]) {
    let (mut ctl, doc) = control(data);
    let prefix: &[u8] = match ctl.mode {
        1 => DASHBOARD_HEADER.as_bytes(),
        2 => LEGACY_HEADER.as_bytes(),
        3 => b"\xEF\xBB\xBF",
        _ => b"",
    };
    let mut input = prefix.to_vec();
    if ctl.mode == 1 || ctl.mode == 2 {
        input.extend_from_slice(if ctl.chunk_seed & 1 == 0 { b"\n" } else { b"\r\n" });
    }
    input.extend_from_slice(doc);
    ctl.options.input_format = Some(if ctl.mode == 2 { InputFormat::LegacyCsv } else { InputFormat::DashboardCsv });
    check_converter(&ctl.options, &input, ctl.chunk_seed);
}

/// The whole Converter on arbitrary bytes, shape detected from the content.
pub fn converter(data: &[u8]) {
    let (ctl, doc) = control(data);
    check_converter(&ctl.options, doc, ctl.chunk_seed);
}

/// JSON-shaped input through the Converter, detected or forced as JSON / NDJSON. Until the
/// JSON readers land this exercises detection and the unsupported-input path; once they do,
/// the Converter routes the same inputs to them and this target fuzzes them unchanged.
pub fn json_reader(data: &[u8]) {
    let (mut ctl, doc) = control(data);
    ctl.options.input_format = match ctl.mode {
        1 => Some(InputFormat::Json),
        2 => Some(InputFormat::Ndjson),
        _ => None,
    };
    check_converter(&ctl.options, doc, ctl.chunk_seed);
}

/// The core-parity validator on any bytes: as body text, and, when the bytes are JSON, as a
/// request, as a single-user import and user by user. It must not panic and its verdicts must
/// be self-consistent.
pub fn validator(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let value = serde_json::from_slice::<Value>(data).ok();
    for ctx in [CoreContext::default(), known_context()] {
        let verdict = validate_request_text(&text, &ctx);
        check_verdict(&verdict);
        let Some(value) = &value else { continue };
        check_verdict(&validate_request(value, &ctx));
        let import = validate_import_user(value, &ctx);
        assert!(matches!(import.status, 200 | 400 | 500), "import status {}", import.status);
        assert_eq!(import.status == 200, import.body.is_none());
        let users = value.get("users").and_then(Value::as_array).or_else(|| value.as_array());
        let mut validator = RequestValidator::new(&ctx);
        for user in users.into_iter().flatten() {
            let v = validator.validate_user(user);
            assert_eq!(v.core_would_crash, v.crash.is_some());
            assert_eq!(v.is_valid(), v.errors.is_empty() && !v.core_would_crash);
            assert!(v.errors.iter().all(|e| !e.is_empty()), "empty error message");
        }
    }
}

/// A context where every part is known, so no check is skipped.
pub fn known_context() -> CoreContext {
    CoreContext {
        features: Some(vec!["account_linking".into(), "mfa".into(), "multi_tenancy".into()]),
        roles: Some(vec!["admin".into(), "user".into()]),
        tenants: Some(vec!["tenant-a".into()]),
        tenant_pools: Some(BTreeMap::from([("public".into(), "p0".into()), ("tenant-a".into(), "p1".into())])),
        firebase_signer_key_set: Some(false),
        now_ms: Some(NOW_MS),
    }
}

fn check_verdict(v: &RequestVerdict) {
    assert!(matches!(v.status, 200 | 400 | 500), "status {}", v.status);
    assert!(v.users.len() <= clerk_to_supertokens::options::MAX_BATCH_SIZE);
    if v.body.is_none() {
        assert_eq!(v.status, 200, "only an accepted request has no body text");
        assert!(v.users.iter().all(|u| u.is_valid()));
    }
    if v.status == 500 {
        if let Some(i) = v.crashed_at {
            assert_eq!(i + 1, v.users.len(), "the crash ends the users");
            assert!(v.users[i].core_would_crash);
        }
    }
    if let Some(body) = v.body.as_deref().filter(|b| b.starts_with('{')) {
        assert!(serde_json::from_str::<Value>(body).is_ok(), "body is not JSON: {body}");
    }
}

/// What a converter wrote, assembled as a host would (create, then append).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Run {
    /// File name to its whole text.
    pub files: BTreeMap<String, String>,
    /// File name to whether every piece of it was flagged secret.
    pub secret: BTreeMap<String, bool>,
    /// `progress()` after `finish()`.
    pub progress: Progress,
}

impl Run {
    /// Applies output pieces as a host does (create, then append); a file is secret only when
    /// every piece of it was.
    pub fn take(&mut self, pieces: Vec<OutputFile>) {
        for p in pieces {
            let f = self.files.entry(p.name.clone()).or_default();
            if !p.append {
                f.clear();
            }
            f.push_str(&p.text);
            *self.secret.entry(p.name).or_insert(p.secret) &= p.secret;
        }
    }
}

/// Runs the Converter, pushing `input` in pieces of the given sizes (the rest in one piece).
pub fn run(options: &Options, input: &[u8], sizes: impl IntoIterator<Item = usize>) -> Run {
    run_with_log(options, input, sizes, false)
}

/// [`run`], with the identity log kept outside the converter when `log_outside`, as the CLI
/// keeps it, and replayed in pieces of 13 bytes (which split its 24-byte records).
pub fn run_with_log(options: &Options, input: &[u8], sizes: impl IntoIterator<Item = usize>, log_outside: bool) -> Run {
    let mut c = Converter::new(options.clone()).expect("the targets build valid options");
    if log_outside {
        c.keep_identity_log_outside().expect("before any input");
    }
    let mut out = Run::default();
    let mut log = Vec::new();
    let mut rest = input;
    for size in sizes {
        let (head, tail) = rest.split_at(size.min(rest.len()));
        out.take(c.push(head));
        log.extend(c.take_identity_log());
        rest = tail;
        if rest.is_empty() {
            break;
        }
    }
    out.take(c.push(rest));
    out.take(c.finish());
    log.extend(c.take_identity_log());
    while c.replay_needed() {
        assert!(log_outside, "a converter keeping its log replays it itself");
        for piece in log.chunks(13) {
            c.replay_identity_log(piece);
        }
        out.take(c.end_replay().expect("the whole log was replayed"));
        log.extend(c.take_identity_log());
    }
    assert!(c.push(b"more").is_empty() && c.finish().is_empty(), "a finished converter writes nothing more");
    out.progress = c.progress();
    out
}

/// Chunk sizes from a seed: mostly small (down to single bytes and empty pushes), sometimes large.
pub fn chunk_sizes(seed: u16, len: usize) -> Vec<usize> {
    let mut x = u32::from(seed) | 0x9E37_0000;
    let mut sizes = Vec::new();
    let mut total = 0;
    while total < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let size = match x % 8 {
            0 => 0,
            1..=5 => 1 + (x >> 8) as usize % 7,
            _ => 1 + (x >> 8) as usize % 300,
        };
        sizes.push(size);
        total += size;
    }
    sizes
}

/// Converts `input` whole and in chunks, and checks every invariant on both.
pub fn check_converter(options: &Options, input: &[u8], chunk_seed: u16) {
    let whole = run(options, input, []);
    check_run(options, &whole, input.len());
    let chunked = run_with_log(options, input, chunk_sizes(chunk_seed, input.len()), chunk_seed % 2 == 0);
    assert_eq!(comparable(&chunked), comparable(&whole), "output depends on the chunking or on where the identity log is kept");
}

/// The run with the random passwords of the `reset` policy masked, for comparisons.
pub fn comparable(run: &Run) -> (BTreeMap<String, Value>, BTreeMap<String, bool>, Progress) {
    let mut files = BTreeMap::new();
    for (name, text) in &run.files {
        let mut v = if name.ends_with(".ndjson") {
            Value::Array(text.lines().map(|l| serde_json::from_str(l).unwrap_or(Value::Null)).collect())
        } else {
            serde_json::from_str(text).unwrap_or(Value::Null)
        };
        for user in v.get_mut("users").and_then(Value::as_array_mut).into_iter().flatten() {
            if user.pointer(&format!("/userMetadata/{RESET_FLAG_KEY}")) == Some(&Value::Bool(true)) {
                for m in user.get_mut("loginMethods").and_then(Value::as_array_mut).into_iter().flatten() {
                    if let Some(p) = m.get_mut("plainTextPassword") {
                        *p = Value::String("<random>".into());
                    }
                }
            }
        }
        files.insert(name.clone(), v);
    }
    (files, run.secret.clone(), run.progress)
}

/// The invariants of one run: nothing lost, a JSON report that agrees with the counters,
/// batches the validator accepts in the declared context, secrets flagged.
pub fn check_run(options: &Options, run: &Run, input_len: usize) {
    let p = run.progress;
    let s = p.summary;
    assert_eq!(p.bytes, input_len as u64, "bytes consumed");
    assert!(s.reconciles(), "records {} != converted {} + deferred {} + rejected {}", s.records, s.converted, s.deferred, s.rejected);

    let report: Value = serde_json::from_str(run.files.get("report.json").expect("a report is always written"))
        .expect("report.json is JSON");
    assert_eq!(report["summary"], serde_json::to_value(s).expect("summary"), "report summary = progress");
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics array");
    for d in diagnostics {
        for key in ["code", "severity", "message"] {
            assert!(d[key].as_str().is_some_and(|t| !t.is_empty()), "diagnostic without {key}: {d}");
        }
    }
    let errors = diagnostics.iter().filter(|d| d["severity"] == "error" && d["record"].is_u64()).count() as u64;
    assert!(errors >= s.rejected + s.deferred, "each rejected or deferred record has an error diagnostic");

    let ctx = CoreContext {
        features: Some(options.features.names().into_iter().map(String::from).collect()),
        now_ms: Some(NOW_MS),
        ..CoreContext::default()
    };
    let mut users = 0u64;
    for n in 1..=s.batches {
        let text = run.files.get(&batch_file_name(n)).unwrap_or_else(|| panic!("batch {n} missing"));
        let body: Value = serde_json::from_str(text).expect("a batch is JSON");
        let count = body["users"].as_array().expect("users array").len();
        assert!((1..=options.batch_size).contains(&count), "batch {n} holds {count} users");
        users += count as u64;
        let verdict = validate_request(&body, &ctx);
        assert_eq!(verdict.status, 200, "the core would refuse batch {n}: {:?}", verdict.body);
    }
    assert_eq!(users, s.converted, "batches hold every converted user");
    let batch_files = run.files.keys().filter(|k| k.starts_with("batch-")).count() as u64;
    assert_eq!(batch_files, s.batches, "no stray batch file");

    match run.files.get("lazy-migration.ndjson") {
        Some(text) => {
            assert_eq!(text.lines().count() as u64, s.deferred, "one lazy-migration line per deferred user");
            assert!(text.lines().all(|l| serde_json::from_str::<Value>(l).is_ok()));
            assert_eq!(run.secret.get("lazy-migration.ndjson"), Some(&true), "lazy migration file is secret");
        }
        None => assert_eq!(s.deferred, 0, "deferred users without a lazy-migration file"),
    }
    for (name, secret) in &run.secret {
        if name != "lazy-migration.ndjson" {
            assert!(!secret, "{name} flagged secret");
        }
    }
}
