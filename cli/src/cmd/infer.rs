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
    infer_ms: f64,
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
    let q = model
        .quantize_input(&raw)
        .with_context(|| BadInput(format!("input {} does not fit the model", args.input.display())))?;
    let out = model.run(&q).context("integer inference failed")?;
    let elapsed = start.elapsed();

    let deq = model.dequantize_output(&out);
    let am = (deq.len() > 1).then(|| argmax(&deq));
    if args.json {
        let report = JsonReport {
            model: args.model.display().to_string(),
            digest: digest.to_hex(),
            input_shape: model.input_shape().to_vec(),
            output_shape: out.shape().to_vec(),
            output: out.data().to_vec(),
            output_dequantized: deq,
            argmax: am,
            infer_ms: ui::millis(elapsed),
        };
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!("model {} (`{}`), digest {digest}", args.model.display(), model.meta().name);
    println!("input {} -> output {}", ui::shape(model.input_shape()), ui::shape(out.shape()));
    println!("output (integers): {:?}", out.data());
    let floats: Vec<String> = deq.iter().map(|v| format!("{v:.4}")).collect();
    println!("output (dequantized): [{}]", floats.join(", "));
    if let Some(i) = am {
        println!("arg-max: {i}");
    }
    println!("inference time: {}", ui::duration(elapsed));
    Ok(())
}
