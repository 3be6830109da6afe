//! aarch64-unknown-linux-gnu: cross build with Debian's gcc cross toolchain, tests and a
//! small benchmark under qemu-user.
//!
//! The linker, the qemu runner and ring's C compiler are set in `.cargo/config.toml`, so a
//! plain `cargo test --target aarch64-unknown-linux-gnu` works as well; this module installs
//! the toolchain (idempotently) and picks what to build.
//!
//! Cost (2 cores, clean aarch64 target dir, measured): building the core + prover tests takes
//! about 5.5 min (`--timings`: 584 s of compile time in 376 units). 339 s of it, 171 units, is
//! ark-circom's tree (wasmer, cranelift, wast...), which the prover's dev-dependencies pull for
//! the three cross-checks against ark-circom's reduction; dev-dependencies are built for any
//! test target, `--lib` included, so only the prover can drop it (a
//! `[target.'cfg(target_arch = "x86_64")'.dev-dependencies]` entry and the same `cfg` on
//! those tests: the reduction is arithmetic, checking it on the host is enough). Running all 90
//! core and prover tests under qemu takes under 10 s. So every test runs and the step fits its
//! ~8 min budget.

use crate::Ctx;
use std::process::Command;
use std::time::Instant;

/// The cross target.
pub const TARGET: &str = "aarch64-unknown-linux-gnu";
/// Debian's cross gcc (linker, and C compiler for ring): also in `.cargo/config.toml`.
pub const GCC: &str = "aarch64-linux-gnu-gcc";
/// The aarch64 sysroot qemu-user loads the dynamic linker and libc from.
const SYSROOT: &str = "/usr/aarch64-linux-gnu";
/// Crates whose tests run on aarch64: the integer inference and the prover (circuits are
/// exercised through the prover's tests; their own suite is host-only to keep the step lean).
const TEST_PACKAGES: &[&str] = &["zkid-core", "zkid-prover"];
/// The benchmark: the mini iris fixture (models/iris/mini/README.md), both device statements.
const BENCH_MODEL: &str = "models/iris/mini/model.zkm";
const BENCH_STATEMENTS: &[(&str, &[&str])] = &[
    ("enroll", &["--statement", "enroll"]),
    ("match", &["--statement", "match", "--max-shift", "3", "--min-bits", "16"]),
];
const BENCH_RUNS: &str = "3";

/// CI step: core and prover tests under qemu.
pub fn test(ctx: &Ctx) -> Result<(), String> {
    toolchain(ctx)?;
    let packages: Vec<&str> = TEST_PACKAGES.iter().flat_map(|p| ["-p", p]).collect();
    let start = Instant::now();
    ctx.run(cross(ctx, "test").args(&packages).arg("--no-run"))?;
    let build = start.elapsed();
    let start = Instant::now();
    ctx.run(cross(ctx, "test").args(&packages))?;
    eprintln!(
        "  aarch64 tests: build {:.1} s, run under qemu-user {:.1} s",
        build.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `cargo xtask arm`: the CI step plus a small benchmark.
pub fn run(ctx: &Ctx) -> Result<(), String> {
    test(ctx)?;
    bench(ctx)
}

/// The rustup target and the Debian cross toolchain and qemu, installed if missing.
pub fn toolchain(ctx: &Ctx) -> Result<(), String> {
    ctx.rustup_target(TARGET)?;
    ctx.install("tools/apt/install.sh", &["gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross", "qemu-user-static"])
}

/// `cargo SUBCOMMAND --target aarch64-unknown-linux-gnu --profile ci`. The linker and runner
/// come from `.cargo/config.toml`; `CC_…` is repeated here so the step does not depend on a
/// user's `CC` overriding it.
fn cross(ctx: &Ctx, subcommand: &str) -> Command {
    let mut c = ctx.cargo();
    c.arg(subcommand).args(["--target", TARGET, "--profile", "ci"]).env("CC_aarch64_unknown_linux_gnu", GCC);
    c
}

/// `zkid bench --json` on the mini iris model, host and aarch64 under qemu-user; writes
/// `target/arm-bench.json`.
fn bench(ctx: &Ctx) -> Result<(), String> {
    // Without `interop` the CLI leaves out ark-circom (wasmer, cranelift): only the bench runs.
    ctx.run(cross(ctx, "build").args(["-p", "zkid-cli", "--no-default-features"]))?;
    ctx.run(ctx.cargo().args(["build", "-p", "zkid-cli", "--profile", "ci"]))?;
    let dir = ctx.target_dir();
    let arm = dir.join(TARGET).join("ci").join("zkid");
    let host = dir.join("ci").join("zkid");

    let mut entries = Vec::new();
    for (name, args) in BENCH_STATEMENTS {
        let mut emulated = Command::new("qemu-aarch64-static");
        emulated.arg("-L").arg(SYSROOT).arg(&arm);
        let mut native = Command::new(&host);
        for cmd in [&mut emulated, &mut native] {
            cmd.current_dir(&ctx.root).args(["bench", BENCH_MODEL, "--runs", BENCH_RUNS, "--json"]).args(*args);
        }
        let start = Instant::now();
        let arm_json = capture(&mut emulated)?;
        let arm_wall = start.elapsed().as_secs_f64();
        let host_json = capture(&mut native)?;
        entries.push(format!(
            "    {{\n      \"statement\": \"{name}\",\n      \"aarch64_qemu_wall_s\": {arm_wall:.1},\n      \
             \"aarch64_qemu\": {},\n      \"x86_64_host\": {}\n    }}",
            indent(&arm_json),
            indent(&host_json)
        ));
        summary(name, &arm_json, &host_json);
    }
    let report = format!(
        "{{\n  \"model\": \"{BENCH_MODEL}\",\n  \"note\": \"aarch64 numbers are from qemu-user (an emulator on an \
         x86_64 host), not from ARM hardware: compare them with each other, not with a device\",\n  \
         \"runs\": [\n{}\n  ]\n}}\n",
        entries.join(",\n")
    );
    let out = dir.join("arm-bench.json");
    std::fs::write(&out, &report).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!("  wrote {}", out.display());
    Ok(())
}

/// Runs `cmd` (stderr inherited) and returns its stdout.
fn capture(cmd: &mut Command) -> Result<String, String> {
    let shown = crate::describe(cmd);
    eprintln!("  $ {shown}");
    let out =
        cmd.stderr(std::process::Stdio::inherit()).output().map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{shown}` failed ({})", out.status));
    }
    String::from_utf8(out.stdout).map(|s| s.trim().to_owned()).map_err(|_| format!("`{shown}` printed non-UTF-8"))
}

/// A JSON document nested two levels deeper.
fn indent(json: &str) -> String {
    json.replace('\n', "\n      ")
}

/// A number field of `zkid bench --json` output (flat object, one field per line).
fn field(json: &str, key: &str) -> Option<f64> {
    let pattern = format!("\"{key}\":");
    let line = json.lines().find(|l| l.trim_start().starts_with(&pattern))?;
    line.trim().trim_start_matches(&pattern).trim().trim_end_matches(',').parse().ok()
}

/// One line per figure: aarch64 under qemu next to the host.
fn summary(statement: &str, arm: &str, host: &str) {
    eprintln!("\n  mini iris `{statement}` (ms; aarch64 = qemu-user emulation on this x86_64 host, not a device)");
    eprintln!("    {:<22} {:>12} {:>12} {:>7}", "", "aarch64/qemu", "x86_64", "ratio");
    for key in ["constraints", "setup_ms", "witness_ms", "msm_total_ms", "prove_ms", "verify_ms", "peak_rss_bytes"] {
        if let (Some(a), Some(h)) = (field(arm, key), field(host, key)) {
            let (key, a, h) = match key.strip_suffix("_bytes") {
                Some(stem) => (format!("{stem}_mib"), a / 1048576.0, h / 1048576.0),
                None => (key.to_owned(), a, h),
            };
            let ratio = if h > 0.0 { format!("{:.1}x", a / h) } else { String::new() };
            eprintln!("    {key:<22} {a:>12.1} {h:>12.1} {ratio:>7}");
        }
    }
}
