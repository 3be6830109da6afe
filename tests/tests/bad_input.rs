//! Bad input gets the documented typed error, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use zkid_core::model::ops::{Gemm, Op, OutputStage};
use zkid_core::model::{ModelMeta, Node, Preprocess, QModel, QModelParts, TensorId, TensorInfo};
use zkid_core::onnx::{CompileOptions, compile, import};
use zkid_core::quant::{Multiplier, QuantConfig, QuantParams, Requant};
use zkid_core::{CoreError, FTensor, QTensor, ZkmError, zkm};
use zkid_tests::onnx_builder::{Attr, OnnxBuilder};
use zkid_tests::{load_npy, onnx_bytes};

fn compile_digits() -> QModel {
    let c = compile(
        &onnx_bytes("digits"),
        vec![load_npy("digits", "calib.npy")],
        &CompileOptions::default(),
        &mut |_, _| {},
    );
    c.unwrap().model
}

#[test]
fn truncated_onnx_is_a_parse_error() {
    let bytes = onnx_bytes("digits");
    for cut in [0, 1, 10, bytes.len() / 3, bytes.len() - 1] {
        match import(&bytes[..cut]) {
            Err(CoreError::OnnxParse(_)) | Err(CoreError::InvalidModel { .. }) => {}
            other => panic!("cut {cut}: {other:?}"),
        }
    }
    assert!(matches!(import(b"definitely not protobuf"), Err(CoreError::OnnxParse(_))));
}

#[test]
fn unsupported_op_names_op_and_node() {
    let onnx = OnnxBuilder::new(&[1, 4]).node("Softmax", &["input"], "y", vec![]).build("y", &[1, 4]);
    let e = import(&onnx).unwrap_err();
    assert!(
        matches!(&e, CoreError::UnsupportedOp { op, node, .. } if op == "Softmax" && node == "n0_Softmax"),
        "{e:?}"
    );
    assert!(e.to_string().contains("Softmax") && e.to_string().contains("n0_Softmax"));
    // A known op with an unsupported attribute says why.
    let onnx = OnnxBuilder::new(&[1, 1, 4, 4])
        .node(
            "MaxPool",
            &["input"],
            "y",
            vec![("kernel_shape", Attr::Ints(vec![2, 2])), ("auto_pad", Attr::Str("SAME_UPPER"))],
        )
        .build("y", &[1, 1, 4, 4]);
    let e = import(&onnx).unwrap_err();
    assert!(e.to_string().contains("auto_pad"), "{e}");
    // Mul of two activations is not a constant multiplication.
    let onnx = OnnxBuilder::new(&[1, 4]).node("Mul", &["input", "input"], "y", vec![]).build("y", &[1, 4]);
    assert!(matches!(import(&onnx), Err(CoreError::UnsupportedOp { .. })));
}

#[test]
fn wrong_input_shape_and_values() {
    let m = compile_digits();
    let wrong = FTensor::new(vec![1, 1, 8, 7], vec![0.0; 56]).unwrap();
    assert!(matches!(m.quantize_input(&wrong), Err(CoreError::InputShape { .. })));
    let mut nan = vec![0.0f32; 64];
    nan[5] = f32::NAN;
    let nan = FTensor::new(vec![1, 1, 8, 8], nan).unwrap();
    assert!(matches!(m.quantize_input(&nan), Err(CoreError::NonFiniteInput { index: 5 })));
    let inf = FTensor::new(vec![1, 1, 8, 8], vec![f32::INFINITY; 64]).unwrap();
    assert!(matches!(m.quantize_input(&inf), Err(CoreError::NonFiniteInput { index: 0 })));
    // Quantized input outside the input tensor's range.
    let q = QTensor::new(vec![1, 1, 8, 8], vec![10_000; 64]).unwrap();
    assert!(matches!(m.infer(&q), Err(CoreError::InputRange { .. })));
    let q = QTensor::new(vec![1, 64], vec![0; 64]).unwrap();
    assert!(matches!(m.infer(&q), Err(CoreError::InputShape { .. })));
}

#[test]
fn wrong_input_dtype_in_onnx_is_rejected() {
    let mut onnx = OnnxBuilder::new(&[1, 4]).node("Relu", &["input"], "y", vec![]).build("y", &[1, 4]);
    // Patch elem_type FLOAT (1) to INT64 (7) in the input's type: re-encode through prost.
    use prost::Message;
    let mut p = tract_onnx::pb::ModelProto::decode(onnx.as_slice()).unwrap();
    if let Some(tract_onnx::pb::type_proto::Value::TensorType(t)) =
        p.graph.as_mut().unwrap().input[0].r#type.as_mut().unwrap().value.as_mut()
    {
        t.elem_type = tract_onnx::pb::tensor_proto::DataType::Int64 as i32;
    }
    onnx = p.encode_to_vec();
    let e = import(&onnx).unwrap_err();
    assert!(e.to_string().contains("float32"), "{e}");
}

#[test]
fn corrupt_zkm_is_a_clear_error() {
    let bytes = zkm::to_bytes(&compile_digits()).unwrap();
    assert!(zkm::from_bytes(&bytes).is_ok());
    // Every truncation is an error.
    for cut in (0..bytes.len()).step_by(97).chain([bytes.len() - 1]) {
        assert!(zkm::from_bytes(&bytes[..cut]).is_err(), "cut {cut}");
    }
    // Any flipped byte is detected (magic, version, length, payload or digest).
    for i in (0..bytes.len()).step_by(61) {
        let mut b = bytes.clone();
        b[i] ^= 0x40;
        assert!(zkm::from_bytes(&b).is_err(), "flip at {i}");
    }
    let mut b = bytes.clone();
    b[20] ^= 1;
    assert_eq!(zkm::from_bytes(&b).unwrap_err(), ZkmError::Checksum);
    let mut b = bytes.clone();
    b[4] = 9;
    assert!(matches!(zkm::from_bytes(&b).unwrap_err(), ZkmError::UnsupportedVersion { found: 9, .. }));
    assert_eq!(zkm::from_bytes(b"PK\x03\x04").unwrap_err(), ZkmError::BadMagic);
    assert!(matches!(zkm::from_bytes(&bytes[..bytes.len() - 5]).unwrap_err(), ZkmError::Truncated { .. }));
}

fn gemm_parts(weight: i64, mult: i64) -> QModelParts {
    let q = QuantParams { scale: 1.0, lo: -127, hi: 127 };
    QModelParts {
        tensors: vec![
            TensorInfo { name: "x".into(), shape: vec![1, 2], quant: q },
            TensorInfo { name: "y".into(), shape: vec![1, 1], quant: q },
        ],
        nodes: vec![Node {
            name: "fc".into(),
            label: "Gemm".into(),
            op: Op::Gemm(Gemm {
                in_features: 2,
                out_features: 1,
                weights: vec![weight, weight],
                bias: vec![0],
                out: OutputStage::Requant(Requant::uniform(Multiplier { mult, shift: 3 })),
            }),
            inputs: vec![TensorId(0)],
            output: TensorId(1),
        }],
        input: TensorId(0),
        output: TensorId(1),
        preprocess: Preprocess::default(),
        meta: ModelMeta::default(),
    }
}

#[test]
fn overflow_provoking_weights_are_errors_not_wraps() {
    let x = QTensor::new(vec![1, 2], vec![127, 127]).unwrap();
    let m = QModel::new(gemm_parts(i64::MAX / 100, 1)).unwrap();
    assert!(matches!(m.infer(&x), Err(CoreError::Overflow { what: "gemm accumulator", .. })));
    let m = QModel::new(gemm_parts(1 << 40, 1 << 20)).unwrap();
    assert!(matches!(m.infer(&x), Err(CoreError::Overflow { what: "requantization acc * M", .. })));
    // Through ONNX: a bias too large for exact integer arithmetic is refused at compile.
    let onnx = OnnxBuilder::new(&[1, 2])
        .init("w", &[1, 2], vec![1e-6, 1e-6])
        .init("b", &[1], vec![1e30])
        .node("Gemm", &["input", "w", "b"], "y", vec![("transB", Attr::Int(1))])
        .build("y", &[1, 1]);
    let calib = vec![FTensor::new(vec![1, 2], vec![1.0, -1.0]).unwrap()];
    let e = compile(&onnx, calib, &CompileOptions::default(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(e, CoreError::Quantization { .. }), "{e:?}");
}

#[test]
fn inconsistent_model_with_valid_checksum_is_rejected() {
    // Structurally invalid parts (weights too short), wrapped in a well-formed file.
    let mut parts = gemm_parts(1, 1);
    if let Op::Gemm(g) = &mut parts.nodes[0].op {
        g.weights.pop();
    }
    assert!(QModel::new(parts.clone()).is_err());
    let payload = postcard::to_stdvec(&parts).unwrap();
    let mut file = Vec::new();
    file.extend_from_slice(&zkm::MAGIC);
    file.extend_from_slice(&zkm::VERSION.to_le_bytes());
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&payload);
    let d = ring::digest::digest(&ring::digest::SHA256, &file);
    file.extend_from_slice(d.as_ref());
    assert!(matches!(zkm::from_bytes(&file), Err(ZkmError::Inconsistent(_))));
}

#[test]
fn bad_quant_config_and_empty_calibration() {
    let opts = CompileOptions { config: QuantConfig { weight_bits: 1, ..Default::default() }, ..Default::default() };
    let calib = vec![load_npy("digits", "calib.npy")];
    assert!(matches!(
        compile(&onnx_bytes("digits"), calib, &opts, &mut |_, _| {}),
        Err(CoreError::Quantization { .. })
    ));
    let e = compile(&onnx_bytes("digits"), vec![], &CompileOptions::default(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(e, CoreError::Calibration(_)), "{e:?}");
    let wrong = vec![FTensor::new(vec![3, 1, 8, 7], vec![0.0; 168]).unwrap()];
    assert!(matches!(
        compile(&onnx_bytes("digits"), wrong, &CompileOptions::default(), &mut |_, _| {}),
        Err(CoreError::InputShape { .. })
    ));
}

/// `models/linreg/model.zkm`: `linreg` compiled with the default options, the raw-input
/// model of the bindings' bad-input tables (NaN and infinities in a raw capture; Python,
/// Node). `ZKID_BLESS=1 cargo test -p zkid-tests --test bad_input linreg` rewrites it.
#[test]
fn bundled_linreg_fixture_is_reproducible() {
    let model = compile(
        &onnx_bytes("linreg"),
        vec![load_npy("linreg", "calib.npy")],
        &CompileOptions { name: "linreg".into(), ..CompileOptions::default() },
        &mut |_, _| {},
    )
    .unwrap()
    .model;
    let bytes = zkm::to_bytes(&model).unwrap();
    let path = zkid_tests::model_file("linreg", "model.zkm");
    if std::env::var_os("ZKID_BLESS").is_some() {
        std::fs::write(&path, &bytes).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(committed == bytes, "{} differs from the generator (ZKID_BLESS=1 to rewrite)", path.display());
    // A raw-input model: ten float features in, no iris filter bank.
    let (loaded, _) = zkm::from_bytes(&committed).unwrap();
    assert!(zkid_core::iris::filter_bank(&loaded).is_none());
    assert_eq!(loaded.preprocess().raw_shape(loaded.input_shape()).iter().product::<usize>(), 10);
}
