//! Multi-scalar multiplication (MSM) for the Groth16 prover: `Σ sᵢ·Gᵢ` over short Weierstrass
//! curves, a drop-in replacement for arkworks' `VariableBaseMSM::msm_bigint` that is faster
//! on the prover's inputs (measured figures: `bench_msm` below).
//!
//! # Why not arkworks' MSM
//!
//! * Every bucket addition there is an XYZZ mixed addition (8M + 2S plus a dozen
//!   additions), into 2 MiB of XYZZ buckets per thread at 2^20 points.
//! * ZKML witnesses are mostly 0, ±1 and small values; arkworks' u16 path still scans
//!   64-bit windows.
//!
//! # Algorithm
//!
//! Scalars are first **partitioned by magnitude** (a scalar `s` near the modulus `r` is
//! read as `−(r − s)`): zeros are dropped, ±1 scalars are summed, magnitudes below 2^16 and
//! below 2^64 get Pippenger runs over only as many bits as their largest member needs, and
//! the rest take the full-width run. A sparse class has its bases copied together first
//! (each window then streams them); a dense one (the H query) is read in place.
//!
//! Each run is Pippenger with **signed (Booth) digits**: `c`-bit windows, digits in
//! `[−2^(c−1), 2^(c−1)]`, so `2^(c−1)` buckets per window, `c ≤ 15` and the bucket array
//! kept within 1 MiB (an L2 cache). `c` minimises a cost model fitted to measurements
//! (2^20 G1 points: `c = 15`, 17 windows).
//!
//! **Batch-affine bucket accumulation** (as in gnark-crypto, zprize entries): buckets are
//! affine points; up to `cap` pending additions into *distinct* buckets run together, their
//! denominators `x₂ − x₁` inverted at once with Montgomery's trick: ≈ 3M + 2M + 1S per
//! addition. The batch is laid out for instruction-level parallelism (bucket reads first,
//! four interleaved product chains, two point formulas at a time). A doubling (`P + P`) is
//! done in the same batch with denominator `2y`; a cancellation (`P + (−P)`) empties the
//! bucket. A point whose bucket is already pending waits in a queue for the next batch; if
//! the queue does not drain (skewed inputs: many points, few distinct buckets) its points
//! go to per-bucket XYZZ "side" accumulators, folded back into the affine buckets at the
//! end, so such inputs cost about what arkworks costs rather than an inversion per point.
//!
//! **Bucket reduction** `Σ (b+1)·B_b`: for ≥ 4096 buckets, running sums over 64-bucket
//! segments advance together, one batch-affine addition per segment and step (half the cost
//! of XYZZ running sums); fewer buckets use XYZZ running sums. Each window's sum is then
//! doubled into place.
//!
//! ±1 scalars use the same batch adder with 1024 round-robin accumulators (never a
//! collision) and a plain sum at the end.
//!
//! GLV was considered for G1 and not used: it halves the windows but doubles the points, so
//! the bucket additions stay the same (window rounding even makes them 6 % more at 2^20)
//! while the decomposition and the φ(P) bases cost time and 64 MiB.
//!
//! # Parallelism and memory
//!
//! The work is a list of independent tasks — one per window of a class (the windows that do
//! not divide evenly among the threads are split in member slices) and a few slices of the
//! ±1 points — that rayon workers take largest first from a shared counter; with a single
//! thread (wasm32) it is a plain loop. No thread pool is built. Extra memory: the digits
//! (`i16` per member per window: 34 MiB for 2^20 full scalars), a `u32` index per non-zero
//! scalar, the copied bases of sparse classes, and per running task 1 MiB of buckets plus a
//! 2048-entry batch. No per-base tables.

use core::ops::Range;
use core::sync::atomic::{AtomicUsize, Ordering};

use ark_ec::short_weierstrass::{Affine, Bucket, Projective, SWCurveConfig};
use ark_ec::{AdditiveGroup, AffineRepr, CurveConfig, CurveGroup};
use ark_ff::{BigInteger, Field, PrimeField, Zero};
use rayon::prelude::*;

/// The canonical little-endian bigint representation of a scalar of curve `P`.
pub type ScalarBigInt<P> = <<P as CurveConfig>::ScalarField as PrimeField>::BigInt;

/// Computes `Σ scalars[i]·bases[i]` over the first `min(bases.len(), scalars.len())` pairs.
///
/// Same contract and result as arkworks' `VariableBaseMSM::msm_bigint`: bases may be the
/// identity, scalars are canonical bigints (`< r`; larger values are reduced modulo `r`).
/// Works for any short Weierstrass curve, in particular BN254 G1 and G2.
///
/// Every Groth16 query can go through this one entry point: the full-width scalars of the
/// H query take the batch-affine Pippenger path, the mostly 0/±1/small witness scalars of
/// the A, B and L queries are partitioned first.
pub fn msm<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[ScalarBigInt<P>]) -> Projective<P> {
    let n = bases.len().min(scalars.len());
    let (bases, scalars) = (&bases[..n], &scalars[..n]);
    if n > MAX_POINTS {
        // Indices are packed into u32 with a sign bit; 2^31 points would be 128 GiB of G1
        // bases, so this split only keeps the function total.
        let (b0, b1) = bases.split_at(MAX_POINTS);
        let (s0, s1) = scalars.split_at(MAX_POINTS);
        return msm(b0, s0) + msm(b1, s1);
    }
    let classes = Classes::<P>::partition(bases, scalars);
    let threads = rayon::current_num_threads().max(1);

    let full = DigitClass::full(bases, scalars, classes.full, threads);
    let medium = DigitClass::small(bases, classes.medium, classes.medium_mags, 64, threads);
    let small = DigitClass::small(bases, classes.small, classes.small_mags, 16, threads);

    let mut tasks: Vec<Task<'_, P>> = Vec::new();
    for class in [&full, &medium, &small] {
        class.push_tasks(&mut tasks);
    }
    push_unit_tasks(bases, &classes.units, threads, &mut tasks);

    run_tasks(tasks, threads)
}

/// Runs the tasks on up to `threads` rayon workers, each taking the next task from a
/// shared counter, largest first (greedy list scheduling: the workers finish within about
/// one small task of each other, where rayon's halving splits could leave one worker a
/// whole window behind). With one thread it is a plain loop.
fn run_tasks<P: SWCurveConfig>(mut tasks: Vec<Task<'_, P>>, threads: usize) -> Projective<P> {
    tasks.sort_by_key(|t| core::cmp::Reverse(t.cost()));
    let next = AtomicUsize::new(0);
    let workers = threads.min(tasks.len()).max(1);
    (0..workers)
        .into_par_iter()
        .with_max_len(1)
        .map(|_| {
            let mut sum = Projective::<P>::zero();
            while let Some(task) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                sum += task.run();
            }
            sum
        })
        .reduce(Projective::<P>::zero, |a, b| a + b)
}

/// Largest input handled in one piece: indices carry a sign in their top bit.
const MAX_POINTS: usize = 1 << 31;
/// Sign flag packed into the top bit of a `u32` point index.
const NEG: u32 = 1 << 31;
/// Classes smaller than this are computed point by point (scalar multiplication each).
const NAIVE_BELOW: usize = 32;
/// Members per block of the digit array (see [`DigitClass::digits`]).
const BLOCK: usize = 1 << 12;
/// Accumulators of the ±1 sum, also its batch size.
const UNIT_SLOTS: usize = 1024;

/// The non-zero scalars split by magnitude; indices into `bases`, sign in the top bit
/// where the class is signed.
struct Classes<P: SWCurveConfig> {
    /// Scalars ±1.
    units: Vec<u32>,
    /// Scalars `±m` with `2 ≤ m < 2^16`, with their magnitudes.
    small: Vec<u32>,
    small_mags: Vec<u64>,
    /// Scalars `±m` with `2^16 ≤ m < 2^64`.
    medium: Vec<u32>,
    medium_mags: Vec<u64>,
    /// All other scalars, read from the scalar slice (no sign: a random scalar is as long
    /// as its negation).
    full: Vec<u32>,
    _curve: core::marker::PhantomData<P>,
}

impl<P: SWCurveConfig> Classes<P> {
    fn empty() -> Self {
        Self {
            units: Vec::new(),
            small: Vec::new(),
            small_mags: Vec::new(),
            medium: Vec::new(),
            medium_mags: Vec::new(),
            full: Vec::new(),
            _curve: core::marker::PhantomData,
        }
    }

    /// Partitions in parallel over chunks; indices stay in increasing order in each class
    /// (the bases are then read front to back). Terms whose base is the point at infinity
    /// are dropped (a key's query holds one for every variable absent from that matrix:
    /// lookup inverses are full-width scalars with no B-query point).
    fn partition(bases: &[Affine<P>], scalars: &[ScalarBigInt<P>]) -> Self {
        const CHUNK: usize = 1 << 14;
        let parts: Vec<Self> = scalars
            .par_chunks(CHUNK)
            .zip(bases.par_chunks(CHUNK))
            .enumerate()
            .map(|(ci, (chunk, points))| {
                let mut out = Self::empty();
                for (k, (s, p)) in chunk.iter().zip(points).enumerate() {
                    if p.is_zero() {
                        continue;
                    }
                    // n ≤ MAX_POINTS = 2^31, so the index fits 31 bits.
                    let i = (ci * CHUNK + k) as u32;
                    out.classify(i, s);
                }
                out
            })
            .collect();
        let mut all = Self::empty();
        for p in parts {
            all.units.extend(p.units);
            all.small.extend(p.small);
            all.small_mags.extend(p.small_mags);
            all.medium.extend(p.medium);
            all.medium_mags.extend(p.medium_mags);
            all.full.extend(p.full);
        }
        all
    }

    #[inline]
    fn classify(&mut self, i: u32, s: &ScalarBigInt<P>) {
        let s = canonical::<P>(s);
        if s.is_zero() {
            return;
        }
        let (mag, neg) = if s.num_bits() <= 64 {
            (s.as_ref()[0], false)
        } else {
            let mut minus = <P::ScalarField as PrimeField>::MODULUS;
            minus.sub_with_borrow(&s);
            if minus.num_bits() <= 64 {
                (minus.as_ref()[0], true)
            } else {
                self.full.push(i);
                return;
            }
        };
        let tagged = if neg { i | NEG } else { i };
        if mag == 1 {
            self.units.push(tagged);
        } else if mag < 1 << 16 {
            self.small.push(tagged);
            self.small_mags.push(mag);
        } else {
            self.medium.push(tagged);
            self.medium_mags.push(mag);
        }
    }
}

/// `s mod r`: the identity on canonical input (the documented contract), a reduction
/// otherwise.
#[inline]
fn canonical<P: SWCurveConfig>(s: &ScalarBigInt<P>) -> ScalarBigInt<P> {
    if *s < <P::ScalarField as PrimeField>::MODULUS {
        *s
    } else {
        P::ScalarField::from_le_bytes_mod_order(&s.to_bytes_le()).into_bigint()
    }
}

/// Largest window width: digits then fit an `i16` with either sign (|digit| ≤ 2^14).
const MAX_C: usize = 15;

/// Number of `c`-bit windows for `bits`-bit magnitudes: the top window's raw bits must stay
/// below `2^(c−1)`, so that its digit (raw bits plus the carry from below, no carry out)
/// needs no further window.
fn window_count(bits: usize, c: usize) -> usize {
    if bits < c { 1 } else { (bits - (c - 1)).div_ceil(c) + 1 }
}

/// Window width minimising the modelled cost: every window adds each point once into a
/// bucket ([`add_cost`]) and reduces `parts·2^(c−1)` buckets, which costs about 4
/// batch-affine additions per bucket with XYZZ running sums and 2 with the batch-affine
/// reduction (measured).
fn choose_c(members: usize, bits: usize, max_c: usize, parts: usize) -> usize {
    let cost = |c: usize| {
        let buckets = 1usize << (c - 1);
        let reduce = if buckets >= AFFINE_REDUCTION_FROM { 2.0 } else { 4.0 };
        window_count(bits, c) as f64 * (members as f64 * add_cost(c) + reduce * (parts * buckets) as f64)
    };
    (2..=max_c).min_by(|&a, &b| cost(a).total_cmp(&cost(b))).unwrap_or(2)
}

/// Bucket memory per task we aim to keep in a core's L2 cache: random bucket updates are
/// the accumulation's memory traffic, and measured on a 1 MiB-L2 core a 2 MiB bucket array
/// (G1, c = 16) costs 15–20 % more per point than a 1 MiB one.
const BUCKET_BYTES: usize = 1 << 20;

/// Largest window width (at most `limit`) whose `2^(c−1)` affine buckets fit
/// [`BUCKET_BYTES`].
fn max_c<P: SWCurveConfig>(limit: usize) -> usize {
    let per_bucket = core::mem::size_of::<Slot<P::BaseField>>().max(1);
    let fit = (BUCKET_BYTES / per_bucket).max(2);
    // c − 1 = ⌊log2 fit⌋
    (fit.ilog2() as usize + 1).clamp(2, limit)
}

/// The signed digit of window `w` of the little-endian magnitude `limbs`, Booth style:
/// `raw + carry_in − 2^c·carry_out`, where `raw` is bits `[wc, wc + c)`, `carry_in` bit
/// `wc − 1` and `carry_out` the top bit of `raw`. Every digit depends on `c + 1` bits only,
/// so windows are computed independently; digits lie in `[−2^(c−1), 2^(c−1)]` and sum to
/// the magnitude (the top window of [`window_count`] has no carry out).
#[inline]
fn booth_digit(limbs: &[u64], w: usize, c: usize) -> i16 {
    // u = raw·2 + carry_in: bits [wc − 1, wc + c), bit −1 being 0.
    let u = if w == 0 {
        (limbs.first().copied().unwrap_or(0) & ((1 << c) - 1)) << 1
    } else {
        let pos = w * c - 1;
        let (limb, off) = (pos / 64, pos % 64);
        let mut bits = limbs.get(limb).copied().unwrap_or(0) >> off;
        if off + c + 1 > 64 {
            bits |= limbs.get(limb + 1).copied().unwrap_or(0) << (64 - off);
        }
        bits & ((1 << (c + 1)) - 1)
    };
    // c ≤ MAX_C: |digit| ≤ 2^(c−1) fits an i16.
    (((u + 1) >> 1) as i64 - (((u >> c) as i64) << c)) as i16
}

/// One magnitude class prepared for Pippenger: member indices, their digits, window size.
struct DigitClass<'a, P: SWCurveConfig> {
    bases: &'a [Affine<P>],
    /// Member indices into `bases`; for signed classes the sign is folded into the digits
    /// and the top bit is cleared.
    idx: Vec<u32>,
    /// Digits per block of [`BLOCK`] members, window-major inside a block
    /// (`digits[block][w·block_len + k]`): a window task reads a contiguous run per block,
    /// and blocks are computed in parallel without a zero-filled array first.
    digits: Vec<Vec<i16>>,
    c: usize,
    windows: usize,
    /// Member slices per window (more than one when there are few windows and many
    /// threads).
    parts: usize,
    /// Threads the tasks are planned for.
    threads: usize,
    /// The members' bases copied together, when they are a sparse subset of `bases`
    /// (see [`DigitClass::compact`]).
    points: Option<Vec<Affine<P>>>,
    /// Members too few for Pippenger: `(index, scalar)` computed directly.
    naive: Vec<(u32, ScalarBigInt<P>)>,
}

impl<'a, P: SWCurveConfig> DigitClass<'a, P> {
    fn empty(bases: &'a [Affine<P>]) -> Self {
        Self {
            bases,
            idx: Vec::new(),
            digits: Vec::new(),
            c: 2,
            windows: 0,
            parts: 1,
            threads: 1,
            points: None,
            naive: Vec::new(),
        }
    }

    /// Picks the window width and the number of slices per window for `m` members.
    fn layout(m: usize, bits: usize, max_c: usize, threads: usize) -> (usize, usize, usize) {
        let c = choose_c(m, bits, max_c, 1);
        let windows = window_count(bits, c);
        // Enough tasks to keep every thread busy, each still big enough (several blocks) to
        // pay for its buckets.
        let blocks = m.div_ceil(BLOCK);
        let parts = if windows >= 2 * threads { 1 } else { (2 * threads).div_ceil(windows).min(blocks / 4).max(1) };
        if parts == 1 {
            return (c, windows, 1);
        }
        let c = choose_c(m, bits, max_c, parts);
        (c, window_count(bits, c), parts)
    }

    /// The full-width class: digits straight from the scalars.
    fn full(bases: &'a [Affine<P>], scalars: &[ScalarBigInt<P>], idx: Vec<u32>, threads: usize) -> Self {
        let m = idx.len();
        if m < NAIVE_BELOW {
            let naive = idx.iter().map(|&i| (i, canonical::<P>(&scalars[i as usize]))).collect();
            return Self { naive, ..Self::empty(bases) };
        }
        let bits = <P::ScalarField as PrimeField>::MODULUS_BIT_SIZE as usize;
        let (c, windows, parts) = Self::layout(m, bits, max_c::<P>(MAX_C), threads);
        let digits = idx
            .par_chunks(BLOCK)
            .map(|ids| {
                let block: Vec<ScalarBigInt<P>> = ids.iter().map(|&i| canonical::<P>(&scalars[i as usize])).collect();
                let mut out = Vec::with_capacity(block.len() * windows);
                for w in 0..windows {
                    out.extend(block.iter().map(|s| booth_digit(s.as_ref(), w, c)));
                }
                out
            })
            .collect();
        Self { bases, idx, digits, c, windows, parts, threads, points: None, naive: Vec::new() }.compact()
    }

    /// A signed class of magnitudes below `2^bits` (`bits ≤ 64`).
    fn small(bases: &'a [Affine<P>], mut idx: Vec<u32>, mags: Vec<u64>, bits: usize, threads: usize) -> Self {
        let m = idx.len();
        if m < NAIVE_BELOW {
            let naive = idx
                .iter()
                .zip(&mags)
                .map(|(&i, &mag)| {
                    let v = P::ScalarField::from(mag);
                    let v = if i & NEG != 0 { -v } else { v };
                    (i & !NEG, v.into_bigint())
                })
                .collect();
            return Self { naive, ..Self::empty(bases) };
        }
        // Only as many bits as the largest magnitude needs.
        let max_mag = mags.iter().copied().max().unwrap_or(0);
        let bits = bits.min((64 - max_mag.leading_zeros() as usize).max(1));
        let (c, windows, parts) = Self::layout(m, bits, max_c::<P>(MAX_C), threads);
        let digits = idx
            .par_chunks(BLOCK)
            .zip(mags.par_chunks(BLOCK))
            .map(|(ids, mags)| {
                let mut out = Vec::with_capacity(ids.len() * windows);
                for w in 0..windows {
                    out.extend(ids.iter().zip(mags).map(|(&i, &mag)| {
                        let d = booth_digit(&[mag], w, c);
                        if i & NEG != 0 { -d } else { d }
                    }));
                }
                out
            })
            .collect();
        for i in &mut idx {
            *i &= !NEG;
        }
        Self { bases, idx, digits, c, windows, parts, threads, points: None, naive: Vec::new() }.compact()
    }

    /// Copies the members' bases together when they are a sparse subset: every window
    /// then streams them instead of paying a cache miss per member per window (measured:
    /// a tenth of 2^20 bases over 20 windows, 40 % of the time went to those misses). A
    /// dense class (the H query) is read in place, so the big MSM allocates no copy;
    /// arkworks copies every class.
    fn compact(mut self) -> Self {
        if self.windows > 1 && self.idx.len() * 4 < self.bases.len() * 3 {
            let bases = self.bases;
            self.points = Some(self.idx.par_iter().map(|&i| bases[i as usize]).collect());
        }
        self
    }

    fn push_tasks<'s>(&'s self, tasks: &mut Vec<Task<'s, P>>) {
        if !self.naive.is_empty() {
            tasks.push(Task::Naive { bases: self.bases, items: &self.naive });
        }
        if self.idx.is_empty() {
            return;
        }
        let blocks = self.idx.len().div_ceil(BLOCK);
        // With W windows on T threads and W mod T ≠ 0, the last W mod T windows are split
        // into T slices each, so that every thread gets the same share (one extra bucket
        // reduction per split window buys up to a whole window of wall time).
        let leftover = if self.parts == 1 && self.threads > 1 && blocks >= 4 * self.threads {
            self.windows % self.threads
        } else {
            0
        };
        for w in 0..self.windows {
            let parts = if w >= self.windows - leftover { self.threads } else { self.parts };
            for p in 0..parts {
                let range = blocks * p / parts..blocks * (p + 1) / parts;
                if !range.is_empty() {
                    tasks.push(Task::Window { class: self, w, blocks: range });
                }
            }
        }
    }

    /// `2^(w·c) · Σ_{members in blocks} digit_w·base`.
    fn window_sum(&self, w: usize, blocks: Range<usize>) -> Projective<P> {
        let buckets = 1usize << (self.c - 1);
        let mut adder = BatchAdder::<P>::new(buckets, batch_cap(buckets));
        let m = self.idx.len();
        for b in blocks {
            let start = b * BLOCK;
            let len = BLOCK.min(m - start);
            let digits = &self.digits[b][w * len..(w + 1) * len];
            match &self.points {
                Some(points) => accumulate(&mut adder, points[start..start + len].iter(), digits),
                None => {
                    let ids = &self.idx[start..start + len];
                    accumulate(&mut adder, ids.iter().map(|&i| &self.bases[i as usize]), digits);
                }
            }
        }
        adder.finish();
        let mut sum: Projective<P> = adder.weighted_sum().into();
        for _ in 0..w * self.c {
            sum.double_in_place();
        }
        sum
    }
}

/// Schedules `bucket |d| − 1 += sign(d)·point` for each point and its digit `d ≠ 0`.
#[inline]
fn accumulate<'p, P: SWCurveConfig>(
    adder: &mut BatchAdder<P>,
    points: impl Iterator<Item = &'p Affine<P>>,
    digits: &[i16],
) {
    for (p, &d) in points.zip(digits) {
        if d == 0 || p.is_zero() {
            continue;
        }
        let y = if d < 0 { -p.y } else { p.y };
        adder.push(d.unsigned_abs() as usize - 1, p.x, y);
    }
}

/// Batch size for `buckets` buckets. Measured (G1, uniform digits): half the buckets, up
/// to 2048, is best; a larger batch amortises the inversion (≈ 30 additions' worth)
/// better, while the collisions it causes (≈ cap / 2·buckets of the points) only cost a
/// queue round trip each.
fn batch_cap(buckets: usize) -> usize {
    (buckets / 2).clamp(16, 2048)
}

/// Modelled cost of one bucket addition relative to a perfectly amortised one: the
/// inversion (≈ 30 additions) shared by a batch.
fn add_cost(c: usize) -> f64 {
    1.0 + 30.0 / batch_cap(1 << (c - 1)) as f64
}

/// Splits the ±1 points into slices with their own accumulators.
fn push_unit_tasks<'s, P: SWCurveConfig>(
    bases: &'s [Affine<P>],
    units: &'s [u32],
    threads: usize,
    tasks: &mut Vec<Task<'s, P>>,
) {
    if units.is_empty() {
        return;
    }
    let slices = (units.len() / (16 * UNIT_SLOTS)).clamp(1, 2 * threads);
    let len = units.len().div_ceil(slices);
    for items in units.chunks(len) {
        tasks.push(Task::Units { bases, items });
    }
}

/// One independent piece of the MSM; the result is the sum of all task results.
enum Task<'s, P: SWCurveConfig> {
    /// One window (already shifted into place) over a slice of a class's blocks.
    Window { class: &'s DigitClass<'s, P>, w: usize, blocks: Range<usize> },
    /// `Σ ±base` over a slice of the ±1 points.
    Units { bases: &'s [Affine<P>], items: &'s [u32] },
    /// A handful of points, each multiplied on its own.
    Naive { bases: &'s [Affine<P>], items: &'s [(u32, ScalarBigInt<P>)] },
}

impl<P: SWCurveConfig> Task<'_, P> {
    /// Estimated work, in bucket additions.
    fn cost(&self) -> usize {
        match self {
            Task::Window { class, blocks, .. } => blocks.len() * BLOCK + (4usize << (class.c - 1)),
            Task::Units { items, .. } => items.len(),
            // A scalar multiplication: ~254 doublings and additions.
            Task::Naive { items, .. } => items.len() * 500,
        }
    }

    fn run(&self) -> Projective<P> {
        match *self {
            Task::Window { class, w, ref blocks } => class.window_sum(w, blocks.clone()),
            Task::Units { bases, items } => unit_sum(bases, items),
            Task::Naive { bases, items } => {
                items.iter().map(|(i, s)| bases[*i as usize].mul_bigint(s)).fold(Projective::zero(), |a, b| a + b)
            }
        }
    }
}

/// `Σ ±bases[i]` for the tagged indices: round-robin over [`UNIT_SLOTS`] accumulators,
/// so a full batch never has two additions into one accumulator.
fn unit_sum<P: SWCurveConfig>(bases: &[Affine<P>], items: &[u32]) -> Projective<P> {
    let mut adder = BatchAdder::<P>::new(UNIT_SLOTS, UNIT_SLOTS);
    let mut slot = 0;
    for &t in items {
        let p = &bases[(t & !NEG) as usize];
        if p.is_zero() {
            continue;
        }
        let y = if t & NEG != 0 { -p.y } else { p.y };
        adder.push(slot, p.x, y);
        slot = if slot + 1 == UNIT_SLOTS { 0 } else { slot + 1 };
    }
    adder.finish();
    adder.plain_sum().into()
}

/// Bucket state: no point yet.
const EMPTY: u8 = 0;
/// Bucket state: holds an affine point, no addition pending.
const FULL: u8 = 1;
/// Bucket state: holds an affine point with an addition pending in the batch.
const PENDING: u8 = 2;

/// An affine bucket, cache-line aligned (one line for G1, two for G2: a bucket update
/// never touches a line it does not need).
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Slot<F> {
    x: F,
    y: F,
}

/// Interleaved multiplication chains in [`add_batch`].
const LANES: usize = 4;
/// Marks a batch entry whose addition cancelled (`P + (−P)`).
const DEAD: u32 = u32::MAX;
/// Flags a batch entry that is a doubling (target and point equal). Targets are fewer than
/// 2^30, so the flag never meets a real index, nor does `DEAD`'s bit pattern.
const DOUBLE: u32 = 1 << 30;

/// `bucket b += (x, y)` in the XYZZ side accumulators (`buckets` of them, allocated on
/// first use).
#[cold]
fn side_add<P: SWCurveConfig>(side: &mut Vec<Bucket<P>>, buckets: usize, b: usize, x: P::BaseField, y: P::BaseField) {
    if side.is_empty() {
        *side = vec![Bucket::<P>::ZERO; buckets];
    }
    side[b] += Affine::<P>::new_unchecked(x, y);
}

/// `p + q` for affine points with `p.x ≠ q.x`, given `inv = 1 / (q.x − p.x)`; or `2p`
/// when `double`, given `inv = 1 / 2p.y`.
#[inline]
fn affine_add<P: SWCurveConfig>(
    p: Slot<P::BaseField>,
    q: (P::BaseField, P::BaseField),
    inv: P::BaseField,
    double: bool,
) -> Slot<P::BaseField> {
    let numerator = if double {
        let xx = p.x.square();
        xx.double() + xx + P::COEFF_A
    } else {
        q.1 - p.y
    };
    let lambda = numerator * inv;
    let x = lambda.square() - p.x - q.0;
    let y = lambda * (p.x - x) - p.y;
    Slot { x, y }
}

/// Replaces each (non-zero) element by its inverse, with one field inversion.
fn invert_lanes<F: Field>(v: &mut [F; LANES]) {
    let mut prefix = [F::ONE; LANES];
    let mut product = F::ONE;
    for (p, x) in prefix.iter_mut().zip(v.iter()) {
        *p = product;
        product *= x;
    }
    // Non-zero: only non-zero denominators enter the lane products.
    let mut inv = product.inverse().unwrap_or(F::ZERO);
    for (p, x) in prefix.iter().zip(v.iter_mut()).rev() {
        let next = inv * *x;
        *x = inv * p;
        inv = next;
    }
}

/// `targets[t] += (x, y)` for every entry `(t, x, y)` (targets distinct, all holding a
/// point) with one field inversion (Montgomery's trick).
///
/// A field multiplication's latency is several times its throughput, so the passes are
/// laid out for instruction-level parallelism: the target reads come first and alone (their
/// cache misses overlap), the prefix products run in [`LANES`] interleaved chains, and the
/// point formulas are computed two entries at a time.
///
/// A target equal to the added point is doubled in the same batch (denominator `2y`
/// instead of `x₂ − x₁`). A target equal to its negation becomes the identity: the entry is
/// marked [`DEAD`] and `vanished(t)` is called, so the caller can mark the target empty.
fn add_batch<P: SWCurveConfig>(
    targets: &mut [Slot<P::BaseField>],
    entries: &mut [(u32, P::BaseField, P::BaseField)],
    prefix: &mut Vec<P::BaseField>,
    dens: &mut Vec<P::BaseField>,
    mut vanished: impl FnMut(u32),
) {
    let n = entries.len();
    if n == 0 {
        return;
    }
    // First only the target reads (no branches: many cache misses in flight), then the
    // subtractions.
    dens.clear();
    dens.extend(entries.iter().map(|e| targets[e.0 as usize].x));
    for (d, e) in dens.iter_mut().zip(entries.iter()) {
        *d = e.1 - *d;
    }
    prefix.clear();
    let mut lane_product = [P::BaseField::ONE; LANES];
    for (j, (entry, d)) in entries.iter_mut().zip(dens.iter_mut()).enumerate() {
        let lane = j % LANES;
        prefix.push(lane_product[lane]);
        if d.is_zero() {
            let y = targets[entry.0 as usize].y;
            if entry.2 == y && !y.is_zero() {
                *d = y.double();
                entry.0 |= DOUBLE;
            } else {
                // P + (−P), or 2P for a point of order 2.
                vanished(entry.0);
                entry.0 = DEAD;
                *d = P::BaseField::ONE;
                continue;
            }
        }
        lane_product[lane] *= *d;
    }
    let mut lane_inverse = lane_product;
    invert_lanes(&mut lane_inverse);
    // prefix[j] ← 1 / d_j.
    for j in (0..n).rev() {
        let lane = j % LANES;
        prefix[j] *= lane_inverse[lane];
        lane_inverse[lane] *= dens[j];
    }
    let invs = &prefix[..];
    let special = |e: u32| e & DOUBLE != 0;
    let mut j = 0;
    while j + 1 < n {
        let (e0, e1) = (entries[j], entries[j + 1]);
        if special(e0.0) || special(e1.0) {
            for (e, inv) in [(e0, invs[j]), (e1, invs[j + 1])] {
                if e.0 != DEAD {
                    let t = &mut targets[(e.0 & !DOUBLE) as usize];
                    *t = affine_add::<P>(*t, (e.1, e.2), inv, special(e.0));
                }
            }
        } else {
            let (t0, t1) = (e0.0 as usize, e1.0 as usize);
            let (p0, p1) = (targets[t0], targets[t1]);
            let l0 = (e0.2 - p0.y) * invs[j];
            let l1 = (e1.2 - p1.y) * invs[j + 1];
            let x0 = l0.square() - p0.x - e0.1;
            let x1 = l1.square() - p1.x - e1.1;
            let y0 = l0 * (p0.x - x0) - p0.y;
            let y1 = l1 * (p1.x - x1) - p1.y;
            targets[t0] = Slot { x: x0, y: y0 };
            targets[t1] = Slot { x: x1, y: y1 };
        }
        j += 2;
    }
    if j < n && entries[j].0 != DEAD {
        let e = entries[j];
        let t = &mut targets[(e.0 & !DOUBLE) as usize];
        *t = affine_add::<P>(*t, (e.1, e.2), invs[j], special(e.0));
    }
}

/// Buckets per segment of the batch-affine bucket reduction.
const SEGMENT: usize = 64;
/// Fewest buckets for which the batch-affine reduction beats XYZZ running sums (its
/// `2·SEGMENT` inversions must be shared by enough additions).
const AFFINE_REDUCTION_FROM: usize = 1 << 12;

/// Affine buckets with batched additions (see the module docs).
struct BatchAdder<P: SWCurveConfig> {
    /// Affine bucket contents, meaningful where `state != EMPTY`.
    acc: Vec<Slot<P::BaseField>>,
    state: Vec<u8>,
    /// XYZZ accumulators for doublings, cancellations and the overflow of skewed inputs;
    /// allocated on first use. The bucket's value is `acc + side`.
    side: Vec<Bucket<P>>,
    /// Pending `acc[b] += (x, y)`, all `b` distinct.
    batch: Vec<(u32, P::BaseField, P::BaseField)>,
    /// Additions whose bucket was pending, waiting for the next flush.
    queue: Vec<(u32, P::BaseField, P::BaseField)>,
    /// Scratch of [`add_batch`].
    prefix: Vec<P::BaseField>,
    dens: Vec<P::BaseField>,
    cap: usize,
}

impl<P: SWCurveConfig> BatchAdder<P> {
    fn new(buckets: usize, cap: usize) -> Self {
        Self {
            acc: vec![Slot { x: P::BaseField::ZERO, y: P::BaseField::ZERO }; buckets],
            state: vec![EMPTY; buckets],
            side: Vec::new(),
            batch: Vec::with_capacity(cap),
            queue: Vec::with_capacity(cap),
            prefix: Vec::with_capacity(cap),
            dens: Vec::with_capacity(cap),
            cap,
        }
    }

    /// Schedules `bucket b += (x, y)` for a non-identity affine point.
    #[inline]
    fn push(&mut self, b: usize, x: P::BaseField, y: P::BaseField) {
        match self.state[b] {
            EMPTY => {
                self.acc[b] = Slot { x, y };
                self.state[b] = FULL;
            }
            FULL => self.schedule(b, x, y),
            _ => {
                // b < buckets ≤ 2^14 or UNIT_SLOTS: fits u32.
                self.queue.push((b as u32, x, y));
                if self.queue.len() >= self.cap {
                    self.flush();
                }
            }
        }
    }

    /// Adds to the batch a point for a bucket in state FULL. The bucket itself is read
    /// only when the batch executes, where the reads of a whole batch overlap.
    #[inline]
    fn schedule(&mut self, b: usize, x: P::BaseField, y: P::BaseField) {
        self.state[b] = PENDING;
        self.batch.push((b as u32, x, y));
        if self.batch.len() >= self.cap {
            self.execute();
        }
    }

    /// Executes the batch, then moves the queue into the next one. Entries whose bucket is
    /// pending again stay queued; if half the queue stays (a skewed input: many points for
    /// few buckets, where batches cannot fill), the queue goes to the side accumulators
    /// instead of degenerating into one inversion per handful of points.
    fn flush(&mut self) {
        self.execute();
        let mut queue = core::mem::take(&mut self.queue);
        let mut kept = 0;
        for j in 0..queue.len() {
            let (b, x, y) = queue[j];
            match self.state[b as usize] {
                EMPTY => {
                    self.acc[b as usize] = Slot { x, y };
                    self.state[b as usize] = FULL;
                }
                FULL => self.schedule(b as usize, x, y),
                _ => {
                    queue[kept] = (b, x, y);
                    kept += 1;
                }
            }
        }
        queue.truncate(kept);
        if 2 * kept >= self.cap {
            for (b, x, y) in queue.drain(..) {
                side_add(&mut self.side, self.acc.len(), b as usize, x, y);
            }
        }
        self.queue = queue;
    }

    /// Completes every scheduled addition; then, if any side accumulator is in use, folds
    /// them back into the affine buckets (one batch normalisation and one batch of
    /// additions into distinct buckets), so that the reduction can stay affine.
    fn finish(&mut self) {
        self.flush();
        self.execute();
        for (b, x, y) in core::mem::take(&mut self.queue) {
            side_add(&mut self.side, self.acc.len(), b as usize, x, y);
        }
        if self.side.is_empty() {
            return;
        }
        let side = core::mem::take(&mut self.side);
        let used: Vec<usize> = (0..side.len()).filter(|&b| !side[b].is_zero()).collect();
        let projective: Vec<Projective<P>> = used.iter().map(|&b| side[b].into()).collect();
        let affine = Projective::normalize_batch(&projective);
        for (&b, p) in used.iter().zip(&affine) {
            if let Some((x, y)) = p.xy() {
                // Every bucket at most once: no collisions, the batch runs once.
                self.push(b, x, y);
            }
        }
        self.execute();
    }

    /// Runs the pending batch.
    fn execute(&mut self) {
        let Self { acc, state, batch, prefix, dens, .. } = self;
        add_batch::<P>(acc, batch, prefix, dens, |b| state[b as usize] = EMPTY);
        for e in batch.iter() {
            if e.0 != DEAD {
                state[(e.0 & !DOUBLE) as usize] = FULL;
            }
        }
        batch.clear();
    }

    #[inline]
    fn bucket(&self, b: usize, into: &mut Bucket<P>) {
        if self.state[b] != EMPTY {
            *into += Affine::<P>::new_unchecked(self.acc[b].x, self.acc[b].y);
        }
        if let Some(s) = self.side.get(b).filter(|s| !s.is_zero()) {
            *into += s;
        }
    }

    /// `Σ (b+1)·bucket_b`.
    fn weighted_sum(&mut self) -> Bucket<P> {
        let buckets = self.acc.len();
        if self.side.is_empty() && buckets >= AFFINE_REDUCTION_FROM && buckets.is_multiple_of(SEGMENT) {
            self.weighted_sum_affine()
        } else {
            self.weighted_sum_xyzz()
        }
    }

    /// `Σ (b+1)·bucket_b` by XYZZ running sums, from the highest non-empty bucket down:
    /// two XYZZ additions per bucket.
    fn weighted_sum_xyzz(&self) -> Bucket<P> {
        let top = (0..self.acc.len())
            .rev()
            .find(|&b| self.state[b] != EMPTY || self.side.get(b).is_some_and(|s| !s.is_zero()));
        let Some(top) = top else { return Bucket::ZERO };
        let mut running = Bucket::<P>::ZERO;
        let mut total = Bucket::<P>::ZERO;
        for b in (0..=top).rev() {
            self.bucket(b, &mut running);
            total += &running;
        }
        total
    }

    /// `Σ (b+1)·bucket_b` with batch-affine additions: the buckets are cut into segments of
    /// [`SEGMENT`], whose running sums `R_s` and local weighted sums `T_s` advance together,
    /// each step one batch of additions over all segments. Then
    /// `Σ (b+1)·B_b = Σ_s T_s + SEGMENT·Σ_s s·R_s`, the last sum by XYZZ running sums over
    /// the segments. About half the cost of [`Self::weighted_sum_xyzz`]. Needs the side
    /// accumulators empty (see [`Self::finish`]).
    fn weighted_sum_affine(&mut self) -> Bucket<P> {
        let segments = self.acc.len() / SEGMENT;
        let empty = Slot { x: P::BaseField::ZERO, y: P::BaseField::ZERO };
        let (mut run, mut run_set) = (vec![empty; segments], vec![false; segments]);
        let (mut tot, mut tot_set) = (vec![empty; segments], vec![false; segments]);
        let mut entries = Vec::with_capacity(segments);
        for t in (0..SEGMENT).rev() {
            entries.clear();
            for (s, (r, set)) in run.iter_mut().zip(run_set.iter_mut()).enumerate() {
                let b = s * SEGMENT + t;
                if self.state[b] == EMPTY {
                    continue;
                }
                let p = self.acc[b];
                if *set {
                    entries.push((s as u32, p.x, p.y));
                } else {
                    *r = p;
                    *set = true;
                }
            }
            add_batch::<P>(&mut run, &mut entries, &mut self.prefix, &mut self.dens, |s| run_set[s as usize] = false);
            entries.clear();
            for s in 0..segments {
                if !run_set[s] {
                    continue;
                }
                if tot_set[s] {
                    entries.push((s as u32, run[s].x, run[s].y));
                } else {
                    tot[s] = run[s];
                    tot_set[s] = true;
                }
            }
            add_batch::<P>(&mut tot, &mut entries, &mut self.prefix, &mut self.dens, |s| tot_set[s as usize] = false);
        }
        let mut total = Bucket::<P>::ZERO;
        for (p, _) in tot.iter().zip(&tot_set).filter(|(_, set)| **set) {
            total += Affine::<P>::new_unchecked(p.x, p.y);
        }
        let mut running = Bucket::<P>::ZERO;
        let mut weighted = Bucket::<P>::ZERO;
        for s in (1..segments).rev() {
            if run_set[s] {
                running += Affine::<P>::new_unchecked(run[s].x, run[s].y);
            }
            weighted += &running;
        }
        for _ in 0..SEGMENT.ilog2() {
            weighted.double_in_place();
        }
        total += &weighted;
        total
    }

    /// `Σ bucket_b`.
    fn plain_sum(&self) -> Bucket<P> {
        let mut total = Bucket::<P>::ZERO;
        for b in 0..self.acc.len() {
            self.bucket(b, &mut total);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine};
    use ark_ec::{CurveGroup, PrimeGroup, VariableBaseMSM};
    use ark_ff::{BigInt, One, UniformRand};
    use rand::Rng;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    type Big = <Fr as PrimeField>::BigInt;

    fn rng(seed: u64) -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(seed)
    }

    /// `n` distinct pseudo-random points: a random walk with 16 random steps (cheap to make
    /// at 2^20 points, no structure Pippenger could exploit).
    fn points<P: SWCurveConfig>(n: usize, r: &mut ChaCha20Rng) -> Vec<Affine<P>>
    where
        Projective<P>: PrimeGroup<ScalarField = P::ScalarField>,
    {
        let g = Projective::<P>::generator();
        let steps: Vec<Projective<P>> = (0..16).map(|_| g * P::ScalarField::rand(r)).collect();
        let mut acc = g * P::ScalarField::rand(r);
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            acc += steps[r.gen_range(0..16)];
            out.push(acc);
        }
        Projective::normalize_batch(&out)
    }

    fn full_scalars(n: usize, r: &mut ChaCha20Rng) -> Vec<Big> {
        (0..n).map(|_| Fr::rand(r).into_bigint()).collect()
    }

    /// 35 % 0, 35 % 1, 10 % −1, 10 % small ±, 10 % full.
    fn zkml_scalars(n: usize, r: &mut ChaCha20Rng) -> Vec<Big> {
        (0..n)
            .map(|_| {
                let v = match r.gen_range(0..100) {
                    0..35 => Fr::zero(),
                    35..70 => Fr::one(),
                    70..80 => -Fr::one(),
                    80..90 => {
                        let m = Fr::from(r.gen_range(2u64..1 << 16));
                        if r.r#gen() { m } else { -m }
                    }
                    _ => Fr::rand(r),
                };
                v.into_bigint()
            })
            .collect()
    }

    fn check<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[ScalarBigInt<P>], what: &str) {
        let ours = msm(bases, scalars);
        let theirs = <Projective<P> as VariableBaseMSM>::msm_bigint(bases, scalars);
        assert_eq!(ours, theirs, "{what}: n = {}", bases.len().min(scalars.len()));
    }

    #[test]
    fn msm_random_full_scalars_g1() {
        let mut r = rng(1);
        let bases = points::<ark_bn254::g1::Config>(70_000, &mut r);
        for n in [0, 1, 2, 3, 17, 1000, 5000, 70_000] {
            let scalars = full_scalars(n, &mut r);
            check(&bases[..n], &scalars, "G1 full");
        }
    }

    #[test]
    fn msm_random_full_scalars_g2() {
        let mut r = rng(2);
        let bases = points::<ark_bn254::g2::Config>(70_000, &mut r);
        for n in [0, 1, 2, 3, 17, 1000, 5000, 70_000] {
            let scalars = full_scalars(n, &mut r);
            check(&bases[..n], &scalars, "G2 full");
        }
    }

    #[test]
    fn msm_zkml_mix() {
        let mut r = rng(3);
        let g1 = points::<ark_bn254::g1::Config>(70_000, &mut r);
        let g2 = points::<ark_bn254::g2::Config>(20_000, &mut r);
        for n in [1, 17, 1000, 5000, 70_000] {
            let s = zkml_scalars(n, &mut r);
            check(&g1[..n], &s, "G1 mix");
            if n <= g2.len() {
                check(&g2[..n], &s, "G2 mix");
            }
        }
    }

    #[test]
    fn msm_medium_scalars() {
        let mut r = rng(4);
        let g1 = points::<ark_bn254::g1::Config>(20_000, &mut r);
        let s: Vec<Big> = (0..20_000)
            .map(|_| {
                let m = Fr::from(r.gen_range(1u64 << 16..u64::MAX) >> r.gen_range(0..40));
                (if r.r#gen() { m } else { -m }).into_bigint()
            })
            .collect();
        check(&g1, &s, "G1 medium");
    }

    fn edge_scalars(n: usize, r: &mut ChaCha20Rng) -> Vec<Big> {
        let minus_one = (-Fr::one()).into_bigint();
        (0..n)
            .map(|i| match i % 6 {
                0 => Big::zero(),
                1 => Fr::one().into_bigint(),
                2 => minus_one,
                3 => {
                    let mut b = Big::zero();
                    let k = r.gen_range(0..254);
                    b.as_mut()[k / 64] = 1 << (k % 64);
                    b
                }
                4 => (-Fr::from(1u64 << r.gen_range(0..64))).into_bigint(),
                _ => Fr::rand(r).into_bigint(),
            })
            .collect()
    }

    #[test]
    fn msm_edge_scalars() {
        let mut r = rng(5);
        let g1 = points::<ark_bn254::g1::Config>(6000, &mut r);
        let g2 = points::<ark_bn254::g2::Config>(6000, &mut r);
        let s = edge_scalars(6000, &mut r);
        check(&g1, &s, "G1 edge");
        check(&g2, &s, "G2 edge");
        // Every power of two, and 2^k − 1, each on its own.
        for k in 0..254 {
            let two_k = Fr::from(2u64).pow([k as u64]);
            for v in [two_k, two_k - Fr::one(), -two_k] {
                check(&g1[..40], &vec![v.into_bigint(); 40], "G1 power of two");
            }
        }
    }

    /// The same base many times with equal or opposite scalars: buckets see P + P and
    /// P + (−P) inside one batch, and every point collides.
    #[test]
    fn msm_repeated_bases() {
        let mut r = rng(6);
        let p1 = points::<ark_bn254::g1::Config>(3, &mut r);
        let p2 = points::<ark_bn254::g2::Config>(3, &mut r);
        let full = Fr::rand(&mut r);
        let small = Fr::from(777u64);
        for (kind, pick) in [("same scalar", 0), ("± scalar", 1), ("mixed", 2)] {
            let s: Vec<Big> = (0..20_000)
                .map(|i| {
                    let v = match pick {
                        0 => full,
                        1 => {
                            if i % 2 == 0 {
                                full
                            } else {
                                -full
                            }
                        }
                        _ => [full, -full, small, -small, Fr::one(), -Fr::one()][i % 6],
                    };
                    v.into_bigint()
                })
                .collect();
            let b1: Vec<_> = (0..s.len()).map(|i| p1[i % 3 / 2]).collect();
            let b2: Vec<_> = (0..s.len()).map(|i| p2[i % 3 / 2]).collect();
            check(&b1, &s, kind);
            check(&b2, &s, kind);
        }
        // Random scalars over a few repeated bases.
        let s = full_scalars(5000, &mut r);
        let b1: Vec<_> = (0..s.len()).map(|i| p1[i % 3]).collect();
        check(&b1, &s, "few bases");
    }

    #[test]
    fn msm_identity_bases() {
        let mut r = rng(7);
        let mut g1 = points::<ark_bn254::g1::Config>(5000, &mut r);
        let mut g2 = points::<ark_bn254::g2::Config>(5000, &mut r);
        for i in (0..5000).step_by(3) {
            g1[i] = G1Affine::identity();
            g2[i] = G2Affine::identity();
        }
        let s = zkml_scalars(5000, &mut r);
        check(&g1, &s, "G1 identity bases, mix");
        check(&g2, &s, "G2 identity bases, mix");
        let s = full_scalars(5000, &mut r);
        check(&g1, &s, "G1 identity bases, full");
        let all_id = vec![G1Affine::identity(); 100];
        check(&all_id, &s[..100], "G1 all identity");
    }

    #[test]
    fn msm_unequal_lengths_and_non_canonical() {
        let mut r = rng(8);
        let g1 = points::<ark_bn254::g1::Config>(300, &mut r);
        let s = full_scalars(200, &mut r);
        check(&g1, &s, "more bases");
        check(&g1[..100], &s, "more scalars");
        // r, r + 1 and 2^256 − 1 read modulo r.
        let modulus = <Fr as PrimeField>::MODULUS;
        let mut plus_one = modulus;
        plus_one.add_with_carry(&BigInt::from(1u64));
        let max = BigInt([u64::MAX; 4]);
        let raw = [modulus, plus_one, max];
        let reduced: Vec<Big> =
            raw.iter().map(|b| Fr::from_le_bytes_mod_order(&b.to_bytes_le()).into_bigint()).collect();
        assert_eq!(msm(&g1[..3], &raw), G1Projective::msm_bigint(&g1[..3], &reduced));
        let many: Vec<Big> = (0..100).map(|i| raw[i % 3]).collect();
        let many_red: Vec<Big> = (0..100).map(|i| reduced[i % 3]).collect();
        assert_eq!(msm(&g1[..100], &many), G1Projective::msm_bigint(&g1[..100], &many_red));
    }

    /// The batch-affine bucket reduction against the XYZZ one, and its fallback on
    /// degenerate input.
    #[test]
    fn msm_bucket_reductions_agree() {
        type P = ark_bn254::g1::Config;
        let mut r = rng(11);
        let pts = points::<P>(3 * AFFINE_REDUCTION_FROM, &mut r);
        let mut adder = BatchAdder::<P>::new(AFFINE_REDUCTION_FROM, 512);
        for p in &pts {
            // Every fifth bucket left empty.
            let b = r.gen_range(0..AFFINE_REDUCTION_FROM);
            if b % 5 != 0 {
                adder.push(b, p.x, p.y);
            }
        }
        adder.finish();
        let xyzz = Projective::<P>::from(adder.weighted_sum_xyzz());
        let affine = Projective::<P>::from(adder.weighted_sum_affine());
        assert_eq!(affine, xyzz);
        assert_eq!(Projective::<P>::from(adder.weighted_sum()), xyzz);

        // Every bucket holds ±G: the running sums double and cancel.
        let g = G1Affine::generator();
        let n = AFFINE_REDUCTION_FROM;
        for signs in [[1i64, 1], [1, -1], [-1, -1]] {
            let mut same = BatchAdder::<P>::new(n, 512);
            let mut expected = Fr::zero();
            for b in 0..n {
                let sign = signs[b / (n / 2)] * if b % 7 == 3 { -1 } else { 1 };
                let y = if sign < 0 { -g.y } else { g.y };
                same.push(b, g.x, y);
                expected += Fr::from(sign) * Fr::from(b as u64 + 1);
            }
            same.finish();
            assert!(same.side.is_empty());
            assert_eq!(Projective::<P>::from(same.weighted_sum_affine()), g * expected, "{signs:?}");
        }
    }

    #[test]
    fn msm_digits_recompose() {
        let mut r = rng(9);
        let check = |limbs: &[u64], value: Fr, bits: usize, c: usize| {
            let mut acc = Fr::zero();
            for w in 0..window_count(bits, c) {
                let d = booth_digit(limbs, w, c);
                assert!(i32::from(d).unsigned_abs() <= 1 << (c - 1), "c = {c}, digit {d}");
                let dv = if d < 0 { -Fr::from(d.unsigned_abs()) } else { Fr::from(d as u64) };
                acc += dv * Fr::from(2u64).pow([(w * c) as u64]);
            }
            assert_eq!(acc, value, "c = {c}, bits = {bits}");
        };
        for c in 2..=MAX_C {
            for _ in 0..100 {
                let s = Fr::rand(&mut r);
                check(s.into_bigint().as_ref(), s, 254, c);
            }
            for bits in 1..=64 {
                let all_ones = u64::MAX >> (64 - bits);
                let random = r.r#gen::<u64>() >> (64 - bits);
                for m in [all_ones, random, 1u64 << (bits - 1)] {
                    check(&[m], Fr::from(m), bits, c);
                }
            }
            // All ones over the full width: every window carries.
            let max = (-Fr::one()).into_bigint();
            check(max.as_ref(), -Fr::one(), 254, c);
        }
    }

    fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
        let t = std::time::Instant::now();
        let out = f();
        (out, t.elapsed().as_secs_f64() * 1e3)
    }

    /// CPU time of the whole process (all threads), in ms; Linux only, 10 ms ticks. On a
    /// shared machine it is steadier than wall time.
    fn process_cpu_ms() -> f64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the `comm` field.
        (ticks(11) + ticks(12)) * 10.0
    }

    fn compare<P: SWCurveConfig>(label: &str, bases: &[Affine<P>], scalars: &[ScalarBigInt<P>]) {
        let (mut ours, mut ark) = (f64::MAX, f64::MAX);
        let (mut ours_cpu, mut ark_cpu) = (f64::MAX, f64::MAX);
        for _ in 0..2 {
            let c = process_cpu_ms();
            let (a, t) = time(|| msm(bases, scalars));
            ours_cpu = ours_cpu.min(process_cpu_ms() - c);
            ours = ours.min(t);
            let c = process_cpu_ms();
            let (b, t) = time(|| <Projective<P> as VariableBaseMSM>::msm_bigint(bases, scalars));
            ark_cpu = ark_cpu.min(process_cpu_ms() - c);
            ark = ark.min(t);
            assert_eq!(a, b, "{label}");
        }
        println!(
            "{label:<20} wall: ours {ours:>7.0} ms, arkworks {ark:>7.0} ms, speed-up {:.2}x | cpu: ours {ours_cpu:>6.0} ms, arkworks {ark_cpu:>6.0} ms, {:.2}x",
            ark / ours,
            ark_cpu / ours_cpu
        );
    }

    #[test]
    #[ignore = "benchmark; run explicitly with optimisations"]
    fn bench_msm() {
        let mut r = rng(10);
        let g1 = points::<ark_bn254::g1::Config>(1 << 20, &mut r);
        println!("rayon threads: {}", rayon::current_num_threads());
        for log in [16, 19, 20] {
            let s = full_scalars(1 << log, &mut r);
            compare(&format!("G1 full 2^{log}"), &g1[..1 << log], &s);
        }
        let s = zkml_scalars(1 << 20, &mut r);
        compare("G1 ZKML mix 2^20", &g1, &s);
        drop(g1);
        let g2: Vec<G2Affine> = points::<ark_bn254::g2::Config>(1 << 18, &mut r);
        let s = zkml_scalars(1 << 18, &mut r);
        compare("G2 ZKML mix 2^18", &g2, &s);
    }
}
