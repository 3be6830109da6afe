//! Fuzz target `zkm`: see [`zkid_fuzz::zkm`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zkid_fuzz::zkm(data));
