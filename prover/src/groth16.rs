//! Groth16 over BN254 with the circom reduction: setup, prove, verify for any
//! `ConstraintSynthesizer<Fr>`.
//!
//! # Structure of the prover
//!
//! ```text
//! prove(pk, circuit)
//!   ├─ synthesis        circuit → R1CS matrices + full assignment z = (1, x, w)
//!   ├─ row evaluation   A·z, B·z, C·z from the matrices; check (A·z)∘(B·z) = C·z
//!   └─ prove_from_evaluations(pk, A·z, B·z, z)          ← matrix-free provers enter here
//!        ├─ witness map   circom reduction, six FFTs → h
//!        └─ MSMs          A, B (G1), B (G2), L (witness part of z), H (h)
//! ```
//!
//! A later prover that takes `A·z` and `B·z` from the integer-inference record (the linear
//! layers' accumulators) calls [`prove_from_evaluations`] directly and never builds the
//! matrices. Each phase is reported to a [`ProveObserver`] and timed in [`ProveTimings`].
//!
//! # Randomness
//!
//! Proving takes any `RngCore + CryptoRng`. Production code passes [`rand::rngs::OsRng`]
//! (the blinding factors r, s are what makes a proof zero-knowledge); tests pass a seeded
//! ChaCha RNG and get byte-identical proofs.

use std::cell::RefCell;
use std::time::Duration;
use web_time::Instant;

use ark_bn254::{Bn254, G1Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{One, PrimeField, UniformRand, Zero};
use ark_groth16::Groth16;
use ark_poly::GeneralEvaluationDomain;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, OptimizationGoal, R1CS_PREDICATE_LABEL,
    SynthesisError, SynthesisMode,
};
use rand::{CryptoRng, RngCore};
use rayon::prelude::*;

use crate::Fr;
use crate::error::{ProverError, Result};
use crate::keys::{ProvingKey, VerifyingKey};
use crate::msm;
use crate::proof::Proof;
use crate::reduction::{self, CircomReduction};
use zkid_circuits::rows::{self, RecordableCircuit};

pub(crate) type Domain = GeneralEvaluationDomain<Fr>;
pub(crate) type CircomGroth16 = Groth16<Bn254, CircomReduction>;

/// A phase of proof generation, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProvePhase {
    /// Constraint synthesis: running the circuit to get the R1CS matrices and assignment.
    Synthesis,
    /// Evaluating the rows `A·z`, `B·z`, `C·z` and checking satisfaction.
    RowEvaluation,
    /// The circom witness map: six FFTs giving the H-query scalars.
    WitnessMap,
    /// MSM for the proof's A element (G1).
    MsmA,
    /// MSM for B in G1 (needed for C).
    MsmBG1,
    /// MSM for B in G2 (the proof's B element).
    MsmBG2,
    /// MSM over the witness part of the assignment (L query).
    MsmL,
    /// MSM over the witness-map output (H query); full-width scalars, usually the largest.
    MsmH,
}

impl ProvePhase {
    /// All phases in execution order.
    pub const ALL: [ProvePhase; 8] = [
        ProvePhase::Synthesis,
        ProvePhase::RowEvaluation,
        ProvePhase::WitnessMap,
        ProvePhase::MsmH,
        ProvePhase::MsmL,
        ProvePhase::MsmA,
        ProvePhase::MsmBG1,
        ProvePhase::MsmBG2,
    ];

    /// Short stable name (for progress bars and `zkid bench --json`).
    pub fn name(self) -> &'static str {
        match self {
            ProvePhase::Synthesis => "synthesis",
            ProvePhase::RowEvaluation => "row_evaluation",
            ProvePhase::WitnessMap => "witness_map",
            ProvePhase::MsmA => "msm_a",
            ProvePhase::MsmBG1 => "msm_b_g1",
            ProvePhase::MsmBG2 => "msm_b_g2",
            ProvePhase::MsmL => "msm_l",
            ProvePhase::MsmH => "msm_h",
        }
    }

    /// Typical share of the total proving time (the weights sum to 1), measured with
    /// `zkid bench` on the matrix-free prover for 0.5M–1.3M-constraint statements (face
    /// match, synthetic 1M, iris enroll): what a progress bar advances by when the phase ends.
    pub fn weight(self) -> f32 {
        match self {
            ProvePhase::Synthesis => 0.10,
            ProvePhase::RowEvaluation => 0.01,
            ProvePhase::WitnessMap => 0.24,
            ProvePhase::MsmH => 0.50,
            ProvePhase::MsmL => 0.04,
            ProvePhase::MsmA => 0.04,
            ProvePhase::MsmBG1 => 0.03,
            ProvePhase::MsmBG2 => 0.04,
        }
    }

    /// Estimated fraction of the proof done when this phase starts (the weights of the
    /// phases before it), in `[0, 1)`.
    pub fn progress_at_start(self) -> f32 {
        ProvePhase::ALL.iter().take_while(|&&p| p != self).map(|p| p.weight()).sum()
    }

    /// Whether this phase is one of the multi-scalar multiplications.
    pub fn is_msm(self) -> bool {
        matches!(self, ProvePhase::MsmA | ProvePhase::MsmBG1 | ProvePhase::MsmBG2 | ProvePhase::MsmL | ProvePhase::MsmH)
    }
}

impl std::fmt::Display for ProvePhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Receives progress events while a proof is generated (for a progress bar or a bench
/// report) and may cancel it. Every method has a default. Called from the proving thread,
/// between phases: keep the handlers cheap.
pub trait ProveObserver {
    /// Asked before every phase: returning `true` stops the proof with
    /// [`ProverError::Cancelled`] (a phase already running finishes first; the longest,
    /// the H-query MSM, takes about a third of the proof).
    fn cancelled(&self) -> bool {
        false
    }
    /// `phase` is about to start.
    fn phase_started(&mut self, phase: ProvePhase) {
        let _ = phase;
    }
    /// `phase` finished after `elapsed`.
    fn phase_finished(&mut self, phase: ProvePhase, elapsed: Duration) {
        let _ = (phase, elapsed);
    }
}

/// An observer that ignores every event.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoObserver;

impl ProveObserver for NoObserver {}

/// Any `FnMut(phase, elapsed)` closure observes phase ends.
impl<F: FnMut(ProvePhase, Duration)> ProveObserver for F {
    fn phase_finished(&mut self, phase: ProvePhase, elapsed: Duration) {
        self(phase, elapsed)
    }
}

/// Wall-clock time spent in each phase of one proof.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProveTimings {
    /// [`ProvePhase::Synthesis`].
    pub synthesis: Duration,
    /// [`ProvePhase::RowEvaluation`].
    pub row_evaluation: Duration,
    /// [`ProvePhase::WitnessMap`] (the FFTs).
    pub witness_map: Duration,
    /// [`ProvePhase::MsmA`].
    pub msm_a: Duration,
    /// [`ProvePhase::MsmBG1`].
    pub msm_b_g1: Duration,
    /// [`ProvePhase::MsmBG2`].
    pub msm_b_g2: Duration,
    /// [`ProvePhase::MsmL`].
    pub msm_l: Duration,
    /// [`ProvePhase::MsmH`].
    pub msm_h: Duration,
    /// Whole call, including small work between phases.
    pub total: Duration,
}

impl ProveTimings {
    /// Time of one phase.
    pub fn get(&self, phase: ProvePhase) -> Duration {
        match phase {
            ProvePhase::Synthesis => self.synthesis,
            ProvePhase::RowEvaluation => self.row_evaluation,
            ProvePhase::WitnessMap => self.witness_map,
            ProvePhase::MsmA => self.msm_a,
            ProvePhase::MsmBG1 => self.msm_b_g1,
            ProvePhase::MsmBG2 => self.msm_b_g2,
            ProvePhase::MsmL => self.msm_l,
            ProvePhase::MsmH => self.msm_h,
        }
    }

    fn slot(&mut self, phase: ProvePhase) -> &mut Duration {
        match phase {
            ProvePhase::Synthesis => &mut self.synthesis,
            ProvePhase::RowEvaluation => &mut self.row_evaluation,
            ProvePhase::WitnessMap => &mut self.witness_map,
            ProvePhase::MsmA => &mut self.msm_a,
            ProvePhase::MsmBG1 => &mut self.msm_b_g1,
            ProvePhase::MsmBG2 => &mut self.msm_b_g2,
            ProvePhase::MsmL => &mut self.msm_l,
            ProvePhase::MsmH => &mut self.msm_h,
        }
    }

    /// Sum of the five MSMs.
    pub fn msm_total(&self) -> Duration {
        self.msm_a + self.msm_b_g1 + self.msm_b_g2 + self.msm_l + self.msm_h
    }
}

/// Size of a synthesized constraint system.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CircuitShape {
    /// Number of R1CS constraints.
    pub num_constraints: usize,
    /// Number of instance variables, the constant one included (public inputs + 1).
    pub num_instance_variables: usize,
    /// Number of witness (private) variables.
    pub num_witness_variables: usize,
    /// Size n of the evaluation domain (≥ constraints + instance variables, a power of two
    /// for BN254). One more constraint past a power of two doubles the prover's FFT work.
    pub domain_size: usize,
}

impl CircuitShape {
    /// Number of public inputs (instance variables without the constant one).
    pub fn num_public_inputs(&self) -> usize {
        self.num_instance_variables.saturating_sub(1)
    }
}

/// Everything [`prove_with_report`] learns while proving.
#[derive(Clone, Debug)]
pub struct ProveReport {
    /// The proof.
    pub proof: Proof,
    /// The public inputs the circuit assigned, in order (without the constant one); what a
    /// verifier must be given, e.g. as `public.json`.
    pub public_inputs: Vec<Fr>,
    /// Time per phase.
    pub timings: ProveTimings,
    /// Size of the constraint system.
    pub shape: CircuitShape,
}

/// Why a lookup-mode key cannot leave zkid (snarkjs, `.zkey`, Solidity).
pub(crate) const LOOKUP_NOT_PORTABLE: &str = "this is a lookup-mode key (zkid setup --lookup): its proofs carry a commitment \
     and an extra pairing that snarkjs and the Solidity verifier do not check; set up without --lookup to export";

/// Why a lookup-mode key cannot prove through the matrix path (or with stock arkworks).
pub(crate) const LOOKUP_NEEDS_RECORDED: &str =
    "a lookup-mode key proves statement circuits only, with zkid's matrix-free prover (not the matrix or stock prover)";

/// Runs `f` as `phase`: notifies the observer and records the elapsed time.
pub(crate) fn timed<T>(
    phase: ProvePhase,
    observer: &mut dyn ProveObserver,
    timings: &mut ProveTimings,
    f: impl FnOnce() -> T,
) -> Result<T> {
    if observer.cancelled() {
        return Err(ProverError::Cancelled);
    }
    observer.phase_started(phase);
    let start = Instant::now();
    let out = f();
    let elapsed = start.elapsed();
    *timings.slot(phase) += elapsed;
    observer.phase_finished(phase, elapsed);
    Ok(out)
}

/// Label of a GR1CS predicate other than R1CS that has constraints, if any: Groth16 would
/// silently ignore such constraints, which would be unsound.
fn non_r1cs_predicate(cs: &ConstraintSystemRef<Fr>) -> Option<String> {
    cs.get_all_predicates_num_constraints()
        .into_iter()
        .find(|(label, count)| label != R1CS_PREDICATE_LABEL && *count > 0)
        .map(|(label, _)| label)
}

/// Wraps a circuit so that key generation refuses non-R1CS predicates (arkworks' generator
/// synthesizes internally, so the check has to ride along inside the synthesizer).
pub(crate) struct R1csOnly<'a, C> {
    pub(crate) inner: C,
    pub(crate) rejected: &'a RefCell<Option<String>>,
}

impl<C: ConstraintSynthesizer<Fr>> ConstraintSynthesizer<Fr> for R1csOnly<'_, C> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        self.inner.generate_constraints(cs.clone())?;
        if let Some(label) = non_r1cs_predicate(&cs) {
            *self.rejected.borrow_mut() = Some(label);
            return Err(SynthesisError::PredicateNotFound);
        }
        Ok(())
    }
}

/// Generates a Groth16 key pair for `circuit` in this process (a "dev" setup).
///
/// # ⚠ Insecure for production
///
/// The toxic waste (α, β, γ, δ, τ) is drawn from `rng` **inside this process**: whoever ran
/// the setup, or can read its memory or reproduce its RNG, can forge proofs for any public
/// input. Use it for development, tests and benchmarks only. Production keys come from a
/// multi-party Phase-2 ceremony (snarkjs) on the circuit exported as circom `.r1cs`.
///
/// The circuit is synthesized in setup mode: witness closures are not called, so a circuit
/// without a witness works. Only the QAP shape matters, so the keys work for every witness.
pub fn setup_dev<C, R>(circuit: C, rng: &mut R) -> Result<(ProvingKey, VerifyingKey)>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    let rejected = RefCell::new(None);
    let wrapped = R1csOnly { inner: circuit, rejected: &rejected };
    match CircomGroth16::generate_random_parameters_with_reduction(wrapped, rng) {
        Ok(pk) => {
            let vk = VerifyingKey::from_ark(pk.vk.clone());
            Ok((ProvingKey::from_ark(pk), vk))
        }
        Err(e) => Err(match rejected.into_inner() {
            Some(label) => ProverError::UnsupportedPredicate(label),
            None => ProverError::Synthesis(e),
        }),
    }
}

/// Proves that `circuit`'s witness satisfies its constraints, with the blinding factors
/// drawn from `rng` (pass `OsRng` in production).
///
/// Equivalent to [`prove_with_report`] without an observer, keeping only the proof.
pub fn prove<C, R>(pk: &ProvingKey, circuit: C, rng: &mut R) -> Result<Proof>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    prove_with_report(pk, circuit, rng, &mut NoObserver).map(|r| r.proof)
}

/// Proves `circuit` (synthesized once, in prove mode), reporting each phase to `observer`.
///
/// Fails with [`ProverError::Unsatisfied`] if the witness does not satisfy the constraints,
/// [`ProverError::Synthesis`] if the circuit fails to synthesize, and
/// [`ProverError::KeyCircuitMismatch`] if `pk` was made for a circuit of another shape.
pub fn prove_with_report<C, R>(
    pk: &ProvingKey,
    circuit: C,
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<ProveReport>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    if pk.is_lookup() {
        return Err(ProverError::InvalidInput(LOOKUP_NEEDS_RECORDED.into()));
    }
    let start = Instant::now();
    let mut timings = ProveTimings::default();

    let (matrices, full_assignment, shape) =
        timed(ProvePhase::Synthesis, observer, &mut timings, || synthesize(circuit))??;

    check_instances(pk, &shape)?;

    let (a, b) =
        timed(ProvePhase::RowEvaluation, observer, &mut timings, || evaluate_and_check(&matrices, &full_assignment))??;
    drop(matrices);

    let proof = prove_evaluations_timed(pk, a, b, &full_assignment, rng, observer, &mut timings)?;
    timings.total = start.elapsed();
    let public_inputs = full_assignment[1..shape.num_instance_variables].to_vec();
    Ok(ProveReport { proof, public_inputs, timings, shape })
}

/// Proves a statement circuit without building its constraint matrices: synthesis records
/// `z` and the row evaluations `A·z`, `B·z` ([`zkid_circuits::rows`]), which go straight
/// to the witness map and the MSMs. Same results and errors as [`prove_with_report`],
/// less time and memory (no linear combinations are stored).
///
/// The proof is verified against the key's own verifying key before it is returned
/// (about 2 ms): a circuit whose record disagreed with its matrices would give an invalid
/// proof, and this turns that into [`ProverError::SelfCheckFailed`] instead of a proof every
/// verifier rejects.
pub fn prove_recorded<C, R>(
    pk: &ProvingKey,
    circuit: C,
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<ProveReport>
where
    C: RecordableCircuit,
    R: RngCore + CryptoRng,
{
    if let Some(ck) = pk.commitment() {
        return crate::lookup_groth16::prove_lookup(pk, ck, circuit, rng, observer);
    }
    let start = Instant::now();
    let mut timings = ProveTimings::default();
    let rows = timed(ProvePhase::Synthesis, observer, &mut timings, || rows::record(circuit))??;
    let shape = check_recorded(pk, &rows, observer, &mut timings)?;
    let zkid_circuits::rows::Rows { a, b, z, .. } = rows;
    let proof = prove_evaluations_timed(pk, a, b, &z, rng, observer, &mut timings)?;
    let public_inputs = z[1..shape.num_instance_variables].to_vec();
    drop(z);
    let pvk = ark_groth16::prepare_verifying_key(&pk.as_ark().vk);
    if !CircomGroth16::verify_proof(&pvk, proof.as_ark(), &public_inputs)? {
        return Err(ProverError::SelfCheckFailed);
    }
    timings.total = start.elapsed();
    Ok(ProveReport { proof, public_inputs, timings, shape })
}

/// The shape of a recorded synthesis, checked against `pk`, then the satisfaction verdict.
/// The rows were evaluated while recording; the row-evaluation phase is only the verdict
/// (kept so that every prover reports the same phases to progress observers).
pub(crate) fn check_recorded(
    pk: &ProvingKey,
    rows: &rows::Rows,
    observer: &mut dyn ProveObserver,
    timings: &mut ProveTimings,
) -> Result<CircuitShape> {
    let shape = CircuitShape {
        num_constraints: rows.num_constraints(),
        num_instance_variables: rows.num_instance,
        num_witness_variables: rows.num_witness(),
        domain_size: reduction::domain_size::<Fr, Domain>(rows.num_constraints(), rows.num_instance)
            .ok_or(SynthesisError::PolynomialDegreeTooLarge)?,
    };
    check_instances(pk, &shape)?;
    let unsatisfied = timed(ProvePhase::RowEvaluation, observer, timings, || rows.first_unsatisfied)?;
    if let Some(constraint) = unsatisfied {
        return Err(ProverError::Unsatisfied { constraint });
    }
    Ok(shape)
}

/// The key was made for as many public inputs as the circuit has.
fn check_instances(pk: &ProvingKey, shape: &CircuitShape) -> Result<()> {
    let key_instances = pk.as_ark().vk.gamma_abc_g1.len();
    if key_instances != shape.num_instance_variables {
        return Err(ProverError::KeyCircuitMismatch(format!(
            "key is for {} public inputs, the circuit has {}",
            key_instances.saturating_sub(1),
            shape.num_public_inputs()
        )));
    }
    Ok(())
}

type Synthesized = (Vec<ark_relations::gr1cs::Matrix<Fr>>, Vec<Fr>, CircuitShape);

/// Synthesizes in prove mode and extracts the R1CS matrices and `z = (1, x, w)`.
fn synthesize<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<Synthesized> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false });
    circuit.generate_constraints(cs.clone())?;
    cs.finalize();
    if let Some(label) = non_r1cs_predicate(&cs) {
        return Err(ProverError::UnsupportedPredicate(label));
    }
    let num_constraints = cs.num_constraints();
    let num_instance_variables = cs.num_instance_variables();
    let shape = CircuitShape {
        num_constraints,
        num_instance_variables,
        num_witness_variables: cs.num_witness_variables(),
        domain_size: reduction::domain_size::<Fr, Domain>(num_constraints, num_instance_variables)
            .ok_or(SynthesisError::PolynomialDegreeTooLarge)?,
    };
    let matrices = cs.to_matrices()?.remove(R1CS_PREDICATE_LABEL).ok_or(SynthesisError::PredicateNotFound)?;
    let full_assignment = {
        let inner = cs.borrow().ok_or(SynthesisError::MissingCS)?;
        let mut z = inner.instance_assignment()?.to_vec();
        z.extend_from_slice(inner.witness_assignment()?);
        z
    };
    Ok((matrices, full_assignment, shape))
}

/// Row evaluations `A·z`, `B·z`; fails on the first row where `(A·z)(B·z) ≠ C·z`.
fn evaluate_and_check(matrices: &[ark_relations::gr1cs::Matrix<Fr>], z: &[Fr]) -> Result<(Vec<Fr>, Vec<Fr>)> {
    let [a_m, b_m, c_m] = matrices else {
        return Err(SynthesisError::ArityMismatch.into());
    };
    let a = reduction::evaluate_rows(a_m, z)?;
    let b = reduction::evaluate_rows(b_m, z)?;
    let c = reduction::evaluate_rows(c_m, z)?;
    if let Some(constraint) = (0..c.len()).into_par_iter().find_first(|&i| a[i] * b[i] != c[i]) {
        return Err(ProverError::Unsatisfied { constraint });
    }
    Ok((a, b))
}

/// The matrix-free proving path: a Groth16 proof from the row evaluations.
///
/// * `a_evals[i] = (A·z)_i`, `b_evals[i] = (B·z)_i` for every constraint `i`,
/// * `full_assignment = z = (1, public inputs…, witness…)` in the variable order of the
///   circuit the key was made for.
///
/// **The caller guarantees satisfaction**: `C·z` is not an input (the circom reduction
/// takes it as `(A·z)∘(B·z)`), so an unsatisfied witness gives a proof that fails
/// verification rather than an error. [`prove_with_report`] checks before calling this.
///
/// Returns the proof and the timings of the witness map and MSM phases.
pub fn prove_from_evaluations<R>(
    pk: &ProvingKey,
    a_evals: Vec<Fr>,
    b_evals: Vec<Fr>,
    full_assignment: &[Fr],
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<(Proof, ProveTimings)>
where
    R: RngCore + CryptoRng,
{
    let start = Instant::now();
    let mut timings = ProveTimings::default();
    let proof = prove_evaluations_timed(pk, a_evals, b_evals, full_assignment, rng, observer, &mut timings)?;
    timings.total = start.elapsed();
    Ok((proof, timings))
}

/// Checks that the key's query lengths fit the assignment and the domain, so that the MSMs
/// below cannot index out of bounds (a key read with unchecked deserialization is trusted
/// for its points, not for its shape).
fn check_shapes(pk: &ProvingKey, num_constraints: usize, z: &[Fr]) -> Result<usize> {
    let pk = pk.as_ark();
    let num_inputs = pk.vk.gamma_abc_g1.len();
    let num_vars = z.len();
    let mismatch = |what: String| Err(ProverError::KeyCircuitMismatch(what));
    if num_inputs == 0 || num_inputs > num_vars {
        return mismatch(format!("key has {num_inputs} instance variables, the assignment has {num_vars} variables"));
    }
    if pk.a_query.len() != num_vars
        || pk.b_g1_query.len() != num_vars
        || pk.b_g2_query.len() != num_vars
        || pk.l_query.len() != num_vars - num_inputs
    {
        return mismatch(format!(
            "key is for {} variables ({} instance), the assignment has {num_vars}",
            pk.a_query.len(),
            num_inputs
        ));
    }
    let n = reduction::domain_size::<Fr, Domain>(num_constraints, num_inputs)
        .ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
    if pk.h_query.len() != n {
        return mismatch(format!(
            "key's H query has {} points, the circuit's domain has {n} \
             (different constraint count, or a key made with another QAP reduction)",
            pk.h_query.len()
        ));
    }
    if !z[0].is_one() {
        return Err(ProverError::InvalidInput("the first assignment entry must be the constant one".into()));
    }
    Ok(num_inputs)
}

#[allow(clippy::too_many_arguments)] // internal; the public wrappers have short signatures
pub(crate) fn prove_evaluations_timed<R: RngCore + CryptoRng>(
    pk: &ProvingKey,
    a: Vec<Fr>,
    b: Vec<Fr>,
    z: &[Fr],
    rng: &mut R,
    observer: &mut dyn ProveObserver,
    timings: &mut ProveTimings,
) -> Result<Proof> {
    if a.len() != b.len() {
        return Err(ProverError::InvalidInput(format!(
            "{} A-row evaluations but {} B-row evaluations",
            a.len(),
            b.len()
        )));
    }
    if z.is_empty() {
        return Err(ProverError::InvalidInput("empty assignment".into()));
    }
    let num_inputs = check_shapes(pk, a.len(), z)?;
    let pk = pk.as_ark();

    // Same order as ark-groth16 (r, then s), so seeded runs match its prover exactly.
    let r = Fr::rand(rng);
    let s = Fr::rand(rng);

    let h = timed(ProvePhase::WitnessMap, observer, timings, || {
        reduction::witness_map_from_evaluations::<Fr, Domain>(a, b, &z[..num_inputs])
    })??;

    let h_acc = timed(ProvePhase::MsmH, observer, timings, || {
        let h: Vec<_> = h.par_iter().map(|s| s.into_bigint()).collect();
        msm::msm(&pk.h_query, &h)
    })?;
    drop(h);

    // Scalars of z without the constant one: (x, w).
    let assignment: Vec<_> = z[1..].par_iter().map(|s| s.into_bigint()).collect();
    let witness = &assignment[num_inputs - 1..];

    let l_acc = timed(ProvePhase::MsmL, observer, timings, || msm::msm(&pk.l_query, witness))?;

    // A = α + Σ z_i·A_i(τ) + r·δ
    let g_a = timed(ProvePhase::MsmA, observer, timings, || {
        pk.vk.alpha_g1.into_group() + pk.a_query[0] + msm::msm(&pk.a_query[1..], &assignment) + pk.delta_g1 * r
    })?;

    // B in G1 only feeds C through r·B; skip when r = 0 (as arkworks does).
    let g1_b = timed(ProvePhase::MsmBG1, observer, timings, || {
        if r.is_zero() {
            G1Projective::zero()
        } else {
            pk.beta_g1.into_group() + pk.b_g1_query[0] + msm::msm(&pk.b_g1_query[1..], &assignment) + pk.delta_g1 * s
        }
    })?;

    let g2_b = timed(ProvePhase::MsmBG2, observer, timings, || {
        pk.vk.beta_g2.into_group() + pk.b_g2_query[0] + msm::msm(&pk.b_g2_query[1..], &assignment) + pk.vk.delta_g2 * s
    })?;

    // C = s·A + r·B₁ − r·s·δ + L + H
    let g_c = g_a * s + g1_b * r - pk.delta_g1 * (r * s) + l_acc + h_acc;

    Ok(Proof::from_ark(ark_groth16::Proof { a: g_a.into_affine(), b: g2_b.into_affine(), c: g_c.into_affine() }))
}

/// Verifies `proof` against `vk` and the public inputs (without the constant one, in the
/// circuit's order). `Ok(false)` means the proof is invalid for these inputs; `Err` means
/// the inputs are unusable (wrong count).
pub fn verify(vk: &VerifyingKey, public_inputs: &[Fr], proof: &Proof) -> Result<bool> {
    if vk.is_lookup() || proof.commitment().is_some() {
        return crate::lookup_groth16::verify_lookup(vk, public_inputs, proof);
    }
    let vk = vk.as_ark();
    let expected = vk.gamma_abc_g1.len().saturating_sub(1);
    if public_inputs.len() != expected || vk.gamma_abc_g1.is_empty() {
        return Err(ProverError::PublicInputCount { expected, got: public_inputs.len() });
    }
    let pvk = ark_groth16::prepare_verifying_key(vk);
    Ok(CircomGroth16::verify_proof(&pvk, proof.as_ark(), public_inputs)?)
}
