//! `zkid export solidity`: a Solidity verifier contract for a keys directory, or the
//! `verifyProof` arguments of a proof envelope.
//!
//! ```text
//! zkid export solidity --keys KEYS_DIR -o Verifier.sol [--contract-name NAME] [--json]
//! zkid export solidity --keys KEYS_DIR --calldata PROOF.json [--json]
//! ```
//!
//! The contract is zkid's own Groth16 verifier (MIT OR Apache-2.0) with snarkjs's ABI, the
//! keys' constants and a NatSpec header naming the model digest, the statement and each
//! public signal
//! ([`zkid_prover::solidity`]). Keys from `zkid setup --dev` give a contract labelled
//! insecure.
//!
//! With `--calldata`, stdout gets the arguments exactly as `snarkjs zkey export
//! soliditycalldata` prints them (G2 coordinates swapped to the EVM's `[c1, c0]`); with
//! `--json`, also the function selector and the full transaction data (`calldata`, ready for
//! `eth_call`). The envelope must belong to the keys (model, statement, verifying key); the
//! proof is also checked off-chain, and an invalid one is reported on stderr (the arguments
//! are still printed: testing a contract's rejection needs them).

use super::keydir::{AtomicFiles, load_verifying_key, read_manifest};
use super::read_input;
use crate::BadInput;
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::path::PathBuf;
use zkid_prover::keys::hex;
use zkid_prover::solidity::{
    DEFAULT_CONTRACT_NAME, VerifierOptions, VerifyProofArgs, Word, public_signal_layout, verifier_contract,
    verify_proof_selector, verify_proof_signature, word_hex,
};
use zkid_prover::statement::ProofEnvelope;
use zkid_prover::{ProverError, VerifyingKeyFile, verify};

/// Arguments of `zkid export solidity`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keys directory written by `zkid setup` (only the verifying key is read).
    #[arg(long, value_name = "KEYS_DIR")]
    pub keys: PathBuf,
    /// Output contract file.
    #[arg(short = 'o', long = "output", value_name = "Verifier.sol", required_unless_present = "calldata")]
    pub output: Option<PathBuf>,
    /// Solidity name of the contract (snarkjs's name by default).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_CONTRACT_NAME)]
    pub contract_name: String,
    /// Instead of a contract, print the `verifyProof` arguments of this proof envelope (as
    /// `snarkjs zkey export soliditycalldata` does; `--json` adds the transaction data).
    #[arg(long, value_name = "PROOF.json", conflicts_with_all = ["output", "contract_name"])]
    pub calldata: Option<PathBuf>,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct ContractReport {
    contract: String,
    contract_name: String,
    statement: String,
    model_digest: String,
    vk_digest: String,
    dev_setup: bool,
    public_signals: Vec<String>,
    function: String,
    selector: String,
    bytes: usize,
}

#[derive(Serialize)]
struct ArgsJson {
    a: Vec<String>,
    b: Vec<Vec<String>>,
    c: Vec<String>,
    #[serde(rename = "pubSignals")]
    pub_signals: Vec<String>,
}

#[derive(Serialize)]
struct CalldataReport {
    statement: String,
    model_digest: String,
    vk_digest: String,
    public_signals: Vec<String>,
    function: String,
    selector: String,
    args: ArgsJson,
    calldata: String,
    verifies_offchain: bool,
}

/// Runs `zkid export solidity`.
pub fn run(args: &Args) -> Result<()> {
    let manifest = read_manifest(&args.keys)?;
    let vk = load_verifying_key(&args.keys, manifest.as_ref())?;
    match &args.calldata {
        Some(proof) => calldata(args, &vk, proof),
        None => {
            let dev_setup = manifest.as_ref().is_some_and(|m| m.setup == "dev");
            contract(args, &vk, dev_setup)
        }
    }
}

fn contract(args: &Args, vk: &VerifyingKeyFile, dev_setup: bool) -> Result<()> {
    let output = args.output.as_ref().ok_or_else(|| anyhow!(BadInput("-o Verifier.sol is required".into())))?;
    let options = VerifierOptions { contract_name: args.contract_name.clone(), dev_setup };
    // Every error here is about the key or the name the user gave: unusable input.
    let text = verifier_contract(vk, &options).with_context(|| {
        BadInput(format!("cannot make a Solidity verifier for the keys in {}", args.keys.display()))
    })?;
    let mut files = AtomicFiles::default();
    files.write(output, text.as_bytes())?;
    files.commit()?;

    let n = vk.key.num_public_inputs();
    let statement = &vk.header.statement_id;
    let names: Vec<String> = public_signal_layout(statement, n)?.into_iter().map(|r| r.name).collect();
    if dev_setup {
        eprintln!(
            "WARNING: the keys come from a DEVELOPMENT setup (`zkid setup --dev`); the contract is labelled \
             INSECURE FOR PRODUCTION: whoever ran the setup can forge proofs it accepts."
        );
    }
    if args.json {
        let report = ContractReport {
            contract: output.display().to_string(),
            contract_name: options.contract_name,
            statement: statement.clone(),
            model_digest: vk.header.model_digest.to_hex(),
            vk_digest: hex(&vk.header.vk_digest),
            dev_setup,
            public_signals: names,
            function: verify_proof_signature(n),
            selector: format!("0x{}", hex(&verify_proof_selector(n))),
            bytes: text.len(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("contract {} for statement {statement}, model {}", options.contract_name, vk.header.model_digest.to_hex());
    println!("{}: public signals in order: {}", verify_proof_signature(n), names.join(", "));
    println!("wrote {}", output.display());
    Ok(())
}

fn calldata(args: &Args, vk: &VerifyingKeyFile, path: &std::path::Path) -> Result<()> {
    let unusable = || BadInput(format!("cannot use proof {}", path.display()));
    let text =
        String::from_utf8(read_input(path, "proof")?).map_err(|_| anyhow!("not UTF-8 text")).with_context(unusable)?;
    let envelope = ProofEnvelope::from_json_str(&text).with_context(unusable)?;
    belongs_to(&envelope, vk).with_context(unusable)?;
    let n = vk.key.num_public_inputs();
    if envelope.public_signals.len() != n {
        return Err(ProverError::PublicInputCount { expected: n, got: envelope.public_signals.len() })
            .with_context(unusable);
    }
    let verifies = verify(&vk.key, &envelope.public_signals, &envelope.proof).with_context(unusable)?;
    if !verifies {
        eprintln!(
            "warning: the proof does not verify for these public signals and keys; verifyProof will return false"
        );
    }
    let call = VerifyProofArgs::new(&envelope.proof, &envelope.public_signals);
    if !args.json {
        println!("{}", call.to_snarkjs_string());
        return Ok(());
    }
    let words = |w: &[Word]| w.iter().map(word_hex).collect::<Vec<_>>();
    let statement = &vk.header.statement_id;
    let report = CalldataReport {
        statement: statement.clone(),
        model_digest: vk.header.model_digest.to_hex(),
        vk_digest: hex(&vk.header.vk_digest),
        public_signals: public_signal_layout(statement, n)?.into_iter().map(|r| r.name).collect(),
        function: verify_proof_signature(n),
        selector: format!("0x{}", hex(&verify_proof_selector(n))),
        args: ArgsJson {
            a: words(&call.a),
            b: call.b.iter().map(|row| words(row)).collect(),
            c: words(&call.c),
            pub_signals: words(&call.pub_signals),
        },
        calldata: format!("0x{}", hex(&call.calldata())),
        verifies_offchain: verifies,
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// Refuses an envelope made for another model, statement or verifying key than `vk`: its
/// calldata would be rejected by this key's contract.
fn belongs_to(env: &ProofEnvelope, vk: &VerifyingKeyFile) -> zkid_prover::Result<()> {
    let h = &vk.header;
    let mismatch = |what, expected: String, found: String| Err(ProverError::EnvelopeMismatch { what, expected, found });
    if env.model_digest != h.model_digest {
        return mismatch("model", h.model_digest.to_hex(), env.model_digest.to_hex());
    }
    if env.statement != h.statement_id {
        return mismatch("statement", h.statement_id.clone(), env.statement.clone());
    }
    if env.vk_digest != h.vk_digest {
        return mismatch("verifying key", hex(&h.vk_digest), hex(&env.vk_digest));
    }
    Ok(())
}
