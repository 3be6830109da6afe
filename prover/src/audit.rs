//! `zkid audit`: builds a statement's constraint system with an honest witness for one
//! input and runs [`zkid_circuits::audit::audit`] on it (untouched witnesses, unbound public
//! inputs, witnesses that can change alone).

use crate::Fr;
use crate::error::Result;
use crate::statement::{ENROLL_SPEC, LoadedModel, Statement};
use ark_ff::UniformRand;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use rand::{CryptoRng, RngCore};
use zkid_circuits::audit::{AuditReport, audit};
use zkid_circuits::r1cs::R1cs;
use zkid_circuits::statement::matching::native_verdict;
use zkid_circuits::statement::{
    InferCircuit, InferPublic, InferWitness, MatchCircuit, MatchPublic, MatchWitness, commit,
};
use zkid_core::QTensor;

/// Audits `statement` over `model` with the witness of `input` (a `match` is audited against
/// the input's own template as the enrolled one). Salts and the nonce come from `rng`.
pub fn audit_statement<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    statement: Statement,
    input: &QTensor,
    rng: &mut R,
) -> Result<AuditReport> {
    let m = &model.model;
    let trace = m.infer(input)?;
    let cs = ConstraintSystem::<Fr>::new_ref();
    let nonce = Fr::rand(rng);
    match statement {
        Statement::Infer(_) | Statement::Enroll => {
            let spec = match statement {
                Statement::Infer(s) => s,
                _ => ENROLL_SPEC,
            };
            let w = InferWitness { input, trace: &trace, input_salt: Fr::rand(rng), output_salt: Fr::rand(rng) };
            let public = InferPublic::from_witness(m, spec, &w, nonce);
            InferCircuit { model: m, spec, witness: Some((w, public)) }.generate_constraints(cs.clone())?;
        }
        Statement::Match(spec) => {
            let enrolled = trace.output().data();
            let tau = crate::biometric::IRIS_TAU_DEFAULT.min(zkid_circuits::statement::matching::max_tau(m));
            let verdict = native_verdict(m, spec, enrolled, enrolled, tau)
                .ok_or_else(|| crate::ProverError::InvalidInput("the template does not fit the model".into()))?
                .verdict;
            let (image_salt, template_salt) = (Fr::rand(rng), Fr::rand(rng));
            let qi = m.tensor(m.input()).quant;
            let qo = m.tensor(m.output()).quant;
            let public = MatchPublic {
                image_commitment: commit::commit(input.data(), qi.lo, qi.hi, image_salt),
                template_commitment: commit::commit(enrolled, qo.lo, qo.hi, template_salt),
                tau,
                verdict,
                nonce,
            };
            let w = MatchWitness { input, trace: &trace, image_salt, enrolled, template_salt };
            MatchCircuit { model: m, spec, witness: Some((w, public)) }.generate_constraints(cs.clone())?;
        }
    }
    Ok(audit(&R1cs::from_cs(&cs)?))
}
