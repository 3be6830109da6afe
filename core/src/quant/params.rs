//! Per-tensor quantization parameters and the quantization configuration.

use serde::{Deserialize, Serialize};

/// How a tensor's integers map to real values: `real = q * scale`, with `q` in `[lo, hi]`.
///
/// Zero points are always 0 (symmetric quantization). That keeps zero padding exact and
/// every linear layer a pure linear combination in the circuit. Tensors whose calibrated
/// range is non-negative (after ReLU) use the unsigned range `[0, 2^b - 1]`, so no bit is
/// wasted on a sign that never occurs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantParams {
    /// Real value of one integer step.
    pub scale: f64,
    /// Smallest representable integer.
    pub lo: i64,
    /// Largest representable integer.
    pub hi: i64,
}

impl QuantParams {
    /// Parameters for a `bits`-wide tensor covering the real range `[min, max]`.
    ///
    /// Signed: `scale = max(|min|, |max|) / (2^(b-1) - 1)`, range `[-2^(b-1), 2^(b-1) - 1]`
    /// (the scale is symmetric; the extra negative code keeps the span `2^b - 1`, which makes
    /// range checks and clamps in the circuit a single bit decomposition). Non-negative (`min >= 0`):
    /// `scale = max / (2^b - 1)`, range `[0, 2^b - 1]`. A degenerate range (all zeros) gets
    /// scale 1.
    pub fn for_range(min: f64, max: f64, bits: u32) -> Self {
        if min >= 0.0 {
            let hi = (1i64 << bits) - 1;
            let scale = if max > 0.0 { max / hi as f64 } else { 1.0 };
            Self { scale, lo: 0, hi }
        } else {
            let hi = (1i64 << (bits - 1)) - 1;
            let amax = min.abs().max(max.abs());
            let scale = if amax > 0.0 { amax / hi as f64 } else { 1.0 };
            Self { scale, lo: -hi - 1, hi }
        }
    }

    /// Integer parameters for exact integer data (e.g. sign outputs): scale 1.
    pub fn integer(lo: i64, hi: i64) -> Self {
        Self { scale: 1.0, lo, hi }
    }

    /// Quantizes a real value: round half away from zero, then clamp to `[lo, hi]`.
    pub fn quantize(&self, x: f64) -> i64 {
        let q = (x / self.scale).round();
        // The clamp happens in f64 first so huge values cannot overflow the cast.
        q.clamp(self.lo as f64, self.hi as f64) as i64
    }

    /// Real value of an integer.
    pub fn dequantize(&self, q: i64) -> f64 {
        q as f64 * self.scale
    }

    /// Bits needed to hold any value of `[lo, hi]` as a two's-complement or unsigned integer.
    pub fn bits(&self) -> u32 {
        range_bits(self.lo, self.hi)
    }
}

/// Bits of the smallest signed (if `lo < 0`) or unsigned integer type holding `[lo, hi]`.
pub fn range_bits(lo: i64, hi: i64) -> u32 {
    let mag = |v: i64| 64 - v.unsigned_abs().leading_zeros();
    if lo < 0 { mag(lo).max(mag(hi)) + 1 } else { mag(hi).max(1) }
}

/// How activation ranges are chosen from the calibration set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum CalibrationMode {
    /// Minimum and maximum over all calibration samples.
    MinMax,
    /// The given percentile of |x| (e.g. 99.99), robust to outliers; values above clamp.
    Percentile(f64),
}

/// Settings of the float→integer conversion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantConfig {
    /// Weight bit width (symmetric, per output channel). Default 8.
    pub weight_bits: u32,
    /// Activation bit width (per tensor). Default 8.
    pub act_bits: u32,
    /// Significant bits of requantization multipliers `M` (`2^(p-1) <= M < 2^p`). Default 16.
    ///
    /// Each requantization costs about `log2(M) + accumulator bits` constraints, so fewer
    /// bits are cheaper; 16 keeps the multiplier error far below half an output step.
    pub mult_bits: u32,
    /// Activation range estimation.
    pub calibration: CalibrationMode,
}

impl Default for QuantConfig {
    fn default() -> Self {
        Self { weight_bits: 8, act_bits: 8, mult_bits: 16, calibration: CalibrationMode::MinMax }
    }
}

impl QuantConfig {
    /// Checks that the bit widths are usable for exact i64 inference.
    pub fn validate(&self) -> Result<(), String> {
        let ok = |b: u32| (2..=16).contains(&b);
        if !ok(self.weight_bits) {
            return Err(format!("weight bits must be in 2..=16, got {}", self.weight_bits));
        }
        if !ok(self.act_bits) {
            return Err(format!("activation bits must be in 2..=16, got {}", self.act_bits));
        }
        if !(2..=24).contains(&self.mult_bits) {
            return Err(format!("multiplier bits must be in 2..=24, got {}", self.mult_bits));
        }
        if let CalibrationMode::Percentile(p) = self.calibration
            && !(p > 50.0 && p <= 100.0)
        {
            return Err(format!("percentile must be in (50, 100], got {p}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_range_after_relu() {
        let p = QuantParams::for_range(0.0, 2.55, 8);
        assert_eq!((p.lo, p.hi), (0, 255));
        assert_eq!(p.quantize(2.55), 255);
        assert_eq!(p.quantize(-1.0), 0);
    }

    #[test]
    fn signed_range_has_a_power_of_two_span() {
        let p = QuantParams::for_range(-1.0, 0.5, 8);
        assert_eq!((p.lo, p.hi), (-128, 127));
        assert_eq!(p.quantize(-1.0), -127);
        assert_eq!(p.quantize(1e30), 127);
        assert_eq!(p.quantize(f64::NEG_INFINITY), -128);
    }

    #[test]
    fn bits_of_ranges() {
        assert_eq!(range_bits(0, 255), 8);
        assert_eq!(range_bits(-127, 127), 8);
        assert_eq!(range_bits(-128, 127), 9); // conservative: |lo| needs 8 magnitude bits
        assert_eq!(range_bits(0, 0), 1);
        assert_eq!(range_bits(-1, 1), 2);
    }
}
