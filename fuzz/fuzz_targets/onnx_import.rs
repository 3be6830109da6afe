//! Fuzz target `onnx_import`: see [`zkid_fuzz::onnx_import`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zkid_fuzz::onnx_import(data));
