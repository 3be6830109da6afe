//! Poseidon in R1CS: circomlib's `Poseidon(n)` and the length-prefixed chain of
//! [`super::poseidon_sponge`], over [`Wire`]s. Same functions as [`super::native`], same
//! outputs.
//!
//! # Layout and cost
//!
//! With `t = n + 1` lanes and `R_P` partial rounds:
//!
//! - Each S-box `y = x^5` is `x2 = x·x`, `x4 = x2·x2`, `y = x4·x`: **3 constraints**, two new
//!   variables plus `y`. Its input `x` is a linear combination; it is registered once with
//!   `ConstraintSystemRef::new_lc` and shared by the three constraints (no constraint, a third
//!   of the storage and of the witness-time evaluation).
//! - Round constants and the MDS mix are free: they only build linear combinations.
//! - An S-box whose input is a constant is evaluated natively and costs nothing: the capacity
//!   lane in the first round, always, and the lanes of constant inputs.
//! - Partial rounds: only lane 0 goes through an S-box, so the other lanes stay linear
//!   combinations that grow by one term per round. Mixing them naively (`t` combinations of
//!   up to `t + R_P` terms, `t` times per round) dominates synthesis time. Instead, for each
//!   width, the linear map of the partial rounds is precomputed once per process: every
//!   partial S-box input is a fixed combination of the `t` outputs of the last first-half full
//!   round and of the partial S-box outputs so far, built directly from its coefficient row.
//!   Nothing is materialized: a variable costs a constraint, and a constraint costs a Groth16
//!   prover about a thousand times what a matrix non-zero does (it adds to every MSM and FFT).
//!
//! Hence [`poseidon_hash`] with `n` non-constant inputs costs `3·(8t + R_P − 1)` constraints,
//! the same as circomlib's `Poseidon(n)` template compiled by circom (see [`hash_cost`]).

use super::native::{PoseidonError, chain_chunks};
use super::params::{FULL_ROUNDS, MAX_ARITY, Params, params};
use crate::field::Fr;
use crate::wire::{SynResult, Wire};
use ark_ff::{Field, One, Zero};
use ark_relations::gr1cs::{ConstraintSystemRef, LinearCombination, SynthesisError, Variable};
use std::sync::OnceLock;

/// Constraints [`poseidon_hash`] adds for `arity` non-constant inputs: `3·(8t + R_P − 1)` with
/// `t = arity + 1` (every S-box but the first-round capacity lane's, which is constant). Each
/// constant input removes 3 more; all-constant inputs cost 0.
///
/// | arity | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 |
/// |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
/// | `R_P` | 56 | 57 | 56 | 60 | 60 | 63 | 64 | 63 | 60 | 66 | 60 | 65 | 70 | 60 | 64 | 68 |
/// | constraints | 213 | 240 | 261 | 297 | 321 | 354 | 381 | 402 | 417 | 459 | 465 | 504 | 543 | 537 | 573 | 609 |
pub fn hash_cost(arity: usize) -> Result<usize, PoseidonError> {
    let p = params(arity)?;
    Ok(3 * (FULL_ROUNDS * p.width + p.partial_rounds - 1))
}

/// Constraints [`poseidon_sponge`] adds for `len` non-constant inputs: the sum of
/// [`hash_cost`] over its chain calls, less 3 for the first call, whose length-prefix lane is
/// a constant (0 for `len = 0`, where everything is constant). E.g. 17 inputs → 606 + 261 = 867,
/// 31 → 606 + 609 + 240 = 1455, 100 → 606 + 5·609 + 465 = 4116.
pub fn sponge_cost(len: usize) -> Result<usize, PoseidonError> {
    if len == 0 {
        return Ok(0);
    }
    let mut total = 0;
    for chunk in chain_chunks(&vec![(); len]) {
        total += hash_cost(1 + chunk.len())?;
    }
    Ok(total - 3)
}

/// circomlib's `Poseidon(n)` of `inputs` (`1 <= n <= 16`) in circuit: returns a wire equal to
/// [`super::poseidon_hash`] of the inputs' values, as a linear combination of the last
/// round's `t` S-box outputs (no output variable; compact or bind it as needed).
///
/// Enforces the full permutation: every S-box is constrained, so the output is determined by
/// the inputs. Cost: [`hash_cost`] (240 constraints for 2 inputs). Works without values
/// (key generation). Refuses other arities with [`SynthesisError::ArityMismatch`].
pub fn poseidon_hash(cs: &ConstraintSystemRef<Fr>, inputs: &[Wire]) -> SynResult<Wire> {
    let p = params(inputs.len()).map_err(|_| SynthesisError::ArityMismatch)?;
    let plan = partial_plan(inputs.len(), p);
    let t = p.width;
    let half = FULL_ROUNDS / 2;

    let mut state: Vec<Wire> = std::iter::once(Wire::zero()).chain(inputs.iter().cloned()).collect();
    // First half of the full rounds. The last one stops before its mix: the partial-round plan
    // starts from its S-box outputs.
    let mut basis = Vec::with_capacity(t + p.partial_rounds);
    for r in 0..half {
        let ys = full_sbox_layer(cs, p, r, &state)?;
        if r + 1 < half {
            state = p.mds.iter().map(|row| combine(&ys, row, Fr::zero())).collect();
        } else {
            basis = ys;
        }
    }
    // Partial rounds: each S-box input straight from its precomputed row.
    for (row, constant) in &plan.sbox_inputs {
        let y = sbox(cs, combine(&basis, row, *constant))?;
        basis.push(y);
    }
    state = plan.lanes_after.iter().map(|(row, constant)| combine(&basis, row, *constant)).collect();
    // Second half of the full rounds; only lane 0 of the last mix is the output.
    for r in half + p.partial_rounds..FULL_ROUNDS + p.partial_rounds {
        let ys = full_sbox_layer(cs, p, r, &state)?;
        if r + 1 < FULL_ROUNDS + p.partial_rounds {
            state = p.mds.iter().map(|row| combine(&ys, row, Fr::zero())).collect();
        } else {
            return Ok(combine(&ys, &p.mds[0], Fr::zero()));
        }
    }
    // FULL_ROUNDS >= 2, so the loop above returns.
    Err(SynthesisError::Unsatisfiable)
}

/// The chained hash of [`super::poseidon_sponge`] in circuit, for any number of inputs: a wire
/// equal to the native chain of the inputs' values. The length `n` is a circuit constant.
/// Cost: [`sponge_cost`] (`max(1, ⌈n/15⌉)` Poseidon calls).
pub fn poseidon_sponge(cs: &ConstraintSystemRef<Fr>, inputs: &[Wire]) -> SynResult<Wire> {
    let mut h = Wire::constant(Fr::from(inputs.len() as u64));
    for chunk in chain_chunks(inputs) {
        let mut call = Vec::with_capacity(1 + chunk.len());
        call.push(h);
        call.extend_from_slice(chunk);
        h = poseidon_hash(cs, &call)?;
    }
    Ok(h)
}

/// Round `r` of a full round up to the S-boxes: adds the round constants and applies the
/// S-box to every lane.
fn full_sbox_layer(cs: &ConstraintSystemRef<Fr>, p: &Params, r: usize, state: &[Wire]) -> SynResult<Vec<Wire>> {
    state.iter().enumerate().map(|(i, x)| sbox(cs, x.add_const(p.ark[r * p.width + i]))).collect()
}

/// `x^5`: 3 constraints, or none when `x` is a constant.
fn sbox(cs: &ConstraintSystemRef<Fr>, x: Wire) -> SynResult<Wire> {
    if let Some(c) = constant_value(&x) {
        return Ok(Wire::constant(c.square().square() * c));
    }
    let x = share(cs, x)?;
    let x2 = x.mul(&x, cs)?;
    let x4 = x2.mul(&x2, cs)?;
    x4.mul(&x, cs)
}

/// `x` as one symbolic variable of the constraint system (free), so that the constraints
/// using it reference its linear combination instead of each storing a copy. Only for
/// constraint operands: the result must not be folded into other linear combinations.
fn share(cs: &ConstraintSystemRef<Fr>, x: Wire) -> SynResult<Wire> {
    if let [(c, _)] = x.lc.as_slice()
        && c.is_one()
    {
        return Ok(x);
    }
    let Wire { lc, value } = x;
    let v = cs.new_lc(|| lc)?;
    Ok(Wire { lc: v.into(), value })
}

/// The value of `w` when it involves no variable.
fn constant_value(w: &Wire) -> Option<Fr> {
    w.lc.iter().try_fold(Fr::zero(), |acc, (c, v)| match *v {
        Variable::One => Some(acc + c),
        Variable::Zero => Some(acc),
        _ => None,
    })
}

/// `Σ row[b]·basis[b] + constant` as one merged linear combination (free).
fn combine(basis: &[Wire], row: &[Fr], constant: Fr) -> Wire {
    let mut terms = Vec::with_capacity(row.len() + 1);
    let mut value = Some(constant);
    if !constant.is_zero() {
        terms.push((constant, Variable::One));
    }
    for (w, &k) in basis.iter().zip(row) {
        if k.is_zero() {
            continue;
        }
        terms.extend(w.lc.iter().map(|&(c, v)| (if c.is_one() { k } else { k * c }, v)));
        value = value.zip(w.value).map(|(acc, x)| acc + k * x);
    }
    let mut lc = LinearCombination(terms);
    lc.compactify();
    Wire { lc, value }
}

/// The linear structure of one width's partial rounds.
///
/// Basis: the `t` S-box outputs of the last first-half full round, then the partial S-box
/// outputs in order. Coefficient rows are over a prefix of that basis, plus a constant.
struct PartialPlan {
    /// Input of partial round `k`'s S-box (after its round constants): `t + k` coefficients.
    sbox_inputs: Vec<(Vec<Fr>, Fr)>,
    /// Every lane after the last partial round's mix: `t + R_P` coefficients each.
    lanes_after: Vec<(Vec<Fr>, Fr)>,
}

static PLANS: [OnceLock<PartialPlan>; MAX_ARITY] = [const { OnceLock::new() }; MAX_ARITY];

fn partial_plan(arity: usize, p: &Params) -> &'static PartialPlan {
    PLANS[arity - 1].get_or_init(|| build_plan(p))
}

/// Runs the partial rounds symbolically. Lane `i` is `(coefficients, constant)`; entering the
/// partial rounds, lane `i` is `Σ_j mds[i][j]·basis[j]`.
fn build_plan(p: &Params) -> PartialPlan {
    let t = p.width;
    let cols = t + p.partial_rounds;
    let mut lanes: Vec<(Vec<Fr>, Fr)> = p
        .mds
        .iter()
        .map(|row| {
            let mut coeffs = row.clone();
            coeffs.resize(cols, Fr::zero());
            (coeffs, Fr::zero())
        })
        .collect();
    let mut sbox_inputs = Vec::with_capacity(p.partial_rounds);
    for k in 0..p.partial_rounds {
        let active = t + k;
        let r = FULL_ROUNDS / 2 + k;
        for (i, lane) in lanes.iter_mut().enumerate() {
            lane.1 += p.ark[r * t + i];
        }
        sbox_inputs.push((lanes[0].0[..active].to_vec(), lanes[0].1));
        // Lane 0 becomes the new basis element (the S-box output), then everything mixes.
        lanes[0].0[..active].fill(Fr::zero());
        lanes[0].0[active] = Fr::one();
        lanes[0].1 = Fr::zero();
        lanes = p
            .mds
            .iter()
            .map(|row| {
                let mut coeffs = vec![Fr::zero(); cols];
                let mut constant = Fr::zero();
                for (m, (lane, c)) in row.iter().zip(&lanes) {
                    for (acc, x) in coeffs[..=active].iter_mut().zip(&lane[..=active]) {
                        *acc += *m * x;
                    }
                    constant += *m * c;
                }
                (coeffs, constant)
            })
            .collect();
    }
    PartialPlan { sbox_inputs, lanes_after: lanes }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::poseidon::native;
    use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};

    fn witnesses(cs: &ConstraintSystemRef<Fr>, xs: &[Fr]) -> Vec<Wire> {
        xs.iter().map(|x| Wire::witness(cs, Some(*x)).unwrap()).collect()
    }

    #[test]
    fn documented_cost_table_matches_params_and_synthesis() {
        let table = [213, 240, 261, 297, 321, 354, 381, 402, 417, 459, 465, 504, 543, 537, 573, 609];
        for arity in 1..=MAX_ARITY {
            assert_eq!(hash_cost(arity).unwrap(), table[arity - 1], "arity {arity}");
            let cs = ConstraintSystem::<Fr>::new_ref();
            let xs: Vec<Fr> = (0..arity as u64).map(|i| Fr::from(i + 7)).collect();
            let out = poseidon_hash(&cs, &witnesses(&cs, &xs)).unwrap();
            assert_eq!(cs.num_constraints(), table[arity - 1], "arity {arity}");
            assert_eq!(out.value, Some(native::poseidon_hash(&xs).unwrap()));
            assert!(cs.is_satisfied().unwrap());
        }
    }

    #[test]
    fn sponge_cost_examples_from_the_docs() {
        assert_eq!(sponge_cost(0).unwrap(), 0);
        assert_eq!(sponge_cost(1).unwrap(), 240 - 3);
        assert_eq!(sponge_cost(17).unwrap(), 867);
        assert_eq!(sponge_cost(31).unwrap(), 1455);
        assert_eq!(sponge_cost(100).unwrap(), 4116);
    }

    #[test]
    fn constant_inputs_fold() {
        let xs = [Fr::from(3u64), Fr::from(4u64)];
        let cs = ConstraintSystem::<Fr>::new_ref();
        let all_const: Vec<Wire> = xs.iter().map(|x| Wire::constant(*x)).collect();
        let out = poseidon_hash(&cs, &all_const).unwrap();
        assert_eq!(cs.num_constraints(), 0);
        assert_eq!(constant_value(&out), Some(native::poseidon_hash(&xs).unwrap()));

        let cs = ConstraintSystem::<Fr>::new_ref();
        let mixed = [Wire::constant(xs[0]), Wire::witness(&cs, Some(xs[1])).unwrap()];
        let out = poseidon_hash(&cs, &mixed).unwrap();
        assert_eq!(cs.num_constraints(), 240 - 3);
        assert_eq!(out.value, Some(native::poseidon_hash(&xs).unwrap()));
        assert!(cs.is_satisfied().unwrap());
    }

    #[test]
    fn setup_mode_builds_the_same_system_without_values() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        let inputs: Vec<Wire> = (0..2).map(|_| Wire::witness(&cs, None).unwrap()).collect();
        let out = poseidon_hash(&cs, &inputs).unwrap();
        assert_eq!(out.value, None);
        assert_eq!(cs.num_constraints(), 240);
    }

    #[test]
    fn bad_arity_is_refused() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        assert_eq!(poseidon_hash(&cs, &[]).err(), Some(SynthesisError::ArityMismatch));
        let many = vec![Wire::zero(); 17];
        assert_eq!(poseidon_hash(&cs, &many).err(), Some(SynthesisError::ArityMismatch));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod scratch_naive {
    use super::*;
    use ark_relations::gr1cs::ConstraintSystem;
    use std::time::Instant;

    fn sbox_naive(cs: &ConstraintSystemRef<Fr>, x: Wire, shared: bool) -> SynResult<Wire> {
        if let Some(c) = constant_value(&x) {
            return Ok(Wire::constant(c.square().square() * c));
        }
        let x = if shared { share(cs, x)? } else { x };
        let x2 = x.mul(&x, cs)?;
        let x4 = x2.mul(&x2, cs)?;
        x4.mul(&x, cs)
    }

    fn naive(cs: &ConstraintSystemRef<Fr>, inputs: &[Wire], shared: bool, use_linear: bool) -> SynResult<Wire> {
        let p = params(inputs.len()).unwrap();
        let t = p.width;
        let mut state: Vec<Wire> = std::iter::once(Wire::zero()).chain(inputs.iter().cloned()).collect();
        let rounds = FULL_ROUNDS + p.partial_rounds;
        for r in 0..rounds {
            let full = r < FULL_ROUNDS / 2 || r >= FULL_ROUNDS / 2 + p.partial_rounds;
            let mut ys = Vec::with_capacity(t);
            for (i, x) in state.iter().enumerate() {
                let x = x.add_const(p.ark[r * t + i]);
                ys.push(if full || i == 0 { sbox_naive(cs, x, shared)? } else { x });
            }
            state = p
                .mds
                .iter()
                .map(|row| {
                    if use_linear {
                        Wire::linear(row.iter().copied().zip(ys.iter().cloned()))
                    } else {
                        combine(&ys, row, Fr::zero())
                    }
                })
                .collect();
        }
        Ok(state.swap_remove(0))
    }

    #[test]
    #[ignore]
    fn compare() {
        for n in [2usize, 16] {
            for (label, shared, use_linear, planned) in [
                ("Wire::linear mix, LC copied per constraint", false, true, false),
                ("merged mix, LC copied per constraint", false, false, false),
                ("merged mix, shared LC", true, false, false),
                ("planned partial rounds, shared LC (shipped)", true, false, true),
            ] {
                let count = if n == 2 { 200 } else { 20 };
                let cs = ConstraintSystem::<Fr>::new_ref();
                let start = Instant::now();
                let mut last = None;
                for i in 0..count {
                    let xs: Vec<Wire> =
                        (0..n).map(|j| Wire::witness(&cs, Some(Fr::from((i * 100 + j) as u64))).unwrap()).collect();
                    last = Some(if planned {
                        poseidon_hash(&cs, &xs).unwrap()
                    } else {
                        naive(&cs, &xs, shared, use_linear).unwrap()
                    });
                }
                let synth = start.elapsed();
                let xs: Vec<Fr> = (0..n).map(|j| Fr::from(((count - 1) * 100 + j) as u64)).collect();
                assert_eq!(last.unwrap().value, Some(crate::poseidon::native::poseidon_hash(&xs).unwrap()));
                let start = Instant::now();
                cs.finalize();
                let m = cs.to_matrices().unwrap();
                let nz: usize =
                    m.values().next().unwrap().iter().map(|mat| mat.iter().map(Vec::len).sum::<usize>()).sum();
                let fin = start.elapsed();
                assert!(cs.is_satisfied().unwrap());
                println!(
                    "arity {n:2} {label:48}: {:7.1} us synth/hash, {:7.1} us finalize/hash, {} constraints/hash, {} nz/hash",
                    synth.as_secs_f64() * 1e6 / count as f64,
                    fin.as_secs_f64() * 1e6 / count as f64,
                    cs.num_constraints() / count,
                    nz / count
                );
            }
        }
    }
}
