//! Helpers shared by the integration tests.
#![allow(dead_code)]

use clerk_to_supertokens::pipeline::{Converter, OutputFile};
use clerk_to_supertokens::Options;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A sample export from `../shared/samples/clerk/` (never copied into the project).
pub fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/clerk").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read sample {}: {e}", path.display()))
}

/// The files a conversion writes, assembled as a host would (create, then append).
pub fn convert_chunked(input: &[u8], options: Options, chunk: usize) -> BTreeMap<String, String> {
    let mut c = Converter::new(options).expect("valid options");
    let mut files = BTreeMap::new();
    let mut write = |pieces: Vec<OutputFile>| {
        for p in pieces {
            let f: &mut String = files.entry(p.name).or_default();
            if !p.append {
                f.clear();
            }
            f.push_str(&p.text);
        }
    };
    for part in input.chunks(chunk.max(1)) {
        write(c.push(part));
    }
    write(c.finish());
    files
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
