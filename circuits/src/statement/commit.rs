//! Salted Poseidon commitments to packed integer tensors.
//!
//! A tensor whose values lie in `[lo, hi]` is packed `per = ⌊248 / b⌋` values per field
//! element, `b = bits(hi - lo)`, little-endian: `e_j = Σ_i (v_{j*per+i} - lo) · 2^(b·i)`.
//! The commitment is `poseidon_sponge([e_0, …, e_{n-1}, salt])` (see
//! [`crate::poseidon::native::poseidon_sponge`]); a uniformly random salt makes it hiding.
//! Packing is injective because every value is range-bounded by the circuit that produced
//! it (input range checks, clamps, signs), so the in-circuit packing is free.

use crate::field::{Fr, fr_from_i64, pow2};
use crate::gadgets::bits::bits_for;
use crate::poseidon;
use crate::wire::{SynResult, Wire};
use ark_relations::gr1cs::ConstraintSystemRef;

/// Payload bits per packed field element (well below the 254-bit modulus).
pub const PACK_BITS: u32 = 248;

/// Bits per packed value and values per field element for the range `[lo, hi]`.
pub fn layout(lo: i64, hi: i64) -> (u32, usize) {
    let b = bits_for((hi as i128 - lo as i128).max(1) as u128);
    (b, (PACK_BITS / b) as usize)
}

/// Native packing of integer values in `[lo, hi]`.
pub fn pack(values: &[i64], lo: i64, hi: i64) -> Vec<Fr> {
    let (b, per) = layout(lo, hi);
    values
        .chunks(per)
        .map(|c| c.iter().enumerate().map(|(i, &v)| fr_from_i64(v - lo) * pow2(b * i as u32)).sum())
        .collect()
}

/// In-circuit packing (free: a linear combination per element).
pub fn pack_wires(values: &[Wire], lo: i64, hi: i64) -> Vec<Wire> {
    let (b, per) = layout(lo, hi);
    let shift = -fr_from_i64(lo);
    values
        .chunks(per)
        .map(|c| Wire::linear(c.iter().enumerate().map(|(i, w)| (pow2(b * i as u32), w.add_const(shift)))))
        .collect()
}

/// Native commitment.
pub fn commit(values: &[i64], lo: i64, hi: i64, salt: Fr) -> Fr {
    let mut e = pack(values, lo, hi);
    e.push(salt);
    poseidon::native::poseidon_sponge(&e)
}

/// In-circuit commitment; returns the commitment wire. Cost: the sponge over
/// `⌈n / per⌉ + 1` field elements.
pub fn commit_wires(cs: &ConstraintSystemRef<Fr>, values: &[Wire], lo: i64, hi: i64, salt: &Wire) -> SynResult<Wire> {
    let mut e = pack_wires(values, lo, hi);
    e.push(salt.clone());
    poseidon::gadget::poseidon_sponge(cs, &e)
}
