//! Native Poseidon: circomlib's `Poseidon(n)` over BN254, and a length-prefixed chain of it
//! for any number of field elements.
//!
//! The permutation is circomlib's (its `poseidon_reference.js`): state `[0, inputs...]`; each
//! round adds the round constants, applies x^5 to every lane (the 4 full rounds before and
//! after) or to lane 0 alone (the partial rounds between), then multiplies by the MDS matrix;
//! the hash is lane 0. It runs in the equivalent form circomlibjs's optimised `poseidon`
//! uses (Poseidon paper, appendix B): the partial rounds' constants for lanes 1.. are carried
//! forward to the next full round, and their dense MDS products are factored into sparse
//! ones (`2t - 1` multiplications instead of `t^2`), which makes width 17 about four times
//! cheaper. The tests compare it with the plain round function over every width.

use super::params::{FULL_ROUNDS, MAX_ARITY, Params, invert, params};
use crate::field::Fr;
use ark_ff::{Field, Zero};
use std::sync::OnceLock;

/// Inputs absorbed per call of [`poseidon_sponge`]'s chain (the chain value takes the
/// sixteenth slot of a width-17 call).
pub const CHAIN_CHUNK: usize = MAX_ARITY - 1;

/// Why a Poseidon hash could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PoseidonError {
    /// circomlib's Poseidon takes 1 to 16 inputs.
    #[error("Poseidon takes 1 to {MAX_ARITY} inputs, got {got}")]
    Arity {
        /// The number of inputs given.
        got: usize,
    },
    /// A parameter table failed to load (a packaging fault, not a caller error: every
    /// table is loaded by the tests).
    #[error("Poseidon parameters for width {width} are unusable: {reason}")]
    Parameters {
        /// State width of the failing table.
        width: usize,
        /// What was wrong.
        reason: String,
    },
}

/// circomlib's `Poseidon(n)` of `inputs` (`1 <= n <= 16`): the width `n + 1` permutation of
/// `[0, inputs...]`, output lane 0. Equals circomlibjs's `poseidon(inputs)`.
pub fn poseidon_hash(inputs: &[Fr]) -> Result<Fr, PoseidonError> {
    let plan = plan(inputs.len())?;
    let mut state = [Fr::zero(); MAX_ARITY + 1];
    state[1..=inputs.len()].copy_from_slice(inputs);
    Ok(plan.permute(&mut state[..=inputs.len()]))
}

/// One width's permutation in its fast form, derived once per process from [`Params`].
struct Permutation {
    /// State width t.
    width: usize,
    /// Round constants of the 8 full rounds, round-major (`8 * t`); the first full round
    /// after the partial ones includes the constants carried out of them.
    full_ark: Vec<Fr>,
    /// The MDS matrix, row-major (`t * t`), for every full round but the last of the first
    /// half.
    mds: Vec<Fr>,
    /// The last first-half full round's matrix, row-major: the MDS matrix premultiplied by
    /// the dense factor moved out of the first partial round.
    mds_before_partial: Vec<Fr>,
    /// Per partial round, the constant added to lane 0.
    partial_ark: Vec<Fr>,
    /// Per partial round, the first row of its sparse matrix (`t` entries each).
    partial_rows: Vec<Fr>,
    /// Per partial round, the first column below the diagonal of its sparse matrix (`t - 1`
    /// entries each); the rest of the matrix is the identity.
    partial_cols: Vec<Fr>,
}

static PERMUTATIONS: [OnceLock<Result<Permutation, PoseidonError>>; MAX_ARITY] = [const { OnceLock::new() }; MAX_ARITY];

fn plan(arity: usize) -> Result<&'static Permutation, PoseidonError> {
    let p = params(arity)?;
    PERMUTATIONS[arity - 1].get_or_init(|| Permutation::new(p)).as_ref().map_err(Clone::clone)
}

impl Permutation {
    fn new(p: &Params) -> Result<Self, PoseidonError> {
        let t = p.width;
        let rp = p.partial_rounds;
        let half = FULL_ROUNDS / 2;
        let round = |r: usize| &p.ark[r * t..(r + 1) * t];
        let mul_vec = |m: &[Vec<Fr>], v: &[Fr]| -> Vec<Fr> {
            m.iter().map(|row| row.iter().zip(v).map(|(a, b)| *a * b).sum()).collect()
        };

        // Constants: a partial round's S-box touches lane 0 only, so the constants of lanes
        // 1.. pass through it linearly and are carried (through the MDS matrix) into the
        // next round's constants, ending in the first full round after the partial ones.
        let mut carry = vec![Fr::zero(); t];
        let mut partial_ark = Vec::with_capacity(rp);
        for r in half..half + rp {
            let mut eff: Vec<Fr> = round(r).iter().zip(&carry).map(|(c, d)| *c + d).collect();
            partial_ark.push(eff[0]);
            eff[0] = Fr::zero();
            carry = mul_vec(&p.mds, &eff);
        }
        let mut full_ark = Vec::with_capacity(FULL_ROUNDS * t);
        for r in (0..half).chain(half + rp..FULL_ROUNDS + rp) {
            full_ark.extend_from_slice(round(r));
        }
        for (c, d) in full_ark[half * t..(half + 1) * t].iter_mut().zip(&carry) {
            *c += d;
        }

        // Matrices. With the MDS matrix M = [[m00, r], [c, M̂]], factor the last partial
        // round's M as [[m00, r·M̂⁻¹], [c, I]] · diag(1, M̂): diag(1, M̂) acts before the sparse
        // factor, commutes with the lane-0 constant and S-box, and so moves into the previous
        // round's matrix, which becomes diag(1, M̂)·M = [[m00, r], [M̂·c, M̂²]], and so on back.
        // The m-th partial round from the end gets [[m00, r·M̂⁻ᵐ], [M̂ᵐ⁻¹·c, I]], and the last
        // full round before them diag(1, M̂^R_P)·M.
        let singular = || PoseidonError::Parameters { width: t, reason: "an MDS submatrix is not invertible".into() };
        let m_hat: Vec<Vec<Fr>> = p.mds[1..].iter().map(|row| row[1..].to_vec()).collect();
        // Rows times M̂⁻¹ are M̂⁻¹ᵀ times columns.
        let m_hat_inv_t = transpose(&invert(&m_hat).ok_or_else(singular)?);
        let mut row = p.mds[0][1..].to_vec();
        let mut col: Vec<Fr> = p.mds[1..].iter().map(|row| row[0]).collect();
        let mut partial_rows = vec![Fr::zero(); rp * t];
        let mut partial_cols = vec![Fr::zero(); rp * (t - 1)];
        for k in (0..rp).rev() {
            row = mul_vec(&m_hat_inv_t, &row);
            partial_rows[k * t] = p.mds[0][0];
            partial_rows[k * t + 1..(k + 1) * t].copy_from_slice(&row);
            partial_cols[k * (t - 1)..(k + 1) * (t - 1)].copy_from_slice(&col);
            col = mul_vec(&m_hat, &col);
        }
        let lower = mat_mul(&mat_pow(&m_hat, rp), &p.mds[1..]);
        let mds_before_partial = p.mds[0].iter().chain(lower.iter().flatten()).copied().collect();
        Ok(Self {
            width: t,
            full_ark,
            mds: p.mds.concat(),
            mds_before_partial,
            partial_ark,
            partial_rows,
            partial_cols,
        })
    }

    /// Permutes `state` (`t` lanes) and returns lane 0.
    fn permute(&self, state: &mut [Fr]) -> Fr {
        let t = self.width;
        let half = FULL_ROUNDS / 2;
        let mut next = [Fr::zero(); MAX_ARITY + 1];
        let mut full_round = |state: &mut [Fr], r: usize, mds: &[Fr]| {
            for (x, c) in state.iter_mut().zip(&self.full_ark[r * t..(r + 1) * t]) {
                *x = sbox(*x + c);
            }
            for (y, row) in next.iter_mut().zip(mds.chunks_exact(t)) {
                *y = row.iter().zip(&*state).map(|(m, x)| *m * x).sum();
            }
            state.copy_from_slice(&next[..t]);
        };
        for r in 0..half {
            full_round(state, r, if r + 1 == half { &self.mds_before_partial } else { &self.mds });
        }
        let sparse = self.partial_rows.chunks_exact(t).zip(self.partial_cols.chunks_exact(t - 1));
        for (c, (row, col)) in self.partial_ark.iter().zip(sparse) {
            let x0 = sbox(state[0] + c);
            state[0] = x0;
            let y0 = row.iter().zip(&*state).map(|(m, x)| *m * x).sum();
            for (x, v) in state[1..].iter_mut().zip(col) {
                *x += *v * x0;
            }
            state[0] = y0;
        }
        for r in half..FULL_ROUNDS {
            full_round(state, r, &self.mds);
        }
        state[0]
    }
}

/// The product of two matrices (rows of `a` times the columns of `b`).
fn mat_mul(a: &[Vec<Fr>], b: &[Vec<Fr>]) -> Vec<Vec<Fr>> {
    let cols = b.first().map_or(0, Vec::len);
    a.iter().map(|row| (0..cols).map(|j| row.iter().zip(b).map(|(x, b_row)| *x * b_row[j]).sum()).collect()).collect()
}

/// `m` to the power `e` (`e >= 1`), by squaring.
fn mat_pow(m: &[Vec<Fr>], e: usize) -> Vec<Vec<Fr>> {
    let mut result = m.to_vec();
    for bit in (0..usize::BITS - e.leading_zeros() - 1).rev() {
        result = mat_mul(&result, &result);
        if (e >> bit) & 1 == 1 {
            result = mat_mul(&result, m);
        }
    }
    result
}

/// The transpose of a matrix.
fn transpose(m: &[Vec<Fr>]) -> Vec<Vec<Fr>> {
    let cols = m.first().map_or(0, Vec::len);
    (0..cols).map(|j| m.iter().map(|row| row[j]).collect()).collect()
}

/// The S-box, x^5.
fn sbox(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// Hashes any number of field elements (including none) with circomlib's Poseidon, as a
/// length-prefixed chain:
///
/// ```text
/// h = n                                  (the number of inputs, as a field element)
/// for each chunk c of up to 15 consecutive inputs, in order
///     (exactly one, empty, chunk when n = 0):
///     h = Poseidon([h, c...])            (circomlib Poseidon with 1 + |c| inputs)
/// return h
/// ```
///
/// So `n <= 15` inputs cost one call, and in general `max(1, ceil(n / 15))` calls. The length
/// prefix makes inputs of different lengths hash independently (no length extension).
/// Reproduced in JavaScript by `circuits/tests/vectors/make_poseidon_vectors.js` (`chain`)
/// with circomlibjs's `poseidon`.
pub fn poseidon_sponge(inputs: &[Fr]) -> Fr {
    let mut h = Fr::from(inputs.len() as u64);
    for chunk in chain_chunks(inputs) {
        let mut call = Vec::with_capacity(1 + chunk.len());
        call.push(h);
        call.extend_from_slice(chunk);
        h = match poseidon_hash(&call) {
            Ok(h) => h,
            // Infallible: every call has 1..=16 inputs, and the parameter tables for those
            // arities are static data that the tests load; a failure would be a build fault.
            Err(e) => unreachable!("Poseidon chain call with {} inputs: {e}", call.len()),
        };
    }
    h
}

/// The chunks [`poseidon_sponge`] absorbs: consecutive runs of [`CHAIN_CHUNK`] inputs, the
/// last possibly shorter, and a single empty chunk for no inputs.
pub(crate) fn chain_chunks<T>(inputs: &[T]) -> impl Iterator<Item = &[T]> {
    let empty: Option<&[T]> = inputs.is_empty().then_some(&[]);
    empty.into_iter().chain(inputs.chunks(CHAIN_CHUNK))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn circomlib_known_answer() {
        // circomlibjs `poseidon([1, 2])`, a value quoted across the ecosystem.
        let h = poseidon_hash(&[Fr::from(1u64), Fr::from(2u64)]).unwrap();
        assert_eq!(h.to_string(), "7853200120776062878684798364095072458815029376092732009249414926327459813530");
    }

    #[test]
    fn agrees_with_light_poseidon_new_circom_where_it_has_tables() {
        use light_poseidon::{Poseidon, PoseidonHasher};
        for n in 1..=12 {
            let inputs: Vec<Fr> = (0..n).map(|i| Fr::from(1000 + i as u64)).collect();
            let expected = Poseidon::<Fr>::new_circom(n).unwrap().hash(&inputs).unwrap();
            assert_eq!(poseidon_hash(&inputs).unwrap(), expected, "arity {n}");
        }
    }

    /// circomlib's round function as written (its `poseidon_reference.js`), without the
    /// constant carrying and sparse matrices of [`Permutation`].
    fn reference_hash(inputs: &[Fr]) -> Fr {
        let p = params(inputs.len()).unwrap();
        let t = p.width;
        let mut state: Vec<Fr> = std::iter::once(Fr::zero()).chain(inputs.iter().copied()).collect();
        for r in 0..FULL_ROUNDS + p.partial_rounds {
            for (x, c) in state.iter_mut().zip(&p.ark[r * t..]) {
                *x += c;
            }
            let full = r < FULL_ROUNDS / 2 || r >= FULL_ROUNDS / 2 + p.partial_rounds;
            for x in state.iter_mut().take(if full { t } else { 1 }) {
                *x = sbox(*x);
            }
            state = p.mds.iter().map(|row| row.iter().zip(&state).map(|(m, x)| *m * x).sum()).collect();
        }
        state[0]
    }

    #[test]
    fn fast_permutation_equals_the_plain_round_function_for_every_width() {
        // Full-size field elements from a fixed sequence x -> x^5 + 3.
        let mut x = Fr::from(17u64);
        let mut next = || {
            x = sbox(x) + Fr::from(3u64);
            x
        };
        for n in 1..=MAX_ARITY {
            for _ in 0..3 {
                let inputs: Vec<Fr> = (0..n).map(|_| next()).collect();
                assert_eq!(poseidon_hash(&inputs).unwrap(), reference_hash(&inputs), "arity {n}");
            }
        }
    }

    #[test]
    fn bad_arity_is_a_typed_error() {
        assert_eq!(poseidon_hash(&[]), Err(PoseidonError::Arity { got: 0 }));
        assert_eq!(poseidon_hash(&[Fr::from(0u64); 17]), Err(PoseidonError::Arity { got: 17 }));
    }

    #[test]
    fn chain_is_the_documented_construction() {
        let xs: Vec<Fr> = (0..17u64).map(Fr::from).collect();
        let first = poseidon_hash(&[&[Fr::from(17u64)], &xs[..15]].concat()).unwrap();
        let expected = poseidon_hash(&[first, xs[15], xs[16]]).unwrap();
        assert_eq!(poseidon_sponge(&xs), expected);
        assert_eq!(poseidon_sponge(&[]), poseidon_hash(&[Fr::from(0u64)]).unwrap());
        assert_eq!(chain_chunks(&xs[..15]).count(), 1);
        assert_eq!(chain_chunks::<Fr>(&[]).count(), 1);
    }
}
