//! Binding generation: Swift, Kotlin and Python sources from the `zkid-ffi` library (UniFFI
//! library mode), with the crate's own `uniffi-bindgen` (the exact uniffi the library is
//! built with).
//!
//! Output (committed; unformatted, so the result does not depend on which formatters a
//! machine has):
//!
//! * `ios/Sources/Zkid/zkid_ffi.swift` — the Swift API;
//! * `ios/Sources/ZkidFFI/zkid_ffiFFI.h` and `zkid_ffiFFI.modulemap` — the C module the Swift
//!   code imports; `ios/build-xcframework.sh` puts them in the XCFramework's `Headers/`;
//! * `android/zkid/src/main/kotlin/uniffi/zkid_ffi/zkid_ffi.kt` — the Kotlin API (JNA);
//! * `bindings/python/zkid/zkid_ffi.py` — the Python API (with the hand-written
//!   `__init__.py`; the native library goes next to it).

use std::path::Path;

use crate::Ctx;

/// `(generated file, destination relative to the workspace root)` pairs, from
/// `bindings/generated.txt` (shared with the staleness test).
fn outputs() -> impl Iterator<Item = (&'static str, &'static str)> {
    include_str!("../../bindings/generated.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::copy(from, to).map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))?;
    Ok(())
}

/// `cargo xtask bindings`.
pub fn generate(ctx: &Ctx) -> Result<(), String> {
    // The generator first (it enables `bindgen` on the crate), then the library as apps link
    // it, so the cdylib the generator reads is the plain one.
    ctx.run(ctx.cargo().args([
        "build",
        "--release",
        "-p",
        "zkid-ffi",
        "--features",
        "bindgen",
        "--bin",
        "uniffi-bindgen",
    ]))?;
    ctx.run(ctx.cargo().args(["build", "--release", "-p", "zkid-ffi", "--lib"]))?;

    let release = ctx.target_dir().join("release");
    let library = release.join(format!("{}zkid_ffi{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX));
    let generator = release.join(format!("uniffi-bindgen{}", std::env::consts::EXE_SUFFIX));
    let out = ctx.target_dir().join("zkid-bindings");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    let mut cmd = std::process::Command::new(&generator);
    cmd.current_dir(&ctx.root).arg("generate").arg("--library").arg(&library);
    for language in ["swift", "kotlin", "python"] {
        cmd.args(["--language", language]);
    }
    ctx.run(cmd.arg("--out-dir").arg(&out).args(["--no-format", "--metadata-no-deps"]))?;

    for (generated, dest) in outputs() {
        copy(&out.join(generated), &ctx.root.join(dest))?;
        eprintln!("  wrote {dest}");
    }
    Ok(())
}
