//! Matrix-free synthesis: what a Groth16 prover needs from a circuit, recorded while the
//! circuit runs, without building a single linear combination.
//!
//! A Groth16 prover needs the full assignment `z = (1, x, w)` and the row evaluations
//! `A·z`, `B·z` (and `C·z` only to check satisfaction). For a circuit written with
//! [`Wire`](crate::wire::Wire) those are values the circuit computes anyway: every
//! constraint is [`enforce`](crate::wire::enforce)`(a, b, c)` with `a.value = (A·z)_row`,
//! `b.value = (B·z)_row`. [`record`] runs a circuit in this mode:
//!
//! * variables are allocated in an ark-relations constraint system that keeps only the
//!   assignment (`construct_matrices: false`), so variable order is exactly the one the key
//!   was made for;
//! * wires carry a one-term placeholder instead of their linear combination (a
//!   convolution's 800-term accumulator costs nothing), constants keep theirs so that
//!   gadgets that fold constants (Poseidon's first rounds) take the same branch as in setup;
//! * each constraint appends `a.value` and `b.value` and checks `a·b = c`.
//!
//! The mode is a thread-local switch set only for the duration of [`record`]; synthesis
//! is single-threaded (a constraint system is not `Send`), so nothing else observes it.
//! Only circuits built entirely from `Wire` and the gadgets may be recorded: they opt in
//! with [`RecordableCircuit`]. A constraint enforced directly on the ark-relations system
//! would be missing from the record, so the prover verifies every proof it makes from a
//! record before returning it, and a test compares the record with the matrices for every
//! statement.

use crate::field::Fr;
use ark_ff::One;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, LinearCombination, SynthesisError, SynthesisMode, Variable,
};
use std::cell::RefCell;

/// A circuit whose constraints all go through [`crate::wire::enforce`] (the statement
/// circuits): its rows can be recorded by [`record`] instead of building matrices.
pub trait RecordableCircuit: ConstraintSynthesizer<Fr> {}

/// Everything the prover needs from one synthesis.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    /// `(A·z)_i` for every constraint `i`.
    pub a: Vec<Fr>,
    /// `(B·z)_i` for every constraint `i`.
    pub b: Vec<Fr>,
    /// `z = (1, public inputs…, witnesses…)`.
    pub z: Vec<Fr>,
    /// Number of instance variables, the constant one included.
    pub num_instance: usize,
    /// The first constraint with `(A·z)(B·z) ≠ C·z`, if any.
    pub first_unsatisfied: Option<usize>,
}

impl Rows {
    /// Number of constraints.
    pub fn num_constraints(&self) -> usize {
        self.a.len()
    }

    /// Number of witness variables.
    pub fn num_witness(&self) -> usize {
        self.z.len() - self.num_instance
    }
}

/// Row evaluations being collected on this thread.
#[derive(Default)]
struct Recorder {
    a: Vec<Fr>,
    b: Vec<Fr>,
    first_unsatisfied: Option<usize>,
}

thread_local! {
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// Removes the recorder when [`record`] returns or unwinds.
struct Active;

impl Drop for Active {
    fn drop(&mut self) {
        RECORDER.with(|r| r.borrow_mut().take());
    }
}

/// The placeholder linear combination of every non-constant wire while recording: one
/// term on a symbolic index ark-relations never hands out.
pub(crate) fn placeholder() -> LinearCombination<Fr> {
    LinearCombination(vec![(Fr::one(), PLACEHOLDER)])
}

// An index no real system reaches: 2^61 − 1 (the 61-bit payload's largest) on 64-bit targets,
// 2^29 − 1 on wasm32 (and recording never creates symbolic combinations at all).
const PLACEHOLDER: Variable = Variable::symbolic_lc(usize::MAX >> 3);

/// Whether `lc` is the recording placeholder.
pub(crate) fn is_placeholder(lc: &LinearCombination<Fr>) -> bool {
    matches!(lc.0.as_slice(), [(_, PLACEHOLDER)])
}

/// Whether this thread is inside [`record`].
pub(crate) fn recording() -> bool {
    RECORDER.with(|r| r.borrow().is_some())
}

/// Appends one row while recording; returns `false` when not recording (the caller then
/// enforces the constraint on the constraint system).
pub(crate) fn push(a: Option<Fr>, b: Option<Fr>, c: Option<Fr>) -> Result<bool, SynthesisError> {
    RECORDER.with(|r| {
        let mut r = r.borrow_mut();
        let Some(rec) = r.as_mut() else { return Ok(false) };
        let (Some(a), Some(b), Some(c)) = (a, b, c) else { return Err(SynthesisError::AssignmentMissing) };
        if rec.first_unsatisfied.is_none() && a * b != c {
            rec.first_unsatisfied = Some(rec.a.len());
        }
        rec.a.push(a);
        rec.b.push(b);
        Ok(true)
    })
}

/// Synthesizes `circuit` in prove mode, recording `z` and the row evaluations instead of
/// the matrices. Fails like synthesis does (e.g. a missing witness value).
pub fn record<C: RecordableCircuit>(circuit: C) -> Result<Rows, SynthesisError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Prove { construct_matrices: false, generate_lc_assignments: false });
    RECORDER.with(|r| *r.borrow_mut() = Some(Recorder::default()));
    let active = Active;
    let result = circuit.generate_constraints(cs.clone());
    let rec = RECORDER.with(|r| r.borrow_mut().take()).unwrap_or_default();
    drop(active);
    result?;
    let inner = cs.borrow().ok_or(SynthesisError::MissingCS)?;
    let instance = inner.instance_assignment()?;
    let mut z = Vec::with_capacity(instance.len() + inner.witness_assignment()?.len());
    z.extend_from_slice(instance);
    z.extend_from_slice(inner.witness_assignment()?);
    Ok(Rows { a: rec.a, b: rec.b, z, num_instance: instance.len(), first_unsatisfied: rec.first_unsatisfied })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::decompose;
    use crate::poseidon::gadget::poseidon_hash;
    use crate::r1cs::R1cs;
    use crate::wire::Wire;
    use ark_relations::gr1cs::ConstraintSystemRef;

    /// Decompositions, products, a Poseidon hash with one constant input (the gadget folds
    /// constants, so both modes must see the same constants) and a public input.
    struct Sample {
        x: u64,
        claimed: Option<u64>,
    }

    impl ConstraintSynthesizer<Fr> for Sample {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let out = Wire::input(&cs, Some(Fr::from(self.claimed.unwrap_or(self.x * self.x))))?;
            let x = Wire::witness(&cs, Some(Fr::from(self.x)))?;
            decompose(&cs, &x, 12)?;
            let sq = x.mul(&x, &cs)?;
            sq.enforce_equal(&out, &cs)?;
            poseidon_hash(&cs, &[x.scale(Fr::from(3u64)).add_const(Fr::from(5u64)), Wire::constant(Fr::from(7u64))])?;
            Ok(())
        }
    }

    impl RecordableCircuit for Sample {}

    fn matrices(c: Sample) -> R1cs {
        let cs = ConstraintSystem::<Fr>::new_ref();
        c.generate_constraints(cs.clone()).unwrap();
        R1cs::from_cs(&cs).unwrap()
    }

    #[test]
    fn record_equals_matrices() {
        let r = matrices(Sample { x: 1234, claimed: None });
        let rows = record(Sample { x: 1234, claimed: None }).unwrap();
        assert_eq!(rows.z, r.z);
        assert_eq!((rows.num_instance, rows.num_witness()), (r.num_instance, r.num_witness));
        let dot = |row: &Vec<(Fr, usize)>| row.iter().map(|(c, i)| *c * r.z[*i]).sum::<Fr>();
        assert_eq!(rows.a, r.a.iter().map(dot).collect::<Vec<_>>());
        assert_eq!(rows.b, r.b.iter().map(dot).collect::<Vec<_>>());
        assert_eq!(rows.first_unsatisfied, None);
        assert!(!recording(), "the mode ends with the call");
    }

    #[test]
    fn unsatisfied_rows_are_found_at_the_same_index() {
        let bad = Sample { x: 1234, claimed: Some(5) };
        let r = matrices(Sample { x: 1234, claimed: Some(5) });
        let rows = record(bad).unwrap();
        assert!(rows.first_unsatisfied.is_some());
        assert_eq!(rows.first_unsatisfied, r.first_unsatisfied(&r.z));
        // Out of range for the 12-bit decomposition: also caught.
        let rows = record(Sample { x: 1 << 13, claimed: None }).unwrap();
        assert!(rows.first_unsatisfied.is_some());
    }

    #[test]
    fn placeholders_only_appear_while_recording() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let w = Wire::witness(&cs, Some(Fr::from(3u64))).unwrap();
        assert!(!is_placeholder(&w.lc));
        struct Probe;
        impl ConstraintSynthesizer<Fr> for Probe {
            fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
                let w = Wire::witness(&cs, Some(Fr::from(3u64)))?;
                assert!(is_placeholder(&w.lc) && is_placeholder(&w.scale(Fr::from(2u64)).add_const(Fr::from(1u64)).lc));
                assert!(!is_placeholder(&Wire::constant(Fr::from(4u64)).lc), "constants keep their combination");
                Ok(())
            }
        }
        impl RecordableCircuit for Probe {}
        record(Probe).unwrap();
    }

    #[test]
    fn a_missing_value_is_an_error_not_a_row() {
        struct Missing;
        impl ConstraintSynthesizer<Fr> for Missing {
            fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
                let w = Wire { lc: placeholder(), value: None };
                crate::wire::enforce(&cs, &w, &w, &w)
            }
        }
        impl RecordableCircuit for Missing {}
        assert!(matches!(record(Missing), Err(SynthesisError::AssignmentMissing)));
        assert!(!recording());
    }
}
