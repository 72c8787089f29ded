//! Helpers shared by the integration tests.
#![allow(dead_code)]

use clerk_to_supertokens::clerk::{ClerkUser, Framing, Identifier, JsonUserReader, RecordReader, RecordSink};
use clerk_to_supertokens::pipeline::{Converter, OutputFile};
use clerk_to_supertokens::{Diagnostic, Location, Options};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A sample export from `../shared/samples/clerk/` (never copied into the project).
pub fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/clerk").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read sample {}: {e}", path.display()))
}

/// Applies output pieces as a host does: a piece starts its file afresh unless it appends.
pub fn write_pieces(files: &mut BTreeMap<String, String>, pieces: Vec<OutputFile>) {
    for p in pieces {
        let f = files.entry(p.name).or_default();
        if !p.append {
            f.clear();
        }
        f.push_str(&p.text);
    }
}

/// The files a conversion writes, assembled as a host would (create, then append).
pub fn convert_chunked(input: &[u8], options: Options, chunk: usize) -> BTreeMap<String, String> {
    let mut c = Converter::new(options).expect("valid options");
    let mut files = BTreeMap::new();
    let mut write = |pieces: Vec<OutputFile>| write_pieces(&mut files, pieces);
    for part in input.chunks(chunk.max(1)) {
        write(c.push(part));
    }
    write(c.finish());
    files
}

/// The files and summary of a conversion pushed in the pieces between `cuts` (ascending
/// offsets into `input`; none for one push).
pub fn convert_cut(input: &[u8], options: &Options, cuts: &[usize]) -> (BTreeMap<String, String>, clerk_to_supertokens::Summary) {
    let mut c = Converter::new(options.clone()).expect("valid options");
    let mut files = BTreeMap::new();
    let mut start = 0;
    for &cut in cuts {
        write_pieces(&mut files, c.push(&input[start..cut]));
        start = cut;
    }
    write_pieces(&mut files, c.push(&input[start..]));
    write_pieces(&mut files, c.finish());
    (files, c.progress().summary)
}

/// Converts in one push.
pub fn convert(input: &[u8], options: Options) -> BTreeMap<String, String> {
    convert_chunked(input, options, input.len().max(1))
}

/// The parsed report.
pub fn report(files: &BTreeMap<String, String>) -> Value {
    serde_json::from_str(&files["report.json"]).expect("report.json is JSON")
}

/// All users of all batches, in order.
pub fn users(files: &BTreeMap<String, String>) -> Vec<Value> {
    files
        .iter()
        .filter(|(name, _)| name.starts_with("batch-"))
        .flat_map(|(_, text)| {
            let v: Value = serde_json::from_str(text).expect("batch is JSON");
            v["users"].as_array().expect("users array").clone()
        })
        .collect()
}

/// Options from JSON, as the host would pass them.
pub fn options(json: &str) -> Options {
    serde_json::from_str(json).expect("options")
}

/// Splits `input` into pieces whose sizes cycle through `sizes` (each at least 1).
pub fn pieces<'a>(input: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes.get(i % sizes.len().max(1)).copied().unwrap_or(usize::MAX).clamp(1, rest.len());
        let (head, tail) = rest.split_at(n);
        out.push(head);
        rest = tail;
        i += 1;
    }
    out
}

/// A join run: each Backend API file, then the main input, all cut into pieces of `sizes`.
pub fn convert_join(api_files: &[&[u8]], main: &[u8], options: Options, sizes: &[usize]) -> BTreeMap<String, String> {
    let mut c = Converter::new(options).expect("valid options");
    let mut files = BTreeMap::new();
    let mut write = |pieces: Vec<OutputFile>| write_pieces(&mut files, pieces);
    for api in api_files {
        for part in pieces(api, sizes) {
            write(c.push_api(part).expect("API files come first"));
        }
        write(c.end_api_file().expect("API files come first"));
    }
    for part in pieces(main, sizes) {
        write(c.push(part));
    }
    write(c.finish());
    files
}

/// What a reader sent to its sink, owned.
#[derive(Debug, Default)]
pub struct Collected {
    /// Users with their locations.
    pub users: Vec<(Location, ClerkUser<'static>)>,
    /// Bad records with their reasons.
    pub bad: Vec<(Location, Diagnostic)>,
    /// Other diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

impl RecordSink for Collected {
    fn user(&mut self, at: Location, user: ClerkUser<'_>) {
        self.users.push((at, user.into_owned()));
    }
    fn bad_record(&mut self, at: Location, reason: Diagnostic) {
        self.bad.push((at, reason));
    }
    fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// Runs a reader over `input` in pieces of `chunk` bytes.
pub fn read_all(mut reader: impl RecordReader, input: &[u8], chunk: usize) -> Collected {
    let mut sink = Collected::default();
    for part in input.chunks(chunk.max(1)) {
        reader.push(part, &mut sink);
    }
    reader.finish(&mut sink);
    sink
}

/// A JSON reader in document framing over `input`, whole, checked against 1-byte pieces.
pub fn read_json(input: &[u8], legacy_verified: bool) -> Collected {
    let whole = read_all(JsonUserReader::new(Framing::Document, legacy_verified), input, input.len());
    let bytewise = read_all(JsonUserReader::new(Framing::Document, legacy_verified), input, 1);
    assert_eq!(format!("{whole:?}"), format!("{bytewise:?}"), "1-byte chunks read differently");
    whole
}

/// An identifier, for expected values.
pub fn id(value: &str, verified: bool, primary: bool) -> Identifier<'static> {
    Identifier::new(value.to_string(), verified, primary)
}

/// A JSON object literal as metadata.
pub fn meta(v: Value) -> Option<Map<String, Value>> {
    v.as_object().cloned()
}
