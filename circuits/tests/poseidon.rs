//! Poseidon, native and in circuit, against circomlibjs vectors
//! (`tests/vectors/poseidon.json`, from `tests/vectors/make_poseidon_vectors.js`): the four
//! gadget tests of STYLE.md (agreement in every allocation mode, tampered witnesses,
//! documented cost, golden vectors) plus key-generation mode and a property test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ark_ff::{Field, One, PrimeField, Zero};
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef, SynthesisMode};
use proptest::prelude::*;
use serde_json::Value;
use std::str::FromStr;
use zkid_circuits::poseidon::{self, MAX_ARITY, gadget};
use zkid_circuits::{Fr, Wire};

struct Vector {
    name: String,
    inputs: Vec<Fr>,
    output: Fr,
}

fn fr(v: &Value) -> Fr {
    Fr::from_str(v.as_str().expect("decimal string")).expect("field element")
}

fn vectors(section: &str) -> Vec<Vector> {
    let doc: Value = serde_json::from_str(include_str!("vectors/poseidon.json")).unwrap();
    doc[section]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Vector {
            name: v["name"].as_str().unwrap().to_string(),
            inputs: v["inputs"].as_array().unwrap().iter().map(fr).collect(),
            output: fr(&v["output"]),
        })
        .collect()
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    Constant,
    Input,
    Witness,
}

fn alloc(cs: &ConstraintSystemRef<Fr>, xs: &[Fr], mode: Mode) -> Vec<Wire> {
    xs.iter()
        .map(|&x| match mode {
            Mode::Constant => Wire::constant(x),
            Mode::Input => Wire::input(cs, Some(x)).unwrap(),
            Mode::Witness => Wire::witness(cs, Some(x)).unwrap(),
        })
        .collect()
}

/// Whether `cs` is satisfied after setting witness `index` to `value`. ark-relations caches
/// every linear combination's value at synthesis; the cache is dropped so each constraint is
/// re-evaluated from the (tampered) witness.
fn satisfied_with(cs: &ConstraintSystemRef<Fr>, index: usize, value: Fr) -> bool {
    {
        let mut inner = cs.borrow_mut().unwrap();
        inner.assignments.lc_assignment.clear();
        inner.assignments.witness_assignment[index] = value;
    }
    cs.is_satisfied().unwrap()
}

#[test]
fn native_matches_circomlibjs_for_every_arity() {
    let vs = vectors("hash");
    assert_eq!(vs.len(), 4 * MAX_ARITY);
    for v in &vs {
        assert_eq!(poseidon::poseidon_hash(&v.inputs).unwrap(), v.output, "{}", v.name);
    }
}

#[test]
fn native_chain_matches_circomlibjs() {
    let vs = vectors("chain");
    let lens: Vec<usize> = vs.iter().map(|v| v.inputs.len()).collect();
    for len in [0, 17, 31, 100] {
        assert!(lens.contains(&len), "no chain vector of length {len}");
    }
    for v in &vs {
        assert_eq!(poseidon::poseidon_sponge(&v.inputs), v.output, "{}", v.name);
    }
}

#[test]
fn gadget_matches_vectors_in_every_allocation_mode_at_documented_cost() {
    for v in &vectors("hash") {
        let n = v.inputs.len();
        for mode in [Mode::Witness, Mode::Input, Mode::Constant] {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let inputs = alloc(&cs, &v.inputs, mode);
            let out = gadget::poseidon_hash(&cs, &inputs).unwrap();
            assert_eq!(out.value, Some(v.output), "{} {mode:?}", v.name);
            let expected_cost = match mode {
                Mode::Constant => 0,
                _ => gadget::hash_cost(n).unwrap(),
            };
            assert_eq!(cs.num_constraints(), expected_cost, "{} {mode:?}", v.name);
            // The output is bound: claiming it as a public input satisfies the system.
            let claimed = Wire::input(&cs, Some(v.output)).unwrap();
            out.enforce_equal(&claimed, &cs).unwrap();
            assert!(cs.is_satisfied().unwrap(), "{} {mode:?}", v.name);
        }
        // Mixed: the first input constant, the rest witnesses; each constant input saves one
        // first-round S-box.
        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut inputs = alloc(&cs, &v.inputs, Mode::Witness);
        inputs[0] = Wire::constant(v.inputs[0]);
        let out = gadget::poseidon_hash(&cs, &inputs).unwrap();
        assert_eq!(out.value, Some(v.output), "{} mixed", v.name);
        let expected = if n == 1 { 0 } else { gadget::hash_cost(n).unwrap() - 3 };
        assert_eq!(cs.num_constraints(), expected, "{} mixed", v.name);
        assert!(cs.is_satisfied().unwrap());
    }
}

#[test]
fn gadget_chain_matches_vectors_at_documented_cost() {
    for v in &vectors("chain") {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let inputs = alloc(&cs, &v.inputs, Mode::Witness);
        let out = gadget::poseidon_sponge(&cs, &inputs).unwrap();
        assert_eq!(out.value, Some(v.output), "{}", v.name);
        assert_eq!(cs.num_constraints(), gadget::sponge_cost(v.inputs.len()).unwrap(), "{}", v.name);
        assert!(cs.is_satisfied().unwrap(), "{}", v.name);
    }
}

#[test]
fn key_generation_mode_builds_the_same_constraints_without_values() {
    for n in 1..=MAX_ARITY {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        let inputs: Vec<Wire> = (0..n).map(|_| Wire::witness(&cs, None).unwrap()).collect();
        let out = gadget::poseidon_hash(&cs, &inputs).unwrap();
        assert_eq!(out.value, None);
        assert_eq!(cs.num_constraints(), gadget::hash_cost(n).unwrap(), "arity {n}");
    }
    for len in [17, 31] {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        let inputs: Vec<Wire> = (0..len).map(|_| Wire::witness(&cs, None).unwrap()).collect();
        gadget::poseidon_sponge(&cs, &inputs).unwrap();
        assert_eq!(cs.num_constraints(), gadget::sponge_cost(len).unwrap(), "chain {len}");
    }
}

#[test]
fn every_tampered_witness_variable_is_caught() {
    for n in [1, 2, 16] {
        let xs: Vec<Fr> = (0..n as u64).map(|i| Fr::from(i * 1_000_003 + 5)).collect();
        let cs = ConstraintSystem::<Fr>::new_ref();
        let inputs = alloc(&cs, &xs, Mode::Witness);
        gadget::poseidon_hash(&cs, &inputs).unwrap();
        let honest = cs.witness_assignment().unwrap();
        // Inputs, and each S-box's x^2, x^4 and x^5, in full and partial rounds.
        assert_eq!(honest.len(), n + gadget::hash_cost(n).unwrap());
        assert!(satisfied_with(&cs, 0, honest[0]), "recomputing cached values keeps an honest system satisfied");
        for (i, &h) in honest.iter().enumerate() {
            assert!(!satisfied_with(&cs, i, h + Fr::one()), "arity {n}: witness {i} tampered, still satisfied");
            assert!(satisfied_with(&cs, i, h));
        }
    }
}

/// Rank of a small dense matrix over Fr.
fn rank(mut m: Vec<Vec<Fr>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..cols {
        let Some(p) = (rank..m.len()).find(|&r| !m[r][col].is_zero()) else { continue };
        m.swap(rank, p);
        let inv = m[rank][col].inverse().unwrap();
        let pivot: Vec<Fr> = m[rank].iter().map(|x| *x * inv).collect();
        for (r, row) in m.iter_mut().enumerate() {
            if r != rank && !row[col].is_zero() {
                let f = row[col];
                row.iter_mut().zip(&pivot).for_each(|(x, p)| *x -= f * p);
            }
        }
        rank += 1;
    }
    rank
}

/// The inputs determine every other variable: walking the constraints in order, A and B only
/// read determined variables, and the variables first seen in C are pinned by the pending
/// equations as soon as there are as many independent equations as unknowns (one per
/// constraint inside an S-box; a full round closes its `t` next inputs with `t` equations
/// through the inverse MDS matrix). So no other witness satisfies the system for the same
/// inputs: the gadget is a function of its inputs.
#[test]
fn inputs_determine_every_variable() {
    for n in [1, 2, 5, 16] {
        let xs: Vec<Fr> = (0..n as u64).map(Fr::from).collect();
        let cs = ConstraintSystem::<Fr>::new_ref();
        gadget::poseidon_hash(&cs, &alloc(&cs, &xs, Mode::Witness)).unwrap();
        cs.finalize();
        let offset = cs.num_instance_variables();
        let mats = cs.to_matrices().unwrap();
        let [a, b, c] = &mats.values().next().unwrap()[..] else { panic!("R1CS has three matrices") };
        let mut known = vec![false; offset + cs.num_witness_variables()];
        known[..offset + n].iter_mut().for_each(|k| *k = true);
        let mut pending: Vec<Vec<(Fr, usize)>> = Vec::new();
        for i in 0..a.len() {
            for &(_, col) in a[i].iter().chain(&b[i]) {
                assert!(known[col], "arity {n}: constraint {i} reads undetermined column {col}");
            }
            pending.push(c[i].iter().copied().filter(|&(k, col)| !known[col] && !k.is_zero()).collect());
            let mut unknowns: Vec<usize> = pending.iter().flatten().map(|&(_, col)| col).collect();
            unknowns.sort_unstable();
            unknowns.dedup();
            if unknowns.len() == pending.len() {
                let m = pending
                    .iter()
                    .map(|eq| {
                        let mut row = vec![Fr::zero(); unknowns.len()];
                        for &(k, col) in eq {
                            row[unknowns.binary_search(&col).unwrap()] += k;
                        }
                        row
                    })
                    .collect();
                assert_eq!(rank(m), unknowns.len(), "arity {n}: equations before constraint {i} are dependent");
                unknowns.iter().for_each(|&col| known[col] = true);
                pending.clear();
            }
        }
        assert!(pending.is_empty(), "arity {n}: trailing equations do not pin their unknowns");
        assert!(known.iter().all(|&k| k), "arity {n}: some variable is not determined by the inputs");
    }
}

fn non_zeros(cs: &ConstraintSystemRef<Fr>) -> usize {
    cs.finalize();
    let mats = cs.to_matrices().unwrap();
    mats.values().next().unwrap().iter().map(|m| m.iter().map(Vec::len).sum::<usize>()).sum()
}

/// Linear combinations must not grow back (see the table in `gadget`'s docs).
#[test]
fn matrix_non_zeros_stay_at_the_documented_figures() {
    for (n, documented) in [(1, 2672), (2, 3102), (4, 4143), (16, 11939)] {
        let xs: Vec<Fr> = (0..n as u64).map(Fr::from).collect();
        let cs = ConstraintSystem::<Fr>::new_ref();
        gadget::poseidon_hash(&cs, &alloc(&cs, &xs, Mode::Witness)).unwrap();
        assert_eq!(non_zeros(&cs), documented, "arity {n}");
    }
}

#[test]
fn a_wrong_output_claim_is_unsatisfied() {
    let xs = [Fr::from(1u64), Fr::from(2u64)];
    let good = poseidon::poseidon_hash(&xs).unwrap();
    for claim in [good + Fr::one(), Fr::from(0u64), -good] {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let inputs = alloc(&cs, &xs, Mode::Witness);
        let out = gadget::poseidon_hash(&cs, &inputs).unwrap();
        let claimed = Wire::input(&cs, Some(claim)).unwrap();
        out.enforce_equal(&claimed, &cs).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }
}

#[test]
fn tampering_one_input_of_a_chain_is_caught() {
    let xs: Vec<Fr> = (0..31u64).map(Fr::from).collect();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let inputs = alloc(&cs, &xs, Mode::Witness);
    gadget::poseidon_sponge(&cs, &inputs).unwrap();
    for i in [0, 14, 15, 30] {
        assert!(!satisfied_with(&cs, i, xs[i] + Fr::one()), "chain input {i}");
        assert!(satisfied_with(&cs, i, xs[i]));
    }
}

fn any_fr() -> impl Strategy<Value = Fr> {
    any::<[u8; 32]>().prop_map(|b| Fr::from_le_bytes_mod_order(&b))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn gadget_equals_native_on_random_inputs(xs in prop::collection::vec(any_fr(), 1..=MAX_ARITY)) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let out = gadget::poseidon_hash(&cs, &alloc(&cs, &xs, Mode::Witness)).unwrap();
        prop_assert_eq!(out.value, Some(poseidon::poseidon_hash(&xs).unwrap()));
        prop_assert!(cs.is_satisfied().unwrap());
    }

    #[test]
    fn chain_gadget_equals_native_on_random_lengths(xs in prop::collection::vec(any_fr(), 0..40)) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let out = gadget::poseidon_sponge(&cs, &alloc(&cs, &xs, Mode::Witness)).unwrap();
        prop_assert_eq!(out.value, Some(poseidon::poseidon_sponge(&xs)));
        prop_assert!(cs.is_satisfied().unwrap());
    }
}
