//! `zkid setup`: a development Groth16 key pair for a statement over a compiled model.

use super::keydir::{self, AtomicFiles, CircuitCounts, FileEntry, Manifest, ManifestFiles, StatementArgs, load_model};
use crate::{BadInput, ui};
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;
use zkid_prover::keys::hex;
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
WARNING: with `zkid import-zkey` (a later release).";

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

/// Refuses a path that is not a directory, or a non-empty directory without `--force`;
/// returns whether the directory had to be created.
fn prepare_dir(dir: &Path, force: bool) -> Result<bool> {
    let ctx = || BadInput(format!("cannot use keys directory {}", dir.display()));
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => Err(anyhow!("it exists and is not a directory")).with_context(ctx),
        Ok(_) => {
            let non_empty = std::fs::read_dir(dir).with_context(ctx)?.next().is_some();
            if non_empty && !force {
                return Err(anyhow!("it is not empty; pass --force to overwrite its key files")).with_context(ctx);
            }
            Ok(false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).with_context(ctx)?;
            Ok(true)
        }
        Err(e) => Err(e).with_context(ctx),
    }
}

/// Runs `zkid setup`.
pub fn run(args: &Args) -> Result<()> {
    if !args.dev {
        return Err(anyhow!(BadInput(
            "refusing to set up without --dev: the only setup zkid can make locally is a development setup, \
             whose keys are insecure for production (the toxic waste exists in the process that made them). \
             Production keys come from a multi-party ceremony (snarkjs Phase 2) and will be imported with \
             `zkid import-zkey` (a later release). Pass --dev for development keys."
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
    let c = &manifest.circuit;
    println!(
        "dev setup for model `{}` ({}), statement {}",
        manifest.model_name, manifest.model_digest, manifest.statement
    );
    println!(
        "circuit: {} constraints, {} variables, {} public inputs, domain 2^{} = {}",
        ui::thousands(c.constraints),
        ui::thousands(c.variables),
        c.public_inputs,
        c.domain_size.trailing_zeros(),
        ui::thousands(c.domain_size)
    );
    let files = [
        (keydir::PROVING_KEY, &manifest.files.proving_key),
        (keydir::VERIFYING_KEY, &manifest.files.verifying_key),
        (keydir::VERIFICATION_KEY_JSON, &manifest.files.verification_key_json),
    ];
    let rows: Vec<Vec<String>> =
        files.iter().map(|(name, e)| vec![(*name).to_string(), ui::bytes(e.bytes), e.sha256.clone()]).collect();
    print!("{}", ui::table(&["file", "size", "sha256"], &rows, &[false, true, false]));
    println!("verifying key digest: {}", manifest.vk_digest);
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
    let dir = &args.out;
    let mut files = AtomicFiles::default();
    let entry = |path: &Path, sha256: [u8; 32]| -> Result<FileEntry> {
        Ok(FileEntry {
            sha256: hex(&sha256),
            bytes: std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len(),
        })
    };
    let pk_tmp = files.add(&dir.join(keydir::PROVING_KEY));
    let pk_entry = entry(&pk_tmp, pk.save(&pk_tmp).with_context(|| format!("cannot write {}", pk_tmp.display()))?)?;
    let vk_tmp = files.add(&dir.join(keydir::VERIFYING_KEY));
    let vk_entry = entry(&vk_tmp, vk.save(&vk_tmp).with_context(|| format!("cannot write {}", vk_tmp.display()))?)?;
    let json = vk.key.to_snarkjs_string();
    let json_entry = FileEntry { sha256: sha256_hex(json.as_bytes()), bytes: json.len() as u64 };
    files.write(&dir.join(keydir::VERIFICATION_KEY_JSON), json.as_bytes())?;

    let shape_key = &pk.key;
    let manifest = Manifest {
        version: keydir::MANIFEST_VERSION,
        setup: "dev".into(),
        model_digest: model.digest.to_hex(),
        model_name: model.model.meta().name.clone(),
        statement: statement.id(),
        vk_digest: hex(&pk.header.vk_digest),
        circuit: CircuitCounts {
            constraints,
            variables: shape_key.num_variables() as u64,
            public_inputs: shape_key.num_public_inputs() as u64,
            domain_size: shape_key.domain_size() as u64,
        },
        files: ManifestFiles { proving_key: pk_entry, verifying_key: vk_entry, verification_key_json: json_entry },
    };
    let text = serde_json::to_string_pretty(&manifest)?;
    files.write(&dir.join(keydir::MANIFEST), text.as_bytes())?;
    files.commit()?;
    Ok((manifest, shape_key.uncompressed_size() as u64, setup_time, start.elapsed()))
}

/// SHA-256 of `bytes`, hex.
fn sha256_hex(bytes: &[u8]) -> String {
    hex(&zkid_prover::keys::sha256(bytes))
}
