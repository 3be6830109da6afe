//! Static and perturbation audit of a synthesized statement: the bug classes that break
//! ZK circuits in practice.
//!
//! * **untouched witness**: a witness variable that no constraint mentions — the prover may
//!   set it to anything;
//! * **unbound public input**: a public input no constraint mentions — a Groth16 proof does
//!   not bind it;
//! * **free witness**: a witness variable that can change *alone* (all others fixed) without
//!   breaking any constraint, tried with two different offsets — an under-constrained value.
//!
//! Allow-list: empty. Every zkid statement pins every witness (salts are inputs of the
//! Poseidon commitment, hints such as zero-test inverses are pinned by an extra
//! constraint), so any finding is a bug.

use crate::field::{Fr, pow2};
use crate::r1cs::{R1cs, TamperChecker};
use ark_ff::One;
use serde::Serialize;

/// What [`audit`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Constraints checked.
    pub constraints: usize,
    /// Public inputs (excluding the constant 1).
    pub public_inputs: usize,
    /// Witness variables.
    pub witnesses: usize,
    /// Whether the honest assignment satisfies the system (the perturbation test needs it).
    pub satisfied: bool,
    /// Witness columns no constraint mentions.
    pub untouched_witnesses: Vec<usize>,
    /// Public-input columns no constraint mentions.
    pub unbound_inputs: Vec<usize>,
    /// Witness columns that can change alone without breaking a constraint.
    pub free_witnesses: Vec<usize>,
}

impl AuditReport {
    /// Whether nothing was found.
    pub fn is_clean(&self) -> bool {
        self.satisfied
            && self.untouched_witnesses.is_empty()
            && self.unbound_inputs.is_empty()
            && self.free_witnesses.is_empty()
    }
}

/// Audits a prove-mode R1CS snapshot (with its honest assignment).
pub fn audit(r1cs: &R1cs) -> AuditReport {
    let checker = TamperChecker::new(r1cs);
    let instance = 1..r1cs.num_instance;
    let witness = r1cs.num_instance..r1cs.num_instance + r1cs.num_witness;
    let untouched = |cols: std::ops::Range<usize>| cols.filter(|&c| checker.touches(c) == 0).collect::<Vec<_>>();
    let satisfied = r1cs.is_satisfied();
    // Two unrelated offsets: a value pinned only up to a symmetry (a boolean flipped by a
    // specific delta) still shows up under one of them.
    let deltas = [Fr::one(), pow2(100) + Fr::from(7u64)];
    let free_witnesses = if satisfied {
        witness
            .clone()
            .filter(|&c| checker.touches(c) > 0 && deltas.iter().any(|&d| checker.still_satisfied(c, d)))
            .collect()
    } else {
        Vec::new()
    };
    AuditReport {
        constraints: r1cs.num_constraints(),
        public_inputs: r1cs.num_instance - 1,
        witnesses: r1cs.num_witness,
        satisfied,
        untouched_witnesses: untouched(witness),
        unbound_inputs: untouched(instance),
        free_witnesses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_util::{alloc, prove_cs, r1cs};
    use crate::wire::Wire;

    #[test]
    fn finds_each_bug_class() {
        let cs = prove_cs();
        let x = alloc(&cs, 3, 0);
        let unbound = Wire::input(&cs, Some(Fr::from(5u64))).unwrap();
        let untouched = Wire::witness(&cs, Some(Fr::from(9u64))).unwrap();
        // y = x * x is pinned; z appears only as z * 0 = 0, so it is free.
        let y = x.mul(&x, &cs).unwrap();
        let z = alloc(&cs, 4, 0);
        crate::wire::enforce(&cs, &z, &Wire::zero(), &Wire::zero()).unwrap();
        let r = r1cs(&cs);
        let report = audit(&r);
        assert!(report.satisfied && !report.is_clean());
        let col = |w: &Wire| crate::gadgets::test_util::column(&cs, w);
        assert_eq!(report.unbound_inputs, vec![col(&unbound)]);
        assert_eq!(report.untouched_witnesses, vec![col(&untouched)]);
        // x can change alone (y = x² then breaks)? No: y is fixed, so x is pinned; z is free.
        assert_eq!(report.free_witnesses, vec![col(&z)]);
        assert!(!report.free_witnesses.contains(&col(&y)));
    }

    #[test]
    fn a_clean_gadget_is_clean() {
        let cs = prove_cs();
        let x = alloc(&cs, 201, 0);
        crate::gadgets::decompose(&cs, &x, 8).unwrap();
        let input = Wire::input(&cs, Some(Fr::from(201u64))).unwrap();
        x.enforce_equal(&input, &cs).unwrap();
        let report = audit(&r1cs(&cs));
        assert!(report.is_clean(), "{report:?}");
    }
}
