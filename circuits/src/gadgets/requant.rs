//! Requantization: `q_u = floor((acc * M + 2^(s-1)) / 2^s)` (see `zkid_core::quant::requant`).

use crate::field::{Fr, fr_from_i64, pow2};
use crate::gadgets::bits::{bits_for, range_check};
use crate::gadgets::clamp::clamp;
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

/// `clamp(q_u, lo, hi)` of [`requantize`]`(acc)`, with `|q_u| <= bound`: the output stage
/// of a linear layer. In lookup mode, when the output range is a power-of-two span that
/// clamping can leave, one decomposition serves both ([`crate::lookup`]'s
/// `requant_clamp`); otherwise [`requantize`] then [`clamp`].
pub fn requantize_clamp(
    cs: &ConstraintSystemRef<Fr>,
    acc: &Wire,
    m: Multiplier,
    (lo, hi): (i64, i64),
    bound: u64,
    unclamped: Option<i64>,
) -> SynResult<Wire> {
    let span = (hi as i128 - lo as i128 + 1).max(0) as u128;
    let b = i128::from(bound);
    let clamps = -b < lo as i128 || b > hi as i128;
    let k = bits_for(u128::from(bound) + u128::from(lo.unsigned_abs().max(hi.unsigned_abs())));
    let mbits = span.trailing_zeros();
    if crate::lookup::active() && m.shift > 0 && clamps && span.is_power_of_two() && mbits >= 1 && mbits < k {
        let round = pow2(m.shift - 1);
        let t = acc.scale(fr_from_i64(m.mult)).add_const(round);
        return crate::lookup::requant_clamp(cs, &t, m.shift, lo, mbits, k);
    }
    let q = requantize(cs, acc, m, unclamped)?;
    clamp(cs, &q, lo, hi, bound)
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

    /// The lookup-mode fused stage equals native requantize-then-clamp on both sides of both
    /// bounds, and a wrong output or a tampered limb is unsatisfiable.
    #[test]
    fn fused_lookup_stage_agrees_with_native_and_is_pinned() {
        let m = Multiplier { mult: 23_456, shift: 16 };
        let bound = 2_000_000u64;
        for (lo, hi) in [(0i64, 255i64), (-128, 127)] {
            for acc in [-5_000_000i64, -300_000, -1, 0, 1, 2_900, 300_000, 700_000, 5_000_000] {
                let step = native(acc, m, lo, hi, "t").unwrap();
                let cs = prove_cs();
                let mut out = None;
                crate::lookup::run_with_lookups(&cs, |cs| {
                    let a = alloc(cs, acc, 0);
                    let q = requantize_clamp(cs, &a, m, (lo, hi), bound, Some(step.unclamped))?;
                    out = q.value;
                    Ok(())
                })
                .unwrap();
                assert_eq!(out, Some(fr_from_i64(step.out)), "acc {acc} range [{lo}, {hi}]");
                let r = r1cs(&cs);
                assert!(r.is_satisfied(), "acc {acc}");
                for col in r.num_instance + 1..r.z.len() {
                    assert!(!r.satisfied_with(col, r.z[col] + Fr::from(1u64)), "acc {acc}: column {col} is free");
                }
            }
        }
        // Fewer constraints than the two gadgets in lookup mode.
        let count = |fused: bool| {
            let cs = setup_cs();
            crate::lookup::run_with_lookups(&cs, |cs| {
                let a = alloc(cs, 0, 0);
                if fused {
                    requantize_clamp(cs, &a, m, (0, 255), bound, None).map(|_| ())
                } else {
                    let q = requantize(cs, &a, m, None)?;
                    clamp(cs, &q, 0, 255, bound).map(|_| ())
                }
            })
            .unwrap();
            cs.num_constraints()
        };
        assert!(count(true) < count(false), "{} vs {}", count(true), count(false));
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
