//! A tiny ONNX model builder for tests (protobuf via tract-onnx's prost types).

use prost::Message;
use tract_onnx::pb;

/// An attribute value.
pub enum Attr {
    /// Integer.
    Int(i64),
    /// Float.
    Float(f32),
    /// Integer list.
    Ints(Vec<i64>),
    /// String.
    Str(&'static str),
}

/// Builds a single-input, single-output float32 ONNX graph.
pub struct OnnxBuilder {
    graph: pb::GraphProto,
    opset: i64,
}

fn value_info(name: &str, shape: &[usize]) -> pb::ValueInfoProto {
    use pb::tensor_shape_proto::{Dimension, dimension::Value};
    pb::ValueInfoProto {
        name: name.into(),
        r#type: Some(pb::TypeProto {
            value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                elem_type: pb::tensor_proto::DataType::Float as i32,
                shape: Some(pb::TensorShapeProto {
                    dim: shape
                        .iter()
                        .map(|&d| Dimension { value: Some(Value::DimValue(d as i64)), ..Default::default() })
                        .collect(),
                }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

impl OnnxBuilder {
    /// A graph whose input `input` has `shape`.
    pub fn new(shape: &[usize]) -> Self {
        let graph =
            pb::GraphProto { name: "test".into(), input: vec![value_info("input", shape)], ..Default::default() };
        Self { graph, opset: 13 }
    }

    /// Sets the opset version (default 13).
    pub fn opset(mut self, v: i64) -> Self {
        self.opset = v;
        self
    }

    /// Adds a float initializer.
    pub fn init(mut self, name: &str, shape: &[usize], data: Vec<f32>) -> Self {
        assert_eq!(shape.iter().product::<usize>(), data.len(), "initializer {name}");
        self.graph.initializer.push(pb::TensorProto {
            name: name.into(),
            dims: shape.iter().map(|&d| d as i64).collect(),
            data_type: pb::tensor_proto::DataType::Float as i32,
            float_data: data,
            ..Default::default()
        });
        self
    }

    /// Adds an int64 initializer.
    pub fn init_i64(mut self, name: &str, shape: &[usize], data: Vec<i64>) -> Self {
        self.graph.initializer.push(pb::TensorProto {
            name: name.into(),
            dims: shape.iter().map(|&d| d as i64).collect(),
            data_type: pb::tensor_proto::DataType::Int64 as i32,
            int64_data: data,
            ..Default::default()
        });
        self
    }

    /// Adds a node.
    pub fn node(mut self, op: &str, inputs: &[&str], output: &str, attrs: Vec<(&str, Attr)>) -> Self {
        let attribute = attrs
            .into_iter()
            .map(|(name, a)| {
                use pb::attribute_proto::AttributeType as T;
                let mut p = pb::AttributeProto { name: name.into(), ..Default::default() };
                match a {
                    Attr::Int(i) => {
                        p.i = i;
                        p.r#type = T::Int as i32;
                    }
                    Attr::Float(f) => {
                        p.f = f;
                        p.r#type = T::Float as i32;
                    }
                    Attr::Ints(v) => {
                        p.ints = v;
                        p.r#type = T::Ints as i32;
                    }
                    Attr::Str(s) => {
                        p.s = s.as_bytes().to_vec();
                        p.r#type = T::String as i32;
                    }
                }
                p
            })
            .collect();
        let n = self.graph.node.len();
        self.graph.node.push(pb::NodeProto {
            name: format!("n{n}_{op}"),
            op_type: op.into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.into()],
            attribute,
            ..Default::default()
        });
        self
    }

    /// Declares the graph output and encodes the model.
    pub fn build(mut self, output: &str, shape: &[usize]) -> Vec<u8> {
        self.graph.output.push(value_info(output, shape));
        let model = pb::ModelProto {
            ir_version: 8,
            opset_import: vec![pb::OperatorSetIdProto { domain: String::new(), version: self.opset }],
            producer_name: "zkid-tests".into(),
            graph: Some(self.graph),
            ..Default::default()
        };
        model.encode_to_vec()
    }
}
