//! Poseidon over BN254 with circomlib's parameters (x^5 S-box, 8 full rounds, circomlib's
//! partial-round counts, round constants and MDS matrices), natively and in circuit.
//!
//! Commitments in zkid statements are Poseidon hashes: the device computes them with
//! [`native`], the circuit enforces them with [`gadget`], and both equal circomlibjs's
//! `poseidon` (and circom's `Poseidon(n)` template) so JavaScript and on-chain verifiers can
//! recompute them.
//!
//! - [`poseidon_hash`]: circomlib's `Poseidon(n)` for 1 to 16 inputs.
//! - [`poseidon_sponge`]: any number of inputs, as a length-prefixed chain of `Poseidon`
//!   calls absorbing 15 inputs each (documented on the function).
//! - [`gadget::poseidon_hash`], [`gadget::poseidon_sponge`]: the same over [`crate::Wire`]s,
//!   with exact constraint costs ([`gadget::hash_cost`], [`gadget::sponge_cost`]).
//!
//! Parameters: every width 2..=17 from tables extracted mechanically from circomlibjs
//! (`circom_tables.rs`); the native permutation is implemented here. Test vectors:
//! `circuits/tests/vectors/poseidon.json`, produced by `make_poseidon_vectors.js` beside it.

#[rustfmt::skip]
mod circom_tables;
pub mod gadget;
pub mod native;
mod params;

pub use native::{CHAIN_CHUNK, PoseidonError, poseidon_hash, poseidon_sponge};
pub use params::{FULL_ROUNDS, MAX_ARITY};
