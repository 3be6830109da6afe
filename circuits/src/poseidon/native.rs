//! Native Poseidon: circomlib's `Poseidon(n)` over BN254 (light-poseidon's permutation), and
//! a length-prefixed chain of it for any number of field elements.

use super::params::{FULL_ROUNDS, MAX_ARITY, params};
use crate::field::Fr;
use light_poseidon::{Poseidon, PoseidonHasher, PoseidonParameters};

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
    let p = params(inputs.len())?;
    // light-poseidon's hasher owns its parameters; copying a few kilobytes of constants costs
    // far less than the permutation itself and keeps one converted table per process.
    let light = PoseidonParameters::new(p.ark.clone(), p.mds.clone(), FULL_ROUNDS, p.partial_rounds, p.width, 5);
    Poseidon::<Fr>::new(light)
        .hash(inputs)
        .map_err(|e| PoseidonError::Parameters { width: p.width, reason: e.to_string() })
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
        for n in 1..=12 {
            let inputs: Vec<Fr> = (0..n).map(|i| Fr::from(1000 + i as u64)).collect();
            let expected = Poseidon::<Fr>::new_circom(n).unwrap().hash(&inputs).unwrap();
            assert_eq!(poseidon_hash(&inputs).unwrap(), expected, "arity {n}");
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
