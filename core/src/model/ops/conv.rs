//! 2-D convolution geometry (shared with pooling and the float reference) and the integer
//! convolution.

use super::OutputStage;
use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};

/// Geometry of a 2-D convolution or pooling window over an NCHW tensor with batch 1.
///
/// Output size per spatial axis: `(in + pad_begin + pad_end - dilation*(k-1) - 1) / stride + 1`.
/// Padded positions contribute nothing (zero for sums, ignored for max).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvGeom {
    /// Input channels.
    pub in_ch: usize,
    /// Input height and width.
    pub in_hw: [usize; 2],
    /// Output channels.
    pub out_ch: usize,
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Strides (height, width).
    pub stride: [usize; 2],
    /// Padding: top, left, bottom, right.
    pub pads: [usize; 4],
    /// Dilations (height, width).
    pub dilation: [usize; 2],
    /// Groups: `in_ch` and `out_ch` are both divisible by it (depthwise: `groups = in_ch`).
    pub groups: usize,
}

impl ConvGeom {
    /// Checks divisibility and that the output is non-empty.
    pub fn validate(&self) -> Result<(), String> {
        let nz = |v: usize, what: &str| if v == 0 { Err(format!("{what} must be positive")) } else { Ok(()) };
        nz(self.groups, "groups")?;
        nz(self.in_ch, "input channels")?;
        nz(self.out_ch, "output channels")?;
        for a in 0..2 {
            nz(self.kernel[a], "kernel size")?;
            nz(self.stride[a], "stride")?;
            nz(self.dilation[a], "dilation")?;
        }
        if !self.in_ch.is_multiple_of(self.groups) || !self.out_ch.is_multiple_of(self.groups) {
            return Err(format!(
                "channels ({} in, {} out) are not divisible by groups {}",
                self.in_ch, self.out_ch, self.groups
            ));
        }
        for a in 0..2 {
            let span = self.dilation[a] * (self.kernel[a] - 1) + 1;
            if self.in_hw[a] + self.pads[a] + self.pads[a + 2] < span {
                return Err("kernel is larger than the padded input".into());
            }
        }
        Ok(())
    }

    /// Output height and width.
    pub fn out_hw(&self) -> [usize; 2] {
        let o = |a: usize| {
            let span = self.dilation[a] * (self.kernel[a] - 1) + 1;
            (self.in_hw[a] + self.pads[a] + self.pads[a + 2] - span) / self.stride[a] + 1
        };
        [o(0), o(1)]
    }

    /// Input shape `[1, in_ch, h, w]`.
    pub fn in_shape(&self) -> Vec<usize> {
        vec![1, self.in_ch, self.in_hw[0], self.in_hw[1]]
    }

    /// Output shape `[1, out_ch, oh, ow]`.
    pub fn out_shape(&self) -> Vec<usize> {
        let [oh, ow] = self.out_hw();
        vec![1, self.out_ch, oh, ow]
    }

    /// Weight count per output channel: `in_ch / groups * kh * kw`.
    pub fn taps_per_output(&self) -> usize {
        self.in_ch / self.groups * self.kernel[0] * self.kernel[1]
    }

    /// Calls `f(input_index, weight_index)` for every tap of output element `(oc, oy, ox)`
    /// that falls inside the input (padding taps are skipped). Indices are flat row-major
    /// into the input `[1, C, H, W]` and weights `[out_ch, in_ch/groups, kh, kw]`.
    #[inline]
    pub fn for_each_tap(&self, oc: usize, oy: usize, ox: usize, mut f: impl FnMut(usize, usize)) {
        let cin_g = self.in_ch / self.groups;
        let g = oc / (self.out_ch / self.groups);
        let [h, w] = self.in_hw;
        let [kh, kw] = self.kernel;
        for ci in 0..cin_g {
            let ic = g * cin_g + ci;
            for ky in 0..kh {
                let iy = (oy * self.stride[0] + ky * self.dilation[0]) as isize - self.pads[0] as isize;
                if iy < 0 || iy >= h as isize {
                    continue;
                }
                for kx in 0..kw {
                    let ix = (ox * self.stride[1] + kx * self.dilation[1]) as isize - self.pads[1] as isize;
                    if ix < 0 || ix >= w as isize {
                        continue;
                    }
                    let in_idx = (ic * h + iy as usize) * w + ix as usize;
                    let w_idx = ((oc * cin_g + ci) * kh + ky) * kw + kx;
                    f(in_idx, w_idx);
                }
            }
        }
    }

    /// Calls `f(out_index, oc, oy, ox)` for every output element in row-major order.
    pub fn for_each_output(&self, mut f: impl FnMut(usize, usize, usize, usize)) {
        let [oh, ow] = self.out_hw();
        let mut i = 0;
        for oc in 0..self.out_ch {
            for oy in 0..oh {
                for ox in 0..ow {
                    f(i, oc, oy, ox);
                    i += 1;
                }
            }
        }
    }
}

/// Integer convolution: `acc[oc,y,x] = bias[oc] + Σ w[oc,ci,ky,kx] * x[ic, y*s-p+ky*d, x*s-p+kx*d]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conv {
    /// Geometry.
    pub geom: ConvGeom,
    /// Weights `[out_ch, in_ch/groups, kh, kw]`, quantized symmetric per output channel.
    pub weights: Vec<i64>,
    /// Bias per output channel at the accumulator scale.
    pub bias: Vec<i64>,
    /// Requantization or sign.
    pub out: OutputStage,
}

impl Conv {
    /// Accumulators for input `x` (flat `[1, in_ch, h, w]`), with checked arithmetic.
    pub fn accumulate(&self, x: &[i64], node: &str) -> Result<Vec<i64>> {
        let overflow = || CoreError::Overflow { node: node.to_string(), what: "convolution accumulator" };
        let mut acc = vec![0i64; self.geom.out_shape().iter().product()];
        let mut failed = false;
        self.geom.for_each_output(|o, oc, oy, ox| {
            let mut sum = self.bias[oc];
            self.geom.for_each_tap(oc, oy, ox, |xi, wi| {
                match x[xi].checked_mul(self.weights[wi]).and_then(|p| p.checked_add(sum)) {
                    Some(v) => sum = v,
                    None => failed = true,
                }
            });
            acc[o] = sum;
        });
        if failed { Err(overflow()) } else { Ok(acc) }
    }
}
