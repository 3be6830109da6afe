//! Constraints for a whole [`QModel`]: every node's integer semantics, with the witness
//! taken from a recorded [`Trace`].
//!
//! Per node (costs from the gadgets):
//! * conv, gemm, add, affine, average pool: the accumulator is a linear combination of the
//!   input wires with the constant weights — 0 constraints; then the output stage:
//!   requantize (`s + 1`) + clamp (range check or two sign tests), or sign (`k + 4`);
//! * PReLU: one sign test of the input and one product, then the output stage;
//! * max pool: [`crate::gadgets::max`] per window;
//! * reshape, transpose, concat: wires are re-indexed, 0 constraints.

use crate::field::{Fr, fr_from_i64};
use crate::gadgets::{self, bits::bits_for};
use crate::iris::{self, PixelWires};
use crate::wire::{SynResult, Wire};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use zkid_core::model::ops::{Op, OutputStage, channel_of, per_channel};
use zkid_core::model::{Node, QModel};
use zkid_core::report::acc_bound;
use zkid_core::{NodeTrace, Trace};

/// The allocated, range-checked model input.
pub struct ModelInput {
    /// One wire per input element.
    pub values: Vec<Wire>,
    /// For an iris-code model, each value's pixel and valid-bit variables.
    iris: Option<Vec<PixelWires>>,
}

/// Allocates the private model input (values from `input` when proving) and range-checks
/// every element to the input tensor's `[lo, hi]` (an iris-code model's input is split into
/// its pixel and valid bit, 9 constraints per pixel; see [`crate::iris`]).
pub fn alloc_input(cs: &ConstraintSystemRef<Fr>, model: &QModel, input: Option<&[i64]>) -> SynResult<ModelInput> {
    let t = model.tensor(model.input());
    let n: usize = t.shape.iter().product();
    if zkid_core::iris::filter_bank(model).is_some() {
        let px = (0..n).map(|i| PixelWires::alloc(cs, input.map(|x| x[i]))).collect::<SynResult<Vec<_>>>()?;
        return Ok(ModelInput { values: px.iter().map(PixelWires::value).collect(), iris: Some(px) });
    }
    let (lo, hi) = (t.quant.lo, t.quant.hi);
    let span = (hi as i128 - lo as i128 + 1).max(0) as u128;
    // In lookup mode a power-of-two range is allocated as its limbs: no recomposition row.
    let as_limbs =
        crate::lookup::active() && span.is_power_of_two() && span.trailing_zeros() >= crate::lookup::MIN_LOOKUP_BITS;
    let values = (0..n)
        .map(|i| {
            if as_limbs {
                let offset = input.map(|x| u64::try_from(x[i] as i128 - lo as i128).unwrap_or(u64::MAX));
                return Ok(gadgets::alloc_bounded(cs, offset, span.trailing_zeros())?.add_const(fr_from_i64(lo)));
            }
            let w = Wire::witness(cs, input.map(|x| fr_from_i64(x[i])))?;
            gadgets::in_range(cs, &w, lo, hi)?;
            Ok(w)
        })
        .collect::<SynResult<Vec<_>>>()?;
    Ok(ModelInput { values, iris: None })
}

/// The output stage of a linear node applied to its accumulator wires.
fn finish(
    cs: &ConstraintSystemRef<Fr>,
    model: &QModel,
    node: &Node,
    acc: Vec<Wire>,
    trace: Option<&NodeTrace>,
) -> SynResult<Vec<Wire>> {
    let out = model.tensor(node.output);
    let bound = acc_bound(model, node).ok_or(SynthesisError::Unsatisfiable)?;
    let stage = node.op.output_stage().ok_or(SynthesisError::Unsatisfiable)?;
    acc.iter()
        .enumerate()
        .map(|(i, a)| match stage {
            OutputStage::Sign => gadgets::sign(cs, a, u64::try_from(bound).map_err(|_| SynthesisError::Unsatisfiable)?),
            OutputStage::Requant(r) => {
                let m = r.for_channel(channel_of(&out.shape, i));
                let round = if m.shift > 0 { 1u128 << (m.shift - 1) } else { 0 };
                let qmax = (bound * m.mult as u128 + round) >> m.shift;
                gadgets::requantize_clamp(
                    cs,
                    a,
                    m,
                    (out.quant.lo, out.quant.hi),
                    u64::try_from(qmax + 1).map_err(|_| SynthesisError::Unsatisfiable)?,
                    trace.and_then(|t| t.steps.get(i)).map(|s| s.unclamped),
                )
            }
        })
        .collect()
}

/// Adds the constraints of every node of `model` on top of `input` wires and returns the
/// output wires. `trace` provides the witness (None during key generation).
pub fn synthesize(
    cs: &ConstraintSystemRef<Fr>,
    model: &QModel,
    input: ModelInput,
    trace: Option<&Trace>,
) -> SynResult<Vec<Wire>> {
    synthesize_counted(cs, model, input, trace, &mut |_, _| {})
}

/// Exact constraint count of each node (and of the input range checks, reported as
/// `"input"`), from a key-generation-mode synthesis.
pub fn layer_constraints(model: &QModel) -> SynResult<Vec<(String, usize)>> {
    let cs = ark_relations::gr1cs::ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(ark_relations::gr1cs::SynthesisMode::Setup);
    let x = alloc_input(&cs, model, None)?;
    let mut out = vec![("input".to_string(), cs.num_constraints())];
    synthesize_counted(&cs, model, x, None, &mut |name, n| out.push((name.to_string(), n)))?;
    Ok(out)
}

/// [`synthesize`], calling `counted(node name, constraints added)` after each node.
pub fn synthesize_counted(
    cs: &ConstraintSystemRef<Fr>,
    model: &QModel,
    input: ModelInput,
    trace: Option<&Trace>,
    counted: &mut dyn FnMut(&str, usize),
) -> SynResult<Vec<Wire>> {
    let mut vals: Vec<Option<Vec<Wire>>> = vec![None; model.tensors().len()];
    vals[model.input().index()] = Some(input.values);
    for (ni, node) in model.nodes().iter().enumerate() {
        let before = cs.num_constraints();
        let nt = trace.and_then(|t| t.node(ni));
        let get = |k: usize| vals[node.inputs[k].index()].as_ref().ok_or(SynthesisError::Unsatisfiable);
        let x = get(0)?;
        let in_shape = &model.tensor(node.inputs[0]).shape;
        let acc_val = |i: usize| nt.and_then(|t| t.acc.get(i)).map(|&a| fr_from_i64(a));
        let out_vals = trace.and_then(|t| t.value(node.output)).map(|v| v.data());
        let out: Vec<Wire> = match &node.op {
            Op::Conv(c) => {
                let mut acc = Vec::new();
                c.geom.for_each_output(|o, oc, oy, ox| {
                    let mut terms: Vec<(Fr, &Wire)> = Vec::with_capacity(c.geom.taps_per_output());
                    c.geom.for_each_tap(oc, oy, ox, |xi, wi| terms.push((fr_from_i64(c.weights[wi]), &x[xi])));
                    acc.push(Wire::linear_with_value(terms, fr_from_i64(c.bias[oc]), acc_val(o)));
                });
                finish(cs, model, node, acc, nt)?
            }
            Op::Gemm(g) => {
                let acc = (0..g.out_features)
                    .map(|n| {
                        let row = &g.weights[n * g.in_features..(n + 1) * g.in_features];
                        Wire::linear_with_value(
                            row.iter().map(|&w| fr_from_i64(w)).zip(x.iter()),
                            fr_from_i64(g.bias[n]),
                            acc_val(n),
                        )
                    })
                    .collect();
                finish(cs, model, node, acc, nt)?
            }
            Op::Add(a) => {
                let y = get(1)?;
                let acc = x
                    .iter()
                    .zip(y)
                    .enumerate()
                    .map(|(i, (p, q))| {
                        Wire::linear_with_value(
                            [(fr_from_i64(a.a_mult), p), (fr_from_i64(a.b_mult), q)],
                            Fr::from(0u64),
                            acc_val(i),
                        )
                    })
                    .collect();
                finish(cs, model, node, acc, nt)?
            }
            Op::Affine(a) => {
                let acc = x
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let c = channel_of(in_shape, i);
                        Wire::linear_with_value(
                            [(fr_from_i64(per_channel(&a.mult, c)), w)],
                            fr_from_i64(per_channel(&a.bias, c)),
                            acc_val(i),
                        )
                    })
                    .collect();
                finish(cs, model, node, acc, nt)?
            }
            Op::AvgPool(p) => {
                let mut acc = Vec::new();
                p.geom.for_each_output(|o, oc, oy, ox| {
                    let mut terms: Vec<(Fr, &Wire)> = Vec::new();
                    p.geom.for_each_tap(oc, oy, ox, |xi, _| terms.push((Fr::from(1u64), &x[xi])));
                    acc.push(Wire::linear_with_value(terms, Fr::from(0u64), acc_val(o)));
                });
                finish(cs, model, node, acc, nt)?
            }
            Op::PRelu(p) => {
                let q = model.tensor(node.inputs[0]).quant;
                let k = bits_for(q.lo.unsigned_abs().max(q.hi.unsigned_abs()) as u128 + 1);
                let acc = x
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let neg = per_channel(&p.neg, channel_of(in_shape, i));
                        let ge = gadgets::is_nonneg(cs, w, k)?;
                        let gx = ge.mul(w, cs)?;
                        Ok(Wire::linear_with_value(
                            [(fr_from_i64(neg), w), (fr_from_i64(p.pos - neg), &gx)],
                            Fr::from(0u64),
                            acc_val(i),
                        ))
                    })
                    .collect::<SynResult<Vec<_>>>()?;
                finish(cs, model, node, acc, nt)?
            }
            Op::MaxPool(p) => {
                let q = model.tensor(node.inputs[0]).quant;
                let mut windows: Vec<Vec<Wire>> = Vec::new();
                p.geom.for_each_output(|_, oc, oy, ox| {
                    let mut win = Vec::new();
                    p.geom.for_each_tap(oc, oy, ox, |xi, _| win.push(x[xi].clone()));
                    windows.push(win);
                });
                windows
                    .iter()
                    .enumerate()
                    .map(|(o, win)| gadgets::max(cs, win, q.lo, q.hi, out_vals.map(|v| v[o])))
                    .collect::<SynResult<Vec<_>>>()?
            }
            Op::IrisCode(b) => {
                // Validation guarantees the bank reads the model input, allocated as pixels.
                let px = input.iris.as_deref().ok_or(SynthesisError::Unsatisfiable)?;
                iris::synthesize(cs, b, px, nt)?
            }
            Op::Reshape => x.clone(),
            Op::Transpose(t) => t.source_indices(in_shape).into_iter().map(|i| x[i].clone()).collect(),
            Op::Concat(c) => {
                let ins = (0..node.inputs.len()).map(get).collect::<SynResult<Vec<_>>>()?;
                let shapes: Vec<&[usize]> = node.inputs.iter().map(|i| model.tensor(*i).shape.as_slice()).collect();
                let parts: Vec<(&[usize], &[Wire])> =
                    shapes.into_iter().zip(ins.iter().map(|v| v.as_slice())).collect();
                c.apply(&parts)
            }
        };
        vals[node.output.index()] = Some(out);
        let now = cs.num_constraints();
        counted(&node.name, now - before);
    }
    vals[model.output().index()].take().ok_or(SynthesisError::Unsatisfiable)
}
