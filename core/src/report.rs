//! Static per-layer analysis: accumulator bounds and bit widths, and the exact R1CS
//! constraint count of each layer (following the cost model of ARCHITECTURE.md and the
//! gadget costs documented in `zkid-circuits`; a test checks both agree).
//!
//! Per output element:
//! * requantized output: `s + 1` for the remainder range check (0 when `s = 0`), then the
//!   clamp: an exact range check when the unclamped bound already fits `[lo, hi]`, else one
//!   decomposition and a zero test, `k + 7`, when the output span is `2^m` (all 8-bit
//!   tensors), or two sign tests, `2(k + 2) + 2`, with `k = bits(bound + max(|lo|, |hi|))`;
//! * sign output: `bits(|acc| bound) + 5`; PReLU adds `k + 3` (sign test and product);
//! * max pool: `n(m + 1) + n - 1` for a window of `n` inputs of `m`-bit span;
//! * reshape, transpose, concat: free; input pixels: an exact range check each.

use crate::model::ops::{Op, OutputStage};
use crate::model::{Node, QModel};
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
        Op::IrisCode(b) => Some(u128::from(b.filters.iter().map(|k| k.abs_sum()).max().unwrap_or(0)) * 255),
        Op::MaxPool(_) | Op::Reshape | Op::Transpose(_) | Op::Concat(_) => None,
    }
}

fn bits_for(v: u128) -> u64 {
    u64::from(bits_u128(v).max(1))
}

/// Cost of `lo <= x <= hi` (the circuits crate's `in_range`).
fn in_range_cost(lo: i64, hi: i64) -> u64 {
    let span = (hi as i128 - lo as i128) as u128;
    if span == 0 {
        1
    } else if (span + 1).is_power_of_two() {
        bits_for(span + 1)
    } else {
        2 * (bits_for(span) + 1)
    }
}

/// Exact constraints of one node, mirroring the gadgets of `zkid-circuits` (a test there
/// checks this against synthesis).
pub fn node_constraints(model: &QModel, node: &Node) -> u64 {
    let out = model.tensor(node.output);
    let n: usize = out.shape.iter().product();
    let bound = acc_bound(model, node);
    let stage: u64 = match (node.op.output_stage(), bound) {
        (Some(OutputStage::Sign), Some(b)) => n as u64 * (bits_for(b) + 5),
        (Some(OutputStage::Requant(r)), Some(b)) => (0..n)
            .map(|i| {
                let m = r.for_channel(crate::model::ops::channel_of(&out.shape, i));
                let round = if m.shift > 0 { 1u128 << (m.shift - 1) } else { 0 };
                let qb = ((b * m.mult as u128 + round) >> m.shift) + 1;
                let requant = if m.shift == 0 { 0 } else { u64::from(m.shift) + 1 };
                let (lo, hi) = (out.quant.lo as i128, out.quant.hi as i128);
                let clamp = if -(qb as i128) >= lo && qb as i128 <= hi {
                    in_range_cost(out.quant.lo, out.quant.hi)
                } else {
                    let k = bits_for(qb + out.quant.lo.unsigned_abs().max(out.quant.hi.unsigned_abs()) as u128);
                    let span = (hi - lo) as u128 + 1;
                    if span.is_power_of_two() && u64::from(span.trailing_zeros()) < k { k + 7 } else { 2 * (k + 2) + 2 }
                };
                requant + clamp
            })
            .sum(),
        _ => 0,
    };
    let extra: u64 = match &node.op {
        Op::PRelu(_) => {
            let q = model.tensor(node.inputs[0]).quant;
            let k = bits_for(q.lo.unsigned_abs().max(q.hi.unsigned_abs()) as u128 + 1);
            n as u64 * (k + 3)
        }
        Op::MaxPool(p) => {
            let q = model.tensor(node.inputs[0]).quant;
            let m = bits_for((q.hi as i128 - q.lo as i128).max(1) as u128);
            let mut total = 0u64;
            p.geom.for_each_output(|_, oc, oy, ox| {
                let mut taps = 0u64;
                p.geom.for_each_tap(oc, oy, ox, |_, _| taps += 1);
                if taps > 1 {
                    total += taps * (m + 1) + taps - 1;
                }
            });
            total
        }
        // Per response: two code-bit decompositions of k + 2, a zero test (3), the
        // invalid-count test (bits(n) + 2) and a product (the circuits crate's `iris` module).
        Op::IrisCode(b) => (0..b.filters.len())
            .flat_map(|f| (0..b.probes[0]).map(move |i| (f, i)))
            .map(|(f, i)| {
                let (neg, pos) = b.filters[f].signed_sums();
                let k = bits_for((u128::from(neg) * 255).max((u128::from(pos) * 255).saturating_sub(1)));
                let k_count = bits_for(b.patch_pixels(f, i) as u128);
                b.probes[1] as u64 * (2 * (k + 2) + k_count + 6)
            })
            .sum(),
        _ => 0,
    };
    stage + extra
}

/// Per-layer rows.
pub fn layer_table(model: &QModel) -> Vec<LayerRow> {
    model
        .nodes()
        .iter()
        .map(|node| {
            let out = model.tensor(node.output);
            LayerRow {
                name: node.name.clone(),
                label: node.label.clone(),
                op: node.op.kind(),
                shape: out.shape.clone(),
                params: node.op.param_count(),
                acc_bits: acc_bound(model, node).map(|b| bits_u128(b) + 1),
                constraints: node_constraints(model, node),
            }
        })
        .collect()
}

/// Constraints for range-checking the private input.
pub fn input_constraints(model: &QModel) -> u64 {
    let t = model.tensor(model.input());
    // An iris-code input is allocated as an 8-bit pixel and a valid bit: 9 per value.
    let per = if crate::iris::filter_bank(model).is_some() { 9 } else { in_range_cost(t.quant.lo, t.quant.hi) };
    t.shape.iter().product::<usize>() as u64 * per
}

/// Exact constraints of the model itself: layers + input range checks (a statement adds
/// its public-input bindings, the nonce and any commitments).
pub fn estimated_constraints(model: &QModel) -> u64 {
    layer_table(model).iter().map(|r| r.constraints).sum::<u64>() + input_constraints(model)
}
