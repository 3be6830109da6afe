//! `zkid setup`: a development Groth16 key pair for a statement over a compiled model.

use super::keydir::{self, Manifest, StatementArgs, load_model, prepare_dir};
use crate::{BadInput, ui};
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;
use zkid_prover::{OsRng, statement};

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
    /// Overwrite the key files of a non-empty KEYS_DIR.
    #[arg(long)]
    pub force: bool,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
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
    let model = load_model(&args.model)?;
    let created = prepare_dir(&args.out, args.force)?;
    eprintln!("{DEV_WARNING}");

    let result = write_keys(args, &model, statement);
    if result.is_err() && created {
        // Only removes the directory if nothing was left in it.
        let _ = std::fs::remove_dir(&args.out);
    }
    let (manifest, pk_uncompressed, setup_time, write_time) = result?;

    if args.json {
        let report = JsonReport {
            keys_dir: args.out.display().to_string(),
            dev: true,
            manifest: &manifest,
            proving_key_uncompressed_bytes: pk_uncompressed,
            setup_ms: ui::millis(setup_time),
            write_ms: ui::millis(write_time),
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
    println!("wrote {}", args.out.join(keydir::MANIFEST).display());
    Ok(())
}

type Written = (Manifest, u64, std::time::Duration, std::time::Duration);

/// Runs the setup and writes the four files all-or-nothing.
fn write_keys(args: &Args, model: &statement::LoadedModel, statement: statement::Statement) -> Result<Written> {
    let bar = ui::spinner("dev setup", args.json);
    let start = Instant::now();
    let constraints = keydir::count_constraints(model, statement)?;
    let keys = statement::setup(model, statement, &mut OsRng).context("dev setup failed");
    bar.finish_and_clear();
    let (pk, vk) = keys?;
    let setup_time = start.elapsed();

    let start = Instant::now();
    let manifest = keydir::write_keys_dir(&args.out, &pk, &vk, model, statement, constraints, "dev")?;
    let shape_key = &pk.key;
    Ok((manifest, shape_key.uncompressed_size() as u64, setup_time, start.elapsed()))
}
