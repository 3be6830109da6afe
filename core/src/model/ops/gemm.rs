//! Fully connected layer with constant weights.

use super::OutputStage;
use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};

/// `acc[n] = bias[n] + Σ_k W[n,k] * x[k]` over the flattened input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gemm {
    /// Input features `K`.
    pub in_features: usize,
    /// Output features `N`.
    pub out_features: usize,
    /// Weights `[N, K]`, quantized symmetric per output feature.
    pub weights: Vec<i64>,
    /// Bias per output feature at the accumulator scale.
    pub bias: Vec<i64>,
    /// Requantization or sign.
    pub out: OutputStage,
}

impl Gemm {
    /// Accumulators for the flattened input `x` of length `K`, with checked arithmetic.
    pub fn accumulate(&self, x: &[i64], node: &str) -> Result<Vec<i64>> {
        let k = self.in_features;
        (0..self.out_features)
            .map(|n| {
                let row = &self.weights[n * k..(n + 1) * k];
                row.iter()
                    .zip(x)
                    .try_fold(self.bias[n], |s, (w, v)| w.checked_mul(*v)?.checked_add(s))
                    .ok_or_else(|| CoreError::Overflow { node: node.to_string(), what: "gemm accumulator" })
            })
            .collect()
    }
}
