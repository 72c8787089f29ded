//! libFuzzer entry for the `validator` target; the body is c2s_fuzz::validator (shared with the stable fallback).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| c2s_fuzz::validator(data));
