//! R1CS gadgets. Each states exactly what it enforces and its cost in constraints.
//!
//! Integers live in the BN254 scalar field; every gadget keeps the integers it reasons
//! about far below `p/2` (a few hundred bits of headroom), so field equalities between
//! bounded integers are integer equalities. Values (witness hints) are optional: `None`
//! during key generation.

pub mod bits;
pub mod clamp;
pub mod distance;
pub mod hamming;
pub mod max;
pub mod requant;
pub mod sign;

pub use bits::{alloc_bounded, decompose, in_range, is_nonneg, is_zero, nonneg_split, range_check};
pub use clamp::clamp;
pub use distance::l2_verdict;
pub use hamming::{BitRows, ShiftCounts, TAU_ONE, hd_verdict, rotation_counts};
pub use max::max;
pub use requant::{requantize, requantize_clamp};
pub use sign::sign;

#[cfg(test)]
pub(crate) mod test_util {
    use crate::field::{Fr, fr_from_i64};
    use crate::r1cs::R1cs;
    use crate::wire::Wire;
    use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef, SynthesisMode};

    /// A fresh proving-mode constraint system.
    pub fn prove_cs() -> ConstraintSystemRef<Fr> {
        ConstraintSystem::<Fr>::new_ref()
    }

    /// A fresh key-generation (setup) constraint system.
    pub fn setup_cs() -> ConstraintSystemRef<Fr> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        cs
    }

    /// An integer as a witness (`None` in setup mode), as a public input, or as a constant.
    pub fn alloc(cs: &ConstraintSystemRef<Fr>, v: i64, mode: u8) -> Wire {
        let val = (!cs.is_in_setup_mode()).then(|| fr_from_i64(v));
        match mode {
            0 => Wire::witness(cs, val).unwrap(),
            1 => Wire::input(cs, val).unwrap(),
            _ => Wire::constant(fr_from_i64(v)),
        }
    }

    /// The R1CS of `cs`.
    pub fn r1cs(cs: &ConstraintSystemRef<Fr>) -> R1cs {
        R1cs::from_cs(cs).unwrap()
    }

    /// Column of a single-variable wire in the full assignment.
    pub fn column(cs: &ConstraintSystemRef<Fr>, w: &Wire) -> usize {
        let v = w.lc.0.first().expect("variable").1;
        v.get_variable_index(cs.num_instance_variables()).expect("a plain variable")
    }
}
