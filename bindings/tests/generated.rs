//! The committed binding sources (written by `cargo xtask bindings`) are those the current
//! library generates: regenerates Swift, Kotlin and Python with the pinned uniffi from the
//! library this test build made and compares them byte for byte. A failure means the API
//! changed without `cargo xtask bindings` (the generated files are what apps build against).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

mod common;

use common::{cdylib, generate, root, scratch};

/// `(generated file, committed copy)`, as in `xtask/src/bindings.rs`.
const OUTPUTS: &[(&str, &str)] = &[
    ("zkid_ffi.swift", "ios/Sources/Zkid/zkid_ffi.swift"),
    ("zkid_ffiFFI.h", "ios/Sources/ZkidFFI/zkid_ffiFFI.h"),
    ("zkid_ffiFFI.modulemap", "ios/Sources/ZkidFFI/zkid_ffiFFI.modulemap"),
    ("uniffi/zkid_ffi/zkid_ffi.kt", "android/zkid/src/main/kotlin/uniffi/zkid_ffi/zkid_ffi.kt"),
    ("zkid_ffi.py", "bindings/python/zkid/zkid_ffi.py"),
];

#[test]
fn committed_bindings_are_up_to_date() {
    let dir = scratch("generated");
    let lib = cdylib();
    for language in [uniffi::TargetLanguage::Swift, uniffi::TargetLanguage::Kotlin, uniffi::TargetLanguage::Python] {
        generate(language, &lib, &dir);
    }
    let stale: Vec<&str> = OUTPUTS
        .iter()
        .filter(|(fresh, committed)| {
            let fresh = std::fs::read(dir.join(fresh)).unwrap_or_else(|e| panic!("uniffi wrote no {fresh}: {e}"));
            std::fs::read(root().join(committed)).ok() != Some(fresh)
        })
        .map(|(_, committed)| *committed)
        .collect();
    assert!(stale.is_empty(), "stale or missing generated bindings {stale:?}: run `cargo xtask bindings`");
    std::fs::remove_dir_all(&dir).unwrap();
}
