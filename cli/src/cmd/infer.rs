//! `zkid infer`: exact integer inference of a `.zkm` model on an `.npy` input.

use super::{argmax, read_input};
use crate::{BadInput, ui};
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;
use zkid_core::{npy, zkm};

/// Arguments of `zkid infer`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compiled model.
    pub model: PathBuf,
    /// Raw input (`.npy`, the model's raw input shape; preprocessing is applied).
    #[arg(long, value_name = "X.npy")]
    pub input: PathBuf,
    /// Noise mask (`.npy`, non-zero = iris) for an iris-code model, whose `--input` is the
    /// normalized iris image (uint8 values, 128 × 512).
    #[arg(long, value_name = "MASK.npy")]
    pub mask: Option<PathBuf>,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct JsonReport {
    model: String,
    digest: String,
    input_shape: Vec<usize>,
    output_shape: Vec<usize>,
    output: Vec<i64>,
    output_dequantized: Vec<f64>,
    argmax: Option<usize>,
    iris: Option<IrisJson>,
    infer_ms: f64,
}

/// An iris template as bit strings in open-iris's `[filter, row, column, (re, im)]` order.
#[derive(Serialize)]
struct IrisJson {
    code_bits: String,
    mask_bits: String,
    valid_bits: usize,
}

fn bit_string(v: &[i64]) -> String {
    v.iter().map(|&b| if b == 1 { '1' } else { '0' }).collect()
}

/// Bits packed MSB-first into hex, 4 bits per digit.
fn bit_hex(v: &[i64]) -> String {
    v.chunks(4)
        .map(|c| {
            let n = c.iter().fold(0u32, |a, &b| (a << 1) | u32::from(b == 1)) << (4 - c.len());
            char::from_digit(n, 16).unwrap_or('0')
        })
        .collect()
}

/// Runs `zkid infer`.
pub fn run(args: &Args) -> Result<()> {
    let zkm_bytes = read_input(&args.model, "model")?;
    let (model, digest) = zkm::from_bytes(&zkm_bytes)
        .map_err(zkid_core::CoreError::from)
        .with_context(|| BadInput(format!("cannot load model {}", args.model.display())))?;
    let raw = npy::from_bytes(&read_input(&args.input, "input")?)
        .with_context(|| BadInput(format!("cannot read input {}", args.input.display())))?;

    let start = Instant::now();
    let fits = || BadInput(format!("input {} does not fit the model", args.input.display()));
    let is_iris = zkid_core::iris::filter_bank(&model).is_some();
    let q = match (&args.mask, is_iris) {
        (Some(m), true) => {
            let mask = npy::from_bytes(&read_input(m, "mask")?)
                .with_context(|| BadInput(format!("cannot read mask {}", m.display())))?;
            zkid_core::iris::input(&model, &raw, &mask).with_context(fits)?
        }
        (None, true) => return Err(anyhow::anyhow!(BadInput("an iris-code model needs --mask MASK.npy".into()))),
        (Some(_), false) => return Err(anyhow::anyhow!(BadInput("--mask applies to iris-code models only".into()))),
        (None, false) => model.quantize_input(&raw).with_context(fits)?,
    };
    let out = model.run(&q).context("integer inference failed")?;
    let elapsed = start.elapsed();

    let deq = model.dequantize_output(&out);
    let am = (deq.len() > 1 && !is_iris).then(|| argmax(&deq));
    let template = is_iris.then(|| zkid_core::iris::IrisTemplate::from_output(out.data()));
    if args.json {
        let report = JsonReport {
            model: args.model.display().to_string(),
            digest: digest.to_hex(),
            input_shape: model.input_shape().to_vec(),
            output_shape: out.shape().to_vec(),
            output: out.data().to_vec(),
            output_dequantized: deq,
            argmax: am,
            iris: template.as_ref().map(|t| IrisJson {
                code_bits: bit_string(t.code),
                mask_bits: bit_string(t.mask),
                valid_bits: t.valid_bits(),
            }),
            infer_ms: ui::millis(elapsed),
        };
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!("model {} (`{}`), digest {digest}", args.model.display(), model.meta().name);
    println!("input {} -> output {}", ui::shape(model.input_shape()), ui::shape(out.shape()));
    if let Some(t) = &template {
        println!("iris code ({} bits, hex, [filter, row, column, re/im] order):", t.code.len());
        println!("{}", bit_hex(t.code));
        println!("mask code ({} of {} bits valid):", t.valid_bits(), t.mask.len());
        println!("{}", bit_hex(t.mask));
        println!("inference time: {}", ui::duration(elapsed));
        return Ok(());
    }
    println!("output (integers): {:?}", out.data());
    let floats: Vec<String> = deq.iter().map(|v| format!("{v:.4}")).collect();
    println!("output (dequantized): [{}]", floats.join(", "));
    if let Some(i) = am {
        println!("arg-max: {i}");
    }
    println!("inference time: {}", ui::duration(elapsed));
    Ok(())
}
