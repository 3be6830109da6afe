//! The committed binding sources (written by `cargo xtask bindings`) are those the current
//! library generates: regenerates Swift, Kotlin and Python with the pinned uniffi from the
//! library this test build made and compares them byte for byte. A failure means the API
//! changed without `cargo xtask bindings` (the generated files are what apps build against).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

mod common;

use common::{cdylib, generate, root, scratch};

/// `(generated file, committed copy)` pairs from `bindings/generated.txt`.
fn outputs() -> impl Iterator<Item = (&'static str, &'static str)> {
    include_str!("../generated.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_once(' ').unwrap_or_else(|| panic!("bad line in generated.txt: {l}")))
}

#[test]
fn committed_bindings_are_up_to_date() {
    let dir = scratch("generated");
    let lib = cdylib();
    for language in [uniffi::TargetLanguage::Swift, uniffi::TargetLanguage::Kotlin, uniffi::TargetLanguage::Python] {
        generate(language, &lib, &dir);
    }
    let stale: Vec<&str> = outputs()
        .filter(|(fresh, committed)| {
            let fresh = std::fs::read(dir.join(fresh)).unwrap_or_else(|e| panic!("uniffi wrote no {fresh}: {e}"));
            std::fs::read(root().join(committed)).ok() != Some(fresh)
        })
        .map(|(_, committed)| committed)
        .collect();
    assert!(stale.is_empty(), "stale or missing generated bindings {stale:?}: run `cargo xtask bindings`");
    std::fs::remove_dir_all(&dir).unwrap();
}
