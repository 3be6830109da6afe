//! Saturation to `[lo, hi]` (fused ReLU / ReLU6 / the output range of a requantization).

use crate::field::{Fr, fr_from_i64, pow2};
use crate::gadgets::bits::{bits_for, decompose, in_range, is_nonneg, is_zero};
use crate::wire::{SynResult, Wire};
use ark_ff::One;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

/// Returns `clamp(x, lo, hi)` for an integer `x` known to satisfy `|x| <= bound`.
///
/// * If `[-bound, bound] ⊆ [lo, hi]`, no clamping can happen: enforces `lo <= x <= hi`
///   exactly and returns `x` (cost of [`in_range`]).
/// * Otherwise, with `k = bits(bound + max(|lo|, |hi|))`, the decomposition of
///   `d = x - lo + 2^k` into `k + 1` bits bounds `x` to `[lo - 2^k, lo + 2^k)` and gives
///   `ge = [x >= lo]` (its top bit). Then `le = [x <= hi]`, and
///   `y = le*(x - hi) + hi`, `out = ge*(y - lo) + lo`:
///   * when `hi - lo + 1 = 2^m` (every 8-bit tensor: `[0, 255]`, `[-128, 127]`), for
///     `x >= lo` the low `k` bits are `x - lo`, so `le = [bits m..k of d are all 0]`:
///     one zero test of their sum. Cost: `k + 7` constraints.
///   * otherwise `le` is a second sign test of `hi - x`. Cost: `2(k + 2) + 2` constraints.
pub fn clamp(cs: &ConstraintSystemRef<Fr>, x: &Wire, lo: i64, hi: i64, bound: u64) -> SynResult<Wire> {
    if lo > hi {
        return Err(SynthesisError::Unsatisfiable);
    }
    let b = bound as i128;
    if -b >= lo as i128 && b <= hi as i128 {
        in_range(cs, x, lo, hi)?;
        return Ok(x.clone());
    }
    let k = bits_for(bound as u128 + lo.unsigned_abs().max(hi.unsigned_abs()) as u128);
    let (lo_f, hi_f) = (fr_from_i64(lo), fr_from_i64(hi));
    let span = (hi as i128 - lo as i128) as u128 + 1;
    let m = span.trailing_zeros();
    // With lookups two sign tests are cheaper than the shared bit decomposition.
    let (ge, le) = if span.is_power_of_two() && m < k && !crate::lookup::active() {
        let bits = decompose(cs, &x.add_const(pow2(k) - lo_f), k + 1)?;
        let high = Wire::linear(bits[m as usize..k as usize].iter().map(|b| (Fr::one(), b.clone())));
        (bits[k as usize].clone(), is_zero(cs, &high)?)
    } else {
        (is_nonneg(cs, &x.add_const(-lo_f), k)?, is_nonneg(cs, &Wire::constant(hi_f).sub(x), k)?)
    };
    let y = le.mul(&x.add_const(-hi_f), cs)?.add_const(hi_f);
    Ok(ge.mul(&y.add_const(-lo_f), cs)?.add_const(lo_f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_util::*;
    use proptest::prelude::*;

    #[test]
    fn relu_like_clamp_cost_and_values() {
        for v in [-300i64, -1, 0, 17, 255, 256, 1000] {
            let cs = prove_cs();
            let x = alloc(&cs, v, 0);
            let out = clamp(&cs, &x, 0, 255, 1000).unwrap();
            let k = bits_for(1000 + 255);
            assert_eq!(cs.num_constraints(), k as usize + 7);
            assert_eq!(out.value, Some(fr_from_i64(v.clamp(0, 255))));
            let r = r1cs(&cs);
            assert!(r.is_satisfied(), "{v}");
            // Tamper: the output (a product witness) and each decision bit.
            assert!(!r.satisfied_with(
                column(&cs, &out.sub(&Wire::constant(fr_from_i64(0)))),
                fr_from_i64(v.clamp(0, 255) + 1)
            ));
        }
    }

    #[test]
    fn no_clamp_needed_is_a_range_check() {
        let cs = prove_cs();
        let x = alloc(&cs, 5, 0);
        let out = clamp(&cs, &x, -127, 127, 100).unwrap();
        assert_eq!(cs.num_constraints(), 2 * 9); // in_range(-127, 127): span 254, two checks
        assert!(r1cs(&cs).is_satisfied());
        assert_eq!(out.value, x.value);
        // A value beyond the promised bound is caught by the range check.
        let cs = prove_cs();
        let x = alloc(&cs, 128, 0);
        clamp(&cs, &x, -127, 127, 100).unwrap();
        assert!(!r1cs(&cs).is_satisfied());
    }

    #[test]
    fn decision_bits_cannot_lie() {
        // Every single witness column of an honest clamp is individually constrained, on
        // both paths (power-of-two span and general), below, inside and above the range.
        for (lo, hi, cost) in
            [(0i64, 255i64, bits_for(1000 + 255) as usize + 7), (-50, 200, 2 * (bits_for(1200) as usize + 2) + 2)]
        {
            for v in [-1000i64, -51, -5, 0, 100, 200, 201, 255, 300, 1000] {
                let cs = prove_cs();
                let x = alloc(&cs, v, 0);
                let out = clamp(&cs, &x, lo, hi, 1000).unwrap();
                assert_eq!(cs.num_constraints(), cost, "[{lo},{hi}]");
                assert_eq!(out.value, Some(fr_from_i64(v.clamp(lo, hi))));
                let r = r1cs(&cs);
                assert!(r.is_satisfied(), "{v} in [{lo},{hi}]");
                for col in r.num_instance..r.z.len() {
                    assert!(!r.satisfied_with(col, r.z[col] + Fr::from(1u64)), "{v}: column {col} is free");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_native(v in -5000i64..5000, lo in -200i64..50, span in 0i64..300, mode in 0u8..3) {
            let hi = lo + span;
            let cs = prove_cs();
            let x = alloc(&cs, v, mode);
            let out = clamp(&cs, &x, lo, hi, 5000).unwrap();
            prop_assert_eq!(out.value, Some(fr_from_i64(v.clamp(lo, hi))));
            prop_assert!(r1cs(&cs).is_satisfied());
        }
    }
}
