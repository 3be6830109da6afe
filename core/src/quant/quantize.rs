//! Float graph + calibration ranges → [`QModel`].
//!
//! * Activations: per tensor, from the calibrated range ([`QuantParams::for_range`]).
//!   Max pool, reshape and transpose outputs inherit their input's parameters (they do not
//!   compute); concat inputs are first rescaled to a common scale when they differ.
//! * Weights: symmetric per output channel, `s_w[c] = max|w_c| / (2^(b-1) - 1)`,
//!   `w_q = round(w / s_w[c])`; biases `round(b / (s_in * s_w[c]))`.
//! * Requantization multipliers `M / 2^s ≈ s_acc / s_out` with `QuantConfig::mult_bits`
//!   significant bits; an exact ratio of 1 is the identity (no rounding, no cost).
//! * A `Sign` whose input comes straight from a linear operator (and nothing else reads
//!   it) becomes that operator's output stage: `sign(acc)`, with no rounding in between.

use super::calibrate::Range;
use super::params::{QuantConfig, QuantParams};
use super::requant::{Multiplier, Requant};
use crate::error::{CoreError, Result};
use crate::float::{Act, FGraph, FOp};
use crate::model::ops::{self, Op, OutputStage};
use crate::model::{ModelMeta, Node, Preprocess, QModel, QModelParts, TensorId, TensorInfo};

/// Resolution of PReLU slopes: `neg[c] = round(slope_c * 2^PRELU_BITS)`, `pos = 2^PRELU_BITS`.
pub const PRELU_BITS: u32 = 10;

struct Ctx<'a> {
    cfg: &'a QuantConfig,
    name: String,
}

impl Ctx<'_> {
    fn err(&self, reason: impl Into<String>) -> CoreError {
        CoreError::Quantization { node: self.name.clone(), reason: reason.into() }
    }

    fn mult(&self, ratio: f64) -> Result<Multiplier> {
        if ratio == 1.0 {
            return Ok(Multiplier::ONE);
        }
        Multiplier::from_real(ratio, self.cfg.mult_bits).map_err(|e| self.err(e))
    }

    fn int(&self, v: f64, what: &str) -> Result<i64> {
        let r = v.round();
        if !r.is_finite() || r.abs() > 2f64.powi(52) {
            return Err(self.err(format!("{what} {v:e} does not fit exact integer arithmetic")));
        }
        Ok(r as i64)
    }

    /// Symmetric per-channel quantization of `w` (`channels` equal rows).
    fn weights(&self, w: &[f32], channels: usize) -> Result<(Vec<i64>, Vec<f64>)> {
        let qmax = ((1i64 << (self.cfg.weight_bits - 1)) - 1) as f64;
        let per = w.len() / channels.max(1);
        let mut q = Vec::with_capacity(w.len());
        let mut scales = Vec::with_capacity(channels);
        for row in w.chunks(per.max(1)) {
            if row.iter().any(|v| !v.is_finite()) {
                return Err(self.err("weights contain NaN or infinity"));
            }
            let amax = row.iter().fold(0f64, |m, &v| m.max((v as f64).abs()));
            let s = if amax > 0.0 { amax / qmax } else { 1.0 };
            q.extend(row.iter().map(|&v| (v as f64 / s).round() as i64));
            scales.push(s);
        }
        Ok((q, scales))
    }
}

fn act_params(range: Range, act: Act, bits: u32) -> QuantParams {
    let (mut min, mut max) = (range.min, range.max);
    match act {
        Act::None => {}
        Act::Relu => min = min.max(0.0),
        Act::Clip(lo, hi) => {
            min = min.max(lo as f64);
            max = max.min(hi as f64);
        }
    }
    let mut p = QuantParams::for_range(min, max.max(min), bits);
    if let Act::Clip(lo, hi) = act {
        // The clamp bounds of the integer output are the clip bounds themselves, not the
        // (symmetric) representable range.
        p.lo = p.lo.max(p.quantize(lo as f64));
        p.hi = p.hi.min(p.quantize(hi as f64)).max(p.lo);
    }
    p
}

/// Quantizes a fused float graph with the given per-tensor calibration ranges.
pub fn quantize(
    graph: &FGraph,
    ranges: &[Range],
    cfg: &QuantConfig,
    preprocess: Preprocess,
    meta: ModelMeta,
) -> Result<QModel> {
    cfg.validate().map_err(|e| CoreError::Quantization { node: "config".into(), reason: e })?;
    if ranges.len() != graph.tensors.len() {
        return Err(CoreError::Calibration("range count does not match the graph".into()));
    }
    let mut tensors: Vec<TensorInfo> = graph
        .tensors
        .iter()
        .zip(ranges)
        .map(|(t, r)| TensorInfo {
            name: t.name.clone(),
            shape: t.shape.clone(),
            quant: QuantParams::for_range(r.min, r.max, cfg.act_bits),
        })
        .collect();
    // Sign nodes folded into their producer: producer output id -> sign output id.
    let mut sign_of = std::collections::HashMap::new();
    for n in &graph.nodes {
        if let FOp::Sign = n.op {
            let src = n.inputs[0];
            let producer = graph.nodes.iter().find(|m| m.output == src);
            if let Some(p) = producer {
                let linear_no_act = matches!(
                    p.op,
                    FOp::Conv { act: Act::None, .. }
                        | FOp::Gemm { act: Act::None, .. }
                        | FOp::Affine { act: Act::None, .. }
                        | FOp::Add { act: Act::None }
                );
                if linear_no_act && graph.readers(src) == 1 && src != graph.input {
                    sign_of.insert(src, n.output);
                }
            }
        }
    }
    let mut nodes: Vec<Node> = Vec::with_capacity(graph.nodes.len());
    for n in &graph.nodes {
        let ctx = Ctx { cfg, name: n.name.clone() };
        if matches!(n.op, FOp::Sign) && sign_of.values().any(|&o| o == n.output) {
            continue; // folded into the producer
        }
        let (output, sign_stage) = match sign_of.get(&n.output) {
            Some(&o) => (o, true),
            None => (n.output, false),
        };
        let label = if sign_stage { format!("{}+Sign", n.label) } else { n.label.clone() };
        let qin = |i: usize| tensors[n.inputs[i].index()].quant;
        // Output parameters and a requant stage built from per-channel accumulator scales.
        let stage = |acc_scales: &[f64], act: Act, tensors: &mut Vec<TensorInfo>| -> Result<OutputStage> {
            if sign_stage {
                tensors[output.index()].quant = QuantParams::integer(-1, 1);
                return Ok(OutputStage::Sign);
            }
            let p = act_params(ranges[output.index()], act, cfg.act_bits);
            tensors[output.index()].quant = p;
            let ms = acc_scales.iter().map(|s| ctx.mult(s / p.scale)).collect::<Result<Vec<_>>>()?;
            Ok(OutputStage::Requant(Requant { channels: ms }))
        };
        let op = match &n.op {
            FOp::Conv { geom, w, b, act } => {
                let s_in = qin(0).scale;
                let (wq, sw) = ctx.weights(w, geom.out_ch)?;
                let acc: Vec<f64> = sw.iter().map(|s| s * s_in).collect();
                let bias = b.iter().zip(&acc).map(|(b, s)| ctx.int(*b as f64 / s, "bias")).collect::<Result<_>>()?;
                Op::Conv(ops::Conv { geom: geom.clone(), weights: wq, bias, out: stage(&acc, *act, &mut tensors)? })
            }
            FOp::Gemm { k, n: nf, w, b, act } => {
                let s_in = qin(0).scale;
                let (wq, sw) = ctx.weights(w, *nf)?;
                let acc: Vec<f64> = sw.iter().map(|s| s * s_in).collect();
                let bias = b.iter().zip(&acc).map(|(b, s)| ctx.int(*b as f64 / s, "bias")).collect::<Result<_>>()?;
                Op::Gemm(ops::Gemm {
                    in_features: *k,
                    out_features: *nf,
                    weights: wq,
                    bias,
                    out: stage(&acc, *act, &mut tensors)?,
                })
            }
            FOp::Add { act } => {
                let (sa, sb) = (qin(0).scale, qin(1).scale);
                // Common accumulator scale 2^-s * min(sa, sb)-ish: pick s from the larger ratio.
                let p = act_params(ranges[output.index()], *act, cfg.act_bits);
                let big = ctx.mult(sa.max(sb) / p.scale)?;
                let shift = big.shift;
                let a_mult = ctx.int(sa / p.scale * 2f64.powi(shift as i32), "add multiplier")?;
                let b_mult = ctx.int(sb / p.scale * 2f64.powi(shift as i32), "add multiplier")?;
                let out = if sign_stage {
                    stage(&[1.0], *act, &mut tensors)?
                } else {
                    tensors[output.index()].quant = p;
                    OutputStage::Requant(Requant::uniform(Multiplier { mult: 1, shift }))
                };
                Op::Add(ops::Add { a_mult, b_mult, out })
            }
            FOp::Affine { m, b, act } => {
                let s_in = qin(0).scale;
                let (mq, sm): (Vec<i64>, Vec<f64>) =
                    if m.iter().all(|&v| v == 1.0) { (vec![1], vec![1.0]) } else { ctx.weights(m, m.len())? };
                let acc: Vec<f64> = sm.iter().map(|s| s * s_in).collect();
                let nb = b.len().max(acc.len());
                let bias = (0..nb)
                    .map(|c| {
                        let bc = if b.len() == 1 { b[0] } else { b[c] };
                        let sc = if acc.len() == 1 { acc[0] } else { acc[c] };
                        ctx.int(bc as f64 / sc, "offset")
                    })
                    .collect::<Result<Vec<_>>>()?;
                Op::Affine(ops::Affine { mult: mq, bias, out: stage(&acc, *act, &mut tensors)? })
            }
            FOp::AvgPool { geom, act } => {
                let k = (geom.kernel[0] * geom.kernel[1]) as f64;
                Op::AvgPool(ops::AvgPool { geom: geom.clone(), out: stage(&[qin(0).scale / k], *act, &mut tensors)? })
            }
            FOp::PRelu { slopes, act } => {
                let pos = 1i64 << PRELU_BITS;
                let neg = slopes.iter().map(|&s| ctx.int(s as f64 * pos as f64, "slope")).collect::<Result<_>>()?;
                let acc = qin(0).scale / pos as f64;
                Op::PRelu(ops::PRelu { pos, neg, out: stage(&[acc], *act, &mut tensors)? })
            }
            FOp::Sign => {
                tensors[output.index()].quant = QuantParams::integer(-1, 1);
                Op::Affine(ops::Affine { mult: vec![1], bias: vec![0], out: OutputStage::Sign })
            }
            FOp::MaxPool { geom } => {
                tensors[output.index()].quant = qin(0);
                Op::MaxPool(ops::MaxPool { geom: geom.clone() })
            }
            FOp::Reshape => {
                tensors[output.index()].quant = qin(0);
                Op::Reshape
            }
            FOp::Transpose { perm } => {
                tensors[output.index()].quant = qin(0);
                Op::Transpose(ops::Transpose { perm: perm.clone() })
            }
            FOp::Concat { axis } => {
                let lo =
                    n.inputs.iter().map(|i| tensors[i.index()].quant).map(|q| q.dequantize(q.lo)).fold(0f64, f64::min);
                let hi =
                    n.inputs.iter().map(|i| tensors[i.index()].quant).map(|q| q.dequantize(q.hi)).fold(0f64, f64::max);
                let common = QuantParams::for_range(lo, hi, cfg.act_bits);
                let mut inputs = Vec::with_capacity(n.inputs.len());
                for &i in &n.inputs {
                    let q = tensors[i.index()].quant;
                    if q == common {
                        inputs.push(i);
                        continue;
                    }
                    // Rescale this input to the common parameters.
                    let t = TensorId(tensors.len() as u32);
                    tensors.push(TensorInfo {
                        name: format!("{}/rescaled", tensors[i.index()].name),
                        shape: tensors[i.index()].shape.clone(),
                        quant: common,
                    });
                    nodes.push(Node {
                        name: format!("{}/rescale{}", n.name, inputs.len()),
                        label: "Rescale".into(),
                        op: Op::Affine(ops::Affine {
                            mult: vec![1],
                            bias: vec![0],
                            out: OutputStage::Requant(Requant::uniform(ctx.mult(q.scale / common.scale)?)),
                        }),
                        inputs: vec![i],
                        output: t,
                    });
                    inputs.push(t);
                }
                tensors[output.index()].quant = common;
                nodes.push(Node {
                    name: n.name.clone(),
                    label,
                    op: Op::Concat(ops::Concat { axis: *axis }),
                    inputs,
                    output,
                });
                continue;
            }
        };
        nodes.push(Node { name: n.name.clone(), label, op, inputs: n.inputs.clone(), output });
    }
    let mut meta = meta;
    meta.config = Some(*cfg);
    QModel::new(QModelParts { tensors, nodes, input: graph.input, output: graph.output, preprocess, meta })
        .map_err(|reason| CoreError::Quantization { node: "model".into(), reason })
}
