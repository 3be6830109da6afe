//! The scalar field (BN254 `Fr`) and conversions from zkid-core's integers.

use ark_ff::{Field, PrimeField};

/// The BN254 scalar field, where every circuit value lives.
pub type Fr = ark_bn254::Fr;

/// Embeds a signed integer: negative values map to `p - |v|`.
pub fn fr_from_i64(v: i64) -> Fr {
    if v >= 0 { Fr::from(v as u64) } else { -Fr::from(v.unsigned_abs()) }
}

/// Embeds a signed 128-bit integer.
pub fn fr_from_i128(v: i128) -> Fr {
    if v >= 0 { Fr::from(v as u128) } else { -Fr::from(v.unsigned_abs()) }
}

/// `2^k` in the field.
pub fn pow2(k: u32) -> Fr {
    Fr::from(2u64).pow([k as u64])
}

/// The field element as a signed integer when it lies in `(-2^127, 2^127)` (values near
/// `p` are negative); `None` otherwise.
pub fn fr_to_i128(f: Fr) -> Option<i128> {
    let small = |x: Fr| -> Option<u128> {
        let b = x.into_bigint().0;
        if b[2] == 0 && b[3] == 0 && b[1] < (1 << 63) { Some((b[1] as u128) << 64 | b[0] as u128) } else { None }
    };
    small(f).map(|v| v as i128).or_else(|| small(-f).map(|v| -(v as i128)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_embedding_round_trips() {
        for v in [0i64, 1, -1, 255, -128, i64::MAX, i64::MIN + 1] {
            assert_eq!(fr_to_i128(fr_from_i64(v)), Some(v as i128));
        }
        assert_eq!(fr_to_i128(pow2(200)), None);
    }
}
