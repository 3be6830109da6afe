//! Fuzz target `vk_json`: see [`zkid_fuzz::vk_json`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zkid_fuzz::vk_json(data));
