//! Face-embedding matching: squared Euclidean distance against a threshold.

use crate::field::Fr;
use crate::gadgets::bits::{bits_for, in_range, is_nonneg};
use crate::wire::{SynResult, Wire};
use ark_ff::One;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

/// The largest squared distance of two `n`-vectors with entries in `[-value_bound, value_bound]`:
/// `n·(2·value_bound)^2`, when it fits an `i64`.
fn max_sum(n: usize, value_bound: u64) -> Option<i64> {
    let span = u128::from(value_bound).checked_mul(2)?;
    let sum = span.checked_mul(span)?.checked_mul(u128::try_from(n).ok()?)?;
    i64::try_from(sum).ok()
}

/// Returns the boolean verdict `[Σ_i (a_i - b_i)^2 <= tau]`.
///
/// `a` and `b` are integer vectors of the same length `n` with `|a_i|, |b_i| <= value_bound`
/// (the caller range-checks them). `tau` (a public input in the statement) is range-checked to
/// `[0, max_sum]` here, `max_sum = n·(2·value_bound)^2`. The verdict is a single witness
/// variable fully determined by the inputs.
///
/// Cost: `n + 3m + 4` constraints with `m = bits(max_sum)`: `n` squares, `2(m + 1)` for the
/// range check of `tau` and `m + 2` for one [`is_nonneg`] comparison.
///
/// Errors: [`SynthesisError::Unsatisfiable`] when the lengths differ, the vectors are empty,
/// `value_bound` is 0 or `max_sum` exceeds `i64::MAX`.
pub fn l2_verdict(
    cs: &ConstraintSystemRef<Fr>,
    a: &[Wire],
    b: &[Wire],
    value_bound: u64,
    tau: &Wire,
) -> SynResult<Wire> {
    if a.len() != b.len() || a.is_empty() || value_bound == 0 {
        return Err(SynthesisError::Unsatisfiable);
    }
    let max_sum = max_sum(a.len(), value_bound).ok_or(SynthesisError::Unsatisfiable)?;
    in_range(cs, tau, 0, max_sum)?;
    let mut squares = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        let d = x.sub(y);
        squares.push((Fr::one(), d.mul(&d, cs)?));
    }
    // tau - Σ ∈ [-max_sum, max_sum]
    is_nonneg(cs, &tau.sub(&Wire::linear(squares)), bits_for(max_sum as u128))
}

/// `Σ_i (a_i - b_i)^2`, or `None` when the lengths differ or the sum overflows a `u64`.
pub fn native_l2(a: &[i64], b: &[i64]) -> Option<u64> {
    if a.len() != b.len() {
        return None;
    }
    a.iter().zip(b).try_fold(0u64, |acc, (&x, &y)| {
        let d = (i128::from(x) - i128::from(y)).unsigned_abs();
        acc.checked_add(u64::try_from(d.checked_mul(d)?).ok()?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_util::*;
    use ark_ff::Zero;
    use proptest::prelude::*;

    /// Documented cost for `n` entries bounded by `value_bound`.
    fn documented_cost(n: usize, value_bound: u64) -> usize {
        let m = bits_for(max_sum(n, value_bound).unwrap() as u128) as usize;
        n + 3 * m + 4
    }

    /// The verdict value and whether the system is satisfied; checks the cost and that every
    /// witness the gadget allocated is pinned.
    fn verdict_of(a: &[i64], b: &[i64], value_bound: u64, tau: i64, mode: u8) -> (Option<Fr>, bool) {
        let cs = prove_cs();
        let tau_w = alloc(&cs, tau, 1);
        let aw: Vec<Wire> = a.iter().map(|&v| alloc(&cs, v, mode)).collect();
        let bw: Vec<Wire> = b.iter().map(|&v| alloc(&cs, v, mode)).collect();
        let first_gadget_column = cs.num_instance_variables() + cs.num_witness_variables();
        let v = l2_verdict(&cs, &aw, &bw, value_bound, &tau_w).unwrap();
        assert_eq!(cs.num_constraints(), documented_cost(a.len(), value_bound));
        let r = r1cs(&cs);
        let satisfied = r.is_satisfied();
        if satisfied {
            let col = column(&cs, &v);
            assert!(!r.satisfied_with(col, Fr::one() - r.z[col]));
            for col in first_gadget_column..r.z.len() {
                assert!(!r.satisfied_with(col, r.z[col] + Fr::one()), "column {col} is free");
            }
        }
        (v.value, satisfied)
    }

    #[test]
    fn at_below_and_above_the_threshold() {
        let (a, b) = ([3i64, -4, 100, -127], [0i64, 0, 101, -127]);
        let d = native_l2(&a, &b).unwrap();
        assert_eq!(d, 26);
        for mode in 0..3 {
            assert_eq!(verdict_of(&a, &b, 127, 26, mode), (Some(Fr::one()), true), "at");
            assert_eq!(verdict_of(&a, &b, 127, 27, mode), (Some(Fr::one()), true), "above tau");
            assert_eq!(verdict_of(&a, &b, 127, 25, mode), (Some(Fr::zero()), true), "below tau");
        }
        // Extremes: identical vectors at tau 0, the largest distance at tau = max_sum.
        assert_eq!(verdict_of(&a, &a, 127, 0, 0), (Some(Fr::one()), true));
        let (lo, hi) = ([-127i64; 4], [127i64; 4]);
        let max = max_sum(4, 127).unwrap();
        assert_eq!(native_l2(&lo, &hi), Some(max as u64));
        assert_eq!(verdict_of(&lo, &hi, 127, max, 0), (Some(Fr::one()), true));
        assert_eq!(verdict_of(&lo, &hi, 127, max - 1, 0), (Some(Fr::zero()), true));
    }

    #[test]
    fn threshold_out_of_range_is_unsatisfiable() {
        let (a, b) = ([1i64, 2], [2i64, 1]);
        let max = max_sum(2, 3).unwrap();
        assert_eq!(max, 72);
        for tau in [-1, max + 1, 1 << 40] {
            assert!(!verdict_of(&a, &b, 3, tau, 0).1, "{tau}");
        }
        assert!(verdict_of(&a, &b, 3, max, 0).1);
        assert!(verdict_of(&a, &b, 3, 0, 0).1);
    }

    #[test]
    fn rejects_bad_parameters() {
        let cs = prove_cs();
        let tau = alloc(&cs, 1, 1);
        let w = |v| alloc(&cs, v, 0);
        assert!(l2_verdict(&cs, &[w(1)], &[w(1), w(2)], 4, &tau).is_err());
        assert!(l2_verdict(&cs, &[], &[], 4, &tau).is_err());
        assert!(l2_verdict(&cs, &[w(1)], &[w(1)], u64::MAX, &tau).is_err());
        assert!(l2_verdict(&cs, &[w(0)], &[w(0)], 0, &tau).is_err());
        assert_eq!(native_l2(&[1], &[1, 2]), None);
        assert_eq!(native_l2(&[i64::MIN], &[i64::MAX]), None);
        assert_eq!(native_l2(&[5, -5], &[-5, 5]), Some(200));
    }

    #[test]
    fn setup_mode_has_the_same_shape() {
        let shape_of = |cs: &ConstraintSystemRef<Fr>| {
            let tau = alloc(cs, 50, 1);
            let a: Vec<Wire> = (0..8).map(|i| alloc(cs, i, 0)).collect();
            let b: Vec<Wire> = (0..8).map(|i| alloc(cs, -i, 0)).collect();
            l2_verdict(cs, &a, &b, 127, &tau).unwrap();
            let r = r1cs(cs);
            (r.num_constraints(), r.num_instance, r.num_witness, r.non_zeros())
        };
        assert_eq!(shape_of(&setup_cs()), shape_of(&prove_cs()));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn agrees_with_native(
            pairs in proptest::collection::vec((-127i64..=127, -127i64..=127), 1..12),
            tau_frac in 0.0f64..=1.0,
            mode in 0u8..3,
        ) {
            let (a, b): (Vec<i64>, Vec<i64>) = pairs.into_iter().unzip();
            let d = native_l2(&a, &b).unwrap();
            // Thresholds around the distance and across the whole range.
            let max = max_sum(a.len(), 127).unwrap();
            for tau in [d as i64, d as i64 - 1, d as i64 + 1, (tau_frac * max as f64) as i64] {
                if !(0..=max).contains(&tau) {
                    continue;
                }
                let want = Fr::from(u64::from(d <= tau as u64));
                prop_assert_eq!(verdict_of(&a, &b, 127, tau, mode), (Some(want), true));
            }
        }
    }
}
