//! Shared by the binding tests: the mini iris fixture, the library cargo built for this test
//! run, and binding generation with the pinned uniffi (in-process, library mode).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test uses a subset; tests fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The mini iris fixture directory (`models/iris/mini`).
pub fn mini_dir() -> PathBuf {
    root().join("models/iris/mini")
}

/// A fixture file's bytes.
pub fn mini(name: &str) -> Vec<u8> {
    let path = mini_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The directory cargo put this test's executable and the library's artifacts in
/// (`target/<profile>/deps`).
pub fn deps_dir() -> PathBuf {
    std::env::current_exe().unwrap().parent().unwrap().to_path_buf()
}

/// A library artifact of `zkid-ffi` built for this test run (`libzkid_ffi.so` /
/// `libzkid_ffi.a`): cargo builds every crate type of the library before the tests, in
/// `deps/` (and copies it one level up). Fails with where it looked.
pub fn artifact(file: &str) -> PathBuf {
    let deps = deps_dir();
    let candidates = [deps.join(file), deps.parent().unwrap().join(file)];
    candidates.iter().find(|p| p.is_file()).cloned().unwrap_or_else(|| {
        panic!(
            "{file} not found in {} or its parent: cargo should build the library's crate types for the tests",
            deps.display()
        )
    })
}

/// The cdylib for this platform.
pub fn cdylib() -> PathBuf {
    artifact(&format!("{}zkid_ffi{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX))
}

/// A fresh scratch directory under the target directory, named for the test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = deps_dir().parent().unwrap().join("zkid-ffi-tests").join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Generates `language` bindings from `library` into `out_dir` with the pinned uniffi, in
/// library mode, unformatted (deterministic: no external formatter is involved).
pub fn generate(language: uniffi::TargetLanguage, library: &Path, out_dir: &Path) {
    uniffi::generate(uniffi::GenerateOptions {
        languages: vec![language],
        source: library.to_path_buf().try_into().expect("library path is not UTF-8"),
        out_dir: out_dir.to_path_buf().try_into().expect("output path is not UTF-8"),
        config_override: None,
        format: false,
        crate_filter: None,
        metadata_no_deps: true,
    })
    .unwrap_or_else(|e| panic!("uniffi generation for {library:?} failed: {e:#}"));
}

/// Runs `cmd`, failing the test with its output unless it succeeds.
pub fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot start {:?}: {e}", cmd.get_program()));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
