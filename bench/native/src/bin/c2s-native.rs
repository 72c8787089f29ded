//! The crate's streaming `Converter`, built natively: what bench/run.js compares the wasm CLI
//! against. Reads the export in 1 MiB chunks and writes the same files the CLI writes, then
//! prints the summary as JSON for the harness to check. Like the CLI, it keeps the converter's
//! identity log in a file (`.identity-log.tmp` in the output directory, removed at the end).
//!
//! Usage: c2s-native <users.csv> <out-dir>

use clerk_to_supertokens::pipeline::{Converter, OutputFile};
use clerk_to_supertokens::Options;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, out] = &args[..] else {
        eprintln!("usage: c2s-native <users.csv> <out-dir>");
        std::process::exit(2);
    };
    std::fs::create_dir_all(out).expect("create output directory");
    // As the wasm binding does: read the clock once, not per user.
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_millis() as i64;
    let options = Options { now_ms: Some(now_ms), ..Options::default() };
    let mut converter = Converter::new(options).expect("default options are valid");
    converter.keep_identity_log_outside().expect("before any input");
    let log_path = Path::new(out).join(".identity-log.tmp");
    let mut log = OpenOptions::new().create(true).truncate(true).read(true).write(true).open(&log_path).expect("create identity log");
    let mut files: HashMap<String, File> = HashMap::new();
    let mut input = File::open(input).expect("open input");
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = input.read(&mut buf).expect("read input");
        if n == 0 {
            break;
        }
        write(Path::new(out), &mut files, converter.push(&buf[..n]));
        log.write_all(&converter.take_identity_log()).expect("write identity log");
    }
    write(Path::new(out), &mut files, converter.finish());
    log.write_all(&converter.take_identity_log()).expect("write identity log");
    while converter.replay_needed() {
        log.seek(SeekFrom::Start(0)).expect("rewind identity log");
        loop {
            let n = log.read(&mut buf).expect("read identity log");
            if n == 0 {
                break;
            }
            converter.replay_identity_log(&buf[..n]);
        }
        write(Path::new(out), &mut files, converter.end_replay().expect("whole log replayed"));
        log.seek(SeekFrom::End(0)).expect("seek identity log");
        log.write_all(&converter.take_identity_log()).expect("write identity log");
    }
    drop(log);
    std::fs::remove_file(&log_path).expect("remove identity log");
    let p = converter.progress();
    println!(
        "{{\"records\":{},\"converted\":{},\"deferred\":{},\"rejected\":{},\"batches\":{}}}",
        p.summary.records, p.summary.converted, p.summary.deferred, p.summary.rejected, p.summary.batches
    );
}

fn write(dir: &Path, files: &mut HashMap<String, File>, pieces: Vec<OutputFile>) {
    for piece in pieces {
        if !piece.append {
            files.remove(&piece.name);
        }
        let file = files.entry(piece.name.clone()).or_insert_with(|| {
            OpenOptions::new()
                .create(true)
                .write(true)
                .append(piece.append)
                .truncate(!piece.append)
                .open(dir.join(&piece.name))
                .expect("open output file")
        });
        file.write_all(piece.text.as_bytes()).expect("write output");
    }
}
