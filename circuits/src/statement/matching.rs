//! The `match` statement: "the template of a fresh capture matches an enrolled one".
//!
//! "`T' = QModel(I')`, `c_img` commits to `I'`, `c_tpl` opens to an enrolled template `T`,
//! and `verdict = [dist(T', T) <= τ]`", where the distance depends on the model:
//!
//! * **iris code** (an [`zkid_core::model::ops::IrisCode`] model): fractional Hamming
//!   distance over jointly unmasked bits, minimised over the rotation shifts
//!   `-max_shift..=max_shift` (columns of the probe grid, open-iris's `np.roll` on the
//!   probe), with at least `min_bits` jointly valid bits: `verdict = ∃ s: common_s >=
//!   min_bits ∧ nonmatch_s / common_s <= τ_q / 2^16` ([`gadgets::hamming`]);
//! * **embedding** (any other model): squared L2 distance of the integer embeddings,
//!   `verdict = [Σ (y'_i - y_i)² <= τ]` in quantized units ([`gadgets::distance`]).
//!
//! Public inputs, in this order: `c_img`, `c_tpl`, `τ`, `verdict`, `nonce` (bound by
//! `nonce² = nonce_sq`). `c_img` lets a capture device attest the fresh image exactly as in
//! enrollment. The enrolled template is range-checked before it is hashed, so its opening
//! is binding.

use crate::field::{Fr, fr_from_i64};
use crate::gadgets::{self, distance, hamming};
use crate::model::{alloc_input, synthesize};
use crate::statement::commit;
use crate::wire::{SynResult, Wire};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef};
use serde::{Deserialize, Serialize};
use zkid_core::iris::filter_bank;
use zkid_core::model::ops::IrisCode;
use zkid_core::{QModel, QTensor, Trace};

/// Parameters of a `match` statement fixed at setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchSpec {
    /// Iris codes: largest rotation shift, in probe columns (open-iris: 15).
    pub max_shift: u32,
    /// Iris codes: fewest jointly valid bits a shift needs to count.
    pub min_bits: u32,
}

impl Default for MatchSpec {
    fn default() -> Self {
        Self { max_shift: 15, min_bits: 4096 }
    }
}

/// Private data of a `match` proof. Not `Debug`: it holds the image and both templates.
pub struct MatchWitness<'a> {
    /// Quantized fresh capture.
    pub input: &'a QTensor,
    /// Recorded inference on it.
    pub trace: &'a Trace,
    /// Salt of `c_img`.
    pub image_salt: Fr,
    /// The enrolled template (model output values).
    pub enrolled: &'a [i64],
    /// Salt of the enrolled template's commitment.
    pub template_salt: Fr,
}

/// Public inputs of a `match` proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchPublic {
    /// Commitment to the fresh capture.
    pub image_commitment: Fr,
    /// Commitment to the enrolled template (from enrollment).
    pub template_commitment: Fr,
    /// Threshold: `τ_q` (fractional Hamming distance `τ_q / 2^16`) for iris codes, squared
    /// L2 in quantized units for embeddings.
    pub tau: u64,
    /// Whether the templates match.
    pub verdict: bool,
    /// The verifier's challenge.
    pub nonce: Fr,
}

impl MatchPublic {
    /// The public inputs as field elements, in circuit order.
    pub fn to_field_elements(&self) -> Vec<Fr> {
        vec![
            self.image_commitment,
            self.template_commitment,
            Fr::from(self.tau),
            Fr::from(u64::from(self.verdict)),
            self.nonce,
        ]
    }
}

/// Largest `τ` a statement over `model` accepts: `2^16` (HD 1.0) for iris codes, the
/// largest possible squared distance for embeddings.
pub fn max_tau(model: &QModel) -> u64 {
    if filter_bank(model).is_some() {
        return hamming::TAU_ONE;
    }
    let q = model.tensor(model.output()).quant;
    let n: usize = model.output_shape().iter().product();
    let span = (q.hi - q.lo).unsigned_abs();
    n as u64 * span * span
}

/// Rows of an iris template for rotation matching: one per `(filter, probe row, part)`,
/// each the probe columns in order; the first half of the output is the code, the second
/// the mask.
fn iris_rows<T: Clone>(bank: &IrisCode, template: &[T]) -> (Vec<Vec<T>>, Vec<Vec<T>>) {
    let half = template.len() / 2;
    let (f, r, c) = (bank.filters.len(), bank.probes[0], bank.probes[1]);
    let rows = |base: usize| {
        let mut out = Vec::with_capacity(f * r * 2);
        for fi in 0..f {
            for i in 0..r {
                for p in 0..2 {
                    out.push((0..c).map(|j| template[base + 2 * bank.response_index(fi, i, j) + p].clone()).collect());
                }
            }
        }
        out
    };
    (rows(0), rows(half))
}

/// Native match decision and, for iris codes, the per-shift counts (what the circuit
/// computes), so the prover can state the verdict and report the distance.
/// `None` when the templates do not fit the model.
pub fn native_verdict(
    model: &QModel,
    spec: MatchSpec,
    fresh: &[i64],
    enrolled: &[i64],
    tau: u64,
) -> Option<NativeMatch> {
    if fresh.len() != enrolled.len() {
        return None;
    }
    Some(match filter_bank(model) {
        Some(bank) => {
            let b = |v: &[i64]| v.iter().map(|&x| x == 1).collect::<Vec<bool>>();
            let (pc, pm) = iris_rows(bank, &b(fresh));
            let (gc, gm) = iris_rows(bank, &b(enrolled));
            let counts = hamming::native_rotation_counts(&pc, &pm, &gc, &gm, &shifts(spec)).ok()?;
            let verdict = hamming::native_hd_verdict(&counts, tau, u64::from(spec.min_bits));
            NativeMatch { verdict, shifts: counts, l2: None }
        }
        None => {
            let d = distance::native_l2(fresh, enrolled)?;
            NativeMatch { verdict: d <= tau, shifts: Vec::new(), l2: Some(d) }
        }
    })
}

/// What [`native_verdict`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeMatch {
    /// The decision.
    pub verdict: bool,
    /// Iris codes: nonmatching and jointly valid bits per shift.
    pub shifts: Vec<hamming::NativeCounts>,
    /// Embeddings: the squared L2 distance.
    pub l2: Option<u64>,
}

fn shifts(spec: MatchSpec) -> Vec<i32> {
    hamming::shift_order(spec.max_shift)
}

/// Allocates the enrolled template values, range-checked to `[lo, hi]`.
fn alloc_template(
    cs: &ConstraintSystemRef<Fr>,
    values: Option<&[i64]>,
    n: usize,
    lo: i64,
    hi: i64,
) -> SynResult<Vec<Wire>> {
    let span = (hi - lo).unsigned_abs();
    (0..n)
        .map(|i| {
            let v = values.map(|t| t[i]);
            if (span + 1).is_power_of_two() {
                let bits = (span + 1).trailing_zeros();
                let w = gadgets::alloc_bounded(cs, v.map(|v| (v - lo).unsigned_abs()), bits)?;
                Ok(w.add_const(fr_from_i64(lo)))
            } else {
                let w = Wire::witness(cs, v.map(fr_from_i64))?;
                gadgets::in_range(cs, &w, lo, hi)?;
                Ok(w)
            }
        })
        .collect()
}

/// The `match` circuit (shape only without a witness).
pub struct MatchCircuit<'a> {
    /// The model.
    pub model: &'a QModel,
    /// Statement parameters.
    pub spec: MatchSpec,
    /// Private data and public inputs (proving only).
    pub witness: Option<(MatchWitness<'a>, MatchPublic)>,
}

/// Built only from [`Wire`] and the gadgets.
impl crate::rows::RecordableCircuit for MatchCircuit<'_> {}

impl ConstraintSynthesizer<Fr> for MatchCircuit<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> SynResult<()> {
        let (w, public) = match &self.witness {
            Some((w, p)) => (Some(w), Some(p)),
            None => (None, None),
        };
        let c_img = Wire::input(&cs, public.map(|p| p.image_commitment))?;
        let c_tpl = Wire::input(&cs, public.map(|p| p.template_commitment))?;
        let tau = Wire::input(&cs, public.map(|p| Fr::from(p.tau)))?;
        let verdict = Wire::input(&cs, public.map(|p| Fr::from(u64::from(p.verdict))))?;
        let nonce = Wire::input(&cs, public.map(|p| p.nonce))?;
        nonce.mul(&nonce, &cs)?;

        let model = self.model;
        let x = alloc_input(&cs, model, w.map(|w| w.input.data()))?;
        let qi = model.tensor(model.input()).quant;
        let salt = Wire::witness(&cs, w.map(|w| w.image_salt))?;
        commit::commit_wires(&cs, &x.values, qi.lo, qi.hi, &salt)?.enforce_equal(&c_img, &cs)?;
        let fresh = synthesize(&cs, model, x, w.map(|w| w.trace))?;

        let qo = model.tensor(model.output()).quant;
        let enrolled = alloc_template(&cs, w.map(|w| w.enrolled), fresh.len(), qo.lo, qo.hi)?;
        let salt = Wire::witness(&cs, w.map(|w| w.template_salt))?;
        commit::commit_wires(&cs, &enrolled, qo.lo, qo.hi, &salt)?.enforce_equal(&c_tpl, &cs)?;

        let decided = match filter_bank(model) {
            Some(bank) => {
                let (pc, pm) = iris_rows(bank, &fresh);
                let (gc, gm) = iris_rows(bank, &enrolled);
                let counts = hamming::rotation_counts(
                    &cs,
                    hamming::BitRows { code: &pc, mask: &pm },
                    hamming::BitRows { code: &gc, mask: &gm },
                    &shifts(self.spec),
                )?;
                let max_common = (fresh.len() / 2) as u64;
                hamming::hd_verdict(&cs, &counts, &tau, u64::from(self.spec.min_bits), max_common)?
            }
            None => {
                let bound = qo.lo.unsigned_abs().max(qo.hi.unsigned_abs());
                distance::l2_verdict(&cs, &fresh, &enrolled, bound, &tau)?
            }
        };
        decided.enforce_equal(&verdict, &cs)
    }
}
