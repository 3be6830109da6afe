//! Per-operator property tests: random shapes, weights and inputs. For every case, the
//! integer inference (1) equals an independent plain implementation of the integer
//! semantics, node by node, exactly, and (2) follows tract's float inference within
//! the documented tolerance: `|int - float| <= 3 output steps + 1 step of every
//! intermediate tensor + 3% of max|float|`.
//! Input quantization, per-channel weight rounding and output rounding each contribute up
//! to about half a step, and accumulate across the taps of a window.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use proptest::prelude::*;
use zkid_core::onnx::{CompileOptions, Reference, compile};
use zkid_core::{FTensor, QModel};
use zkid_tests::naive;
use zkid_tests::onnx_builder::{Attr, OnnxBuilder};

/// Deterministic pseudo-random floats in `[lo, hi)`.
fn rand_vec(seed: u64, n: usize, lo: f32, hi: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            lo + (hi - lo) * ((s >> 40) as f32 / (1u64 << 24) as f32)
        })
        .collect()
}

fn tensor(seed: u64, shape: &[usize], lo: f32, hi: f32) -> FTensor {
    FTensor::new(shape.to_vec(), rand_vec(seed, shape.iter().product(), lo, hi)).unwrap()
}

/// Compiles `onnx`, then checks the two properties on fresh random inputs.
fn check(onnx: &[u8], in_shape: &[usize], seed: u64) -> QModel {
    // The test inputs are part of the calibration set, so every comparison is inside the
    // calibrated ranges (outside them, clamping is by design and not an error).
    let inputs: Vec<FTensor> = (0..4).map(|k| tensor(seed + 100 + k, in_shape, -1.0, 1.0)).collect();
    let mut calib: Vec<FTensor> = (0..8).map(|i| tensor(seed + i, in_shape, -1.0, 1.0)).collect();
    calib.extend(inputs.iter().cloned());
    let c = compile(onnx, calib, &CompileOptions::default(), &mut |_, _| {}).expect("compile");
    let reference = Reference::new(onnx, in_shape).unwrap();
    let out_scale = c.model.tensor(c.model.output()).quant.scale;
    // Each intermediate tensor rounds once more: allow one of its steps each.
    let inner_steps: f64 = c
        .model
        .nodes()
        .iter()
        .filter(|n| n.output != c.model.output())
        .map(|n| c.model.tensor(n.output).quant.scale)
        .sum();
    for x in &inputs {
        let q = c.model.quantize_input(x).unwrap();
        let trace = c.model.infer(&q).unwrap();
        let plain = naive::eval(&c.model, q.data());
        for node in c.model.nodes() {
            assert_eq!(
                trace.value(node.output).unwrap().data(),
                plain[node.output.index()].as_deref().unwrap(),
                "node {} ({}) differs from the plain reference",
                node.name,
                node.label
            );
        }
        let ours = c.model.dequantize_output(trace.output());
        let theirs = reference.run(x).unwrap();
        let ymax = theirs.data().iter().fold(0f64, |m, &v| m.max((v as f64).abs()));
        let tol = 3.0 * out_scale + 0.03 * ymax + inner_steps;
        for (a, &b) in ours.iter().zip(theirs.data()) {
            assert!((a - b as f64).abs() <= tol, "int {a} vs float {b} (tolerance {tol})");
        }
    }
    c.model
}

fn cfg() -> ProptestConfig {
    // 12 cases per operator in CI; PROPTEST_CASES=1000 for a deeper local run.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn conv(cin_g in 1usize..3, cout_g in 1usize..3, groups in 1usize..3, k in 1usize..4, stride in 1usize..3,
            pad in 0usize..2, dil in 1usize..3, h in 4usize..8, w in 4usize..8, relu in any::<bool>(), seed in any::<u64>()) {
        let (cin, cout) = (cin_g * groups, cout_g * groups);
        prop_assume!(h + 2 * pad > dil * (k - 1) && w + 2 * pad > dil * (k - 1));
        let oh = (h + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        let ow = (w + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        let mut b = OnnxBuilder::new(&[1, cin, h, w])
            .init("w", &[cout, cin_g, k, k], rand_vec(seed ^ 1, cout * cin_g * k * k, -0.5, 0.5))
            .init("b", &[cout], rand_vec(seed ^ 2, cout, -0.2, 0.2))
            .node("Conv", &["input", "w", "b"], "y", vec![
                ("kernel_shape", Attr::Ints(vec![k as i64; 2])), ("strides", Attr::Ints(vec![stride as i64; 2])),
                ("pads", Attr::Ints(vec![pad as i64; 4])), ("dilations", Attr::Ints(vec![dil as i64; 2])), ("group", Attr::Int(groups as i64))]);
        let out = if relu { b = b.node("Relu", &["y"], "z", vec![]); "z" } else { "y" };
        check(&b.build(out, &[1, cout, oh, ow]), &[1, cin, h, w], seed);
    }

    #[test]
    fn depthwise_conv_with_batchnorm(c in 1usize..5, h in 3usize..7, seed in any::<u64>()) {
        let onnx = OnnxBuilder::new(&[1, c, h, h])
            .init("w", &[c, 1, 3, 3], rand_vec(seed, c * 9, -0.5, 0.5))
            .init("s", &[c], rand_vec(seed ^ 3, c, 0.5, 1.5))
            .init("bb", &[c], rand_vec(seed ^ 4, c, -0.3, 0.3))
            .init("m", &[c], rand_vec(seed ^ 5, c, -0.2, 0.2))
            .init("v", &[c], rand_vec(seed ^ 6, c, 0.2, 1.0))
            .node("Conv", &["input", "w"], "y", vec![("pads", Attr::Ints(vec![1; 4])), ("group", Attr::Int(c as i64)), ("kernel_shape", Attr::Ints(vec![3, 3]))])
            .node("BatchNormalization", &["y", "s", "bb", "m", "v"], "z", vec![("epsilon", Attr::Float(1e-5))])
            .build("z", &[1, c, h, h]);
        let m = check(&onnx, &[1, c, h, h], seed);
        prop_assert_eq!(m.nodes().len(), 1, "batch norm folds into the conv");
    }

    #[test]
    fn gemm_and_matmul(k in 1usize..20, n in 1usize..12, trans in any::<bool>(), matmul in any::<bool>(), seed in any::<u64>()) {
        let w = rand_vec(seed, k * n, -0.5, 0.5);
        let b = OnnxBuilder::new(&[1, k]);
        let onnx = if matmul {
            b.init("w", &[k, n], w).node("MatMul", &["input", "w"], "y", vec![]).build("y", &[1, n])
        } else {
            let shape = if trans { [n, k] } else { [k, n] };
            b.init("w", &shape, w).init("c", &[n], rand_vec(seed ^ 9, n, -0.3, 0.3))
                .node("Gemm", &["input", "w", "c"], "y", vec![("transB", Attr::Int(trans as i64)), ("alpha", Attr::Float(0.7)), ("beta", Attr::Float(1.3))])
                .build("y", &[1, n])
        };
        check(&onnx, &[1, k], seed);
    }

    #[test]
    fn residual_add_with_rescaling(c in 1usize..4, h in 2usize..6, clip in any::<bool>(), seed in any::<u64>()) {
        // Two branches with different scales meet in an Add.
        let mut b = OnnxBuilder::new(&[1, c, h, h])
            .init("w", &[c, c, 1, 1], rand_vec(seed, c * c, -2.0, 2.0))
            .node("Conv", &["input", "w"], "a", vec![("kernel_shape", Attr::Ints(vec![1, 1]))])
            .node("Add", &["a", "input"], "y", vec![]);
        let out = if clip {
            b = b.init("lo", &[], vec![0.0]).init("hi", &[], vec![0.5]).node("Clip", &["y", "lo", "hi"], "z", vec![]);
            "z"
        } else { "y" };
        check(&b.build(out, &[1, c, h, h]), &[1, c, h, h], seed);
    }

    #[test]
    fn elementwise_constants(c in 1usize..4, h in 1usize..5, op in 0usize..4, per_channel in any::<bool>(), seed in any::<u64>()) {
        let names = ["Mul", "Div", "Add", "Sub"];
        let (shape, n) = if per_channel { (vec![c, 1, 1], c) } else { (vec![], 1) };
        let vals = rand_vec(seed, n, 0.3, 2.0);
        let onnx = OnnxBuilder::new(&[1, c, h, h]).init("k", &shape, vals)
            .node(names[op], &["input", "k"], "y", vec![]).build("y", &[1, c, h, h]);
        check(&onnx, &[1, c, h, h], seed);
    }

    #[test]
    fn activations(c in 1usize..4, h in 1usize..5, which in 0usize..4, seed in any::<u64>()) {
        let b = OnnxBuilder::new(&[1, c, h, h]);
        let onnx = match which {
            0 => b.node("Relu", &["input"], "y", vec![]),
            1 => b.init("lo", &[], vec![-0.25]).init("hi", &[], vec![0.5]).node("Clip", &["input", "lo", "hi"], "y", vec![]),
            2 => b.init("s", &[c, 1, 1], rand_vec(seed, c, 0.05, 0.4)).node("PRelu", &["input", "s"], "y", vec![]),
            _ => b.opset(6).node("Clip", &["input"], "y", vec![("min", Attr::Float(0.0)), ("max", Attr::Float(0.6))]),
        }.build("y", &[1, c, h, h]);
        check(&onnx, &[1, c, h, h], seed);
    }

    #[test]
    fn pooling(c in 1usize..4, h in 2usize..8, k in 1usize..4, stride in 1usize..3, pad in 0usize..2, which in 0usize..3, seed in any::<u64>()) {
        prop_assume!(k <= h && pad < k);
        let o = (h + 2 * pad - k) / stride + 1;
        let b = OnnxBuilder::new(&[1, c, h, h]);
        let win = vec![("kernel_shape", Attr::Ints(vec![k as i64; 2])), ("strides", Attr::Ints(vec![stride as i64; 2])), ("pads", Attr::Ints(vec![pad as i64; 4]))];
        let (onnx, _) = match which {
            0 => (b.node("MaxPool", &["input"], "y", win).build("y", &[1, c, o, o]), ()),
            1 => {
                let mut win = win;
                win.push(("count_include_pad", Attr::Int(1)));
                (b.node("AveragePool", &["input"], "y", win).build("y", &[1, c, o, o]), ())
            }
            _ => (b.node("GlobalAveragePool", &["input"], "y", vec![]).build("y", &[1, c, 1, 1]), ()),
        };
        check(&onnx, &[1, c, h, h], seed);
    }

    #[test]
    fn index_maps(c in 1usize..4, h in 1usize..4, w in 1usize..4, which in 0usize..4, seed in any::<u64>()) {
        let b = OnnxBuilder::new(&[1, c, h, w])
            .init("m", &[], vec![1.5])
            .node("Mul", &["input", "m"], "x", vec![]);
        let onnx = match which {
            0 => b.node("Flatten", &["x"], "y", vec![]).build("y", &[1, c * h * w]),
            1 => b.init_i64("s", &[3], vec![1, -1, w as i64]).node("Reshape", &["x", "s"], "y", vec![]).build("y", &[1, c * h, w]),
            2 => b.node("Transpose", &["x"], "y", vec![("perm", Attr::Ints(vec![0, 3, 1, 2]))]).build("y", &[1, w, c, h]),
            // Concat of two differently-scaled tensors: a rescale node is inserted.
            _ => b.node("Concat", &["x", "input"], "y", vec![("axis", Attr::Int(1))]).build("y", &[1, 2 * c, h, w]),
        };
        check(&onnx, &[1, c, h, w], seed);
    }
}

/// `Sign` right after a linear layer binarizes the exact accumulator.
#[test]
fn sign_after_conv_is_a_sign_stage() {
    let onnx = OnnxBuilder::new(&[1, 1, 6, 6])
        .init("w", &[2, 1, 3, 3], rand_vec(7, 18, -1.0, 1.0))
        .node("Conv", &["input", "w"], "y", vec![("kernel_shape", Attr::Ints(vec![3, 3]))])
        .node("Sign", &["y"], "z", vec![])
        .build("z", &[1, 2, 4, 4]);
    let calib: Vec<FTensor> = (0..4).map(|i| tensor(i, &[1, 1, 6, 6], -1.0, 1.0)).collect();
    let c = compile(&onnx, calib, &CompileOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!(c.model.nodes().len(), 1);
    assert_eq!(c.model.nodes()[0].label, "Conv+Sign");
    let reference = Reference::new(&onnx, &[1, 1, 6, 6]).unwrap();
    let in_scale = c.model.tensor(c.model.input()).quant.scale;
    for s in 0..8 {
        let x = tensor(100 + s, &[1, 1, 6, 6], -1.0, 1.0);
        let q = c.model.quantize_input(&x).unwrap();
        let t = c.model.infer(&q).unwrap();
        assert_eq!(t.output().data(), naive::eval(&c.model, q.data())[c.model.output().index()].as_deref().unwrap());
        // The float sign agrees except where the pre-activation is within quantization noise.
        let f = reference.run(&x).unwrap();
        let agree = t.output().data().iter().zip(f.data()).filter(|(a, b)| **a as f32 == **b).count();
        assert!(agree >= 30, "sign agreement {agree}/32 (input scale {in_scale})");
    }
}
