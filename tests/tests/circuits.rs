//! Whole-model circuits: the constraint system built from each bundled model is satisfied by
//! the recorded inference, and changing any single witness value or public output breaks it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, SynthesisMode};
use zkid_circuits::Fr;
use zkid_circuits::field::fr_from_i64;
use zkid_circuits::r1cs::{R1cs, TamperChecker};
use zkid_circuits::statement::{InferCircuit, InferPublic, InferSpec, InferWitness, InputMode, OutputMode};
use zkid_core::QModel;
use zkid_core::onnx::{CompileOptions, compile};
use zkid_tests::{load_npy, onnx_bytes};

fn bundled(name: &str) -> QModel {
    let c = compile(&onnx_bytes(name), vec![load_npy(name, "calib.npy")], &CompileOptions::default(), &mut |_, _| {});
    c.unwrap().model
}

fn synthesize(model: &QModel, spec: InferSpec, with_witness: bool) -> R1cs {
    let x = model.quantize_input(&load_npy(&model.meta().name, "sample.npy")).unwrap();
    let trace = model.infer(&x).unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let circuit = if with_witness {
        let w = InferWitness { input: &x, trace: &trace, input_salt: Fr::from(7u64), output_salt: Fr::from(9u64) };
        let public = InferPublic::from_witness(model, spec, &w, Fr::from(1234u64));
        InferCircuit { model, spec, witness: Some((w, public)) }
    } else {
        cs.set_mode(SynthesisMode::Setup);
        InferCircuit { model, spec, witness: None }
    };
    circuit.generate_constraints(cs.clone()).unwrap();
    R1cs::from_cs(&cs).unwrap()
}

/// The matrix-free record of the same proving circuit [`synthesize`] builds.
fn recorded(model: &QModel, spec: InferSpec, edit: impl FnOnce(&mut InferPublic)) -> zkid_circuits::rows::Rows {
    let x = model.quantize_input(&load_npy(&model.meta().name, "sample.npy")).unwrap();
    let trace = model.infer(&x).unwrap();
    let w = InferWitness { input: &x, trace: &trace, input_salt: Fr::from(7u64), output_salt: Fr::from(9u64) };
    let mut public = InferPublic::from_witness(model, spec, &w, Fr::from(1234u64));
    edit(&mut public);
    zkid_circuits::rows::record(InferCircuit { model, spec, witness: Some((w, public)) }).unwrap()
}

fn named(name: &str) -> QModel {
    let mut m = bundled(name);
    let mut meta = m.meta().clone();
    meta.name = name.into();
    m.set_meta(meta);
    m
}

#[test]
fn bundled_models_are_satisfied_and_every_witness_is_bound() {
    for name in ["linreg", "digits", "face"] {
        let model = named(name);
        let spec = InferSpec::default();
        let r = synthesize(&model, spec, true);
        assert!(r.is_satisfied(), "{name}: honest witness must satisfy");
        let setup = synthesize(&model, spec, false);
        assert_eq!(setup.num_constraints(), r.num_constraints(), "{name}: setup and prove shapes differ");
        let est = zkid_core::report::estimated_constraints(&model);
        println!(
            "{name}: {} constraints (static count {est}), {} witnesses, {} public inputs, {} non-zeros",
            r.num_constraints(),
            r.num_witness,
            r.num_instance - 1,
            r.non_zeros()
        );
        zkid_tests::assert_rows_agree(&r, &recorded(&model, spec, |_| ()), name);
        let t = TamperChecker::new(&r);
        let free = t.free_witness_columns(Fr::from(1u64));
        assert!(free.is_empty(), "{name}: witness columns not bound by any constraint: {free:?}");
        // Every public input (outputs, nonce) is bound too.
        for col in 1..r.num_instance {
            assert!(!t.still_satisfied(col, Fr::from(1u64)), "{name}: public input {col} is not bound");
        }
    }
}

#[test]
fn wrong_output_or_nonce_or_commitment_is_unsatisfied() {
    let model = named("digits");
    for spec in [InferSpec::default(), InferSpec { input: InputMode::Committed, output: OutputMode::Committed }] {
        let r = synthesize(&model, spec, true);
        assert!(r.is_satisfied());
        zkid_tests::assert_rows_agree(&r, &recorded(&model, spec, |_| ()), &format!("{spec:?}"));
        // A public output or commitment that disagrees with the witness: the record says so.
        let wrong = recorded(&model, spec, |p| match (&mut p.outputs, &mut p.output_commitment) {
            (Some(out), _) => out[0] += 1,
            (None, Some(c)) => *c += Fr::from(1u64),
            (None, None) => unreachable!("an infer statement publishes its output or a commitment"),
        });
        assert!(wrong.first_unsatisfied.is_some(), "{spec:?}: a wrong output must be unsatisfied");
        let t = TamperChecker::new(&r);
        for col in 1..r.num_instance {
            assert!(!t.still_satisfied(col, fr_from_i64(-1)), "{spec:?}: public input {col}");
        }
        let free = t.free_witness_columns(Fr::from(3u64));
        assert!(free.is_empty(), "{spec:?}: free witness columns {free:?}");
    }
}

/// Per-layer exact counts add up to the whole statement (minus public-input bindings).
#[test]
fn layer_breakdown_adds_up() {
    let model = named("digits");
    let layers = zkid_circuits::model::layer_constraints(&model).unwrap();
    let total: usize = layers.iter().map(|(_, n)| n).sum();
    let r = synthesize(&model, InferSpec::default(), false);
    // + 10 output bindings + 1 nonce square.
    assert_eq!(total + 10 + 1, r.num_constraints(), "{layers:?}");
    println!("digits per layer: {layers:?}");
    // zkid-core's static table predicts every layer exactly.
    for name in ["linreg", "digits", "face"] {
        let model = named(name);
        let layers = zkid_circuits::model::layer_constraints(&model).unwrap();
        let table = zkid_core::report::layer_table(&model);
        assert_eq!(layers[0].1 as u64, zkid_core::report::input_constraints(&model), "{name}: input");
        for ((lname, n), row) in layers[1..].iter().zip(&table) {
            assert_eq!((lname, *n as u64), (&row.name, row.constraints), "{name}");
        }
    }
}
