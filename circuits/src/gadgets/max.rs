//! Maximum of a window (max pooling).

use crate::field::{Fr, fr_from_i64};
use crate::gadgets::bits::{bits_for, range_check};
use crate::wire::{SynResult, Wire, enforce};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

/// Returns `max(xs)` for integers all in `[lo, hi]`; `out` is the recorded maximum.
///
/// Enforces `out - x_i ∈ [0, 2^m)` for every `i` (`m = bits(hi - lo)`, so `out >= x_i`)
/// and `Π (out - x_i) = 0` (so `out` equals one of them).
/// Cost: `n(m + 1) + n - 1` constraints for `n` inputs (a single input costs nothing).
pub fn max(cs: &ConstraintSystemRef<Fr>, xs: &[Wire], lo: i64, hi: i64, out: Option<i64>) -> SynResult<Wire> {
    match xs {
        [] => Err(SynthesisError::Unsatisfiable),
        [x] => Ok(x.clone()),
        _ => {
            let o = Wire::witness(
                cs,
                if cs.is_in_setup_mode() { None } else { Some(fr_from_i64(out.unwrap_or_default())) },
            )?;
            let m = bits_for((hi as i128 - lo as i128).max(1) as u128);
            let diffs: Vec<Wire> = xs.iter().map(|x| o.sub(x)).collect();
            for d in &diffs {
                range_check(cs, d, m)?;
            }
            let mut prod = diffs[0].clone();
            for d in &diffs[1..diffs.len() - 1] {
                prod = prod.mul(d, cs)?;
            }
            enforce(cs, &prod, &diffs[diffs.len() - 1], &Wire::zero())?;
            Ok(o)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_util::*;
    use ark_ff::One;
    use proptest::prelude::*;

    #[test]
    fn cost_and_tamper() {
        let vals = [3i64, -7, 12, 12, 0];
        let cs = prove_cs();
        let xs: Vec<Wire> = vals.iter().map(|&v| alloc(&cs, v, 0)).collect();
        let o = max(&cs, &xs, -127, 127, Some(12)).unwrap();
        let m = bits_for(254) as usize;
        assert_eq!(cs.num_constraints(), 5 * (m + 1) + 4);
        let r = r1cs(&cs);
        assert!(r.is_satisfied());
        for wrong in [11i64, 13, 127] {
            assert!(!r.satisfied_with(column(&cs, &o), fr_from_i64(wrong)), "{wrong}");
        }
        for col in r.num_instance..r.z.len() {
            assert!(!r.satisfied_with(col, r.z[col] + Fr::one()), "column {col} is free");
        }
    }

    #[test]
    fn a_value_not_in_the_window_is_rejected() {
        // 10 >= all inputs but equals none of them.
        let cs = prove_cs();
        let xs: Vec<Wire> = [3i64, 5, 9].iter().map(|&v| alloc(&cs, v, 0)).collect();
        max(&cs, &xs, 0, 15, Some(10)).unwrap();
        assert!(!r1cs(&cs).is_satisfied());
    }

    proptest! {
        #[test]
        fn agrees_with_native(vals in proptest::collection::vec(-127i64..=127, 1..10), mode in 0u8..3) {
            let cs = prove_cs();
            let xs: Vec<Wire> = vals.iter().map(|&v| alloc(&cs, v, mode)).collect();
            let want = *vals.iter().max().unwrap();
            let o = max(&cs, &xs, -127, 127, Some(want)).unwrap();
            prop_assert_eq!(o.value, Some(fr_from_i64(want)));
            prop_assert!(r1cs(&cs).is_satisfied());
        }
    }
}
