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
use zkid_prover::biometric::match_public;
use zkid_prover::statement::{ProofEnvelope, verify_envelope};
use zkid_prover::{Attestation, DevicePublicKey, ProverError, keys::hex, verify_attestation};

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
    /// Trusted capture-device public key (`ed25519:<hex>` / `p256:<hex>`, or a file holding
    /// it, e.g. `device.pub` from `zkid attest keygen`). With `--attestation`, the device's
    /// signature over `c_img` (public signal 0 of `enroll` and `match`) is checked before
    /// the proof.
    #[arg(long, value_name = "KEY", requires = "attestation")]
    pub device_key: Option<String>,
    /// The capture device's attestation (`zkid attest sign`).
    #[arg(long, value_name = "ATTESTATION.json", requires = "device_key")]
    pub attestation: Option<PathBuf>,
    /// For `match` proofs: the enrolled template commitment `c_tpl` the verifier holds
    /// (decimal); a proof against any other template is rejected.
    #[arg(long, value_name = "C_TPL")]
    pub expect_template: Option<String>,
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
    attestation_checked: bool,
    verdict: Option<bool>,
    verify_ms: f64,
}

/// The reason a proof was rejected, or `None` when the error means unusable input.
fn rejection(err: &ProverError) -> Option<String> {
    match err {
        ProverError::EnvelopeMismatch { what, .. } => {
            Some(format!("the proof is for another {what} than the one these keys are for"))
        }
        ProverError::NonceMismatch => Some("the proof answers another challenge (nonce mismatch)".into()),
        ProverError::AttestationInvalid | ProverError::AttestationAlgMismatch { .. } => {
            Some(format!("capture attestation rejected: {err}"))
        }
        ProverError::InvalidInput(m) if m.contains("another enrolled template") => Some(m.clone()),
        _ => None,
    }
}

/// Checks `--attestation` against `--device-key` over `c_img` (public signal 0): `Ok(true)`
/// when valid or not requested.
fn check_attestation(args: &Args, env: &ProofEnvelope) -> zkid_prover::Result<bool> {
    let (Some(key), Some(path)) = (&args.device_key, &args.attestation) else {
        return Ok(true);
    };
    let key_text = std::fs::read_to_string(key).unwrap_or_else(|_| key.clone());
    let key: DevicePublicKey = key_text.trim().parse()?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| ProverError::InvalidInput(format!("cannot read attestation {}: {e}", path.display())))?;
    let att = Attestation::from_json_str(&text)?;
    let c_img = env
        .public_signals
        .first()
        .ok_or_else(|| ProverError::InvalidInput("the proof has no public signals to attest".into()))?;
    verify_attestation(&key, c_img, &att)?;
    Ok(true)
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
    let is_match = envelope.statement.starts_with("match(");
    let verdict = if is_match {
        Some(
            match_public(&envelope.public_signals)
                .with_context(|| BadInput(format!("cannot read proof {}", args.proof.display())))?,
        )
    } else {
        None
    };

    let start = Instant::now();
    // The attestation and the expected template are checked before the proof.
    let mut outcome = check_attestation(args, &envelope);
    if let (Ok(true), Some(expected), Some(p)) = (&outcome, &args.expect_template, &verdict) {
        let want =
            parse_nonce_arg(expected).map_err(|_| anyhow!(BadInput("--expect-template must be decimal".into())))?;
        if p.template_commitment != want {
            outcome = Err(ProverError::InvalidInput("the proof is against another enrolled template".into()));
        }
    }
    if matches!(outcome, Ok(true)) {
        outcome = verify_envelope(&vk, &envelope, nonce);
    }
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
            attestation_checked: args.attestation.is_some(),
            verdict: verdict.as_ref().map(|p| p.verdict),
            verify_ms: ui::millis(elapsed),
        };
        println!("{}", serde_json::to_string(&report)?);
    }
    match reason {
        None => {
            if !args.json {
                println!("valid ({}, verified in {})", envelope.statement, ui::duration(elapsed));
                if args.attestation.is_some() {
                    println!("capture attestation: valid signature over c_img by the trusted device key");
                }
                if let Some(p) = &verdict {
                    println!("verdict: {} (τ = {})", if p.verdict { "MATCH" } else { "no match" }, p.tau);
                }
                if nonce.is_none() {
                    println!("note: no --nonce given, so the proof's challenge was not checked");
                }
            }
            Ok(())
        }
        Some(r) => Err(anyhow!(InvalidProof(r))),
    }
}
