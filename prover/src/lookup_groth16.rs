//! Groth16 with a committed part of the witness, for range checks by lookup
//! ([`zkid_circuits::lookup`]): the opt-in **lookup mode** beside the snarkjs-compatible one.
//!
//! A logUp lookup needs a challenge `α` drawn after the looked-up values are fixed. The
//! prover commits to those variables (the set `K`) inside the proof, Mirage-style (Kosba
//! et al., USENIX Security 2020; gnark's commitment extension is the same idea with a
//! proof of knowledge instead of a second trapdoor):
//!
//! * setup draws, beside Groth16's `α, β, γ, δ, τ`, a trapdoor `δ₁` and a blinding base
//!   `η`. For `i ∈ K` the key holds `K_i = [(β·u_i(τ) + α·v_i(τ) + w_i(τ))/δ₁]₁` **instead
//!   of** the usual `L_i` (whose slot is the point at infinity, so `K` cannot hide in `C`),
//!   plus `[η/δ₁]₁`, `[η/δ]₁` and, in the verifying key, `[δ₁]₂`;
//! * the prover computes `D = Σ_{i∈K} z_i·K_i + ρ·[η/δ₁]₁` (ρ random: `D` is hiding), the
//!   challenge `α = H(D, public inputs)` (SHA-256 into `Fr`, [`challenge`]) becomes the
//!   circuit's last public input, the rest of the witness is computed with it, and
//!   `C` gets `−ρ·[η/δ]₁`;
//! * the verifier recomputes `α` from `D` and checks
//!   `e(A, B) = e(α, β)·e(Σ x_i·IC_i, γ)·e(D, δ₁)·e(C, δ)`.
//!
//! `D` is the only element paired with `[δ₁]₂`, so it can only be built from the `K_i`
//! and `[η/δ₁]₁` (soundness proof in the algebraic group model: Mirage, Theorem 1); the
//! lookup argument then holds with probability `1 − (N + 256)/p` over `α`.
//! Proofs in this mode are **not** snarkjs- or Solidity-verifiable (the extra pairing), and
//! their keys come only from a development setup here (a ceremony would need a second
//! Phase-2 contribution for `δ₁`).

use std::cell::RefCell;
use web_time::Instant;

use ark_bn254::{Bn254, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{Field, PrimeField, UniformRand, Zero};
use ark_relations::gr1cs::{ConstraintSynthesizer, SynthesisError};
use rand::{CryptoRng, RngCore};
use rayon::prelude::*;

use crate::Fr;
use crate::error::{ProverError, Result};
use crate::groth16::{
    CircomGroth16, ProveObserver, ProvePhase, ProveReport, ProveTimings, R1csOnly, check_recorded,
    prove_evaluations_timed, timed,
};
use crate::keys::{ProvingKey, VerifyingKey};
use crate::msm;
use crate::proof::Proof;
use zkid_circuits::lookup::{CommittedWitness, Committer, WithLookups};
use zkid_circuits::rows::{self, RecordableCircuit};

/// Domain separator of the challenge hash.
const CHALLENGE_DOMAIN: &[u8] = b"zkid/lookup-challenge/v1";

/// The committed part of a lookup-mode proving key (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct CommitmentKey {
    /// Witness indices (0 = the first witness variable) of the committed variables, ascending.
    pub(crate) indices: Vec<usize>,
    /// `[(β·u_i + α·v_i + w_i)/δ₁]₁` per committed variable.
    pub(crate) bases: Vec<G1Affine>,
    /// `[η/δ₁]₁`, the commitment's blinding base.
    pub(crate) blind: G1Affine,
    /// `[η/δ]₁`, cancels the blinding in `C`.
    pub(crate) blind_c: G1Affine,
    /// `[δ₁]₂` (also in the verifying key).
    pub(crate) delta1_g2: G2Affine,
}

impl CommitmentKey {
    /// Number of committed variables.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// Whether no variable is committed.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// `[δ₁]₂`.
    pub fn delta1_g2(&self) -> G2Affine {
        self.delta1_g2
    }
}

/// The lookup challenge for commitment `d` and the statement's public inputs.
pub fn challenge(d: &G1Affine, public_inputs: &[Fr]) -> Fr {
    let mut h = ring::digest::Context::new(&ring::digest::SHA256);
    h.update(CHALLENGE_DOMAIN);
    let (x, y) = d.xy().map(|(x, y)| (x.into_bigint(), y.into_bigint())).unwrap_or_default();
    for limb in x.0.iter().chain(y.0.iter()) {
        h.update(&limb.to_le_bytes());
    }
    for v in public_inputs {
        for limb in v.into_bigint().0 {
            h.update(&limb.to_le_bytes());
        }
    }
    Fr::from_le_bytes_mod_order(h.finish().as_ref())
}

/// Records which witness variables a lookup-mode circuit commits to (key generation and
/// setup-mode size counts).
#[derive(Default)]
pub(crate) struct IndexRecorder(pub(crate) Vec<usize>);

impl Committer for IndexRecorder {
    fn commit(&mut self, w: CommittedWitness<'_>) -> std::result::Result<Option<Fr>, SynthesisError> {
        self.0 = w.indices.to_vec();
        Ok(None)
    }
}

/// Generates a **development** lookup-mode key pair for `circuit` (a statement circuit
/// without its lookup wrapper). Insecure for production like [`crate::setup_dev`]: the
/// trapdoors are drawn in this process.
pub fn setup_dev_lookup<C, R>(circuit: C, rng: &mut R) -> Result<(ProvingKey, VerifyingKey)>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    let [alpha, beta, gamma, delta, delta1, eta] = std::array::from_fn(|_| nonzero(rng));
    let (g1, g2) = (G1Projective::rand(rng), G2Projective::rand(rng));
    let mut recorder = IndexRecorder::default();
    let rejected = RefCell::new(None);
    let wrapped = R1csOnly { inner: WithLookups { circuit, committer: Some(&mut recorder) }, rejected: &rejected };
    let mut pk =
        CircomGroth16::generate_parameters_with_qap(wrapped, alpha, beta, gamma, delta, g1, g2, rng).map_err(|e| {
            match rejected.borrow_mut().take() {
                Some(label) => ProverError::UnsupportedPredicate(label),
                None => ProverError::Synthesis(e),
            }
        })?;
    let indices = recorder.0;
    if indices.iter().any(|&i| i >= pk.l_query.len()) || !indices.is_sorted() {
        return Err(ProverError::KeyCircuitMismatch("committed variables outside the witness".into()));
    }
    // K_i = L_i · δ/δ₁, and L_i leaves the key.
    let factor = delta * inverse(delta1)?;
    let bases: Vec<G1Projective> = indices.par_iter().map(|&i| pk.l_query[i] * factor).collect();
    for &i in &indices {
        pk.l_query[i] = G1Affine::zero();
    }
    let ck = CommitmentKey {
        indices,
        bases: G1Projective::normalize_batch(&bases),
        blind: (g1 * (eta * inverse(delta1)?)).into_affine(),
        blind_c: (g1 * (eta * inverse(delta)?)).into_affine(),
        delta1_g2: (g2 * delta1).into_affine(),
    };
    let key = ProvingKey::with_commitment(pk, ck);
    let vk = key.verifying_key();
    Ok((key, vk))
}

fn nonzero<R: RngCore>(rng: &mut R) -> Fr {
    loop {
        let x = Fr::rand(rng);
        if !x.is_zero() {
            return x;
        }
    }
}

fn inverse(x: Fr) -> Result<Fr> {
    x.inverse().ok_or_else(|| ProverError::InvalidInput("zero trapdoor".into()))
}

/// Computes `D` and the challenge while the circuit synthesizes.
struct ProveCommitter<'k> {
    ck: &'k CommitmentKey,
    rho: Fr,
    commitment: Option<G1Affine>,
    mismatch: Option<String>,
}

impl Committer for ProveCommitter<'_> {
    fn commit(&mut self, w: CommittedWitness<'_>) -> std::result::Result<Option<Fr>, SynthesisError> {
        let (Some(values), Some(public)) = (w.values, w.public_inputs) else {
            return Err(SynthesisError::AssignmentMissing);
        };
        if w.indices != self.ck.indices.as_slice() || values.len() != self.ck.bases.len() {
            self.mismatch =
                Some(format!("key commits to {} variables, the circuit to {}", self.ck.indices.len(), w.indices.len()));
            return Err(SynthesisError::Unsatisfiable);
        }
        let scalars: Vec<_> = values.par_iter().map(|v| v.into_bigint()).collect();
        let d = (msm::msm(&self.ck.bases, &scalars) + self.ck.blind * self.rho).into_affine();
        self.commitment = Some(d);
        Ok(Some(challenge(&d, public)))
    }
}

/// Proves a statement circuit with a lookup-mode key (matrix-free, like
/// [`crate::groth16::prove_recorded`], which calls this for such keys). The commitment `D`
/// is computed inside the synthesis phase. The proof is verified before it is returned
/// ([`ProverError::SelfCheckFailed`] otherwise); the report's public inputs leave out the
/// derived challenge.
pub(crate) fn prove_lookup<C, R>(
    pk: &ProvingKey,
    ck: &CommitmentKey,
    circuit: C,
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<ProveReport>
where
    C: RecordableCircuit,
    R: RngCore + CryptoRng,
{
    let start = Instant::now();
    let mut timings = ProveTimings::default();
    let mut committer = ProveCommitter { ck, rho: Fr::rand(rng), commitment: None, mismatch: None };
    let recorded = timed(ProvePhase::Synthesis, observer, &mut timings, || {
        rows::record(WithLookups { circuit, committer: Some(&mut committer) })
    })?;
    if let Some(m) = committer.mismatch.take() {
        return Err(ProverError::KeyCircuitMismatch(m));
    }
    let rows = recorded?;
    let commitment = committer.commitment.ok_or(SynthesisError::AssignmentMissing)?;
    let shape = check_recorded(pk, &rows, observer, &mut timings)?;
    let zkid_circuits::rows::Rows { a, b, z, num_instance, .. } = rows;
    let groth = prove_evaluations_timed(pk, a, b, &z, rng, observer, &mut timings)?.into_ark();
    let c = (groth.c.into_group() - ck.blind_c * committer.rho).into_affine();
    let proof = Proof::with_commitment(ark_groth16::Proof { c, ..groth }, commitment);
    let public_inputs = z[1..num_instance - 1].to_vec();
    drop(z);
    if !verify_lookup(&pk.verifying_key(), &public_inputs, &proof)? {
        return Err(ProverError::SelfCheckFailed);
    }
    timings.total = start.elapsed();
    Ok(ProveReport { proof, public_inputs, timings, shape })
}

/// Verifies a lookup-mode proof against the public inputs (without the challenge, in
/// circuit order). `Ok(false)`: invalid; `Err`: wrong number of inputs.
/// Called by [`crate::verify`] for lookup-mode keys.
pub(crate) fn verify_lookup(vk: &VerifyingKey, public_inputs: &[Fr], proof: &Proof) -> Result<bool> {
    let expected = vk.num_public_inputs();
    let ark_vk = vk.as_ark();
    let (Some(delta1_g2), Some(commitment)) = (vk.delta1_g2(), proof.commitment()) else {
        return Err(ProverError::ProofFormat(
            "a lookup-mode key verifies only lookup-mode proofs (with a commitment), and only with such a key".into(),
        ));
    };
    if public_inputs.len() != expected || ark_vk.gamma_abc_g1.len() < 2 {
        return Err(ProverError::PublicInputCount { expected, got: public_inputs.len() });
    }
    let alpha = challenge(&commitment, public_inputs);
    let mut vk_x = ark_vk.gamma_abc_g1[0].into_group();
    let bases = &ark_vk.gamma_abc_g1[1..];
    for (x, base) in public_inputs.iter().chain(std::iter::once(&alpha)).zip(bases) {
        vk_x += *base * x;
    }
    let p = proof.as_ark();
    let lhs = Bn254::multi_pairing(
        [p.a, (-vk_x).into_affine(), (-commitment.into_group()).into_affine(), (-p.c.into_group()).into_affine()],
        [p.b, ark_vk.gamma_g2, delta1_g2, ark_vk.delta_g2],
    );
    Ok(lhs == Bn254::pairing(ark_vk.alpha_g1, ark_vk.beta_g2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groth16::{NoObserver, prove_recorded, verify};
    use ark_relations::gr1cs::ConstraintSystemRef;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use zkid_circuits::Wire;
    use zkid_circuits::gadgets::{is_nonneg, range_check};

    /// Public `y = x²` and `s = [d >= 0]` with `x < 2^12` and `|d| < 2^20`.
    #[derive(Clone, Copy)]
    struct Square {
        x: Option<u64>,
        d: Option<i64>,
    }

    impl ConstraintSynthesizer<Fr> for Square {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> std::result::Result<(), SynthesisError> {
            let sq = self.x.map(|x| Fr::from(x * x));
            let y = Wire::input(&cs, sq)?;
            let s = Wire::input(&cs, self.d.map(|d| Fr::from(u64::from(d >= 0))))?;
            let x = Wire::witness(&cs, self.x.map(Fr::from))?;
            range_check(&cs, &x, 12)?;
            x.mul(&x, &cs)?.enforce_equal(&y, &cs)?;
            let d = Wire::witness(&cs, self.d.map(zkid_circuits::field::fr_from_i64))?;
            is_nonneg(&cs, &d, 20)?.enforce_equal(&s, &cs)
        }
    }

    impl RecordableCircuit for Square {}

    fn keys() -> (ProvingKey, VerifyingKey) {
        setup_dev_lookup(Square { x: None, d: None }, &mut ChaCha20Rng::seed_from_u64(1)).unwrap()
    }

    fn prove(key: &ProvingKey, x: u64, d: i64) -> Result<ProveReport> {
        prove_recorded(key, Square { x: Some(x), d: Some(d) }, &mut ChaCha20Rng::seed_from_u64(2), &mut NoObserver)
    }

    #[test]
    fn proofs_verify_and_tampering_fails() {
        let (pk, vk) = keys();
        let ck = pk.commitment().unwrap();
        assert!(ck.len() > 256, "bytes and the 256 multiplicities are committed");
        for &i in &ck.indices {
            assert!(pk.as_ark().l_query[i].is_zero(), "a committed variable cannot go through C");
        }
        for (x, d) in [(0, 0), (4095, -(1 << 20)), (77, 12345)] {
            let r = prove(&pk, x, d).unwrap();
            let inputs = [Fr::from(x * x), Fr::from(u64::from(d >= 0))];
            assert_eq!(r.public_inputs, inputs);
            assert!(verify(&vk, &inputs, &r.proof).unwrap());
            // Another public input, another commitment, another C: rejected.
            assert!(!verify(&vk, &[inputs[0] + Fr::from(1u64), inputs[1]], &r.proof).unwrap());
            let d = r.proof.commitment().unwrap();
            let moved = Proof::with_commitment(r.proof.as_ark().clone(), (d + G1Affine::generator()).into_affine());
            assert!(!verify(&vk, &inputs, &moved).unwrap());
            let mut ark = r.proof.as_ark().clone();
            ark.c = (ark.c + G1Affine::generator()).into_affine();
            assert!(!verify(&vk, &inputs, &Proof::with_commitment(ark, d)).unwrap());
            // Without its commitment the proof is refused, not checked as plain Groth16.
            let bare = Proof::from_ark(r.proof.as_ark().clone());
            assert!(matches!(verify(&vk, &inputs, &bare), Err(ProverError::ProofFormat(_))));
            // Binary and JSON forms round-trip the commitment.
            assert_eq!(Proof::from_bytes(&r.proof.to_bytes()).unwrap(), r.proof);
            assert_eq!(r.proof.to_bytes().len(), crate::proof::LOOKUP_PROOF_BYTES);
            assert_eq!(r.proof.encoded_len(), crate::proof::LOOKUP_PROOF_BYTES);
            assert_eq!(Proof::from_snarkjs_json(&r.proof.to_snarkjs_json()).unwrap(), r.proof);
        }
        assert!(matches!(
            verify(&vk, &[Fr::from(1u64)], &prove(&pk, 1, 1).unwrap().proof),
            Err(ProverError::PublicInputCount { expected: 2, got: 1 })
        ));
        assert_eq!(VerifyingKey::from_snarkjs_json(&vk.to_snarkjs_json()).unwrap(), vk);
        // Key files round-trip (format 5) with their commitment key.
        let file = crate::ProvingKeyFile::new(pk.clone(), zkid_core::ModelDigest([7; 32]), "t").unwrap();
        let bytes = file.to_bytes().unwrap();
        assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), crate::keys::KEY_FORMAT_VERSION);
        assert_eq!(crate::ProvingKeyFile::from_bytes(&bytes).unwrap(), file);
        let vfile = crate::VerifyingKeyFile::new(vk.clone(), zkid_core::ModelDigest([7; 32]), "t").unwrap();
        assert_eq!(crate::VerifyingKeyFile::from_bytes(&vfile.to_bytes().unwrap()).unwrap(), vfile);
        assert_eq!(vfile.header.vk_digest, file.header.vk_digest);
    }

    #[test]
    fn proofs_are_hiding_and_out_of_range_witnesses_are_refused() {
        let (pk, _) = keys();
        let square = Square { x: Some(5), d: Some(1) };
        let a = prove_recorded(&pk, square, &mut ChaCha20Rng::seed_from_u64(3), &mut NoObserver);
        let b = prove_recorded(&pk, square, &mut ChaCha20Rng::seed_from_u64(4), &mut NoObserver);
        assert_ne!(a.unwrap().proof.commitment(), b.unwrap().proof.commitment(), "D is blinded");
        assert!(matches!(prove(&pk, 4096, 0), Err(ProverError::Unsatisfied { .. })));
        assert!(matches!(prove(&pk, 1, 1 << 24), Err(ProverError::Unsatisfied { .. })));
    }

    /// Malformed commitment sections of a (resealed, so digest-valid) key file are
    /// key-format errors, never a panic or a key that proves nonsense.
    #[test]
    fn malformed_commitment_sections_are_refused() {
        use crate::tests::reseal;
        let (pk, vk) = keys();
        let n = pk.commitment().unwrap().len();
        let good = crate::ProvingKeyFile::new(pk, zkid_core::ModelDigest([1; 32]), "t").unwrap().to_bytes().unwrap();
        // From the end: digest 32, [δ₁]₂ 128, two blinding bases 128, bases 8 + 64n, indices 8 + 4n.
        let indices_at = good.len() - 32 - 128 - 128 - (8 + 64 * n) - (8 + 4 * n) + 8;
        let with = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = good.clone();
            f(&mut b);
            reseal(b)
        };
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("indices out of order", with(&|b| b.swap(indices_at, indices_at + 4))),
            ("index past the witness", with(&|b| b[indices_at + 4 * n - 1] = 0xff)),
            ("more bases than indices", with(&|b| b[indices_at + 4 * n] ^= 1)),
        ];
        for (name, bytes) in cases {
            let err = crate::ProvingKeyFile::from_bytes(&bytes).unwrap_err();
            assert!(matches!(err, ProverError::KeyFormat(_)), "{name}: {err:?}");
        }
        // The verifying key's [δ₁]₂ is validated like every verifying-key point.
        let vgood = crate::VerifyingKeyFile::new(vk, zkid_core::ModelDigest([1; 32]), "t").unwrap().to_bytes().unwrap();
        let mut bad = vgood.clone();
        let at = bad.len() - 32 - 60;
        bad[at] ^= 0x10;
        let err = crate::VerifyingKeyFile::from_bytes(&reseal(bad)).unwrap_err();
        assert!(matches!(err, ProverError::KeyFormat(_)), "{err:?}");
    }

    #[test]
    fn a_key_for_another_circuit_is_refused() {
        let (pk, _) = keys();
        #[derive(Clone, Copy)]
        struct Other;
        impl ConstraintSynthesizer<Fr> for Other {
            fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> std::result::Result<(), SynthesisError> {
                let x = Wire::witness(&cs, Some(Fr::from(3u64)))?;
                range_check(&cs, &x, 30)
            }
        }
        impl RecordableCircuit for Other {}
        let err = prove_recorded(&pk, Other, &mut ChaCha20Rng::seed_from_u64(5), &mut NoObserver).unwrap_err();
        assert!(matches!(err, ProverError::KeyCircuitMismatch(_)), "{err:?}");
    }
}
