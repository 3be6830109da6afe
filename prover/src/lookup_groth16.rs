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
    CircomGroth16, CircuitShape, Domain, ProveObserver, ProvePhase, ProveTimings, R1csOnly,
    check_instances, prove_evaluations_timed, timed,
};
use crate::keys::{ProvingKey, VerifyingKey};
use crate::msm;
use crate::proof::Proof;
use crate::reduction;
use zkid_circuits::lookup::{CommittedWitness, Committer, WithLookups};
use zkid_circuits::rows::{self, RecordableCircuit};

/// Domain separator of the challenge hash.
const CHALLENGE_DOMAIN: &[u8] = b"zkid/lookup-challenge/v1";

/// The committed part of a lookup-mode proving key.
#[derive(Clone, Debug, PartialEq)]
pub struct CommitmentKey {
    /// Witness indices (0 = the first witness variable) of the committed variables, ascending.
    indices: Vec<usize>,
    /// `[(β·u_i + α·v_i + w_i)/δ₁]₁` per committed variable.
    bases: Vec<G1Affine>,
    /// `[η/δ₁]₁`, the commitment's blinding base.
    blind: G1Affine,
    /// `[η/δ]₁`, cancels the blinding in `C`.
    blind_c: G1Affine,
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
}

/// A lookup-mode proving key: the Groth16 key (committed variables' `L` slots empty) and the
/// commitment key.
#[derive(Clone, Debug)]
pub struct LookupProvingKey {
    /// The Groth16 part.
    pub pk: ProvingKey,
    /// The commitment part.
    pub ck: CommitmentKey,
    /// `[δ₁]₂`, for the prover's own verification.
    delta1_g2: G2Affine,
}

/// A lookup-mode verifying key.
#[derive(Clone, Debug, PartialEq)]
pub struct LookupVerifyingKey {
    /// The Groth16 part (its last input is the challenge).
    pub vk: VerifyingKey,
    /// `[δ₁]₂`.
    pub delta1_g2: G2Affine,
}

impl LookupProvingKey {
    /// The matching verifying key.
    pub fn verifying_key(&self) -> LookupVerifyingKey {
        LookupVerifyingKey { vk: self.pk.verifying_key(), delta1_g2: self.delta1_g2 }
    }
}

impl LookupVerifyingKey {
    /// Public inputs a proof is verified with (the challenge is derived, not given).
    pub fn num_public_inputs(&self) -> usize {
        self.vk.num_public_inputs().saturating_sub(1)
    }
}

/// A lookup-mode proof: Groth16's `A, B, C` and the commitment `D`.
#[derive(Clone, Debug, PartialEq)]
pub struct LookupProof {
    /// `A, B, C`.
    pub proof: Proof,
    /// `D`.
    pub commitment: G1Affine,
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

/// Records the committed indices during key generation.
#[derive(Default)]
struct IndexRecorder(Vec<usize>);

impl Committer for IndexRecorder {
    fn commit(&mut self, w: CommittedWitness<'_>) -> std::result::Result<Option<Fr>, SynthesisError> {
        self.0 = w.indices.to_vec();
        Ok(None)
    }
}

/// Generates a **development** lookup-mode key pair for `circuit` (a statement circuit
/// without its lookup wrapper). Insecure for production like [`crate::setup_dev`]: the
/// trapdoors are drawn in this process.
pub fn setup_dev_lookup<C, R>(circuit: C, rng: &mut R) -> Result<(LookupProvingKey, LookupVerifyingKey)>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    let [alpha, beta, gamma, delta, delta1, eta] = std::array::from_fn(|_| nonzero(rng));
    let (g1, g2) = (G1Projective::rand(rng), G2Projective::rand(rng));
    let mut recorder = IndexRecorder::default();
    let rejected = RefCell::new(None);
    let wrapped = R1csOnly { inner: WithLookups { circuit, committer: Some(&mut recorder) }, rejected: &rejected };
    let mut pk = CircomGroth16::generate_parameters_with_qap(wrapped, alpha, beta, gamma, delta, g1, g2, rng)
        .map_err(|e| match rejected.borrow_mut().take() {
            Some(label) => ProverError::UnsupportedPredicate(label),
            None => ProverError::Synthesis(e),
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
    };
    let delta1_g2 = (g2 * delta1).into_affine();
    let key = LookupProvingKey { pk: ProvingKey::from_ark(pk), ck, delta1_g2 };
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
    elapsed: std::time::Duration,
}

impl Committer for ProveCommitter<'_> {
    fn commit(&mut self, w: CommittedWitness<'_>) -> std::result::Result<Option<Fr>, SynthesisError> {
        let (Some(values), Some(public)) = (w.values, w.public_inputs) else {
            return Err(SynthesisError::AssignmentMissing);
        };
        if w.indices != self.ck.indices.as_slice() || values.len() != self.ck.bases.len() {
            self.mismatch = Some(format!(
                "key commits to {} variables, the circuit to {}",
                self.ck.indices.len(),
                w.indices.len()
            ));
            return Err(SynthesisError::Unsatisfiable);
        }
        let start = Instant::now();
        let scalars: Vec<_> = values.par_iter().map(|v| v.into_bigint()).collect();
        let d = (msm::msm(&self.ck.bases, &scalars) + self.ck.blind * self.rho).into_affine();
        self.elapsed = start.elapsed();
        self.commitment = Some(d);
        Ok(Some(challenge(&d, public)))
    }
}

/// What [`prove_lookup`] returns.
#[derive(Clone, Debug)]
pub struct LookupProveReport {
    /// The proof.
    pub proof: LookupProof,
    /// Public inputs in circuit order, without the (derived) challenge.
    pub public_inputs: Vec<Fr>,
    /// Phase timings (the commitment `D` is computed inside synthesis).
    pub timings: ProveTimings,
    /// Time spent on `D` (part of the synthesis time).
    pub commitment_time: std::time::Duration,
    /// Size of the constraint system.
    pub shape: CircuitShape,
}

/// Proves a statement circuit in lookup mode (matrix-free, like [`crate::groth16::prove_recorded`]).
/// The proof is verified before it is returned ([`ProverError::SelfCheckFailed`] otherwise).
pub fn prove_lookup<C, R>(
    key: &LookupProvingKey,
    circuit: C,
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<LookupProveReport>
where
    C: RecordableCircuit,
    R: RngCore + CryptoRng,
{
    let start = Instant::now();
    let mut timings = ProveTimings::default();
    let mut committer =
        ProveCommitter { ck: &key.ck, rho: Fr::rand(rng), commitment: None, mismatch: None, elapsed: Default::default() };
    let recorded = timed(ProvePhase::Synthesis, observer, &mut timings, || {
        rows::record(WithLookups { circuit, committer: Some(&mut committer) })
    })?;
    if let Some(m) = committer.mismatch.take() {
        return Err(ProverError::KeyCircuitMismatch(m));
    }
    let rows = recorded?;
    let commitment = committer.commitment.ok_or(SynthesisError::AssignmentMissing)?;
    let shape = CircuitShape {
        num_constraints: rows.num_constraints(),
        num_instance_variables: rows.num_instance,
        num_witness_variables: rows.num_witness(),
        domain_size: reduction::domain_size::<Fr, Domain>(rows.num_constraints(), rows.num_instance)
            .ok_or(SynthesisError::PolynomialDegreeTooLarge)?,
    };
    check_instances(&key.pk, &shape)?;
    let unsatisfied = timed(ProvePhase::RowEvaluation, observer, &mut timings, || rows.first_unsatisfied)?;
    if let Some(constraint) = unsatisfied {
        return Err(ProverError::Unsatisfied { constraint });
    }
    let zkid_circuits::rows::Rows { a, b, z, num_instance, .. } = rows;
    let groth = prove_evaluations_timed(&key.pk, a, b, &z, rng, observer, &mut timings)?.into_ark();
    let c = (groth.c.into_group() - key.ck.blind_c * committer.rho).into_affine();
    let proof = LookupProof { proof: Proof::from_ark(ark_groth16::Proof { c, ..groth }), commitment };
    let public_inputs = z[1..num_instance - 1].to_vec();
    drop(z);
    if !verify_lookup(&key.verifying_key(), &public_inputs, &proof)? {
        return Err(ProverError::SelfCheckFailed);
    }
    timings.total = start.elapsed();
    Ok(LookupProveReport { proof, public_inputs, timings, commitment_time: committer.elapsed, shape })
}

/// Verifies a lookup-mode proof against the public inputs (without the challenge, in
/// circuit order). `Ok(false)`: invalid; `Err`: wrong number of inputs.
pub fn verify_lookup(vk: &LookupVerifyingKey, public_inputs: &[Fr], proof: &LookupProof) -> Result<bool> {
    let expected = vk.num_public_inputs();
    let ark_vk = vk.vk.as_ark();
    if public_inputs.len() != expected || ark_vk.gamma_abc_g1.len() < 2 {
        return Err(ProverError::PublicInputCount { expected, got: public_inputs.len() });
    }
    let alpha = challenge(&proof.commitment, public_inputs);
    let mut vk_x = ark_vk.gamma_abc_g1[0].into_group();
    let bases = &ark_vk.gamma_abc_g1[1..];
    for (x, base) in public_inputs.iter().chain(std::iter::once(&alpha)).zip(bases) {
        vk_x += *base * x;
    }
    let p = proof.proof.as_ark();
    let lhs = Bn254::multi_pairing(
        [p.a, (-vk_x).into_affine(), (-proof.commitment.into_group()).into_affine(), (-p.c.into_group()).into_affine()],
        [p.b, ark_vk.gamma_g2, vk.delta1_g2, ark_vk.delta_g2],
    );
    Ok(lhs == Bn254::pairing(ark_vk.alpha_g1, ark_vk.beta_g2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groth16::NoObserver;
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

    fn keys() -> (LookupProvingKey, LookupVerifyingKey) {
        setup_dev_lookup(Square { x: None, d: None }, &mut ChaCha20Rng::seed_from_u64(1)).unwrap()
    }

    fn prove(key: &LookupProvingKey, x: u64, d: i64) -> Result<LookupProveReport> {
        prove_lookup(key, Square { x: Some(x), d: Some(d) }, &mut ChaCha20Rng::seed_from_u64(2), &mut NoObserver)
    }

    #[test]
    fn proofs_verify_and_tampering_fails() {
        let (pk, vk) = keys();
        assert!(pk.ck.len() > 256, "bytes and the 256 multiplicities are committed");
        for &i in &pk.ck.indices {
            assert!(pk.pk.as_ark().l_query[i].is_zero(), "a committed variable cannot go through C");
        }
        for (x, d) in [(0, 0), (4095, -(1 << 20)), (77, 12345)] {
            let r = prove(&pk, x, d).unwrap();
            let inputs = [Fr::from(x * x), Fr::from(u64::from(d >= 0))];
            assert_eq!(r.public_inputs, inputs);
            assert!(verify_lookup(&vk, &inputs, &r.proof).unwrap());
            // Another public input, another commitment, another C: rejected.
            assert!(!verify_lookup(&vk, &[inputs[0] + Fr::from(1u64), inputs[1]], &r.proof).unwrap());
            let mut moved = r.proof.clone();
            moved.commitment = (moved.commitment + G1Affine::generator()).into_affine();
            assert!(!verify_lookup(&vk, &inputs, &moved).unwrap());
            let mut c_moved = r.proof.clone();
            let mut ark = c_moved.proof.into_ark();
            ark.c = (ark.c + G1Affine::generator()).into_affine();
            c_moved.proof = Proof::from_ark(ark);
            assert!(!verify_lookup(&vk, &inputs, &c_moved).unwrap());
        }
        assert!(matches!(
            verify_lookup(&vk, &[Fr::from(1u64)], &prove(&pk, 1, 1).unwrap().proof),
            Err(ProverError::PublicInputCount { expected: 2, got: 1 })
        ));
    }

    #[test]
    fn proofs_are_hiding_and_out_of_range_witnesses_are_refused() {
        let (pk, _) = keys();
        let a = prove_lookup(&pk, Square { x: Some(5), d: Some(1) }, &mut ChaCha20Rng::seed_from_u64(3), &mut NoObserver);
        let b = prove_lookup(&pk, Square { x: Some(5), d: Some(1) }, &mut ChaCha20Rng::seed_from_u64(4), &mut NoObserver);
        assert_ne!(a.unwrap().proof.commitment, b.unwrap().proof.commitment, "D is blinded");
        assert!(matches!(prove(&pk, 4096, 0), Err(ProverError::Unsatisfied { .. })));
        assert!(matches!(prove(&pk, 1, 1 << 24), Err(ProverError::Unsatisfied { .. })));
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
        let err = prove_lookup(&pk, Other, &mut ChaCha20Rng::seed_from_u64(5), &mut NoObserver).unwrap_err();
        assert!(matches!(err, ProverError::KeyCircuitMismatch(_)), "{err:?}");
    }
}
