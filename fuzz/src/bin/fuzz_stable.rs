//! The stable-toolchain fallback for machines without nightly or cargo-fuzz: runs a target
//! on mutations of its corpus for a number of seconds. No coverage guidance, so it finds less
//! than libFuzzer, but it runs the same target bodies with the same invariants.
//!
//! Usage: fuzz_stable --target <name> [--seconds N] [--max-len N] [corpus dirs...]
//! Prints `execs: N` and, on a crash, writes the input to fuzz/artifacts/<target>/ and exits 1.

use c2s_fuzz::TARGETS;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Byte strings the mutator splices in: the structure the readers care about.
const TOKENS: &[&[u8]] = &[
    b",", b"\"", b"\n", b"\r\n", b"\r", b"\t=", b"[", b"{", b"}", b"]", b":", b"\"users\"", b"\xEF\xBB\xBF",
    b"\xFF\xFE", b"\xC3", b"\xE2\x82", b"\0", b"id", b"user_1", b"a@x.dev", b"$2b$10$", b"bcrypt", b"2024-03-01T12:00:00Z",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>, max_len: usize) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => input.insert(rng.below(len + 1), rng.next() as u8),
            2 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                input.drain(i..i + n);
            }
            3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(len + 1);
                input.splice(at..at, t.iter().copied());
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let piece = input[i..(i + 1 + rng.below(256)).min(len)].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, piece);
            }
            5 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(other.len() + 1);
                input.truncate(rng.below(len + 1));
                input.extend_from_slice(&other[cut..]);
            }
            _ if len > 0 => input[rng.below(len)] = rng.next() as u8,
            _ => input.push(rng.next() as u8),
        }
    }
    input.truncate(max_len);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut target, mut seconds, mut max_len, mut dirs) = (None, 30u64, 65_536usize, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--target" => target = args.next(),
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(seconds),
            "--max-len" => max_len = args.next().and_then(|s| s.parse().ok()).unwrap_or(max_len),
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    let name = target.unwrap_or_else(|| usage("missing --target"));
    let Some(&(_, run)) = TARGETS.iter().find(|(n, _)| *n == name) else { usage("unknown target") };

    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for dir in &dirs {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if let Ok(bytes) = std::fs::read(entry.path()) {
                seeds.push(bytes.into_iter().take(max_len).collect());
            }
        }
    }
    let started = Instant::now();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D ^ started.elapsed().as_nanos() as u64 ^ std::process::id() as u64);
    let mut execs = 0u64;
    let budget = Duration::from_secs(seconds);
    let mut input = Vec::new();
    while started.elapsed() < budget {
        if execs < seeds.len() as u64 {
            input.clone_from(&seeds[execs as usize]);
        } else {
            if seeds.is_empty() || rng.below(4) == 0 {
                input.clear();
            } else {
                input.clone_from(&seeds[rng.below(seeds.len())]);
            }
            mutate(&mut rng, &seeds, &mut input, max_len);
        }
        if std::panic::catch_unwind(|| run(&input)).is_err() {
            let mut h = DefaultHasher::new();
            input.hash(&mut h);
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts").join(&name);
            let path = dir.join(format!("crash-{:016x}", h.finish()));
            let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &input));
            println!("stable: {name}: crash after {execs} execs; input written to {}", path.display());
            std::process::exit(1);
        }
        execs += 1;
    }
    println!("stable: {name}: execs: {execs} in {seconds} s, {} seeds, crashes: 0", seeds.len());
}

fn usage(why: &str) -> ! {
    let names: Vec<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
    eprintln!("fuzz_stable: {why}\nusage: fuzz_stable --target <{}> [--seconds N] [--max-len N] [corpus dirs...]", names.join("|"));
    std::process::exit(2);
}
