//! Element-wise linear operators: residual add, per-channel affine, PReLU.

use super::{OutputStage, channel_of, per_channel};
use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};

fn overflow(node: &str, what: &'static str) -> CoreError {
    CoreError::Overflow { node: node.to_string(), what }
}

/// `acc = a * a_mult + b * b_mult` over two tensors of the same shape. The multipliers bring
/// both inputs to a common scale; the output stage (usually a plain shift) finishes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Add {
    /// Multiplier of the first input.
    pub a_mult: i64,
    /// Multiplier of the second input.
    pub b_mult: i64,
    /// Requantization or sign.
    pub out: OutputStage,
}

impl Add {
    /// Accumulators, with checked arithmetic.
    pub fn accumulate(&self, a: &[i64], b: &[i64], node: &str) -> Result<Vec<i64>> {
        a.iter()
            .zip(b)
            .map(|(x, y)| {
                x.checked_mul(self.a_mult)
                    .and_then(|u| y.checked_mul(self.b_mult)?.checked_add(u))
                    .ok_or_else(|| overflow(node, "add accumulator"))
            })
            .collect()
    }
}

/// Per-channel `acc = x * mult[c] + bias[c]` (channel = axis 1; vectors of length 1
/// broadcast).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affine {
    /// Integer multipliers.
    pub mult: Vec<i64>,
    /// Biases at the accumulator scale.
    pub bias: Vec<i64>,
    /// Requantization or sign.
    pub out: OutputStage,
}

impl Affine {
    /// Accumulators for `x` of shape `shape`, with checked arithmetic.
    pub fn accumulate(&self, x: &[i64], shape: &[usize], node: &str) -> Result<Vec<i64>> {
        x.iter()
            .enumerate()
            .map(|(i, v)| {
                let c = channel_of(shape, i);
                v.checked_mul(per_channel(&self.mult, c))
                    .and_then(|p| p.checked_add(per_channel(&self.bias, c)))
                    .ok_or_else(|| overflow(node, "affine accumulator"))
            })
            .collect()
    }
}

/// Parametric ReLU: `acc = x * (x >= 0 ? pos : neg[c])`; slopes are `neg[c] / pos`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PRelu {
    /// Multiplier for non-negative inputs (a power of two, the slope denominator).
    pub pos: i64,
    /// Multipliers for negative inputs, per channel (length 1 broadcasts).
    pub neg: Vec<i64>,
    /// Requantization.
    pub out: OutputStage,
}

impl PRelu {
    /// Accumulators for `x` of shape `shape`, with checked arithmetic.
    pub fn accumulate(&self, x: &[i64], shape: &[usize], node: &str) -> Result<Vec<i64>> {
        x.iter()
            .enumerate()
            .map(|(i, &v)| {
                let m = if v >= 0 { self.pos } else { per_channel(&self.neg, channel_of(shape, i)) };
                v.checked_mul(m).ok_or_else(|| overflow(node, "prelu accumulator"))
            })
            .collect()
    }
}
