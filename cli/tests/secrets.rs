//! The secrets grep (issue 8): run the CLI's on-device flows — enroll, match (unsealing the
//! enrollment), prove with a committed input, verify, and the errors of each — with every
//! diagnostic switch on (`RUST_LOG=trace`, `RUST_BACKTRACE=full`, text and `--json`
//! output), then look for the secrets in everything the commands printed and wrote: stdout,
//! stderr (every error message included) and every file except the sealed enrollment and the
//! sealing key file (which hold them by design). Secrets: the captures (any 16-byte window
//! of the raw pixels, of their `.npy` encoding and of their decimal rendering), the enrolled
//! template (bit-packed and as decimal digits), its salt (bytes and decimal) and the sealing
//! key (bytes and hex). The bindings run the same walk over what they return
//! (`bindings/tests/wrapper.rs`, `wasm/tests/node.test.mjs`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

mod common;
use common::*;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};
use zkid_prover::biometric::Enrollment;
use zkid_prover::statement::LoadedModel;
use zkid_prover::{SealingKey, keys::hex};

const W: usize = 16;

/// Runs zkid with every diagnostic switch on; returns the output (success or not).
fn run(args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_zkid"))
        .args(args)
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "full")
        .env_remove("ZKID_MEMORY_BUDGET")
        .output()
        .unwrap();
    assert!(!stderr(&o).contains("panicked"), "zkid {args:?} panicked:\n{}", stderr(&o));
    o
}

fn ok(args: &[&str]) -> Output {
    let o = run(args);
    assert!(o.status.success(), "zkid {args:?}:\n{}{}", stdout(&o), stderr(&o));
    o
}

fn failed(args: &[&str]) -> Output {
    let o = run(args);
    assert!(!o.status.success(), "zkid {args:?} should fail");
    assert!(stderr(&o).contains("error: "), "{}", stderr(&o));
    o
}

/// Every `W`-byte window of every output.
fn windows(outputs: &[Vec<u8>]) -> HashSet<[u8; W]> {
    outputs.iter().flat_map(|o| o.windows(W).map(|w| <[u8; W]>::try_from(w).unwrap())).collect()
}

/// A window of a binary secret so regular that it is not evidence of anything (all one
/// byte value: runs of zero pixels are zero bytes, like a key's points at infinity).
fn degenerate(w: &[u8]) -> bool {
    w.iter().all(|&b| b == w[0])
}

/// Fails if any window of `secret` (not `skip`ped) occurs in the outputs; returns how many
/// windows were checked.
fn assert_absent(outputs: &HashSet<[u8; W]>, what: &str, secret: &[u8], skip: impl Fn(&[u8]) -> bool) -> usize {
    assert!(secret.len() >= W, "{what}: shorter than a window");
    let mut checked = 0;
    for (i, w) in secret.windows(W).enumerate() {
        if skip(w) {
            continue;
        }
        checked += 1;
        assert!(
            !outputs.contains(<&[u8; W]>::try_from(w).unwrap()),
            "{what}: bytes {i}..{} appear in an output",
            i + W
        );
    }
    checked
}

/// The decimal of a 256-bit little-endian integer.
fn le_decimal(bytes: &[u8]) -> String {
    let mut limbs: Vec<u32> =
        bytes.chunks(4).map(|c| c.iter().rev().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))).collect();
    let mut digits = Vec::new();
    while limbs.iter().any(|&l| l != 0) {
        let mut rem = 0u64;
        for l in limbs.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*l);
            *l = (cur / 10) as u32;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).unwrap()
}

/// Everything under `dir`, recursively, except the files named in `except`.
fn files(dir: &Path, except: &[&Path], out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, except, out);
        } else if !except.contains(&p.as_path()) {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
}

#[test]
fn no_capture_template_salt_or_key_in_any_output_or_file() {
    let input = TempDir::new();
    let out = TempDir::new();
    let zkm = write_mini_iris(&input);
    let (i, o) = (|n: &str| s(&input.path(n)).to_string(), |n: &str| s(&out.path(n)).to_string());
    let mut printed: Vec<Vec<u8>> = Vec::new();
    let mut keep = |r: Output| {
        printed.push(r.stdout);
        printed.push(r.stderr);
    };
    let shift = ["--max-shift", "3", "--min-bits", "16"];
    for (statement, keys) in [("enroll", "ek"), ("match", "mk")] {
        let dir = o(keys);
        let mut a = vec!["setup", "--dev", s(&zkm), "--statement", statement, "-o", &dir];
        a.extend(shift);
        keep(ok(&a));
    }
    let session = |cmd: &'static str, keys: &str, eye: &str, output: &str, json: bool| -> Vec<String> {
        let mut a: Vec<String> = [
            cmd,
            s(&zkm),
            "--keys",
            &o(keys),
            "--image",
            &i(&format!("{eye}_image.npy")),
            "--mask",
            &i(&format!("{eye}_mask.npy")),
            "--enrollment",
            &o("a1.sealed"),
            "--sealing-key",
            &o("seal.key"),
            "-o",
            &o(output),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if json {
            a.push("--json".into());
        }
        a
    };
    fn strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    // Enroll (creates the sealing key), match the same eye and another, text and JSON.
    keep(ok(&strs(&session("enroll", "ek", "a1", "enroll.json", false))));
    keep(ok(&strs(&session("match", "mk", "a2", "match_a2.json", false))));
    keep(ok(&strs(&session("match", "mk", "b", "match_b.json", true))));
    for proof in ["enroll.json", "match_a2.json", "match_b.json"] {
        let keys = if proof == "enroll.json" { "ek" } else { "mk" };
        keep(ok(&["verify", "--keys", &o(keys), &o(proof)]));
    }
    // Prove with a committed input (a raw float capture).
    let linreg = o("linreg.zkm");
    keep(ok(&["compile", s(&models().join("linreg/model.onnx")), "-o", &linreg]));
    keep(ok(&["setup", "--dev", &linreg, "--input", "committed", "-o", &o("lk")]));
    let sample = models().join("linreg/sample.npy");
    keep(ok(&["prove", &linreg, "--keys", &o("lk"), "--input", s(&sample), "-o", &o("proof.json")]));
    keep(ok(&["prove", &linreg, "--keys", &o("lk"), "--input", s(&sample), "-o", &o("proof2.json"), "--json"]));
    keep(ok(&["verify", "--keys", &o("lk"), &o("proof.json")]));

    // Errors about the same secrets: a wrong sealing key, a wrong-size capture, NaN in a
    // capture, an enrollment that does not open, keys of another statement.
    std::fs::write(input.path("other.key"), [9u8; 32]).unwrap();
    let mut wrong_key = session("match", "mk", "a2", "x.json", false);
    let at = wrong_key.iter().position(|a| a == "--sealing-key").unwrap();
    wrong_key[at + 1] = i("other.key");
    keep(failed(&strs(&wrong_key)));
    let a1 = zkid_core::npy::from_bytes(&std::fs::read(input.path("a1_image.npy")).unwrap()).unwrap();
    let cut = zkid_core::FTensor::new(vec![16, 63], a1.data()[..16 * 63].to_vec()).unwrap();
    std::fs::write(input.path("cut_image.npy"), zkid_core::npy::to_bytes(&cut).unwrap()).unwrap();
    std::fs::copy(input.path("a1_mask.npy"), input.path("cut_mask.npy")).unwrap();
    keep(failed(&strs(&session("match", "mk", "cut", "x.json", false))));
    let mut nan = a1.data().to_vec();
    nan[17] = f32::NAN;
    let nan = zkid_core::FTensor::new(vec![16, 64], nan).unwrap();
    std::fs::write(input.path("nan_image.npy"), zkid_core::npy::to_bytes(&nan).unwrap()).unwrap();
    std::fs::copy(input.path("a1_mask.npy"), input.path("nan_mask.npy")).unwrap();
    keep(failed(&strs(&session("match", "mk", "nan", "x.json", true))));
    keep(failed(&strs(&session("enroll", "mk", "a1", "x.json", false))));
    let mut tampered = std::fs::read(out.path("a1.sealed")).unwrap();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    std::fs::write(input.path("tampered.sealed"), &tampered).unwrap();
    let mut bad_blob = session("match", "mk", "a2", "x.json", false);
    let at = bad_blob.iter().position(|a| a == "--enrollment").unwrap();
    bad_blob[at + 1] = i("tampered.sealed");
    keep(failed(&strs(&bad_blob)));
    std::fs::write(input.path("nan.npy"), {
        let x = zkid_core::npy::from_bytes(&std::fs::read(&sample).unwrap()).unwrap();
        let mut v = x.data().to_vec();
        v[0] = f32::NAN;
        zkid_core::npy::to_bytes(&zkid_core::FTensor::new(x.shape().to_vec(), v).unwrap()).unwrap()
    })
    .unwrap();
    keep(failed(&["prove", &linreg, "--keys", &o("lk"), "--input", &i("nan.npy"), "-o", &o("x.json")]));
    assert!(!out.path("x.json").exists());

    // What the commands wrote, but the sealed enrollment and the sealing key.
    let (sealed_path, key_path) = (out.path("a1.sealed"), out.path("seal.key"));
    let mut written = Vec::new();
    files(&out.0, &[&sealed_path, &key_path], &mut written);
    let names: Vec<&str> = written.iter().map(|(n, _)| n.as_str()).collect();
    for expected in ["enroll.json", "match_a2.json", "match_b.json", "proof.json", "keys.json", "proving.key"] {
        assert!(names.iter().any(|n| n.ends_with(expected)), "{expected} not among {names:?}");
    }
    let mut outputs = printed;
    outputs.extend(written.into_iter().map(|(_, bytes)| bytes));
    let all = windows(&outputs);

    // The secrets, natively: the template and salt out of the sealed enrollment.
    let model = LoadedModel::from_bytes(&std::fs::read(&zkm).unwrap()).unwrap();
    let sealing_key = std::fs::read(&key_path).unwrap();
    let key = SealingKey::from_bytes(&sealing_key).unwrap();
    let enrollment = Enrollment::unseal(&model, &key, &std::fs::read(&sealed_path).unwrap()).unwrap();
    let record = enrollment.to_bytes(&model);
    let (packed, salt) = (&record[12..record.len() - 32], &record[record.len() - 32..]);
    let template_digits: String = enrollment.template().iter().map(ToString::to_string).collect();
    let template_list = format!("{:?}", enrollment.template());
    let salt_decimal = le_decimal(salt);
    assert!(salt_decimal.len() > 60, "a 254-bit salt: {salt_decimal}");

    let none = |_: &[u8]| false;
    let mut checked = 0;
    for capture in zkid_tests::mini_iris_captures() {
        let name = capture.name;
        checked += assert_absent(&all, &format!("{name} pixels"), &capture.image, degenerate);
        let npy = std::fs::read(input.path(&format!("{name}_image.npy"))).unwrap();
        let payload = &npy[npy.len() - 4 * capture.image.len()..];
        checked += assert_absent(&all, &format!("{name} .npy payload"), payload, degenerate);
        let list = format!("{:?}", capture.image);
        checked += assert_absent(&all, &format!("{name} pixels as text"), list.as_bytes(), degenerate);
    }
    let raw = std::fs::read(&sample).unwrap();
    let values = zkid_core::npy::from_bytes(&raw).unwrap().data().to_vec();
    checked += assert_absent(&all, "committed input .npy payload", &raw[raw.len() - 4 * values.len()..], degenerate);
    let floats = format!("{values:?}");
    checked += assert_absent(&all, "committed input as text", floats.as_bytes(), degenerate);
    checked += assert_absent(&all, "template (bit-packed)", packed, none);
    checked += assert_absent(&all, "template (decimal digits)", template_digits.as_bytes(), none);
    checked += assert_absent(&all, "template (as a list)", template_list.as_bytes(), none);
    checked += assert_absent(&all, "salt", salt, none);
    checked += assert_absent(&all, "salt (decimal)", salt_decimal.as_bytes(), none);
    checked += assert_absent(&all, "sealing key", &sealing_key, none);
    checked += assert_absent(&all, "sealing key (hex)", hex(&sealing_key).as_bytes(), none);
    assert!(checked > 10_000, "only {checked} windows checked");
}

/// The walk finds a secret that does leak: the sealing key file itself, and a capture
/// window planted in a proof.
#[test]
fn the_grep_finds_a_planted_secret() {
    let key = [0x11u8, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x02];
    let mut proof = br#"{"proof": "..."#.to_vec();
    proof.extend_from_slice(hex(&key).as_bytes());
    let all = windows(&[proof]);
    let caught = std::panic::catch_unwind(|| assert_absent(&all, "sealing key (hex)", hex(&key).as_bytes(), |_| false));
    assert!(caught.is_err(), "a planted secret must be found");
    assert_eq!(le_decimal(&[1, 1, 0, 0]), "257");
    assert_eq!(le_decimal(&[0; 32]), "0");
}
