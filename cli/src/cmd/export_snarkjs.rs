//! `zkid export snarkjs`: a zkid proof envelope as the three files
//! `snarkjs groth16 verify verification_key.json public.json proof.json` reads.
//!
//! The verifying key is taken from the (pinned) `verifying.key` of the keys directory, not
//! from its `verification_key.json`, so what is exported is the key zkid itself verifies
//! with. The envelope must belong to those keys — same model digest, statement id and
//! verifying-key digest, the comparisons of `verify_envelope` — and carry as many public
//! signals as the key has inputs: snarkjs reads the signal count from `public.json`, so a
//! mismatch would fail there with a less helpful message. The proof itself is not checked
//! here (`zkid verify` does that); an invalid proof exports as is and snarkjs rejects it.

use super::keydir::{AtomicFiles, VERIFICATION_KEY_JSON, load_verifying_key, read_manifest};
use super::read_input;
use crate::{BadInput, ui};
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::path::{Path, PathBuf};
use zkid_prover::json::public_inputs_to_string;
use zkid_prover::keys::hex;
use zkid_prover::statement::ProofEnvelope;
use zkid_prover::{VerifyingKeyFile, proof::PROOF_BYTES};

/// File name snarkjs reads the proof from.
pub const PROOF_JSON: &str = "proof.json";
/// File name snarkjs reads the public signals from.
pub const PUBLIC_JSON: &str = "public.json";

/// Arguments of `zkid export snarkjs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keys directory written by `zkid setup` (only the verifying key is read).
    #[arg(long, value_name = "KEYS_DIR")]
    pub keys: PathBuf,
    /// The proof envelope written by `zkid prove`, `zkid enroll` or `zkid match`.
    #[arg(long, value_name = "PROOF.json")]
    pub proof: PathBuf,
    /// Directory for `verification_key.json`, `proof.json` and `public.json` (created if
    /// missing; those three files are overwritten).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct WrittenFile {
    path: String,
    bytes: usize,
}

#[derive(Serialize)]
struct JsonReport {
    dir: String,
    verification_key: WrittenFile,
    proof: WrittenFile,
    public: WrittenFile,
    model_digest: String,
    statement: String,
    vk_digest: String,
    public_signals: usize,
}

/// Refuses an envelope that is not for these keys, naming the first part that differs.
/// The values compared are digests and statement ids: public, safe to print.
fn check_belongs(vk: &VerifyingKeyFile, env: &ProofEnvelope, proof: &Path, keys: &Path) -> Result<()> {
    let h = &vk.header;
    let differs = if env.model_digest != h.model_digest {
        Some(("model digest", env.model_digest.to_hex(), h.model_digest.to_hex()))
    } else if env.statement != h.statement_id {
        Some(("statement", env.statement.clone(), h.statement_id.clone()))
    } else if env.vk_digest != h.vk_digest {
        Some(("verifying key digest", hex(&env.vk_digest), hex(&h.vk_digest)))
    } else {
        None
    };
    if let Some((what, in_proof, in_keys)) = differs {
        return Err(anyhow!(BadInput(format!(
            "the proof {} does not belong to the keys in {}: its {what} differs (proof: {in_proof}; keys: {in_keys})",
            proof.display(),
            keys.display()
        ))));
    }
    let expected = vk.key.num_public_inputs();
    if env.public_signals.len() != expected {
        return Err(anyhow!(BadInput(format!(
            "the proof {} has {} public signals, the verifying key in {} expects {expected}",
            proof.display(),
            env.public_signals.len(),
            keys.display()
        ))));
    }
    Ok(())
}

/// Refuses an output path that exists and is not a directory; creates it if missing (and
/// removes it again if the files are not committed).
fn prepare_dir(dir: &Path, files: &mut AtomicFiles) -> Result<()> {
    let ctx = || BadInput(format!("cannot use output directory {}", dir.display()));
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => Err(anyhow!("it exists and is not a directory")).with_context(ctx),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => files.create_dir(dir).with_context(ctx),
        Err(e) => Err(e).with_context(ctx),
    }
}

/// Runs `zkid export snarkjs`.
pub fn run(args: &Args) -> Result<()> {
    let manifest = read_manifest(&args.keys)?;
    let vk = load_verifying_key(&args.keys, manifest.as_ref())?;
    if vk.key.is_lookup() {
        return Err(anyhow!(BadInput(
            "these are lookup-mode keys (zkid setup --lookup): snarkjs cannot verify their proofs (they carry a \
             commitment and need an extra pairing); verify them with `zkid verify`, or set up without --lookup"
                .into()
        )));
    }
    let bad_proof = || BadInput(format!("cannot read proof {}", args.proof.display()));
    let text = String::from_utf8(read_input(&args.proof, "proof")?)
        .map_err(|_| anyhow!("not UTF-8 text"))
        .with_context(bad_proof)?;
    let envelope = ProofEnvelope::from_json_str(&text).with_context(bad_proof)?;
    check_belongs(&vk, &envelope, &args.proof, &args.keys)?;

    let vk_text = vk.key.to_snarkjs_string();
    let proof_text = envelope.proof.to_snarkjs_string();
    let public_text = public_inputs_to_string(&envelope.public_signals);
    let mut files = AtomicFiles::default();
    prepare_dir(&args.out, &mut files)?;
    let targets = [
        (args.out.join(VERIFICATION_KEY_JSON), vk_text),
        (args.out.join(PROOF_JSON), proof_text),
        (args.out.join(PUBLIC_JSON), public_text),
    ];
    for (path, text) in &targets {
        files.write(path, text.as_bytes())?;
    }
    files.commit()?;

    let written = |i: usize| WrittenFile { path: targets[i].0.display().to_string(), bytes: targets[i].1.len() };
    if args.json {
        let report = JsonReport {
            dir: args.out.display().to_string(),
            verification_key: written(0),
            proof: written(1),
            public: written(2),
            model_digest: envelope.model_digest.to_hex(),
            statement: envelope.statement.clone(),
            vk_digest: hex(&envelope.vk_digest),
            public_signals: envelope.public_signals.len(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "snarkjs files for a proof of {} ({} public signals; model {})",
        envelope.statement,
        envelope.public_signals.len(),
        envelope.model_digest.to_hex()
    );
    let rows: Vec<Vec<String>> =
        targets.iter().map(|(path, text)| vec![path.display().to_string(), ui::bytes(text.len() as u64)]).collect();
    print!("{}", ui::table(&["wrote", "size"], &rows, &[false, true]));
    println!("(the same proof is {PROOF_BYTES} bytes in zkid's compressed binary form)");
    println!(
        "check with: snarkjs groth16 verify {} {} {}",
        targets[0].0.display(),
        targets[2].0.display(),
        targets[1].0.display()
    );
    Ok(())
}
