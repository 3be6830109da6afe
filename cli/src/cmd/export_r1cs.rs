//! `zkid export r1cs`: a statement's constraint system in circom's `.r1cs` format, the input
//! of a snarkjs Groth16 Phase-2 ceremony (`snarkjs groth16 setup FILE.r1cs POT.ptau …`),
//! whose final `.zkey` comes back through `zkid import-zkey`.

use super::keydir::{AtomicFiles, StatementArgs, load_model};
use crate::ui;
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::PathBuf;
use zkid_circuits::r1cs_file::R1csFile;
use zkid_prover::keys::{hex, sha256};

/// Arguments of `zkid export r1cs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compiled model.
    pub model: PathBuf,
    #[command(flatten)]
    pub statement: StatementArgs,
    /// Output file (circom `.r1cs`).
    #[arg(short = 'o', long = "out", value_name = "FILE.r1cs")]
    pub out: PathBuf,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct JsonReport {
    r1cs: String,
    model_digest: String,
    statement: String,
    constraints: u64,
    wires: u64,
    public_inputs: u64,
    non_zeros: u64,
    /// Smallest powers-of-tau exponent the ceremony needs (`2^power` ≥ constraints +
    /// public inputs + 1, the domain snarkjs and zkid use).
    ptau_power: u32,
    bytes: u64,
    sha256: String,
}

/// Runs `zkid export r1cs`.
pub fn run(args: &Args) -> Result<()> {
    let statement = args.statement.statement();
    let model = load_model(&args.model)?;
    let r1cs = zkid_prover::zkey::statement_r1cs(&model, statement).context("cannot build the statement's circuit")?;
    let file = R1csFile::from_r1cs(&r1cs).context("cannot encode the circuit as .r1cs")?;
    let bytes = file.to_bytes().context("cannot encode the circuit as .r1cs")?;

    let mut files = AtomicFiles::default();
    files.write(&args.out, &bytes)?;
    files.commit()?;

    let h = file.header;
    let public = h.n_public();
    let domain = (u64::from(h.n_constraints) + public + 1).next_power_of_two();
    let report = JsonReport {
        r1cs: args.out.display().to_string(),
        model_digest: model.digest.to_hex(),
        statement: statement.id(),
        constraints: u64::from(h.n_constraints),
        wires: u64::from(h.n_wires),
        public_inputs: public,
        non_zeros: r1cs.non_zeros() as u64,
        ptau_power: domain.trailing_zeros(),
        bytes: bytes.len() as u64,
        sha256: hex(&sha256(&bytes)),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("model `{}` ({}), statement {}", model.model.meta().name, report.model_digest, report.statement);
    println!(
        "circuit: {} constraints, {} wires (constant one included), {} public inputs, {} non-zeros",
        ui::thousands(report.constraints),
        ui::thousands(report.wires),
        report.public_inputs,
        ui::thousands(report.non_zeros)
    );
    println!("wrote {} ({}, sha256 {})", report.r1cs, ui::bytes(report.bytes), report.sha256);
    println!(
        "ceremony: needs powers of tau of power >= {} (snarkjs powersoftau new bn128 {} …); after Phase 2, \
         import the final .zkey with `zkid import-zkey` and the same statement flags",
        report.ptau_power, report.ptau_power
    );
    Ok(())
}
