//! The `infer` statement: "y = QModel(x)", with x private (optionally committed) and y
//! public or committed, bound to a verifier's nonce.
//!
//! Public inputs, in this order:
//! 1. `c_in` — Poseidon commitment to the input (only with [`InputMode::Committed`]);
//! 2. the output values (with [`OutputMode::Public`]) or `c_out`, the commitment to them;
//! 3. `nonce` — bound by the constraint `nonce * nonce = nonce_sq`.

use crate::field::{Fr, fr_from_i64};
use crate::model::{alloc_input, synthesize};
use crate::statement::commit;
use crate::wire::{SynResult, Wire};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef};
use serde::{Deserialize, Serialize};
use zkid_core::{QModel, QTensor, Trace};

/// Whether the input is only private or also committed publicly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputMode {
    /// Private, no public trace of it.
    Private,
    /// Private, with a public salted commitment `c_in`.
    Committed,
}

/// Whether the output is revealed or committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutputMode {
    /// Output values are public inputs.
    Public,
    /// Only a salted commitment `c_out` is public.
    Committed,
}

/// The shape of an `infer` statement, fixed at setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InferSpec {
    /// Input visibility.
    pub input: InputMode,
    /// Output visibility.
    pub output: OutputMode,
}

impl Default for InferSpec {
    fn default() -> Self {
        Self { input: InputMode::Private, output: OutputMode::Public }
    }
}

/// Private data of one proof. Not `Debug`: it holds the input and the salts.
pub struct InferWitness<'a> {
    /// Quantized model input.
    pub input: &'a QTensor,
    /// Recorded inference on `input`.
    pub trace: &'a Trace,
    /// Salt of `c_in` (ignored without an input commitment).
    pub input_salt: Fr,
    /// Salt of `c_out` (ignored without an output commitment).
    pub output_salt: Fr,
}

/// The public inputs of an `infer` proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferPublic {
    /// Commitment to the input.
    pub input_commitment: Option<Fr>,
    /// Output values (public mode).
    pub outputs: Option<Vec<i64>>,
    /// Commitment to the output (committed mode).
    pub output_commitment: Option<Fr>,
    /// The verifier's challenge.
    pub nonce: Fr,
}

impl InferPublic {
    /// The public inputs as field elements, in circuit order.
    pub fn to_field_elements(&self) -> Vec<Fr> {
        let mut v = Vec::new();
        v.extend(self.input_commitment);
        if let Some(o) = &self.outputs {
            v.extend(o.iter().map(|&x| fr_from_i64(x)));
        }
        v.extend(self.output_commitment);
        v.push(self.nonce);
        v
    }

    /// Computes the public inputs natively from the private data (what the prover sends).
    pub fn from_witness(model: &QModel, spec: InferSpec, w: &InferWitness<'_>, nonce: Fr) -> Self {
        let inp = model.tensor(model.input()).quant;
        let out = model.tensor(model.output()).quant;
        let y = w.trace.output().data();
        Self {
            input_commitment: (spec.input == InputMode::Committed)
                .then(|| commit::commit(w.input.data(), inp.lo, inp.hi, w.input_salt)),
            outputs: (spec.output == OutputMode::Public).then(|| y.to_vec()),
            output_commitment: (spec.output == OutputMode::Committed)
                .then(|| commit::commit(y, out.lo, out.hi, w.output_salt)),
            nonce,
        }
    }
}

/// The `infer` circuit. Without a witness it produces the constraint shape for key
/// generation; with one, the full assignment.
pub struct InferCircuit<'a> {
    /// The model (its weights are circuit constants).
    pub model: &'a QModel,
    /// Statement shape.
    pub spec: InferSpec,
    /// Private data and the public inputs it implies (proving only).
    pub witness: Option<(InferWitness<'a>, InferPublic)>,
}

/// Built only from [`Wire`] and the gadgets.
impl crate::rows::RecordableCircuit for InferCircuit<'_> {}

impl ConstraintSynthesizer<Fr> for InferCircuit<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> SynResult<()> {
        let (w, public) = match &self.witness {
            Some((w, p)) => (Some(w), Some(p)),
            None => (None, None),
        };
        let out_len: usize = self.model.output_shape().iter().product();
        // Public inputs first, in the documented order.
        let c_in = match self.spec.input {
            InputMode::Committed => Some(Wire::input(&cs, public.and_then(|p| p.input_commitment))?),
            InputMode::Private => None,
        };
        let (y_pub, c_out) = match self.spec.output {
            OutputMode::Public => {
                let ys = (0..out_len)
                    .map(|i| Wire::input(&cs, public.and_then(|p| p.outputs.as_ref()).map(|o| fr_from_i64(o[i]))))
                    .collect::<SynResult<Vec<_>>>()?;
                (Some(ys), None)
            }
            OutputMode::Committed => (None, Some(Wire::input(&cs, public.and_then(|p| p.output_commitment))?)),
        };
        let nonce = Wire::input(&cs, public.map(|p| p.nonce))?;
        // nonce * nonce = nonce_sq: binds the nonce to the proof.
        nonce.mul(&nonce, &cs)?;

        let x = alloc_input(&cs, self.model, w.map(|w| w.input.data()))?;
        if let Some(c) = &c_in {
            let q = self.model.tensor(self.model.input()).quant;
            let salt = Wire::witness(&cs, w.map(|w| w.input_salt))?;
            commit::commit_wires(&cs, &x.values, q.lo, q.hi, &salt)?.enforce_equal(c, &cs)?;
        }
        let y = synthesize(&cs, self.model, x, w.map(|w| w.trace))?;
        if let Some(ys) = &y_pub {
            for (a, b) in y.iter().zip(ys) {
                a.enforce_equal(b, &cs)?;
            }
        }
        if let Some(c) = &c_out {
            let q = self.model.tensor(self.model.output()).quant;
            let salt = Wire::witness(&cs, w.map(|w| w.output_salt))?;
            commit::commit_wires(&cs, &y, q.lo, q.hi, &salt)?.enforce_equal(c, &cs)?;
        }
        Ok(())
    }
}
