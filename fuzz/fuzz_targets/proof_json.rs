//! Fuzz target `proof_json`: see [`zkid_fuzz::proof_json`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zkid_fuzz::proof_json(data));
