//! Static per-layer analysis: accumulator bounds and bit widths, and a constraint estimate
//! following the cost model of ARCHITECTURE.md.
//!
//! The estimate (per output element):
//! * requantized output: `s` remainder bits + the bits of the unclamped range
//!   (`⌈log2(|acc|max · M / 2^s)⌉ + 1`) + 2 for the clamp decision;
//! * sign output: accumulator bits + 1;
//! * max pool: one range check of `out - x` per window element (input bits each);
//! * reshape, transpose, concat: free; input pixels: one range check of their bit width.
//!
//! The circuits crate reports exact counts; this estimate is for choosing quantization.

use crate::model::ops::{Op, OutputStage};
use crate::model::{Node, QModel};
use crate::quant::params::range_bits;
use serde::Serialize;

/// One row of the per-layer table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerRow {
    /// Node name.
    pub name: String,
    /// Source operators fused into the node.
    pub label: String,
    /// Integer operator kind.
    pub op: &'static str,
    /// Output shape.
    pub shape: Vec<usize>,
    /// Constant parameters.
    pub params: usize,
    /// Accumulator bit width (signed), for linear operators.
    pub acc_bits: Option<u32>,
    /// Estimated R1CS constraints.
    pub constraints: u64,
}

fn bits_u128(v: u128) -> u32 {
    128 - v.leading_zeros()
}

/// Largest possible |accumulator| of a linear node, from its inputs' integer ranges.
pub fn acc_bound(model: &QModel, node: &Node) -> Option<u128> {
    let amax = |i: usize| {
        let q = model.tensor(node.inputs[i]).quant;
        q.lo.unsigned_abs().max(q.hi.unsigned_abs()) as u128
    };
    let abs = |v: i64| v.unsigned_abs() as u128;
    match &node.op {
        Op::Conv(c) => {
            let per = c.geom.taps_per_output();
            (0..c.geom.out_ch)
                .map(|oc| {
                    c.weights[oc * per..(oc + 1) * per].iter().map(|&w| abs(w)).sum::<u128>() * amax(0)
                        + abs(c.bias[oc])
                })
                .max()
        }
        Op::Gemm(g) => (0..g.out_features)
            .map(|n| {
                g.weights[n * g.in_features..(n + 1) * g.in_features].iter().map(|&w| abs(w)).sum::<u128>() * amax(0)
                    + abs(g.bias[n])
            })
            .max(),
        Op::Add(a) => Some(abs(a.a_mult) * amax(0) + abs(a.b_mult) * amax(1)),
        Op::Affine(a) => {
            let m = a.mult.iter().map(|&v| abs(v)).max().unwrap_or(0);
            let b = a.bias.iter().map(|&v| abs(v)).max().unwrap_or(0);
            Some(m * amax(0) + b)
        }
        Op::AvgPool(p) => Some((p.geom.kernel[0] * p.geom.kernel[1]) as u128 * amax(0)),
        Op::PRelu(p) => {
            let m = p.neg.iter().map(|&v| abs(v)).chain([abs(p.pos)]).max().unwrap_or(0);
            Some(m * amax(0))
        }
        Op::MaxPool(_) | Op::Reshape | Op::Transpose(_) | Op::Concat(_) => None,
    }
}

/// Per-layer rows.
pub fn layer_table(model: &QModel) -> Vec<LayerRow> {
    model
        .nodes()
        .iter()
        .map(|node| {
            let out = model.tensor(node.output);
            let n: u64 = out.shape.iter().product::<usize>() as u64;
            let bound = acc_bound(model, node);
            let acc_bits = bound.map(|b| bits_u128(b) + 1);
            let per_elem: u64 = match (node.op.output_stage(), bound) {
                (Some(OutputStage::Sign), Some(b)) => (bits_u128(b) + 2) as u64,
                (Some(OutputStage::Requant(r)), Some(b)) => {
                    let mmax = r.channels.iter().map(|m| m.mult as u128).max().unwrap_or(0);
                    let smin = r.channels.iter().map(|m| m.shift).min().unwrap_or(0);
                    let qu = (b * mmax) >> smin;
                    (smin + bits_u128(qu) + 1 + 2) as u64
                }
                _ => match &node.op {
                    Op::MaxPool(p) => (p.geom.kernel[0] * p.geom.kernel[1]) as u64 * out.quant.bits() as u64,
                    _ => 0,
                },
            };
            LayerRow {
                name: node.name.clone(),
                label: node.label.clone(),
                op: node.op.kind(),
                shape: out.shape.clone(),
                params: node.op.param_count(),
                acc_bits,
                constraints: per_elem * n,
            }
        })
        .collect()
}

/// Constraints for range-checking the private input.
pub fn input_constraints(model: &QModel) -> u64 {
    let t = model.tensor(model.input());
    t.shape.iter().product::<usize>() as u64 * range_bits(t.quant.lo, t.quant.hi) as u64
}

/// Estimated total constraints (layers + input range checks).
pub fn estimated_constraints(model: &QModel) -> u64 {
    layer_table(model).iter().map(|r| r.constraints).sum::<u64>() + input_constraints(model)
}
