//! Poseidon in R1CS: circomlib's `Poseidon(n)` and the length-prefixed chain of
//! [`super::poseidon_sponge`], over [`Wire`]s. Same functions as [`super::native`], same
//! outputs.
//!
//! # Layout and cost
//!
//! With `t = n + 1` lanes and `R_P` partial rounds, every S-box `y = x^5` whose input is not a
//! constant costs **3 constraints** and 3 variables: `x2 = x·x`, `x4 = x2·x2`, and the
//! closing `x4·x = y`. Round constants and the MDS mix are free linear combinations. An S-box
//! whose input is a constant is evaluated natively (the capacity lane in the first round,
//! always, and the lanes of constant inputs). Hence `3·(8t + R_P − 1)` constraints
//! ([`hash_cost`]), exactly what circom 2.2 `--O2` gives for circomlib's `Poseidon(n)`.
//!
//! Matrix non-zeros are kept near circom's by choosing which values are variables, never by
//! adding constraints (a constraint costs a Groth16 prover about a thousand times what a
//! non-zero does; it adds to every MSM and FFT):
//!
//! - S-box inputs are variables and S-box outputs are not: the closing constraint of round
//!   `r` reads `x4·x = M⁻¹·(x' − c)`, where `x'` are the next round's S-box inputs, so the
//!   linear combination appears once, in C, instead of three times in A and B. (Not in the
//!   first round, whose constant capacity lane would leave one `x'` unconstrained, nor in the
//!   last, whose outputs form the result.)
//! - Partial rounds: only lane 0 goes through an S-box; the other lanes stay linear. Each
//!   partial S-box input is a variable, and partial round `k`'s output is written over the
//!   basis (outputs of the last first-half full round, partial inputs `1..=k+1`) by solving
//!   the linear relation that defines input `k + 1`. These rows, the inverse MDS matrix and
//!   the lanes after the partial rounds are precomputed once per width, so synthesis never
//!   mixes growing linear combinations (which costs `t²·(t + R_P)` per round).
//! - A linear combination used by several constraints is registered once with
//!   `ConstraintSystemRef::new_lc` (free), so it is stored and evaluated once.
//!
//! Matrix non-zeros (A + B + C) against circomlib's template compiled by circom 2.2.3
//! `--O2` (same constraint counts):
//!
//! | inputs | 1 | 2 | 4 | 16 |
//! |---|---|---|---|---|
//! | zkid | 2,672 | 3,102 | 4,143 | 11,939 |
//! | circom `--O2` | 2,574 | 3,040 | 7,566 | 18,438 |
//!
//! (Keeping S-box outputs as variables, the plain layout, gives 6,720 for 2 inputs and
//! 21,663 for 16.)

use super::native::{PoseidonError, chain_chunks};
use super::params::{FULL_ROUNDS, MAX_ARITY, Params, invert, params};
use crate::field::Fr;
use crate::wire::{SynResult, Wire, enforce};
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
/// Enforces the full permutation: every S-box and every linear step is constrained, so the
/// output is determined by the inputs. Cost: [`hash_cost`] (240 constraints for 2 inputs);
/// all-constant inputs give a constant and no constraint. Works without values (key
/// generation). Refuses other arities with [`SynthesisError::ArityMismatch`].
pub fn poseidon_hash(cs: &ConstraintSystemRef<Fr>, inputs: &[Wire]) -> SynResult<Wire> {
    let p = params(inputs.len()).map_err(|_| SynthesisError::ArityMismatch)?;
    if let Some(values) = inputs.iter().map(constant_value).collect::<Option<Vec<Fr>>>() {
        let h = super::native::poseidon_hash(&values).map_err(|_| SynthesisError::ArityMismatch)?;
        return Ok(Wire::constant(h));
    }
    let plan = plan(inputs.len(), p).map_err(|_| SynthesisError::Unsatisfiable)?;
    let t = p.width;
    let half = FULL_ROUNDS / 2;
    let first_after_partial = half + p.partial_rounds;
    let last = FULL_ROUNDS + p.partial_rounds - 1;

    // Round 0: plain S-boxes (its constant lanes fold), outputs are variables.
    let lanes: Vec<Wire> = std::iter::once(Wire::zero()).chain(inputs.iter().cloned()).collect();
    let ys = lanes.iter().enumerate().map(|(i, x)| sbox(cs, x.add_const(p.ark[i]))).collect::<SynResult<Vec<_>>>()?;
    let mut xs: Vec<Wire> = p.mds.iter().enumerate().map(|(i, row)| combine(&ys, row, p.ark[t + i])).collect();
    // Rounds 1..half-1: closed against the next round's inputs. Round half-1: its outputs are
    // the partial rounds' basis.
    for r in 1..half - 1 {
        xs = closed_full_round(cs, p, plan, r, &xs)?;
    }
    let z = xs.into_iter().map(|x| sbox(cs, x)).collect::<SynResult<Vec<_>>>()?;
    xs = partial_rounds(cs, p, plan, z)?;
    for r in first_after_partial..last {
        xs = closed_full_round(cs, p, plan, r, &xs)?;
    }
    // Last round: outputs are variables; the result is lane 0 of their mix.
    let ys = xs.into_iter().map(|x| sbox(cs, x)).collect::<SynResult<Vec<_>>>()?;
    Ok(combine(&ys, &p.mds[0], Fr::zero()))
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

/// Full round `r` with S-box inputs `xs` (round constants included): returns round `r + 1`'s
/// S-box inputs as new variables `x'`, and closes each S-box with `x4·x = (M⁻¹·(x' − c))_i`,
/// which with the other two S-box constraints is `x' = M·x^5 + c`. Cost: `3t` constraints.
fn closed_full_round(
    cs: &ConstraintSystemRef<Fr>,
    p: &Params,
    plan: &Plan,
    r: usize,
    xs: &[Wire],
) -> SynResult<Vec<Wire>> {
    let t = p.width;
    let next_ark = &p.ark[(r + 1) * t..(r + 2) * t];
    let heads = xs.iter().map(|x| sbox_head(cs, x.clone())).collect::<SynResult<Vec<_>>>()?;
    let ys: Option<Vec<Fr>> = heads.iter().map(|(x, _)| x.value.map(pow5)).collect();
    let next = (0..t)
        .map(|i| Wire::witness(cs, ys.as_ref().map(|ys| dot(&p.mds[i], ys) + next_ark[i])))
        .collect::<SynResult<Vec<_>>>()?;
    for ((x, x4), inv_row) in heads.iter().zip(&plan.mds_inv) {
        let y = combine(&next, inv_row, -dot(inv_row, next_ark));
        enforce(cs, x4, x, &y)?;
    }
    Ok(next)
}

/// The partial rounds, from `z` (the last first-half full round's S-box outputs, variables)
/// to the S-box inputs of the first full round after them (linear combinations).
fn partial_rounds(cs: &ConstraintSystemRef<Fr>, p: &Params, plan: &Plan, z: Vec<Wire>) -> SynResult<Vec<Wire>> {
    let t = p.width;
    let rp = p.partial_rounds;
    // Values over the plan's first basis (z, partial outputs), to compute the next inputs.
    let mut values: Option<Vec<Fr>> = z.iter().map(|w| w.value).collect();
    // The constraint basis: z, then partial inputs 1..rp-1, then the last partial output.
    let mut basis = z;
    basis.reserve(rp);
    let (row, c) = &plan.partial_inputs[0];
    let mut x = combine(&basis[..t], row, *c);
    for k in 0..rp {
        let (xk, x4) = sbox_head(cs, x)?;
        values = values.zip(xk.value).map(|(mut v, x)| {
            v.push(pow5(x));
            v
        });
        if k + 1 < rp {
            let (row, c) = &plan.partial_inputs[k + 1];
            let next = Wire::witness(cs, values.as_ref().map(|v| dot(row, v) + c))?;
            basis.push(next.clone());
            let (y_row, y_c) = &plan.partial_outputs[k];
            enforce(cs, &x4, &xk, &combine(&basis, y_row, *y_c))?;
            x = next;
        } else {
            x = x4.mul(&xk, cs)?;
            basis.push(x.clone());
        }
    }
    let ark = &p.ark[(FULL_ROUNDS / 2 + rp) * t..];
    Ok(plan.lanes_after.iter().zip(ark).map(|((row, c), a)| combine(&basis, row, *c + a)).collect())
}

/// `x^5` with its output as a new variable: 3 constraints, or none when `x` is a constant.
fn sbox(cs: &ConstraintSystemRef<Fr>, x: Wire) -> SynResult<Wire> {
    if let Some(c) = constant_value(&x) {
        return Ok(Wire::constant(pow5(c)));
    }
    let (x, x4) = sbox_head(cs, x)?;
    x4.mul(&x, cs)
}

/// `x2 = x·x`, `x4 = x2·x2`: returns `(x, x4)` with `x` shared; the caller closes the S-box
/// with `x4·x = y`. Cost: 2 constraints.
fn sbox_head(cs: &ConstraintSystemRef<Fr>, x: Wire) -> SynResult<(Wire, Wire)> {
    let x = share(cs, x)?;
    let x2 = x.mul(&x, cs)?;
    let x4 = x2.mul(&x2, cs)?;
    Ok((x, x4))
}

fn pow5(x: Fr) -> Fr {
    x.square().square() * x
}

fn dot(row: &[Fr], xs: &[Fr]) -> Fr {
    row.iter().zip(xs).map(|(a, b)| *a * b).sum()
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
    let mut recorded = false;
    if !constant.is_zero() {
        terms.push((constant, Variable::One));
    }
    for (w, &k) in basis.iter().zip(row) {
        if k.is_zero() {
            continue;
        }
        value = value.zip(w.value).map(|(acc, x)| acc + k * x);
        if recorded || crate::rows::is_placeholder(&w.lc) {
            recorded = true;
            continue;
        }
        terms.extend(w.lc.iter().map(|&(c, v)| (if c.is_one() { k } else { k * c }, v)));
    }
    if recorded {
        return Wire { lc: crate::rows::placeholder(), value };
    }
    let mut lc = LinearCombination(terms);
    lc.compactify();
    Wire { lc, value }
}

/// One width's precomputed linear structure. A row is `(coefficients, constant)` over a
/// prefix of a basis.
struct Plan {
    /// `M⁻¹`, for closing full rounds.
    mds_inv: Vec<Vec<Fr>>,
    /// Input of partial round `k` (round constants included) over the value basis
    /// `[z_0..z_{t-1}, y_0..y_{k-1}]` (`z`: last first-half full round's S-box outputs, `y`:
    /// partial S-box outputs): `t + k` coefficients.
    partial_inputs: Vec<(Vec<Fr>, Fr)>,
    /// Output `y_k` of partial round `k < R_P − 1` over the constraint basis
    /// `[z_0..z_{t-1}, x_1..x_{k+1}]` (`x`: partial S-box inputs): `t + k + 1` coefficients.
    partial_outputs: Vec<(Vec<Fr>, Fr)>,
    /// Every lane after the last partial round's mix (before the next round constants) over
    /// `[z_0..z_{t-1}, x_1..x_{R_P-1}, y_{R_P-1}]`: `t + R_P` coefficients.
    lanes_after: Vec<(Vec<Fr>, Fr)>,
}

static PLANS: [OnceLock<Result<Plan, PoseidonError>>; MAX_ARITY] = [const { OnceLock::new() }; MAX_ARITY];

fn plan(arity: usize, p: &Params) -> Result<&'static Plan, PoseidonError> {
    PLANS[arity - 1].get_or_init(|| build_plan(p)).as_ref().map_err(Clone::clone)
}

fn build_plan(p: &Params) -> Result<Plan, PoseidonError> {
    let t = p.width;
    let rp = p.partial_rounds;
    let singular = |what: &str| PoseidonError::Parameters { width: t, reason: format!("{what} is not invertible") };
    let mds_inv = invert(&p.mds).ok_or_else(|| singular("the MDS matrix"))?;

    // Run the partial rounds symbolically over the value basis. Entering them, lane i is
    // Σ_j mds[i][j]·z_j.
    let cols = t + rp;
    let mut lanes: Vec<(Vec<Fr>, Fr)> = p
        .mds
        .iter()
        .map(|row| {
            let mut coeffs = row.clone();
            coeffs.resize(cols, Fr::zero());
            (coeffs, Fr::zero())
        })
        .collect();
    let mut partial_inputs = Vec::with_capacity(rp);
    for k in 0..rp {
        let active = t + k;
        let r = FULL_ROUNDS / 2 + k;
        for (i, lane) in lanes.iter_mut().enumerate() {
            lane.1 += p.ark[r * t + i];
        }
        partial_inputs.push((lanes[0].0[..active].to_vec(), lanes[0].1));
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

    // Change of basis: y_k (k < R_P − 1) from the relation defining x_{k+1}:
    // x_{k+1} = Σ_{b<t} a_b z_b + Σ_{j<k} a_{t+j} y_j + α y_k + c  (α = a_{t+k} = mds[0][0]).
    // `to_constraint_basis` maps a value-basis row to the constraint basis.
    let mut partial_outputs: Vec<(Vec<Fr>, Fr)> = Vec::with_capacity(rp.saturating_sub(1));
    let to_constraint_basis = |row: &[Fr], constant: Fr, outputs: &[(Vec<Fr>, Fr)], len: usize| {
        let mut coeffs = vec![Fr::zero(); len];
        let mut constant = constant;
        for (b, &a) in row.iter().enumerate() {
            if b < t {
                coeffs[b] += a;
            } else if let Some((y_row, y_c)) = outputs.get(b - t) {
                for (acc, y) in coeffs.iter_mut().zip(y_row) {
                    *acc += a * y;
                }
                constant += a * y_c;
            } else {
                // The last partial output, a variable, last in the constraint basis.
                coeffs[len - 1] += a;
            }
        }
        (coeffs, constant)
    };
    for k in 0..rp.saturating_sub(1) {
        let (row, c) = &partial_inputs[k + 1];
        let alpha_inv = row[t + k].inverse().ok_or_else(|| singular("a partial-round coefficient"))?;
        let (mut coeffs, constant) = to_constraint_basis(&row[..t + k], *c, &partial_outputs, t + k + 1);
        // y_k = (x_{k+1} − rest) / α
        for a in coeffs.iter_mut() {
            *a = -*a * alpha_inv;
        }
        coeffs[t + k] = alpha_inv;
        partial_outputs.push((coeffs, -constant * alpha_inv));
    }
    let lanes_after = lanes.iter().map(|(row, c)| to_constraint_basis(row, *c, &partial_outputs, cols)).collect();
    Ok(Plan { mds_inv, partial_inputs, partial_outputs, lanes_after })
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
