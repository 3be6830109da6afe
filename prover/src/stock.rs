//! Stock ark-groth16 proving, the baseline zkid's prover is measured against
//! (`zkid bench --stock`), and the statements' witnessed circuits outside zkid's prover.
//!
//! [`stock_prove`] hands a circuit to `ark_groth16::Groth16::<Bn254, ArkPolyCircomReduction>::
//! create_random_proof_with_reduction` unchanged: arkworks' own synthesis, witness map
//! (ark-poly FFTs, computed the way ark-circom does) and MSMs, with the same proving key and
//! the same circom QAP reduction, so its proofs verify
//! with the same verifying key. [`stock_prove_statement`] does that for a statement over a
//! model, building exactly the circuit zkid's prover builds (same salts drawn from the RNG,
//! same public inputs), so both provers can be timed on one statement in one process.
//!
//! [`with_statement_circuit`] is the shared builder: it is also what `zkid export wtns`
//! uses to get a statement's full assignment for snarkjs ([`statement_assignment`]).

use crate::Fr;
use crate::biometric::Enrollment;
use crate::error::{ProverError, Result};
use crate::keys::{ProvingKey, ProvingKeyFile};
use crate::proof::Proof;
use crate::reduction::ArkPolyCircomReduction;
use crate::statement::{AnyCircuit, ENROLL_SPEC, LoadedModel, Statement};
use ark_bn254::Bn254;
use ark_ff::UniformRand;
use ark_groth16::Groth16;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode};
use rand::{CryptoRng, RngCore};
use zkid_circuits::r1cs::R1cs;
use zkid_circuits::statement::matching::native_verdict;
use zkid_circuits::statement::{
    InferCircuit, InferPublic, InferWitness, MatchCircuit, MatchPublic, MatchWitness, commit,
};
use zkid_core::QTensor;

/// What a `match` statement's witness needs besides the fresh capture.
#[derive(Clone, Copy, Debug)]
pub struct MatchArgs<'a> {
    /// The enrolled template and the salt of its commitment.
    pub enrolled: &'a Enrollment,
    /// The threshold (see [`crate::biometric::prove_match`]).
    pub tau: u64,
}

/// A stock ark-groth16 proof and the public inputs it was made for.
#[derive(Clone, Debug)]
pub struct StockProof {
    /// The proof (verifies with the key pair's verifying key, like zkid's).
    pub proof: Proof,
    /// The public inputs, in circuit order (without the constant one).
    pub public_inputs: Vec<Fr>,
}

/// Proves `circuit` with stock ark-groth16 and the circom reduction.
///
/// Unlike [`crate::prove`], arkworks does not check satisfaction in release builds: an
/// unsatisfied witness gives a proof that fails verification.
pub fn stock_prove<C, R>(pk: &ProvingKey, circuit: C, rng: &mut R) -> Result<Proof>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    if pk.is_lookup() {
        return Err(ProverError::InvalidInput(crate::groth16::LOOKUP_NEEDS_RECORDED.into()));
    }
    let proof =
        Groth16::<Bn254, ArkPolyCircomReduction>::create_random_proof_with_reduction(circuit, pk.as_ark(), rng)?;
    Ok(Proof::from_ark(proof))
}

/// Proves the statement of `pk` (its header names it) on a quantized `input` with stock
/// ark-groth16: the same circuit, witness and public inputs zkid's prover uses.
/// `matching` is required for a `match` key and ignored otherwise. Salts come from `rng`;
/// the proof's blinding factors always from the OS CSPRNG (arkworks draws them itself).
pub fn stock_prove_statement<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    pk: &ProvingKeyFile,
    input: &QTensor,
    matching: Option<MatchArgs<'_>>,
    nonce: Fr,
    rng: &mut R,
) -> Result<StockProof> {
    let statement = Statement::from_id(&pk.header.statement_id)?;
    pk.check_for(&model.digest, &statement.id())?;
    let mut blinding = rand::rngs::OsRng;
    with_statement_circuit(model, statement, input, matching, nonce, rng, |circuit, public_inputs| {
        let proof = stock_prove(&pk.key, circuit, &mut blinding)?;
        Ok(StockProof { proof, public_inputs })
    })
}

/// The full assignment `z = (1, public inputs…, witness…)` of `statement` over `model` on
/// `input`, in the variable order of the statement's R1CS (what `zkid export r1cs` writes),
/// checked to satisfy every constraint; and the public inputs (`z[1..=n]`).
pub fn statement_assignment<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    statement: Statement,
    input: &QTensor,
    matching: Option<MatchArgs<'_>>,
    nonce: Fr,
    rng: &mut R,
) -> Result<(Vec<Fr>, Vec<Fr>)> {
    with_statement_circuit(model, statement, input, matching, nonce, rng, |circuit, public| {
        // The same synthesis settings as key generation and `export r1cs`, so the variable
        // order is the same.
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false });
        circuit.generate_constraints(cs.clone())?;
        let r1cs = R1cs::from_cs(&cs)?;
        if let Some(constraint) = r1cs.first_unsatisfied(&r1cs.z) {
            return Err(ProverError::Unsatisfied { constraint });
        }
        if r1cs.z.get(1..=public.len()) != Some(public.as_slice()) {
            return Err(ProverError::InvalidInput("the assignment does not start with the public inputs".into()));
        }
        Ok((r1cs.z, public))
    })
}

/// Builds `statement`'s circuit over `model` with a witness for `input` (salts drawn from
/// `rng`, as zkid's prover draws them) and calls `f` with it and its public inputs.
pub(crate) fn with_statement_circuit<T, R: RngCore + CryptoRng>(
    model: &LoadedModel,
    statement: Statement,
    input: &QTensor,
    matching: Option<MatchArgs<'_>>,
    nonce: Fr,
    rng: &mut R,
    f: impl FnOnce(AnyCircuit<'_>, Vec<Fr>) -> Result<T>,
) -> Result<T> {
    let trace = model.model.infer(input)?;
    let spec = match statement {
        Statement::Infer(spec) => spec,
        Statement::Enroll => ENROLL_SPEC,
        Statement::Match(spec) => {
            let m = matching.ok_or_else(|| {
                ProverError::InvalidInput("a match statement needs an enrollment and a threshold".into())
            })?;
            crate::biometric::check_tau(model, m.tau)?;
            let enrolled = m.enrolled.template();
            let distance = native_verdict(&model.model, spec, trace.output().data(), enrolled, m.tau)
                .ok_or_else(|| ProverError::InvalidInput("the enrollment does not fit this model's template".into()))?;
            let image_salt = Fr::rand(rng);
            let qi = model.model.tensor(model.model.input()).quant;
            let public = MatchPublic {
                image_commitment: commit::commit(input.data(), qi.lo, qi.hi, image_salt),
                template_commitment: m.enrolled.commitment(model),
                tau: m.tau,
                verdict: distance.verdict,
                nonce,
            };
            let signals = public.to_field_elements();
            let witness = MatchWitness { input, trace: &trace, image_salt, enrolled, template_salt: m.enrolled.salt() };
            let circuit = MatchCircuit { model: &model.model, spec, witness: Some((witness, public)) };
            return f(AnyCircuit::Match(circuit), signals);
        }
    };
    let witness = InferWitness { input, trace: &trace, input_salt: Fr::rand(rng), output_salt: Fr::rand(rng) };
    let public = InferPublic::from_witness(&model.model, spec, &witness, nonce);
    let signals = public.to_field_elements();
    let circuit = InferCircuit { model: &model.model, spec, witness: Some((witness, public)) };
    f(AnyCircuit::Infer(circuit), signals)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_chacha::rand_core::SeedableRng;
    use zkid_circuits::synthetic::Synthetic;

    #[test]
    fn stock_proofs_verify_with_zkid_keys() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let (pk, vk) = crate::setup_dev(Synthetic::setup(300).unwrap(), &mut rng).unwrap();
        let c = Synthetic::random(300, 1).unwrap();
        let public = c.public_inputs().unwrap();
        let proof = stock_prove(&pk, c, &mut rng).unwrap();
        assert!(crate::verify(&vk, &public, &proof).unwrap());
        assert!(!crate::verify(&vk, &[public[0] + Fr::from(1u64)], &proof).unwrap());
    }
}
