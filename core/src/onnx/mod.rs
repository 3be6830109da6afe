//! ONNX import (feature `onnx`): parse with tract, interpret into a float graph, fuse,
//! calibrate, quantize, and measure fidelity against tract's float inference.

mod import;
mod reference;

pub use reference::Reference;

use crate::error::{CoreError, Result};
use crate::fidelity::{self, Fidelity};
use crate::float::FGraph;
use crate::model::{ModelMeta, Preprocess, QModel};
use crate::npy::split_batch;
use crate::quant::{Calibrator, QuantConfig, quantize};
use crate::tensor::FTensor;
use ring::digest::{SHA256, digest};

/// Parses ONNX bytes into a fused float graph.
pub fn import(onnx: &[u8]) -> Result<FGraph> {
    let mut g = import::parse(onnx)?;
    g.fuse();
    Ok(g)
}

/// The model's input shape (batch 1, NCHW as in the ONNX file).
pub fn input_shape(onnx: &[u8]) -> Result<Vec<usize>> {
    let g = import::parse(onnx)?;
    Ok(g.tensors[g.input.index()].shape.clone())
}

/// Settings of [`compile`].
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Quantization settings.
    pub config: QuantConfig,
    /// How raw inputs (and calibration samples) are preprocessed.
    pub preprocess: Preprocess,
    /// Model name stored in the metadata.
    pub name: String,
}

/// Result of [`compile`].
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The quantized model.
    pub model: QModel,
    /// Integer model vs tract float model on the calibration samples.
    pub fidelity: Fidelity,
    /// Number of calibration samples used.
    pub calibration_samples: usize,
    /// Largest |zkid float interpreter − tract| over the calibration outputs: a check that
    /// import understood the ONNX graph (should be ~1e-5).
    pub import_max_abs_diff: f64,
}

/// Compiles an ONNX model into a [`QModel`].
///
/// `calibration` holds raw inputs, each of the raw input shape or a batch `[N, ...]` of
/// them; `progress(done, total)` is called as samples are processed.
pub fn compile(
    onnx: &[u8],
    calibration: Vec<FTensor>,
    opts: &CompileOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Compiled> {
    opts.config.validate().map_err(|e| CoreError::Quantization { node: "config".into(), reason: e })?;
    let graph = import(onnx)?;
    let shape = graph.tensors[graph.input.index()].shape.clone();
    let raw_shape = opts.preprocess.raw_shape(&shape);
    let mut samples = Vec::new();
    for t in calibration {
        for s in split_batch(t, &raw_shape)? {
            samples.push(opts.preprocess.to_model_float(&s, &shape)?);
        }
    }
    if samples.is_empty() {
        return Err(CoreError::Calibration("the calibration set is empty".into()));
    }
    let total = samples.len() * 2;
    let mut cal = Calibrator::new(&graph, opts.config.calibration);
    for (i, s) in samples.iter().enumerate() {
        cal.observe(s)?;
        progress(i + 1, total);
    }
    let ranges = cal.ranges()?;
    let meta = ModelMeta {
        name: opts.name.clone(),
        source_sha256: Some(digest(&SHA256, onnx).as_ref().iter().map(|b| format!("{b:02x}")).collect()),
        config: None,
        notes: Vec::new(),
    };
    let model = quantize(&graph, &ranges, &opts.config, opts.preprocess, meta)?;
    let reference = Reference::new(onnx, &shape)?;
    let mut import_max_abs_diff = 0f64;
    let mut done = samples.len();
    let fidelity = fidelity::measure(&model, &samples, |x| {
        let r = reference.run(x)?;
        let ours = graph.eval(x)?;
        for (a, b) in ours.data().iter().zip(r.data()) {
            import_max_abs_diff = import_max_abs_diff.max((a - b).abs() as f64);
        }
        done += 1;
        progress(done, total);
        Ok(r)
    })?;
    Ok(Compiled { model, fidelity, calibration_samples: samples.len(), import_max_abs_diff })
}
