//! A real snarkjs Groth16 ceremony on a circuit zkid exported, with the pinned snarkjs of
//! `tools/npm`: `zkid export r1cs` → `snarkjs powersoftau new / contribute / prepare phase2`
//! → `snarkjs groth16 setup` → `snarkjs zkey contribute` → `zkid import-zkey` → `zkid prove`
//! → `zkid verify` and `snarkjs groth16 verify` (with snarkjs's own verification key).
//!
//! Also: `snarkjs r1cs info` reads the exported file with zkid's counts, `snarkjs zkey
//! verify` accepts the ceremony against it, and `zkid import-zkey` refuses a zkey for
//! another statement, one whose A matrix was altered, a truncated one and a non-zkey —
//! naming what is wrong, with exit code 2.
//!
//! The ceremony (power 8, the linreg model's 133 constraints) runs once for all tests and
//! prints the time of each step (`--nocapture`).

// Test code: a failed unwrap is a test failure with its location, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

/// Asserts exit code 2 and an error line mentioning every needle; returns that line.
fn assert_bad_input(o: &Output, needles: &[&str]) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "expected exit 2, stderr:\n{err}");
    let line = err.lines().find(|l| l.starts_with("error: ")).unwrap_or_else(|| panic!("no error line:\n{err}"));
    for needle in needles {
        assert!(line.contains(needle), "expected {needle:?} in:\n{err}");
    }
    line.to_string()
}

/// snarkjs's output without its terminal colours.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip `ESC [ … m`.
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs the pinned snarkjs, asserts success and returns its (colourless) output.
fn snarkjs(args: &[&str]) -> String {
    let bin = zkid_tests::npm::bin("snarkjs");
    let o = Command::new(&bin).args(args).output().unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let text = strip_ansi(&format!("{}{}", stdout(&o), stderr(&o)));
    assert!(o.status.success(), "snarkjs {args:?} failed:\n{text}");
    text
}

/// The number after `label:` in snarkjs's log output.
fn count_after(text: &str, label: &str) -> u64 {
    let line = text.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("no {label:?} in:\n{text}"));
    line.rsplit(':').next().unwrap().trim().parse().unwrap_or_else(|_| panic!("not a number: {line}"))
}

/// Everything the ceremony made, once for all tests.
struct Ceremony {
    dir: TempDir,
    zkm: PathBuf,
    /// `zkid export r1cs --json` report.
    export: Value,
    /// `snarkjs r1cs info` output.
    r1cs_info: String,
    /// The final `.zkey` (one Phase-2 contribution).
    zkey: PathBuf,
    /// `snarkjs zkey export verificationkey` of it.
    snarkjs_vk: PathBuf,
    /// `snarkjs zkey verify` output.
    zkey_verify: String,
}

/// Times one step and prints it.
fn step<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!("  {name:<42} {:>8.2} s", start.elapsed().as_secs_f64());
    out
}

fn ceremony() -> &'static Ceremony {
    static C: OnceLock<Ceremony> = OnceLock::new();
    C.get_or_init(|| {
        zkid_tests::npm::ensure_installed();
        let dir = TempDir::new();
        let p = |name: &str| dir.path(name);
        println!("snarkjs ceremony on linreg `infer`:");
        let total = Instant::now();
        let zkm = p("linreg.zkm");
        step("zkid compile", || zkid_ok(&["compile", s(&models().join("linreg/model.onnx")), "-o", s(&zkm)]));
        let r1cs = p("circuit.r1cs");
        let export = step("zkid export r1cs", || {
            zkid_ok(&["export", "r1cs", s(&zkm), "--statement", "infer", "-o", s(&r1cs), "--json"])
        });
        let export: Value = serde_json::from_str(&export).unwrap();
        let r1cs_info = step("snarkjs r1cs info", || snarkjs(&["r1cs", "info", s(&r1cs)]));
        let power = export["ptau_power"].as_u64().unwrap().to_string();
        step(&format!("snarkjs powersoftau new bn128 {power}"), || {
            snarkjs(&["powersoftau", "new", "bn128", &power, s(&p("pot_0000.ptau"))])
        });
        step("snarkjs powersoftau contribute", || {
            snarkjs(&[
                "powersoftau",
                "contribute",
                s(&p("pot_0000.ptau")),
                s(&p("pot_0001.ptau")),
                "--name=zkid test phase 1",
                "-e=zkid interop test, phase 1 entropy",
            ])
        });
        step("snarkjs powersoftau prepare phase2", || {
            snarkjs(&["powersoftau", "prepare", "phase2", s(&p("pot_0001.ptau")), s(&p("pot_final.ptau"))])
        });
        step("snarkjs groth16 setup", || {
            snarkjs(&["groth16", "setup", s(&r1cs), s(&p("pot_final.ptau")), s(&p("circuit_0000.zkey"))])
        });
        let zkey = p("circuit_final.zkey");
        step("snarkjs zkey contribute", || {
            snarkjs(&[
                "zkey",
                "contribute",
                s(&p("circuit_0000.zkey")),
                s(&zkey),
                "--name=zkid test phase 2",
                "-e=zkid interop test, phase 2 entropy",
            ])
        });
        let snarkjs_vk = p("snarkjs_verification_key.json");
        step("snarkjs zkey export verificationkey", || {
            snarkjs(&["zkey", "export", "verificationkey", s(&zkey), s(&snarkjs_vk)])
        });
        let zkey_verify =
            step("snarkjs zkey verify", || snarkjs(&["zkey", "verify", s(&r1cs), s(&p("pot_final.ptau")), s(&zkey)]));
        println!("  {:<42} {:>8.2} s", "ceremony total", total.elapsed().as_secs_f64());
        Ceremony { dir, zkm, export, r1cs_info, zkey, snarkjs_vk, zkey_verify }
    })
}

#[test]
fn exported_r1cs_has_zkids_counts_in_snarkjs() {
    let c = ceremony();
    let e = &c.export;
    assert_eq!(e["statement"], "infer(input=private,output=public)");
    assert_eq!(e["constraints"], 133, "linreg's infer circuit");
    let info = &c.r1cs_info;
    assert!(info.contains("Curve: bn-128"), "{info}");
    assert_eq!(count_after(info, "# of Constraints"), e["constraints"].as_u64().unwrap());
    assert_eq!(count_after(info, "# of Wires"), e["wires"].as_u64().unwrap());
    assert_eq!(count_after(info, "# of Public Inputs"), e["public_inputs"].as_u64().unwrap());
    assert_eq!(count_after(info, "# of Outputs"), 0, "zkid's public signals are all public inputs");
    assert_eq!(count_after(info, "# of Labels"), e["wires"].as_u64().unwrap());
    let bytes = std::fs::read(c.dir.path("circuit.r1cs")).unwrap();
    assert_eq!(e["bytes"].as_u64().unwrap(), bytes.len() as u64);
    // snarkjs re-derives the whole key from the .r1cs and the ptau and finds the same one.
    assert!(c.zkey_verify.contains("ZKey Ok!"), "{}", c.zkey_verify);
}

#[test]
fn ceremony_keys_prove_and_verify_with_zkid_and_snarkjs() {
    let c = ceremony();
    let dir = TempDir::new();
    let keys = dir.path("keys");
    let start = Instant::now();
    let out = zkid_ok(&["import-zkey", s(&c.zkey), s(&c.zkm), "--statement", "infer", "-o", s(&keys), "--json"]);
    println!("zkid import-zkey: {:.2} s", start.elapsed().as_secs_f64());
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["dev"], false);
    assert_eq!(report["setup"], "ceremony");
    assert_eq!(report["zkey"]["contributions"], 1);
    assert_eq!(report["statement"], "infer(input=private,output=public)");
    assert_eq!(report["circuit"]["constraints"], c.export["constraints"]);
    for name in ["proving.key", "verifying.key", "verification_key.json", "keys.json"] {
        assert!(keys.join(name).is_file(), "missing {name}");
    }
    let manifest = read_json(&keys.join("keys.json"));
    assert_eq!(manifest["setup"], "ceremony");
    assert_eq!(manifest["circuit"]["domain_size"], 256);
    // zkid's snarkjs-layout key is exactly what snarkjs exports from the zkey.
    assert_eq!(read_json(&keys.join("verification_key.json")), read_json(&c.snarkjs_vk));

    let nonce = "98765432109876543210";
    let proof = dir.path("proof.json");
    let sample = models().join("linreg/sample.npy");
    let start = Instant::now();
    zkid_ok(&["prove", s(&c.zkm), "--keys", s(&keys), "--input", s(&sample), "--nonce", nonce, "-o", s(&proof)]);
    println!("zkid prove: {:.2} s", start.elapsed().as_secs_f64());
    let out = zkid_ok(&["verify", "--keys", s(&keys), s(&proof), "--nonce", nonce]);
    assert!(out.starts_with("valid"), "{out}");

    // snarkjs, with its own verification key, on the envelope's snarkjs-layout fields.
    let env = read_json(&proof);
    std::fs::write(dir.path("p.json"), env["proof"].to_string()).unwrap();
    std::fs::write(dir.path("public.json"), env["publicSignals"].to_string()).unwrap();
    assert_eq!(env["publicSignals"].as_array().unwrap().last().unwrap(), nonce);
    let start = Instant::now();
    let text = snarkjs(&["groth16", "verify", s(&c.snarkjs_vk), s(&dir.path("public.json")), s(&dir.path("p.json"))]);
    println!("snarkjs groth16 verify: {:.2} s", start.elapsed().as_secs_f64());
    assert!(text.contains("OK!"), "{text}");
}

#[test]
fn zkey_for_another_statement_is_refused_naming_the_difference() {
    let c = ceremony();
    let dir = TempDir::new();
    let keys = dir.path("keys");
    let zkey = s(&c.zkey);
    let o = zkid(&["import-zkey", zkey, s(&c.zkm), "--statement", "infer", "--output", "committed", "-o", s(&keys)]);
    let line = assert_bad_input(&o, &["another circuit", "variables", "the statement has"]);
    println!("--output committed: {line}");
    let o = zkid(&["import-zkey", zkey, s(&c.zkm), "--statement", "infer", "--input", "committed", "-o", s(&keys)]);
    let line = assert_bad_input(&o, &["another circuit", "2 public inputs", "the statement has 3"]);
    println!("--input committed: {line}");
    assert!(!keys.exists(), "a refused zkey must leave nothing behind");
}

/// Offset of section `id`'s body in a zkey (binfile: magic, version, count, then
/// `(id u32, size u64, body)` sections).
fn section_body(bytes: &[u8], id: u32) -> usize {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let mut pos = 12;
    loop {
        let size = u64::from_le_bytes(bytes[pos + 4..pos + 12].try_into().unwrap()) as usize;
        if u32_at(pos) == id {
            return pos + 12;
        }
        pos += 12 + size;
    }
}

#[test]
fn zkey_with_an_altered_matrix_is_refused_naming_the_row() {
    let c = ceremony();
    let dir = TempDir::new();
    let mut bytes = std::fs::read(&c.zkey).unwrap();
    // First coefficient of section 4 (matrix, constraint, signal, 32-byte value): zero its
    // value, a canonical field element, so only the comparison can catch it.
    let first = section_body(&bytes, 4) + 4;
    let matrix = u32::from_le_bytes(bytes[first..first + 4].try_into().unwrap());
    let row = u32::from_le_bytes(bytes[first + 4..first + 8].try_into().unwrap());
    bytes[first + 12..first + 44].fill(0);
    let altered = dir.path("altered.zkey");
    std::fs::write(&altered, &bytes).unwrap();
    let o = zkid(&["import-zkey", s(&altered), s(&c.zkm), "-o", s(&dir.path("keys"))]);
    let which = format!("row {row} of matrix {}", if matrix == 0 { "A" } else { "B" });
    assert_bad_input(&o, &["another circuit", &which]);
}

#[test]
fn truncated_or_foreign_zkey_is_unusable_input() {
    let c = ceremony();
    let dir = TempDir::new();
    let bytes = std::fs::read(&c.zkey).unwrap();
    let keys = dir.path("keys");
    let truncated = dir.path("truncated.zkey");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let o = zkid(&["import-zkey", s(&truncated), s(&c.zkm), "-o", s(&keys)]);
    assert_bad_input(&o, &["truncated"]);
    let o = zkid(&["import-zkey", s(&c.dir.path("circuit.r1cs")), s(&c.zkm), "-o", s(&keys)]);
    assert_bad_input(&o, &["bad magic"]);
    let empty = dir.path("empty.zkey");
    std::fs::write(&empty, b"").unwrap();
    assert_bad_input(&zkid(&["import-zkey", s(&empty), s(&c.zkm), "-o", s(&keys)]), &["empty"]);
    assert!(!keys.exists(), "a refused zkey must leave nothing behind");
}
