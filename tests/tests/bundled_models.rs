//! End to end on the bundled models: import, compile, fidelity, accuracy, `.zkm` round trip.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use zkid_core::npy::split_batch;
use zkid_core::onnx::{CompileOptions, Compiled, Reference, compile, import};
use zkid_core::zkm;
use zkid_tests::{load_npy, onnx_bytes};

fn compile_bundled(name: &str) -> Compiled {
    let opts = CompileOptions { name: name.into(), ..Default::default() };
    compile(&onnx_bytes(name), vec![load_npy(name, "calib.npy")], &opts, &mut |_, _| {}).expect("compile")
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// The float interpreter and tract both reproduce onnxruntime's output for the sample.
#[test]
fn float_import_matches_onnxruntime() {
    for name in ["linreg", "digits", "face"] {
        let bytes = onnx_bytes(name);
        let sample = load_npy(name, "sample.npy");
        let expected = load_npy(name, "sample_expected.npy");
        let ours = import(&bytes).unwrap().eval(&sample).unwrap();
        let tract = Reference::new(&bytes, sample.shape()).unwrap().run(&sample).unwrap();
        let tol = 1e-4 * (1.0 + expected.data().iter().fold(0f32, |m, v| m.max(v.abs())));
        assert!(max_abs_diff(ours.data(), expected.data()) < tol, "{name}: zkid float vs onnxruntime");
        assert!(max_abs_diff(tract.data(), expected.data()) < tol, "{name}: tract vs onnxruntime");
    }
}

/// Fusion folds batch norm, activations and constant multiplications away.
#[test]
fn fusion_shrinks_the_graphs() {
    let labels = |name: &str| compile_bundled(name).model.nodes().iter().map(|n| n.label.clone()).collect::<Vec<_>>();
    let d = labels("digits");
    assert_eq!(d[0], "Conv+BatchNormalization+Relu", "{d:?}");
    assert!(d.iter().any(|l| l == "Gemm"), "{d:?}");
    let f = labels("face");
    assert!(f.contains(&"Add+Clip".to_string()), "{f:?}");
    assert!(f.contains(&"Gemm+Mul".to_string()), "{f:?}");
}

fn argmax(v: &[f64]) -> usize {
    (0..v.len()).fold(0, |b, i| if v[i] > v[b] { i } else { b })
}

/// Quantized top-1 accuracy on the digits test split is within 1 point of float.
#[test]
fn digits_quantized_accuracy_within_one_point() {
    let c = compile_bundled("digits");
    let bytes = onnx_bytes("digits");
    let xs = split_batch(load_npy("digits", "test_x.npy"), &[1, 1, 8, 8]).unwrap();
    let ys = load_npy("digits", "test_y.npy");
    let reference = Reference::new(&bytes, &[1, 1, 8, 8]).unwrap();
    let (mut float_ok, mut int_ok) = (0, 0);
    for (x, &y) in xs.iter().zip(ys.data()) {
        let f: Vec<f64> = reference.run(x).unwrap().data().iter().map(|&v| v as f64).collect();
        let q = c.model.run(&c.model.quantize_input(x).unwrap()).unwrap();
        let i = c.model.dequantize_output(&q);
        float_ok += usize::from(argmax(&f) == y as usize);
        int_ok += usize::from(argmax(&i) == y as usize);
    }
    let n = xs.len() as f64;
    let (fa, ia) = (float_ok as f64 / n * 100.0, int_ok as f64 / n * 100.0);
    println!("digits: float {fa:.2}%, int8 {ia:.2}% on {} test images", xs.len());
    assert!(fa > 95.0, "float accuracy {fa}");
    assert!(ia >= fa - 1.0, "quantized accuracy {ia} vs float {fa}");
}

/// Fidelity figures are sane for every bundled model and the import check is tight.
#[test]
fn fidelity_of_bundled_models() {
    for name in ["linreg", "digits", "face"] {
        let c = compile_bundled(name);
        let f = &c.fidelity;
        println!("{name}: {f:?}, import diff {:e}", c.import_max_abs_diff);
        assert!(c.import_max_abs_diff < 1e-3, "{name}: float interpreter disagrees with tract");
        assert!(f.cosine_mean > 0.99, "{name}: cosine {}", f.cosine_mean);
        if name == "digits" {
            // A class vector: arg-max must (almost) always agree. The face embedding has no
            // meaningful arg-max, so only cosine is asserted there.
            let t = f.top1_agreement.expect("class vector");
            assert!(t >= 0.98, "{name}: top-1 agreement {t}");
        }
    }
}

/// `.zkm` round trip preserves the model, its digest and its outputs.
#[test]
fn zkm_round_trip_and_digest() {
    for name in ["linreg", "digits", "face"] {
        let c = compile_bundled(name);
        let bytes = zkm::to_bytes(&c.model).unwrap();
        let (back, digest) = zkm::from_bytes(&bytes).unwrap();
        assert_eq!(back, c.model);
        assert_eq!(digest, zkm::digest_of(&c.model).unwrap());
        let x = c.model.quantize_input(&load_npy(name, "sample.npy")).unwrap();
        assert_eq!(back.run(&x).unwrap(), c.model.run(&x).unwrap());
        // Compilation is deterministic: same bytes, same digest.
        assert_eq!(zkm::to_bytes(&compile_bundled(name).model).unwrap(), bytes, "{name}");
    }
}

/// The trace holds a consistent witness: outputs equal requantized accumulators.
#[test]
fn trace_records_the_witness() {
    let c = compile_bundled("face");
    let x = c.model.quantize_input(&load_npy("face", "sample.npy")).unwrap();
    let t = c.model.infer(&x).unwrap();
    for (node, nt) in c.model.nodes().iter().zip(t.nodes()) {
        let out = t.value(node.output).unwrap();
        if !nt.steps.is_empty() {
            assert_eq!(nt.steps.len(), out.data().len(), "{}", node.name);
            assert_eq!(nt.acc.len(), out.data().len());
            for (s, &o) in nt.steps.iter().zip(out.data()) {
                assert_eq!(s.out, o);
            }
        }
    }
}

/// Percentile calibration works end to end and keeps the digits model accurate.
#[test]
fn percentile_calibration() {
    use zkid_core::quant::{QuantConfig, params::CalibrationMode};
    let cfg = QuantConfig { calibration: CalibrationMode::Percentile(99.9), ..Default::default() };
    let opts = CompileOptions { config: cfg, name: "digits".into(), ..Default::default() };
    let c = compile(&onnx_bytes("digits"), vec![load_npy("digits", "calib.npy")], &opts, &mut |_, _| {}).unwrap();
    assert_eq!(c.model.meta().config, Some(cfg));
    assert!(c.fidelity.top1_agreement.unwrap() >= 0.95, "{:?}", c.fidelity);
}
