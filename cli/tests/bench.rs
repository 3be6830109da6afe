//! `zkid bench --stock --synthetic --plot` and `zkid export zkey|wtns` through the real
//! binary (issue 7): small circuits only, so the suite stays quick.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

#[test]
fn synthetic_bench_with_stock_and_plot() {
    let dir = TempDir::new();
    let svg = dir.path("prove.svg");
    let out = zkid_ok(&["bench", "--synthetic", "500", "--stock", "--runs", "1", "--json", "--plot", s(&svg)]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["circuit"], "synthetic");
    assert_eq!(r["constraints"], 500, "the synthetic circuit has exactly N constraints");
    assert_eq!(r["setup_constraints"], 500);
    assert_eq!(r["public_inputs"], 1);
    let (zkid, stock) = (r["prove_ms"].as_f64().unwrap(), r["stock_prove_ms"].as_f64().unwrap());
    assert!(zkid > 0.0 && stock > 0.0);
    assert!((r["speedup_vs_stock"].as_f64().unwrap() - stock / zkid).abs() < 1e-9);
    assert!(r["stock_us_per_constraint"].as_f64().unwrap() > 0.0);
    assert_eq!(r["plot"], s(&svg));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("stock ark-groth16") && text.contains("msm_h"));
    // Existing fields keep their names and types.
    for key in ["prove_ms", "verify_ms", "proving_key_bytes", "witness_ms", "domain_size", "peak_rss_bytes"] {
        assert!(r.get(key).is_some(), "missing {key}");
    }
    assert!(r["prove_phases_ms"]["msm_h"].as_f64().is_some());
}

#[test]
fn model_bench_without_stock_reports_nulls() {
    let out =
        zkid_ok(&["bench", s(&models().join("iris/mini/model.zkm")), "--statement", "enroll", "--runs", "1", "--json"]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["circuit"], "model");
    assert!(r["stock_prove_ms"].is_null() && r["speedup_vs_stock"].is_null() && r["plot"].is_null());
    let out = zkid_ok(&[
        "bench",
        s(&models().join("iris/mini/model.zkm")),
        "--statement",
        "enroll",
        "--runs",
        "1",
        "--stock",
    ]);
    assert!(out.contains("stock ark-groth16:") && out.contains("faster"), "{out}");
}

#[test]
fn bench_refuses_bad_flags() {
    assert_bad_input(&zkid(&["bench", "--synthetic", "0"]), "at least 1 constraint");
    let dir = TempDir::new();
    let pdf = dir.path("p.pdf");
    assert_bad_input(&zkid(&["bench", "--synthetic", "10", "--plot", s(&pdf)]), ".svg or .png");
    assert!(!pdf.exists());
    // A model and --synthetic together, or neither: usage errors.
    assert_eq!(zkid(&["bench"]).status.code(), Some(2));
    assert_eq!(zkid(&["bench", "m.zkm", "--synthetic", "10"]).status.code(), Some(2));
}

#[test]
fn export_zkey_and_wtns_and_their_bad_input() {
    let f = mini_iris();
    let keys = f.dir.path("keys");
    zkid_ok(&["setup", s(&f.zkm), "--statement", "enroll", "--dev", "-o", s(&keys)]);
    let zkey = f.dir.path("c.zkey");
    zkid_ok(&["export", "zkey", "--keys", s(&keys), s(&f.zkm), "--statement", "enroll", "-o", s(&zkey)]);
    assert_eq!(&std::fs::read(&zkey).unwrap()[..4], b"zkey");
    let wtns = f.dir.path("w.wtns");
    let image = f.dir.path("a1_image.npy");
    let mask = f.dir.path("a1_mask.npy");
    let out = zkid_ok(&[
        "export",
        "wtns",
        s(&f.zkm),
        "--statement",
        "enroll",
        "--input",
        s(&image),
        "--mask",
        s(&mask),
        "--nonce",
        "77",
        "-o",
        s(&wtns),
        "--json",
    ]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["public_signals"].as_array().unwrap().len(), 3, "c_img, c_tpl, nonce");
    assert_eq!(r["public_signals"][2], "77");
    assert_eq!(&std::fs::read(&wtns).unwrap()[..4], b"wtns");

    // Keys for another statement, a missing mask, a bad nonce: exit 2, nothing written.
    let other = f.dir.path("other.zkey");
    assert_bad_input(
        &zkid(&["export", "zkey", "--keys", s(&keys), s(&f.zkm), "--statement", "infer", "-o", s(&other)]),
        "not for statement",
    );
    assert!(!other.exists());
    let w2 = f.dir.path("w2.wtns");
    assert_bad_input(&zkid(&["export", "wtns", s(&f.zkm), "--input", s(&image), "-o", s(&w2)]), "--mask");
    assert_bad_input(
        &zkid(&["export", "wtns", s(&f.zkm), "--input", s(&image), "--mask", s(&mask), "--nonce", "x", "-o", s(&w2)]),
        "--nonce",
    );
    assert!(!w2.exists());
}
