//! The float graph: what ONNX import produces and quantization consumes.
//!
//! A deliberately small mirror of the integer IR with f32 parameters and fused
//! activations. [`FGraph::eval_all`] is the straightforward float interpreter used for
//! calibration and, against tract, as a check that import understood the ONNX model.

mod eval;
mod fuse;

use crate::model::TensorId;
use crate::model::ops::ConvGeom;

/// Activation fused into the operator that produces a tensor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Act {
    /// None.
    None,
    /// `max(x, 0)`.
    Relu,
    /// `min(max(x, lo), hi)`.
    Clip(f32, f32),
}

impl Act {
    /// Applies the activation.
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Act::None => x,
            Act::Relu => x.max(0.0),
            Act::Clip(lo, hi) => x.max(lo).min(hi),
        }
    }
}

/// A float operator.
#[derive(Debug, Clone, PartialEq)]
pub enum FOp {
    /// Convolution with weights `[out, in/groups, kh, kw]` and a bias per output channel.
    Conv {
        /// Geometry.
        geom: ConvGeom,
        /// Weights.
        w: Vec<f32>,
        /// Bias.
        b: Vec<f32>,
        /// Fused activation.
        act: Act,
    },
    /// Fully connected, weights `[n, k]`.
    Gemm {
        /// Input features.
        k: usize,
        /// Output features.
        n: usize,
        /// Weights.
        w: Vec<f32>,
        /// Bias.
        b: Vec<f32>,
        /// Fused activation.
        act: Act,
    },
    /// Sum of two same-shape tensors.
    Add {
        /// Fused activation.
        act: Act,
    },
    /// Per-channel `x * m[c] + b[c]` (length-1 vectors broadcast).
    Affine {
        /// Multipliers.
        m: Vec<f32>,
        /// Offsets.
        b: Vec<f32>,
        /// Fused activation.
        act: Act,
    },
    /// Average pool (padding counted as zero).
    AvgPool {
        /// Window.
        geom: ConvGeom,
        /// Fused activation.
        act: Act,
    },
    /// Max pool (padding ignored).
    MaxPool {
        /// Window.
        geom: ConvGeom,
    },
    /// PReLU with per-channel slopes (length 1 broadcasts).
    PRelu {
        /// Slopes for negative inputs.
        slopes: Vec<f32>,
        /// Fused activation.
        act: Act,
    },
    /// `sign(x)` in `{-1, 0, 1}`.
    Sign,
    /// Reshape / Flatten.
    Reshape,
    /// Axis permutation.
    Transpose {
        /// Permutation.
        perm: Vec<usize>,
    },
    /// Concatenation.
    Concat {
        /// Axis.
        axis: usize,
    },
}

/// A tensor of the float graph.
#[derive(Debug, Clone, PartialEq)]
pub struct FTensorInfo {
    /// Name.
    pub name: String,
    /// Shape.
    pub shape: Vec<usize>,
}

/// A node of the float graph.
#[derive(Debug, Clone, PartialEq)]
pub struct FNode {
    /// Source node name.
    pub name: String,
    /// Source operators fused into it.
    pub label: String,
    /// Operator.
    pub op: FOp,
    /// Inputs.
    pub inputs: Vec<TensorId>,
    /// Output.
    pub output: TensorId,
}

/// A float model graph with batch-1 static shapes, nodes in topological order.
#[derive(Debug, Clone, PartialEq)]
pub struct FGraph {
    /// Tensors.
    pub tensors: Vec<FTensorInfo>,
    /// Nodes.
    pub nodes: Vec<FNode>,
    /// Graph input.
    pub input: TensorId,
    /// Graph output.
    pub output: TensorId,
}

impl FGraph {
    /// Number of nodes that read tensor `t` (the graph output counts as a reader).
    pub fn readers(&self, t: TensorId) -> usize {
        self.nodes.iter().map(|n| n.inputs.iter().filter(|&&i| i == t).count()).sum::<usize>()
            + usize::from(self.output == t)
    }
}
