//! libFuzzer entry for the `csv_reader` target; the body is c2s_fuzz::csv_reader (shared with the stable fallback).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| c2s_fuzz::csv_reader(data));
