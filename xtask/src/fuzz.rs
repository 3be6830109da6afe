//! `cargo xtask fuzz [--seconds N] [TARGET]`: builds the cargo-fuzz targets of `fuzz/`
//! once, writes their seed corpora, and runs each target for a bounded time.
//!
//! * cargo-fuzz is installed at a pinned version into `.tools/cargo-fuzz`
//!   (`tools/fuzz/install.sh`) and run with the `nightly` toolchain (libFuzzer needs the
//!   sanitizer and coverage flags, which are nightly-only).
//! * One `cargo fuzz build` (release, AddressSanitizer, debug assertions so integer
//!   overflow panics) builds every target and the seed writer, into `fuzz/target`.
//! * Seeds: `write_seeds` (a binary of the fuzz crate) writes small real files — a compiled
//!   model, dev keys, a proof, a `.zkey`, an `.r1cs`, a sealed enrollment, `.npy` arrays — to
//!   `target/fuzz-seeds/<target>`; they are regenerated on every run and never committed.
//! * Each target runs with a per-format `-max_len`, `-rss_limit_mb` (a larger allocation is
//!   a finding: parsers must refuse absurd sizes before allocating) and a per-input
//!   `-timeout`. New inputs accumulate in `fuzz/corpus/<target>` and findings land in
//!   `fuzz/artifacts/<target>` (cargo-fuzz's own layout, so `cargo +nightly fuzz run
//!   <target> <file>` replays a finding). Targets run one per core (two at a time on the
//!   2-core CI machine).
//!
//! Any crash, leak, out-of-memory or timeout fails the step and prints the reproducer's
//! path and the end of libFuzzer's log.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::Ctx;

/// Seconds each target runs for in `cargo xtask test`/`ci`. Chosen so that the whole step
/// (a clean build of the fuzz crate included) stays within about six minutes on 2 cores;
/// README "Fuzzing" has the measured figures.
pub const SMOKE_SECONDS: u64 = 15;

/// A fuzz target (`fuzz/fuzz_targets/<name>.rs`) and its libFuzzer limits.
struct Target {
    name: &'static str,
    /// `-max_len`: a little above the largest seed, so mutations can grow a real file.
    max_len: usize,
}

/// Every target, in the order they run.
const TARGETS: &[Target] = &[
    Target { name: "zkm", max_len: 16 << 10 },
    Target { name: "key_file", max_len: 64 << 10 },
    Target { name: "vk_json", max_len: 8 << 10 },
    Target { name: "proof_json", max_len: 8 << 10 },
    Target { name: "sealed_enrollment", max_len: 1 << 10 },
    Target { name: "npy", max_len: 4 << 10 },
    Target { name: "zkey", max_len: 16 << 10 },
    Target { name: "r1cs", max_len: 64 << 10 },
    Target { name: "onnx_import", max_len: 32 << 10 },
];

/// Memory limit of one fuzzing process (RSS, and the largest single allocation).
const RSS_LIMIT_MB: u32 = 2048;
/// An input that takes longer than this is a finding.
const TIMEOUT_SECONDS: u32 = 20;
/// The host triple cargo-fuzz builds for (its default).
const TRIPLE: &str = "x86_64-unknown-linux-gnu";

/// The `fuzz` step of `cargo xtask test`/`ci`: every target for [`SMOKE_SECONDS`].
pub fn smoke(ctx: &Ctx) -> Result<(), String> {
    run(ctx, SMOKE_SECONDS, None)
}

/// `cargo xtask fuzz [--seconds N] [TARGET]` from its command-line arguments.
pub fn command(ctx: &Ctx, args: &[String]) -> Result<(), String> {
    let mut seconds = SMOKE_SECONDS;
    let mut only = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                let v = it.next().ok_or("--seconds needs a value")?;
                seconds = v.parse().map_err(|_| format!("--seconds: not a number: {v}"))?;
            }
            name if only.is_none() && !name.starts_with('-') => only = Some(name.to_string()),
            other => {
                return Err(format!("unexpected argument `{other}` (usage: cargo xtask fuzz [--seconds N] [TARGET])"));
            }
        }
    }
    run(ctx, seconds, only.as_deref())
}

/// One target's outcome.
struct Outcome {
    name: &'static str,
    executions: Option<u64>,
    corpus: usize,
    /// `None` when the run found nothing, else what it found and where the input is.
    finding: Option<String>,
    log: PathBuf,
}

fn run(ctx: &Ctx, seconds: u64, only: Option<&str>) -> Result<(), String> {
    let targets: Vec<&Target> = TARGETS.iter().filter(|t| only.is_none_or(|o| o == t.name)).collect();
    if targets.is_empty() {
        let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
        return Err(format!("no fuzz target `{}` (targets: {})", only.unwrap_or_default(), names.join(", ")));
    }
    let fuzz_dir = ctx.root.join("fuzz");

    let start = Instant::now();
    ctx.install("tools/fuzz/install.sh", &[])?;
    let cargo_fuzz = ctx.root.join(".tools/cargo-fuzz/bin/cargo-fuzz");
    let tools = start.elapsed();

    let start = Instant::now();
    let build_dir = fuzz_dir.join("target");
    let mut build = Command::new("rustup");
    build
        .args(["run", "nightly"])
        .arg(&cargo_fuzz)
        .args(["fuzz", "build", "--fuzz-dir"])
        .arg(&fuzz_dir)
        .arg("--target-dir")
        .arg(&build_dir)
        .current_dir(&ctx.root);
    // The toolchain comes from `rustup run nightly`, not from the cargo that runs xtask.
    crate::without_xtask_env(&mut build);
    build.env_remove("CARGO").env_remove("RUSTUP_TOOLCHAIN");
    ctx.run(&mut build)?;
    let built = start.elapsed();
    let bin_dir = build_dir.join(TRIPLE).join("release");

    let start = Instant::now();
    let seeds = ctx.target_dir().join("fuzz-seeds");
    if seeds.exists() {
        fs::remove_dir_all(&seeds).map_err(|e| format!("cannot clear {}: {e}", seeds.display()))?;
    }
    ctx.run(Command::new(bin_dir.join("write_seeds")).arg(&ctx.root).arg(&seeds))?;
    let seeded = start.elapsed();

    let start = Instant::now();
    // One target per core, at most four (each may use up to RSS_LIMIT_MB).
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4).min(targets.len());
    eprintln!("  fuzzing {} target(s) for {seconds} s each, {jobs} at a time", targets.len());
    let outcomes = run_parallel(&targets, jobs, |t| fuzz_one(t, seconds, &fuzz_dir, &bin_dir, &seeds))?;
    let fuzzed = start.elapsed();

    eprintln!("\n  {:<18} {:>12} {:>9} {:>8}  result", "target", "executions", "exec/s", "corpus");
    for o in &outcomes {
        let execs = o.executions.map_or_else(|| "?".to_string(), |n| n.to_string());
        let rate = o.executions.map_or_else(|| "?".to_string(), |n| format!("{:.0}", n as f64 / seconds.max(1) as f64));
        let result = o.finding.as_deref().unwrap_or("ok");
        eprintln!("  {:<18} {execs:>12} {rate:>9} {:>8}  {result}", o.name, o.corpus);
    }
    eprintln!(
        "  fuzz: tools {:.1} s, build {:.1} s, seeds {:.1} s, runs {:.1} s",
        tools.as_secs_f64(),
        built.as_secs_f64(),
        seeded.as_secs_f64(),
        fuzzed.as_secs_f64()
    );
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.finding.is_some()).collect();
    if failed.is_empty() {
        return Ok(());
    }
    for o in &failed {
        eprintln!("\n  --- {} (log: {}) ---", o.name, o.log.display());
        eprintln!("{}", tail(&o.log, 40));
    }
    Err(format!(
        "{} fuzz target(s) found a bug: {}; replay with `{}/<target> <input>`",
        failed.len(),
        failed.iter().map(|o| o.name).collect::<Vec<_>>().join(", "),
        bin_dir.display()
    ))
}

/// Runs `f` over `targets` on `jobs` threads; outcomes come back in `targets` order.
fn run_parallel(
    targets: &[&Target],
    jobs: usize,
    f: impl Fn(&Target) -> Result<Outcome, String> + Sync,
) -> Result<Vec<Outcome>, String> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<Outcome, String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(t) = targets.get(i) else { break };
                    let r = f(t);
                    // A poisoned lock means another worker panicked; its panic ends the scope.
                    if let Ok(mut v) = results.lock() {
                        v.push((i, r));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().map_err(|_| "a fuzzing worker panicked".to_string())?;
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Files directly in `dir` (none if it does not exist).
fn files(dir: &Path) -> HashSet<PathBuf> {
    fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default()
}

/// Runs one target for `seconds`; its libFuzzer log goes to `fuzz/artifacts/<target>/log`.
fn fuzz_one(t: &Target, seconds: u64, fuzz_dir: &Path, bin_dir: &Path, seeds: &Path) -> Result<Outcome, String> {
    let corpus = fuzz_dir.join("corpus").join(t.name);
    let artifacts = fuzz_dir.join("artifacts").join(t.name);
    for dir in [&corpus, &artifacts] {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let log = artifacts.join("log");
    let before = files(&artifacts);
    let out = fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
    let mut cmd = Command::new(bin_dir.join(t.name));
    cmd.arg(&corpus)
        .arg(seeds.join(t.name))
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-max_len={}", t.max_len))
        .arg(format!("-rss_limit_mb={RSS_LIMIT_MB}"))
        .arg(format!("-timeout={TIMEOUT_SECONDS}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    eprintln!("  [{}] started", t.name);
    let started = Instant::now();
    let status = cmd.status().map_err(|e| format!("cannot start the fuzz target {}: {e}", t.name))?;
    let text = fs::read_to_string(&log).unwrap_or_default();
    let executions = stat(&text, "stat::number_of_executed_units:");
    let mut new: Vec<PathBuf> = files(&artifacts).difference(&before).filter(|p| **p != log).cloned().collect();
    new.sort();
    let finding = if status.success() && new.is_empty() {
        None
    } else if let Some(input) = new.first() {
        let kind = input.file_name().and_then(|n| n.to_str()).and_then(|n| n.split('-').next()).unwrap_or("crash");
        Some(format!("{kind}: {}", input.display()))
    } else {
        Some(format!("libFuzzer exited with {status} and left no input"))
    };
    eprintln!(
        "  [{}] {} in {:.0} s",
        t.name,
        if finding.is_some() { "FAILED" } else { "done" },
        started.elapsed().as_secs_f64()
    );
    Ok(Outcome { name: t.name, executions, corpus: files(&corpus).len(), finding, log })
}

/// The number after `key` in libFuzzer's final statistics.
fn stat(text: &str, key: &str) -> Option<u64> {
    text.lines().rev().find_map(|l| l.trim().strip_prefix(key)).and_then(|v| v.trim().parse().ok())
}

/// The last `n` lines of a file.
fn tail(path: &Path, n: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_final_stats() {
        let log = "#1024\tDONE   cov: 10\nstat::number_of_executed_units: 51234\nstat::average_exec_per_sec:     853\n";
        assert_eq!(stat(log, "stat::number_of_executed_units:"), Some(51234));
        assert_eq!(stat(log, "stat::peak_rss_mb:"), None);
    }

    #[test]
    fn every_target_has_a_source_file() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/fuzz_targets");
        for t in TARGETS {
            assert!(fuzz.join(format!("{}.rs", t.name)).is_file(), "fuzz/fuzz_targets/{}.rs", t.name);
        }
    }
}
