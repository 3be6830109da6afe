//! # zkid-ffi
//!
//! The UniFFI surface of zkid for Swift, Kotlin and Python: a thin wrapper over
//! [`zkid_prover::device`], the same on-device session the wasm package wraps. In the data
//! flow (see `ARCHITECTURE.md`) it sits beside the CLI and wasm front ends, above
//! `zkid-prover`; nothing below it knows about FFI.
//!
//! * [`ZkidModel`] — a loaded `.zkm` model;
//! * [`ZkidProver`] — a model and a proving key: `prove` (infer), `enroll`, `match_enrolled`,
//!   with a [`ProgressListener`] for progress and cancellation;
//! * [`ZkidVerifier`] — a verifying key: `verify`;
//! * [`seal`] / [`unseal`] / [`generate_sealing_key`] — on-device secret sealing;
//! * [`dev_setup`] — **insecure** development keys;
//! * [`ZkidError`] — the one, flat error enum.
//!
//! Nothing returned holds a capture, a template, a salt or key material: proofs, decimal
//! public signals and commitments, and the enrollment only sealed. No call panics across the
//! boundary: every fallible export runs under `catch_unwind` and a panic becomes
//! [`ZkidError::Internal`] (the trivial getters are covered by UniFFI's own guard, which
//! reports a panic as the foreign language's internal error).
//!
//! Bindings are generated in library mode by this crate's `uniffi-bindgen` binary (feature
//! `bindgen`), at the exact uniffi version the library is built with: `cargo xtask bindings`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod model;
mod progress;
mod prover;
mod verifier;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use zkid_prover::{OsRng, RangeMode, SealingKey, Zeroizing};

pub use error::ZkidError;
use error::guard;
pub use model::{Capture, ZkidModel};
pub use progress::ProgressListener;
pub use prover::{EnrollResult, MatchResult, ProofResult, ZkidProver};
pub use verifier::{VerifyResult, ZkidVerifier};

uniffi::setup_scaffolding!();

/// A proving key and its verifying key, as key-file bytes.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct DevKeys {
    /// The proving key file (for [`ZkidProver::new`]).
    pub proving_key: Vec<u8>,
    /// The verifying key file (for [`ZkidVerifier::new`]).
    pub verifying_key: Vec<u8>,
}

impl std::fmt::Debug for DevKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DevKeys({} + {} bytes)", self.proving_key.len(), self.verifying_key.len())
    }
}

/// Makes an **insecure** development key pair for `statement` on `model` (`enroll`,
/// `match(max_shift=3,min_bits=16)`, `infer(input=committed,output=committed)`, …): whoever
/// ran it knows the setup trapdoor and could forge proofs. For trying zkid out and for tests
/// only; production keys come from a ceremony and ship with the app. With `lookup` the keys
/// are lookup-mode keys: range checks by table lookups, a circuit a third to a half the
/// size, proofs only zkid's verifiers accept.
#[uniffi::export(default(lookup = false))]
pub fn dev_setup(model: Arc<ZkidModel>, statement: String, lookup: bool) -> Result<DevKeys, ZkidError> {
    guard("dev_setup", || {
        let mode = RangeMode::from_lookup(lookup);
        let (proving_key, verifying_key) = zkid_prover::dev_setup(&model.inner, &statement, mode, &mut OsRng)?;
        Ok(DevKeys { proving_key, verifying_key })
    })
}

/// A fresh 32-byte sealing key from the operating system's CSPRNG, for hosts without a
/// keystore-held key. Secret: store it in the platform keystore.
#[uniffi::export]
pub fn generate_sealing_key() -> Result<Vec<u8>, ZkidError> {
    guard("generate_sealing_key", || Ok(SealingKey::generate()?.to_bytes().to_vec()))
}

/// Encrypts `plaintext` (any on-device secret) under `sealing_key` (32 bytes), AES-256-GCM,
/// bound to `model` and to the purpose `label`: the blob opens only with the same key, model
/// and label. Each call gives a different blob.
#[uniffi::export]
pub fn seal(
    sealing_key: Vec<u8>,
    model: Arc<ZkidModel>,
    label: String,
    plaintext: Vec<u8>,
) -> Result<Vec<u8>, ZkidError> {
    guard("seal", || {
        let key = SealingKey::from_bytes(&Zeroizing::new(sealing_key))?;
        let plaintext = Zeroizing::new(plaintext);
        Ok(zkid_prover::seal(&key, &model.inner.digest, &label, &plaintext)?)
    })
}

/// Decrypts a blob made by [`seal`] with the same key, model and label. A wrong key, model or
/// label, or any modified byte, is `ZkidError.Sealing` (AES-GCM cannot tell them apart).
/// The returned plaintext is a secret: the Rust copy is wiped, the foreign copy is the
/// caller's to wipe.
#[uniffi::export]
pub fn unseal(sealing_key: Vec<u8>, model: Arc<ZkidModel>, label: String, blob: Vec<u8>) -> Result<Vec<u8>, ZkidError> {
    guard("unseal", || {
        let key = SealingKey::from_bytes(&Zeroizing::new(sealing_key))?;
        Ok(zkid_prover::unseal(&key, &model.inner.digest, &label, &blob)?.to_vec())
    })
}

/// The zkid version these bindings were built from.
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
