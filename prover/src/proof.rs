//! Groth16 proofs and their compact binary form.
//!
//! The binary form is arkworks' compressed serialization: A (G1, 32 bytes), B (G2,
//! 64 bytes), C (G1, 32 bytes) = 128 bytes, little-endian x with the sign/infinity flags
//! in the top bits. It is *not* the EVM calldata layout (big-endian, uncompressed, G2 as
//! `[c1, c0]`) nor snarkjs's; for those use the JSON form ([`Proof::to_snarkjs_json`]) or
//! the Solidity export. Decoding validates every point (on curve, in the prime-order
//! subgroup). A lookup-mode proof ([`crate::lookup_groth16`]) appends its commitment `D`
//! (G1, 32 bytes): 160 bytes.

use ark_bn254::{Bn254, G1Affine};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

use crate::error::{ProverError, Result};

/// Length of [`Proof::to_bytes`] for a snarkjs-compatible proof.
pub const PROOF_BYTES: usize = 128;
/// Length of [`Proof::to_bytes`] for a lookup-mode proof.
pub const LOOKUP_PROOF_BYTES: usize = 160;

/// A Groth16 proof over BN254 (circom QAP reduction, so snarkjs verifiers accept it), or a
/// lookup-mode proof: the same with a commitment `D`.
#[derive(Clone, Debug, PartialEq)]
pub struct Proof {
    ark: ark_groth16::Proof<Bn254>,
    commitment: Option<G1Affine>,
}

impl Proof {
    /// Wraps an arkworks proof.
    pub fn from_ark(proof: ark_groth16::Proof<Bn254>) -> Self {
        Self { ark: proof, commitment: None }
    }
    /// A lookup-mode proof with commitment `d`.
    pub fn with_commitment(proof: ark_groth16::Proof<Bn254>, d: G1Affine) -> Self {
        Self { ark: proof, commitment: Some(d) }
    }
    /// The arkworks proof (`A, B, C`).
    pub fn as_ark(&self) -> &ark_groth16::Proof<Bn254> {
        &self.ark
    }
    /// Unwraps into the arkworks proof (dropping a commitment).
    pub fn into_ark(self) -> ark_groth16::Proof<Bn254> {
        self.ark
    }
    /// The commitment `D` of a lookup-mode proof.
    pub fn commitment(&self) -> Option<G1Affine> {
        self.commitment
    }

    /// Length of [`Proof::to_bytes`]: [`PROOF_BYTES`], or [`LOOKUP_PROOF_BYTES`] with a commitment.
    pub fn encoded_len(&self) -> usize {
        if self.commitment.is_some() { LOOKUP_PROOF_BYTES } else { PROOF_BYTES }
    }

    /// The compressed encoding: 128 bytes, 160 with a commitment.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(LOOKUP_PROOF_BYTES);
        // Writing into a Vec cannot fail.
        let _ = self.ark.serialize_compressed(&mut out);
        if let Some(d) = self.commitment {
            let _ = d.serialize_compressed(&mut out);
        }
        out
    }

    /// Decodes [`Proof::to_bytes`], validating each point. Any other length, a coordinate
    /// out of range, a point off the curve or outside the subgroup is a
    /// [`ProverError::ProofFormat`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != PROOF_BYTES && bytes.len() != LOOKUP_PROOF_BYTES {
            return Err(ProverError::ProofFormat(format!(
                "binary proof must be {PROOF_BYTES} bytes ({LOOKUP_PROOF_BYTES} in lookup mode), got {}",
                bytes.len()
            )));
        }
        let bad =
            |e: ark_serialize::SerializationError| ProverError::ProofFormat(format!("invalid point encoding: {e}"));
        let (abc, d) = bytes.split_at(PROOF_BYTES);
        let ark = ark_groth16::Proof::<Bn254>::deserialize_with_mode(abc, Compress::Yes, Validate::Yes).map_err(bad)?;
        let commitment = if d.is_empty() {
            None
        } else {
            Some(G1Affine::deserialize_with_mode(d, Compress::Yes, Validate::Yes).map_err(bad)?)
        };
        Ok(Self { ark, commitment })
    }
}
