//! Interop with the real snarkjs (the pinned one in `tools/npm`): proofs made by the `zkid`
//! binary, exported with `zkid export snarkjs`, verify with `snarkjs groth16 verify`; a
//! tampered public signal or proof is rejected by snarkjs; exports that do not belong to
//! the keys, or of a malformed proof, are unusable input (exit 2).
//!
//! Covers every statement: `infer` with public outputs and with input and output committed
//! (digits model), `enroll` and `match` (a small iris-code model). Prints, per statement,
//! snarkjs's verify wall time next to `zkid verify`'s, and the sizes of the exported files
//! (run with `--nocapture --test-threads=1` for clean timings).

// Test code: a failed unwrap is a test failure with its location, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn write_json(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

// ---- snarkjs ----

/// `snarkjs groth16 verify vk public proof`: (accepted, combined output, wall time).
/// Accepted means exit 0 *and* snarkjs's "OK!" line; a rejection must be a clean exit 1
/// (snarkjs's "invalid"), not a crash, so that the test proves snarkjs parsed our files.
fn snarkjs_verify(dir: &Path) -> (bool, String, Duration) {
    let bin = zkid_tests::npm::bin("snarkjs");
    let start = Instant::now();
    let o = Command::new(&bin)
        .args(["groth16", "verify"])
        .arg(dir.join("verification_key.json"))
        .arg(dir.join("public.json"))
        .arg(dir.join("proof.json"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let elapsed = start.elapsed();
    let text = format!("{}{}", stdout(&o), stderr(&o));
    let ok = o.status.success() && text.contains("OK!");
    if !ok {
        assert_eq!(o.status.code(), Some(1), "snarkjs should reject cleanly (exit 1), not fail:\n{text}");
        assert!(!text.contains("OK!"), "{text}");
    }
    (ok, text, elapsed)
}

/// Asserts snarkjs rejects the files in `dir`, with `why` in the message.
fn assert_snarkjs_rejects(dir: &Path, why: &str, case: &str) {
    let (ok, text, _) = snarkjs_verify(dir);
    assert!(!ok, "{case}: snarkjs accepted a tampered proof ({why}):\n{text}");
    assert!(text.contains(why), "{case}: expected {why:?} in snarkjs's output:\n{text}");
}

/// Changes the last decimal digit of `v` (a decimal string): down by one, or 0 → 1. The
/// result stays below any modulus `v` was below (the BN254 moduli end in 7 and 3, so `v + 1`
/// for a `v` ending in 0 cannot reach them): a changed value, never an out-of-range one.
fn bump_last_digit(v: &Value) -> Value {
    let mut t = v.as_str().unwrap().to_string();
    let d = t.pop().unwrap().to_digit(10).unwrap();
    t.push(char::from_digit(if d == 0 { 1 } else { d - 1 }, 10).unwrap());
    Value::String(t)
}

/// BN254's base-field modulus (decimal), to negate a G1 point: (x, y) → (x, p − y).
const FQ_MODULUS: &str = "21888242871839275222246405745257275088696311157297823662689037894645226208583";

/// `a - b` for decimal strings with `a >= b` (schoolbook; enough for one negation).
fn dec_sub(a: &str, b: &str) -> String {
    let (a, b): (Vec<u8>, Vec<u8>) =
        (a.bytes().rev().map(|c| c - b'0').collect(), b.bytes().rev().map(|c| c - b'0').collect());
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i16;
    for (i, &digit) in a.iter().enumerate() {
        let mut d = i16::from(digit) - i16::from(*b.get(i).unwrap_or(&0)) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 10;
        }
        out.push(d as u8);
    }
    assert_eq!(borrow, 0, "dec_sub needs a >= b");
    while out.len() > 1 && out.last() == Some(&0) {
        out.pop();
    }
    out.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

// ---- fixtures ----

/// The digits model compiled once for all tests (kept in its own temp dir).
fn digits_zkm() -> &'static Path {
    static ZKM: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = ZKM.get_or_init(|| {
        let dir = TempDir::new();
        let out = dir.path("digits.zkm");
        zkid_ok(&["compile", s(&models().join("digits/model.onnx")), "-o", s(&out)]);
        (dir, out)
    });
    path
}

/// Keys and one proof of a statement, made by the binary.
struct Proved {
    /// The directory holding `keys` and `proof`, when they have one of their own.
    _dir: Option<TempDir>,
    keys: PathBuf,
    proof: PathBuf,
    nonce: &'static str,
}

/// `infer` on the digits model with the given `--input` / `--output` modes.
fn digits_proved(input: &str, output: &str, nonce: &'static str) -> Proved {
    let dir = TempDir::new();
    let keys = dir.path("keys");
    let zkm = digits_zkm();
    zkid_ok(&["setup", s(zkm), "--dev", "--statement", "infer", "--input", input, "--output", output, "-o", s(&keys)]);
    let proof = dir.path("proof.json");
    let sample = models().join("digits/sample.npy");
    zkid_ok(&["prove", s(zkm), "--keys", s(&keys), "--input", s(&sample), "--nonce", nonce, "-o", s(&proof)]);
    Proved { _dir: Some(dir), keys, proof, nonce }
}

fn digits_public() -> &'static Proved {
    static P: OnceLock<Proved> = OnceLock::new();
    P.get_or_init(|| digits_proved("private", "public", "987654321"))
}

fn digits_committed() -> &'static Proved {
    static P: OnceLock<Proved> = OnceLock::new();
    P.get_or_init(|| digits_proved("committed", "committed", "123456789"))
}

/// The mini iris model with enroll and match keys, an enrollment proof of eye a and a
/// match proof of eye a rotated against it (verdict MATCH).
struct IrisProved {
    _iris: MiniIris,
    enroll: Proved,
    matched: Proved,
}

fn iris_proved() -> &'static IrisProved {
    static P: OnceLock<IrisProved> = OnceLock::new();
    P.get_or_init(|| {
        let iris = mini_iris();
        let p = |n: &str| iris.dir.path(n);
        for (st, out) in [("enroll", "ek"), ("match", "mk")] {
            let keys = p(out);
            zkid_ok(&[
                "setup",
                "--dev",
                s(&iris.zkm),
                "--statement",
                st,
                "--max-shift",
                "3",
                "--min-bits",
                "16",
                "-o",
                s(&keys),
            ]);
        }
        let session = |cmd: &str, keys: &str, img: &str, nonce: &str, out: &str, extra: &[&str]| {
            let path = |n: &str| s(&p(n)).to_string();
            let mut args = vec![cmd.to_string(), s(&iris.zkm).to_string(), "--keys".into(), path(keys)];
            args.extend(["--image".into(), path(&format!("{img}_image.npy"))]);
            args.extend(["--mask".into(), path(&format!("{img}_mask.npy"))]);
            args.extend(["--enrollment".into(), path("a1.sealed"), "--sealing-key".into(), path("seal.key")]);
            args.extend(["--nonce".into(), nonce.into(), "-o".into(), path(out), "--json".into()]);
            args.extend(extra.iter().map(|x| x.to_string()));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            serde_json::from_str::<Value>(&zkid_ok(&args)).unwrap()
        };
        session("enroll", "ek", "a1", "77", "enroll.json", &[]);
        let m = session("match", "mk", "a2", "78", "match.json", &["--tau", "0.35"]);
        assert_eq!(m["verdict"], true, "{m}");
        // The proofs and keys live in the iris fixture's directory.
        let proved = |keys: &str, proof: &str, nonce| Proved { _dir: None, keys: p(keys), proof: p(proof), nonce };
        let enroll = proved("ek", "enroll.json", "77");
        let matched = proved("mk", "match.json", "78");
        IrisProved { _iris: iris, enroll, matched }
    })
}

// ---- the round trip ----

/// Runs `f` `n` times, returning its fastest wall time (the least disturbed by the other
/// tests running on the same cores).
fn fastest(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..n).map(|_| f()).min().unwrap()
}

/// Exports `proved` for snarkjs, checks that snarkjs accepts it and rejects tampered
/// copies, and prints the timings and sizes.
fn snarkjs_round_trip(case: &str, proved: &Proved) {
    let dir = TempDir::new();
    let out = dir.path("snarkjs");
    let report: Value = serde_json::from_str(&zkid_ok(&[
        "export",
        "snarkjs",
        "--keys",
        s(&proved.keys),
        "--proof",
        s(&proved.proof),
        "-o",
        s(&out),
        "--json",
    ]))
    .unwrap();
    let envelope = read_json(&proved.proof);

    // The three files are what the envelope and the keys directory hold, in snarkjs layout.
    let vk_text = std::fs::read_to_string(out.join("verification_key.json")).unwrap();
    assert_eq!(
        vk_text,
        std::fs::read_to_string(proved.keys.join("verification_key.json")).unwrap(),
        "{case}: the exported key is the keys directory's verification_key.json"
    );
    let vk: Value = serde_json::from_str(&vk_text).unwrap();
    let proof = read_json(&out.join("proof.json"));
    let public = read_json(&out.join("public.json"));
    assert_eq!(proof, envelope["proof"], "{case}");
    assert_eq!(public, envelope["publicSignals"], "{case}");
    assert_eq!(public.as_array().unwrap().len() as u64, vk["nPublic"].as_u64().unwrap(), "{case}");
    assert_eq!(public.as_array().unwrap().last().unwrap(), proved.nonce, "{case}: the nonce is the last signal");
    assert_eq!(report["public_signals"], vk["nPublic"], "{case}");
    assert_eq!(report["statement"], envelope["zkid"]["statement"], "{case}");
    for (k, name) in [("verification_key", "verification_key.json"), ("proof", "proof.json"), ("public", "public.json")]
    {
        let bytes = std::fs::metadata(out.join(name)).unwrap().len();
        assert_eq!(report[k]["bytes"].as_u64(), Some(bytes), "{case}: {k} in {report}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 3, "{case}: exactly the three files, no temporaries: {leftovers:?}");

    // snarkjs accepts it; time it against `zkid verify` (both as processes, fastest of 3).
    let (ok, text, _) = snarkjs_verify(&out);
    assert!(ok, "{case}: snarkjs rejects a valid zkid proof:\n{text}");
    let snarkjs_time = fastest(3, || {
        let (ok, text, t) = snarkjs_verify(&out);
        assert!(ok, "{text}");
        t
    });
    let mut zkid_in_process_ms = f64::INFINITY;
    let zkid_time = fastest(3, || {
        let start = Instant::now();
        let v: Value = serde_json::from_str(&zkid_ok(&[
            "verify",
            "--keys",
            s(&proved.keys),
            s(&proved.proof),
            "--nonce",
            proved.nonce,
            "--json",
        ]))
        .unwrap();
        let t = start.elapsed();
        assert_eq!(v["valid"], true, "{case}: {v}");
        zkid_in_process_ms = zkid_in_process_ms.min(v["verify_ms"].as_f64().unwrap());
        t
    });
    eprintln!(
        "[snarkjs interop] {case}: snarkjs groth16 verify {:.0} ms wall | zkid verify {:.0} ms wall ({:.2} ms \
         pairing check in-process) | proof.json {} B, public.json {} B ({} signals), verification_key.json {} B",
        snarkjs_time.as_secs_f64() * 1e3,
        zkid_time.as_secs_f64() * 1e3,
        zkid_in_process_ms,
        report["proof"]["bytes"],
        report["public"]["bytes"],
        report["public_signals"],
        report["verification_key"]["bytes"],
    );

    // Tampered copies: each must be rejected by snarkjs.
    let tampered = dir.path("tampered");
    std::fs::create_dir(&tampered).unwrap();
    std::fs::copy(out.join("verification_key.json"), tampered.join("verification_key.json")).unwrap();
    let with = |proof: &Value, public: &Value| {
        write_json(&tampered.join("proof.json"), proof);
        write_json(&tampered.join("public.json"), public);
    };
    // Sanity: the copy as written by serde_json (not by zkid) still verifies.
    with(&proof, &public);
    let (ok, text, _) = snarkjs_verify(&tampered);
    assert!(ok, "{case}: the untampered copy should verify:\n{text}");
    let n = public.as_array().unwrap().len();
    for (i, what) in [(0, "first public signal"), (n - 1, "nonce")] {
        let mut p = public.clone();
        p[i] = bump_last_digit(&p[i]);
        with(&proof, &p);
        assert_snarkjs_rejects(&tampered, "Invalid proof", &format!("{case}, {what} changed"));
    }
    // A changed digit of pi_a's x: no longer a curve point.
    let mut p = proof.clone();
    p["pi_a"][0] = bump_last_digit(&p["pi_a"][0]);
    with(&p, &public);
    assert_snarkjs_rejects(&tampered, "not valid", &format!("{case}, pi_a.x changed"));
    // pi_b with the two coordinates of x swapped ([c1, c0], the EVM order): off the twist.
    let mut p = proof.clone();
    let x = p["pi_b"][0].as_array().unwrap().clone();
    p["pi_b"][0] = Value::Array(vec![x[1].clone(), x[0].clone()]);
    with(&p, &public);
    assert_snarkjs_rejects(&tampered, "not valid", &format!("{case}, pi_b.x as [c1, c0]"));
    // Valid points, wrong proof: pi_a and pi_c swapped, and pi_a negated.
    let mut p = proof.clone();
    p["pi_a"] = proof["pi_c"].clone();
    p["pi_c"] = proof["pi_a"].clone();
    with(&p, &public);
    assert_snarkjs_rejects(&tampered, "Invalid proof", &format!("{case}, pi_a and pi_c swapped"));
    let mut p = proof.clone();
    p["pi_a"][1] = Value::String(dec_sub(FQ_MODULUS, p["pi_a"][1].as_str().unwrap()));
    with(&p, &public);
    assert_snarkjs_rejects(&tampered, "Invalid proof", &format!("{case}, pi_a negated"));
}

#[test]
fn snarkjs_verifies_infer_with_public_output() {
    snarkjs_round_trip("infer (digits, output public)", digits_public());
}

#[test]
fn snarkjs_verifies_infer_with_committed_input_and_output() {
    snarkjs_round_trip("infer (digits, input and output committed)", digits_committed());
}

#[test]
fn snarkjs_verifies_enroll() {
    snarkjs_round_trip("enroll (mini iris)", &iris_proved().enroll);
}

#[test]
fn snarkjs_verifies_match() {
    snarkjs_round_trip("match (mini iris, verdict MATCH)", &iris_proved().matched);
}

/// `vk_alphabeta_12` is not read by `snarkjs groth16 verify`, but other consumers of
/// `verification_key.json` use it as the precomputed e(α, β): it must be the value
/// ffjavascript (snarkjs's curve library, same tower and final exponentiation) computes.
#[test]
fn vk_alphabeta_12_matches_ffjavascript() {
    zkid_tests::npm::ensure_installed();
    let vk_path = digits_public().keys.join("verification_key.json");
    let script = r#"
        const ffj = require("ffjavascript");
        const vk = ffj.utils.unstringifyBigInts(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")));
        ffj.buildBn128(true).then(async (c) => {
            const ab = c.pairing(c.G1.fromObject(vk.vk_alpha_1), c.G2.fromObject(vk.vk_beta_2));
            console.log(JSON.stringify(ffj.utils.stringifyBigInts(c.Gt.toObject(ab))));
            await c.terminate();
        });
    "#;
    let o = Command::new("node")
        .current_dir(zkid_tests::npm::dir())
        .args(["-e", script])
        .arg(&vk_path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    assert!(o.status.success(), "node failed:\n{}", stderr(&o));
    let theirs: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(theirs, read_json(&vk_path)["vk_alphabeta_12"]);
}

// ---- refusals ----

fn export(keys: &Path, proof: &Path, out: &Path) -> Output {
    zkid(&["export", "snarkjs", "--keys", s(keys), "--proof", s(proof), "-o", s(out)])
}

#[test]
fn export_with_keys_of_another_statement_or_model_exit_2() {
    let dir = TempDir::new();
    let out = dir.path("out");
    let public = digits_public();
    // Same model, another statement.
    let o = export(&digits_committed().keys, &public.proof, &out);
    assert_bad_input(&o, "its statement differs");
    assert!(stderr(&o).contains("infer(input=private,output=public)"), "{}", stderr(&o));
    // Another model.
    let o = export(&iris_proved().enroll.keys, &public.proof, &out);
    assert_bad_input(&o, "its model digest differs");
    // Same model and statement, keys of another setup.
    let keys = dir.path("keys2");
    zkid_ok(&["setup", s(digits_zkm()), "--dev", "--statement", "infer", "-o", s(&keys)]);
    assert_bad_input(&export(&keys, &public.proof, &out), "its verifying key digest differs");
    assert!(!out.exists(), "nothing written on a refusal");
}

#[test]
fn export_of_a_malformed_proof_exit_2() {
    let dir = TempDir::new();
    let out = dir.path("out");
    let keys = &digits_public().keys;
    let bad = dir.path("bad.json");
    std::fs::write(&bad, "{\"proof\": 1").unwrap();
    assert_bad_input(&export(keys, &bad, &out), "malformed proof");
    // Well-formed JSON, but a proof coordinate that is not a number.
    let mut env = read_json(&digits_public().proof);
    env["proof"]["pi_a"][0] = Value::String("not a number".into());
    write_json(&bad, &env);
    assert_bad_input(&export(keys, &bad, &out), "pi_a");
    // A public signal too few for the key.
    let mut env = read_json(&digits_public().proof);
    env["publicSignals"].as_array_mut().unwrap().pop();
    write_json(&bad, &env);
    assert_bad_input(&export(keys, &bad, &out), "public signals");
    assert_bad_input(&export(keys, &dir.path("missing.json"), &out), "missing.json");
    std::fs::write(&bad, b"").unwrap();
    assert_bad_input(&export(keys, &bad, &out), "empty");
    // An output path that is a file.
    let file = dir.path("file");
    std::fs::write(&file, b"x").unwrap();
    assert_bad_input(&export(keys, &digits_public().proof, &file), "not a directory");
    assert!(!out.exists(), "nothing written on a refusal");
}

#[test]
fn export_text_report_names_the_files() {
    let dir = TempDir::new();
    let out = dir.path("nested/out");
    let p = digits_public();
    let o = export(&p.keys, &p.proof, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for name in ["verification_key.json", "proof.json", "public.json", "snarkjs groth16 verify"] {
        assert!(text.contains(name), "missing {name:?} in:\n{text}");
    }
    assert!(!text.contains(p.nonce), "the report prints no signal values:\n{text}");
    // Exporting again overwrites in place.
    let o = export(&p.keys, &p.proof, &out);
    assert!(o.status.success(), "{}", stderr(&o));
}
