//! circomlib's Poseidon parameters for BN254 (x^5 S-box, 8 full rounds), widths 2..=17,
//! converted once per process and shared by the native hash and the gadget.
//!
//! Every width comes from [`super::circom_tables`], extracted mechanically from circomlibjs
//! by the vector script (`circuits/tests/vectors/make_poseidon_vectors.js`). The tests compare
//! a fingerprint of every width's tables with circomlibjs's.

use super::circom_tables::CIRCOM_TABLES;
use super::native::PoseidonError;
use crate::field::Fr;
use ark_ff::{BigInt, Field, One, PrimeField, Zero};
use std::sync::OnceLock;

/// Largest number of inputs one Poseidon call takes (width 17), as in circomlib.
pub const MAX_ARITY: usize = 16;

/// Full rounds for every width (half before, half after the partial rounds).
pub const FULL_ROUNDS: usize = 8;

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
    let table = width
        .checked_sub(2)
        .and_then(|i| CIRCOM_TABLES.get(i))
        .filter(|t| t.width == width)
        .ok_or_else(|| bad("no table".into()))?;
    let fr = |limbs: &[u64; 4]| Fr::from_bigint(BigInt::new(*limbs)).ok_or_else(|| bad("constant >= p".into()));
    let ark = table.ark.iter().map(fr).collect::<Result<Vec<_>, _>>()?;
    let flat = table.mds.iter().map(fr).collect::<Result<Vec<_>, _>>()?;
    let mds: Vec<Vec<Fr>> = flat.chunks(width).map(<[Fr]>::to_vec).collect();
    let params = Params { width, partial_rounds: table.partial_rounds, ark, mds };
    let rounds = FULL_ROUNDS + params.partial_rounds;
    if params.ark.len() != rounds * width
        || params.mds.len() != width
        || params.mds.iter().any(|row| row.len() != width)
    {
        return Err(bad("table sizes do not match the width".into()));
    }
    Ok(params)
}

/// The inverse of a square matrix over Fr (Gauss-Jordan), or `None` when it is singular.
pub(crate) fn invert(m: &[Vec<Fr>]) -> Option<Vec<Vec<Fr>>> {
    let n = m.len();
    let mut a: Vec<Vec<Fr>> = m
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| if i == j { Fr::one() } else { Fr::zero() }));
            r
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n).find(|&r| !a[r][col].is_zero())?;
        a.swap(col, pivot);
        let inv = a[col][col].inverse()?;
        for x in a[col].iter_mut() {
            *x *= inv;
        }
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col && !row[col].is_zero() {
                let f = row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x -= f * p;
                }
            }
        }
    }
    Some(a.into_iter().map(|row| row[n..].to_vec()).collect())
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
