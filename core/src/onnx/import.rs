//! ONNX protobuf → [`FGraph`].
//!
//! tract parses the protobuf and decodes constant tensors; the graph itself is interpreted
//! here, op by op, because zkid needs each ONNX operator's exact semantics (and a typed
//! error naming any operator it cannot express as exact integer arithmetic).

use crate::error::{CoreError, Result};
use crate::float::{Act, FGraph, FNode, FOp, FTensorInfo};
use crate::model::TensorId;
use crate::model::ops::ConvGeom;
use std::collections::HashMap;
use tract_onnx::pb::{self, AttributeProto, NodeProto};
use tract_onnx::prelude::*;

/// A constant tensor from an initializer or a `Constant` node.
#[derive(Debug, Clone)]
struct Const {
    shape: Vec<usize>,
    f32: Vec<f32>,
    i64: Option<Vec<i64>>,
}

/// `(kernel, strides, pads, dilations)` of a 2-D window.
type Window = ([usize; 2], [usize; 2], [usize; 4], [usize; 2]);

struct Importer<'a> {
    node_name: String,
    op_type: String,
    node: &'a NodeProto,
}

impl Importer<'_> {
    fn invalid(&self, reason: impl Into<String>) -> CoreError {
        CoreError::InvalidModel { node: self.node_name.clone(), reason: reason.into() }
    }
    fn unsupported(&self, detail: impl Into<String>) -> CoreError {
        CoreError::UnsupportedOp { op: self.op_type.clone(), node: self.node_name.clone(), detail: detail.into() }
    }
    fn attr(&self, name: &str) -> Option<&AttributeProto> {
        self.node.attribute.iter().find(|a| a.name == name)
    }
    fn int(&self, name: &str, default: i64) -> i64 {
        self.attr(name).map_or(default, |a| a.i)
    }
    fn float(&self, name: &str, default: f32) -> f32 {
        self.attr(name).map_or(default, |a| a.f)
    }
    fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.attr(name).map(|a| a.ints.clone())
    }
    fn string(&self, name: &str) -> Option<String> {
        self.attr(name).map(|a| String::from_utf8_lossy(&a.s).into_owned())
    }
    fn usizes(&self, name: &str, n: usize, default: usize) -> Result<Vec<usize>> {
        match self.ints(name) {
            None => Ok(vec![default; n]),
            Some(v) if v.len() == n && v.iter().all(|&x| x >= 0) => Ok(v.iter().map(|&x| x as usize).collect()),
            Some(v) => Err(self.invalid(format!("attribute `{name}` = {v:?} is not {n} non-negative integers"))),
        }
    }
    /// `kernel`, `strides`, `pads`, `dilations` of a 2-D window over input `[1, c, h, w]`.
    fn window(&self, in_shape: &[usize], kernel: Option<[usize; 2]>) -> Result<Window> {
        if in_shape.len() != 4 || in_shape[0] != 1 {
            return Err(self.unsupported(format!("only 2-D NCHW inputs with batch 1 are supported, got {in_shape:?}")));
        }
        match self.string("auto_pad").as_deref() {
            None | Some("NOTSET") | Some("VALID") => {}
            Some(p) => return Err(self.unsupported(format!("auto_pad = {p}; export with explicit pads"))),
        }
        if self.int("ceil_mode", 0) != 0 {
            return Err(self.unsupported("ceil_mode = 1"));
        }
        let k = match (kernel, self.ints("kernel_shape")) {
            (_, Some(k)) if k.len() == 2 && k.iter().all(|&v| v > 0) => [k[0] as usize, k[1] as usize],
            (Some(k), None) => k,
            _ => return Err(self.invalid("missing or invalid kernel_shape")),
        };
        let s = self.usizes("strides", 2, 1)?;
        let p = self.usizes("pads", 4, 0)?;
        let d = self.usizes("dilations", 2, 1)?;
        Ok((k, [s[0], s[1]], [p[0], p[1], p[2], p[3]], [d[0], d[1]]))
    }
}

fn load_const(onnx: &tract_onnx::Onnx, t: &pb::TensorProto) -> Result<Const> {
    let name = t.name.clone();
    let bad =
        |e: TractError| CoreError::InvalidModel { node: name.clone(), reason: format!("cannot decode constant: {e}") };
    let tensor = tract_onnx::tensor::load_tensor(&*onnx.provider, t, None).map_err(bad)?;
    let shape = tensor.shape().to_vec();
    let f32 = plain_vec::<f32>(&tensor).map_err(bad)?;
    let i64 = if tensor.datum_type().is_integer() { Some(plain_vec::<i64>(&tensor).map_err(bad)?) } else { None };
    Ok(Const { shape, f32, i64 })
}

/// The elements of a tract tensor converted to `T`.
pub(super) fn plain_vec<T: Datum + Copy>(t: &Tensor) -> TractResult<Vec<T>> {
    let c = t.cast_to::<T>()?;
    Ok(c.try_as_plain_ram()?.as_slice::<T>()?.to_vec())
}

/// Per-channel (axis 1) values of a constant that broadcasts against `x_shape`, or `None`
/// when it varies along another axis.
fn per_channel(c: &Const, x_shape: &[usize]) -> Option<Vec<f32>> {
    if c.f32.len() == 1 {
        return Some(c.f32.clone());
    }
    if c.shape.len() > x_shape.len() || x_shape.len() < 2 {
        return None;
    }
    // Right-align the constant's shape with x's; only the axis aligned with 1 may be > 1.
    let off = x_shape.len() - c.shape.len();
    for (i, &d) in c.shape.iter().enumerate() {
        let axis = i + off;
        if d != 1 && !(axis == 1 && d == x_shape[1]) {
            return None;
        }
    }
    Some(c.f32.clone())
}

/// Parses ONNX bytes and builds the (unfused) float graph.
pub fn parse(bytes: &[u8]) -> Result<FGraph> {
    let onnx = tract_onnx::onnx();
    let proto = onnx.proto_model_for_read(&mut &*bytes).map_err(|e| CoreError::OnnxParse(format!("{e}")))?;
    let graph = proto.graph.as_ref().ok_or_else(|| CoreError::OnnxParse("the model has no graph".into()))?;
    let opset =
        proto.opset_import.iter().find(|o| o.domain.is_empty() || o.domain == "ai.onnx").map_or(13, |o| o.version);

    let mut consts: HashMap<String, Const> = HashMap::new();
    for t in &graph.initializer {
        consts.insert(t.name.clone(), load_const(&onnx, t)?);
    }
    let inputs: Vec<&pb::ValueInfoProto> = graph.input.iter().filter(|i| !consts.contains_key(&i.name)).collect();
    let [input] = inputs.as_slice() else {
        return Err(CoreError::InvalidModel {
            node: "graph".into(),
            reason: format!("expected exactly one input, found {}", inputs.len()),
        });
    };
    let in_shape = value_shape(input)?;
    let [output] = graph.output.as_slice() else {
        return Err(CoreError::InvalidModel {
            node: "graph".into(),
            reason: format!("expected exactly one output, found {}", graph.output.len()),
        });
    };

    let mut g = FGraph { tensors: Vec::new(), nodes: Vec::new(), input: TensorId(0), output: TensorId(0) };
    let mut ids: HashMap<String, TensorId> = HashMap::new();
    let new_tensor = |g: &mut FGraph, ids: &mut HashMap<String, TensorId>, name: &str, shape: Vec<usize>| {
        let id = TensorId(g.tensors.len() as u32);
        g.tensors.push(FTensorInfo { name: name.to_string(), shape });
        ids.insert(name.to_string(), id);
        id
    };
    g.input = new_tensor(&mut g, &mut ids, &input.name, in_shape);

    for (idx, node) in graph.node.iter().enumerate() {
        let im = Importer {
            node_name: if node.name.is_empty() { format!("#{idx} ({})", node.op_type) } else { node.name.clone() },
            op_type: node.op_type.clone(),
            node,
        };
        if !node.domain.is_empty() && node.domain != "ai.onnx" {
            return Err(im.unsupported(format!("custom domain `{}`", node.domain)));
        }
        let out_name = node.output.first().ok_or_else(|| im.invalid("node has no output"))?.clone();
        if node.output.iter().skip(1).any(|o| !o.is_empty()) && node.op_type != "Dropout" {
            return Err(im.unsupported("only the first output may be used"));
        }
        if node.op_type == "Constant" {
            let t = im
                .attr("value")
                .and_then(|a| a.t.as_ref())
                .ok_or_else(|| im.unsupported("only `value` tensors are supported"))?;
            consts.insert(out_name, load_const(&onnx, t)?);
            continue;
        }
        // Resolve inputs: activations (graph tensors) and constants.
        let input_at = |i: usize| -> Result<TensorId> {
            let n = node.input.get(i).ok_or_else(|| im.invalid(format!("missing input #{i}")))?;
            ids.get(n).copied().ok_or_else(|| {
                if consts.contains_key(n) {
                    im.unsupported(format!("input `{n}` is a constant where zkid needs an activation"))
                } else {
                    im.invalid(format!("input `{n}` is not defined before this node"))
                }
            })
        };
        let const_at = |i: usize| -> Result<Option<&Const>> {
            match node.input.get(i) {
                None => Ok(None),
                Some(n) if n.is_empty() => Ok(None),
                Some(n) => consts.get(n).map(Some).ok_or_else(|| {
                    im.unsupported(format!(
                        "input `{n}` must be a constant (weights, shapes and slopes are compiled into the circuit)"
                    ))
                }),
            }
        };
        let x = input_at(0)?;
        let xs = g.tensors[x.index()].shape.clone();
        let mut ins = vec![x];
        let (op, out_shape): (FOp, Vec<usize>) = match node.op_type.as_str() {
            "Conv" => {
                let w = const_at(1)?.ok_or_else(|| im.invalid("Conv needs weights"))?;
                if w.shape.len() != 4 {
                    return Err(im.unsupported("only 2-D convolutions are supported"));
                }
                let (kernel, stride, pads, dilation) = im.window(&xs, Some([w.shape[2], w.shape[3]]))?;
                if kernel != [w.shape[2], w.shape[3]] {
                    return Err(im.invalid("kernel_shape does not match the weights"));
                }
                let groups = im.int("group", 1).max(1) as usize;
                let geom = ConvGeom {
                    in_ch: xs[1],
                    in_hw: [xs[2], xs[3]],
                    out_ch: w.shape[0],
                    kernel,
                    stride,
                    pads,
                    dilation,
                    groups,
                };
                geom.validate().map_err(|e| im.invalid(e))?;
                if w.shape[1] * groups != xs[1] {
                    return Err(im.invalid("weight shape does not match input channels / groups"));
                }
                let b = match const_at(2)? {
                    Some(b) if b.f32.len() == geom.out_ch => b.f32.clone(),
                    Some(_) => return Err(im.invalid("bias length differs from output channels")),
                    None => vec![0.0; geom.out_ch],
                };
                let s = geom.out_shape();
                (FOp::Conv { geom, w: w.f32.clone(), b, act: Act::None }, s)
            }
            "Gemm" | "MatMul" => {
                let w = const_at(1)?.ok_or_else(|| im.invalid("the weight matrix must be a constant"))?;
                let gemm = node.op_type == "Gemm";
                if gemm && im.int("transA", 0) != 0 {
                    return Err(im.unsupported("transA = 1"));
                }
                if w.shape.len() != 2 || xs.len() != 2 || xs[0] != 1 {
                    return Err(im.unsupported(format!(
                        "only [1, K] x [K, N] products are supported (input {xs:?}, weights {:?})",
                        w.shape
                    )));
                }
                let trans_b = gemm && im.int("transB", 0) != 0;
                let (k, n) = if trans_b { (w.shape[1], w.shape[0]) } else { (w.shape[0], w.shape[1]) };
                if k != xs[1] {
                    return Err(im.invalid(format!("input has {} features, weights expect {k}", xs[1])));
                }
                let alpha = if gemm { im.float("alpha", 1.0) } else { 1.0 };
                let beta = if gemm { im.float("beta", 1.0) } else { 1.0 };
                // Store as [n, k].
                let mut wt = vec![0f32; n * k];
                for r in 0..n {
                    for c in 0..k {
                        wt[r * k + c] = alpha * if trans_b { w.f32[r * k + c] } else { w.f32[c * n + r] };
                    }
                }
                let b = match const_at(2)? {
                    Some(c) if c.f32.len() == n => c.f32.iter().map(|v| v * beta).collect(),
                    Some(c) if c.f32.len() == 1 => vec![c.f32[0] * beta; n],
                    Some(_) => return Err(im.unsupported("bias C must broadcast per output feature")),
                    None => vec![0.0; n],
                };
                (FOp::Gemm { k, n, w: wt, b, act: Act::None }, vec![1, n])
            }
            "BatchNormalization" => {
                let get = |i: usize, what: &str| -> Result<Vec<f32>> {
                    let c = const_at(i)?.ok_or_else(|| im.invalid(format!("missing {what}")))?;
                    // BatchNormalization parameters are 1-D `[C]` by definition.
                    let c_in = xs.get(1).copied().unwrap_or(1);
                    if c.shape.len() == 1 && c.f32.len() == c_in {
                        Ok(c.f32.clone())
                    } else {
                        Err(im.invalid(format!("{what} must have shape [{c_in}], got {:?}", c.shape)))
                    }
                };
                let (scale, bias, mean, var) =
                    (get(1, "scale")?, get(2, "bias")?, get(3, "mean")?, get(4, "variance")?);
                let eps = im.float("epsilon", 1e-5);
                let c = xs.get(1).copied().unwrap_or(1);
                let at = |v: &[f32], i: usize| if v.len() == 1 { v[0] } else { v[i] };
                let m: Vec<f32> = (0..c).map(|i| at(&scale, i) / (at(&var, i) + eps).sqrt()).collect();
                let b: Vec<f32> = (0..c).map(|i| at(&bias, i) - at(&mean, i) * m[i]).collect();
                (FOp::Affine { m, b, act: Act::None }, xs.clone())
            }
            "Relu" => (FOp::Affine { m: vec![1.0], b: vec![0.0], act: Act::Relu }, xs.clone()),
            "Clip" => {
                let (lo, hi) = if opset >= 11 {
                    let v = |i| -> Result<Option<f32>> {
                        Ok(match const_at(i)? {
                            Some(c) if c.f32.len() == 1 => Some(c.f32[0]),
                            Some(_) => return Err(im.invalid("Clip bounds must be scalars")),
                            None => None,
                        })
                    };
                    (v(1)?.unwrap_or(f32::MIN), v(2)?.unwrap_or(f32::MAX))
                } else {
                    (im.float("min", f32::MIN), im.float("max", f32::MAX))
                };
                if lo > hi {
                    return Err(im.invalid("Clip min is above max"));
                }
                (FOp::Affine { m: vec![1.0], b: vec![0.0], act: Act::Clip(lo, hi) }, xs.clone())
            }
            "PRelu" => {
                let s = const_at(1)?.ok_or_else(|| im.invalid("PRelu needs a slope"))?;
                let slopes =
                    per_channel(s, &xs).ok_or_else(|| im.unsupported("slopes must be constant per channel"))?;
                (FOp::PRelu { slopes, act: Act::None }, xs.clone())
            }
            "LeakyRelu" => (FOp::PRelu { slopes: vec![im.float("alpha", 0.01)], act: Act::None }, xs.clone()),
            "AveragePool" | "GlobalAveragePool" | "MaxPool" => {
                let global = node.op_type == "GlobalAveragePool";
                let (kernel, stride, pads, dilation) = if global {
                    if xs.len() != 4 {
                        return Err(im.unsupported("only NCHW inputs are supported"));
                    }
                    ([xs[2], xs[3]], [1, 1], [0; 4], [1, 1])
                } else {
                    im.window(&xs, None)?
                };
                let geom = ConvGeom {
                    in_ch: xs[1],
                    in_hw: [xs[2], xs[3]],
                    out_ch: xs[1],
                    kernel,
                    stride,
                    pads,
                    dilation,
                    groups: xs[1],
                };
                geom.validate().map_err(|e| im.invalid(e))?;
                let s = geom.out_shape();
                if node.op_type == "MaxPool" {
                    if im.int("storage_order", 0) != 0 {
                        return Err(im.unsupported("storage_order = 1"));
                    }
                    if pads[0] >= kernel[0] || pads[2] >= kernel[0] || pads[1] >= kernel[1] || pads[3] >= kernel[1] {
                        return Err(im.invalid("pads must be smaller than the kernel"));
                    }
                    (FOp::MaxPool { geom }, s)
                } else {
                    if dilation != [1, 1] {
                        return Err(im.unsupported("dilated average pooling"));
                    }
                    if pads.iter().any(|&p| p > 0) && im.int("count_include_pad", 0) == 0 {
                        return Err(im.unsupported("padding with count_include_pad = 0 (divisor varies per position); export with count_include_pad = 1"));
                    }
                    (FOp::AvgPool { geom, act: Act::None }, s)
                }
            }
            "Flatten" => {
                let axis = im.int("axis", 1);
                let axis = if axis < 0 { axis + xs.len() as i64 } else { axis } as usize;
                if axis > xs.len() {
                    return Err(im.invalid("axis out of range"));
                }
                (FOp::Reshape, vec![xs[..axis].iter().product(), xs[axis..].iter().product()])
            }
            "Reshape" => {
                let s = const_at(1)?
                    .and_then(|c| c.i64.clone())
                    .ok_or_else(|| im.unsupported("the target shape must be a constant int64 tensor"))?;
                (FOp::Reshape, reshape_target(&xs, &s).map_err(|e| im.invalid(e))?)
            }
            "Squeeze" | "Unsqueeze" => {
                let axes = match (im.ints("axes"), const_at(1)?) {
                    (Some(a), _) => a,
                    (None, Some(c)) => c.i64.clone().ok_or_else(|| im.invalid("axes must be int64"))?,
                    (None, None) if node.op_type == "Squeeze" => {
                        (0..xs.len() as i64).filter(|&a| xs[a as usize] == 1).collect()
                    }
                    (None, None) => return Err(im.invalid("Unsqueeze needs axes")),
                };
                let shape = if node.op_type == "Squeeze" {
                    let norm: Vec<usize> =
                        axes.iter().map(|&a| if a < 0 { a + xs.len() as i64 } else { a } as usize).collect();
                    xs.iter().enumerate().filter(|(i, _)| !norm.contains(i)).map(|(_, &d)| d).collect()
                } else {
                    let rank = xs.len() + axes.len();
                    let norm: Vec<usize> =
                        axes.iter().map(|&a| if a < 0 { a + rank as i64 } else { a } as usize).collect();
                    let mut it = xs.iter();
                    (0..rank).map(|i| if norm.contains(&i) { 1 } else { it.next().copied().unwrap_or(1) }).collect()
                };
                (FOp::Reshape, shape)
            }
            "Transpose" => {
                let perm: Vec<usize> = match im.ints("perm") {
                    Some(p) => p.iter().map(|&v| v as usize).collect(),
                    None => (0..xs.len()).rev().collect(),
                };
                let mut seen = vec![false; xs.len()];
                if perm.len() != xs.len()
                    || perm.iter().any(|&p| p >= xs.len() || std::mem::replace(&mut seen[p], true))
                {
                    return Err(im.invalid(format!("perm {perm:?} is not a permutation")));
                }
                let s = perm.iter().map(|&p| xs[p]).collect();
                (FOp::Transpose { perm }, s)
            }
            "Concat" => {
                let axis = im.int("axis", 0);
                let axis = if axis < 0 { axis + xs.len() as i64 } else { axis } as usize;
                ins = (0..node.input.len()).map(&input_at).collect::<Result<_>>()?;
                let mut s = xs.clone();
                if axis >= s.len() {
                    return Err(im.invalid("axis out of range"));
                }
                s[axis] = 0;
                for i in &ins {
                    let t = &g.tensors[i.index()].shape;
                    if t.len() != xs.len() || (0..t.len()).any(|a| a != axis && t[a] != xs[a]) {
                        return Err(im.invalid("inputs differ outside the concat axis"));
                    }
                    s[axis] += t[axis];
                }
                (FOp::Concat { axis }, s)
            }
            "Add" | "Sub" | "Mul" | "Div" => {
                let a_const = node.input.first().is_some_and(|n| consts.contains_key(n));
                let b_const = node.input.get(1).is_some_and(|n| consts.contains_key(n));
                match (a_const, b_const) {
                    (false, false) if node.op_type == "Add" => {
                        let y = input_at(1)?;
                        if g.tensors[y.index()].shape != xs {
                            return Err(im.unsupported("Add with broadcasting between activations"));
                        }
                        ins.push(y);
                        (FOp::Add { act: Act::None }, xs.clone())
                    }
                    (false, false) => {
                        return Err(
                            im.unsupported("both operands are activations; only constant operands are supported")
                        );
                    }
                    (true, _) if node.op_type == "Sub" || node.op_type == "Div" => {
                        return Err(im.unsupported("the constant must be the second operand"));
                    }
                    (true, true) => {
                        return Err(im.unsupported("constant-only arithmetic; fold constants before export"));
                    }
                    (a_is_const, _) => {
                        // x (op) c with c per-channel.
                        let (xi, ci) = if a_is_const { (1, 0) } else { (0, 1) };
                        ins = vec![input_at(xi)?];
                        let xs = g.tensors[ins[0].index()].shape.clone();
                        let c = const_at(ci)?.ok_or_else(|| im.invalid("missing constant"))?;
                        let v = per_channel(c, &xs)
                            .ok_or_else(|| im.unsupported("the constant must be a scalar or per-channel"))?;
                        let op = match node.op_type.as_str() {
                            "Add" => FOp::Affine { m: vec![1.0], b: v, act: Act::None },
                            "Sub" => FOp::Affine { m: vec![1.0], b: v.iter().map(|x| -x).collect(), act: Act::None },
                            "Mul" => FOp::Affine { m: v, b: vec![0.0], act: Act::None },
                            _ => {
                                if v.contains(&0.0) {
                                    return Err(im.invalid("division by zero"));
                                }
                                FOp::Affine { m: v.iter().map(|d| 1.0 / d).collect(), b: vec![0.0], act: Act::None }
                            }
                        };
                        (op, xs)
                    }
                }
            }
            "Sign" => (FOp::Sign, xs.clone()),
            "Identity" | "Dropout" => {
                // Pure aliases at inference time.
                ids.insert(out_name, x);
                continue;
            }
            other => {
                return Err(CoreError::UnsupportedOp {
                    op: other.to_string(),
                    node: im.node_name.clone(),
                    detail: String::new(),
                });
            }
        };
        let out = new_tensor(&mut g, &mut ids, &out_name, out_shape);
        g.nodes.push(FNode { name: im.node_name.clone(), label: node.op_type.clone(), op, inputs: ins, output: out });
    }
    g.output = *ids.get(&output.name).ok_or_else(|| CoreError::InvalidModel {
        node: "graph".into(),
        reason: format!("output `{}` is not computed by any supported node", output.name),
    })?;
    if g.output == g.input {
        return Err(CoreError::InvalidModel { node: "graph".into(), reason: "the output is the input".into() });
    }
    Ok(g)
}

fn value_shape(v: &pb::ValueInfoProto) -> Result<Vec<usize>> {
    use pb::tensor_shape_proto::dimension::Value;
    let bad = |reason: String| CoreError::InvalidModel { node: v.name.clone(), reason };
    let Some(pb::type_proto::Value::TensorType(t)) = v.r#type.as_ref().and_then(|t| t.value.as_ref()) else {
        return Err(bad("the input is not a tensor".into()));
    };
    if t.elem_type != pb::tensor_proto::DataType::Float as i32 {
        return Err(bad("the input must be float32".into()));
    }
    let dims = &t.shape.as_ref().ok_or_else(|| bad("the input has no shape".into()))?.dim;
    dims.iter()
        .enumerate()
        .map(|(i, d)| match &d.value {
            Some(Value::DimValue(v)) if *v > 0 => Ok(*v as usize),
            // A symbolic or missing batch dimension is fixed to 1.
            Some(Value::DimParam(_)) | None if i == 0 => Ok(1),
            _ => Err(bad(format!("input dimension {i} must be a fixed positive size"))),
        })
        .collect::<Result<Vec<_>>>()
        .and_then(|s| {
            if s.first() == Some(&1) { Ok(s) } else { Err(bad(format!("batch size must be 1, input shape is {s:?}"))) }
        })
}

fn reshape_target(xs: &[usize], spec: &[i64]) -> Result<Vec<usize>, String> {
    let total: usize = xs.iter().product();
    let mut out: Vec<usize> = Vec::with_capacity(spec.len());
    let mut infer = None;
    for (i, &d) in spec.iter().enumerate() {
        match d {
            0 => out.push(*xs.get(i).ok_or("0 refers to a missing input dimension")?),
            -1 if infer.is_none() => {
                infer = Some(i);
                out.push(1);
            }
            d if d > 0 => out.push(d as usize),
            _ => return Err(format!("invalid reshape spec {spec:?}")),
        }
    }
    let known: usize = out.iter().product();
    if let Some(i) = infer {
        if known == 0 || !total.is_multiple_of(known) {
            return Err(format!("cannot reshape {xs:?} into {spec:?}"));
        }
        out[i] = total / known;
    }
    if out.iter().product::<usize>() != total {
        return Err(format!("cannot reshape {xs:?} into {spec:?}"));
    }
    Ok(out)
}
