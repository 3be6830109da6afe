//! The iris-code model: open-iris 1.11.2's encoder as a [`QModel`] with a single
//! [`IrisCode`] node, plus helpers to build its input and read its template.

use crate::error::{CoreError, Result};
use crate::format::npy;
use crate::model::ops::iris::{FilterTaps, INPUT_MAX, IrisCode, encode_input};
use crate::model::{ModelMeta, ops::Op};
use crate::model::{Node, Preprocess, QModel, QModelParts, TensorId, TensorInfo};
use crate::quant::QuantParams;
use crate::tensor::{FTensor, QTensor};
use std::path::Path;

/// Normalized iris image rows (radius) in open-iris 1.11.2.
pub const IMAGE_ROWS: usize = 128;
/// Normalized iris image columns (angle).
pub const IMAGE_COLS: usize = 512;
/// Probe rows of the `RegularProbeSchema(16, 256)`.
pub const PROBE_ROWS: usize = 16;
/// Probe columns.
pub const PROBE_COLS: usize = 256;

/// Default most-occluded share of a patch (percent) whose bits still count: open-iris keeps a
/// bit when ≥ 93 % of the patch's |tap| weight is valid; zkid counts pixels instead.
pub const MAX_INVALID_PERCENT: u8 = 7;

/// Builds the iris-code model from the package's integer filter taps (open-iris 1.11.2
/// geometry: 128 × 512 image, 16 × 256 probes).
pub fn model(filters: Vec<FilterTaps>, name: &str) -> Result<QModel> {
    let bank = IrisCode {
        image: [IMAGE_ROWS, IMAGE_COLS],
        probes: [PROBE_ROWS, PROBE_COLS],
        stride: [IMAGE_ROWS / PROBE_ROWS, IMAGE_COLS / PROBE_COLS],
        filters,
        max_invalid_percent: MAX_INVALID_PERCENT,
    };
    model_from_bank(bank, name)
}

/// Builds an iris-code model for any filter-bank geometry (tests use small ones).
pub fn model_from_bank(bank: IrisCode, name: &str) -> Result<QModel> {
    let input = TensorInfo {
        name: "normalized_iris".into(),
        shape: bank.in_shape(),
        quant: QuantParams { scale: 1.0, lo: 0, hi: INPUT_MAX },
    };
    let output = TensorInfo {
        name: "iris_template".into(),
        shape: bank.out_shape(),
        quant: QuantParams { scale: 1.0, lo: 0, hi: 1 },
    };
    let parts = QModelParts {
        tensors: vec![input, output],
        nodes: vec![Node {
            name: "filter_bank".into(),
            label: "ConvFilterBank+IrisEncoder".into(),
            op: Op::IrisCode(bank),
            inputs: vec![TensorId(0)],
            output: TensorId(1),
        }],
        input: TensorId(0),
        output: TensorId(1),
        preprocess: Preprocess::default(),
        meta: ModelMeta {
            name: name.into(),
            notes: vec![
                ("task".into(), "iris-code".into()),
                ("reference".into(), "open-iris 1.11.2 ConvFilterBank + IrisEncoder (code bits bit-exact)".into()),
            ],
            ..ModelMeta::default()
        },
    };
    QModel::new(parts).map_err(|reason| CoreError::InvalidModel { node: "filter_bank".into(), reason })
}

/// Reads one filter's taps from a `.npy` of shape `[2 (re, im), rows, cols]` with integer
/// values (open-iris's `to_fixpoints` tables, as exported by `models/iris/make_iris_vectors.py`).
pub fn load_taps(path: &Path) -> Result<FilterTaps> {
    let t = npy::load(path)?;
    let bad = |why: &str| CoreError::Npy(format!("{}: {why}", path.display()));
    let &[2, rows, cols] = t.shape() else {
        return Err(bad("filter taps must have shape [2, rows, cols]"));
    };
    let ints: Vec<i64> =
        t.data()
            .iter()
            .map(|&v| {
                if v.fract() == 0.0 && v.abs() < 16_777_216.0 {
                    Ok(v as i64)
                } else {
                    Err(bad("taps must be integers"))
                }
            })
            .collect::<Result<_>>()?;
    let (re, im) = ints.split_at(rows * cols);
    Ok(FilterTaps { rows, cols, re: re.to_vec(), im: im.to_vec() })
}

/// The filter bank if `model` is an iris-code model (its only node is [`IrisCode`]).
pub fn filter_bank(model: &QModel) -> Option<&IrisCode> {
    match model.nodes() {
        [Node { op: Op::IrisCode(b), .. }] => Some(b),
        _ => None,
    }
}

/// The model input for a normalized image (`uint8` values) and its noise mask (non-zero =
/// valid iris pixel), both `[rows, cols]` (a leading batch axis of 1 is accepted).
pub fn input(model: &QModel, image: &FTensor, mask: &FTensor) -> Result<QTensor> {
    let bank = filter_bank(model).ok_or_else(|| CoreError::InvalidModel {
        node: model.meta().name.clone(),
        reason: "not an iris-code model".into(),
    })?;
    let want = bank.image;
    let check = |t: &FTensor| {
        let s: Vec<usize> = t.shape().iter().copied().skip_while(|&d| d == 1).collect();
        if s.as_slice() == want.as_slice() || (want[0] == 1 && s.as_slice() == [want[1]]) {
            Ok(())
        } else {
            Err(CoreError::InputShape { expected: want.to_vec(), got: t.shape().to_vec() })
        }
    };
    check(image)?;
    check(mask)?;
    let pixels = image
        .data()
        .iter()
        .enumerate()
        .map(|(index, &v)| {
            if !v.is_finite() {
                Err(CoreError::NonFiniteInput { index })
            } else if v.fract() != 0.0 || !(0.0..=255.0).contains(&v) {
                Err(CoreError::InputRange { index, lo: 0, hi: 255 })
            } else {
                Ok(v as u8)
            }
        })
        .collect::<Result<Vec<u8>>>()?;
    let valid = mask
        .data()
        .iter()
        .enumerate()
        .map(|(index, &v)| if v.is_finite() { Ok(v != 0.0) } else { Err(CoreError::NonFiniteInput { index }) })
        .collect::<Result<Vec<bool>>>()?;
    QTensor::new(bank.in_shape(), encode_input(&pixels, &valid)?)
}

/// A template read from the iris model's output: code and mask bits, each in open-iris's
/// `[filter, row, column, (re, im)]` order.
#[derive(Clone, PartialEq, Eq)]
pub struct IrisTemplate<'a> {
    /// Code bits.
    pub code: &'a [i64],
    /// Mask bits.
    pub mask: &'a [i64],
}

impl std::fmt::Debug for IrisTemplate<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IrisTemplate({} bits, redacted)", self.code.len())
    }
}

impl<'a> IrisTemplate<'a> {
    /// Splits the model output.
    pub fn from_output(out: &'a [i64]) -> Self {
        let (code, mask) = out.split_at(out.len() / 2);
        Self { code, mask }
    }
    /// Number of valid (unmasked) bits.
    pub fn valid_bits(&self) -> usize {
        self.mask.iter().filter(|&&m| m == 1).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_rejects_bad_images() {
        let taps = FilterTaps { rows: 3, cols: 3, re: vec![1; 9], im: vec![-1; 9] };
        let m = model(vec![taps], "t").unwrap();
        let ok = FTensor::new(vec![IMAGE_ROWS, IMAGE_COLS], vec![3.0; IMAGE_ROWS * IMAGE_COLS]).unwrap();
        let mask = FTensor::new(vec![1, IMAGE_ROWS, IMAGE_COLS], vec![1.0; IMAGE_ROWS * IMAGE_COLS]).unwrap();
        let q = input(&m, &ok, &mask).unwrap();
        assert_eq!(q.data()[0], 3 + 256);
        let small = FTensor::new(vec![IMAGE_ROWS, 10], vec![0.0; IMAGE_ROWS * 10]).unwrap();
        assert!(matches!(input(&m, &small, &mask), Err(CoreError::InputShape { .. })));
        let mut bad = ok.clone();
        bad.data_mut()[5] = 256.0;
        assert!(matches!(input(&m, &bad, &mask), Err(CoreError::InputRange { index: 5, .. })));
        bad.data_mut()[5] = 1.5;
        assert!(matches!(input(&m, &bad, &mask), Err(CoreError::InputRange { index: 5, .. })));
        bad.data_mut()[5] = f32::NAN;
        assert!(matches!(input(&m, &bad, &mask), Err(CoreError::NonFiniteInput { index: 5 })));
    }
}
