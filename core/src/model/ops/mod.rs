//! Integer operators of a [`QModel`](super::QModel).
//!
//! Linear operators (conv, gemm, add, per-channel affine, average pool, PReLU) compute an
//! i64 accumulator per output element and finish with an [`OutputStage`]. Max pooling
//! selects; reshape, transpose and concat only move values.

pub mod affine;
pub mod conv;
pub mod gemm;
pub mod iris;
pub mod pool;
pub mod shape;

pub use affine::{Add, Affine, PRelu};
pub use conv::{Conv, ConvGeom};
pub use gemm::Gemm;
pub use iris::IrisCode;
pub use pool::{AvgPool, MaxPool};
pub use shape::{Concat, Transpose};

use crate::quant::Requant;
use serde::{Deserialize, Serialize};

/// What happens to a linear operator's accumulator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutputStage {
    /// Requantize into the output tensor's scale and clamp to its `[lo, hi]`
    /// (see [`crate::quant::requant`]).
    Requant(Requant),
    /// Binarize: `out = sign(acc)` in `{-1, 0, 1}` (ONNX `Sign`); no rounding involved.
    Sign,
}

/// One integer operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// 2-D convolution (NCHW), incl. grouped and depthwise.
    Conv(Conv),
    /// Fully connected layer with constant weights (Gemm / MatMul).
    Gemm(Gemm),
    /// Element-wise sum of two tensors with rescaling (residual add).
    Add(Add),
    /// Per-channel `x * m[c] + b[c]`: Mul/Div/Add/Sub by constants, standalone batch norm,
    /// standalone ReLU / Clip (identity with a clamped output), Sign.
    Affine(Affine),
    /// Average pooling (sum over the window, division folded into the requantization).
    AvgPool(AvgPool),
    /// Max pooling.
    MaxPool(MaxPool),
    /// Parametric ReLU with constant per-channel slopes.
    PRelu(PRelu),
    /// Same values, new shape (Reshape, Flatten).
    Reshape,
    /// Axis permutation.
    Transpose(Transpose),
    /// Concatenation along an axis.
    Concat(Concat),
    /// open-iris's Gabor filter bank and encoder at the probe points: code and mask bits.
    IrisCode(IrisCode),
}

impl Op {
    /// Short operator name for tables and errors.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Conv(_) => "Conv",
            Op::Gemm(_) => "Gemm",
            Op::Add(_) => "Add",
            Op::Affine(_) => "Affine",
            Op::AvgPool(_) => "AvgPool",
            Op::MaxPool(_) => "MaxPool",
            Op::PRelu(_) => "PRelu",
            Op::Reshape => "Reshape",
            Op::Transpose(_) => "Transpose",
            Op::Concat(_) => "Concat",
            Op::IrisCode(_) => "IrisCode",
        }
    }

    /// The output stage of a linear operator; `None` for selection and index operators.
    pub fn output_stage(&self) -> Option<&OutputStage> {
        match self {
            Op::Conv(o) => Some(&o.out),
            Op::Gemm(o) => Some(&o.out),
            Op::Add(o) => Some(&o.out),
            Op::Affine(o) => Some(&o.out),
            Op::AvgPool(o) => Some(&o.out),
            Op::PRelu(o) => Some(&o.out),
            Op::MaxPool(_) | Op::Reshape | Op::Transpose(_) | Op::Concat(_) | Op::IrisCode(_) => None,
        }
    }

    /// Number of constant parameters (weights, biases, multipliers excluded).
    pub fn param_count(&self) -> usize {
        match self {
            Op::Conv(o) => o.weights.len() + o.bias.len(),
            Op::Gemm(o) => o.weights.len() + o.bias.len(),
            Op::Affine(o) => o.mult.len() + o.bias.len(),
            Op::PRelu(o) => o.neg.len(),
            Op::IrisCode(o) => o.filters.iter().map(|k| k.re.len() + k.im.len()).sum(),
            _ => 0,
        }
    }
}

/// Channel (axis 1) of flat element `i` in a tensor of `shape` (`[1, C, ...]`).
pub fn channel_of(shape: &[usize], i: usize) -> usize {
    if shape.len() < 2 {
        return 0;
    }
    let inner: usize = shape[2..].iter().product();
    (i / inner.max(1)) % shape[1]
}

/// Per-channel vectors are either a single broadcast value or one value per channel.
pub fn per_channel<T: Copy>(v: &[T], c: usize) -> T {
    if v.len() == 1 { v[0] } else { v[c] }
}
