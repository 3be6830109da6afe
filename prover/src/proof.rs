//! Groth16 proofs and their compact binary form.
//!
//! The binary form is arkworks' compressed serialization: A (G1, 32 bytes), B (G2,
//! 64 bytes), C (G1, 32 bytes) = 128 bytes, little-endian x with the sign/infinity flags
//! in the top bits. It is *not* the EVM calldata layout (big-endian, uncompressed, G2 as
//! `[c1, c0]`) nor snarkjs's; for those use the JSON form ([`Proof::to_snarkjs_json`]) or
//! the Solidity export. Decoding validates every point (on curve, in the prime-order
//! subgroup).

use ark_bn254::Bn254;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

use crate::error::{ProverError, Result};

/// Length of [`Proof::to_bytes`].
pub const PROOF_BYTES: usize = 128;

/// A Groth16 proof over BN254 (circom QAP reduction, so snarkjs verifiers accept it).
#[derive(Clone, Debug, PartialEq)]
pub struct Proof(ark_groth16::Proof<Bn254>);

impl Proof {
    /// Wraps an arkworks proof.
    pub fn from_ark(proof: ark_groth16::Proof<Bn254>) -> Self {
        Self(proof)
    }
    /// The arkworks proof.
    pub fn as_ark(&self) -> &ark_groth16::Proof<Bn254> {
        &self.0
    }
    /// Unwraps into the arkworks proof.
    pub fn into_ark(self) -> ark_groth16::Proof<Bn254> {
        self.0
    }

    /// The 128-byte compressed encoding.
    pub fn to_bytes(&self) -> [u8; PROOF_BYTES] {
        let mut out = [0u8; PROOF_BYTES];
        // Infallible: the compressed size of a BN254 Groth16 proof is exactly 128 bytes,
        // checked by a unit test.
        let _ = self.0.serialize_compressed(&mut out[..]);
        out
    }

    /// Decodes [`Proof::to_bytes`], validating each point. Any other length, a coordinate
    /// out of range, a point off the curve or outside the subgroup is a
    /// [`ProverError::ProofFormat`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != PROOF_BYTES {
            return Err(ProverError::ProofFormat(format!(
                "binary proof must be {PROOF_BYTES} bytes, got {}",
                bytes.len()
            )));
        }
        let proof = ark_groth16::Proof::<Bn254>::deserialize_with_mode(bytes, Compress::Yes, Validate::Yes)
            .map_err(|e| ProverError::ProofFormat(format!("invalid point encoding: {e}")))?;
        Ok(Self(proof))
    }
}
