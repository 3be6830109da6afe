//! A synthetic ZKML-shaped circuit of an exact size, for benchmarking the prover
//! (`zkid bench --synthetic N`) on any size without a model.
//!
//! zkid's model circuits are dominated by range checks: every requantized activation and
//! every input pixel is bit-decomposed. [`Synthetic`] is made of the same gadget:
//!
//! * `k = ⌊(N − 1) / 9⌋` private bytes, each [`decompose`]d into 8 bits: 8 booleanity
//!   constraints plus the binding `x = Σ bᵢ 2ⁱ` (9 constraints per byte, like an 8-bit
//!   activation's clamp);
//! * one public input `s`, bound by the constraint `(Σ bytes) · 1 = s` — a long linear
//!   combination, like a layer's accumulator;
//! * `(N − 1) mod 9` extra private bits, one booleanity constraint each, so the total is
//!   exactly `N` constraints.
//!
//! Values come from a seeded splitmix64 stream, so a size and a seed fix the witness.
//! The evaluation domain is the next power of two at or above `N + 2` (constraints plus
//! the constant one and `s`): 1,048,000 constraints fill a 2^20 domain.

use crate::field::Fr;
use crate::gadgets::bits::decompose;
use crate::wire::{SynResult, Wire, enforce};
use ark_ff::{One, Zero};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef};

/// Constraints per byte: 8 booleanity checks and the sum binding.
pub const CONSTRAINTS_PER_BYTE: usize = 9;

/// Why a synthetic circuit cannot be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntheticError {
    /// Fewer constraints than the public-input binding needs.
    #[error("a synthetic circuit needs at least 1 constraint (got {0})")]
    TooSmall(usize),
}

/// A synthetic circuit of exactly `constraints` R1CS constraints (see the module docs).
#[derive(Clone, Debug)]
pub struct Synthetic {
    constraints: usize,
    /// The bytes and padding bits, present when proving.
    witness: Option<SyntheticWitness>,
}

#[derive(Clone, Debug)]
struct SyntheticWitness {
    bytes: Vec<u8>,
    bits: Vec<bool>,
}

/// splitmix64: a tiny, well-mixed deterministic stream (no RNG dependency in this crate).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl Synthetic {
    /// The circuit without a witness, for key generation.
    pub fn setup(constraints: usize) -> Result<Self, SyntheticError> {
        if constraints == 0 {
            return Err(SyntheticError::TooSmall(constraints));
        }
        Ok(Self { constraints, witness: None })
    }

    /// The circuit with a witness drawn from `seed`.
    pub fn random(constraints: usize, seed: u64) -> Result<Self, SyntheticError> {
        let mut c = Self::setup(constraints)?;
        let (bytes, bits) = c.layout();
        let mut rng = SplitMix64(seed);
        let bytes = (0..bytes).map(|_| (rng.next() & 0xff) as u8).collect();
        let bits = (0..bits).map(|_| rng.next() & 1 == 1).collect();
        c.witness = Some(SyntheticWitness { bytes, bits });
        Ok(c)
    }

    /// Number of R1CS constraints the circuit synthesizes.
    pub fn num_constraints(&self) -> usize {
        self.constraints
    }

    /// `(bytes, padding bits)`: 9 constraints per byte, 1 per bit, 1 for the public input.
    pub fn layout(&self) -> (usize, usize) {
        let rest = self.constraints - 1;
        (rest / CONSTRAINTS_PER_BYTE, rest % CONSTRAINTS_PER_BYTE)
    }

    /// The public input `s` (the sum of the bytes), when the circuit has a witness.
    pub fn public_inputs(&self) -> Option<Vec<Fr>> {
        self.witness.as_ref().map(|w| vec![Fr::from(w.bytes.iter().map(|&b| u64::from(b)).sum::<u64>())])
    }
}

/// Built only from [`Wire`] and the gadgets.
impl crate::rows::RecordableCircuit for Synthetic {}

impl ConstraintSynthesizer<Fr> for Synthetic {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> SynResult<()> {
        let (n_bytes, n_bits) = self.layout();
        let witness = self.witness.as_ref();
        let sum = self.public_inputs().and_then(|v| v.first().copied());
        let s = Wire::input(&cs, sum)?;
        let mut bytes = Vec::with_capacity(n_bytes);
        for i in 0..n_bytes {
            let v = witness.map(|w| Fr::from(u64::from(w.bytes[i])));
            let x = Wire::witness(&cs, v)?;
            decompose(&cs, &x, 8)?;
            bytes.push((Fr::one(), x));
        }
        Wire::linear(bytes).enforce_equal(&s, &cs)?;
        let one = Wire::constant(Fr::one());
        for i in 0..n_bits {
            let v = witness.map(|w| if w.bits[i] { Fr::one() } else { Fr::zero() });
            let b = Wire::witness(&cs, v)?;
            enforce(&cs, &b, &b.sub(&one), &Wire::zero())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::r1cs::R1cs;
    use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};

    fn synthesize(c: Synthetic, setup: bool) -> (ConstraintSystemRef<Fr>, R1cs) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        if setup {
            cs.set_mode(SynthesisMode::Setup);
        }
        c.generate_constraints(cs.clone()).unwrap();
        let r = R1cs::from_cs(&cs).unwrap();
        (cs, r)
    }

    #[test]
    fn sizes_are_exact_in_both_modes() {
        for n in [1usize, 2, 9, 10, 11, 19, 100, 1_000] {
            let (cs, r) = synthesize(Synthetic::random(n, 7).unwrap(), false);
            assert_eq!(cs.num_constraints(), n, "prove mode, N = {n}");
            assert_eq!(cs.num_instance_variables(), 2);
            assert!(r.is_satisfied(), "N = {n}");
            let (cs, _) = synthesize(Synthetic::setup(n).unwrap(), true);
            assert_eq!(cs.num_constraints(), n, "setup mode, N = {n}");
        }
        assert_eq!(Synthetic::setup(1_048_000).unwrap().layout(), (116_444, 3));
        assert_eq!(Synthetic::setup(0).unwrap_err(), SyntheticError::TooSmall(0));
    }

    #[test]
    fn seeds_fix_the_witness_and_tampering_breaks_it() {
        let a = Synthetic::random(200, 1).unwrap().public_inputs();
        assert_eq!(a, Synthetic::random(200, 1).unwrap().public_inputs());
        assert_ne!(a, Synthetic::random(200, 2).unwrap().public_inputs());
        assert_eq!(Synthetic::setup(200).unwrap().public_inputs(), None);
        let (_, r) = synthesize(Synthetic::random(200, 3).unwrap(), false);
        // The public input, a byte, one of its bits and a padding bit are each pinned.
        for col in [1, 2, 3, r.z.len() - 1] {
            assert!(!r.satisfied_with(col, r.z[col] + Fr::one()), "column {col} is free");
        }
    }
}
