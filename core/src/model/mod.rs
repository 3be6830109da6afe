//! The quantized model IR: a topologically ordered graph of integer operators over
//! tensors with fixed shapes and quantization parameters.

pub mod input;
pub mod ops;

pub use input::{Layout, Preprocess};
pub use ops::{Op, OutputStage};

use crate::quant::requant::MAX_SHIFT;
use crate::quant::{QuantConfig, QuantParams};
use crate::tensor::{checked_numel, numel};
use serde::{Deserialize, Serialize};

/// Index of a tensor in [`QModel::tensors`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TensorId(pub u32);

impl TensorId {
    /// As an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Shape and quantization of one tensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorInfo {
    /// Name from the source model.
    pub name: String,
    /// Shape (batch 1 first).
    pub shape: Vec<usize>,
    /// Quantization parameters.
    pub quant: QuantParams,
}

/// One operator application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Node name from the source model.
    pub name: String,
    /// Source operators fused into this node, e.g. `Conv+BatchNormalization+Relu`.
    pub label: String,
    /// The operator.
    pub op: Op,
    /// Input tensors.
    pub inputs: Vec<TensorId>,
    /// Output tensor (written by this node only).
    pub output: TensorId,
}

/// Descriptive metadata carried in the `.zkm` file (part of the model digest).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelMeta {
    /// Human-readable model name.
    pub name: String,
    /// SHA-256 (hex) of the source ONNX file, when compiled from one.
    pub source_sha256: Option<String>,
    /// Quantization settings used at compile time.
    pub config: Option<QuantConfig>,
    /// Free-form key/value notes (fidelity figures, task).
    pub notes: Vec<(String, String)>,
}

/// The serialized fields of a [`QModel`], validated into one by `TryFrom`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QModelParts {
    /// All tensors.
    pub tensors: Vec<TensorInfo>,
    /// Nodes in topological order.
    pub nodes: Vec<Node>,
    /// The model input.
    pub input: TensorId,
    /// The model output.
    pub output: TensorId,
    /// Raw input preprocessing.
    pub preprocess: Preprocess,
    /// Metadata.
    pub meta: ModelMeta,
}

/// A validated quantized model. Every value of this type is structurally consistent
/// (ids in range, shapes agree with operators, parameter lengths match), so inference and
/// circuit synthesis over it cannot index out of bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "QModelParts", into = "QModelParts")]
pub struct QModel {
    parts: QModelParts,
}

impl TryFrom<QModelParts> for QModel {
    type Error = String;
    fn try_from(parts: QModelParts) -> Result<Self, String> {
        validate(&parts)?;
        Ok(Self { parts })
    }
}

impl From<QModel> for QModelParts {
    fn from(m: QModel) -> Self {
        m.parts
    }
}

impl QModel {
    /// Validates and wraps the parts.
    pub fn new(parts: QModelParts) -> Result<Self, String> {
        Self::try_from(parts)
    }
    /// All tensors.
    pub fn tensors(&self) -> &[TensorInfo] {
        &self.parts.tensors
    }
    /// One tensor.
    pub fn tensor(&self, id: TensorId) -> &TensorInfo {
        &self.parts.tensors[id.index()]
    }
    /// Nodes in topological order.
    pub fn nodes(&self) -> &[Node] {
        &self.parts.nodes
    }
    /// The input tensor id.
    pub fn input(&self) -> TensorId {
        self.parts.input
    }
    /// The output tensor id.
    pub fn output(&self) -> TensorId {
        self.parts.output
    }
    /// Input shape.
    pub fn input_shape(&self) -> &[usize] {
        &self.tensor(self.parts.input).shape
    }
    /// Output shape.
    pub fn output_shape(&self) -> &[usize] {
        &self.tensor(self.parts.output).shape
    }
    /// Raw input preprocessing.
    pub fn preprocess(&self) -> &Preprocess {
        &self.parts.preprocess
    }
    /// Metadata.
    pub fn meta(&self) -> &ModelMeta {
        &self.parts.meta
    }
    /// Replaces the metadata (it does not affect semantics).
    pub fn set_meta(&mut self, meta: ModelMeta) {
        self.parts.meta = meta;
    }
    /// Total number of constant parameters.
    pub fn param_count(&self) -> usize {
        self.nodes().iter().map(|n| n.op.param_count()).sum()
    }
    /// Number of activation values computed by arithmetic nodes (not index maps).
    pub fn activation_count(&self) -> usize {
        self.nodes()
            .iter()
            .filter(|n| !matches!(n.op, Op::Reshape | Op::Transpose(_) | Op::Concat(_)))
            .map(|n| numel(&self.tensor(n.output).shape))
            .sum()
    }
}

/// Output shape an operator produces for the given input shapes.
pub fn infer_shape(op: &Op, inputs: &[&[usize]], declared_out: &[usize]) -> Result<Vec<usize>, String> {
    let arity = |n: usize| {
        if inputs.len() == n { Ok(()) } else { Err(format!("expects {n} input(s), has {}", inputs.len())) }
    };
    let nchw = |geom: &ops::ConvGeom| {
        if inputs[0] != geom.in_shape().as_slice() {
            return Err(format!("input shape {:?} does not match the operator's {:?}", inputs[0], geom.in_shape()));
        }
        geom.validate()?;
        Ok(geom.out_shape())
    };
    match op {
        Op::Conv(c) => {
            arity(1)?;
            let out = nchw(&c.geom)?;
            if c.weights.len() != c.geom.out_ch * c.geom.taps_per_output() || c.bias.len() != c.geom.out_ch {
                return Err("weight or bias length does not match the convolution geometry".into());
            }
            Ok(out)
        }
        Op::AvgPool(p) => {
            arity(1)?;
            if p.geom.groups != p.geom.in_ch || p.geom.in_ch != p.geom.out_ch {
                return Err("pooling must be depthwise".into());
            }
            nchw(&p.geom)
        }
        Op::MaxPool(p) => {
            arity(1)?;
            let g = &p.geom;
            if g.groups != g.in_ch || g.in_ch != g.out_ch {
                return Err("pooling must be depthwise".into());
            }
            if g.pads[0] >= g.kernel[0]
                || g.pads[2] >= g.kernel[0]
                || g.pads[1] >= g.kernel[1]
                || g.pads[3] >= g.kernel[1]
            {
                return Err("max pool padding must be smaller than the kernel".into());
            }
            nchw(g)
        }
        Op::Gemm(g) => {
            arity(1)?;
            if numel(inputs[0]) != g.in_features {
                return Err(format!("input has {} elements, gemm expects {}", numel(inputs[0]), g.in_features));
            }
            if g.weights.len() != g.in_features * g.out_features || g.bias.len() != g.out_features {
                return Err("weight or bias length does not match the gemm shape".into());
            }
            Ok(vec![1, g.out_features])
        }
        Op::Add(_) => {
            arity(2)?;
            if inputs[0] != inputs[1] {
                return Err(format!("add inputs differ in shape: {:?} vs {:?}", inputs[0], inputs[1]));
            }
            Ok(inputs[0].to_vec())
        }
        Op::Affine(a) => {
            arity(1)?;
            check_channels(inputs[0], a.mult.len())?;
            check_channels(inputs[0], a.bias.len())?;
            Ok(inputs[0].to_vec())
        }
        Op::PRelu(p) => {
            arity(1)?;
            check_channels(inputs[0], p.neg.len())?;
            Ok(inputs[0].to_vec())
        }
        Op::Reshape => {
            arity(1)?;
            if numel(inputs[0]) != numel(declared_out) {
                return Err(format!("cannot reshape {:?} into {:?}", inputs[0], declared_out));
            }
            Ok(declared_out.to_vec())
        }
        Op::Transpose(t) => {
            arity(1)?;
            let mut seen = vec![false; t.perm.len()];
            if t.perm.len() != inputs[0].len()
                || t.perm.iter().any(|&p| p >= seen.len() || std::mem::replace(&mut seen[p], true))
            {
                return Err(format!("{:?} is not a permutation of {} axes", t.perm, inputs[0].len()));
            }
            Ok(t.perm.iter().map(|&p| inputs[0][p]).collect())
        }
        Op::IrisCode(b) => {
            arity(1)?;
            b.validate()?;
            if inputs[0] != b.in_shape().as_slice() {
                return Err(format!("input shape {:?} does not match the filter bank's {:?}", inputs[0], b.in_shape()));
            }
            Ok(b.out_shape())
        }
        Op::Concat(c) => {
            let first = inputs.first().ok_or("concat needs at least one input")?;
            if c.axis >= first.len() {
                return Err(format!("concat axis {} out of range", c.axis));
            }
            let mut out = first.to_vec();
            out[c.axis] = 0;
            for s in inputs {
                if s.len() != first.len() || (0..s.len()).any(|a| a != c.axis && s[a] != first[a]) {
                    return Err("concat inputs differ outside the concat axis".into());
                }
                out[c.axis] += s[c.axis];
            }
            Ok(out)
        }
    }
}

fn check_channels(shape: &[usize], len: usize) -> Result<(), String> {
    let channels = if shape.len() >= 2 { shape[1] } else { 1 };
    if len == 1 || len == channels {
        Ok(())
    } else {
        Err(format!("per-channel parameter has {len} values for {channels} channels"))
    }
}

fn validate_stage(stage: &OutputStage, channels: usize, out: &QuantParams) -> Result<(), String> {
    match stage {
        OutputStage::Sign => {
            if (out.lo, out.hi) != (-1, 1) {
                return Err("a sign output must have the range [-1, 1]".into());
            }
        }
        OutputStage::Requant(r) => {
            if r.channels.len() != 1 && r.channels.len() != channels {
                return Err(format!("{} multipliers for {channels} channels", r.channels.len()));
            }
            if r.channels.iter().any(|m| m.mult < 0 || m.shift >= MAX_SHIFT) {
                return Err("multiplier is negative or its shift too large".into());
            }
        }
    }
    Ok(())
}

fn validate(p: &QModelParts) -> Result<(), String> {
    let nt = p.tensors.len();
    let in_range = |id: TensorId| id.index() < nt;
    // A NaN or infinite scale would turn every raw input into NaN before quantization.
    if !(p.preprocess.scale.is_finite() && p.preprocess.offset.is_finite()) {
        return Err("the input preprocessing has a non-finite scale or offset".into());
    }
    if !in_range(p.input) || !in_range(p.output) {
        return Err("input or output tensor id out of range".into());
    }
    for t in &p.tensors {
        if !(t.quant.scale.is_finite() && t.quant.scale > 0.0) || t.quant.lo > t.quant.hi {
            return Err(format!("tensor `{}` has invalid quantization parameters", t.name));
        }
        // Values stay far from i64 limits so sums of a few of them cannot wrap in the
        // circuit's field embedding either.
        if t.quant.lo < -(1 << 40) || t.quant.hi > (1 << 40) || t.shape.is_empty() || t.shape.contains(&0) {
            return Err(format!("tensor `{}` has an unsupported range or an empty shape", t.name));
        }
        // Checked: a file's shape can overflow the product, which must not wrap to a small
        // count (every later `numel` relies on this bound).
        if checked_numel(&t.shape).is_none_or(|n| n > 1 << 28) {
            return Err(format!("tensor `{}` is too large", t.name));
        }
    }
    let mut defined = vec![false; nt];
    defined[p.input.index()] = true;
    for n in &p.nodes {
        let ctx = |e: String| format!("node `{}`: {e}", n.name);
        if !in_range(n.output) || n.inputs.iter().any(|&i| !in_range(i)) {
            return Err(ctx("tensor id out of range".into()));
        }
        if let Some(i) = n.inputs.iter().find(|i| !defined[i.index()]) {
            return Err(ctx(format!("input tensor #{} is used before it is computed", i.0)));
        }
        if std::mem::replace(&mut defined[n.output.index()], true) {
            return Err(ctx("output tensor is written twice".into()));
        }
        let shapes: Vec<&[usize]> = n.inputs.iter().map(|i| p.tensors[i.index()].shape.as_slice()).collect();
        let out = &p.tensors[n.output.index()];
        let shape = infer_shape(&n.op, &shapes, &out.shape).map_err(ctx)?;
        if shape != out.shape {
            return Err(ctx(format!("computes shape {shape:?} but the tensor is declared {:?}", out.shape)));
        }
        if matches!(n.op, Op::IrisCode(_)) {
            // The circuit splits each input value into pixel bits and the valid bit, so the
            // filter bank reads the model input directly, in its packed range.
            let q = p.tensors[n.inputs[0].index()].quant;
            if n.inputs[0] != p.input
                || (q.lo, q.hi) != (0, ops::iris::INPUT_MAX)
                || (out.quant.lo, out.quant.hi) != (0, 1)
            {
                return Err(ctx(format!(
                    "the iris filter bank must read the model input with range [0, {}] and output bits",
                    ops::iris::INPUT_MAX
                )));
            }
        }
        if let Some(stage) = n.op.output_stage() {
            validate_stage(stage, if shape.len() >= 2 { shape[1] } else { 1 }, &out.quant).map_err(ctx)?;
        }
        // Selection and index operators must not change quantization.
        if matches!(n.op, Op::MaxPool(_) | Op::Reshape | Op::Transpose(_) | Op::Concat(_))
            && n.inputs.iter().any(|i| p.tensors[i.index()].quant != out.quant)
        {
            return Err(ctx("input and output quantization must be equal for index operators".into()));
        }
    }
    if !defined[p.output.index()] {
        return Err("the output tensor is never computed".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One tensor, no nodes: the smallest model `validate` accepts.
    fn single_tensor(shape: Vec<usize>) -> QModelParts {
        QModelParts {
            tensors: vec![TensorInfo { name: "x".into(), shape, quant: QuantParams { scale: 1.0, lo: -8, hi: 7 } }],
            nodes: vec![],
            input: TensorId(0),
            output: TensorId(0),
            preprocess: Preprocess::default(),
            meta: ModelMeta::default(),
        }
    }

    /// Found by the `zkm` fuzz target: `[2^40 + 1, 2^24]` has 2^64 + 2^24 elements, which
    /// wrapped to 2^24 (under the size limit) in release builds and panicked in debug ones.
    #[test]
    fn zkm_shape_whose_element_count_overflows_is_refused() {
        assert!(QModel::new(single_tensor(vec![4])).is_ok());
        for shape in [vec![(1 << 40) + 1, 1 << 24], vec![usize::MAX, 2], vec![1 << 32, 1 << 32, 1]] {
            let err = QModel::new(single_tensor(shape.clone())).expect_err("overflowing shape accepted");
            assert!(err.contains("too large"), "{shape:?}: {err}");
        }
        assert!(QModel::new(single_tensor(vec![usize::MAX, 0])).is_err());
    }

    /// Found by the `zkm` fuzz target: a NaN preprocessing scale was accepted, and every
    /// raw input then became NaN before quantization.
    #[test]
    fn zkm_with_non_finite_preprocessing_is_refused() {
        for (scale, offset) in [(f32::NAN, 0.0), (1.0, f32::NAN), (f32::INFINITY, 0.0), (1.0, f32::NEG_INFINITY)] {
            let mut parts = single_tensor(vec![4]);
            parts.preprocess.scale = scale;
            parts.preprocess.offset = offset;
            let err = QModel::new(parts).expect_err("non-finite preprocessing accepted");
            assert!(err.contains("non-finite"), "{err}");
        }
    }
}
