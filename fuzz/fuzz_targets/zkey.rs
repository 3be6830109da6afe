//! Fuzz target `zkey`: see [`zkid_fuzz::zkey`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zkid_fuzz::zkey(data));
