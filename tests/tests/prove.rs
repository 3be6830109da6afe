//! Groth16 end to end on bundled models through the `zkid-prover` API: round trips, and
//! verification failures for every kind of mismatch.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use ark_ff::{One, UniformRand};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use zkid_circuits::statement::{InferSpec, InputMode, OutputMode};
use zkid_core::onnx::{CompileOptions, compile};
use zkid_core::zkm;
use zkid_prover::statement::public_outputs;
use zkid_prover::{
    Fr, LoadedModel, NoObserver, ProofEnvelope, ProverError, Statement, prove_infer_raw, setup, verify_envelope,
};
use zkid_tests::{load_npy, onnx_bytes};

fn loaded(name: &str) -> LoadedModel {
    let opts = CompileOptions { name: name.into(), ..Default::default() };
    let c = compile(&onnx_bytes(name), vec![load_npy(name, "calib.npy")], &opts, &mut |_, _| {}).unwrap();
    LoadedModel::from_bytes(&zkm::to_bytes(&c.model).unwrap()).unwrap()
}

#[test]
fn round_trip_and_every_mismatch_fails() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let lin = loaded("linreg");
    let digits = loaded("digits");
    let st = Statement::Infer(InferSpec::default());
    let (pk, vk) = setup(&digits, st, &mut rng).unwrap();
    let nonce = Fr::from(424242u64);
    let p = prove_infer_raw(&digits, &pk, &load_npy("digits", "sample.npy"), nonce, &mut rng, &mut NoObserver).unwrap();
    let env = ProofEnvelope::from_json_str(&p.envelope.to_json_string()).unwrap();
    assert_eq!(env, p.envelope);
    assert!(verify_envelope(&vk, &env, Some(nonce)).unwrap());
    // The revealed outputs are the integer inference outputs.
    assert_eq!(public_outputs(&digits.model, st, &env.public_signals).unwrap(), p.output.data());

    // Flipped public input (an output value): invalid.
    let mut bad = env.clone();
    bad.public_signals[0] += Fr::one();
    assert!(!verify_envelope(&vk, &bad, None).unwrap());
    // A nonce other than the verifier's challenge: refused; a changed nonce signal: invalid.
    assert!(matches!(verify_envelope(&vk, &env, Some(Fr::from(1u64))), Err(ProverError::NonceMismatch)));
    let mut bad = env.clone();
    *bad.public_signals.last_mut().unwrap() = Fr::from(1u64);
    assert!(!verify_envelope(&vk, &bad, Some(Fr::from(1u64))).unwrap());
    // A changed proof byte: rejected at parse time or invalid.
    let bytes = env.proof.to_bytes();
    for i in [0usize, 40, 100, 127] {
        let mut b = bytes.clone();
        b[i] ^= 1;
        if let Ok(proof) = zkid_prover::Proof::from_bytes(&b) {
            let mut e = env.clone();
            e.proof = proof;
            assert!(!verify_envelope(&vk, &e, None).unwrap(), "byte {i}");
        }
    }
    // Another model's key: the envelope says so; forcing it through still fails.
    let (lpk, lvk) = setup(&lin, st, &mut rng).unwrap();
    assert!(matches!(verify_envelope(&lvk, &env, None), Err(ProverError::EnvelopeMismatch { what: "model", .. })));
    let mut forged = env.clone();
    forged.model_digest = lin.digest;
    forged.vk_digest = lvk.header.vk_digest;
    assert!(verify_envelope(&lvk, &forged, None).is_err() || !verify_envelope(&lvk, &forged, None).unwrap());
    // Proving with another model's key is refused up front.
    let e = prove_infer_raw(&digits, &lpk, &load_npy("digits", "sample.npy"), nonce, &mut rng, &mut NoObserver);
    assert!(matches!(e, Err(ProverError::ModelMismatch { .. })));
    // Wrong input shape is a typed model error, not a panic.
    let e = prove_infer_raw(&digits, &pk, &load_npy("linreg", "sample.npy"), nonce, &mut rng, &mut NoObserver);
    assert!(matches!(e, Err(ProverError::Model(_))));
}

#[test]
fn committed_statement_round_trip_and_seeded_determinism() {
    let lin = loaded("linreg");
    let st = Statement::Infer(InferSpec { input: InputMode::Committed, output: OutputMode::Committed });
    assert_eq!(Statement::from_id(&st.id()).unwrap(), st);
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let (pk, vk) = setup(&lin, st, &mut rng).unwrap();
    let x = load_npy("linreg", "sample.npy");
    let nonce = Fr::rand(&mut rng);
    let prove = |seed| {
        let mut r = ChaCha20Rng::seed_from_u64(seed);
        prove_infer_raw(&lin, &pk, &x, nonce, &mut r, &mut NoObserver).unwrap()
    };
    let (a, b) = (prove(3), prove(3));
    assert_eq!(a.envelope.to_json_string(), b.envelope.to_json_string(), "seeded proofs are byte-identical");
    assert_eq!(a.envelope.public_signals.len(), 3, "c_in, c_out, nonce");
    assert!(public_outputs(&lin.model, st, &a.envelope.public_signals).is_none());
    assert!(verify_envelope(&vk, &a.envelope, Some(nonce)).unwrap());
    // A different salt (other seed) gives other commitments: hiding.
    let c = prove(4);
    assert_ne!(c.envelope.public_signals[0], a.envelope.public_signals[0]);
    assert!(verify_envelope(&vk, &c.envelope, Some(nonce)).unwrap());
    // Swapping a commitment breaks the proof.
    let mut bad = a.envelope.clone();
    bad.public_signals[1] = c.envelope.public_signals[1];
    assert!(!verify_envelope(&vk, &bad, None).unwrap());
}

#[test]
fn malformed_envelopes_are_typed_errors() {
    for text in [
        "",
        "{}",
        "[1,2]",
        r#"{"proof": {}, "publicSignals": [], "zkid": {}}"#,
        r#"{"proof": {"pi_a": ["1","2","1"]}, "publicSignals": ["x"], "zkid": {"version": 1}}"#,
    ] {
        assert!(
            matches!(
                ProofEnvelope::from_json_str(text),
                Err(ProverError::ProofFormat(_) | ProverError::PublicInputFormat(_))
            ),
            "{text}"
        );
    }
}
