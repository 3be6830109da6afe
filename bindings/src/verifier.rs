//! [`ZkidVerifier`]: checks proofs with a verifying key (on a server, or on another device).

use std::path::Path;

use zkid_prover::{VerifyingKeyFile, verify_proof_json};

use crate::error::{ZkidError, guard};

/// What verifying a proof tells.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct VerifyResult {
    /// Whether the proof is valid for its public signals (and nonce, when one was expected).
    pub valid: bool,
    /// The statement id of the proof.
    pub statement: String,
    /// The public signals, decimal, in circuit order.
    pub public_signals: Vec<String>,
    /// For a `match` proof, the proven verdict (meaningful only when `valid`).
    pub verdict: Option<bool>,
}

/// A verifying key, loaded once. Immutable; share it across threads.
#[derive(uniffi::Object)]
pub struct ZkidVerifier {
    key: VerifyingKeyFile,
}

#[uniffi::export]
impl ZkidVerifier {
    /// Loads a verifying key file's bytes (digest checked); a corrupt key or a proving key is
    /// `ZkidError.Key`.
    #[uniffi::constructor]
    pub fn new(verifying_key: Vec<u8>) -> Result<Self, ZkidError> {
        guard("ZkidVerifier.new", || Ok(Self { key: VerifyingKeyFile::from_bytes(&verifying_key)? }))
    }

    /// Loads a verifying key file.
    #[uniffi::constructor]
    pub fn from_path(path: String) -> Result<Self, ZkidError> {
        guard("ZkidVerifier.from_path", || Ok(Self { key: VerifyingKeyFile::load(Path::new(&path))? }))
    }

    /// The statement the key verifies.
    pub fn statement(&self) -> String {
        self.key.header.statement_id.clone()
    }

    /// Verifies a proof envelope (`ProofResult.proof_json`); with `expected_nonce` also that
    /// it answers that challenge. A proof that does not verify is `valid == false`; unusable
    /// input (malformed JSON, a proof for another model or statement, another nonce) is an
    /// error (`ZkidError.Proof` / `InvalidInput`).
    #[uniffi::method(default(expected_nonce = None))]
    pub fn verify(&self, proof_json: String, expected_nonce: Option<String>) -> Result<VerifyResult, ZkidError> {
        guard("ZkidVerifier.verify", || {
            let v = verify_proof_json(&self.key, &proof_json, expected_nonce.as_deref())?;
            Ok(VerifyResult {
                valid: v.valid,
                statement: v.statement,
                public_signals: v.public_signals,
                verdict: v.verdict,
            })
        })
    }
}
