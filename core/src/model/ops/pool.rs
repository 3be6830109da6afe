//! Average and max pooling over the [`ConvGeom`] window (`groups = in_ch = out_ch`).

use super::{ConvGeom, OutputStage};
use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};

/// Average pooling: `acc = Σ window` (padding counts as zero, i.e. ONNX
/// `count_include_pad = 1`); the division by the window size is part of the requantization
/// multiplier. GlobalAveragePool is the window covering the whole plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvgPool {
    /// Window geometry (depthwise: `groups = in_ch = out_ch`).
    pub geom: ConvGeom,
    /// Requantization (includes `1 / window size`).
    pub out: OutputStage,
}

impl AvgPool {
    /// Window sums, with checked arithmetic.
    pub fn accumulate(&self, x: &[i64], node: &str) -> Result<Vec<i64>> {
        let mut acc = vec![0i64; self.geom.out_shape().iter().product()];
        let mut failed = false;
        self.geom.for_each_output(|o, oc, oy, ox| {
            let mut sum = 0i64;
            self.geom.for_each_tap(oc, oy, ox, |xi, _| match sum.checked_add(x[xi]) {
                Some(v) => sum = v,
                None => failed = true,
            });
            acc[o] = sum;
        });
        if failed { Err(CoreError::Overflow { node: node.to_string(), what: "average pool sum" }) } else { Ok(acc) }
    }
}

/// Max pooling: the largest input in the window; padded positions are ignored (ONNX pads
/// with -infinity). The output has the input's quantization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaxPool {
    /// Window geometry (depthwise: `groups = in_ch = out_ch`).
    pub geom: ConvGeom,
}

impl MaxPool {
    /// Output values and, per output, the flat input index of the maximum (the first one on
    /// ties). Every window holds at least one real input because pads are smaller than the
    /// kernel (checked at validation).
    pub fn select(&self, x: &[i64]) -> (Vec<i64>, Vec<u32>) {
        let n: usize = self.geom.out_shape().iter().product();
        let mut out = vec![i64::MIN; n];
        let mut arg = vec![0u32; n];
        self.geom.for_each_output(|o, oc, oy, ox| {
            self.geom.for_each_tap(oc, oy, ox, |xi, _| {
                if x[xi] > out[o] {
                    out[o] = x[xi];
                    arg[o] = xi as u32;
                }
            });
        });
        (out, arg)
    }
}
