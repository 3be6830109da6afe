//! Radix-2 number-theoretic transforms for the circom witness map
//! ([`crate::reduction::witness_map_from_evaluations`]).
//!
//! The witness map takes each of `a`, `b`, `c = a∘b` from evaluations on `H = ⟨ω⟩` (size
//! `n = 2^L`) to evaluations on the odd coset `ψ·H` (`ψ² = ω`, so `ψⁿ = −1`). ark-poly does
//! that with an inverse FFT, two passes multiplying by `1/n` and by `ψ^i`, and an FFT, each
//! FFT with a bit-reversal permutation, its own root table and one pass over the array per
//! level. Here:
//!
//! 1. **Forward DFT, natural → bit-reversed order** (Cooley–Tukey butterflies, one twiddle
//!    per block, table `Z[g] = ω^{bitrev(g)}`): `y[p] = DFT(v)[q]` with `q = bitrev(p)`.
//!    No inverse transform is needed, since `DFT(v)[q] = n·coef[−q mod n]`.
//! 2. **Twist** in bit-reversed order: `z_q = s_q·DFT(v)[q]/n` with `s_0 = 1` and
//!    `s_q = ψ^{n−q} = −ψ^{−q}` otherwise. Then `V(ψω^k) = Σ_q z_q ω^{−qk} = DFT(z)[−k]`.
//! 3. **Forward DFT, bit-reversed → natural order** (Gentleman–Sande butterflies, the same
//!    table `Z`): gives `DFT(z)[k]` at position `k`.
//! 4. The caller's combination `A·B − C` reads position `−k mod n` for output `k`.
//!
//! No bit reversal is ever performed and one twiddle table (`n/2` entries) serves all six
//! transforms. Field arithmetic is exact, so the result equals ark-poly's bit for bit.
//!
//! # Arithmetic
//!
//! The butterflies cost nearly all the time. For BN254 they use [`bn254`]'s lazily reduced,
//! branch-free limb arithmetic (ark-ff's additions branch on data and mispredict); other
//! fields use ark-ff's operations. The `1/n` of the inverse transform rides on the twist.
//!
//! # Memory layout
//!
//! An array of `n` elements is viewed as `R` rows of `B = 2^LOG_BLOCK` contiguous elements.
//! Transform levels whose butterflies stay inside a row ("low" levels) run block by block,
//! with the block in L2 cache, and steps 1–3 of all three polynomials run on a block before
//! the next one is loaded. Levels whose butterflies span rows ("high" levels) form an
//! independent transform of size `R` on every column; a few adjacent columns are gathered
//! into a contiguous scratch buffer (rows are a power-of-two stride apart, which would
//! otherwise map onto a handful of cache sets), transformed there and scattered back. So
//! each array crosses the memory bus about five times per witness map instead of about
//! `2·log₂n + 4` times.
//!
//! Parallelism (rayon): over column groups in the high levels and over blocks in the low
//! levels. On wasm32 rayon runs it all on the calling thread.

use std::any::Any;

use ark_ff::Field;
use rayon::prelude::*;

/// log₂ of the block (row) length `B`: a block (256 KiB), its twist factors (256 KiB) and
/// the twiddles its levels read (< 256 KiB) stay in a 1 MiB L2 cache. Measured flat
/// between 2^11 and 2^14: the butterflies are compute-bound once the data is in cache.
const LOG_BLOCK: u32 = 13;

/// Minimum number of rows `R` (when `n` allows): enough blocks to share among threads.
const LOG_MIN_ROWS: u32 = 5;

/// Adjacent columns gathered per high-level task: 16 elements = 512 bytes of each row.
const COLUMNS: usize = 16;

/// Below this many elements a loop is not worth splitting across threads.
const PAR_MIN: usize = 1 << 12;

/// How a size-`2^log_n` array is split into `2^(log_n − log_block)` rows of `2^log_block`.
#[derive(Clone, Copy, Debug)]
struct Shape {
    log_n: u32,
    log_block: u32,
}

impl Shape {
    fn new(n: usize) -> Self {
        let log_n = n.trailing_zeros();
        let log_block = LOG_BLOCK.min(log_n.saturating_sub(LOG_MIN_ROWS));
        Self { log_n, log_block }
    }

    fn block(self) -> usize {
        1 << self.log_block
    }

    fn rows(self) -> usize {
        1 << (self.log_n - self.log_block)
    }

    fn columns(self) -> usize {
        COLUMNS.min(self.block())
    }
}

/// `[x^{bitrev_k(i)} : i < 2^k]`, bit reversal on `k` bits, with `k − 1 + 2^k` products.
///
/// `bitrev_k(s + i) = bitrev_k(s) + bitrev_k(i)` for `i < s = 2^l` (disjoint bits), and
/// `bitrev_k(2^l) = 2^{k−1−l}`: each doubling multiplies the table by one power of `x`.
fn bitrev_powers<F: Field>(x: F, log_len: u32) -> Vec<F> {
    let mut squares = Vec::with_capacity(log_len as usize); // x^{2^j}
    let mut square = x;
    for _ in 0..log_len {
        squares.push(square);
        square.square_in_place();
    }
    let mut table = vec![F::one(); 1 << log_len];
    for (l, factor) in squares.iter().rev().enumerate() {
        let (done, next) = table.split_at_mut(1 << l);
        let next = &mut next[..done.len()];
        if done.len() >= PAR_MIN {
            next.par_iter_mut().zip(done.par_iter()).for_each(|(t, d)| *t = *d * factor);
        } else {
            next.iter_mut().zip(done.iter()).for_each(|(t, d)| *t = *d * factor);
        }
    }
    table
}

/// The butterfly arithmetic of the transforms. [`ArkArith`] uses ark-ff's operations for
/// any field; [`bn254::LazyArith`] keeps BN254 values in a redundant range between steps
/// (Harvey's lazy reduction) with branch-free limb arithmetic.
///
/// Step 1 takes canonical inputs and may leave any representation [`Arith::scale`] accepts;
/// [`Arith::scale`] leaves what [`Arith::gs`] accepts, and [`Arith::combine`] and
/// [`Arith::canonical`] return canonical elements.
trait Arith<F>: Sync {
    /// `(u, v) ← (u + w·v, u − w·v)`, `w` canonical.
    fn ct(u: &mut F, v: &mut F, w: &F);
    /// [`Arith::ct`] with `w = 1`.
    fn ct1(u: &mut F, v: &mut F);
    /// `(u, v) ← (u + v, w·(u − v))`, `w` canonical.
    fn gs(u: &mut F, v: &mut F, w: &F);
    /// [`Arith::gs`] with `w = 1`.
    fn gs1(u: &mut F, v: &mut F);
    /// `x ← x·t`, `t` canonical.
    fn scale(x: &mut F, t: &F);
    /// `a·b − c`, canonical, for outputs of step 3.
    fn combine(a: &F, b: &F, c: &F) -> F;
    /// The canonical representative of a transform output.
    #[cfg(test)]
    fn canonical(x: F) -> F;
}

/// ark-ff's field operations: every value canonical at every step.
struct ArkArith;

impl<F: Field> Arith<F> for ArkArith {
    #[inline(always)]
    fn ct(u: &mut F, v: &mut F, w: &F) {
        let t = *v * w;
        *v = *u - t;
        *u += t;
    }
    #[inline(always)]
    fn ct1(u: &mut F, v: &mut F) {
        let t = *v;
        *v = *u - t;
        *u += t;
    }
    #[inline(always)]
    fn gs(u: &mut F, v: &mut F, w: &F) {
        let t = *u - *v;
        *u += *v;
        *v = t * w;
    }
    #[inline(always)]
    fn gs1(u: &mut F, v: &mut F) {
        let t = *u - *v;
        *u += *v;
        *v = t;
    }
    #[inline(always)]
    fn scale(x: &mut F, t: &F) {
        *x *= t;
    }
    #[inline(always)]
    fn combine(a: &F, b: &F, c: &F) -> F {
        *a * b - c
    }
    #[cfg(test)]
    fn canonical(x: F) -> F {
        x
    }
}

/// One Cooley–Tukey level: [`Arith::ct`] on `(x[i], x[i + len])` in every block `j` of
/// `2·len` elements, with `twiddles[j]`. `one_first`: `twiddles[0] = 1`.
fn ct_level<F, A: Arith<F>>(x: &mut [F], len: usize, twiddles: &[F], one_first: bool) {
    let mut blocks = x.chunks_exact_mut(2 * len).zip(twiddles);
    if one_first && let Some((block, _)) = blocks.next() {
        let (lo, hi) = block.split_at_mut(len);
        lo.iter_mut().zip(hi).for_each(|(u, v)| A::ct1(u, v));
    }
    for (block, w) in blocks {
        let (lo, hi) = block.split_at_mut(len);
        lo.iter_mut().zip(hi).for_each(|(u, v)| A::ct(u, v, w));
    }
}

/// One Gentleman–Sande level, the transpose of [`ct_level`].
fn gs_level<F, A: Arith<F>>(x: &mut [F], len: usize, twiddles: &[F], one_first: bool) {
    let mut blocks = x.chunks_exact_mut(2 * len).zip(twiddles);
    if one_first && let Some((block, _)) = blocks.next() {
        let (lo, hi) = block.split_at_mut(len);
        lo.iter_mut().zip(hi).for_each(|(u, v)| A::gs1(u, v));
    }
    for (block, w) in blocks {
        let (lo, hi) = block.split_at_mut(len);
        lo.iter_mut().zip(hi).for_each(|(u, v)| A::gs(u, v, w));
    }
}

/// The low levels (`len < B`) of step 1 on row `row` of the array: block `j` of a level
/// has the global block index `row·B/(2·len) + j`.
fn ct_low<F, A: Arith<F>>(x: &mut [F], twiddles: &[F], row: usize) {
    let mut len = x.len() / 2;
    while len >= 1 {
        let blocks = x.len() / (2 * len);
        ct_level::<F, A>(x, len, &twiddles[row * blocks..][..blocks], row == 0);
        len /= 2;
    }
}

/// The low levels of step 3 on row `row`, in the reverse order of [`ct_low`].
fn gs_low<F, A: Arith<F>>(x: &mut [F], twiddles: &[F], row: usize) {
    let mut len = 1;
    while len < x.len() {
        let blocks = x.len() / (2 * len);
        gs_level::<F, A>(x, len, &twiddles[row * blocks..][..blocks], row == 0);
        len *= 2;
    }
}

/// Runs `transform` on every group of [`Shape::columns`] adjacent columns of every array,
/// gathered row after row into a contiguous buffer of `R × columns` elements.
fn for_each_column_group<F: Copy + Send + Sync>(
    shape: Shape,
    arrays: Vec<&mut [F]>,
    transform: impl Fn(&mut [F]) + Sync,
) {
    if shape.rows() == 1 {
        return;
    }
    let columns = shape.columns();
    let groups_per_array = shape.block() / columns;
    let mut groups: Vec<Vec<&mut [F]>> = Vec::with_capacity(arrays.len() * groups_per_array);
    for array in arrays {
        let first = groups.len();
        groups.extend((0..groups_per_array).map(|_| Vec::with_capacity(shape.rows())));
        for row in array.chunks_exact_mut(shape.block()) {
            for (group, piece) in groups[first..].iter_mut().zip(row.chunks_exact_mut(columns)) {
                group.push(piece);
            }
        }
    }
    groups.into_par_iter().for_each_init(Vec::new, |scratch: &mut Vec<F>, group| {
        scratch.clear();
        for piece in &group {
            scratch.extend_from_slice(piece);
        }
        transform(scratch);
        for (piece, gathered) in group.into_iter().zip(scratch.chunks_exact(columns)) {
            piece.copy_from_slice(gathered);
        }
    });
}

/// The high levels of step 1 (`len = n/2 … B`) on a gathered `R × columns` buffer: a
/// Cooley–Tukey transform of size `R` on each column, row block `g` with twiddle `Z[g]`.
fn ct_high<F, A: Arith<F>>(x: &mut [F], twiddles: &[F], rows: usize) {
    let columns = x.len() / rows;
    let mut row_len = rows / 2;
    while row_len >= 1 {
        ct_level::<F, A>(x, row_len * columns, &twiddles[..rows / (2 * row_len)], true);
        row_len /= 2;
    }
}

/// The high levels of step 3, in the reverse order of [`ct_high`].
fn gs_high<F, A: Arith<F>>(x: &mut [F], twiddles: &[F], rows: usize) {
    let columns = x.len() / rows;
    let mut row_len = 1;
    while row_len < rows {
        gs_level::<F, A>(x, row_len * columns, &twiddles[..rows / (2 * row_len)], true);
        row_len *= 2;
    }
}

/// The twiddle table `Z[g] = ω^{bitrev(g)}`, `g < n/2` (bit reversal on `log₂n − 1` bits).
fn twiddles<F: Field>(omega: F, log_n: u32) -> Vec<F> {
    if log_n == 0 { Vec::new() } else { bitrev_powers(omega, log_n - 1) }
}

/// Evaluations of `A·B − C` on `ψ·H`, `H = ⟨ω⟩` of size `n = a.len()`, where `A`, `B`, `C`
/// interpolate `a`, `b`, `a∘b` on `H` (see the module docs). Works in place on `a` and `b`.
///
/// Preconditions (checked by the caller): `n` is a power of two, `b.len() = n`, `ω` has
/// order `n`, `ψ² = ω`, `psi_inv = ψ⁻¹`, `n_inv = 1/n`.
pub(crate) fn odd_coset_witness_map<F: Field>(mut a: Vec<F>, mut b: Vec<F>, omega: F, psi_inv: F, n_inv: F) -> Vec<F> {
    // BN254, the only field zkid proves over, gets the lazily reduced arithmetic.
    let roots = (&omega as &dyn Any, &psi_inv as &dyn Any, &n_inv as &dyn Any);
    match (
        (&mut a as &mut dyn Any).downcast_mut::<Vec<ark_bn254::Fr>>(),
        (&mut b as &mut dyn Any).downcast_mut::<Vec<ark_bn254::Fr>>(),
        roots.0.downcast_ref::<ark_bn254::Fr>(),
        roots.1.downcast_ref::<ark_bn254::Fr>(),
        roots.2.downcast_ref::<ark_bn254::Fr>(),
    ) {
        (Some(a), Some(b), Some(omega), Some(psi_inv), Some(n_inv)) => {
            witness_map_in_place::<_, bn254::LazyArith>(a, b, *omega, *psi_inv, *n_inv)
        }
        _ => witness_map_in_place::<F, ArkArith>(&mut a, &mut b, omega, psi_inv, n_inv),
    }
    a
}

/// [`odd_coset_witness_map`] with the arithmetic `A`; the result replaces `a`.
fn witness_map_in_place<F: Field, A: Arith<F>>(a: &mut [F], b: &mut [F], omega: F, psi_inv: F, n_inv: F) {
    let n = a.len();
    let shape = Shape::new(n);
    let (block, rows) = (shape.block(), shape.rows());
    let mut c: Vec<F> = a.par_iter().zip(b.par_iter()).with_min_len(PAR_MIN).map(|(a, b)| *a * b).collect();
    let z = twiddles(omega, shape.log_n);

    // Step 1, high levels.
    for_each_column_group(shape, vec![&mut *a, &mut *b, &mut c], |x| ct_high::<F, A>(x, &z, rows));

    // Step 1 low levels, twist and step 3 low levels, block by block. Position
    // p = row·B + lo has q = bitrev(p) = bitrev(lo)·R + bitrev(row), so its twist factor
    // −ψ^{−q}/n is (−ψ^{−bitrev(row)}/n)·(ψ^{−R})^{bitrev(lo)}.
    let in_block = bitrev_powers(psi_inv.pow([rows as u64]), shape.log_block);
    let per_row = bitrev_powers(psi_inv, shape.log_n - shape.log_block);
    let neg_n_inv = -n_inv;
    a.par_chunks_mut(block)
        .zip(b.par_chunks_mut(block))
        .zip(c.par_chunks_mut(block))
        .zip(per_row.par_iter())
        .enumerate()
        .for_each_init(Vec::new, |twist: &mut Vec<F>, (row, (((xa, xb), xc), row_factor))| {
            let factor = neg_n_inv * row_factor;
            twist.clear();
            twist.extend(in_block.iter().map(|t| factor * t));
            if row == 0 {
                twist[0] = n_inv; // q = 0: s_0 = +1
            }
            for x in [xa, xb, xc] {
                ct_low::<F, A>(x, &z, row);
                x.iter_mut().zip(twist.iter()).for_each(|(x, t)| A::scale(x, t));
                gs_low::<F, A>(x, &z, row);
            }
        });

    // Step 3, high levels.
    for_each_column_group(shape, vec![&mut *a, &mut *b, &mut c], |x| gs_high::<F, A>(x, &z, rows));

    // Output k is A·B − C at position −k mod n: positions 0 and n/2 stay, k and n − k swap.
    a[0] = A::combine(&a[0], &b[0], &c[0]);
    if n >= 2 {
        let half = n / 2;
        a[half] = A::combine(&a[half], &b[half], &c[half]);
        let (a_lo, a_hi) = a.split_at_mut(half);
        let (b_lo, b_hi) = b.split_at(half);
        let (c_lo, c_hi) = c.split_at(half);
        a_lo[1..]
            .par_iter_mut()
            .zip(a_hi[1..].par_iter_mut().rev())
            .zip(b_lo[1..].par_iter().zip(b_hi[1..].par_iter().rev()))
            .zip(c_lo[1..].par_iter().zip(c_hi[1..].par_iter().rev()))
            .with_min_len(PAR_MIN)
            .for_each(|(((a_k, a_neg), (b_k, b_neg)), (c_k, c_neg))| {
                let at_k = A::combine(a_neg, b_neg, c_neg);
                *a_neg = A::combine(a_k, b_k, c_k);
                *a_k = at_k;
            });
    }
}

/// `DFT_ω(x)` in bit-reversed order (step 1 alone), `x.len()` a power of two.
#[cfg(test)]
fn dft_to_bitrev<F: Field, A: Arith<F>>(x: &mut [F], omega: F) {
    let shape = Shape::new(x.len());
    let z = twiddles(omega, shape.log_n);
    for_each_column_group(shape, vec![&mut *x], |x| ct_high::<F, A>(x, &z, shape.rows()));
    x.chunks_mut(shape.block()).enumerate().for_each(|(row, x)| ct_low::<F, A>(x, &z, row));
    x.iter_mut().for_each(|x| *x = A::canonical(*x));
}

/// `DFT_ω` of the vector stored in bit-reversed order in `x`, in natural order (step 3).
#[cfg(test)]
fn dft_from_bitrev<F: Field, A: Arith<F>>(x: &mut [F], omega: F) {
    let shape = Shape::new(x.len());
    let z = twiddles(omega, shape.log_n);
    x.chunks_mut(shape.block()).enumerate().for_each(|(row, x)| gs_low::<F, A>(x, &z, row));
    for_each_column_group(shape, vec![&mut *x], |x| gs_high::<F, A>(x, &z, shape.rows()));
    x.iter_mut().for_each(|x| *x = A::canonical(*x));
}

/// Lazily reduced Montgomery arithmetic for the BN254 scalar field, on the limbs of
/// [`Fr`](ark_bn254::Fr) (which hold the Montgomery form, `x·2²⁵⁶ mod p`).
///
/// ark-ff reduces after every addition and subtraction with a data-dependent branch, which
/// the processor mispredicts half the time in a butterfly. Here (Harvey, "Faster arithmetic
/// for number-theoretic transforms", 2014) values between steps lie in `[0, 4p)`, which
/// fits 256 bits because `p < 2²⁵⁴`, and every correction is a branch-free masked
/// subtraction:
///
/// * the Montgomery product of `a < 4p` by `b < p`, or of `a, b < 2p`, is `< 2p` without its
///   final subtraction (`(a·b + m·p)/2²⁵⁶ < p·(1 + 4p/2²⁵⁶) < 2p`);
/// * [`Arith::ct`] on `u, v < 4p`: `u' = u mod 2p`, `t = w·v < 2p`, outputs `u' + t` and
///   `u' − t + 2p`, both `< 4p`;
/// * [`Arith::gs`] on `u, v < 2p`: `(u + v) mod 2p` and `w·(u − v + 2p) < 2p`.
///
/// So step 1 ends below `4p`, the twist brings values below `2p` for step 3, and the
/// combination reduces to the canonical representative, which makes the result equal to
/// ark-ff's limb for limb.
mod bn254 {
    use super::Arith;
    use ark_bn254::Fr;
    use ark_ff::{BigInt, PrimeField};

    type Limbs = [u64; 4];
    const P: Limbs = <Fr as PrimeField>::MODULUS.0;
    const P2: Limbs = double(P);
    /// `−p⁻¹ mod 2⁶⁴` (each Newton step doubles the number of correct low bits).
    const INV: u64 = {
        let mut x: u64 = 1;
        let mut i = 0;
        while i < 7 {
            x = x.wrapping_mul(2u64.wrapping_sub(P[0].wrapping_mul(x)));
            i += 1;
        }
        x.wrapping_neg()
    };

    const fn double(x: Limbs) -> Limbs {
        [x[0] << 1, (x[1] << 1) | (x[0] >> 63), (x[2] << 1) | (x[1] >> 63), (x[3] << 1) | (x[2] >> 63)]
    }

    #[inline(always)]
    fn adc(a: u64, b: u64, carry: &mut u64) -> u64 {
        let t = a as u128 + b as u128 + *carry as u128;
        *carry = (t >> 64) as u64;
        t as u64
    }

    #[inline(always)]
    fn sbb(a: u64, b: u64, borrow: &mut u64) -> u64 {
        let t = (a as u128).wrapping_sub(b as u128 + *borrow as u128);
        *borrow = (t >> 127) as u64;
        t as u64
    }

    #[inline(always)]
    fn mac(acc: u64, a: u64, b: u64, carry: &mut u64) -> u64 {
        let t = acc as u128 + (a as u128) * (b as u128) + *carry as u128;
        *carry = (t >> 64) as u64;
        t as u64
    }

    /// `a + b` (no overflow: callers keep the sum below 2²⁵⁶).
    #[inline(always)]
    fn add(a: &Limbs, b: &Limbs) -> Limbs {
        let mut c = 0;
        [adc(a[0], b[0], &mut c), adc(a[1], b[1], &mut c), adc(a[2], b[2], &mut c), adc(a[3], b[3], &mut c)]
    }

    /// `a − b + m` for `b ≤ a + m` (no borrow out).
    #[inline(always)]
    fn sub_plus(a: &Limbs, b: &Limbs, m: &Limbs) -> Limbs {
        let mut c = 0;
        let d = [sbb(a[0], b[0], &mut c), sbb(a[1], b[1], &mut c), sbb(a[2], b[2], &mut c), sbb(a[3], b[3], &mut c)];
        add(&d, m)
    }

    /// `x − m` if `x ≥ m`, else `x`, with a mask instead of a branch.
    #[inline(always)]
    fn sub_if_ge(x: Limbs, m: &Limbs) -> Limbs {
        let mut borrow = 0;
        let d = [
            sbb(x[0], m[0], &mut borrow),
            sbb(x[1], m[1], &mut borrow),
            sbb(x[2], m[2], &mut borrow),
            sbb(x[3], m[3], &mut borrow),
        ];
        let keep = borrow.wrapping_neg(); // all ones iff x < m
        [
            (x[0] & keep) | (d[0] & !keep),
            (x[1] & keep) | (d[1] & !keep),
            (x[2] & keep) | (d[2] & !keep),
            (x[3] & keep) | (d[3] & !keep),
        ]
    }

    /// Montgomery product `a·b/2²⁵⁶ mod p` without the final subtraction: CIOS with the
    /// no-carry optimisation (as ark-ff). For `a < 4p` every intermediate
    /// `(t + a·bᵢ + k·p)/2⁶⁴ < t/2⁶⁴ + 5p < 2²⁵⁶`, and the result is
    /// `(a·b + m·p)/2²⁵⁶ < p·(1 + a·b/(p·2²⁵⁶))`, which is `< 2p` when `a·b < 4p²`: callers
    /// pass `a < 4p, b < p` or `a, b < 2p`.
    #[inline(always)]
    fn mul(a: &Limbs, b: &Limbs) -> Limbs {
        let mut r = [0u64; 4];
        for &bi in b {
            let mut c1 = 0;
            r[0] = mac(r[0], a[0], bi, &mut c1);
            let k = r[0].wrapping_mul(INV);
            let mut c2 = 0;
            let _ = mac(r[0], k, P[0], &mut c2);
            for j in 1..4 {
                r[j] = mac(r[j], a[j], bi, &mut c1);
                r[j - 1] = mac(r[j], k, P[j], &mut c2);
            }
            r[3] = c1 + c2;
        }
        r
    }

    #[inline(always)]
    fn fr(l: Limbs) -> Fr {
        Fr::new_unchecked(BigInt(l))
    }

    /// The lazily reduced butterflies (see the module docs).
    pub(super) struct LazyArith;

    impl Arith<Fr> for LazyArith {
        #[inline(always)]
        fn ct(u: &mut Fr, v: &mut Fr, w: &Fr) {
            let u0 = sub_if_ge(u.0.0, &P2);
            let t = mul(&v.0.0, &w.0.0);
            *u = fr(add(&u0, &t));
            *v = fr(sub_plus(&u0, &t, &P2));
        }
        #[inline(always)]
        fn ct1(u: &mut Fr, v: &mut Fr) {
            let u0 = sub_if_ge(u.0.0, &P2);
            let t = sub_if_ge(v.0.0, &P2);
            *u = fr(add(&u0, &t));
            *v = fr(sub_plus(&u0, &t, &P2));
        }
        #[inline(always)]
        fn gs(u: &mut Fr, v: &mut Fr, w: &Fr) {
            let d = sub_plus(&u.0.0, &v.0.0, &P2);
            *u = fr(sub_if_ge(add(&u.0.0, &v.0.0), &P2));
            *v = fr(mul(&d, &w.0.0));
        }
        #[inline(always)]
        fn gs1(u: &mut Fr, v: &mut Fr) {
            let d = sub_plus(&u.0.0, &v.0.0, &P2);
            *u = fr(sub_if_ge(add(&u.0.0, &v.0.0), &P2));
            *v = fr(sub_if_ge(d, &P2));
        }
        #[inline(always)]
        fn scale(x: &mut Fr, t: &Fr) {
            *x = fr(mul(&x.0.0, &t.0.0));
        }
        #[inline(always)]
        fn combine(a: &Fr, b: &Fr, c: &Fr) -> Fr {
            let ab = mul(&a.0.0, &b.0.0);
            fr(sub_if_ge(sub_if_ge(sub_plus(&ab, &c.0.0, &P2), &P2), &P))
        }
        #[cfg(test)]
        fn canonical(x: Fr) -> Fr {
            fr(sub_if_ge(sub_if_ge(x.0.0, &P2), &P))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use ark_ff::BigInteger;

        #[test]
        fn constants() {
            assert_eq!(P[0].wrapping_mul(INV), u64::MAX); // p·INV ≡ −1
            assert_eq!(BigInt(P2), {
                let mut p2 = BigInt(P);
                p2.mul2();
                p2
            });
            // 4p < 2^256 and 5p < 2^256: the bounds of the module docs.
            assert!(P[3] < u64::MAX / 5);
        }

        /// `x + k·p` for `k < copies`: every representative of `x` below `copies·p`.
        fn representatives(x: Fr, copies: u64) -> Vec<Fr> {
            (0..copies)
                .map(|k| {
                    let mut l = x.0;
                    for _ in 0..k {
                        l.add_with_carry(&BigInt(P));
                    }
                    Fr::new_unchecked(l)
                })
                .collect()
        }

        /// Every operation on every representative in its input range (including the
        /// largest, 4p − 1 and 2p − 1) agrees with ark-ff after reduction, and its output
        /// stays in the range the next step accepts.
        #[test]
        fn lazy_ops_match_ark_ff_on_all_representatives() {
            use ark_ff::{One, UniformRand, Zero};
            use rand::SeedableRng;
            let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
            let mut values = vec![Fr::zero(), Fr::one(), -Fr::one()];
            values.extend((0..20).map(|_| Fr::rand(&mut rng)));
            let below = |x: &Fr, copies: u64| {
                let bound = (0..copies).fold(BigInt::<4>::zero(), |mut acc, _| {
                    acc.add_with_carry(&BigInt(P));
                    acc
                });
                x.0 < bound
            };
            let canonical = <LazyArith as Arith<Fr>>::canonical;
            for (i, &x) in values.iter().enumerate() {
                let y = values[(i * 7 + 3) % values.len()];
                let w = values[(i * 5 + 1) % values.len()];
                for xr in representatives(x, 4) {
                    for yr in representatives(y, 4) {
                        let (mut u, mut v) = (xr, yr);
                        LazyArith::ct(&mut u, &mut v, &w);
                        assert!(below(&u, 4) && below(&v, 4));
                        assert_eq!((canonical(u), canonical(v)), (x + w * y, x - w * y));
                        let (mut u, mut v) = (xr, yr);
                        LazyArith::ct1(&mut u, &mut v);
                        assert!(below(&u, 4) && below(&v, 4));
                        assert_eq!((canonical(u), canonical(v)), (x + y, x - y));
                        let mut s = xr;
                        LazyArith::scale(&mut s, &w);
                        assert!(below(&s, 2));
                        assert_eq!(canonical(s), x * w);
                    }
                }
                for xr in representatives(x, 2) {
                    for yr in representatives(y, 2) {
                        let (mut u, mut v) = (xr, yr);
                        LazyArith::gs(&mut u, &mut v, &w);
                        assert!(below(&u, 2) && below(&v, 2));
                        assert_eq!((canonical(u), canonical(v)), (x + y, w * (x - y)));
                        let (mut u, mut v) = (xr, yr);
                        LazyArith::gs1(&mut u, &mut v);
                        assert!(below(&u, 2) && below(&v, 2));
                        assert_eq!((canonical(u), canonical(v)), (x + y, x - y));
                        for cr in representatives(w, 2) {
                            assert_eq!(LazyArith::combine(&xr, &yr, &cr), x * y - w);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fr;
    use ark_ff::{FftField, UniformRand};
    use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn bitrev_permuted(x: &[Fr]) -> Vec<Fr> {
        let log_n = x.len().trailing_zeros();
        (0..x.len()).map(|p| x[if log_n == 0 { 0 } else { p.reverse_bits() >> (usize::BITS - log_n) }]).collect()
    }

    /// Both transforms, with both arithmetics, against ark-poly's FFT for every size up to
    /// 2^15 (the high levels start at 2^4), and the identity `IDFT(x)[i] = DFT(x)[−i]/n`
    /// step 1 relies on.
    #[test]
    fn transforms_match_ark_poly() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        for log_n in 0..=15 {
            let n = 1usize << log_n;
            let domain = Radix2EvaluationDomain::<Fr>::new(n).unwrap();
            let omega = domain.group_gen();
            let x: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let expected = domain.fft(&x);

            let (mut ark, mut lazy) = (x.clone(), x.clone());
            dft_to_bitrev::<Fr, ArkArith>(&mut ark, omega);
            dft_to_bitrev::<Fr, bn254::LazyArith>(&mut lazy, omega);
            assert_eq!(bitrev_permuted(&ark), expected, "bit-reversed output, n = {n}");
            assert_eq!(lazy, ark, "bit-reversed output, lazy, n = {n}");

            let (mut ark, mut lazy) = (bitrev_permuted(&x), bitrev_permuted(&x));
            dft_from_bitrev::<Fr, ArkArith>(&mut ark, omega);
            dft_from_bitrev::<Fr, bn254::LazyArith>(&mut lazy, omega);
            assert_eq!(ark, expected, "bit-reversed input, n = {n}");
            assert_eq!(lazy, expected, "bit-reversed input, lazy, n = {n}");

            let inverse = domain.ifft(&x);
            let n_inv = domain.size_inv();
            let via_forward: Vec<Fr> = (0..n).map(|i| expected[(n - i) % n] * n_inv).collect();
            assert_eq!(via_forward, inverse, "inverse through the forward DFT, n = {n}");
        }
    }

    /// The generic path (ark-ff arithmetic) of the witness map against the BN254 one.
    #[test]
    fn both_arithmetics_give_the_same_witness_map() {
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        for log_n in [0, 1, 2, 3, 5, 8, 11, 14] {
            let n = 1usize << log_n;
            let domain = Radix2EvaluationDomain::<Fr>::new(n).unwrap();
            let psi = Radix2EvaluationDomain::<Fr>::new(2 * n).unwrap().group_gen();
            let a: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let b: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let args = (domain.group_gen(), psi.inverse().unwrap(), domain.size_inv());
            let (mut a1, mut b1) = (a.clone(), b.clone());
            witness_map_in_place::<Fr, ArkArith>(&mut a1, &mut b1, args.0, args.1, args.2);
            let lazy = odd_coset_witness_map(a, b, args.0, args.1, args.2);
            assert_eq!(lazy, a1, "n = {n}");
        }
    }

    #[test]
    fn bitrev_powers_are_powers() {
        let x = Fr::get_root_of_unity(1 << 10).unwrap();
        for log_len in 0..8 {
            let table = bitrev_powers(x, log_len);
            for (i, t) in table.iter().enumerate() {
                let rev = if log_len == 0 { 0 } else { i.reverse_bits() >> (usize::BITS - log_len) };
                assert_eq!(*t, x.pow([rev as u64]));
            }
        }
    }
}
