//! Exact integer inference that records the witness.
//!
//! [`QModel::infer`] evaluates every node with checked i64 arithmetic and keeps, per node,
//! what the circuit later constrains: accumulators, requantization steps (unclamped value,
//! remainder, clamp side) and max-pool choices. The prover builds its witness from this
//! record instead of recomputing it.

use crate::error::{CoreError, Result};
use crate::model::ops::{Op, OutputStage, channel_of};
use crate::model::{QModel, TensorId};
use crate::quant::requant::{RequantStep, requantize};
use crate::tensor::{FTensor, QTensor};

/// What one node computed beyond its output tensor.
#[derive(Clone, Default, PartialEq)]
pub struct NodeTrace {
    /// Accumulators of a linear operator (empty for selection and index operators).
    pub acc: Vec<i64>,
    /// Requantization steps, one per output element (empty unless the stage is `Requant`).
    pub steps: Vec<RequantStep>,
    /// For max pooling, the flat input index of each output's maximum.
    pub argmax: Vec<u32>,
    /// For the iris filter bank, the number of invalid pixels in each response's patch.
    pub invalid: Vec<i64>,
}

/// The full record of one inference: every tensor value and every node's intermediates.
///
/// It holds private data (the input image, the template), so `Debug` prints sizes only.
#[derive(Clone, PartialEq)]
pub struct Trace {
    values: Vec<Option<QTensor>>,
    nodes: Vec<NodeTrace>,
    output: TensorId,
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Trace({} tensors, {} nodes, values redacted)", self.values.len(), self.nodes.len())
    }
}

impl Trace {
    /// The value of a tensor (every tensor of a validated model is computed).
    pub fn value(&self, id: TensorId) -> Option<&QTensor> {
        self.values.get(id.index()).and_then(Option::as_ref)
    }
    /// The record of node `i` (in model order).
    pub fn node(&self, i: usize) -> Option<&NodeTrace> {
        self.nodes.get(i)
    }
    /// All node records.
    pub fn nodes(&self) -> &[NodeTrace] {
        &self.nodes
    }
    /// The model output.
    pub fn output(&self) -> &QTensor {
        // Infallible: `infer` only returns a trace after computing the output.
        self.values[self.output.index()].as_ref().unwrap_or_else(|| unreachable!("output computed"))
    }
}

fn apply_stage(
    stage: &OutputStage,
    acc: &[i64],
    shape: &[usize],
    lo: i64,
    hi: i64,
    node: &str,
) -> Result<(Vec<i64>, Vec<RequantStep>)> {
    match stage {
        OutputStage::Sign => Ok((acc.iter().map(|a| a.signum()).collect(), Vec::new())),
        OutputStage::Requant(r) => {
            let steps = acc
                .iter()
                .enumerate()
                .map(|(i, &a)| requantize(a, r.for_channel(channel_of(shape, i)), lo, hi, node))
                .collect::<Result<Vec<_>>>()?;
            Ok((steps.iter().map(|s| s.out).collect(), steps))
        }
    }
}

impl QModel {
    /// Quantizes a raw float input with the model's preprocessing.
    pub fn quantize_input(&self, raw: &FTensor) -> Result<QTensor> {
        let t = self.tensor(self.input());
        self.preprocess().quantize(raw, &t.shape, &t.quant)
    }

    /// Runs exact integer inference on a quantized input, recording the witness.
    pub fn infer(&self, input: &QTensor) -> Result<Trace> {
        let info = self.tensor(self.input());
        if input.shape() != info.shape.as_slice() {
            return Err(CoreError::InputShape { expected: info.shape.clone(), got: input.shape().to_vec() });
        }
        if let Some(index) = input.data().iter().position(|&v| v < info.quant.lo || v > info.quant.hi) {
            return Err(CoreError::InputRange { index, lo: info.quant.lo, hi: info.quant.hi });
        }
        let mut values: Vec<Option<QTensor>> = vec![None; self.tensors().len()];
        values[self.input().index()] = Some(input.clone());
        let mut nodes = Vec::with_capacity(self.nodes().len());
        for node in self.nodes() {
            // Validation guarantees inputs are computed before use.
            let ins: Vec<&QTensor> = node
                .inputs
                .iter()
                .map(|i| values[i.index()].as_ref().unwrap_or_else(|| unreachable!("validated topological order")))
                .collect();
            let out_info = self.tensor(node.output);
            let name = node.name.as_str();
            let x = ins[0].data();
            let in_shape = ins[0].shape();
            let mut trace = NodeTrace::default();
            let data = match &node.op {
                Op::Conv(c) => {
                    trace.acc = c.accumulate(x, name)?;
                    None
                }
                Op::Gemm(g) => {
                    trace.acc = g.accumulate(x, name)?;
                    None
                }
                Op::Add(a) => {
                    trace.acc = a.accumulate(x, ins[1].data(), name)?;
                    None
                }
                Op::Affine(a) => {
                    trace.acc = a.accumulate(x, in_shape, name)?;
                    None
                }
                Op::AvgPool(p) => {
                    trace.acc = p.accumulate(x, name)?;
                    None
                }
                Op::PRelu(p) => {
                    trace.acc = p.accumulate(x, in_shape, name)?;
                    None
                }
                Op::MaxPool(p) => {
                    let (out, arg) = p.select(x);
                    trace.argmax = arg;
                    Some(out)
                }
                Op::IrisCode(b) => {
                    let e = b.evaluate(x);
                    trace.acc = e.acc;
                    trace.invalid = e.invalid;
                    Some(e.out)
                }
                Op::Reshape => Some(x.to_vec()),
                Op::Transpose(t) => Some(t.source_indices(in_shape).into_iter().map(|i| x[i]).collect()),
                Op::Concat(c) => {
                    let parts: Vec<(&[usize], &[i64])> = ins.iter().map(|t| (t.shape(), t.data())).collect();
                    Some(c.apply(&parts))
                }
            };
            let data = match (data, node.op.output_stage()) {
                (Some(d), _) => d,
                (None, Some(stage)) => {
                    let (out, steps) =
                        apply_stage(stage, &trace.acc, &out_info.shape, out_info.quant.lo, out_info.quant.hi, name)?;
                    trace.steps = steps;
                    out
                }
                (None, None) => unreachable!("every linear operator has an output stage"),
            };
            values[node.output.index()] = Some(QTensor::new(out_info.shape.clone(), data)?);
            nodes.push(trace);
        }
        Ok(Trace { values, nodes, output: self.output() })
    }

    /// Integer inference returning only the output.
    pub fn run(&self, input: &QTensor) -> Result<QTensor> {
        Ok(self.infer(input)?.output().clone())
    }

    /// Dequantized output (`q * scale`).
    pub fn dequantize_output(&self, q: &QTensor) -> Vec<f64> {
        let p = self.tensor(self.output()).quant;
        q.data().iter().map(|&v| p.dequantize(v)).collect()
    }
}
