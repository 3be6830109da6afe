//! Fuzz target `key_file`: see [`zkid_fuzz::key_file`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zkid_fuzz::key_file(data));
