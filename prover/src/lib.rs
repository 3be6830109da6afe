//! # zkid-prover
//!
//! The one API every zkid front end (CLI, UniFFI bindings, wasm) calls to set up, prove
//! and verify. Dependencies point one way — front ends → `zkid-prover` → `zkid-circuits` →
//! `zkid-core` — and this crate knows nothing about terminals, FFI or JavaScript.
//!
//! In the data flow (see `ARCHITECTURE.md`), a statement circuit built from a compiled
//! `QModel` goes through:
//!
//! 1. **setup** — [`setup_dev`] (insecure, local; for development) or a snarkjs Phase-2
//!    ceremony, giving a [`ProvingKey`] / [`VerifyingKey`] pair;
//! 2. **prove** — [`prove`] / [`prove_with_report`] on the device, with per-phase timings
//!    through [`ProveObserver`]; [`prove_from_evaluations`] is the entry point for a prover
//!    that takes the row evaluations `A·z`, `B·z` straight from the inference record;
//! 3. **verify** — [`verify`] anywhere, or snarkjs / Solidity with the JSON exports.
//!
//! The proof system is Groth16 over BN254 with the **circom/snarkjs QAP reduction**
//! ([`CircomReduction`], implemented here so that phone and wasm builds never carry
//! ark-circom): keys from a snarkjs ceremony prove and verify unchanged, and our proofs
//! verify with snarkjs.
//!
//! Formats: key files ([`ProvingKeyFile`], [`VerifyingKeyFile`]: header with model digest,
//! statement id and VK digest; uncompressed points for fast loading; SHA-256 checked at
//! load), snarkjs JSON for proofs, public inputs and verifying keys ([`json`]), and a
//! 128-byte compressed binary proof ([`Proof::to_bytes`]).
//!
//! Statements ([`Statement`]): `infer`, and the identity pair in [`biometric`] — `enroll`
//! (returns a sealable [`Enrollment`]) and `match` (iris codes by rotation-minimised Hamming
//! distance, embeddings by squared L2, verdict public). The capture device signs `c_img`
//! ([`attest`]); on-device secrets are sealed under a host key ([`seal`]).
//!
//! Errors are one matchable enum, [`ProverError`]; messages never contain witness values.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod attest;
pub mod audit;
pub mod biometric;
pub mod budget;
pub mod capture;
pub mod device;
pub mod error;
mod fft;
pub mod groth16;
pub mod json;
mod key_layout;
mod key_stream;
pub mod keys;
pub mod lookup_groth16;
/// Multi-scalar multiplication for the prover: batch-affine Pippenger, partitioned by scalar size.
pub mod msm;
pub mod proof;
pub mod reduction;
pub mod seal;
pub mod solidity;
pub mod statement;
pub mod stock;
#[cfg(feature = "interop")]
pub mod zkey;
pub mod zkey_write;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_secrets;

/// The BN254 scalar field: circuit values, public inputs.
pub type Fr = ark_bn254::Fr;

pub use ark_relations::gr1cs::ConstraintSynthesizer;
pub use attest::{Attestation, DeviceKeyAlg, DevicePublicKey, DeviceSigningKey, verify_attestation};
pub use biometric::{EnrollProof, Enrollment, MatchProof, prove_enroll, prove_match, tau_units};
pub use budget::MemoryBudget;
pub use capture::{Capture, OwnedCapture};
pub use device::{
    DeviceProver, EnrollOutcome, MatchOutcome, ProofOutcome, VerifyOutcome, dev_setup, verify_proof_json,
};
pub use error::{ErrorKind, KeyKind, ProverError, Result};
pub use groth16::{
    CircuitShape, NoObserver, ProveObserver, ProvePhase, ProveReport, ProveTimings, prove, prove_from_evaluations,
    prove_with_report, setup_dev, verify,
};
pub use json::{public_inputs_from_json, public_inputs_from_str, public_inputs_to_json, public_inputs_to_string};
pub use keys::{KeyFile, KeyHeader, ProvingKey, ProvingKeyFile, VerifyingKey, VerifyingKeyFile};
pub use proof::Proof;
/// The operating system's CSPRNG: what production code passes to [`prove`] and
/// [`setup_dev`] (tests pass a seeded ChaCha RNG instead).
pub use rand::rngs::OsRng;
pub use reduction::CircomReduction;
pub use seal::{SealingKey, seal, unseal};
pub use statement::{
    InferProof, LoadedModel, ProofEnvelope, RangeMode, Statement, prove_infer, prove_infer_raw, setup, setup_with,
    verify_envelope,
};
/// A buffer zeroized on drop: what secret outputs ([`DeviceSigningKey::to_pkcs8`],
/// [`unseal`]) are returned in.
pub use zeroize::Zeroizing;
