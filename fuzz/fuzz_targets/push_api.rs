//! libFuzzer entry for the `push_api` target; the body is c2s_fuzz::push_api (shared with the stable fallback).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| c2s_fuzz::push_api(data));
