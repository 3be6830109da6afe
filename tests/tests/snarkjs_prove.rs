//! snarkjs proves zkid's circuits with zkid's keys: `zkid_prover::zkey_write` turns a zkid
//! proving key into a snarkjs `.zkey` and a statement's assignment into a `.wtns`;
//! `snarkjs groth16 prove` (tools/npm, pinned) must then produce proofs that snarkjs and zkid
//! both accept, for `linreg` and `digits`. The `.zkey` must read back through zkid's own
//! importer as the same key, and malformed requests must be typed errors.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use std::path::{Path, PathBuf};
use std::process::Command;
use zkid_circuits::statement::InferSpec;
use zkid_core::onnx::{CompileOptions, compile};
use zkid_core::zkm;
use zkid_prover::json::public_inputs_from_str;
use zkid_prover::stock::statement_assignment;
use zkid_prover::zkey_write::{read_wtns, wtns_bytes, zkey_bytes};
use zkid_prover::{Fr, LoadedModel, Proof, ProverError, Statement, setup, verify};
use zkid_tests::{load_npy, npm, onnx_bytes};

fn loaded(name: &str) -> LoadedModel {
    let opts = CompileOptions { name: name.into(), ..Default::default() };
    let c = compile(&onnx_bytes(name), vec![load_npy(name, "calib.npy")], &opts, &mut |_, _| {}).unwrap();
    LoadedModel::from_bytes(&zkm::to_bytes(&c.model).unwrap()).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zkid-snarkjs-prove-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn snarkjs(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(npm::bin("snarkjs")).current_dir(dir).args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "snarkjs {args:?} failed:\n{text}");
    text
}

/// Exports the key and a witness, proves with snarkjs, verifies with snarkjs and zkid.
fn snarkjs_proves(name: &str) {
    let model = loaded(name);
    let statement = Statement::Infer(InferSpec::default());
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let (pk, vk) = setup(&model, statement, &mut rng).unwrap();
    let r1cs = zkid_prover::zkey::statement_r1cs(&model, statement).unwrap();
    let zkey = zkey_bytes(&pk.key, &r1cs).unwrap();

    // zkid's own importer reads the file back as the same key, for the same statement.
    let imported = zkid_prover::zkey::import_zkey(&zkey, &model, statement).unwrap();
    assert_eq!(imported.proving_key.key.as_ark(), pk.key.as_ark());
    assert_eq!(imported.info.num_constraints, r1cs.num_constraints());

    let input = model.model.quantize_input(&load_npy(name, "sample.npy")).unwrap();
    let nonce = Fr::from(987_654_321u64);
    let (z, public) = statement_assignment(&model, statement, &input, None, nonce, &mut rng).unwrap();
    assert_eq!(z.len(), r1cs.num_instance + r1cs.num_witness);
    assert_eq!(public.last(), Some(&nonce));
    let wtns = wtns_bytes(&z).unwrap();
    assert_eq!(read_wtns(&wtns).unwrap(), z);

    let dir = scratch(name);
    std::fs::write(dir.join("circuit.zkey"), &zkey).unwrap();
    std::fs::write(dir.join("witness.wtns"), &wtns).unwrap();
    std::fs::write(dir.join("verification_key.json"), vk.key.to_snarkjs_string()).unwrap();
    snarkjs(&dir, &["groth16", "prove", "circuit.zkey", "witness.wtns", "proof.json", "public.json"]);
    let ok = snarkjs(&dir, &["groth16", "verify", "verification_key.json", "public.json", "proof.json"]);
    assert!(ok.contains("OK"), "snarkjs rejected its own proof of zkid's circuit:\n{ok}");

    // zkid verifies snarkjs's proof with the verifying key of the same setup.
    let proof = Proof::from_snarkjs_str(&std::fs::read_to_string(dir.join("proof.json")).unwrap()).unwrap();
    let signals = public_inputs_from_str(&std::fs::read_to_string(dir.join("public.json")).unwrap()).unwrap();
    assert_eq!(signals, public, "snarkjs's public signals are the statement's");
    assert!(verify(&vk.key, &signals, &proof).unwrap());
    let mut tampered = signals.clone();
    tampered[0] += Fr::from(1u64);
    assert!(!verify(&vk.key, &tampered, &proof).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn snarkjs_proves_linreg_with_zkids_key() {
    snarkjs_proves("linreg");
}

#[test]
fn snarkjs_proves_digits_with_zkids_key() {
    snarkjs_proves("digits");
}

#[test]
fn malformed_exports_are_typed_errors() {
    let lin = loaded("linreg");
    let st = Statement::Infer(InferSpec::default());
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let (pk, _) = setup(&lin, st, &mut rng).unwrap();
    // The key of one statement against another statement's circuit.
    let committed = Statement::Infer(InferSpec {
        input: zkid_circuits::statement::InputMode::Committed,
        output: zkid_circuits::statement::OutputMode::Public,
    });
    let other = zkid_prover::zkey::statement_r1cs(&lin, committed).unwrap();
    assert!(matches!(zkey_bytes(&pk.key, &other), Err(ProverError::KeyCircuitMismatch(_))));
    // A match witness needs an enrollment; a witness must start with the constant one.
    let input = lin.model.quantize_input(&load_npy("linreg", "sample.npy")).unwrap();
    let matching = Statement::Match(Default::default());
    assert!(matches!(
        statement_assignment(&lin, matching, &input, None, Fr::from(1u64), &mut rng),
        Err(ProverError::InvalidInput(_))
    ));
    assert!(wtns_bytes(&[Fr::from(2u64)]).is_err());
    // A zkid-written zkey with a cut or a flipped magic is refused by the importer.
    let zkey = zkey_bytes(&pk.key, &zkid_prover::zkey::statement_r1cs(&lin, st).unwrap()).unwrap();
    assert!(zkid_prover::zkey::read_zkey(&zkey[..zkey.len() - 1]).is_err());
    let mut bad = zkey.clone();
    bad[0] = b'Z';
    assert!(zkid_prover::zkey::read_zkey(&bad).is_err());
    assert!(read_wtns(b"wtns").is_err());
}
