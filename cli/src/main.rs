//! `zkid`: the command-line front end of zkid.
//!
//! Thin by design (see ARCHITECTURE.md): argument parsing, terminal output and exit codes
//! live here; every capability lives in the library crates.
//!
//! Exit codes: `0` success, `1` the operation failed, `2` unusable input or usage (missing
//! or malformed file, wrong shape, bad flag, over the memory budget), `130` cancelled
//! (Ctrl-C or SIGTERM; nothing is written, see [`interrupt`]).

mod cmd;
mod interrupt;
mod ui;

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use zkid_core::CoreError;
use zkid_prover::{ErrorKind, ProverError};

/// Prove quantized neural-network inference with Groth16.
#[derive(Debug, Parser)]
#[command(name = "zkid", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Quantize an ONNX model into a `.zkm` integer model and report its cost and fidelity.
    Compile(cmd::compile::Args),
    /// Run exact integer inference of a `.zkm` model on an `.npy` input.
    Infer(cmd::infer::Args),
    /// Compile and evaluate the bundled example models (no arguments, no downloads).
    Demo(cmd::demo::Args),
    /// Make a development Groth16 key pair for a statement over a `.zkm` model (`--dev`).
    Setup(cmd::setup::Args),
    /// Prove a model's inference on a private `.npy` input; writes a proof envelope.
    Prove(cmd::prove::Args),
    /// Verify a proof envelope: exit 0 valid, 1 invalid, 2 unusable input.
    Verify(cmd::verify::Args),
    /// Time setup, proving (per phase) and verification; key sizes and peak memory.
    Bench(cmd::bench::Args),
    /// Build the iris-code model (open-iris 1.11.2 encoder) from its integer filter taps.
    CompileIris(cmd::identity::CompileIrisArgs),
    /// Prove an enrollment: the template of a capture, committed; seals the enrollment.
    Enroll(cmd::identity::EnrollArgs),
    /// Prove whether a fresh capture matches a sealed enrollment (public verdict).
    Match(cmd::identity::MatchArgs),
    /// Capture-device keys and attestations: sign a proof's image commitment `c_img`.
    Attest(cmd::attest::Args),
    /// Check a statement's constraint system for under-constrained values (exit 1 on findings).
    Audit(cmd::audit::Args),
    /// Export snarkjs JSON, a Solidity verifier or the circuit as circom `.r1cs`.
    Export(cmd::export::Args),
    /// Convert a snarkjs Phase-2 `.zkey` (a ceremony's output) into zkid's key files.
    ImportZkey(cmd::import_zkey::Args),
}

/// Marks an error as caused by unusable input (exit code 2) rather than a failed operation.
///
/// Attached with [`anyhow::Context`], so its text is the first line of the error report.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Exit code for an error: 2 when the input was unusable, 1 otherwise.
fn exit_code(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<cmd::verify::InvalidProof>().is_some() {
        return 1;
    }
    if err.downcast_ref::<BadInput>().is_some() {
        return 2;
    }
    if let Some(e) = err.downcast_ref::<ProverError>() {
        return prover_exit_code(e);
    }
    core_exit_code(err.downcast_ref::<CoreError>())
}

/// Unusable keys, proofs and inputs are 2; a failed proof or verification is 1.
fn prover_exit_code(err: &ProverError) -> u8 {
    match err.kind() {
        ErrorKind::Model => match err {
            ProverError::Model(e) => core_exit_code(Some(e)),
            _ => 2,
        },
        ErrorKind::InvalidInput | ErrorKind::Key | ErrorKind::Sealing => 2,
        // A malformed proof document is unusable input; one that parses but belongs to
        // another key or challenge, or does not verify, is a failed verification.
        ErrorKind::Proof => match err {
            ProverError::ProofFormat(_)
            | ProverError::PublicInputFormat(_)
            | ProverError::PublicInputCount { .. }
            | ProverError::AttestationFormat(_) => 2,
            _ => 1,
        },
        ErrorKind::Cancelled => interrupt::EXIT_CODE,
        ErrorKind::Io | ErrorKind::Internal => 1,
    }
}

fn core_exit_code(err: Option<&CoreError>) -> u8 {
    match err {
        Some(
            CoreError::UnsupportedOp { .. }
            | CoreError::OnnxParse(_)
            | CoreError::InvalidModel { .. }
            | CoreError::InputShape { .. }
            | CoreError::NonFiniteInput { .. }
            | CoreError::InputRange { .. }
            | CoreError::Calibration(_)
            | CoreError::Zkm(_)
            | CoreError::Npy(_),
        ) => 2,
        _ => 1,
    }
}

/// Whether a panic payload is `println!` failing because the reader closed the pipe
/// (`zkid ... | head`).
fn is_broken_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    text.contains("failed printing to stdout") && text.contains("Broken pipe")
}

fn main() -> ExitCode {
    // A closed stdout (`| head`) ends the command quietly instead of with a panic message.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe(info.payload()) {
            default_hook(info);
        }
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(payload) if is_broken_pipe(payload.as_ref()) => ExitCode::SUCCESS,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

fn run() -> ExitCode {
    // clap exits with 2 on usage errors and 0 for --help/--version.
    let cli = Cli::parse();
    if let Err(e) = ui::init_progress_mode() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    interrupt::install();
    let result = match cli.command {
        Command::Compile(args) => cmd::compile::run(&args),
        Command::Infer(args) => cmd::infer::run(&args),
        Command::Demo(args) => cmd::demo::run(&args),
        Command::Setup(args) => cmd::setup::run(&args),
        Command::Prove(args) => cmd::prove::run(&args),
        Command::Verify(args) => cmd::verify::run(&args),
        Command::Bench(args) => cmd::bench::run(&args),
        Command::CompileIris(args) => cmd::identity::compile_iris(&args),
        Command::Enroll(args) => cmd::identity::enroll(&args),
        Command::Match(args) => cmd::identity::run_match(&args),
        Command::Attest(args) => cmd::attest::run(&args),
        Command::Audit(args) => cmd::audit::run(&args),
        Command::Export(args) => cmd::export::run(&args),
        Command::ImportZkey(args) => cmd::import_zkey::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the context chain on one line; core and prover error messages
            // never contain input, witness, salt or key values.
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code(&err))
        }
    }
}
