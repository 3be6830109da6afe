//! The wasm package: `zkid-wasm` built for wasm32-unknown-unknown, bound with wasm-bindgen,
//! tested in Node and headless Chromium.
//!
//! * [`test`] (CI step): the `ci` profile, bindings for the web and Node into
//!   `target/wasm-test/pkg`, then `node --test wasm/tests/node.test.mjs` and the Chromium test
//!   `wasm/tests/browser.test.mjs` (the example page driven by playwright-core).
//! * [`package`] (`cargo xtask wasm`): the release npm package `@zkid/wasm` in `wasm/pkg`.
//!
//! Always `-p zkid-wasm` alone: a workspace build unifies features, and the CLI's `interop`
//! (ark-circom, wasmer) or core's `onnx` (tract) must never reach the wasm build.
//! Tools are installed idempotently first: the rustup target, clang (ring compiles C for
//! wasm32), wasm-bindgen-cli at the crate's exact version (`tools/wasm/install.sh`), Chromium
//! and playwright-core. A missing tool fails the step with the reason; nothing is skipped.

use crate::Ctx;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The wasm target.
const TARGET: &str = "wasm32-unknown-unknown";
/// The crate, and the module name wasm-bindgen writes (`zkid_wasm.js`, `zkid_wasm_bg.wasm`).
const PACKAGE: &str = "zkid-wasm";
const OUT_NAME: &str = "zkid_wasm";
/// The browser the Chromium test drives (Debian's package).
const CHROMIUM: &str = "/usr/bin/chromium";

/// CI step: builds the package (ci profile) and runs the Node and Chromium tests.
pub fn test(ctx: &Ctx) -> Result<(), String> {
    let start = Instant::now();
    let bindgen = toolchain(ctx)?;
    ctx.install("tools/apt/install.sh", &["chromium", "chromium-driver"])?;
    ctx.install("tools/npm/install.sh", &[])?;
    let tools = start.elapsed();

    let start = Instant::now();
    let wasm = build(ctx, "ci")?;
    let out = ctx.target_dir().join("wasm-test");
    let pkg = out.join("pkg");
    bind(ctx, &bindgen, &wasm, &pkg)?;
    let build = start.elapsed();
    report_size(&pkg.join("web").join(format!("{OUT_NAME}_bg.wasm")), "ci profile")?;

    let start = Instant::now();
    let node_test = |file: &str| {
        let mut c = Command::new("node");
        c.current_dir(&ctx.root)
            .args(["--test", "--test-reporter=spec", file])
            .env("ZKID_WASM_PKG", &pkg)
            .env("ZKID_WASM_OUT", &out)
            .env("ZKID_CHROMIUM", CHROMIUM);
        c
    };
    ctx.run(&mut node_test("wasm/tests/node.test.mjs"))?;
    let node = start.elapsed();
    let start = Instant::now();
    ctx.run(&mut node_test("wasm/tests/browser.test.mjs"))?;
    let browser = start.elapsed();
    eprintln!(
        "  wasm: tools {:.1} s, build + bindgen {:.1} s, node tests {:.1} s, chromium test {:.1} s",
        tools.as_secs_f64(),
        build.as_secs_f64(),
        node.as_secs_f64(),
        browser.as_secs_f64()
    );
    Ok(())
}

/// `cargo xtask wasm`: the release npm package in `wasm/pkg`.
pub fn package(ctx: &Ctx) -> Result<(), String> {
    let bindgen = toolchain(ctx)?;
    let wasm = build(ctx, "release")?;
    let pkg = ctx.root.join("wasm").join("pkg");
    bind(ctx, &bindgen, &wasm, &pkg)?;
    let readme = ctx.root.join("wasm").join("README.md");
    std::fs::copy(&readme, pkg.join("README.md")).map_err(|e| format!("cannot copy {}: {e}", readme.display()))?;
    eprintln!("  wrote the npm package @zkid/wasm in {}", pkg.display());
    report_size(&pkg.join("web").join(format!("{OUT_NAME}_bg.wasm")), "release")
}

/// The rustup target, clang and wasm-bindgen-cli; returns the wasm-bindgen binary.
fn toolchain(ctx: &Ctx) -> Result<PathBuf, String> {
    ctx.rustup_target(TARGET)?;
    ctx.install("tools/apt/install.sh", &["clang"])?;
    let start = Instant::now();
    ctx.install("tools/wasm/install.sh", &[])?;
    let took = start.elapsed().as_secs_f64();
    if took > 5.0 {
        eprintln!("  wasm-bindgen-cli installed in {took:.0} s");
    }
    let bin = ctx.root.join(".tools/wasm-bindgen/bin/wasm-bindgen");
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!("tools/wasm/install.sh succeeded but {} is missing", bin.display()))
    }
}

/// `llvm-ar` under one of the names Debian installs it with (`llvm-ar-14`, …).
fn llvm_ar() -> Result<String, String> {
    let names = std::iter::once("llvm-ar".to_string()).chain((14..=21).rev().map(|v| format!("llvm-ar-{v}")));
    for name in names {
        if Command::new(&name).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return Ok(name);
        }
    }
    Err("no llvm-ar found (ring's C for wasm32 needs clang's archiver: tools/apt/install.sh clang)".into())
}

/// `cargo build -p zkid-wasm --target wasm32-unknown-unknown --profile PROFILE`; returns the
/// `.wasm`. ring's C is compiled by clang (gcc has no wasm32 backend).
fn build(ctx: &Ctx, profile: &str) -> Result<PathBuf, String> {
    ctx.run(
        ctx.cargo()
            .args(["build", "-p", PACKAGE, "--target", TARGET, "--profile", profile])
            .env("CC_wasm32_unknown_unknown", "clang")
            .env("AR_wasm32_unknown_unknown", llvm_ar()?),
    )?;
    let wasm = ctx.target_dir().join(TARGET).join(profile).join(format!("{OUT_NAME}.wasm"));
    if wasm.is_file() { Ok(wasm) } else { Err(format!("cargo built no {}", wasm.display())) }
}

/// wasm-bindgen for the browser (`web/`, an ES module with `init()`) and Node (`node/`,
/// CommonJS), and the package.json that routes `@zkid/wasm` to one or the other.
fn bind(ctx: &Ctx, bindgen: &Path, wasm: &Path, pkg: &Path) -> Result<(), String> {
    for (dir, target, kind) in [("web", "web", "module"), ("node", "nodejs", "commonjs")] {
        let out = pkg.join(dir);
        if out.exists() {
            std::fs::remove_dir_all(&out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
        }
        ctx.run(
            Command::new(bindgen).args(["--target", target, "--out-name", OUT_NAME, "--out-dir"]).arg(&out).arg(wasm),
        )?;
        // Each half says its module kind, whatever the importing project's package.json says.
        write(&out.join("package.json"), &format!("{{ \"type\": \"{kind}\" }}\n"))?;
    }
    let version = env!("CARGO_PKG_VERSION");
    write(&pkg.join("package.json"), &package_json(version))
}

/// The npm manifest: Node resolves `node/` (CommonJS, reads the `.wasm` from disk), browsers
/// and bundlers `web/` (ES module; call the default export `init()` once before use).
fn package_json(version: &str) -> String {
    let entry =
        |dir: &str| format!("{{ \"types\": \"./{dir}/{OUT_NAME}.d.ts\", \"default\": \"./{dir}/{OUT_NAME}.js\" }}");
    format!(
        r#"{{
  "name": "@zkid/wasm",
  "version": "{version}",
  "description": "zkid in the browser and Node: Groth16 proofs of biometric enrollment and match (wasm)",
  "license": "MIT OR Apache-2.0",
  "files": ["web/", "node/", "README.md"],
  "main": "./node/{OUT_NAME}.js",
  "module": "./web/{OUT_NAME}.js",
  "browser": "./web/{OUT_NAME}.js",
  "types": "./web/{OUT_NAME}.d.ts",
  "exports": {{
    ".": {{
      "node": {node},
      "browser": {web},
      "default": {web}
    }},
    "./web": {web},
    "./node": {node},
    "./package.json": "./package.json"
  }},
  "sideEffects": false
}}
"#,
        node = entry("node"),
        web = entry("web"),
    )
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Prints the module's size, raw and gzipped (`gzip -9`, what a server sends).
fn report_size(wasm: &Path, what: &str) -> Result<(), String> {
    let raw = std::fs::metadata(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?.len();
    let gz = Command::new("gzip").args(["-9", "-c"]).arg(wasm).output().map_err(|e| format!("cannot run gzip: {e}"))?;
    if !gz.status.success() {
        return Err(format!("gzip failed on {} ({})", wasm.display(), gz.status));
    }
    let mib = |n: u64| n as f64 / (1024.0 * 1024.0);
    eprintln!(
        "  {} ({what}): {raw} bytes ({:.2} MiB) raw, {} bytes ({:.2} MiB) gzip -9",
        wasm.display(),
        mib(raw),
        gz.stdout.len(),
        mib(gz.stdout.len() as u64)
    );
    Ok(())
}
