//! Sign of a bounded integer (binarized outputs, e.g. iris-code bits).

use crate::field::Fr;
use crate::gadgets::bits::{bits_for, is_nonneg, is_zero};
use crate::wire::{SynResult, Wire};
use ark_ff::One;
use ark_relations::gr1cs::ConstraintSystemRef;

/// Returns `sign(x) ∈ {-1, 0, 1}` for an integer `x` with `|x| <= bound`.
///
/// `ge = [x >= 0]` from the decomposition of `x + 2^k` (`k = bits(bound)`), `z = [x == 0]`,
/// `sign = 2*ge - 1 - z` (free). Cost: `k + 5` constraints.
pub fn sign(cs: &ConstraintSystemRef<Fr>, x: &Wire, bound: u64) -> SynResult<Wire> {
    let k = bits_for(bound as u128);
    let ge = is_nonneg(cs, x, k)?;
    let z = is_zero(cs, x)?;
    Ok(ge.scale(Fr::from(2u64)).sub(&z).add_const(-Fr::one()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::fr_from_i64;
    use crate::gadgets::test_util::*;
    use proptest::prelude::*;

    #[test]
    fn cost_and_every_witness_is_bound() {
        for v in [-1000i64, -1, 0, 1, 999] {
            let cs = prove_cs();
            let x = alloc(&cs, v, 0);
            let s = sign(&cs, &x, 1000).unwrap();
            assert_eq!(cs.num_constraints(), bits_for(1000) as usize + 5);
            assert_eq!(s.value, Some(fr_from_i64(v.signum())));
            let r = r1cs(&cs);
            assert!(r.is_satisfied());
            // Every witness is bound, including the zero test's inverse hint.
            let free: Vec<usize> =
                (r.num_instance..r.z.len()).filter(|&c| r.satisfied_with(c, r.z[c] + Fr::one())).collect();
            assert!(free.is_empty(), "{v}: free columns {free:?}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_native(v in -(1i64 << 30)..(1i64 << 30), mode in 0u8..3) {
            let cs = prove_cs();
            let x = alloc(&cs, v, mode);
            let s = sign(&cs, &x, 1 << 30).unwrap();
            prop_assert_eq!(s.value, Some(fr_from_i64(v.signum())));
            prop_assert!(r1cs(&cs).is_satisfied());
        }
    }
}
