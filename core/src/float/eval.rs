//! Straightforward float interpretation of an [`FGraph`] (f64 accumulation).

use super::{FGraph, FOp};
use crate::error::{CoreError, Result};
use crate::model::ops::{Concat, Transpose, channel_of, per_channel};
use crate::tensor::FTensor;

impl FGraph {
    /// Evaluates the graph, returning the value of every tensor (by tensor index).
    pub fn eval_all(&self, input: &FTensor) -> Result<Vec<FTensor>> {
        let in_shape = &self.tensors[self.input.index()].shape;
        if input.shape() != in_shape.as_slice() {
            return Err(CoreError::InputShape { expected: in_shape.clone(), got: input.shape().to_vec() });
        }
        let mut vals: Vec<Option<FTensor>> = vec![None; self.tensors.len()];
        vals[self.input.index()] = Some(input.clone());
        for node in &self.nodes {
            let get = |i: usize| {
                vals[node.inputs[i].index()].as_ref().ok_or_else(|| CoreError::InvalidModel {
                    node: node.name.clone(),
                    reason: "input used before it is computed".into(),
                })
            };
            let x = get(0)?;
            let xs = x.data();
            let shape = &self.tensors[node.output.index()].shape;
            let data: Vec<f32> = match &node.op {
                FOp::Conv { geom, w, b, act } => {
                    let mut out = vec![0f32; shape.iter().product()];
                    geom.for_each_output(|o, oc, oy, ox| {
                        let mut s = b[oc] as f64;
                        geom.for_each_tap(oc, oy, ox, |xi, wi| s += xs[xi] as f64 * w[wi] as f64);
                        out[o] = act.apply(s as f32);
                    });
                    out
                }
                FOp::Gemm { k, n, w, b, act } => (0..*n)
                    .map(|j| {
                        let s: f64 = (0..*k).map(|i| w[j * k + i] as f64 * xs[i] as f64).sum::<f64>() + b[j] as f64;
                        act.apply(s as f32)
                    })
                    .collect(),
                FOp::Add { act } => {
                    let y = get(1)?;
                    xs.iter().zip(y.data()).map(|(a, b)| act.apply(a + b)).collect()
                }
                FOp::Affine { m, b, act } => xs
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let c = channel_of(x.shape(), i);
                        act.apply(v * per_channel(m, c) + per_channel(b, c))
                    })
                    .collect(),
                FOp::AvgPool { geom, act } => {
                    let mut out = vec![0f32; shape.iter().product()];
                    let k = (geom.kernel[0] * geom.kernel[1]) as f64;
                    geom.for_each_output(|o, oc, oy, ox| {
                        let mut s = 0f64;
                        geom.for_each_tap(oc, oy, ox, |xi, _| s += xs[xi] as f64);
                        out[o] = act.apply((s / k) as f32);
                    });
                    out
                }
                FOp::MaxPool { geom } => {
                    let mut out = vec![f32::NEG_INFINITY; shape.iter().product()];
                    geom.for_each_output(|o, oc, oy, ox| {
                        geom.for_each_tap(oc, oy, ox, |xi, _| out[o] = out[o].max(xs[xi]));
                    });
                    out
                }
                FOp::PRelu { slopes, act } => xs
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| {
                        act.apply(if v >= 0.0 { v } else { v * per_channel(slopes, channel_of(x.shape(), i)) })
                    })
                    .collect(),
                FOp::Sign => xs
                    .iter()
                    .map(|&v| {
                        if v > 0.0 {
                            1.0
                        } else if v < 0.0 {
                            -1.0
                        } else {
                            0.0
                        }
                    })
                    .collect(),
                FOp::Reshape => xs.to_vec(),
                FOp::Transpose { perm } => {
                    Transpose { perm: perm.clone() }.source_indices(x.shape()).into_iter().map(|i| xs[i]).collect()
                }
                FOp::Concat { axis } => {
                    let ins = (0..node.inputs.len()).map(get).collect::<Result<Vec<_>>>()?;
                    let parts: Vec<(&[usize], &[f32])> = ins.iter().map(|t| (t.shape(), t.data())).collect();
                    Concat { axis: *axis }.apply(&parts)
                }
            };
            vals[node.output.index()] = Some(FTensor::new(shape.clone(), data)?);
        }
        // Tensors not reachable from the input stay empty; give them zeros of their shape.
        Ok(vals
            .into_iter()
            .zip(&self.tensors)
            .map(|(v, t)| v.unwrap_or_else(|| FTensor::zeros(t.shape.clone())))
            .collect())
    }

    /// Evaluates the graph and returns its output.
    pub fn eval(&self, input: &FTensor) -> Result<FTensor> {
        let mut all = self.eval_all(input)?;
        Ok(all.swap_remove(self.output.index()))
    }
}
