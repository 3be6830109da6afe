//! `zkid import-zkey`: production keys from a snarkjs Groth16 Phase-2 ceremony.
//!
//! The ceremony runs on the circuit `zkid export r1cs` wrote; its final `.zkey` comes back
//! here. The `.zkey` is checked against the statement's circuit over the model (public
//! inputs, variables, constraints, domain, every row of A and B; see
//! [`zkid_prover::zkey`]) and converted into a keys directory with the same layout as
//! `zkid setup` writes, its manifest marked `"setup": "ceremony"`.

use super::keydir::{self, Manifest, StatementArgs, load_model};
use crate::{BadInput, ui};
use anyhow::Result;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;
use zkid_prover::keys::{hex, sha256};
use zkid_prover::zkey::{ImportedKeys, ZkeyError};

/// What `keys.json`'s `setup` says for keys imported from a ceremony.
pub const CEREMONY_SETUP: &str = "ceremony";

/// Arguments of `zkid import-zkey`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ceremony's final `.zkey` (snarkjs Groth16 Phase 2).
    pub zkey: PathBuf,
    /// The compiled model whose exported `.r1cs` the ceremony ran on.
    pub model: PathBuf,
    #[command(flatten)]
    pub statement: StatementArgs,
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

#[derive(Serialize)]
struct ZkeyReport {
    path: String,
    sha256: String,
    bytes: u64,
    /// Phase-2 contributions recorded in the file (absent if it has no such section).
    contributions: Option<u32>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    keys_dir: String,
    dev: bool,
    zkey: ZkeyReport,
    #[serde(flatten)]
    manifest: &'a Manifest,
    import_ms: f64,
    write_ms: f64,
}

/// A failed import: a `.zkey` that is malformed or for another circuit is unusable input
/// (exit 2); a prover error keeps its own exit code.
fn import_error(e: ZkeyError, path: &Path) -> anyhow::Error {
    let ctx = BadInput(format!("cannot import {}", path.display()));
    match e {
        ZkeyError::Prover(p) => anyhow::Error::from(p).context(ctx),
        other => anyhow::Error::from(other).context(ctx),
    }
}

/// Runs `zkid import-zkey`.
pub fn run(args: &Args) -> Result<()> {
    let statement = args.statement.statement();
    let model = load_model(&args.model)?;
    let bytes = super::read_input(&args.zkey, "zkey")?;
    let zkey = ZkeyReport {
        path: args.zkey.display().to_string(),
        sha256: hex(&sha256(&bytes)),
        bytes: bytes.len() as u64,
        contributions: None,
    };

    // Check before touching KEYS_DIR: a rejected zkey leaves nothing behind.
    let bar = ui::spinner("reading and checking the zkey", args.json);
    let start = Instant::now();
    let imported = zkid_prover::zkey::import_zkey(&bytes, &model, statement);
    bar.finish_and_clear();
    drop(bytes);
    let ImportedKeys { proving_key, verifying_key, info } = imported.map_err(|e| import_error(e, &args.zkey))?;
    let import_time = start.elapsed();
    let zkey = ZkeyReport { contributions: info.contributions, ..zkey };

    let created = keydir::prepare_dir(&args.out, args.force)?;
    let start = Instant::now();
    let result = keydir::write_keys_dir(
        &args.out,
        &proving_key,
        &verifying_key,
        &model,
        statement,
        info.num_constraints as u64,
        CEREMONY_SETUP,
    );
    if result.is_err() && created {
        // Only removes the directory if nothing was left in it.
        let _ = std::fs::remove_dir(&args.out);
    }
    let manifest = result?;
    let write_time = start.elapsed();

    if args.json {
        let report = JsonReport {
            keys_dir: args.out.display().to_string(),
            dev: false,
            zkey,
            manifest: &manifest,
            import_ms: ui::millis(import_time),
            write_ms: ui::millis(write_time),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let contributions = match zkey.contributions {
        Some(n) => format!("{n} Phase-2 contribution(s)"),
        None => "no contribution record".into(),
    };
    println!("ceremony keys from {} ({contributions}, sha256 {})", zkey.path, zkey.sha256);
    println!(
        "checked against model `{}` ({}), statement {}: public inputs, variables, constraints, domain \
         and every row of A and B match",
        manifest.model_name, manifest.model_digest, manifest.statement
    );
    keydir::print_keys(&manifest);
    println!(
        "note: a .zkey has no C matrix; `snarkjs zkey verify FILE.r1cs FINAL.ptau FILE.zkey` checks the whole \
         ceremony against the exported circuit"
    );
    println!("import time: {} (writing keys: {})", ui::duration(import_time), ui::duration(write_time));
    println!("wrote {}", args.out.join(keydir::MANIFEST).display());
    Ok(())
}
