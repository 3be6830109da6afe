//! End-to-end unit tests of the prover: setup → prove → verify, key files, proof formats.
//! Small circuits only; the timing benchmark at the bottom is `#[ignore]`d.

use std::time::{Duration, Instant};

use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G1Projective, G2Affine};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{Field, One, PrimeField, UniformRand, Zero};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable,
    predicate::PredicateConstraintSystem,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{Value, json};
use zkid_core::ModelDigest;

use crate::json::{field_to_decimal, public_inputs_from_str, public_inputs_to_json};
use crate::*;

/// `x³ + x + k = y`, `x` private, `y` public. Three constraints. Witness values are
/// `None` at setup (the closures are then never called).
#[derive(Clone, Copy)]
struct Cubic {
    x: Option<Fr>,
    y: Option<Fr>,
    k: u64,
}

impl Cubic {
    fn setup(k: u64) -> Self {
        Self { x: None, y: None, k }
    }
    fn honest(x: u64, k: u64) -> Self {
        let x = Fr::from(x);
        Self { x: Some(x), y: Some(x * x * x + x + Fr::from(k)), k }
    }
}

fn missing() -> SynthesisError {
    SynthesisError::AssignmentMissing
}

impl ConstraintSynthesizer<Fr> for Cubic {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let y = cs.new_input_variable(|| self.y.ok_or_else(missing))?;
        let x = cs.new_witness_variable(|| self.x.ok_or_else(missing))?;
        let x2_val = self.x.map(|x| x * x);
        let x2 = cs.new_witness_variable(|| x2_val.ok_or_else(missing))?;
        let x3 = cs.new_witness_variable(|| x2_val.zip(self.x).map(|(a, b)| a * b).ok_or_else(missing))?;
        cs.enforce_r1cs_constraint(|| x.into(), || x.into(), || x2.into())?;
        cs.enforce_r1cs_constraint(|| x2.into(), || x.into(), || x3.into())?;
        cs.enforce_r1cs_constraint(
            || LinearCombination::from(x3) + x + (Fr::from(self.k), Variable::One),
            || Variable::One.into(),
            || y.into(),
        )?;
        Ok(())
    }
}

/// Chain of `len` squarings `x_{i+1} = x_i²`, `x_0` private, the last value public.
/// `len` constraints, `len + 1` witness variables, full-width witness values.
struct Chain {
    x0: Option<Fr>,
    len: usize,
}

impl ConstraintSynthesizer<Fr> for Chain {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let mut values = Vec::new();
        if let Some(mut v) = self.x0 {
            values.reserve(self.len + 1);
            for _ in 0..=self.len {
                values.push(v);
                v.square_in_place();
            }
        }
        let value = |i: usize| values.get(i).copied().ok_or_else(missing);
        let out = cs.new_input_variable(|| value(self.len))?;
        let mut prev = cs.new_witness_variable(|| value(0))?;
        for i in 1..=self.len {
            let next = if i == self.len { out } else { cs.new_witness_variable(|| value(i))? };
            cs.enforce_r1cs_constraint(|| prev.into(), || prev.into(), || next.into())?;
            prev = next;
        }
        Ok(())
    }
}

/// `len` boolean constraints `b·b = b` over private bits (what range checks and bit
/// decompositions look like), plus one public input `s = Σ b_i` bound by a linear
/// constraint. Witness values are 0/1, the common case in zkid circuits.
struct Bits {
    bits: Option<Vec<bool>>,
    len: usize,
}

impl ConstraintSynthesizer<Fr> for Bits {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let bit = |i: usize| self.bits.as_ref().and_then(|b| b.get(i)).map(|&b| Fr::from(b)).ok_or_else(missing);
        let total =
            self.bits.as_ref().map(|b| Fr::from(b[..self.len.saturating_sub(1)].iter().filter(|&&b| b).count() as u64));
        let s = cs.new_input_variable(|| total.ok_or_else(missing))?;
        let mut sum = LinearCombination::zero();
        for i in 0..self.len.saturating_sub(1) {
            let b = cs.new_witness_variable(|| bit(i))?;
            cs.enforce_r1cs_constraint(|| b.into(), || b.into(), || b.into())?;
            sum += (Fr::one(), b);
        }
        cs.enforce_r1cs_constraint(|| sum, || Variable::One.into(), || s.into())?;
        Ok(())
    }
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn keys(k: u64) -> (ProvingKey, VerifyingKey) {
    setup_dev(Cubic::setup(k), &mut rng(1)).unwrap()
}

fn model() -> ModelDigest {
    ModelDigest([7u8; 32])
}

// ---------------------------------------------------------------- setup / prove / verify

#[test]
fn round_trip_verifies() {
    let (pk, vk) = keys(5);
    let report = prove_with_report(&pk, Cubic::honest(3, 5), &mut rng(2), &mut NoObserver).unwrap();
    assert_eq!(report.public_inputs, vec![Fr::from(35u64)]);
    assert_eq!(report.shape.num_constraints, 3);
    assert_eq!(report.shape.num_public_inputs(), 1);
    assert_eq!(report.shape.domain_size, 8); // 3 constraints + 2 instance variables → 8
    assert!(verify(&vk, &report.public_inputs, &report.proof).unwrap());
    assert_eq!(pk.verifying_key(), vk);
}

#[test]
fn flipped_public_input_fails() {
    let (pk, vk) = keys(5);
    let proof = prove(&pk, Cubic::honest(3, 5), &mut rng(2)).unwrap();
    assert!(!verify(&vk, &[Fr::from(36u64)], &proof).unwrap());
    assert!(!verify(&vk, &[-Fr::from(35u64)], &proof).unwrap());
}

#[test]
fn modified_proof_points_fail() {
    let (pk, vk) = keys(5);
    let proof = prove(&pk, Cubic::honest(3, 5), &mut rng(2)).unwrap();
    let public = [Fr::from(35u64)];
    let g1 = G1Affine::generator();
    let mut p = proof.clone().into_ark();
    p.a = (p.a + g1).into_affine();
    assert!(!verify(&vk, &public, &Proof::from_ark(p)).unwrap());
    let mut p = proof.clone().into_ark();
    p.c = (p.c + g1).into_affine();
    assert!(!verify(&vk, &public, &Proof::from_ark(p)).unwrap());
    let mut p = proof.clone().into_ark();
    p.b = (p.b + G2Affine::generator()).into_affine();
    assert!(!verify(&vk, &public, &Proof::from_ark(p)).unwrap());
    // Swapping A and C (both G1) also fails.
    let mut p = proof.into_ark();
    std::mem::swap(&mut p.a, &mut p.c);
    assert!(!verify(&vk, &public, &Proof::from_ark(p)).unwrap());
}

#[test]
fn changed_byte_of_binary_proof_is_rejected_or_invalid() {
    let (pk, vk) = keys(5);
    let proof = prove(&pk, Cubic::honest(3, 5), &mut rng(2)).unwrap();
    let bytes = proof.to_bytes();
    assert_eq!((bytes.len(), proof.encoded_len()), (crate::proof::PROOF_BYTES, crate::proof::PROOF_BYTES));
    for i in [0, 17, 31, 32, 63, 95, 96, 127] {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        match Proof::from_bytes(&b) {
            Err(ProverError::ProofFormat(_)) => {}
            Ok(p) => assert!(!verify(&vk, &[Fr::from(35u64)], &p).unwrap(), "byte {i}"),
            Err(e) => panic!("byte {i}: unexpected error {e}"),
        }
    }
}

#[test]
fn key_of_another_circuit_fails() {
    // Same shape, different constant: the proof is for k = 5, the key for k = 7.
    let (pk5, _) = keys(5);
    let (_, vk7) = keys(7);
    let proof = prove(&pk5, Cubic::honest(3, 5), &mut rng(2)).unwrap();
    assert!(!verify(&vk7, &[Fr::from(35u64)], &proof).unwrap());
    // An independent setup of the *same* circuit does not accept it either.
    let (_, vk5b) = setup_dev(Cubic::setup(5), &mut rng(99)).unwrap();
    assert!(!verify(&vk5b, &[Fr::from(35u64)], &proof).unwrap());
}

#[test]
fn proving_with_key_of_another_shape_is_a_typed_error() {
    let (pk_chain, _) = setup_dev(Chain { x0: None, len: 10 }, &mut rng(3)).unwrap();
    let err = prove(&pk_chain, Cubic::honest(3, 5), &mut rng(2)).unwrap_err();
    assert!(matches!(err, ProverError::KeyCircuitMismatch(_)), "{err}");
}

/// Same number of variables, different split between public and private: refused
/// before any work rather than producing an invalid proof.
#[test]
fn key_with_other_public_input_count_is_a_typed_error() {
    struct TwoPublic;
    impl ConstraintSynthesizer<Fr> for TwoPublic {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            // Cubic has 1 public + 3 private; this has 2 public + 2 private, 3 constraints.
            let y = cs.new_input_variable(|| Ok(Fr::from(4u64)))?;
            let x = cs.new_input_variable(|| Ok(Fr::from(2u64)))?;
            let a = cs.new_witness_variable(|| Ok(Fr::from(4u64)))?;
            let b = cs.new_witness_variable(|| Ok(Fr::from(8u64)))?;
            cs.enforce_r1cs_constraint(|| x.into(), || x.into(), || a.into())?;
            cs.enforce_r1cs_constraint(|| a.into(), || x.into(), || b.into())?;
            cs.enforce_r1cs_constraint(|| a.into(), || Variable::One.into(), || y.into())?;
            Ok(())
        }
    }
    let (pk, _) = keys(5);
    let err = prove(&pk, TwoPublic, &mut rng(2)).unwrap_err();
    assert!(matches!(err, ProverError::KeyCircuitMismatch(_)), "{err}");
}

#[test]
fn wrong_number_of_public_inputs_is_a_typed_error() {
    let (pk, vk) = keys(5);
    let proof = prove(&pk, Cubic::honest(3, 5), &mut rng(2)).unwrap();
    for inputs in [&[][..], &[Fr::one(), Fr::one()][..]] {
        let err = verify(&vk, inputs, &proof).unwrap_err();
        assert!(matches!(err, ProverError::PublicInputCount { expected: 1, got } if got == inputs.len()), "{err}");
    }
}

#[test]
fn unsatisfied_witness_is_refused_without_values_in_message() {
    let (pk, _) = keys(5);
    let mut c = Cubic::honest(3, 5);
    c.y = Some(Fr::from(1234567u64));
    let err = prove(&pk, c, &mut rng(2)).unwrap_err();
    assert!(matches!(err, ProverError::Unsatisfied { constraint: 2 }), "{err}");
    let msg = err.to_string();
    assert!(!msg.contains("1234567") && !msg.contains("35"), "{msg}");
}

#[test]
fn missing_witness_is_a_synthesis_error() {
    let (pk, _) = keys(5);
    let err = prove(&pk, Cubic::setup(5), &mut rng(2)).unwrap_err();
    assert!(matches!(err, ProverError::Synthesis(SynthesisError::AssignmentMissing)), "{err}");
}

/// A circuit using a GR1CS predicate other than R1CS would have those constraints
/// silently dropped by Groth16: both setup and prove refuse it.
#[test]
fn non_r1cs_predicate_is_refused() {
    struct Squared;
    impl ConstraintSynthesizer<Fr> for Squared {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let x = cs.new_input_variable(|| Ok(Fr::from(2u64)))?;
            let y = cs.new_witness_variable(|| Ok(Fr::from(4u64)))?;
            cs.register_predicate(
                ark_relations::gr1cs::predicate::polynomial_constraint::SR1CS_PREDICATE_LABEL,
                PredicateConstraintSystem::new_sr1cs_predicate()?,
            )?;
            cs.enforce_sr1cs_constraint(|| x.into(), || y.into())?;
            Ok(())
        }
    }
    let err = setup_dev(Squared, &mut rng(1)).unwrap_err();
    assert!(matches!(err, ProverError::UnsupportedPredicate(_)), "{err}");
    let (pk, _) = keys(5);
    let err = prove(&pk, Squared, &mut rng(1)).unwrap_err();
    assert!(matches!(err, ProverError::UnsupportedPredicate(_)), "{err}");
}

#[test]
fn seeded_rng_gives_byte_identical_proofs() {
    let (pk, vk) = keys(5);
    let p1 = prove(&pk, Cubic::honest(3, 5), &mut rng(42)).unwrap();
    let p2 = prove(&pk, Cubic::honest(3, 5), &mut rng(42)).unwrap();
    assert_eq!(p1.to_bytes(), p2.to_bytes());
    let p3 = prove(&pk, Cubic::honest(3, 5), &mut rng(43)).unwrap();
    assert_ne!(p1.to_bytes(), p3.to_bytes());
    assert!(verify(&vk, &[Fr::from(35u64)], &p3).unwrap());
    // Setup is deterministic in its RNG too.
    assert_eq!(keys(5).0, pk);
}

/// Golden vector: the proof bytes for a fixed seed. Changing them means proofs changed —
/// the reduction, the MSM formulas, or the RNG consumption order.
#[test]
fn golden_proof_from_fixed_seed() {
    let (pk, _) = keys(5);
    let proof = prove(&pk, Cubic::honest(3, 5), &mut rng(42)).unwrap();
    let sha = crate::keys::hex(ring::digest::digest(&ring::digest::SHA256, &proof.to_bytes()).as_ref());
    assert_eq!(sha, GOLDEN_PROOF_SHA256, "proof bytes changed");
}

const GOLDEN_PROOF_SHA256: &str = "9beb7947353cc9cb0f601e17dd1765c17d5b7ca049e6d41600ecc50c0722a832";

/// Our prover and ark-groth16's own prover with ark-circom's reduction consume the RNG
/// the same way, so with one seed they must give the same proof; likewise the keys.
#[cfg(target_arch = "x86_64")] // the reference (ark-circom) is an x86_64-only dev-dependency
#[test]
fn matches_ark_groth16_with_ark_circom_reduction() {
    type Reference = ark_groth16::Groth16<Bn254, ark_circom::CircomReduction>;
    let reference_pk = Reference::generate_random_parameters_with_reduction(Cubic::setup(5), &mut rng(1)).unwrap();
    let (pk, vk) = keys(5);
    assert_eq!(pk.as_ark(), &reference_pk);

    let ours = prove(&pk, Cubic::honest(3, 5), &mut rng(42)).unwrap();
    let theirs =
        Reference::create_random_proof_with_reduction(Cubic::honest(3, 5), &reference_pk, &mut rng(42)).unwrap();
    assert_eq!(ours.as_ark(), &theirs);
    assert!(verify(&vk, &[Fr::from(35u64)], &Proof::from_ark(theirs)).unwrap());

    // A larger, multi-input-row circuit (domain 64) too.
    let reference_pk =
        Reference::generate_random_parameters_with_reduction(Chain { x0: None, len: 40 }, &mut rng(5)).unwrap();
    let pk = ProvingKey::from_ark(reference_pk.clone());
    let x0 = Some(Fr::from(3u64));
    let ours = prove(&pk, Chain { x0, len: 40 }, &mut rng(6)).unwrap();
    let theirs =
        Reference::create_random_proof_with_reduction(Chain { x0, len: 40 }, &reference_pk, &mut rng(6)).unwrap();
    assert_eq!(ours.as_ark(), &theirs);
}

/// The matrix-free path gives the same proof as `prove` when fed the same evaluations.
#[test]
fn prove_from_evaluations_matches_prove() {
    use ark_relations::gr1cs::{ConstraintSystem, R1CS_PREDICATE_LABEL, SynthesisMode};
    let (pk, vk) = keys(5);
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false });
    Cubic::honest(3, 5).generate_constraints(cs.clone()).unwrap();
    cs.finalize();
    let m = &cs.to_matrices().unwrap()[R1CS_PREDICATE_LABEL];
    let z = [cs.instance_assignment().unwrap(), cs.witness_assignment().unwrap()].concat();
    let a = crate::reduction::evaluate_rows(&m[0], &z).unwrap();
    let b = crate::reduction::evaluate_rows(&m[1], &z).unwrap();

    let mut phases = Vec::new();
    let mut observer = |phase: ProvePhase, _: Duration| phases.push(phase);
    let (proof, timings) = prove_from_evaluations(&pk, a.clone(), b.clone(), &z, &mut rng(42), &mut observer).unwrap();
    assert_eq!(proof, prove(&pk, Cubic::honest(3, 5), &mut rng(42)).unwrap());
    assert!(verify(&vk, &[Fr::from(35u64)], &proof).unwrap());
    assert_eq!(phases.first(), Some(&ProvePhase::WitnessMap));
    assert!(timings.total >= timings.witness_map + timings.msm_total());

    // Shape errors are typed, not panics.
    let err = prove_from_evaluations(&pk, a.clone(), b[..2].to_vec(), &z, &mut rng(1), &mut NoObserver).unwrap_err();
    assert!(matches!(err, ProverError::InvalidInput(_)), "{err}");
    let err = prove_from_evaluations(&pk, a.clone(), b.clone(), &z[..3], &mut rng(1), &mut NoObserver).unwrap_err();
    assert!(matches!(err, ProverError::KeyCircuitMismatch(_)), "{err}");
    let mut z0 = z.clone();
    z0[0] = Fr::from(2u64);
    let err = prove_from_evaluations(&pk, a, b, &z0, &mut rng(1), &mut NoObserver).unwrap_err();
    assert!(matches!(err, ProverError::InvalidInput(_)), "{err}");
}

#[test]
fn observer_sees_every_phase_in_order() {
    struct Log(Vec<(bool, ProvePhase)>);
    impl ProveObserver for Log {
        fn phase_started(&mut self, phase: ProvePhase) {
            self.0.push((true, phase));
        }
        fn phase_finished(&mut self, phase: ProvePhase, _: Duration) {
            self.0.push((false, phase));
        }
    }
    let (pk, _) = keys(5);
    let mut log = Log(Vec::new());
    let report = prove_with_report(&pk, Cubic::honest(3, 5), &mut rng(2), &mut log).unwrap();
    let expected: Vec<_> = ProvePhase::ALL.iter().flat_map(|&p| [(true, p), (false, p)]).collect();
    assert_eq!(log.0, expected);
    let t = report.timings;
    let sum: Duration = ProvePhase::ALL.iter().map(|&p| t.get(p)).sum();
    assert!(sum <= t.total);
    assert_eq!(ProvePhase::ALL.iter().filter(|p| p.is_msm()).count(), 5);
}

#[test]
fn observer_cancels_before_any_phase() {
    /// Cancels once `after` phases have finished.
    struct CancelAfter {
        after: usize,
        finished: usize,
    }
    impl ProveObserver for CancelAfter {
        fn cancelled(&self) -> bool {
            self.finished >= self.after
        }
        fn phase_finished(&mut self, _: ProvePhase, _: Duration) {
            self.finished += 1;
        }
    }
    let (pk, _) = keys(5);
    for after in 0..ProvePhase::ALL.len() {
        let mut observer = CancelAfter { after, finished: 0 };
        let result = prove_with_report(&pk, Cubic::honest(3, 5), &mut rng(2), &mut observer);
        assert!(matches!(result, Err(ProverError::Cancelled)), "cancel after {after} phases");
        assert_eq!(observer.finished, after, "no phase starts once cancelled");
    }
    let mut never = CancelAfter { after: usize::MAX, finished: 0 };
    assert!(prove_with_report(&pk, Cubic::honest(3, 5), &mut rng(2), &mut never).is_ok());
}

#[test]
fn phase_weights_sum_to_one_and_accumulate() {
    let total: f32 = ProvePhase::ALL.iter().map(|p| p.weight()).sum();
    assert!((total - 1.0).abs() < 1e-6, "{total}");
    assert_eq!(ProvePhase::ALL[0].progress_at_start(), 0.0);
    let starts: Vec<f32> = ProvePhase::ALL.iter().map(|p| p.progress_at_start()).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
}

// ---------------------------------------------------------------------------- key files

#[test]
fn digest_hex_parses_both_cases_and_rejects_the_rest() {
    let lower = "00ff10a0".repeat(8);
    let parsed = crate::keys::parse_digest_hex(&lower).unwrap();
    assert_eq!(&parsed[..4], &[0x00, 0xff, 0x10, 0xa0]);
    assert_eq!(crate::keys::parse_digest_hex(&format!(" {} ", lower.to_uppercase())).unwrap(), parsed);
    for bad in ["", "abc", &"0".repeat(63), &"0".repeat(65), &format!("+{}", "0".repeat(63)), &"g".repeat(64)] {
        assert!(matches!(crate::keys::parse_digest_hex(bad), Err(ProverError::InvalidInput(_))), "accepted {bad:?}");
    }
    // Multi-byte characters of the right byte length are refused, not sliced.
    assert!(matches!(crate::keys::parse_digest_hex(&"é".repeat(32)), Err(ProverError::InvalidInput(_))));
}

#[test]
fn key_files_round_trip() {
    let (pk, vk) = keys(5);
    let pk_file = ProvingKeyFile::new(pk.clone(), model(), "infer").unwrap();
    let bytes = pk_file.to_bytes().unwrap();
    let back = ProvingKeyFile::from_bytes(&bytes).unwrap();
    assert_eq!(back, pk_file);
    assert_eq!(back.header.vk_digest, vk.digest());
    back.check_for(&model(), "infer").unwrap();

    // The pin is the whole file's BLAKE3, what `b3sum` prints.
    let pin = *blake3::hash(&bytes).as_bytes();
    assert_eq!(pk_file.write_to(std::io::sink()).unwrap(), pin);
    ProvingKeyFile::from_bytes_pinned(&bytes, &pin).unwrap();

    let vk_file = VerifyingKeyFile::new(vk.clone(), model(), "infer").unwrap();
    let vk_bytes = vk_file.to_bytes().unwrap();
    let vk_back = VerifyingKeyFile::from_bytes(&vk_bytes).unwrap();
    assert_eq!(vk_back.key, vk);
    assert_eq!(vk_back.header, pk_file.header);

    // Through the file system as well.
    let dir = std::env::temp_dir().join(format!("zkid-prover-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pk.bin");
    let saved = pk_file.save(&path).unwrap();
    assert_eq!(saved, pin);
    assert_eq!(ProvingKeyFile::load_pinned(&path, &pin).unwrap(), pk_file);
    // Streamed in reads that split every field and point, and in one read.
    for chunk in [1, 5, 63, 64, 65, 4096, bytes.len(), 1 << 22] {
        assert_eq!(ProvingKeyFile::stream(&path, Some(&pin), chunk).unwrap(), pk_file, "{chunk}-byte reads");
    }
    vk_file.save(&path).unwrap();
    assert_eq!(VerifyingKeyFile::load(&path).unwrap(), vk_file);
    std::fs::remove_dir_all(&dir).unwrap();

    // A proof made with the reloaded key verifies with the reloaded verifying key.
    let proof = prove(&back.key, Cubic::honest(4, 5), &mut rng(3)).unwrap();
    assert!(verify(&vk_back.key, &[Fr::from(64u64 + 4 + 5)], &proof).unwrap());
}

#[test]
fn key_made_for_another_model_or_statement_is_refused() {
    let (pk, _) = keys(5);
    let file = ProvingKeyFile::new(pk, model(), "infer").unwrap();
    let err = file.check_for(&ModelDigest([8u8; 32]), "infer").unwrap_err();
    assert!(matches!(err, ProverError::ModelMismatch { .. }), "{err}");
    let err = file.check_for(&model(), "match").unwrap_err();
    assert!(matches!(err, ProverError::StatementMismatch { .. }), "{err}");
    let err = ProvingKeyFile::new(file.key.clone(), model(), "x".repeat(300)).unwrap_err();
    assert!(matches!(err, ProverError::KeyFormat(_)), "{err}");
}

/// Re-seals a modified file with a correct trailer, to get past the digest check.
pub(crate) fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
    let body = bytes.len() - 32;
    let d = crate::keys::file_digest(&bytes[..body]);
    bytes[body..].copy_from_slice(&d);
    bytes
}

#[test]
fn corrupt_key_files_give_typed_errors() {
    let (pk, vk) = keys(5);
    let good = ProvingKeyFile::new(pk, model(), "infer").unwrap().to_bytes().unwrap();
    let vk_good = VerifyingKeyFile::new(vk, model(), "infer").unwrap().to_bytes().unwrap();
    let n = good.len();
    let payload_at = 76 + "infer".len() + 8;
    let flip = |i: usize| {
        let mut b = good.clone();
        b[i] ^= 0x40;
        b
    };
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        f(&mut b);
        b
    };
    type Check = fn(&ProverError) -> bool;
    let truncated: Check = |e| matches!(e, ProverError::KeyTruncated { .. });
    let magic: Check = |e| matches!(e, ProverError::KeyBadMagic { expected: KeyKind::Proving });
    let version: Check = |e| matches!(e, ProverError::KeyUnsupportedVersion { found: 1..=3 | 6, supported: 5 });
    let digest: Check = |e| matches!(e, ProverError::KeyDigestMismatch);
    let format: Check = |e| matches!(e, ProverError::KeyFormat(_));
    let pin: Check = |e| matches!(e, ProverError::KeyPinMismatch { .. });

    let cases: Vec<(&str, Vec<u8>, Check)> = vec![
        ("empty", vec![], truncated),
        ("magic only", good[..8].to_vec(), truncated),
        ("half a header", good[..40].to_vec(), truncated),
        ("header without payload length", good[..payload_at - 3].to_vec(), truncated),
        ("header only", good[..payload_at].to_vec(), truncated),
        ("half the payload", good[..n / 2].to_vec(), truncated),
        ("missing last byte", good[..n - 1].to_vec(), truncated),
        ("trailing byte", with(&|b| b.push(0)), format),
        ("wrong magic", flip(0), magic),
        ("not a key", b"hello world, this is not a key file at all".repeat(3), magic),
        ("verifying key file", vk_good.clone(), magic),
        ("version 1 (arkworks payload)", reseal(with(&|b| b[8] = 1)), version),
        ("version 2 (SHA-256 trailer)", reseal(with(&|b| b[8] = 2)), version),
        ("version 3 (lookup mode, SHA-256 trailer)", reseal(with(&|b| b[8] = 3)), version),
        ("version 6", reseal(with(&|b| b[8] = 6)), version),
        ("version 5 (lookup mode) without its commitment section", reseal(with(&|b| b[8] = 5)), format),
        ("flipped model digest", flip(12), digest),
        ("flipped payload byte", flip(payload_at + 100), digest),
        ("flipped digest byte", flip(n - 1), digest),
        ("payload length huge", with(&|b| b[payload_at - 1] = 0xff), truncated),
        ("statement id length huge", with(&|b| b[75] = 0xff), format),
        ("statement id not utf-8", reseal(with(&|b| b[76] = 0xff)), format),
        ("vk digest in header forged", reseal(with(&|b| b[50] ^= 1)), format),
        ("resealed garbage payload", reseal(with(&|b| b[payload_at + 8..payload_at + 40].fill(0xff))), format),
    ];
    for (name, bytes, check) in &cases {
        match ProvingKeyFile::from_bytes(bytes) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => assert!(check(&e), "{name}: unexpected error {e:?}"),
        }
    }
    let err = ProvingKeyFile::from_bytes_pinned(&good, &[0u8; 32]).unwrap_err();
    assert!(pin(&err), "{err:?}");

    // Loading a file streams it through a reader thread: the same error as from memory,
    // whatever the read size (1 byte splits every field and point across reads).
    let dir = std::env::temp_dir().join(format!("zkid-prover-bad-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pk.bin");
    for (name, bytes, _) in &cases {
        std::fs::write(&path, bytes).unwrap();
        let want = format!("{:?}", ProvingKeyFile::from_bytes(bytes).unwrap_err());
        for chunk in [1, 7, 64, 1 << 22] {
            let got = ProvingKeyFile::stream(&path, None, chunk).map(|_| ()).unwrap_err();
            assert_eq!(format!("{got:?}"), want, "{name}, {chunk}-byte reads");
        }
    }
    std::fs::write(&path, &good).unwrap();
    assert!(pin(&ProvingKeyFile::load_pinned(&path, &[0u8; 32]).unwrap_err()));
    let missing = ProvingKeyFile::load(&dir.join("missing.bin")).unwrap_err();
    assert!(matches!(missing, ProverError::Io(_)), "{missing:?}");
    std::fs::remove_dir_all(&dir).unwrap();

    // The verifying key is fully validated: a resealed point off the curve is refused.
    let mut bad_vk = vk_good.clone();
    let at = 76 + "infer".len() + 8 + 5;
    bad_vk[at] ^= 0x01;
    let err = VerifyingKeyFile::from_bytes(&reseal(bad_vk)).unwrap_err();
    assert!(format(&err), "{err:?}");
    let err = VerifyingKeyFile::from_bytes(&good).unwrap_err();
    assert!(matches!(err, ProverError::KeyBadMagic { expected: KeyKind::Verifying }), "{err:?}");
}

/// Every truncation point of a small key file is a typed error (never a panic).
#[test]
fn every_truncation_of_a_verifying_key_file_is_an_error() {
    let (_, vk) = keys(5);
    let bytes = VerifyingKeyFile::new(vk, model(), "infer").unwrap().to_bytes().unwrap();
    for len in 0..bytes.len() {
        assert!(VerifyingKeyFile::from_bytes(&bytes[..len]).is_err(), "len {len}");
    }
}

// ----------------------------------------------------------------------- proof formats

#[test]
fn decimal_encoding_is_canonical() {
    assert_eq!(field_to_decimal(&Fr::from(5u64)), "5");
    assert_eq!(field_to_decimal(&Fr::zero()), "0");
    let r_minus_1 = "21888242871839275222246405745257275088548364400416034343698204186575808495616";
    assert_eq!(field_to_decimal(&-Fr::one()), r_minus_1);
    assert_eq!(public_inputs_from_str(&format!("[\"{r_minus_1}\"]")).unwrap(), vec![-Fr::one()]);
}

#[test]
fn binary_proof_round_trip() {
    let (pk, _) = keys(5);
    let proof = prove(&pk, Cubic::honest(3, 5), &mut rng(2)).unwrap();
    let bytes = proof.to_bytes();
    assert_eq!(bytes.len(), 128);
    use ark_serialize::CanonicalSerialize;
    assert_eq!(proof.as_ark().compressed_size(), 128);
    assert_eq!(Proof::from_bytes(&bytes).unwrap(), proof);
    for bad in [&bytes[..127], &[0u8; 129][..], &[0xffu8; 128][..]] {
        let err = Proof::from_bytes(bad).unwrap_err();
        assert!(matches!(err, ProverError::ProofFormat(_)), "{err}");
    }
}

#[test]
fn snarkjs_json_round_trip() {
    let (pk, vk) = keys(5);
    let proof = prove(&pk, Cubic::honest(3, 5), &mut rng(2)).unwrap();
    let public = vec![Fr::from(35u64)];

    let text = proof.to_snarkjs_string();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["protocol"], "groth16");
    assert_eq!(v["curve"], "bn128");
    assert_eq!(v["pi_a"][2], "1");
    assert_eq!(v["pi_b"][2], json!(["1", "0"]));
    assert_eq!(v["pi_c"].as_array().unwrap().len(), 3);
    let back = Proof::from_snarkjs_str(&text).unwrap();
    assert_eq!(back, proof);

    let pub_text = public_inputs_to_string(&public);
    assert_eq!(serde_json::from_str::<Value>(&pub_text).unwrap(), json!(["35"]));
    let public_back = public_inputs_from_str(&pub_text).unwrap();
    assert_eq!(public_back, public);

    let vk_text = vk.to_snarkjs_string();
    let vj: Value = serde_json::from_str(&vk_text).unwrap();
    assert_eq!(vj["nPublic"], 1);
    assert_eq!(vj["IC"].as_array().unwrap().len(), 2);
    assert_eq!(vj["vk_alpha_1"][2], "1");
    assert_eq!(vj["vk_delta_2"][2], json!(["1", "0"]));
    let ab = &vj["vk_alphabeta_12"];
    assert_eq!(ab.as_array().unwrap().len(), 2);
    assert_eq!(ab[0].as_array().unwrap().len(), 3);
    assert_eq!(ab[1][2].as_array().unwrap().len(), 2);
    let vk_back = VerifyingKey::from_snarkjs_str(&vk_text).unwrap();
    assert_eq!(vk_back, vk);

    assert!(verify(&vk_back, &public_back, &back).unwrap());
}

#[test]
fn points_at_infinity_use_snarkjs_canonical_form() {
    let g1 = crate::json::g1_to_json(&G1Affine::identity());
    assert_eq!(g1, json!(["0", "1", "0"]));
    assert_eq!(crate::json::g1_from_json(&g1, "p").unwrap(), G1Affine::identity());
    let g2 = crate::json::g2_to_json(&G2Affine::identity());
    assert_eq!(g2, json!([["0", "0"], ["1", "0"], ["0", "0"]]));
    assert_eq!(crate::json::g2_from_json(&g2, "p").unwrap(), G2Affine::identity());
}

/// A G2 point on the twist curve but outside the prime-order subgroup.
fn g2_off_subgroup() -> G2Affine {
    let mut x = Fq2::new(Fq::from(1u64), Fq::from(1u64));
    loop {
        let rhs = x * x * x + ark_bn254::g2::Config::COEFF_B;
        if let Some(y) = rhs.sqrt() {
            let p = G2Affine::new_unchecked(x, y);
            assert!(p.is_on_curve());
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return p;
            }
        }
        x += Fq2::one();
    }
}

use ark_ec::short_weierstrass::SWCurveConfig;

#[test]
fn malformed_proof_json_gives_typed_errors() {
    let (pk, _) = keys(5);
    let proof = prove(&pk, Cubic::honest(3, 5), &mut rng(2)).unwrap();
    let good = proof.to_snarkjs_json();
    let p = ark_bn254::Fq::MODULUS.to_string();
    let off = g2_off_subgroup();
    let off_json = crate::json::g2_to_json(&off);
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(&str, String)> = vec![
        ("not json", "{".into()),
        ("empty", "".into()),
        ("array", "[]".into()),
        (
            "missing pi_a",
            edit(&|v| {
                v.as_object_mut().unwrap().remove("pi_a");
            }),
        ),
        (
            "missing pi_c",
            edit(&|v| {
                v.as_object_mut().unwrap().remove("pi_c");
            }),
        ),
        (
            "pi_a too short",
            edit(&|v| {
                v["pi_a"].as_array_mut().unwrap().pop();
            }),
        ),
        ("pi_a not array", edit(&|v| v["pi_a"] = json!("1"))),
        (
            "pi_b inner short",
            edit(&|v| {
                v["pi_b"][0].as_array_mut().unwrap().pop();
            }),
        ),
        ("number not string", edit(&|v| v["pi_a"][0] = json!(1))),
        ("hex string", edit(&|v| v["pi_a"][0] = json!("0x01"))),
        ("negative", edit(&|v| v["pi_a"][0] = json!("-1"))),
        ("spaces", edit(&|v| v["pi_a"][0] = json!(" 1"))),
        ("empty string", edit(&|v| v["pi_a"][0] = json!(""))),
        ("equal to modulus", edit(&|v| v["pi_a"][0] = json!(p.clone()))),
        ("above 2^256", edit(&|v| v["pi_a"][0] = json!("9".repeat(78)))),
        ("too many digits", edit(&|v| v["pi_a"][0] = json!("1".repeat(200)))),
        ("off curve", edit(&|v| v["pi_a"][1] = json!("12345"))),
        ("z = 2", edit(&|v| v["pi_c"][2] = json!("2"))),
        ("bad infinity", edit(&|v| v["pi_a"] = json!(["5", "1", "0"]))),
        ("G2 off curve", edit(&|v| v["pi_b"][0][0] = json!("7"))),
        ("G2 not in subgroup", edit(&|v| v["pi_b"] = off_json.clone())),
        ("G2 z wrong", edit(&|v| v["pi_b"][2] = json!(["1", "1"]))),
        ("protocol plonk", edit(&|v| v["protocol"] = json!("plonk"))),
        ("curve bls", edit(&|v| v["curve"] = json!("bls12381"))),
        ("protocol number", edit(&|v| v["protocol"] = json!(16))),
    ];
    for (name, text) in cases {
        match Proof::from_snarkjs_str(&text) {
            Err(ProverError::ProofFormat(msg)) => {
                assert!(!msg.is_empty(), "{name}");
            }
            other => panic!("{name}: expected ProofFormat, got {other:?}"),
        }
    }
    // Tags may be absent (other tools omit them).
    let untagged = edit(&|v| {
        let o = v.as_object_mut().unwrap();
        o.remove("protocol");
        o.remove("curve");
    });
    assert_eq!(Proof::from_snarkjs_str(&untagged).unwrap(), proof);
}

#[test]
fn malformed_public_json_gives_typed_errors() {
    let r = Fr::MODULUS.to_string();
    for (name, text) in [
        ("not json", "[".to_string()),
        ("object", "{}".to_string()),
        ("number", "[35]".to_string()),
        ("nested", "[[\"1\"]]".to_string()),
        ("modulus", format!("[\"{r}\"]")),
        ("negative", "[\"-35\"]".to_string()),
        ("float", "[\"3.5\"]".to_string()),
    ] {
        let err = public_inputs_from_str(&text).unwrap_err();
        assert!(matches!(err, ProverError::PublicInputFormat(_)), "{name}: {err:?}");
    }
    assert_eq!(public_inputs_from_str("[]").unwrap(), Vec::<Fr>::new());
    assert_eq!(public_inputs_to_json(&[]), json!([]));
}

#[test]
fn malformed_verification_key_json_gives_typed_errors() {
    let (_, vk) = keys(5);
    let good = vk.to_snarkjs_json();
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        v.to_string()
    };
    let off_json = crate::json::g2_to_json(&g2_off_subgroup());
    for (name, text) in [
        ("nPublic wrong", edit(&|v| v["nPublic"] = json!(2))),
        ("nPublic string", edit(&|v| v["nPublic"] = json!("1"))),
        ("IC empty", edit(&|v| v["IC"] = json!([]))),
        (
            "IC missing",
            edit(&|v| {
                v.as_object_mut().unwrap().remove("IC");
            }),
        ),
        ("delta not in subgroup", edit(&|v| v["vk_delta_2"] = off_json.clone())),
        ("alpha off curve", edit(&|v| v["vk_alpha_1"][0] = json!("3"))),
        ("protocol", edit(&|v| v["protocol"] = json!("fflonk"))),
    ] {
        let err = VerifyingKey::from_snarkjs_str(&text).unwrap_err();
        assert!(matches!(err, ProverError::KeyFormat(_)), "{name}: {err:?}");
    }
    // vk_alphabeta_12 is informational and ignored on parse.
    let without = edit(&|v| {
        v.as_object_mut().unwrap().remove("vk_alphabeta_12");
    });
    assert_eq!(VerifyingKey::from_snarkjs_str(&without).unwrap(), vk);
}

#[test]
fn random_g1_points_round_trip_through_json() {
    let mut r = rng(11);
    for _ in 0..20 {
        let p = G1Projective::rand(&mut r).into_affine();
        let v = crate::json::g1_to_json(&p);
        assert_eq!(crate::json::g1_from_json(&v, "p").unwrap(), p);
    }
    let g = G1Projective::generator().into_affine();
    assert_eq!(crate::json::g1_to_json(&g), json!(["1", "2", "1"]));
}

// -------------------------------------------------------------------------- benchmark

/// Timing of a `ZKID_BENCH_CONSTRAINTS`-constraint circuit (default 100 000):
/// `ZKID_BENCH_KIND=squares` (default; chain of squarings, full-width witness values) or
/// `bits` (boolean constraints, 0/1 witness values). Run with optimisations:
/// `cargo test -p zkid-prover --profile ci --lib bench_circuit -- --ignored --nocapture`
#[test]
#[ignore = "benchmark; run explicitly with optimisations"]
fn bench_circuit() {
    let len: usize = std::env::var("ZKID_BENCH_CONSTRAINTS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let bits = std::env::var("ZKID_BENCH_KIND").is_ok_and(|k| k == "bits");
    let t = Instant::now();
    let (pk, vk) = if bits {
        setup_dev(Bits { bits: None, len }, &mut rng(1))
    } else {
        setup_dev(Chain { x0: None, len }, &mut rng(1))
    }
    .unwrap();
    let setup = t.elapsed();
    let file = ProvingKeyFile::new(pk, model(), "bench").unwrap();
    let t = Instant::now();
    let bytes = file.to_bytes().unwrap();
    let write = t.elapsed();
    drop(file);
    let t = Instant::now();
    let loaded = ProvingKeyFile::from_bytes(&bytes).unwrap();
    let load = t.elapsed();
    let t = Instant::now();
    let _ = crate::keys::file_digest(&bytes);
    let hash_only = t.elapsed();

    let values: Vec<bool> = {
        let mut r = rng(3);
        (0..len).map(|_| rand::Rng::r#gen::<bool>(&mut r)).collect()
    };
    let x0 = Some(Fr::from(3u64));
    let report = if bits {
        let c = Bits { bits: Some(values.clone()), len };
        prove_with_report(&loaded.key, c, &mut rng(2), &mut NoObserver)
    } else {
        prove_with_report(&loaded.key, Chain { x0, len }, &mut rng(2), &mut NoObserver)
    }
    .unwrap();
    let t = Instant::now();
    assert!(verify(&vk, &report.public_inputs, &report.proof).unwrap());
    let verify_time = t.elapsed();

    // Stock ark-groth16 prover (same reduction, same seed) for comparison: same proof.
    type Stock = ark_groth16::Groth16<Bn254, crate::reduction::ArkPolyCircomReduction>;
    let t = Instant::now();
    let stock = if bits {
        Stock::create_random_proof_with_reduction(Bits { bits: Some(values), len }, loaded.key.as_ark(), &mut rng(2))
    } else {
        Stock::create_random_proof_with_reduction(Chain { x0, len }, loaded.key.as_ark(), &mut rng(2))
    }
    .unwrap();
    let stock_time = t.elapsed();
    assert_eq!(&stock, report.proof.as_ark());
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let tm = report.timings;
    let n = report.shape.num_constraints;
    println!(
        "{} circuit: {n} constraints, {} variables, domain {}",
        if bits { "bits" } else { "squares" },
        report.shape.num_instance_variables + report.shape.num_witness_variables,
        report.shape.domain_size
    );
    println!("setup {:.0} ms", ms(setup));
    println!(
        "pk file {} bytes ({:.1} B/constraint), vk file {} bytes",
        bytes.len(),
        bytes.len() as f64 / n as f64,
        VerifyingKeyFile::new(vk.clone(), model(), "bench").unwrap().to_bytes().unwrap().len()
    );
    println!("pk write {:.0} ms, load {:.0} ms (of which blake3 {:.0} ms)", ms(write), ms(load), ms(hash_only));
    println!("prove total {:.0} ms = {:.2} us/constraint", ms(tm.total), ms(tm.total) * 1e3 / n as f64);
    for phase in ProvePhase::ALL {
        println!("  {:<15} {:>8.1} ms", phase.name(), ms(tm.get(phase)));
    }
    println!("verify {:.1} ms", ms(verify_time));
    println!("stock ark-groth16 prove (same reduction, same proof) {:.0} ms", ms(stock_time));
}

#[test]
fn bad_nonces_are_invalid_input() {
    use crate::statement::parse_nonce;
    assert_eq!(parse_nonce(" 12345 ").unwrap(), Fr::from(12345u64));
    for bad in ["", "abc", "-1", "1.5", &"9".repeat(80)] {
        assert!(matches!(parse_nonce(bad), Err(ProverError::InvalidInput(_))), "{bad:?}");
    }
}
