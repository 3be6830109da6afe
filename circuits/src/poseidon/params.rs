//! circomlib's Poseidon parameters for BN254 (x^5 S-box, 8 full rounds), widths 2..=17,
//! converted once per process and shared by the native hash and the gadget.
//!
//! Widths 2..=13 come from light-poseidon's tables (`parameters::bn254_x5`), which are
//! circomlib's. light-poseidon 0.5 stops at width 13, so widths 14..=17 come from
//! [`super::circom_wide`], extracted mechanically from circomlibjs by the vector script.
//! The tests compare a fingerprint of every width's tables with circomlibjs's.

use super::circom_wide::WIDE;
use super::native::PoseidonError;
use crate::field::Fr;
use ark_ff::{BigInt, PrimeField};
use light_poseidon::parameters::bn254_x5;
use std::sync::OnceLock;

/// Largest number of inputs one Poseidon call takes (width 17), as in circomlib.
pub const MAX_ARITY: usize = 16;

/// Full rounds for every width (half before, half after the partial rounds).
pub const FULL_ROUNDS: usize = 8;

/// Widest table light-poseidon 0.5 ships.
const LIGHT_POSEIDON_MAX_WIDTH: usize = 13;

/// One width's parameters.
pub(crate) struct Params {
    /// State width `t = arity + 1`.
    pub width: usize,
    /// Number of partial rounds `R_P`.
    pub partial_rounds: usize,
    /// Round constants, round-major: round `r` adds `ark[r * width + i]` to lane `i`.
    pub ark: Vec<Fr>,
    /// MDS matrix: `new[i] = sum_j mds[i][j] * old[j]`.
    pub mds: Vec<Vec<Fr>>,
}

static TABLES: [OnceLock<Result<Params, PoseidonError>>; MAX_ARITY] = [const { OnceLock::new() }; MAX_ARITY];

/// The parameters for `arity` inputs (width `arity + 1`).
pub(crate) fn params(arity: usize) -> Result<&'static Params, PoseidonError> {
    if !(1..=MAX_ARITY).contains(&arity) {
        return Err(PoseidonError::Arity { got: arity });
    }
    TABLES[arity - 1].get_or_init(|| load(arity + 1)).as_ref().map_err(Clone::clone)
}

fn load(width: usize) -> Result<Params, PoseidonError> {
    let bad = |reason: String| PoseidonError::Parameters { width, reason };
    let params = if width <= LIGHT_POSEIDON_MAX_WIDTH {
        let t = u8::try_from(width).map_err(|e| bad(e.to_string()))?;
        let p = bn254_x5::get_poseidon_parameters::<Fr>(t).map_err(|e| bad(e.to_string()))?;
        if p.full_rounds != FULL_ROUNDS || p.alpha != 5 || p.width != width {
            return Err(bad(format!(
                "unexpected shape: {} full rounds, x^{}, width {}",
                p.full_rounds, p.alpha, p.width
            )));
        }
        Params { width, partial_rounds: p.partial_rounds, ark: p.ark, mds: p.mds }
    } else {
        let table = WIDE.iter().find(|t| t.width == width).ok_or_else(|| bad("no table".into()))?;
        let fr = |limbs: &[u64; 4]| Fr::from_bigint(BigInt::new(*limbs)).ok_or_else(|| bad("constant >= p".into()));
        let ark = table.ark.iter().map(fr).collect::<Result<Vec<_>, _>>()?;
        let flat = table.mds.iter().map(fr).collect::<Result<Vec<_>, _>>()?;
        let mds = flat.chunks(width).map(<[Fr]>::to_vec).collect();
        Params { width, partial_rounds: table.partial_rounds, ark, mds }
    };
    let rounds = FULL_ROUNDS + params.partial_rounds;
    if params.ark.len() != rounds * width
        || params.mds.len() != width
        || params.mds.iter().any(|row| row.len() != width)
    {
        return Err(bad("table sizes do not match the width".into()));
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_width_loads_with_circomlib_round_counts() {
        // circomlibjs's N_ROUNDS_P, indexed by t - 2.
        let expected = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
        for arity in 1..=MAX_ARITY {
            let p = params(arity).unwrap();
            assert_eq!(p.width, arity + 1);
            assert_eq!(p.partial_rounds, expected[arity - 1], "width {}", p.width);
        }
    }

    /// The tables themselves, not only their hashes, are circomlib's: circomlibjs's
    /// fingerprint of each width's constants (see the vector script) equals ours.
    #[test]
    fn tables_match_circomlibjs_fingerprints() {
        use std::str::FromStr;
        let doc: serde_json::Value = serde_json::from_str(include_str!("../../tests/vectors/poseidon.json")).unwrap();
        let fr = |v: &serde_json::Value| Fr::from_str(v.as_str().unwrap()).unwrap();
        let base = fr(&doc["fingerprint_base"]);
        let expected = doc["params"].as_array().unwrap();
        assert_eq!(expected.len(), MAX_ARITY);
        for (arity, e) in (1..=MAX_ARITY).zip(expected) {
            let p = params(arity).unwrap();
            assert_eq!(e["width"].as_u64(), Some(p.width as u64));
            assert_eq!(e["full_rounds"].as_u64(), Some(FULL_ROUNDS as u64));
            assert_eq!(e["partial_rounds"].as_u64(), Some(p.partial_rounds as u64));
            let ours = p.ark.iter().chain(p.mds.iter().flatten()).fold(Fr::from(0u64), |h, c| h * base + c);
            assert_eq!(ours, fr(&e["fingerprint"]), "width {}", p.width);
        }
    }

    #[test]
    fn arity_outside_1_to_16_is_refused() {
        assert_eq!(params(0).err(), Some(PoseidonError::Arity { got: 0 }));
        assert_eq!(params(17).err(), Some(PoseidonError::Arity { got: 17 }));
    }
}
