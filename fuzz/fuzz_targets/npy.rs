//! Fuzz target `npy`: see [`zkid_fuzz::npy`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zkid_fuzz::npy(data));
