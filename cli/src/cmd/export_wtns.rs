//! `zkid export wtns`: the full assignment of a statement on an input, as circom's `.wtns`
//! (wire order of `zkid export r1cs`: the constant one, the public signals, then every
//! private value), for `snarkjs groth16 prove` with a `.zkey` from `zkid export zkey`.
//!
//! The witness holds the private input and everything derived from it: it is for
//! benchmarking and interop on the machine that made it, never something to send.
//! A `match` witness matches the input against its own template (enrolled with a fresh
//! salt), at the bench threshold.

use super::identity::{CaptureArgs, load_capture};
use super::keydir::{AtomicFiles, InputArg, OutputArg, StatementArgs, StatementKind, load_model};
use crate::ui;
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::PathBuf;
use zkid_prover::json::field_to_decimal;
use zkid_prover::keys::{hex, sha256};
use zkid_prover::statement::{self, Statement};
use zkid_prover::stock::{MatchArgs, statement_assignment};
use zkid_prover::{OsRng, biometric};

/// Arguments of `zkid export wtns`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compiled model.
    pub model: PathBuf,
    /// The statement.
    #[arg(long, value_enum, default_value = "infer")]
    pub statement: StatementKind,
    /// The raw model input (`.npy`; for iris-code models the normalized iris image).
    #[arg(long, value_name = "X.npy")]
    pub input: PathBuf,
    /// Noise mask of the normalized iris (`.npy`), iris-code models only.
    #[arg(long, value_name = "MASK.npy")]
    pub mask: Option<PathBuf>,
    /// Input visibility of an `infer` statement (`setup --input`).
    #[arg(long, value_enum, default_value = "private", value_name = "MODE")]
    pub input_mode: InputArg,
    /// Output visibility of an `infer` statement (`setup --output`).
    #[arg(long = "output", value_enum, default_value = "public", value_name = "MODE")]
    pub output: OutputArg,
    /// Largest rotation shift (`match` on iris codes).
    #[arg(long, default_value_t = 15, value_name = "N")]
    pub max_shift: u32,
    /// Fewest jointly valid bits a rotation needs (`match` on iris codes).
    #[arg(long, default_value_t = 4096, value_name = "N")]
    pub min_bits: u32,
    /// The verifier's challenge (decimal); default: a fresh random nonce (printed).
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
    /// Output file (circom `.wtns`).
    #[arg(short = 'o', long = "out", value_name = "FILE.wtns")]
    pub out: PathBuf,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct JsonReport {
    wtns: String,
    model_digest: String,
    statement: String,
    values: u64,
    public_signals: Vec<String>,
    bytes: u64,
    sha256: String,
}

/// Runs `zkid export wtns`.
pub fn run(args: &Args) -> Result<()> {
    let statement = StatementArgs {
        statement: args.statement,
        input: args.input_mode,
        output: args.output,
        max_shift: args.max_shift,
        min_bits: args.min_bits,
    }
    .statement();
    let nonce = match &args.nonce {
        Some(n) => statement::parse_nonce(n).map_err(|_| {
            anyhow::anyhow!(crate::BadInput(
                "--nonce must be a decimal integer below the BN254 scalar-field modulus".into()
            ))
        })?,
        None => statement::random_nonce(),
    };
    let model = load_model(&args.model)?;
    let capture = CaptureArgs { image: args.input.clone(), mask: args.mask.clone() };
    let input = load_capture(&model, &capture)?;
    let enrolled = match statement {
        Statement::Match(_) => {
            let template = model.model.run(&input).context("integer inference failed")?.into_data();
            Some(biometric::Enrollment::from_template(&model, template, statement::random_nonce())?)
        }
        _ => None,
    };
    let tau = biometric::IRIS_TAU_DEFAULT.min(zkid_circuits::statement::matching::max_tau(&model.model));
    let matching = enrolled.as_ref().map(|e| MatchArgs { enrolled: e, tau });
    let (z, public) = statement_assignment(&model, statement, &input, matching, nonce, &mut OsRng)
        .with_context(|| format!("cannot compute the witness on input {}", args.input.display()))?;
    let bytes = zkid_prover::zkey_write::wtns_bytes(&z)?;
    let mut files = AtomicFiles::default();
    files.write(&args.out, &bytes)?;
    files.commit()?;

    let public: Vec<String> = public.iter().map(field_to_decimal).collect();
    let report = JsonReport {
        wtns: args.out.display().to_string(),
        model_digest: model.digest.to_hex(),
        statement: statement.id(),
        values: z.len() as u64,
        public_signals: public,
        bytes: bytes.len() as u64,
        sha256: hex(&sha256(&bytes)),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("model `{}` ({}), statement {}", model.model.meta().name, report.model_digest, report.statement);
    println!("nonce: {}", field_to_decimal(&nonce));
    println!(
        "witness: {} values ({} public signals); it holds the private input: keep it on this machine",
        ui::thousands(report.values),
        report.public_signals.len()
    );
    println!("wrote {} ({}, sha256 {})", report.wtns, ui::bytes(report.bytes), report.sha256);
    Ok(())
}
