//! `zkid setup`: a development Groth16 key pair for a statement over a compiled model.

use super::keydir::{self, Manifest, StatementArgs, load_model, prepare_dir};
use super::memory::{self, EstimateJson, MemoryArgs};
use crate::{BadInput, ui};
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;
use zkid_prover::{OsRng, RangeMode, statement};

/// Arguments of `zkid setup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compiled model.
    pub model: PathBuf,
    #[command(flatten)]
    pub statement: StatementArgs,
    /// Make a development key pair in this process. Required: it is the only setup
    /// available locally, and its keys are insecure for production.
    #[arg(long)]
    pub dev: bool,
    /// Directory for the keys (created if missing; must be empty unless `--force`).
    #[arg(short = 'o', long = "out", value_name = "KEYS_DIR")]
    pub out: PathBuf,
    /// Prove range checks by byte-table lookups over a committed witness (lookup mode): far
    /// fewer constraints and faster proofs, but the proofs verify only with zkid (`zkid
    /// verify`, the bindings, wasm), not with snarkjs or the Solidity verifier.
    #[arg(long)]
    pub lookup: bool,
    /// Overwrite the key files of a non-empty KEYS_DIR.
    #[arg(long)]
    pub force: bool,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

/// The warning every dev setup prints.
pub const DEV_WARNING: &str = "\
WARNING: this is a DEVELOPMENT setup, INSECURE FOR PRODUCTION.
WARNING: the toxic waste (tau, alpha, beta, gamma, delta) existed in this process; anyone
WARNING: who ran it or could read its memory can forge proofs for these keys.
WARNING: production keys come from a multi-party ceremony (snarkjs Phase 2), imported
WARNING: with `zkid import-zkey`.";

#[derive(Serialize)]
struct JsonReport<'a> {
    keys_dir: String,
    dev: bool,
    #[serde(flatten)]
    manifest: &'a Manifest,
    proving_key_uncompressed_bytes: u64,
    setup_ms: f64,
    write_ms: f64,
    memory_estimate: EstimateJson,
}

/// Runs `zkid setup`.
pub fn run(args: &Args) -> Result<()> {
    if !args.dev {
        return Err(anyhow!(BadInput(
            "refusing to set up without --dev: the only setup zkid can make locally is a development setup, \
             whose keys are insecure for production (the toxic waste exists in the process that made them). \
             Production keys come from a multi-party ceremony (snarkjs Phase 2) and will be imported with \
             `zkid import-zkey`. Pass --dev for development keys."
                .into()
        )));
    }
    let statement = args.statement.statement();
    let budget = args.memory.budget()?;
    let model = load_model(&args.model)?;
    prepare_dir(&args.out, args.force)?;
    // Before any key material exists: a setup or proofs over budget are refused here.
    let mode = RangeMode::from_lookup(args.lookup);
    let (size, setup_estimate, prove_estimate) = memory::check_setup(&model, statement, mode, budget)?;
    eprintln!("{DEV_WARNING}");

    // The keys directory is created, and removed again on failure, by `write_keys_dir`.
    let (manifest, pk_uncompressed, setup_time, write_time) =
        write_keys(args, &model, statement, mode, size.constraints)?;
    let estimate = EstimateJson::new(budget, &prove_estimate, Some(&setup_estimate));

    if args.json {
        let report = JsonReport {
            keys_dir: args.out.display().to_string(),
            dev: true,
            manifest: &manifest,
            proving_key_uncompressed_bytes: pk_uncompressed,
            setup_ms: ui::millis(setup_time),
            write_ms: ui::millis(write_time),
            memory_estimate: estimate,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "dev setup for model `{}` ({}), statement {}",
        manifest.model_name, manifest.model_digest, manifest.statement
    );
    keydir::print_keys(&manifest);
    println!("setup time: {} (writing keys: {})", ui::duration(setup_time), ui::duration(write_time));
    println!(
        "estimated peak memory: setup {}, proving {} (budget {budget})",
        ui::bytes(setup_estimate.peak),
        ui::bytes(prove_estimate.peak)
    );
    println!("wrote {}", args.out.join(keydir::MANIFEST).display());
    Ok(())
}

type Written = (Manifest, u64, std::time::Duration, std::time::Duration);

/// Runs the setup and writes the four files all-or-nothing.
fn write_keys(
    args: &Args,
    model: &statement::LoadedModel,
    statement: statement::Statement,
    mode: RangeMode,
    constraints: u64,
) -> Result<Written> {
    let bar = ui::spinner("dev setup", args.json);
    let start = Instant::now();
    let keys = statement::setup_with(model, statement, mode, &mut OsRng).context("dev setup failed");
    bar.finish_and_clear();
    let (pk, vk) = keys?;
    let setup_time = start.elapsed();

    let start = Instant::now();
    let manifest = keydir::write_keys_dir(&args.out, &pk, &vk, model, statement, constraints, "dev")?;
    let shape_key = &pk.key;
    Ok((manifest, shape_key.uncompressed_size() as u64, setup_time, start.elapsed()))
}
