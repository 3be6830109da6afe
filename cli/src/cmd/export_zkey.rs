//! `zkid export zkey`: a keys directory's proving key as a snarkjs Groth16 `.zkey`, so
//! snarkjs can prove zkid's circuit with zkid's key (`snarkjs groth16 prove circuit.zkey
//! witness.wtns proof.json public.json`, the witness from `zkid export wtns`). The proofs
//! verify with the same verifying key (`zkid verify`, snarkjs, Solidity).

use super::keydir::{AtomicFiles, StatementArgs, load_model, load_proving_key, read_manifest};
use crate::{BadInput, ui};
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::PathBuf;
use zkid_prover::keys::{hex, sha256};

/// Arguments of `zkid export zkey`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keys directory written by `zkid setup` (or `import-zkey`).
    #[arg(long, value_name = "KEYS_DIR")]
    pub keys: PathBuf,
    /// The compiled model the keys are for.
    pub model: PathBuf,
    #[command(flatten)]
    pub statement: StatementArgs,
    /// Output file (snarkjs `.zkey`).
    #[arg(short = 'o', long = "out", value_name = "FILE.zkey")]
    pub out: PathBuf,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct JsonReport {
    zkey: String,
    model_digest: String,
    statement: String,
    constraints: u64,
    variables: u64,
    public_inputs: u64,
    domain_size: u64,
    bytes: u64,
    sha256: String,
}

/// Runs `zkid export zkey`.
pub fn run(args: &Args) -> Result<()> {
    let statement = args.statement.statement();
    let model = load_model(&args.model)?;
    let manifest = read_manifest(&args.keys)?;
    let pk = load_proving_key(&args.keys, manifest.as_ref())?;
    pk.check_for(&model.digest, &statement.id()).with_context(|| {
        BadInput(format!(
            "the keys in {} are not for statement {} over model {}",
            args.keys.display(),
            statement.id(),
            args.model.display()
        ))
    })?;
    let r1cs = zkid_prover::zkey::statement_r1cs(&model, statement).context("cannot build the statement's circuit")?;
    let bytes = zkid_prover::zkey_write::zkey_bytes(&pk.key, &r1cs).context("cannot encode the key as .zkey")?;
    let mut files = AtomicFiles::default();
    files.write(&args.out, &bytes)?;
    files.commit()?;

    let report = JsonReport {
        zkey: args.out.display().to_string(),
        model_digest: model.digest.to_hex(),
        statement: statement.id(),
        constraints: r1cs.num_constraints() as u64,
        variables: pk.key.num_variables() as u64,
        public_inputs: pk.key.num_public_inputs() as u64,
        domain_size: pk.key.domain_size() as u64,
        bytes: bytes.len() as u64,
        sha256: hex(&sha256(&bytes)),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("model `{}` ({}), statement {}", model.model.meta().name, report.model_digest, report.statement);
    println!(
        "circuit: {} constraints, {} variables, {} public inputs, domain {}",
        ui::thousands(report.constraints),
        ui::thousands(report.variables),
        report.public_inputs,
        ui::thousands(report.domain_size)
    );
    println!("wrote {} ({}, sha256 {})", report.zkey, ui::bytes(report.bytes), report.sha256);
    println!(
        "prove with snarkjs: zkid export wtns {} --statement … --input X.npy -o witness.wtns; \
         snarkjs groth16 prove {} witness.wtns proof.json public.json",
        args.model.display(),
        report.zkey
    );
    Ok(())
}
