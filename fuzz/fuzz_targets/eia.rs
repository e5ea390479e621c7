#![no_main]
// The check itself is in src/checks.rs, shared with the regression replay test.
libfuzzer_sys::fuzz_target!(|data: &[u8]| quarry_fuzz::checks::eia(data));
