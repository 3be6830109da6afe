//! Shared helpers for zkid's cross-crate integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test-support crate: failing loudly is the point

use std::path::{Path, PathBuf};
use zkid_core::FTensor;

/// Repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Path of a file of a bundled model, e.g. `model_file("digits", "model.onnx")`.
pub fn model_file(model: &str, file: &str) -> PathBuf {
    repo_root().join("models").join(model).join(file)
}

/// Reads a bundled `.npy` file.
pub fn load_npy(model: &str, file: &str) -> FTensor {
    zkid_core::npy::load(&model_file(model, file)).unwrap_or_else(|e| panic!("{model}/{file}: {e}"))
}

/// Reads a bundled ONNX file.
pub fn onnx_bytes(model: &str) -> Vec<u8> {
    std::fs::read(model_file(model, "model.onnx")).unwrap_or_else(|e| panic!("{model}: {e}"))
}

pub mod naive;
pub mod onnx_builder;
