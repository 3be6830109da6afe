//! `zkid verify`: checks a proof envelope against a verifying key.
//!
//! Exit 0 and `valid` on a valid proof; exit 1 with a one-line reason on an invalid one
//! (including a proof for another model's key or another challenge); exit 2 when the key or
//! the proof file cannot be used at all.

use super::keydir::{load_verifying_key, read_manifest};
use super::prove::parse_nonce_arg;
use super::read_input;
use crate::{BadInput, ui};
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;
use zkid_prover::statement::{ProofEnvelope, verify_envelope};
use zkid_prover::{ProverError, keys::hex};

/// Arguments of `zkid verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keys directory written by `zkid setup` (only the verifying key is read).
    #[arg(long, value_name = "KEYS_DIR")]
    pub keys: PathBuf,
    /// The proof file written by `zkid prove`.
    pub proof: PathBuf,
    /// The challenge the proof must answer (decimal). Without it, any nonce is accepted.
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
    /// Print one JSON object instead of the human-readable result.
    #[arg(long)]
    pub json: bool,
}

/// Marks a proof that was checked and rejected (exit code 1, not 2).
#[derive(Debug)]
pub struct InvalidProof(pub String);

impl std::fmt::Display for InvalidProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid proof: {}", self.0)
    }
}

impl std::error::Error for InvalidProof {}

#[derive(Serialize)]
struct JsonReport {
    valid: bool,
    reason: Option<String>,
    model_digest: String,
    statement: String,
    vk_digest: String,
    nonce_checked: bool,
    verify_ms: f64,
}

/// The reason a proof was rejected, or `None` when the error means unusable input.
fn rejection(err: &ProverError) -> Option<String> {
    match err {
        ProverError::EnvelopeMismatch { what, .. } => {
            Some(format!("the proof is for another {what} than the one these keys are for"))
        }
        ProverError::NonceMismatch => Some("the proof answers another challenge (nonce mismatch)".into()),
        _ => None,
    }
}

/// Runs `zkid verify`.
pub fn run(args: &Args) -> Result<()> {
    let nonce = args.nonce.as_deref().map(parse_nonce_arg).transpose()?;
    let manifest = read_manifest(&args.keys)?;
    let vk = load_verifying_key(&args.keys, manifest.as_ref())?;
    let text = std::str::from_utf8(&read_input(&args.proof, "proof")?)
        .map(str::to_owned)
        .map_err(|_| anyhow!("not UTF-8 text"))
        .with_context(|| BadInput(format!("cannot read proof {}", args.proof.display())))?;
    let envelope = ProofEnvelope::from_json_str(&text)
        .with_context(|| BadInput(format!("cannot read proof {}", args.proof.display())))?;

    let start = Instant::now();
    let outcome = verify_envelope(&vk, &envelope, nonce);
    let elapsed = start.elapsed();
    let reason = match outcome {
        Ok(true) => None,
        Ok(false) => Some("the proof does not verify for these public signals and this key".to_string()),
        Err(e) => match rejection(&e) {
            Some(r) => Some(r),
            None => {
                return Err(e).with_context(|| BadInput(format!("cannot verify proof {}", args.proof.display())));
            }
        },
    };

    if args.json {
        let report = JsonReport {
            valid: reason.is_none(),
            reason: reason.clone(),
            model_digest: envelope.model_digest.to_hex(),
            statement: envelope.statement.clone(),
            vk_digest: hex(&envelope.vk_digest),
            nonce_checked: nonce.is_some(),
            verify_ms: ui::millis(elapsed),
        };
        println!("{}", serde_json::to_string(&report)?);
    }
    match reason {
        None => {
            if !args.json {
                println!("valid ({}, verified in {})", envelope.statement, ui::duration(elapsed));
                if nonce.is_none() {
                    println!("note: no --nonce given, so the proof's challenge was not checked");
                }
            }
            Ok(())
        }
        Some(r) => Err(anyhow!(InvalidProof(r))),
    }
}
