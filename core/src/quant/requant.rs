//! The requantization rule, the one place where zkid rounds.
//!
//! A linear layer produces an integer accumulator `acc` at scale `s_acc`; the next tensor
//! has scale `s_out`. The real ratio `m = s_acc / s_out` is approximated by an integer
//! multiplier and a power-of-two shift, `m ≈ M / 2^s`, and
//!
//! ```text
//! t   = acc * M + (s > 0 ? 2^(s-1) : 0)      // exact, checked i64
//! q_u = floor(t / 2^s)                       // arithmetic shift right: rounds half up
//! r   = t - q_u * 2^s                        // remainder, 0 <= r < 2^s
//! q   = clamp(q_u, lo, hi)                   // [lo, hi] of the output tensor
//! ```
//!
//! Rounding is therefore "round half toward +infinity" of `acc * M / 2^s` (so `-2.5 → -2`,
//! `2.5 → 3`), and clamping saturates at the output tensor's range (this is also how fused
//! ReLU and ReLU6 are expressed: `lo = 0`, `hi = q(6)`). The circuit enforces exactly these
//! equations: `t = q_u * 2^s + r` with `r` range-checked to `s` bits, and the clamp.

use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};

/// An integer multiplier with a right shift, approximating a positive real `M / 2^shift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Multiplier {
    /// Integer multiplier `M >= 0`.
    pub mult: i64,
    /// Right shift `s` (0..=62).
    pub shift: u32,
}

/// Largest shift a multiplier may use; keeps `2^s` and the rounding term inside i64.
pub const MAX_SHIFT: u32 = 62;

impl Multiplier {
    /// The identity multiplier (`M = 1`, `s = 0`).
    pub const ONE: Multiplier = Multiplier { mult: 1, shift: 0 };

    /// Approximates `m >= 0` with `bits` significant bits: `2^(bits-1) <= M < 2^bits`
    /// whenever `m` is representable with a non-negative shift; for `m >= 2^bits` the shift
    /// is 0 and `M = round(m)`. `m = 0` gives `M = 0`.
    pub fn from_real(m: f64, bits: u32) -> Result<Self, String> {
        if !m.is_finite() || m < 0.0 {
            return Err(format!("multiplier {m} is not a finite non-negative number"));
        }
        if m == 0.0 {
            return Ok(Self { mult: 0, shift: 0 });
        }
        // Smallest shift that brings M into [2^(bits-1), 2^bits).
        let mut shift: i32 = bits as i32 - 1 - m.log2().floor() as i32;
        let mut mult = (m * 2f64.powi(shift)).round();
        if mult >= 2f64.powi(bits as i32) {
            // round() carried into the next power of two
            shift -= 1;
            mult = (m * 2f64.powi(shift)).round();
        }
        if shift < 0 {
            shift = 0;
            mult = m.round();
        }
        if shift as u32 > MAX_SHIFT - 1 {
            return Err(format!("multiplier {m:e} is too small to represent"));
        }
        if mult >= 2f64.powi(62) {
            return Err(format!("multiplier {m:e} is too large"));
        }
        Ok(Self { mult: mult as i64, shift: shift as u32 })
    }

    /// The real value `M / 2^s`.
    pub fn to_real(self) -> f64 {
        self.mult as f64 / 2f64.powi(self.shift as i32)
    }
}

/// Requantization of an accumulator tensor into an output tensor: one multiplier for the
/// whole tensor or one per channel (axis 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requant {
    /// Multipliers: length 1 (whole tensor) or the number of output channels.
    pub channels: Vec<Multiplier>,
}

impl Requant {
    /// One multiplier for the whole tensor.
    pub fn uniform(m: Multiplier) -> Self {
        Self { channels: vec![m] }
    }

    /// Multiplier used for channel `c`.
    pub fn for_channel(&self, c: usize) -> Multiplier {
        if self.channels.len() == 1 { self.channels[0] } else { self.channels[c] }
    }
}

/// Which side of the clamp a value fell on: the circuit needs this decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Clamp {
    /// `q_u < lo`, output is `lo`.
    Low,
    /// `lo <= q_u <= hi`, output is `q_u`.
    Within,
    /// `q_u > hi`, output is `hi`.
    High,
}

/// Everything the circuit needs about one requantized element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequantStep {
    /// Unclamped rounded value `q_u = floor(t / 2^s)`.
    pub unclamped: i64,
    /// Remainder `r = t - q_u * 2^s`, in `[0, 2^s)`.
    pub remainder: i64,
    /// Clamp decision.
    pub clamp: Clamp,
    /// Output `clamp(q_u, lo, hi)`.
    pub out: i64,
}

/// Applies the requantization rule to one accumulator. `node` names the node in errors.
pub fn requantize(acc: i64, m: Multiplier, lo: i64, hi: i64, node: &str) -> Result<RequantStep> {
    let overflow = || CoreError::Overflow { node: node.to_string(), what: "requantization acc * M" };
    let round = if m.shift > 0 { 1i64 << (m.shift - 1) } else { 0 };
    let t = acc.checked_mul(m.mult).and_then(|v| v.checked_add(round)).ok_or_else(overflow)?;
    let unclamped = t >> m.shift;
    let remainder = t - (unclamped << m.shift);
    let (clamp, out) = if unclamped < lo {
        (Clamp::Low, lo)
    } else if unclamped > hi {
        (Clamp::High, hi)
    } else {
        (Clamp::Within, unclamped)
    };
    Ok(RequantStep { unclamped, remainder, clamp, out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounds_half_up() {
        let half = Multiplier { mult: 1, shift: 1 }; // x / 2
        let q = |acc| requantize(acc, half, -100, 100, "t").unwrap().out;
        assert_eq!(q(5), 3); // 2.5 -> 3
        assert_eq!(q(-5), -2); // -2.5 -> -2
        assert_eq!(q(-6), -3);
        assert_eq!(q(3), 2); // 1.5 -> 2
    }

    #[test]
    fn clamps_and_reports_side() {
        let one = Multiplier::ONE;
        assert_eq!(requantize(300, one, 0, 255, "t").unwrap().clamp, Clamp::High);
        assert_eq!(
            requantize(-3, one, 0, 255, "t").unwrap(),
            RequantStep { unclamped: -3, remainder: 0, clamp: Clamp::Low, out: 0 }
        );
    }

    #[test]
    fn overflow_is_an_error() {
        let m = Multiplier { mult: 1 << 40, shift: 3 };
        assert!(matches!(requantize(1 << 30, m, 0, 1, "n"), Err(CoreError::Overflow { .. })));
    }

    #[test]
    fn multiplier_edge_cases() {
        assert_eq!(Multiplier::from_real(0.0, 16).unwrap(), Multiplier { mult: 0, shift: 0 });
        assert!(Multiplier::from_real(f64::NAN, 16).is_err());
        assert!(Multiplier::from_real(-1.0, 16).is_err());
        let big = Multiplier::from_real(1e6, 8).unwrap();
        assert_eq!(big, Multiplier { mult: 1_000_000, shift: 0 });
        // exact power of two
        assert_eq!(Multiplier::from_real(0.5, 4).unwrap().to_real(), 0.5);
    }

    proptest! {
        #[test]
        fn multiplier_is_accurate(m in 1e-9f64..1e3, bits in 4u32..24) {
            let q = Multiplier::from_real(m, bits).unwrap();
            let rel = (q.to_real() - m).abs() / m;
            if m < 2f64.powi(bits as i32 - 1) {
                prop_assert!(q.mult >= 1 << (bits - 1) && q.mult < 1 << bits, "{q:?}");
                prop_assert!(rel <= 2f64.powi(-(bits as i32 - 1)), "rel {rel}");
            }
        }

        #[test]
        fn requant_matches_rational_rounding(acc in -1_000_000i64..1_000_000, mult in 0i64..65536, shift in 0u32..30) {
            let m = Multiplier { mult, shift };
            let s = requantize(acc, m, i64::MIN / 4, i64::MAX / 4, "t").unwrap();
            // reference: floor(acc*M/2^s + 1/2) in exact rational arithmetic (i128)
            let num = acc as i128 * mult as i128 * 2 + (1i128 << shift);
            let den = 1i128 << (shift + 1);
            let expect = num.div_euclid(den) as i64;
            prop_assert_eq!(s.out, expect);
            prop_assert!(s.remainder >= 0 && s.remainder < (1i64 << shift));
            let round = if shift > 0 { 1i64 << (shift - 1) } else { 0 };
            prop_assert_eq!(s.unclamped * (1i64 << shift) + s.remainder, acc * mult + round);
        }
    }
}
