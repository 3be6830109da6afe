//! Requantization: `q_u = floor((acc * M + 2^(s-1)) / 2^s)` (see `zkid_core::quant::requant`).

use crate::field::{Fr, fr_from_i64, pow2};
use crate::gadgets::bits::range_check;
use crate::wire::{SynResult, Wire};
use ark_ff::Zero;
use ark_relations::gr1cs::ConstraintSystemRef;
use zkid_core::quant::Multiplier;

/// Returns `q_u` with `t = acc*M + 2^(s-1) = q_u * 2^s + r`, `0 <= r < 2^s`.
///
/// Allocates `q_u` (hint: the recorded unclamped value) and range-checks the remainder
/// `r = t - q_u*2^s`, a free linear combination. Cost: `s + 1` constraints (0 when
/// `s = 0`: then `q_u = acc*M` is itself a linear combination).
///
/// **The caller must bound `q_u`** (e.g. with [`super::clamp`], which range-checks it):
/// the remainder check alone fixes `q_u` only modulo `p / 2^s`.
pub fn requantize(cs: &ConstraintSystemRef<Fr>, acc: &Wire, m: Multiplier, unclamped: Option<i64>) -> SynResult<Wire> {
    let round = if m.shift > 0 { pow2(m.shift - 1) } else { Fr::zero() };
    let t = acc.scale(fr_from_i64(m.mult)).add_const(round);
    if m.shift == 0 {
        return Ok(t);
    }
    let q =
        Wire::witness(cs, if cs.is_in_setup_mode() { None } else { Some(fr_from_i64(unclamped.unwrap_or_default())) })?;
    let r = t.sub(&q.scale(pow2(m.shift)));
    range_check(cs, &r, m.shift)?;
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_util::*;
    use proptest::prelude::*;
    use zkid_core::quant::requant::requantize as native;

    #[test]
    fn cost_is_shift_plus_one() {
        for (shift, cost) in [(0u32, 0usize), (1, 2), (14, 15)] {
            let cs = prove_cs();
            let acc = alloc(&cs, 1000, 0);
            let m = Multiplier { mult: 3, shift };
            let step = native(1000, m, i64::MIN / 2, i64::MAX / 2, "t").unwrap();
            requantize(&cs, &acc, m, Some(step.unclamped)).unwrap();
            assert_eq!(cs.num_constraints(), cost);
            assert!(r1cs(&cs).is_satisfied());
        }
    }

    #[test]
    fn wrong_quotient_is_rejected() {
        let m = Multiplier { mult: 77, shift: 9 };
        let step = native(-12345, m, i64::MIN / 2, i64::MAX / 2, "t").unwrap();
        for delta in [-1i64, 1, 2, 1 << 20] {
            let cs = prove_cs();
            let acc = alloc(&cs, -12345, 0);
            requantize(&cs, &acc, m, Some(step.unclamped + delta)).unwrap();
            assert!(!r1cs(&cs).is_satisfied(), "delta {delta}");
        }
        // Tampering with q_u after synthesis, and with acc, is caught too.
        let cs = prove_cs();
        let acc = alloc(&cs, -12345, 0);
        let q = requantize(&cs, &acc, m, Some(step.unclamped)).unwrap();
        let r = r1cs(&cs);
        assert!(r.is_satisfied());
        assert!(!r.satisfied_with(column(&cs, &q), fr_from_i64(step.unclamped + 1)));
        assert!(!r.satisfied_with(column(&cs, &acc), fr_from_i64(-12345 + 4096)));
    }

    proptest! {
        #[test]
        fn agrees_with_native(acc in -1_000_000i64..1_000_000, mult in 1i64..65536, shift in 0u32..24, mode in 0u8..3) {
            let m = Multiplier { mult, shift };
            let step = native(acc, m, i64::MIN / 2, i64::MAX / 2, "t").unwrap();
            let cs = prove_cs();
            let a = alloc(&cs, acc, mode);
            let q = requantize(&cs, &a, m, Some(step.unclamped)).unwrap();
            prop_assert_eq!(q.value, Some(fr_from_i64(step.unclamped)));
            prop_assert!(r1cs(&cs).is_satisfied());
        }
    }
}
