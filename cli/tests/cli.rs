//! Drives the real `zkid` binary on the bundled models: happy path and bad input.

// Test code: a failed unwrap is a test failure with its location, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("zkid-cli-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn zkid(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_zkid")).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "zkid {args:?} panicked:\n{stderr}");
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit code 2 and an error line mentioning `needle`.
fn assert_bad_input(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "expected exit 2, stderr:\n{err}");
    assert!(err.lines().any(|l| l.starts_with("error: ")), "{err}");
    assert!(err.to_lowercase().contains(&needle.to_lowercase()), "expected {needle:?} in:\n{err}");
}

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
    for needle in ["est. constraints", "Gemm", "fidelity", "model digest:", "compile time"] {
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
    let help = zkid(&["--help"]);
    assert!(help.status.success());
    assert!(stdout(&help).contains("compile"));
}
