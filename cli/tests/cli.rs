//! Drives the real `zkid` binary on the bundled models: happy path and bad input.

// Test code: a failed unwrap is a test failure with its location, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The digits model compiled once for all tests (kept in its own temp dir).
fn digits_zkm() -> &'static Path {
    static ZKM: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = ZKM.get_or_init(|| {
        let dir = TempDir::new();
        let out = dir.path("digits.zkm");
        let onnx = models().join("digits/model.onnx");
        let o = zkid(&["compile", s(&onnx), "-o", s(&out)]);
        assert!(o.status.success(), "{}", stderr(&o));
        (dir, out)
    });
    path
}

fn argmax(v: &[f32]) -> usize {
    v.iter().enumerate().fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &x)| if x > bv { (i, x) } else { (bi, bv) }).0
}

#[test]
fn compile_digits_json_then_infer_matches_float_argmax() {
    let dir = TempDir::new();
    let out = dir.path("d.zkm");
    let onnx = models().join("digits/model.onnx");
    let calib = models().join("digits/calib.npy");
    let o = zkid(&["compile", s(&onnx), "--calibration", s(&calib), "-o", s(&out), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["digest"].as_str().unwrap().len(), 64);
    assert_eq!(report["calibration_samples"], 128);
    assert!(report["layers"].as_array().unwrap().len() >= 4);
    assert!(report["totals"]["constraints"].as_u64().unwrap() > 0);
    assert!(report["fidelity"]["top1_agreement"].as_f64().unwrap() > 0.95);

    let sample = models().join("digits/sample.npy");
    let o = zkid(&["infer", s(&out), "--input", s(&sample), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["digest"], report["digest"]);
    assert_eq!(r["output"].as_array().unwrap().len(), 10);
    let expected = zkid_core::npy::load(&models().join("digits/sample_expected.npy")).unwrap();
    assert_eq!(r["argmax"].as_u64().unwrap() as usize, argmax(expected.data()));
}

#[test]
fn compile_text_report_and_infer_text() {
    let dir = TempDir::new();
    let out = dir.path("lin.zkm");
    let o = zkid(&["compile", s(&models().join("linreg/model.onnx")), "-o", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in ["constraints", "Gemm", "fidelity", "model digest:", "compile time"] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(stderr(&o).contains("calib.npy"), "should say which calibration set it used");
    let o = zkid(&["infer", s(&out), "--input", s(&models().join("linreg/sample.npy"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("digest") && text.contains("output (dequantized)"), "{text}");
    assert!(!text.contains("arg-max"), "a single regression output has no arg-max:\n{text}");
}

#[test]
fn compile_reads_a_calibration_directory() {
    let dir = TempDir::new();
    std::fs::create_dir(dir.path("cal")).unwrap();
    let calib = zkid_core::npy::load(&models().join("digits/calib.npy")).unwrap();
    for (i, t) in zkid_core::npy::split_batch(calib, &[1, 1, 8, 8]).unwrap().into_iter().take(8).enumerate() {
        std::fs::write(dir.path(&format!("cal/{i:02}.npy")), zkid_core::npy::to_bytes(&t).unwrap()).unwrap();
    }
    std::fs::write(dir.path("cal/readme.txt"), "ignored").unwrap();
    let out = dir.path("d.zkm");
    let o = zkid(&[
        "compile",
        s(&models().join("digits/model.onnx")),
        "--calibration",
        s(&dir.path("cal")),
        "-o",
        s(&out),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["calibration_samples"], 8);
}

#[test]
fn compile_without_calibration_is_a_clear_error() {
    let dir = TempDir::new();
    let onnx = dir.path("model.onnx");
    std::fs::copy(models().join("digits/model.onnx"), &onnx).unwrap();
    let o = zkid(&["compile", s(&onnx), "-o", s(&dir.path("x.zkm"))]);
    assert_bad_input(&o, "--calibration");
    assert!(!dir.path("x.zkm").exists());
}

#[test]
fn compile_rejects_calibration_of_wrong_shape() {
    let dir = TempDir::new();
    let o = zkid(&[
        "compile",
        s(&models().join("digits/model.onnx")),
        "--calibration",
        s(&models().join("linreg/calib.npy")),
        "-o",
        s(&dir.path("x.zkm")),
    ]);
    assert_bad_input(&o, "shape");
}

#[test]
fn compile_rejects_bad_quantization_flags() {
    let dir = TempDir::new();
    let o =
        zkid(&["compile", s(&models().join("digits/model.onnx")), "--weight-bits", "40", "-o", s(&dir.path("x.zkm"))]);
    assert_bad_input(&o, "weight bits");
}

#[test]
fn missing_files_exit_2() {
    let dir = TempDir::new();
    let missing = dir.path("nope.onnx");
    assert_bad_input(&zkid(&["compile", s(&missing), "-o", s(&dir.path("x.zkm"))]), "nope.onnx");
    let missing = dir.path("nope.zkm");
    assert_bad_input(&zkid(&["infer", s(&missing), "--input", s(&models().join("digits/sample.npy"))]), "nope.zkm");
    let missing = dir.path("nope.npy");
    assert_bad_input(&zkid(&["infer", s(digits_zkm()), "--input", s(&missing)]), "nope.npy");
}

#[test]
fn truncated_onnx_exit_2() {
    let dir = TempDir::new();
    let bytes = std::fs::read(models().join("digits/model.onnx")).unwrap();
    let onnx = dir.path("model.onnx");
    std::fs::write(&onnx, &bytes[..bytes.len() / 2]).unwrap();
    std::fs::copy(models().join("digits/calib.npy"), dir.path("calib.npy")).unwrap();
    let o = zkid(&["compile", s(&onnx), "-o", s(&dir.path("x.zkm"))]);
    assert_bad_input(&o, "cannot import ONNX model");
}

#[test]
fn corrupt_zkm_is_a_checksum_error() {
    let dir = TempDir::new();
    let mut bytes = std::fs::read(digits_zkm()).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    let zkm = dir.path("corrupt.zkm");
    std::fs::write(&zkm, &bytes).unwrap();
    let o = zkid(&["infer", s(&zkm), "--input", s(&models().join("digits/sample.npy"))]);
    assert_bad_input(&o, "checksum");
}

#[test]
fn truncated_zkm_exit_2() {
    let dir = TempDir::new();
    let bytes = std::fs::read(digits_zkm()).unwrap();
    let zkm = dir.path("short.zkm");
    std::fs::write(&zkm, &bytes[..bytes.len() - 10]).unwrap();
    let o = zkid(&["infer", s(&zkm), "--input", s(&models().join("digits/sample.npy"))]);
    assert_bad_input(&o, "truncated");
}

#[test]
fn wrong_input_shape_exit_2() {
    let o = zkid(&["infer", s(digits_zkm()), "--input", s(&models().join("face/sample.npy"))]);
    assert_bad_input(&o, "input shape mismatch");
}

#[test]
fn nan_input_exit_2_without_values() {
    let dir = TempDir::new();
    let mut data = vec![0.25f32; 64];
    data[5] = f32::NAN;
    let t = zkid_core::FTensor::new(vec![1, 1, 8, 8], data).unwrap();
    let input = dir.path("nan.npy");
    std::fs::write(&input, zkid_core::npy::to_bytes(&t).unwrap()).unwrap();
    let o = zkid(&["infer", s(digits_zkm()), "--input", s(&input)]);
    assert_bad_input(&o, "not finite");
    assert!(!stderr(&o).contains("0.25"), "errors must not print input values");
}

#[test]
fn empty_files_exit_2() {
    let dir = TempDir::new();
    let empty = dir.path("empty");
    std::fs::write(&empty, b"").unwrap();
    assert_bad_input(&zkid(&["infer", s(digits_zkm()), "--input", s(&empty)]), "empty");
    assert_bad_input(&zkid(&["infer", s(&empty), "--input", s(&models().join("digits/sample.npy"))]), "empty");
    let calib = models().join("digits/calib.npy");
    assert_bad_input(&zkid(&["compile", s(&empty), "--calibration", s(&calib), "-o", s(&dir.path("x.zkm"))]), "empty");
}

#[test]
fn garbage_npy_exit_2() {
    let dir = TempDir::new();
    let junk = dir.path("junk.npy");
    std::fs::write(&junk, b"\x93NUMPY\x01\x00not a header").unwrap();
    assert_bad_input(&zkid(&["infer", s(digits_zkm()), "--input", s(&junk)]), ".npy");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(zkid(&[]).status.code(), Some(2));
    assert_eq!(zkid(&["compile"]).status.code(), Some(2));
    assert_eq!(zkid(&["infer", "m.zkm"]).status.code(), Some(2));
    assert_eq!(zkid(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(zkid(&["prove", "m.zkm", "--keys", "k"]).status.code(), Some(2));
    assert_eq!(zkid(&["verify", "p.json"]).status.code(), Some(2));
    assert_eq!(zkid(&["setup", "m.zkm", "--dev", "-o", "k", "--output", "secret"]).status.code(), Some(2));
    let help = zkid(&["--help"]);
    assert!(help.status.success());
    for cmd in ["compile", "setup", "prove", "verify", "bench"] {
        assert!(stdout(&help).contains(cmd), "{cmd} missing from --help");
    }
}

// ---- setup / prove / verify / bench (issue 3) ----

/// `linreg` compiled, keys set up and one proof made once for all tests (own temp dir).
struct LinregFixture {
    _dir: TempDir,
    zkm: PathBuf,
    keys: PathBuf,
    proof: PathBuf,
    nonce: &'static str,
    setup_stderr: String,
}

const LINREG_NONCE: &str = "1234567890123456789";

fn linreg() -> &'static LinregFixture {
    static FIX: OnceLock<LinregFixture> = OnceLock::new();
    FIX.get_or_init(|| {
        let dir = TempDir::new();
        let zkm = dir.path("linreg.zkm");
        let o = zkid(&["compile", s(&models().join("linreg/model.onnx")), "-o", s(&zkm)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let keys = dir.path("keys");
        let o = zkid(&["setup", s(&zkm), "--statement", "infer", "--dev", "-o", s(&keys)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let setup_stderr = stderr(&o);
        let proof = dir.path("proof.json");
        let sample = models().join("linreg/sample.npy");
        let o = zkid(&[
            "prove",
            s(&zkm),
            "--keys",
            s(&keys),
            "--input",
            s(&sample),
            "--nonce",
            LINREG_NONCE,
            "-o",
            s(&proof),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        LinregFixture { _dir: dir, zkm, keys, proof, nonce: LINREG_NONCE, setup_stderr }
    })
}

/// Copies a keys directory into `to`.
fn copy_keys(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Asserts exit code 1 and a one-line `error: invalid proof` reason mentioning `needle`.
fn assert_invalid(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "expected exit 1, stderr:\n{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("invalid proof") && lines[0].contains(needle), "expected {needle:?} in:\n{err}");
}

#[test]
fn setup_without_dev_refuses_with_exit_2() {
    let dir = TempDir::new();
    let keys = dir.path("keys");
    let o = zkid(&["setup", s(&linreg().zkm), "--statement", "infer", "-o", s(&keys)]);
    assert_bad_input(&o, "--dev");
    assert!(stderr(&o).contains("ceremony"), "should say where production keys come from");
    assert!(!keys.exists(), "nothing may be created without --dev");
}

#[test]
fn setup_dev_writes_keys_and_warns() {
    let f = linreg();
    assert!(f.setup_stderr.contains("WARNING") && f.setup_stderr.contains("INSECURE FOR PRODUCTION"));
    for name in ["proving.key", "verifying.key", "verification_key.json", "keys.json"] {
        assert!(f.keys.join(name).is_file(), "missing {name}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&f.keys)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.keys.join("keys.json")).unwrap()).unwrap();
    assert_eq!(m["statement"], "infer(input=private,output=public)");
    assert_eq!(m["setup"], "dev");
    assert!(m["circuit"]["constraints"].as_u64().unwrap() > 0);
    assert!(m["circuit"]["domain_size"].as_u64().unwrap().is_power_of_two());
    let pk = std::fs::read(f.keys.join("proving.key")).unwrap();
    assert_eq!(m["files"]["proving.key"]["bytes"].as_u64().unwrap(), pk.len() as u64);
    let vk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.keys.join("verification_key.json")).unwrap()).unwrap();
    assert_eq!(vk["protocol"], "groth16");
    assert_eq!(vk["nPublic"], m["circuit"]["public_inputs"]);
}

#[test]
fn setup_refuses_a_non_empty_keys_dir_unless_forced() {
    let dir = TempDir::new();
    let keys = dir.path("keys");
    std::fs::create_dir(&keys).unwrap();
    std::fs::write(keys.join("notes.txt"), "mine").unwrap();
    let o = zkid(&["setup", s(&linreg().zkm), "--dev", "-o", s(&keys), "--json"]);
    assert_bad_input(&o, "--force");
    assert!(!keys.join("proving.key").exists());
    let o = zkid(&["setup", s(&linreg().zkm), "--dev", "-o", s(&keys), "--force", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["dev"], true);
    assert_eq!(r["files"]["proving.key"]["blake3"].as_str().unwrap().len(), 64);
    assert!(stderr(&o).contains("WARNING"), "the warning goes to stderr even with --json");
    assert_eq!(std::fs::read_to_string(keys.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn prove_writes_proof_and_verify_accepts_it() {
    let f = linreg();
    let env: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f.proof).unwrap()).unwrap();
    assert!(env["proof"]["pi_a"].is_array() && env["proof"]["pi_b"].is_array());
    let signals = env["publicSignals"].as_array().unwrap();
    assert_eq!(signals.last().unwrap(), f.nonce, "the nonce is the last public signal");
    let o = zkid(&["verify", "--keys", s(&f.keys), s(&f.proof)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("valid"), "{}", stdout(&o));
    let o = zkid(&["verify", "--keys", s(&f.keys), s(&f.proof), "--nonce", f.nonce, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["valid"], true);
    assert_eq!(r["nonce_checked"], true);
    assert!(r["verify_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn prove_text_report_prints_phases_output_and_generated_nonce() {
    let f = linreg();
    let dir = TempDir::new();
    let proof = dir.path("p.json");
    let sample = models().join("linreg/sample.npy");
    let o = zkid(&["prove", s(&f.zkm), "--keys", s(&f.keys), "--input", s(&sample), "-o", s(&proof)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in ["synthesis", "witness_map", "msm_h", "prove time", "public output", "leaves the device", "nonce"] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(proof.is_file());
    // A random nonce was drawn: the fixture's nonce does not match it.
    assert_invalid(&zkid(&["verify", "--keys", s(&f.keys), s(&proof), "--nonce", f.nonce]), "nonce");
}

#[test]
fn verify_with_wrong_nonce_exit_1() {
    let f = linreg();
    let o = zkid(&["verify", "--keys", s(&f.keys), s(&f.proof), "--nonce", "42"]);
    assert_invalid(&o, "nonce");
    let o = zkid(&["verify", "--keys", s(&f.keys), s(&f.proof), "--nonce", "42", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["valid"], false);
    assert!(r["reason"].as_str().unwrap().contains("nonce"));
}

#[test]
fn verify_with_a_flipped_public_signal_exit_1() {
    let f = linreg();
    let dir = TempDir::new();
    let mut env: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f.proof).unwrap()).unwrap();
    // The first signal is the revealed output: claim another output (a smaller last digit
    // keeps the value below the field modulus).
    let mut out = env["publicSignals"][0].as_str().unwrap().to_string();
    let last = out.pop().unwrap();
    out.push(if last == '0' { '1' } else { char::from(last as u8 - 1) });
    env["publicSignals"][0] = serde_json::Value::String(out);
    let tampered = dir.path("tampered.json");
    std::fs::write(&tampered, serde_json::to_string(&env).unwrap()).unwrap();
    assert_invalid(&zkid(&["verify", "--keys", s(&f.keys), s(&tampered), "--nonce", f.nonce]), "does not verify");
}

#[test]
fn verify_with_keys_of_another_model_exit_1() {
    let dir = TempDir::new();
    let other = dir.path("other.zkm");
    let o = zkid(&["compile", s(&models().join("linreg/model.onnx")), "--weight-bits", "6", "-o", s(&other)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let keys = dir.path("keys");
    let o = zkid(&["setup", s(&other), "--dev", "-o", s(&keys)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let f = linreg();
    assert_invalid(&zkid(&["verify", "--keys", s(&keys), s(&f.proof)]), "model");
    // Proving with keys of another model is unusable input, and leaves no proof.
    let proof = dir.path("p.json");
    let sample = models().join("linreg/sample.npy");
    let o = zkid(&["prove", s(&f.zkm), "--keys", s(&keys), "--input", s(&sample), "-o", s(&proof)]);
    assert_bad_input(&o, "do not belong");
    assert!(!proof.exists());
}

#[test]
fn verify_with_a_truncated_verifying_key_exit_2() {
    let f = linreg();
    let dir = TempDir::new();
    let keys = dir.path("keys");
    copy_keys(&f.keys, &keys);
    let vk = std::fs::read(keys.join("verifying.key")).unwrap();
    std::fs::write(keys.join("verifying.key"), &vk[..vk.len() / 2]).unwrap();
    assert_bad_input(&zkid(&["verify", "--keys", s(&keys), s(&f.proof)]), "truncated");
    // A modified byte is caught by the digest pinned in keys.json.
    let mut vk = vk;
    let mid = vk.len() / 2;
    vk[mid] ^= 1;
    std::fs::write(keys.join("verifying.key"), &vk).unwrap();
    assert_bad_input(&zkid(&["verify", "--keys", s(&keys), s(&f.proof)]), "verifying key");
    std::fs::remove_file(keys.join("verifying.key")).unwrap();
    assert_bad_input(&zkid(&["verify", "--keys", s(&keys), s(&f.proof)]), "verifying.key");
}

#[test]
fn prove_with_a_truncated_proving_key_exit_2_and_no_proof() {
    let f = linreg();
    let dir = TempDir::new();
    let keys = dir.path("keys");
    copy_keys(&f.keys, &keys);
    let pk = std::fs::read(keys.join("proving.key")).unwrap();
    std::fs::write(keys.join("proving.key"), &pk[..pk.len() - 100]).unwrap();
    let proof = dir.path("p.json");
    let sample = models().join("linreg/sample.npy");
    let o = zkid(&["prove", s(&f.zkm), "--keys", s(&keys), "--input", s(&sample), "-o", s(&proof)]);
    assert_bad_input(&o, "truncated");
    assert!(!proof.exists());
}

#[test]
fn verify_a_malformed_proof_exit_2() {
    let f = linreg();
    let dir = TempDir::new();
    let bad = dir.path("bad.json");
    std::fs::write(&bad, "{\"proof\": 1").unwrap();
    assert_bad_input(&zkid(&["verify", "--keys", s(&f.keys), s(&bad)]), "malformed proof");
    let mut env: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f.proof).unwrap()).unwrap();
    env["proof"]["pi_a"][0] = serde_json::Value::String("not a number".into());
    std::fs::write(&bad, serde_json::to_string(&env).unwrap()).unwrap();
    assert_bad_input(&zkid(&["verify", "--keys", s(&f.keys), s(&bad)]), "malformed proof");
    assert_bad_input(&zkid(&["verify", "--keys", s(&f.keys), s(&dir.path("missing.json"))]), "missing.json");
    assert_bad_input(&zkid(&["verify", "--keys", s(&f.keys), s(&f.proof), "--nonce", "12ab"]), "--nonce");
}

#[test]
fn prove_with_a_wrong_shape_input_exit_2_and_no_proof() {
    let f = linreg();
    let dir = TempDir::new();
    let proof = dir.path("p.json");
    let wrong = models().join("digits/sample.npy");
    let o = zkid(&["prove", s(&f.zkm), "--keys", s(&f.keys), "--input", s(&wrong), "-o", s(&proof)]);
    assert_bad_input(&o, "input shape mismatch");
    assert!(!proof.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0).unwrap().collect();
    assert!(leftovers.is_empty(), "no temporary files either");
}

#[test]
fn bench_runs_the_identity_statements() {
    let f = linreg();
    for (st, signals) in [("enroll", 3), ("match", 5)] {
        let o = zkid(&["bench", s(&f.zkm), "--statement", st, "--runs", "1", "--json"]);
        assert!(o.status.success(), "{st}: {}", stderr(&o));
        let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(r["public_inputs"], signals, "{st}: {r}");
        assert!(r["prove_ms"].is_number());
    }
}

#[test]
fn bench_json_has_the_fields() {
    let f = linreg();
    let o = zkid(&["bench", s(&f.zkm), "--runs", "1", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for k in [
        "constraints",
        "variables",
        "public_inputs",
        "domain_size",
        "setup_ms",
        "witness_ms",
        "msm_total_ms",
        "prove_ms",
        "us_per_constraint",
        "verify_ms",
        "proving_key_bytes",
        "proving_key_uncompressed_bytes",
        "verifying_key_bytes",
        "proving_key_load_ms",
        "verifying_key_load_ms",
    ] {
        assert!(r[k].is_number(), "{k} should be a number in {r}");
    }
    assert!(r["peak_rss_bytes"].is_number() || r["peak_rss_bytes"].is_null());
    for p in ["synthesis", "row_evaluation", "witness_map", "msm_a", "msm_b_g1", "msm_b_g2", "msm_l", "msm_h"] {
        assert!(r["prove_phases_ms"][p].is_number(), "{p} missing in {r}");
    }
    assert_eq!(r["constraints"], r["setup_constraints"]);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.keys.join("keys.json")).unwrap()).unwrap();
    assert_eq!(r["constraints"], m["circuit"]["constraints"], "setup and bench count the same circuit");
    assert_eq!(r["domain_size"], m["circuit"]["domain_size"]);
    assert_eq!(r["variables"], m["circuit"]["variables"]);
}

#[test]
fn digits_round_trip_with_nonce() {
    let dir = TempDir::new();
    let keys = dir.path("keys");
    let o = zkid(&["setup", s(digits_zkm()), "--statement", "infer", "--dev", "-o", s(&keys), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let proof = dir.path("proof.json");
    let sample = models().join("digits/sample.npy");
    let nonce = "987654321";
    let o = zkid(&[
        "prove",
        s(digits_zkm()),
        "--keys",
        s(&keys),
        "--input",
        s(&sample),
        "--nonce",
        nonce,
        "-o",
        s(&proof),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["nonce"], nonce);
    let outputs: Vec<f32> =
        r["outputs_dequantized"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
    assert_eq!(outputs.len(), 10);
    let expected = zkid_core::npy::load(&models().join("digits/sample_expected.npy")).unwrap();
    assert_eq!(argmax(&outputs), argmax(expected.data()), "the proven output classifies like the float model");
    let o = zkid(&["verify", "--keys", s(&keys), s(&proof), "--nonce", nonce]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("valid"));
    // linreg's proof against digits' keys: another model.
    assert_invalid(&zkid(&["verify", "--keys", s(&keys), s(&linreg().proof)]), "model");
}

#[test]
fn iris_enroll_attest_match_verify_end_to_end() {
    let m = mini_iris();
    let p = |n: &str| m.dir.path(n);
    let setup = |st: &str, out: &str| {
        let o = zkid(&[
            "setup",
            "--dev",
            s(&m.zkm),
            "--statement",
            st,
            "--max-shift",
            "3",
            "--min-bits",
            "16",
            "-o",
            s(&p(out)),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    setup("enroll", "ek");
    setup("match", "mk");
    // Infer prints the code and mask code of an iris model.
    let o = zkid(&["infer", s(&m.zkm), "--input", s(&p("a1_image.npy")), "--mask", s(&p("a1_mask.npy")), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["iris"]["code_bits"].as_str().unwrap().len(), 2 * 2 * 32 * 2);
    // Enroll, with a sealing key created on first use.
    let o = zkid(&[
        "enroll",
        s(&m.zkm),
        "--keys",
        s(&p("ek")),
        "--image",
        s(&p("a1_image.npy")),
        "--mask",
        s(&p("a1_mask.npy")),
        "--enrollment",
        s(&p("a1.sealed")),
        "--sealing-key",
        s(&p("seal.key")),
        "--nonce",
        "77",
        "-o",
        s(&p("enroll.json")),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let c_tpl = e["c_tpl"].as_str().unwrap().to_string();
    // The device signs c_img; the verifier checks signature, then proof.
    let o = zkid(&["attest", "keygen", "--alg", "p256", "-o", s(&p("dev"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = zkid(&[
        "attest",
        "sign",
        "--key",
        s(&p("dev/device.key")),
        "--proof",
        s(&p("enroll.json")),
        "-o",
        s(&p("att.json")),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let verify = |keys: &str, proof: &str, extra: &[&str]| {
        let mut args = vec!["verify", "--keys", s(&p(keys)).to_string().leak(), s(&p(proof)).to_string().leak()];
        args.extend_from_slice(extra);
        zkid(&args)
    };
    let dev_pub = p("dev/device.pub");
    let o = verify(
        "ek",
        "enroll.json",
        &["--nonce", "77", "--device-key", s(&dev_pub), "--attestation", s(&p("att.json"))],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("capture attestation: valid"));
    // Another device's key: rejected (exit 1).
    let o = zkid(&["attest", "keygen", "-o", s(&p("other"))]);
    assert!(o.status.success());
    let o =
        verify("ek", "enroll.json", &["--device-key", s(&p("other/device.pub")), "--attestation", s(&p("att.json"))]);
    assert_invalid(&o, "attestation");

    // Match the same eye (rotated): MATCH; another eye: no match; both proofs valid.
    let run_match = |img: &str, out: &str| {
        let o = zkid(&[
            "match",
            s(&m.zkm),
            "--keys",
            s(&p("mk")),
            "--image",
            s(&p(&format!("{img}_image.npy"))),
            "--mask",
            s(&p(&format!("{img}_mask.npy"))),
            "--enrollment",
            s(&p("a1.sealed")),
            "--sealing-key",
            s(&p("seal.key")),
            "--tau",
            "0.35",
            "--nonce",
            "78",
            "-o",
            s(&p(out)),
            "--json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    let same = run_match("a2", "same.json");
    assert_eq!(same["verdict"], true, "{same}");
    assert_eq!(same["c_tpl"].as_str().unwrap(), c_tpl);
    let other = run_match("b", "other.json");
    assert_eq!(other["verdict"], false, "{other}");
    let o = verify("mk", "same.json", &["--nonce", "78", "--expect-template", &c_tpl, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["verdict"], true);
    let o = verify("mk", "other.json", &["--nonce", "78"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("no match"));
    // Against another enrolled template: rejected before the pairing check.
    let o = verify("mk", "same.json", &["--expect-template", "12345"]);
    assert_invalid(&o, "another enrolled template");
    // Enroll keys cannot verify a match proof.
    assert_eq!(verify("ek", "same.json", &[]).status.code(), Some(1));

    // Bad input: a wrong sealing key, a corrupt enrollment, a missing mask, τ out of range.
    std::fs::write(p("wrong.key"), [7u8; 32]).unwrap();
    let base = |img: &str, key: &str, enrollment: &str, extra: &[&str]| {
        let mut a = vec![
            "match".to_string(),
            s(&m.zkm).into(),
            "--keys".into(),
            s(&p("mk")).into(),
            "--image".into(),
            s(&p(img)).into(),
            "--enrollment".into(),
            s(&p(enrollment)).into(),
            "--sealing-key".into(),
            s(&p(key)).into(),
            "-o".into(),
            s(&p("x.json")).into(),
        ];
        a.extend(extra.iter().map(|x| x.to_string()));
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        zkid(&a)
    };
    let mask = s(&p("a2_mask.npy")).to_string();
    assert_bad_input(&base("a2_image.npy", "wrong.key", "a1.sealed", &["--mask", &mask]), "wrong key");
    let mut blob = std::fs::read(p("a1.sealed")).unwrap();
    let last = blob.len() - 1;
    blob[last] ^= 1;
    std::fs::write(p("bad.sealed"), blob).unwrap();
    assert_bad_input(&base("a2_image.npy", "seal.key", "bad.sealed", &["--mask", &mask]), "corrupted");
    assert_bad_input(&base("a2_image.npy", "seal.key", "a1.sealed", &[]), "--mask");
    assert_bad_input(&base("a2_image.npy", "seal.key", "a1.sealed", &["--mask", &mask, "--tau", "1.5"]), "tau");
    assert!(!p("x.json").exists(), "no partial output on failure");
}

#[test]
fn a_closed_stdout_ends_quietly() {
    use std::io::Read;
    let dir = TempDir::new();
    let taps = models().join("iris/vectors");
    let out = dir.path("iris.zkm");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zkid"))
        .args(["compile-iris", "--taps", s(&taps), "-o", s(&out)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of stdout at once: the report hits a broken pipe.
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
}

/// `zkid setup --lookup`: fewer constraints, proofs with a commitment that `zkid verify`
/// accepts (and rejects when a signal changes), and no way out to snarkjs or Solidity.
#[test]
fn lookup_mode_keys_prove_verify_and_refuse_export() {
    let dir = TempDir::new();
    let zkm = digits_zkm();
    let (plain, keys) = (dir.path("plain"), dir.path("keys"));
    let o = zkid(&["setup", s(zkm), "--statement", "infer", "--dev", "-o", s(&plain), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bits: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let o = zkid(&["setup", s(zkm), "--statement", "infer", "--dev", "--lookup", "-o", s(&keys), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lookup: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let count = |v: &serde_json::Value| v["circuit"]["constraints"].as_u64().unwrap();
    assert!(count(&lookup) < count(&bits), "{} vs {}", count(&lookup), count(&bits));
    assert_eq!(lookup["circuit"]["public_inputs"], bits["circuit"]["public_inputs"]);

    let proof = dir.path("proof.json");
    let sample = models().join("digits/sample.npy");
    let o = zkid(&["prove", s(zkm), "--keys", s(&keys), "--input", s(&sample), "-o", s(&proof), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["proof_bytes"], 160, "A, B, C and the commitment");
    let o = zkid(&["verify", "--keys", s(&keys), s(&proof)]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A changed signal fails; the plain keys refuse the proof.
    let mut env: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&proof).unwrap()).unwrap();
    assert!(env["proof"]["zkid_commitment"].is_array());
    env["publicSignals"][0] = serde_json::Value::String("7".into());
    let bad = dir.path("bad.json");
    std::fs::write(&bad, env.to_string()).unwrap();
    assert_invalid(&zkid(&["verify", "--keys", s(&keys), s(&bad)]), "");
    assert_ne!(zkid(&["verify", "--keys", s(&plain), s(&proof)]).status.code(), Some(0));
    let o = zkid(&["export", "solidity", "--keys", s(&keys), "-o", s(&dir.path("Verifier.sol"))]);
    assert_bad_input(&o, "lookup");
}
