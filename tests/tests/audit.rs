//! `zkid audit` on the bundled statements: with an honest witness, no witness variable is
//! untouched or free to change alone and every public input is bound.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use zkid_circuits::statement::{InferSpec, InputMode, MatchSpec, OutputMode};
use zkid_core::onnx::{CompileOptions, compile};
use zkid_core::zkm;
use zkid_prover::audit::audit_statement;
use zkid_prover::{LoadedModel, Statement};
use zkid_tests::{load_npy, onnx_bytes};

fn loaded(name: &str) -> LoadedModel {
    let opts = CompileOptions { name: name.into(), ..Default::default() };
    let c = compile(&onnx_bytes(name), vec![load_npy(name, "calib.npy")], &opts, &mut |_, _| {}).unwrap();
    LoadedModel::from_bytes(&zkm::to_bytes(&c.model).unwrap()).unwrap()
}

#[test]
fn bundled_statements_are_clean() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let committed = InferSpec { input: InputMode::Committed, output: OutputMode::Committed };
    let statements = [
        Statement::Infer(InferSpec::default()),
        Statement::Infer(committed),
        Statement::Enroll,
        Statement::Match(MatchSpec::default()),
    ];
    for name in ["linreg", "digits"] {
        let model = loaded(name);
        let x = model.model.quantize_input(&load_npy(name, "sample.npy")).unwrap();
        for st in statements {
            let r = audit_statement(&model, st, &x, &mut rng).unwrap();
            assert!(r.is_clean(), "{name} {}: {r:?}", st.id());
            assert!(r.constraints > 0 && r.witnesses > 0);
        }
    }
}

#[test]
fn audit_reports_a_wrong_witness_as_unsatisfied() {
    // An input outside the model's range: inference refuses it before any circuit is built.
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let model = loaded("linreg");
    let x = zkid_core::QTensor::new(model.model.input_shape().to_vec(), vec![i64::MAX / 2; 10]).unwrap();
    assert!(audit_statement(&model, Statement::Enroll, &x, &mut rng).is_err());
}
