//! Fuzz target `r1cs`: see [`zkid_fuzz::r1cs`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zkid_fuzz::r1cs(data));
