//! Size report: stripped library size per target, wasm raw and gzipped, biggest dependencies.
//!
//! The mobile library (`zkid-ffi`, cdylib + staticlib) is built in release with `-p zkid-ffi`
//! alone: building it together with other workspace members would unify their features into
//! it (the CLI's `interop`, tract) and measure a library no phone ever gets. Copies of the
//! cdylib are stripped with the target's `strip`. The wasm package (`wasm/pkg`, built by
//! `cargo xtask wasm`) is measured as it is, raw and gzipped, if present. The biggest crates
//! come from `cargo bloat --crates` on the host cdylib (installed into `.tools/cargo-bloat`).
//! Everything is printed and written to `target/size-report.json`.

use crate::Ctx;
use crate::arm::{self, TARGET as ARM};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The library the size report is about.
const PACKAGE: &str = "zkid-ffi";
/// Its file name stem (`lib<stem>.so`, `lib<stem>.a`).
const LIB: &str = "zkid_ffi";
/// Crates that must not be in a phone's or a browser's library (see tests/tests/footprint.rs),
/// and crates worth knowing about when they are.
const WATCHED: &[&str] = &[
    "tract-core",
    "tract-onnx",
    "ark-circom",
    "wasmer",
    "cranelift-codegen",
    "clap",
    "indicatif",
    "anyhow",
    "serde_json",
    "postcard",
    "serde",
    "ring",
    "rayon",
    "uniffi",
    "npyz",
    "light-poseidon",
];
/// Rows of the `cargo bloat --crates` table to keep.
const BLOAT_ROWS: &str = "25";

/// One built library.
struct Lib {
    target: String,
    cdylib: u64,
    cdylib_stripped: u64,
    staticlib: u64,
}

/// `cargo xtask size`.
pub fn report(ctx: &Ctx) -> Result<(), String> {
    arm::toolchain(ctx)?;
    let dir = ctx.target_dir();
    let host = host_triple()?;
    let mut libs = Vec::new();
    for (target, strip) in [(host.as_str(), "strip"), (ARM, "aarch64-linux-gnu-strip")] {
        libs.push(build_and_strip(ctx, &dir, target, strip, target == host)?);
    }
    let wasm = wasm_files(&ctx.root.join("wasm").join("pkg"))?;
    let tree = dependency_tree(ctx)?;
    let bloat = bloat(ctx, &dir)?;

    eprintln!("\n  {PACKAGE} (release: lto=thin, codegen-units=1, opt-level=3)");
    eprintln!("    {:<28} {:>12} {:>12} {:>12}", "target", "cdylib", "stripped", "staticlib");
    for l in &libs {
        eprintln!("    {:<28} {:>12} {:>12} {:>12}", l.target, kib(l.cdylib), kib(l.cdylib_stripped), kib(l.staticlib));
    }
    if wasm.is_empty() {
        eprintln!("    wasm/pkg: not built (cargo xtask wasm)");
    }
    for (name, raw, gz) in &wasm {
        eprintln!(
            "    {:<28} {:>12} {:>12} {:>12}",
            format!("wasm/pkg/{name}"),
            kib(*raw),
            "",
            format!("gzip {}", kib(*gz))
        );
    }
    eprintln!("\n  {PACKAGE} dependency tree ({} crates, normal edges, host):", tree.len());
    for name in WATCHED {
        let present = tree.iter().any(|c| c == name);
        eprintln!("    {name:<20} {}", if present { "present" } else { "-" });
    }
    eprintln!("\n  biggest crates in the host cdylib (cargo bloat --crates, .text):\n{}", bloat.text);

    let mut json = String::from("{\n");
    let _ = writeln!(json, "  \"package\": \"{PACKAGE}\",\n  \"profile\": \"release\",\n  \"libraries\": [");
    let rows: Vec<String> = libs
        .iter()
        .map(|l| {
            format!(
                "    {{ \"target\": \"{}\", \"cdylib_bytes\": {}, \"cdylib_stripped_bytes\": {}, \"staticlib_bytes\": {} }}",
                l.target, l.cdylib, l.cdylib_stripped, l.staticlib
            )
        })
        .collect();
    let _ = writeln!(json, "{}\n  ],\n  \"wasm\": [", rows.join(",\n"));
    let rows: Vec<String> = wasm
        .iter()
        .map(|(name, raw, gz)| format!("    {{ \"file\": {}, \"bytes\": {raw}, \"gzip_bytes\": {gz} }}", quote(name)))
        .collect();
    let _ = writeln!(json, "{}\n  ],", rows.join(",\n"));
    let present: Vec<String> = WATCHED.iter().filter(|n| tree.iter().any(|c| c == *n)).map(|n| quote(n)).collect();
    let _ =
        writeln!(json, "  \"dependency_crates\": {},\n  \"watched_present\": [{}],", tree.len(), present.join(", "));
    let _ = writeln!(json, "  \"bloat\": {}\n}}", bloat.json.trim());
    let out = dir.join("size-report.json");
    std::fs::write(&out, json).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!("  wrote {}", out.display());
    Ok(())
}

/// `cargo build -p zkid-ffi --release` for `target`; sizes of the cdylib, a stripped copy of
/// it and the staticlib.
fn build_and_strip(ctx: &Ctx, dir: &Path, target: &str, strip: &str, host: bool) -> Result<Lib, String> {
    let mut build = ctx.cargo();
    build.args(["build", "-p", PACKAGE, "--release"]);
    // The host build goes to target/release like any other release build (cargo bloat reuses it).
    let out = if host {
        dir.join("release")
    } else {
        build.args(["--target", target]).env("CC_aarch64_unknown_linux_gnu", arm::GCC);
        dir.join(target).join("release")
    };
    ctx.run(&mut build)?;
    let cdylib = out.join(format!("lib{LIB}.so"));
    let stripped = dir.join("size").join(target).join(format!("lib{LIB}.so"));
    if let Some(parent) = stripped.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::copy(&cdylib, &stripped).map_err(|e| format!("cannot copy {}: {e}", cdylib.display()))?;
    ctx.run(Command::new(strip).arg(&stripped))?;
    Ok(Lib {
        target: target.to_owned(),
        cdylib: len(&cdylib)?,
        cdylib_stripped: len(&stripped)?,
        staticlib: len(&out.join(format!("lib{LIB}.a")))?,
    })
}

/// The `.wasm` files of the npm package: name, bytes, gzipped bytes (`gzip -9`).
fn wasm_files(pkg: &Path) -> Result<Vec<(String, u64, u64)>, String> {
    let Ok(entries) = std::fs::read_dir(pkg) else { return Ok(Vec::new()) };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    files.sort();
    let mut sizes = Vec::new();
    for path in files {
        let out = Command::new("gzip")
            .args(["-9", "-c"])
            .arg(&path)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run gzip: {e}"))?;
        if !out.status.success() {
            return Err(format!("gzip {} failed ({})", path.display(), out.status));
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        sizes.push((name, len(&path)?, out.stdout.len() as u64));
    }
    Ok(sizes)
}

/// Crate names in `cargo tree -p zkid-ffi -e normal` (host; cargo tree does not compile).
fn dependency_tree(ctx: &Ctx) -> Result<Vec<String>, String> {
    let mut cmd = ctx.cargo();
    cmd.args(["tree", "-p", PACKAGE, "-e", "normal", "--prefix", "none", "--format", "{p}"]);
    let text = stdout(&mut cmd)?;
    let mut names: Vec<String> = text.lines().filter_map(|l| l.split_whitespace().next()).map(str::to_owned).collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// `cargo bloat --crates` on the host release cdylib, as a table and as JSON.
struct Bloat {
    text: String,
    json: String,
}

fn bloat(ctx: &Ctx, dir: &Path) -> Result<Bloat, String> {
    let root = ctx.root.join(".tools").join("cargo-bloat");
    let bin = root.join("bin").join("cargo-bloat");
    if !bin.exists() {
        // Not `--locked`: cargo-bloat's own lock file pins versions our toolchain may reject.
        ctx.run(ctx.cargo().args(["install", "cargo-bloat", "--root"]).arg(&root))?;
    }
    let args = ["bloat", "-p", PACKAGE, "--lib", "--release", "--crates", "-n", BLOAT_ROWS];
    let run = |json: bool| {
        let mut cmd = Command::new(&bin);
        crate::without_xtask_env(&mut cmd);
        // cargo bloat builds with `strip = false`, a profile change that rebuilds every crate:
        // its own target dir keeps it from clobbering (and later rebuilding) target/release.
        cmd.current_dir(&ctx.root).env("CARGO", &ctx.cargo).env("CARGO_TARGET_DIR", dir.join("bloat")).args(args);
        if json {
            cmd.args(["--message-format", "json"]);
        }
        stdout(&mut cmd)
    };
    Ok(Bloat { text: run(false)?, json: run(true)? })
}

/// Runs `cmd` (stderr inherited) and returns its stdout.
fn stdout(cmd: &mut Command) -> Result<String, String> {
    let shown = crate::describe(cmd);
    eprintln!("  $ {shown}");
    let out = cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{shown}` failed ({})", out.status));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("`{shown}` printed non-UTF-8"))
}

/// The host target triple (`rustc -vV`).
fn host_triple() -> Result<String, String> {
    let text = stdout(Command::new("rustc").arg("-vV"))?;
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_owned())
        .ok_or_else(|| "`rustc -vV` printed no host triple".into())
}

fn len(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path).map(|m| m.len()).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// A JSON string (file names: no control characters expected, quotes and backslashes escaped).
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
