//! Fuzz target `sealed_enrollment`: see [`zkid_fuzz::sealed_enrollment`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zkid_fuzz::sealed_enrollment(data));
