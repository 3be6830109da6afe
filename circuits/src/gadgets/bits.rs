//! Bit decomposition, range checks, sign of a bounded integer, zero test.

use crate::field::{Fr, fr_from_i64, fr_to_i128, pow2};
use crate::lookup;
use crate::wire::{SynResult, Wire, enforce};
use ark_ff::{Field, One, Zero};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

/// Largest bit width handled; keeps every decomposed integer below `2^200 ≪ p/2`.
pub const MAX_BITS: u32 = 200;

fn int_value(x: &Wire) -> Option<i128> {
    x.value.and_then(fr_to_i128)
}

/// Decomposes `x` into `n` little-endian bits.
///
/// Enforces `0 <= x < 2^n` (as an integer) and `x = Σ b_i 2^i` with every `b_i ∈ {0, 1}`.
/// Cost: `n + 1` constraints. An honest `x` outside the range makes the system
/// unsatisfied (the witness bits cannot match).
pub fn decompose(cs: &ConstraintSystemRef<Fr>, x: &Wire, n: u32) -> SynResult<Vec<Wire>> {
    if n == 0 || n > MAX_BITS {
        return Err(SynthesisError::Unsatisfiable);
    }
    let v = int_value(x);
    let mut bits = Vec::with_capacity(n as usize);
    let one = Wire::constant(Fr::one());
    for i in 0..n {
        let bit = v.map(|v| if i < 127 && v >= 0 { Fr::from(((v >> i) & 1) as u64) } else { Fr::zero() });
        // In setup mode `bit` is None; in prove mode a value outside [0, 2^n) gives bits
        // whose sum differs from x, so the final constraint fails.
        let b = Wire::witness(cs, if cs.is_in_setup_mode() { None } else { Some(bit.unwrap_or_default()) })?;
        enforce(cs, &b, &b.sub(&one), &Wire::zero())?;
        bits.push(b);
    }
    let sum = Wire::linear(bits.iter().enumerate().map(|(i, b)| (pow2(i as u32), b.clone())));
    sum.enforce_equal(x, cs)?;
    Ok(bits)
}

/// Allocates a private integer `x ∈ [0, 2^n)` as a single variable. Cost: `n` constraints
/// (one fewer than [`decompose`] of an existing wire): bits `1..n` are variables, bit 0 is
/// the linear combination `x - Σ_{i>=1} b_i 2^i`, and all `n` are constrained boolean.
/// A `value` of `2^n` or more makes the system unsatisfied.
///
/// In lookup mode ([`crate::lookup`]) widths of 8 bits and more are limbs instead:
/// [`lookup::limb_cost`]`(n)` constraints.
pub fn alloc_bounded(cs: &ConstraintSystemRef<Fr>, value: Option<u64>, n: u32) -> SynResult<Wire> {
    if lookup::active() && n >= lookup::MIN_LOOKUP_BITS {
        return lookup::alloc_bounded(cs, value, n);
    }
    if n == 0 || n > 63 {
        return Err(SynthesisError::Unsatisfiable);
    }
    let x = Wire::witness(cs, value.map(Fr::from))?;
    let one = Wire::constant(Fr::one());
    let mut low = x.clone();
    for i in 1..n {
        let b = Wire::witness(cs, value.map(|v| Fr::from((v >> i) & 1)))?;
        enforce(cs, &b, &b.sub(&one), &Wire::zero())?;
        low = low.sub(&b.scale(pow2(i)));
    }
    enforce(cs, &low, &low.sub(&one), &Wire::zero())?;
    Ok(x)
}

/// Enforces `0 <= x < 2^n`. Cost: `n + 1` constraints; in lookup mode, from 8 bits,
/// [`lookup::limb_cost`]`(n) + 1`.
pub fn range_check(cs: &ConstraintSystemRef<Fr>, x: &Wire, n: u32) -> SynResult<()> {
    if lookup::active() && n >= lookup::MIN_LOOKUP_BITS {
        return lookup::range_check(cs, x, n);
    }
    decompose(cs, x, n).map(|_| ())
}

/// Bits needed to hold `v >= 0`: the smallest `n` with `v < 2^n` (at least 1).
pub fn bits_for(v: u128) -> u32 {
    (128 - v.leading_zeros()).max(1)
}

/// Enforces `lo <= x <= hi` exactly.
///
/// Cost: 1 constraint when `lo = hi`; `m + 1` when `hi - lo + 1 = 2^m`; else `2(m + 1)`
/// with `m = bits(hi - lo)` (both `x - lo` and `hi - x` are range-checked).
pub fn in_range(cs: &ConstraintSystemRef<Fr>, x: &Wire, lo: i64, hi: i64) -> SynResult<()> {
    if lo > hi {
        return Err(SynthesisError::Unsatisfiable);
    }
    let span = (hi as i128 - lo as i128) as u128;
    let below = x.add_const(-fr_from_i64(lo));
    if span == 0 {
        return below.enforce_equal(&Wire::zero(), cs);
    }
    if (span + 1).is_power_of_two() {
        return range_check(cs, &below, bits_for(span + 1) - 1);
    }
    let m = bits_for(span);
    range_check(cs, &below, m)?;
    range_check(cs, &Wire::constant(fr_from_i64(hi)).sub(x), m)
}

/// Returns the boolean `[x >= 0]` for an integer `x` with `-2^k <= x < 2^k`.
///
/// Enforces the decomposition of `x + 2^k` into `k + 1` bits; the top bit is the result.
/// Cost: `k + 2` constraints; in lookup mode, from `k = 8`, [`lookup::limb_cost`]`(k) + 2`
/// ([`lookup::sign_split`]).
pub fn is_nonneg(cs: &ConstraintSystemRef<Fr>, x: &Wire, k: u32) -> SynResult<Wire> {
    if lookup::active() && k >= lookup::MIN_LOOKUP_BITS {
        return Ok(lookup::sign_split(cs, x, k)?.0);
    }
    // Only the top bit: the re-expression of `x` ([`nonneg_split`]) is not built.
    let bits = decompose(cs, &x.add_const(pow2(k)), k + 1)?;
    Ok(bits[k as usize].clone())
}

/// [`is_nonneg`] that also returns `x` re-expressed over the new variables (a short
/// combination, for callers that use a long `x` again). Same cost.
pub fn nonneg_split(cs: &ConstraintSystemRef<Fr>, x: &Wire, k: u32) -> SynResult<(Wire, Wire)> {
    if lookup::active() && k >= lookup::MIN_LOOKUP_BITS {
        return lookup::sign_split(cs, x, k);
    }
    let bits = decompose(cs, &x.add_const(pow2(k)), k + 1)?;
    let compact = Wire::linear(bits.iter().enumerate().map(|(e, b)| (pow2(e as u32), b.clone()))).add_const(-pow2(k));
    Ok((bits[k as usize].clone(), compact))
}

/// Returns the boolean `[x == 0]`. Enforces `x * inv = 1 - z`, `x * z = 0` and
/// `z * inv = 0`; the last pins the hint `inv` to 0 when `x = 0`, so every witness is
/// determined by `x` (no free variable for an auditor to flag). Cost: 3 constraints.
pub fn is_zero(cs: &ConstraintSystemRef<Fr>, x: &Wire) -> SynResult<Wire> {
    let (inv, z) = match x.value {
        Some(v) => (Some(v.inverse().unwrap_or_default()), Some(if v.is_zero() { Fr::one() } else { Fr::zero() })),
        None => (None, None),
    };
    let inv = Wire::witness(cs, inv)?;
    let z = Wire::witness(cs, z)?;
    enforce(cs, x, &inv, &Wire::constant(Fr::one()).sub(&z))?;
    enforce(cs, x, &z, &Wire::zero())?;
    enforce(cs, &z, &inv, &Wire::zero())?;
    Ok(z)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_util::*;
    use proptest::prelude::*;

    #[test]
    fn decompose_cost_and_tamper() {
        for mode in 0..3u8 {
            let cs = prove_cs();
            let x = alloc(&cs, 201, mode);
            let bits = decompose(&cs, &x, 8).unwrap();
            assert_eq!(cs.num_constraints(), 9);
            let r = r1cs(&cs);
            assert!(r.is_satisfied());
            // Flip each bit: unsatisfied.
            for b in &bits {
                let col = column(&cs, b);
                let flipped = Fr::one() - r.z[col];
                assert!(!r.satisfied_with(col, flipped));
                // A non-boolean "bit" that keeps the sum is impossible to pick here; any
                // other value breaks booleanity.
                assert!(!r.satisfied_with(col, Fr::from(2u64)));
            }
            if mode == 0 {
                // Changing x alone breaks the sum.
                assert!(!r.satisfied_with(column(&cs, &x), Fr::from(200u64)));
            }
        }
    }

    #[test]
    fn decompose_rejects_out_of_range() {
        for v in [256i64, -1, 1 << 40] {
            let cs = prove_cs();
            let x = alloc(&cs, v, 0);
            decompose(&cs, &x, 8).unwrap();
            assert!(!r1cs(&cs).is_satisfied(), "{v}");
        }
    }

    #[test]
    fn alloc_bounded_cost_range_and_tamper() {
        for (v, n) in [(0u64, 8u32), (201, 8), (255, 8), (1, 1), (0, 1)] {
            let cs = prove_cs();
            let x = alloc_bounded(&cs, Some(v), n).unwrap();
            assert_eq!(cs.num_constraints(), n as usize);
            assert_eq!(x.value, Some(Fr::from(v)));
            let r = r1cs(&cs);
            assert!(r.is_satisfied());
            // Every bit variable is pinned: flipping it breaks booleanity of bit 0.
            for col in column(&cs, &x) + 1..r.z.len() {
                assert!(!r.satisfied_with(col, Fr::one() - r.z[col]), "{v}: bit column {col}");
            }
            // A value off the 0/1 grid is impossible for x: x + 1/2 breaks bit 0.
            assert!(!r.satisfied_with(column(&cs, &x), r.z[column(&cs, &x)] + Fr::from(2u64).inverse().unwrap()));
        }
        for (v, n) in [(256u64, 8u32), (2, 1), (1 << 20, 8)] {
            let cs = prove_cs();
            alloc_bounded(&cs, Some(v), n).unwrap();
            assert!(!r1cs(&cs).is_satisfied(), "{v} must not fit {n} bits");
        }
        let cs = setup_cs();
        alloc_bounded(&cs, None, 8).unwrap();
        assert_eq!(cs.num_constraints(), 8);
    }

    #[test]
    fn setup_mode_has_the_same_shape() {
        let cs = setup_cs();
        let x = alloc(&cs, 0, 0);
        decompose(&cs, &x, 12).unwrap();
        assert_eq!(cs.num_constraints(), 13);
    }

    #[test]
    fn in_range_exact_bounds_and_cost() {
        for (lo, hi, cost) in [(0, 255, 9), (-128, 127, 9), (-127, 127, 18), (3, 3, 1), (-1, 1, 6)] {
            for v in [lo - 1, lo, hi, hi + 1] {
                let cs = prove_cs();
                let x = alloc(&cs, v, 0);
                in_range(&cs, &x, lo, hi).unwrap();
                assert_eq!(cs.num_constraints(), cost, "[{lo},{hi}]");
                assert_eq!(r1cs(&cs).is_satisfied(), (lo..=hi).contains(&v), "{v} in [{lo},{hi}]");
            }
        }
    }

    #[test]
    fn is_nonneg_and_tamper() {
        for v in [-8i64, -1, 0, 1, 7] {
            let cs = prove_cs();
            let x = alloc(&cs, v, 0);
            let s = is_nonneg(&cs, &x, 3).unwrap();
            assert_eq!(cs.num_constraints(), 3 + 2);
            let r = r1cs(&cs);
            assert!(r.is_satisfied());
            assert_eq!(r.z[column(&cs, &s)], Fr::from(u64::from(v >= 0)));
            assert!(!r.satisfied_with(column(&cs, &s), Fr::from(u64::from(v < 0))));
        }
        // Out of the promised range: unsatisfiable for the honest witness.
        let cs = prove_cs();
        let x = alloc(&cs, 8, 0);
        is_nonneg(&cs, &x, 3).unwrap();
        assert!(!r1cs(&cs).is_satisfied());
    }

    #[test]
    fn is_zero_and_tamper() {
        for v in [0i64, 5, -3] {
            let cs = prove_cs();
            let x = alloc(&cs, v, 0);
            let z = is_zero(&cs, &x).unwrap();
            assert_eq!(z.value, Some(Fr::from(u64::from(v == 0))));
            assert_eq!(cs.num_constraints(), 3);
            let r = r1cs(&cs);
            assert!(r.is_satisfied());
            // Every witness (z and the inverse hint) is pinned.
            for col in r.num_instance..r.z.len() {
                assert!(!r.satisfied_with(col, r.z[col] + Fr::one()), "{v}: column {col} is free");
            }
        }
    }

    proptest! {
        #[test]
        fn decompose_matches_native(v in 0i64..(1 << 20), n in 1u32..24) {
            let cs = prove_cs();
            let x = alloc(&cs, v, 0);
            let bits = decompose(&cs, &x, n).unwrap();
            let r = r1cs(&cs);
            prop_assert_eq!(r.is_satisfied(), v < (1 << n));
            if v < (1 << n) {
                for (i, b) in bits.iter().enumerate() {
                    prop_assert_eq!(r.z[column(&cs, b)], Fr::from(((v >> i) & 1) as u64));
                }
            }
        }
    }
}
