//! `cargo xtask`: the project's automation, in Rust (the matklad pattern).
//!
//! * `cargo xtask test` — format check, clippy with warnings denied, the whole test suite.
//! * `cargo xtask ci` — what CI runs (`.ci/run`); the same as `test` for now.
//! * `cargo xtask demo` — the release demo (`zkid demo`).
//!
//! Every step streams its output and the first failing step stops the run with its name.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// One command of a task.
struct Step {
    name: &'static str,
    args: &'static [&'static str],
}

const TEST: &[Step] = &[
    Step { name: "fmt", args: &["fmt", "--all", "--check"] },
    Step { name: "clippy", args: &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"] },
    // Proof tests need optimized code; the `ci` profile is release without LTO and with
    // parallel codegen, which compiles much faster on 2 cores.
    Step { name: "test", args: &["test", "--workspace", "--profile", "ci"] },
];

const DEMO: &[Step] = &[Step { name: "demo", args: &["run", "--release", "-p", "zkid-cli", "--", "demo"] }];

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  test    cargo fmt --check, cargo clippy -D warnings, cargo test --profile ci (whole workspace)
  ci      what .ci/run runs (currently the same as test)
  demo    cargo run --release -p zkid-cli -- demo";

/// The workspace root (xtask lives one level below it).
fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

/// Runs the steps in order, stopping at the first failure; prints timings at the end.
fn run(task: &str, steps: &[Step]) -> Result<(), String> {
    // `cargo` sets $CARGO to its own path for the commands it runs.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = root();
    let mut timings: Vec<(&str, Duration, bool)> = Vec::new();
    let total = Instant::now();
    let mut failure = None;
    for step in steps {
        eprintln!("\n==> [{task}] {}: cargo {}", step.name, step.args.join(" "));
        let start = Instant::now();
        let status = Command::new(&cargo).args(step.args).current_dir(&root).status();
        let ok = matches!(&status, Ok(s) if s.success());
        timings.push((step.name, start.elapsed(), ok));
        if !ok {
            failure = Some(match status {
                Ok(s) => format!("step `{}` failed ({s}): cargo {}", step.name, step.args.join(" ")),
                Err(e) => format!("step `{}` could not start cargo: {e}", step.name),
            });
            break;
        }
    }
    eprintln!("\n[{task}] step timings:");
    for (name, d, ok) in &timings {
        eprintln!("  {name:<8} {:>8.1} s  {}", d.as_secs_f64(), if *ok { "ok" } else { "FAILED" });
    }
    eprintln!("  {:<8} {:>8.1} s", "total", total.elapsed().as_secs_f64());
    failure.map_or(Ok(()), Err)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") | Some("ci") if args.len() == 1 => run(&args[0], TEST),
        Some("demo") if args.len() == 1 => run("demo", DEMO),
        Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
