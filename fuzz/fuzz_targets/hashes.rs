//! libFuzzer entry for the `hashes` target; the body is c2s_fuzz::hashes (shared with the stable fallback).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| c2s_fuzz::hashes(data));
