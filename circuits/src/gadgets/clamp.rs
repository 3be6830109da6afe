//! Saturation to `[lo, hi]` (fused ReLU / ReLU6 / the output range of a requantization).

use crate::field::{Fr, fr_from_i64};
use crate::gadgets::bits::{bits_for, in_range, is_nonneg};
use crate::wire::{SynResult, Wire};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

/// Returns `clamp(x, lo, hi)` for an integer `x` known to satisfy `|x| <= bound`.
///
/// * If `[-bound, bound] ⊆ [lo, hi]`, no clamping can happen: enforces `lo <= x <= hi`
///   exactly and returns `x` (cost of [`in_range`]).
/// * Otherwise, with `k = bits(bound + max(|lo|, |hi|))`: `ge = [x >= lo]` and
///   `le = [x <= hi]` from two sign decompositions (which also bound `x` to
///   `[lo - 2^k, lo + 2^k)`), then `y = le*(x - hi) + hi`, `out = ge*(y - lo) + lo`.
///   Cost: `2(k + 2) + 2` constraints.
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
    let ge = is_nonneg(cs, &x.add_const(-lo_f), k)?;
    let le = is_nonneg(cs, &Wire::constant(hi_f).sub(x), k)?;
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
            assert_eq!(cs.num_constraints(), 2 * (k as usize + 2) + 2);
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
        assert_eq!(cs.num_constraints(), 2 * 9); // in_range(-127, 127)
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
        // Every single witness column of an honest clamp is individually constrained.
        let cs = prove_cs();
        let x = alloc(&cs, 300, 0);
        clamp(&cs, &x, 0, 255, 1000).unwrap();
        let r = r1cs(&cs);
        for col in r.num_instance..r.z.len() {
            assert!(!r.satisfied_with(col, r.z[col] + Fr::from(1u64)), "column {col} is free");
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
