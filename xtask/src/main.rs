//! `cargo xtask`: the project's automation, in Rust (the matklad pattern).
//!
//! * `cargo xtask test` — format check, clippy with warnings denied, the whole test suite
//!   (which includes the Python, Kotlin and C binding tests), a bounded run of every fuzz
//!   target, the wasm package in Node and headless Chromium, and the aarch64 build of
//!   core + prover under qemu.
//! * `cargo xtask ci` — what CI runs (`.ci/run`); the same as `test`.
//! * `cargo xtask fuzz [--seconds N] [TARGET]` — builds the cargo-fuzz targets and runs
//!   each (or one) for N seconds; `test`/`ci` run it as a bounded smoke step.
//! * `cargo xtask bench [--compare] [--quick]` — the benchmark suite (`zkid bench --stock`
//!   per statement; with `--compare` snarkjs and ezkl on the same circuits and models).
//! * `cargo xtask demo` — the release demo (`zkid demo`).
//! * `cargo xtask wasm` — builds the npm package (`wasm/pkg`, release).
//! * `cargo xtask arm` — cross-builds for aarch64-unknown-linux-gnu and runs the core and
//!   prover tests and a small benchmark under qemu-user.
//! * `cargo xtask size` — stripped library size per target and the biggest dependencies.
//! * `cargo xtask bindings` — regenerates the Swift, Kotlin and Python sources.
//!
//! Every step streams its output and the first failing step stops the run with its name.

mod arm;
mod bench;
mod bindings;
mod fuzz;
mod size;
mod wasm;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// What a step does.
enum Action {
    /// `cargo <args>` in the workspace root.
    Cargo(&'static [&'static str]),
    /// A task written in Rust (see the modules).
    Run(fn(&Ctx) -> Result<(), String>),
}

/// One step of a task.
struct Step {
    name: &'static str,
    action: Action,
}

const FMT: Step = Step { name: "fmt", action: Action::Cargo(&["fmt", "--all", "--check"]) };
const CLIPPY: Step =
    Step { name: "clippy", action: Action::Cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]) };
// Proof tests need optimized code; the `ci` profile is release without LTO and with
// parallel codegen, which compiles much faster on 2 cores.
const TEST_SUITE: Step = Step { name: "test", action: Action::Cargo(&["test", "--workspace", "--profile", "ci"]) };

const TEST: &[Step] = &[
    FMT,
    CLIPPY,
    TEST_SUITE,
    Step { name: "fuzz", action: Action::Run(fuzz::smoke) },
    Step { name: "wasm", action: Action::Run(wasm::test) },
    Step { name: "arm", action: Action::Run(arm::test) },
];

const DEMO: &[Step] =
    &[Step { name: "demo", action: Action::Cargo(&["run", "--release", "-p", "zkid-cli", "--", "demo"]) }];

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  test      fmt --check, clippy -D warnings, cargo test --profile ci (whole workspace, with the
            Python/Kotlin/C binding tests), a fuzz smoke run, wasm in Node + headless Chromium,
            aarch64 under qemu
  ci        what .ci/run runs (the same as test)
  fuzz [--seconds N] [TARGET]
            build the cargo-fuzz targets (nightly) and run each, or TARGET, for N seconds
  bench [--compare] [--quick]
            benchmark suite: zkid vs stock ark-groth16 (and snarkjs, ezkl with --compare);
            target/bench/results.json and prove.svg
  demo      cargo run --release -p zkid-cli -- demo
  wasm      build the npm package into wasm/pkg (release)
  wasm-test the CI step alone: wasm (ci profile) in Node and headless Chromium
  arm       cross-build for aarch64-unknown-linux-gnu; core + prover tests and a bench under qemu
  arm-test  the CI step alone: core + prover tests under qemu
  size      stripped library size per target and the biggest dependencies
  bindings  regenerate the Swift, Kotlin and Python binding sources";

/// The workspace root and the cargo that runs us: what every step needs.
pub struct Ctx {
    /// `$CARGO` (cargo sets it for the commands it runs), else `cargo`.
    pub cargo: OsString,
    /// The workspace root.
    pub root: PathBuf,
}

impl Ctx {
    fn new() -> Self {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest.parent().map_or_else(|| manifest.to_path_buf(), Path::to_path_buf);
        Self { cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()), root }
    }

    /// A `cargo` command in the workspace root, without the variables `cargo run` set for
    /// xtask itself (see [`without_xtask_env`]).
    pub fn cargo(&self) -> Command {
        let mut c = Command::new(&self.cargo);
        c.current_dir(&self.root);
        without_xtask_env(&mut c);
        c
    }

    /// Runs `cmd` with inherited output; an error names the command and its status.
    pub fn run(&self, cmd: &mut Command) -> Result<(), String> {
        eprintln!("  $ {}", describe(cmd));
        match cmd.status() {
            Ok(s) if s.success() => Ok(()),
            Ok(s) => Err(format!("`{}` failed ({s})", describe(cmd))),
            Err(e) => Err(format!("cannot start `{}`: {e}", describe(cmd))),
        }
    }

    /// `target/` (or `$CARGO_TARGET_DIR`).
    pub fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| self.root.join("target"), PathBuf::from)
    }

    /// Adds the rustup target `target` unless it is installed already.
    pub fn rustup_target(&self, target: &str) -> Result<(), String> {
        let installed = Command::new("rustup")
            .args(["target", "list", "--installed"])
            .output()
            .map_err(|e| format!("cannot run `rustup target list --installed`: {e}"))?;
        if !installed.status.success() {
            return Err(format!("`rustup target list --installed` failed ({})", installed.status));
        }
        if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == target) {
            return Ok(());
        }
        self.run(Command::new("rustup").args(["target", "add", target]))
    }

    /// Runs one of the project's install scripts (`tools/…/install.sh`), which are idempotent.
    pub fn install(&self, script: &str, args: &[&str]) -> Result<(), String> {
        self.run(Command::new("bash").arg(self.root.join(script)).args(args))
    }
}

/// Removes the variables `cargo run` set for xtask from `cmd`'s environment. ring's build
/// script declares `rerun-if-env-changed=CARGO_MANIFEST_DIR` and cargo compares the value in
/// its own environment: inheriting xtask's (`…/xtask`) made every switch between
/// `cargo xtask …` and a plain `cargo …` rebuild ring and everything above it.
pub fn without_xtask_env(cmd: &mut Command) {
    const SET_BY_CARGO_RUN: &[&str] =
        &["CARGO_MANIFEST_DIR", "CARGO_MANIFEST_PATH", "CARGO_CRATE_NAME", "CARGO_BIN_NAME", "CARGO_PRIMARY_PACKAGE"];
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_") || SET_BY_CARGO_RUN.contains(&name.as_ref()) {
            cmd.env_remove(name.as_ref());
        }
    }
}

/// `program arg arg…` for messages.
fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs the steps in order, stopping at the first failure; prints timings at the end.
fn run(task: &str, steps: &[Step]) -> Result<(), String> {
    let ctx = Ctx::new();
    let mut timings: Vec<(&str, Duration, bool)> = Vec::new();
    let total = Instant::now();
    let mut failure = None;
    for step in steps {
        let start = Instant::now();
        let result = match &step.action {
            Action::Cargo(args) => {
                eprintln!("\n==> [{task}] {}: cargo {}", step.name, args.join(" "));
                ctx.run(ctx.cargo().args(*args))
            }
            Action::Run(f) => {
                eprintln!("\n==> [{task}] {}", step.name);
                f(&ctx)
            }
        };
        timings.push((step.name, start.elapsed(), result.is_ok()));
        if let Err(e) = result {
            failure = Some(format!("step `{}` failed: {e}", step.name));
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
    let single = |name: &'static str, f: fn(&Ctx) -> Result<(), String>| [Step { name, action: Action::Run(f) }];
    let result = match args.first().map(String::as_str) {
        Some("test") | Some("ci") if args.len() == 1 => run(&args[0], TEST),
        Some("demo") if args.len() == 1 => run("demo", DEMO),
        Some("bench") => bench::command(&Ctx::new(), &args[1..]),
        Some("fuzz") => fuzz::command(&Ctx::new(), &args[1..]),
        Some("wasm") if args.len() == 1 => run("wasm", &single("wasm", wasm::package)),
        Some("wasm-test") if args.len() == 1 => run("wasm-test", &single("wasm", wasm::test)),
        Some("arm-test") if args.len() == 1 => run("arm-test", &single("arm", arm::test)),
        Some("arm") if args.len() == 1 => run("arm", &single("arm", arm::run)),
        Some("size") if args.len() == 1 => run("size", &single("size", size::report)),
        Some("bindings") if args.len() == 1 => run("bindings", &single("bindings", bindings::generate)),
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
