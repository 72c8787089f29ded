//! libFuzzer entry for the `converter` target; the body is c2s_fuzz::converter (shared with the stable fallback).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| c2s_fuzz::converter(data));
