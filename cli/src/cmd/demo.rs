//! `zkid demo`: the iris enroll → match flow ([`super::demo_iris`]), then compiles and
//! evaluates the bundled example models, offline.
//!
//! The digits scenario also makes and verifies a real Groth16 proof (dev keys in memory).
//! The demo is a list of [`Scenario`]s run in order; each pairs an embedded model
//! ([`Bundled`]) with an evaluation that returns [`Metric`]s. Later flows (iris
//! enroll/match, proving) are new scenarios or replace [`scenarios`], without touching the
//! runner.

use super::argmax;
use super::compile::{Totals, compile_with_progress, print_totals};
use crate::ui;
use anyhow::{Context, Result};
use std::time::{Duration, Instant};
use zkid_core::onnx::{CompileOptions, Compiled, Reference};
use zkid_core::{FTensor, QModel, npy};

/// Arguments of `zkid demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Skip the iris enroll/match flow (about three minutes on two cores: dev setup of two
    /// 1.3M-constraint circuits and three proofs); run only the model scenarios.
    #[arg(long)]
    pub quick: bool,
}

macro_rules! bundled {
    ($dir:literal, $file:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/", $dir, "/", $file)).as_slice()
    };
}

/// A model shipped in `models/`, embedded in the binary.
pub struct Bundled {
    /// Short name (the folder in `models/`).
    pub name: &'static str,
    /// One-line description.
    pub about: &'static str,
    /// The float ONNX model.
    pub onnx: &'static [u8],
    /// Calibration batch `[N, ...]` (`.npy`).
    pub calib: &'static [u8],
    /// One input with the model's shape (`.npy`).
    pub sample: &'static [u8],
    /// onnxruntime's float output for `sample` (`.npy`).
    pub sample_expected: &'static [u8],
    /// Test split inputs and targets (`.npy`), when the model has one.
    pub test: Option<(&'static [u8], &'static [u8])>,
}

/// One named result of an evaluation.
pub struct Metric {
    /// What was measured.
    pub label: String,
    /// The value, formatted.
    pub value: String,
}

fn metric(label: impl Into<String>, value: impl Into<String>) -> Metric {
    Metric { label: label.into(), value: value.into() }
}

/// What the demo does with one compiled model.
pub type Evaluate = fn(&Bundled, &Compiled) -> Result<Vec<Metric>>;

/// A bundled model and its evaluation.
pub struct Scenario {
    /// The model.
    pub model: Bundled,
    /// Its evaluation (accuracy, R², cosine...).
    pub evaluate: Evaluate,
}

/// The scenarios `zkid demo` runs, in order.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            model: Bundled {
                name: "linreg",
                about: "linear regression on sklearn diabetes (Gemm)",
                onnx: bundled!("linreg", "model.onnx"),
                calib: bundled!("linreg", "calib.npy"),
                sample: bundled!("linreg", "sample.npy"),
                sample_expected: bundled!("linreg", "sample_expected.npy"),
                test: Some((bundled!("linreg", "test_x.npy"), bundled!("linreg", "test_y.npy"))),
            },
            evaluate: eval_regression,
        },
        Scenario {
            model: Bundled {
                name: "digits",
                about: "small CNN on sklearn 8x8 digits (Conv+BN+ReLU, MaxPool, Conv+ReLU, Gemm)",
                onnx: bundled!("digits", "model.onnx"),
                calib: bundled!("digits", "calib.npy"),
                sample: bundled!("digits", "sample.npy"),
                sample_expected: bundled!("digits", "sample_expected.npy"),
                test: Some((bundled!("digits", "test_x.npy"), bundled!("digits", "test_y.npy"))),
            },
            evaluate: eval_classifier_and_prove,
        },
        Scenario {
            model: Bundled {
                name: "face",
                about: "face-embedding-shaped CNN, 64-d output (PReLU, depthwise, residual Add, Clip, AvgPool)",
                onnx: bundled!("face", "model.onnx"),
                calib: bundled!("face", "calib.npy"),
                sample: bundled!("face", "sample.npy"),
                sample_expected: bundled!("face", "sample_expected.npy"),
                test: None,
            },
            evaluate: eval_embedding,
        },
    ]
}

fn load(bytes: &[u8], what: &str) -> Result<FTensor> {
    npy::from_bytes(bytes).with_context(|| format!("bundled {what} is unreadable"))
}

/// Integer inference of one raw input, dequantized.
fn quantized(model: &QModel, raw: &FTensor) -> Result<Vec<f64>> {
    let q = model.quantize_input(raw)?;
    Ok(model.dequantize_output(&model.run(&q)?))
}

/// Model outputs on a test split: float (tract), integer (dequantized), and the targets.
struct TestOutputs {
    float: Vec<Vec<f64>>,
    quant: Vec<Vec<f64>>,
    targets: Vec<f32>,
}

/// Runs the float and the integer model on every test sample.
fn test_outputs(b: &Bundled, model: &QModel) -> Result<TestOutputs> {
    let (x, y) = b.test.context("the model has no test split")?;
    let shape = model.input_shape().to_vec();
    let xs = npy::split_batch(load(x, "test inputs")?, &model.preprocess().raw_shape(&shape))?;
    let y = load(y, "test targets")?.into_data();
    anyhow::ensure!(xs.len() == y.len(), "bundled test split has {} inputs and {} targets", xs.len(), y.len());
    let reference = Reference::new(b.onnx, &shape)?;
    let (mut float, mut quant) = (Vec::with_capacity(xs.len()), Vec::with_capacity(xs.len()));
    for raw in &xs {
        let fx = model.preprocess().to_model_float(raw, &shape)?;
        float.push(reference.run(&fx)?.data().iter().map(|&v| f64::from(v)).collect());
        quant.push(quantized(model, raw)?);
    }
    Ok(TestOutputs { float, quant, targets: y })
}

fn pct(k: usize, n: usize) -> String {
    format!("{:.2}% ({k}/{n})", 100.0 * k as f64 / n.max(1) as f64)
}

fn eval_classifier(b: &Bundled, c: &Compiled) -> Result<Vec<Metric>> {
    let TestOutputs { float, quant, targets: y } = test_outputs(b, &c.model)?;
    let n = y.len();
    let label = |i: usize| y[i].round() as usize;
    let float_ok = (0..n).filter(|&i| argmax(&float[i]) == label(i)).count();
    let quant_ok = (0..n).filter(|&i| argmax(&quant[i]) == label(i)).count();
    let agree = (0..n).filter(|&i| argmax(&float[i]) == argmax(&quant[i])).count();
    Ok(vec![
        metric(format!("float top-1 accuracy (tract, {n} test samples)"), pct(float_ok, n)),
        metric(format!("quantized top-1 accuracy ({n} test samples)"), pct(quant_ok, n)),
        metric("float/quantized top-1 agreement", pct(agree, n)),
    ])
}

/// Accuracy, then a real Groth16 proof of the sample's inference (dev keys, in memory),
/// verified with the verifier's nonce.
fn eval_classifier_and_prove(b: &Bundled, c: &Compiled) -> Result<Vec<Metric>> {
    use zkid_prover::statement::{LoadedModel, Statement, prove_infer_raw, random_nonce, setup, verify_envelope};
    let mut metrics = eval_classifier(b, c)?;
    let model = LoadedModel::from_bytes(&zkid_core::zkm::to_bytes(&c.model)?)?;
    let statement = Statement::Infer(zkid_circuits::statement::InferSpec::default());
    let t = Instant::now();
    let (pk, vk) = setup(&model, statement, &mut zkid_prover::OsRng)?;
    let setup_time = t.elapsed();
    let nonce = random_nonce();
    let proof = prove_infer_raw(
        &model,
        &pk,
        &load(b.sample, "sample")?,
        nonce,
        &mut zkid_prover::OsRng,
        &mut zkid_prover::NoObserver,
    )?;
    let t = Instant::now();
    let valid = verify_envelope(&vk, &proof.envelope, Some(nonce))?;
    let verify_time = t.elapsed();
    anyhow::ensure!(valid, "the demo proof did not verify");
    metrics.extend([
        metric(
            "circuit (infer: private input, public output)",
            format!("{} constraints", ui::thousands(proof.report.shape.num_constraints as u64)),
        ),
        metric("dev setup (insecure, in memory)", ui::duration(setup_time)),
        metric("Groth16 proof of sample.npy", ui::duration(proof.report.timings.total)),
        metric("verified with the verifier's nonce", format!("valid, in {}", ui::duration(verify_time))),
        metric(
            "leaves the device",
            format!(
                "128-byte proof + {} public signals (10 logits, nonce); the image stays",
                proof.envelope.public_signals.len()
            ),
        ),
    ]);
    Ok(metrics)
}

fn r2(pred: &[f64], y: &[f32]) -> f64 {
    let mean = y.iter().map(|&v| f64::from(v)).sum::<f64>() / y.len().max(1) as f64;
    let ss_tot: f64 = y.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum();
    let ss_res: f64 = pred.iter().zip(y).map(|(p, &v)| (p - f64::from(v)).powi(2)).sum();
    1.0 - ss_res / ss_tot
}

fn eval_regression(b: &Bundled, c: &Compiled) -> Result<Vec<Metric>> {
    let TestOutputs { float, quant, targets: y } = test_outputs(b, &c.model)?;
    let first = |v: &[Vec<f64>]| -> Result<Vec<f64>> {
        v.iter().map(|o| o.first().copied().context("empty model output")).collect()
    };
    let (fp, qp) = (first(&float)?, first(&quant)?);
    let max_diff = fp.iter().zip(&qp).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    Ok(vec![
        metric(format!("float R² (tract, {} test samples)", y.len()), format!("{:.4}", r2(&fp, &y))),
        metric(format!("quantized R² ({} test samples)", y.len()), format!("{:.4}", r2(&qp, &y))),
        metric("max |float - quantized| prediction", format!("{max_diff:.4}")),
    ])
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let n = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    dot / (n(a) * n(b)).max(f64::MIN_POSITIVE)
}

fn eval_embedding(b: &Bundled, c: &Compiled) -> Result<Vec<Metric>> {
    let q = quantized(&c.model, &load(b.sample, "sample")?)?;
    let f: Vec<f64> = load(b.sample_expected, "expected output")?.data().iter().map(|&v| f64::from(v)).collect();
    anyhow::ensure!(q.len() == f.len(), "embedding length {} differs from the expected {}", q.len(), f.len());
    let l2 = q.iter().zip(&f).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt();
    Ok(vec![
        metric(
            format!("cosine(quantized, float) on sample.npy ({}-d, onnxruntime float)", f.len()),
            format!("{:.5}", cosine(&q, &f)),
        ),
        metric("L2 distance on sample.npy", format!("{l2:.4}")),
    ])
}

struct Summary {
    name: &'static str,
    totals: Totals,
    compile: Duration,
    infer: Duration,
}

/// Runs `zkid demo`.
pub fn run(args: &Args) -> Result<()> {
    let start = Instant::now();
    if !args.quick {
        super::demo_iris::run()?;
    }
    let mut summary = Vec::new();
    for s in scenarios() {
        let b = &s.model;
        println!("== {}: {} ==", b.name, b.about);
        let opts = CompileOptions { name: b.name.to_string(), ..CompileOptions::default() };
        let calib = load(b.calib, "calibration set")?;
        let (compiled, compile) = compile_with_progress(b.onnx, vec![calib], &opts, b.name, false)
            .with_context(|| format!("compiling bundled model `{}`", b.name))?;
        let model = &compiled.model;
        let digest = zkid_core::zkm::digest_of(model)?;
        println!(
            "compiled in {} ({} calibration samples), input {} -> output {}, digest {digest}",
            ui::duration(compile),
            compiled.calibration_samples,
            ui::shape(model.input_shape()),
            ui::shape(model.output_shape())
        );
        print!("{}", ui::layer_table(&zkid_core::report::layer_table(model)));
        let totals = Totals::of(model);
        print_totals(&totals);
        println!("{}", ui::fidelity(&compiled.fidelity));
        let sample = model.quantize_input(&load(b.sample, "sample")?)?;
        let t = Instant::now();
        let _trace = model.infer(&sample)?;
        let infer = t.elapsed();
        println!("integer inference (with witness record) on sample.npy: {}", ui::duration(infer));
        for m in (s.evaluate)(b, &compiled).with_context(|| format!("evaluating bundled model `{}`", b.name))? {
            println!("{}: {}", m.label, m.value);
        }
        println!();
        summary.push(Summary { name: b.name, totals, compile, infer });
    }
    let rows: Vec<Vec<String>> = summary
        .iter()
        .map(|s| {
            vec![
                s.name.to_string(),
                ui::thousands(s.totals.params as u64),
                ui::thousands(s.totals.activations as u64),
                ui::thousands(s.totals.constraints),
                ui::duration(s.compile),
                ui::duration(s.infer),
            ]
        })
        .collect();
    print!(
        "{}",
        ui::table(
            &["model", "params", "activations", "constraints", "compile", "integer inference"],
            &rows,
            &[false, true, true, true, true, true]
        )
    );
    println!("demo finished in {:.2} s", start.elapsed().as_secs_f64());
    Ok(())
}
