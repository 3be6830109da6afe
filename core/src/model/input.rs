//! Input preprocessing: from the float tensor a camera pipeline or `.npy` provides to the
//! quantized tensor the model (and the circuit) consumes.

use crate::error::{CoreError, Result};
use crate::quant::QuantParams;
use crate::tensor::{FTensor, QTensor};
use serde::{Deserialize, Serialize};

/// Memory layout of the raw float input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Layout {
    /// Channels first, `[1, C, H, W]` (ONNX's layout).
    #[default]
    Nchw,
    /// Channels last, `[1, H, W, C]` (camera buffers); transposed to NCHW before quantizing.
    Nhwc,
}

/// How raw input values become the model's quantized input.
///
/// `q = clamp(round_half_away((x * scale + offset) / s_in), lo, hi)` where `s_in`, `lo`,
/// `hi` are the input tensor's quantization parameters. This step runs on the device
/// before proving and is not part of the circuit: the circuit's input is `q`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Preprocess {
    /// Multiplier applied to raw values (e.g. `1/255`).
    pub scale: f32,
    /// Offset added after scaling.
    pub offset: f32,
    /// Layout of the raw input.
    pub layout: Layout,
}

impl Default for Preprocess {
    fn default() -> Self {
        Self { scale: 1.0, offset: 0.0, layout: Layout::Nchw }
    }
}

impl Preprocess {
    /// Shape the raw input must have for a model input of NCHW shape `shape`.
    pub fn raw_shape(&self, shape: &[usize]) -> Vec<usize> {
        match (self.layout, shape) {
            (Layout::Nhwc, [n, c, h, w]) => vec![*n, *h, *w, *c],
            _ => shape.to_vec(),
        }
    }

    /// Applies scale/offset and layout, giving the float tensor the ONNX model expects.
    pub fn to_model_float(&self, raw: &FTensor, shape: &[usize]) -> Result<FTensor> {
        let expected = self.raw_shape(shape);
        if raw.shape() != expected.as_slice() {
            return Err(CoreError::InputShape { expected, got: raw.shape().to_vec() });
        }
        if let Some(index) = raw.data().iter().position(|v| !v.is_finite()) {
            return Err(CoreError::NonFiniteInput { index });
        }
        let scaled: Vec<f32> = raw.data().iter().map(|v| v * self.scale + self.offset).collect();
        let data = match (self.layout, shape) {
            (Layout::Nhwc, [_, c, h, w]) => {
                let (c, h, w) = (*c, *h, *w);
                let mut out = vec![0f32; scaled.len()];
                for y in 0..h {
                    for x in 0..w {
                        for ch in 0..c {
                            out[(ch * h + y) * w + x] = scaled[(y * w + x) * c + ch];
                        }
                    }
                }
                out
            }
            _ => scaled,
        };
        FTensor::new(shape.to_vec(), data)
    }

    /// Full preprocessing: float model input, then quantization with `params`.
    pub fn quantize(&self, raw: &FTensor, shape: &[usize], params: &QuantParams) -> Result<QTensor> {
        let f = self.to_model_float(raw, shape)?;
        let data = f.data().iter().map(|&v| params.quantize(v as f64)).collect();
        QTensor::new(shape.to_vec(), data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhwc_is_transposed() {
        let p = Preprocess { scale: 1.0, offset: 0.0, layout: Layout::Nhwc };
        // raw [1, 1, 2, 2] NHWC: h=1, w=2, c=2 → pixels (c0,c1) = (1,2), (3,4)
        let raw = FTensor::new(vec![1, 1, 2, 2], vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        let f = p.to_model_float(&raw, &[1, 2, 1, 2]).unwrap();
        assert_eq!(f.data(), &[1.0, 3.0, 2.0, 4.0]);
    }

    #[test]
    fn rejects_nan_and_wrong_shape() {
        let p = Preprocess::default();
        let raw = FTensor::new(vec![1, 2], vec![0.0, f32::NAN]).unwrap();
        assert!(matches!(p.to_model_float(&raw, &[1, 2]), Err(CoreError::NonFiniteInput { index: 1 })));
        assert!(matches!(p.to_model_float(&raw, &[1, 3]), Err(CoreError::InputShape { .. })));
    }

    #[test]
    fn scale_offset_then_quantize() {
        let p = Preprocess { scale: 0.5, offset: 1.0, layout: Layout::Nchw };
        let raw = FTensor::new(vec![1, 2], vec![2.0, -10.0]).unwrap();
        let q = p.quantize(&raw, &[1, 2], &QuantParams { scale: 0.25, lo: -8, hi: 8 }).unwrap();
        assert_eq!(q.data(), &[8, -8]); // 2.0/0.25 = 8; (-4)/0.25 = -16 -> clamped
    }
}
