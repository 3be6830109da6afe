//! Range checks by lookup: a logUp argument over a committed part of the witness.
//!
//! In R1CS a bit decomposition costs one constraint per bit, so a 28-bit sign test costs 29
//! constraints and an 8-bit pixel 8. With a lookup argument a value is shown to lie in the
//! byte table `[0, 256)` with **one** constraint:
//!
//! * the values to look up (bytes: limbs of the decomposed integers, pixels) and the
//!   table's multiplicities `m_t` are **committed** witness variables. The prover commits
//!   to them before anything else is fixed (the proof system's commitment `D`, see
//!   `zkid_prover::commit_groth16`), and the verifier derives a challenge `α` from `D` and
//!   the public inputs; `α` is the circuit's last public input;
//! * per looked-up value `v`: a witness `inv` with `(α − v)·inv = 1`;
//! * per table entry `t`: a witness `q_t` with `(α − t)·q_t = m_t`;
//! * one row `Σ inv = Σ q_t`.
//!
//! If some `v ∉ [0, 256)`, the rational functions `Σ 1/(X − v)` and `Σ m_t/(X − t)` differ
//! and agree at a random `α` with probability at most `(N + 256)/p` (`N` lookups; logUp,
//! Haböck 2022). The values must be fixed before `α`: only combinations of committed
//! variables ([`Committed`]) can be looked up, which the types enforce.
//!
//! Gadgets switch to lookups while a [`WithLookups`] circuit synthesizes (a thread-local
//! mode like [`crate::rows`]): [`crate::gadgets::range_check`], [`crate::gadgets::is_nonneg`],
//! [`crate::gadgets::alloc_bounded`] and the iris code bits then cost a byte-lookup per 8
//! bits instead of a constraint per bit. Setup and proving run the same mode, so the
//! circuit shape (and the committed variables) are the same in both.

use crate::field::{Fr, pow2};
use crate::rows::RecordableCircuit;
use crate::wire::{SynResult, Wire, enforce};
use ark_ff::One;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use std::cell::RefCell;

/// Bits per looked-up value: the table is `[0, 2^TABLE_BITS)`.
pub const TABLE_BITS: u32 = 8;
/// Entries of the table.
pub const TABLE_SIZE: usize = 1 << TABLE_BITS;

/// The committed variables of one synthesis, handed to a [`Committer`] once every one of
/// them is allocated and before the challenge is used.
#[derive(Clone, Copy, Debug)]
pub struct CommittedWitness<'a> {
    /// Witness indices (0 = the first witness variable) of the committed variables, ascending.
    pub indices: &'a [usize],
    /// Their values, in the same order (`None` during key generation).
    pub values: Option<&'a [Fr]>,
    /// The public inputs allocated so far (every statement input; `None` during key
    /// generation). The challenge is the last public input, after these.
    pub public_inputs: Option<&'a [Fr]>,
}

/// The proof system's side of a lookup synthesis: commits to the committed variables and
/// returns the challenge derived from the commitment (`None` during key generation).
pub trait Committer {
    /// Called once per synthesis, after every committed variable is allocated.
    fn commit(&mut self, witness: CommittedWitness<'_>) -> Result<Option<Fr>, SynthesisError>;
}

/// A combination of committed variables and constants: a value the commitment fixes, so it
/// may be looked up.
#[derive(Clone, Debug)]
pub struct Committed(Wire);

impl Committed {
    fn scale(&self, c: Fr) -> Committed {
        Committed(self.0.scale(c))
    }
}

/// Lookup state of the synthesis running on this thread.
#[derive(Default)]
struct Context {
    indices: Vec<usize>,
    values: Vec<Fr>,
    looked_up: Vec<Wire>,
    counts: Vec<u64>,
}

thread_local! {
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
}

/// Ends the mode when [`WithLookups`] returns or unwinds.
struct Active;

impl Drop for Active {
    fn drop(&mut self) {
        CONTEXT.with(|c| c.borrow_mut().take());
    }
}

/// Whether gadgets on this thread range-check by lookup.
pub fn active() -> bool {
    CONTEXT.with(|c| c.borrow().is_some())
}

fn with_context<T>(f: impl FnOnce(&mut Context) -> T) -> SynResult<T> {
    CONTEXT.with(|c| c.borrow_mut().as_mut().map(f)).ok_or(SynthesisError::Unsatisfiable)
}

/// A new committed witness variable (no constraint; the caller constrains it).
fn committed_witness(cs: &ConstraintSystemRef<Fr>, value: Option<Fr>) -> SynResult<Committed> {
    let index = cs.num_witness_variables();
    let wire = Wire::witness(cs, value)?;
    with_context(|c| {
        c.indices.push(index);
        if let Some(v) = value {
            c.values.push(v);
        }
    })?;
    Ok(Committed(wire))
}

/// Records that `w` lies in `[0, 256)` (one constraint, added when the synthesis ends).
fn lookup(w: &Committed) -> SynResult<()> {
    // An honest value is a byte; anything else is counted nowhere, so Σ 1/(α − v) cannot
    // match the table side and the system is unsatisfied.
    let entry = w.0.value.and_then(|v| value_below(Some(v), TABLE_BITS));
    with_context(|c| {
        if let Some(b) = entry {
            c.counts[b as usize] += 1;
        }
        c.looked_up.push(w.0.clone());
    })
}

/// Widths from which gadgets range-check by lookup (narrower values keep bit
/// decompositions: a lookup's inverse is a full-width witness, which costs more in the
/// proof's MSMs than a few booleans).
pub const MIN_LOOKUP_BITS: u32 = TABLE_BITS;

/// Top bits of a decomposition left to booleans instead of a two-lookup partial limb (two at
/// most: a third boolean would cost one constraint more than the limb, which tips the iris
/// `match` statement over 2^19).
const MAX_BOOLEAN_REMAINDER: u32 = 2;

/// Constraints of an `n`-bit limb decomposition ([`limbs`]): a lookup per byte, then a
/// boolean per remaining bit (at most 2) or two lookups for a 3–7-bit top limb.
pub fn limb_cost(n: u32) -> u32 {
    let rem = n % TABLE_BITS;
    n / TABLE_BITS + if rem <= MAX_BOOLEAN_REMAINDER { rem } else { 2 }
}

/// A committed variable with `0 <= x < 2^n` (`n <= 8`): one lookup, two when `n < 8`
/// (`x` and `x·2^(8−n)` both in the table bound `x` below `2^n`).
fn bounded_byte(cs: &ConstraintSystemRef<Fr>, value: Option<u64>, n: u32) -> SynResult<Committed> {
    let x = committed_witness(cs, value.map(Fr::from))?;
    lookup(&x)?;
    if n < TABLE_BITS {
        lookup(&x.scale(pow2(TABLE_BITS - n)))?;
    }
    Ok(x)
}

/// A boolean witness (1 constraint).
fn boolean(cs: &ConstraintSystemRef<Fr>, value: Option<u64>) -> SynResult<Wire> {
    let b = Wire::witness(cs, value.map(Fr::from))?;
    enforce(cs, &b, &b.sub(&Wire::constant(Fr::one())), &Wire::zero())?;
    Ok(b)
}

/// Limbs of an `n`-bit value, little-endian: committed bytes (one lookup each), then the
/// top `n mod 8` bits as booleans or as one committed limb ([`limb_cost`] constraints), and
/// their combination `Σ limb·2^shift`. The top limb keeps every higher bit of `value`, so a
/// value of `2^n` or more fails its lookup or booleanity.
fn limbs(cs: &ConstraintSystemRef<Fr>, value: Option<u128>, n: u32) -> SynResult<Wire> {
    let top = |v: u128, shift: u32| u64::try_from(v >> shift).unwrap_or(u64::MAX);
    let mut terms = Vec::with_capacity((n / TABLE_BITS + MAX_BOOLEAN_REMAINDER) as usize);
    let mut shift = 0;
    while shift < n {
        let width = (n - shift).min(TABLE_BITS);
        let last = shift + width >= n;
        if width <= MAX_BOOLEAN_REMAINDER {
            for b in 0..width {
                let bit =
                    value.map(|v| if b + 1 == width { top(v, shift + b) } else { ((v >> (shift + b)) & 1) as u64 });
                terms.push((pow2(shift + b), boolean(cs, bit)?));
            }
        } else {
            let limb = value.map(|v| if last { top(v, shift) } else { ((v >> shift) & 0xff) as u64 });
            terms.push((pow2(shift), bounded_byte(cs, limb, width)?.0));
        }
        shift += width;
    }
    Ok(Wire::linear(terms))
}

/// The value of `x` as an integer in `[0, 2^n)`, `None` when absent or out of range (a
/// limb decomposition of an out-of-range value cannot match it: the system is unsatisfied).
fn value_below(x: Option<Fr>, n: u32) -> Option<u128> {
    use ark_ff::PrimeField;
    let b = x?.into_bigint().0;
    let v = (b[2] == 0 && b[3] == 0).then(|| (b[1] as u128) << 64 | b[0] as u128)?;
    (n >= 128 || v >> n == 0).then_some(v)
}

/// Lookup-mode [`crate::gadgets::range_check`]: enforces `0 <= x < 2^n` with
/// [`limb_cost`]`(n) + 1` constraints.
pub fn range_check(cs: &ConstraintSystemRef<Fr>, x: &Wire, n: u32) -> SynResult<()> {
    if n == 0 || n > 120 {
        return Err(SynthesisError::Unsatisfiable);
    }
    let value = if cs.is_in_setup_mode() { None } else { Some(value_below(x.value, n).unwrap_or_default()) };
    limbs(cs, value, n)?.enforce_equal(x, cs)
}

/// Lookup-mode [`crate::gadgets::alloc_bounded`]: a private `x ∈ [0, 2^n)` as the
/// combination of its limbs. Cost: [`limb_cost`]`(n)`.
pub fn alloc_bounded(cs: &ConstraintSystemRef<Fr>, value: Option<u64>, n: u32) -> SynResult<Wire> {
    if n == 0 || n > 63 {
        return Err(SynthesisError::Unsatisfiable);
    }
    limbs(cs, value.map(u128::from), n)
}

/// Lookup-mode sign test: for `-2^k <= x < 2^k`, returns `[x >= 0]` and `x` re-expressed
/// over the new variables (a short combination, for callers that reuse `x`).
///
/// `x + 2^k = c·2^k + r` with `r` the [`limbs`] of a `k`-bit value and `c` a boolean
/// witness: the same bound as a bit decomposition. Cost: [`limb_cost`]`(k) + 2`.
pub fn sign_split(cs: &ConstraintSystemRef<Fr>, x: &Wire, k: u32) -> SynResult<(Wire, Wire)> {
    if k == 0 || k > 120 {
        return Err(SynthesisError::Unsatisfiable);
    }
    let shifted = x.add_const(pow2(k));
    let value = if cs.is_in_setup_mode() { None } else { Some(value_below(shifted.value, k + 1).unwrap_or_default()) };
    let c = boolean(cs, value.map(|v| (v >> k) as u64))?;
    let r = limbs(cs, value.map(|v| v & ((1u128 << k) - 1)), k)?;
    let compact = c.scale(pow2(k)).add(&r).add_const(-pow2(k));
    compact.enforce_equal(x, cs)?;
    Ok((c, compact))
}

/// Lookup-mode requantize-and-clamp to `[lo, lo + 2^m)`: one limb decomposition of
/// `d = t − lo·2^s + 2^(s+k)` (`t = acc·M + 2^(s−1)`, `|q_u − lo| < 2^k` for the quotient
/// `q_u = ⌊t/2^s⌋`, `m < k`) serves both gadgets: `d = r + 2^s·v + 2^(s+m)·h + 2^(s+k)·c`
/// with `r` the remainder (`s` bits), `v` the in-range value (`m` bits), `h` the overflow
/// (`k − m` bits) and `c = [q_u >= lo]`. Then `[q_u <= hi] = [h = 0]` when `c = 1`, and the
/// output is `c·([h = 0]·(v − (hi − lo)) + (hi − lo)) + lo`.
/// Cost: [`limb_cost`] of `s`, `m` and `k − m`, plus 7 (c, the recomposition, a zero test,
/// two products).
pub(crate) fn requant_clamp(
    cs: &ConstraintSystemRef<Fr>,
    t: &Wire,
    s: u32,
    lo: i64,
    m: u32,
    k: u32,
) -> SynResult<Wire> {
    if s == 0 || m == 0 || m >= k || s + k > 120 {
        return Err(SynthesisError::Unsatisfiable);
    }
    let d = t.add_const(pow2(s + k) - crate::field::fr_from_i64(lo) * pow2(s));
    let value = if cs.is_in_setup_mode() { None } else { Some(value_below(d.value, s + k + 1).unwrap_or_default()) };
    let part = |v: u128, at: u32, n: u32| (v >> at) & ((1u128 << n) - 1);
    let r = limbs(cs, value.map(|v| part(v, 0, s)), s)?;
    let v = limbs(cs, value.map(|v| part(v, s, m)), m)?;
    let h = limbs(cs, value.map(|v| part(v, s + m, k - m)), k - m)?;
    let c = boolean(cs, value.map(|v| (v >> (s + k)) as u64))?;
    Wire::linear([(Fr::one(), r), (pow2(s), v.clone()), (pow2(s + m), h.clone()), (pow2(s + k), c.clone())])
        .enforce_equal(&d, cs)?;
    let le = crate::gadgets::is_zero(cs, &h)?;
    let span = pow2(m) - Fr::one();
    let inner = le.mul(&v.add_const(-span), cs)?;
    Ok(c.mul(&inner.add_const(span), cs)?.add_const(crate::field::fr_from_i64(lo)))
}

/// Runs `f` in lookup mode with a fixed challenge, for gadget tests.
#[cfg(test)]
pub(crate) fn run_with_lookups(
    cs: &ConstraintSystemRef<Fr>,
    f: impl FnOnce(&ConstraintSystemRef<Fr>) -> SynResult<()>,
) -> SynResult<()> {
    struct Fixed;
    impl Committer for Fixed {
        fn commit(&mut self, w: CommittedWitness<'_>) -> Result<Option<Fr>, SynthesisError> {
            Ok(w.values.map(|_| Fr::from(0x0123_4567_89ab_cdefu64)))
        }
    }
    struct Closure<F>(F);
    impl<F: FnOnce(&ConstraintSystemRef<Fr>) -> SynResult<()>> ConstraintSynthesizer<Fr> for Closure<F> {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> SynResult<()> {
            (self.0)(&cs)
        }
    }
    WithLookups { circuit: Closure(f), committer: Some(&mut Fixed) }.generate_constraints(cs.clone())
}

/// A circuit synthesized with lookup range checks: runs `circuit` in lookup mode, then
/// builds the table side, asks `committer` for the challenge and adds the lookup rows.
pub struct WithLookups<'c, C> {
    /// The statement circuit.
    pub circuit: C,
    /// The proof system's commitment (`None`: key generation or a constraint count).
    pub committer: Option<&'c mut dyn Committer>,
}

impl<C: ConstraintSynthesizer<Fr>> ConstraintSynthesizer<Fr> for WithLookups<'_, C> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> SynResult<()> {
        let fresh = CONTEXT.with(|c| {
            let mut c = c.borrow_mut();
            let fresh = c.is_none();
            if fresh {
                *c = Some(Context { counts: vec![0; TABLE_SIZE], ..Context::default() });
            }
            fresh
        });
        if !fresh {
            return Err(SynthesisError::Unsatisfiable);
        }
        let _active = Active;
        self.circuit.generate_constraints(cs.clone())?;
        finish(&cs, self.committer)
    }
}

impl<C: RecordableCircuit> RecordableCircuit for WithLookups<'_, C> {}

/// The table side, the challenge and the lookup rows.
fn finish(cs: &ConstraintSystemRef<Fr>, committer: Option<&mut dyn Committer>) -> SynResult<()> {
    let setup = cs.is_in_setup_mode();
    let counts = with_context(|c| std::mem::take(&mut c.counts))?;
    let mut multiplicities = Vec::with_capacity(TABLE_SIZE);
    for &m in &counts {
        multiplicities.push(committed_witness(cs, (!setup).then(|| Fr::from(m)))?);
    }
    let (indices, values, looked_up) = with_context(|c| {
        (std::mem::take(&mut c.indices), std::mem::take(&mut c.values), std::mem::take(&mut c.looked_up))
    })?;
    let public = if setup {
        None
    } else {
        let inner = cs.borrow().ok_or(SynthesisError::MissingCS)?;
        Some(inner.instance_assignment()?.get(1..).unwrap_or_default().to_vec())
    };
    let witness = CommittedWitness {
        indices: &indices,
        values: (!setup).then_some(&values[..]),
        public_inputs: public.as_deref(),
    };
    let challenge = match committer {
        Some(c) => c.commit(witness)?,
        None if setup => None,
        None => return Err(SynthesisError::AssignmentMissing),
    };
    drop(values);
    let alpha = Wire::input(cs, challenge)?;
    let one = Wire::constant(Fr::one());
    // Every denominator `α − v` (lookups) and `α − t` (table), inverted in one batch.
    let diffs: Vec<Wire> = looked_up
        .iter()
        .map(|v| alpha.sub(v))
        .chain((0..TABLE_SIZE).map(|t| alpha.add_const(-Fr::from(t as u64))))
        .collect();
    let inverses = challenge.map(|_| {
        let mut inv: Vec<Fr> = diffs.iter().map(|d| d.value.unwrap_or_default()).collect();
        ark_ff::batch_inversion(&mut inv);
        inv
    });
    let inverse = |i: usize| inverses.as_ref().map(|inv| inv[i]);
    let mut sum = Vec::with_capacity(diffs.len());
    // The inverse is the A side of its row: A is a G1-only query, so the full-width
    // inverses stay out of the G2 MSM.
    for (i, diff) in diffs[..looked_up.len()].iter().enumerate() {
        let inv = Wire::witness(cs, inverse(i))?;
        enforce(cs, &inv, diff, &one)?;
        sum.push((Fr::one(), inv));
    }
    for (t, m) in multiplicities.iter().enumerate() {
        let i = looked_up.len() + t;
        let q = Wire::witness(cs, inverse(i).zip(m.0.value).map(|(d, m)| m * d))?;
        enforce(cs, &q, &diffs[i], &m.0)?;
        sum.push((-Fr::one(), q));
    }
    Wire::linear(sum).enforce_equal(&Wire::zero(), cs)
}

/// Constraints a lookup synthesis adds beyond the lookups themselves: the table rows and
/// the final sum.
pub const TABLE_CONSTRAINTS: usize = TABLE_SIZE + 1;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::fr_from_i64;
    use crate::gadgets::test_util::{column, r1cs};
    use crate::r1cs::R1cs;
    use ark_relations::gr1cs::{ConstraintSystem, SynthesisMode};

    /// Records the committed indices and returns a fixed challenge.
    struct Fixed {
        challenge: Fr,
        indices: Vec<usize>,
        values: Vec<Fr>,
    }

    impl Committer for Fixed {
        fn commit(&mut self, w: CommittedWitness<'_>) -> Result<Option<Fr>, SynthesisError> {
            self.indices = w.indices.to_vec();
            self.values = w.values.map(<[Fr]>::to_vec).unwrap_or_default();
            Ok(w.values.map(|_| self.challenge))
        }
    }

    /// `range_check(x, n)`, `is_nonneg(y, k)` and an allocated bounded value.
    struct Sample {
        x: i64,
        n: u32,
        y: i64,
        k: u32,
        z: u64,
    }

    impl ConstraintSynthesizer<Fr> for Sample {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> SynResult<()> {
            let val = |v: i64| (!cs.is_in_setup_mode()).then(|| fr_from_i64(v));
            let out = Wire::input(&cs, val(i64::from(self.y >= 0)))?;
            let x = Wire::witness(&cs, val(self.x))?;
            crate::gadgets::range_check(&cs, &x, self.n)?;
            let y = Wire::witness(&cs, val(self.y))?;
            crate::gadgets::is_nonneg(&cs, &y, self.k)?.enforce_equal(&out, &cs)?;
            let z = crate::gadgets::alloc_bounded(&cs, (!cs.is_in_setup_mode()).then_some(self.z), 12)?;
            z.mul(&z, &cs)?;
            Ok(())
        }
    }

    fn run(s: Sample, challenge: Fr) -> (ConstraintSystemRef<Fr>, Fixed) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut fixed = Fixed { challenge, indices: vec![], values: vec![] };
        WithLookups { circuit: s, committer: Some(&mut fixed) }.generate_constraints(cs.clone()).unwrap();
        assert!(!active(), "the mode ends with the synthesis");
        (cs, fixed)
    }

    fn sample(x: i64, y: i64, z: u64) -> Sample {
        Sample { x, n: 13, y, k: 18, z }
    }

    const ALPHA: u64 = 0x1234_5678_9abc_def1;

    #[test]
    fn honest_values_satisfy_and_the_cost_is_one_row_per_lookup() {
        for (x, y, z) in [(0, 0, 0), (8191, -(1 << 18), 4095), (77, (1 << 18) - 1, 1000), (4096, -1, 1)] {
            let (cs, fixed) = run(sample(x, y, z), Fr::from(ALPHA));
            assert!(cs.is_satisfied().unwrap(), "{x} {y} {z}");
            // 13 bits: 1 byte + a 5-bit top limb (2 lookups) + 1 row; sign, k = 18: 2 bytes,
            // 2 booleans, c and 1 row; 12 bits alloc: 1 byte + a 4-bit limb (2 lookups); 1 mul;
            // 1 output check.
            let lookups = 3 + 2 + 3;
            assert_eq!(cs.num_constraints(), 1 + (2 + 2) + 1 + 1 + lookups + TABLE_CONSTRAINTS);
            assert_eq!(limb_cost(13) + limb_cost(18) + limb_cost(12), 3 + 4 + 3);
            // Committed: 2 + 2 + 2 limbs and the 256 multiplicities.
            assert_eq!(fixed.indices.len(), 6 + TABLE_SIZE);
            assert_eq!(fixed.values.len(), fixed.indices.len());
            // The challenge is the last public input.
            assert_eq!(cs.num_instance_variables(), 3);
        }
    }

    #[test]
    fn out_of_range_values_are_unsatisfiable() {
        for (x, y, z) in [(8192, 0, 0), (-1, 0, 0), (0, 1 << 18, 0), (0, -(1 << 18) - 1, 0), (0, 0, 4096)] {
            let (cs, _) = run(sample(x, y, z), Fr::from(ALPHA));
            assert!(!cs.is_satisfied().unwrap(), "{x} {y} {z}");
        }
    }

    /// Tamper test: every committed limb and multiplicity, and every lookup inverse, is
    /// pinned; in particular a limb moved out of the table (keeping its sum) breaks the
    /// lookup rows.
    #[test]
    fn tampered_limbs_and_multiplicities_are_unsatisfiable() {
        let (cs, fixed) = run(sample(300, -5, 17), Fr::from(ALPHA));
        let r: R1cs = r1cs(&cs);
        assert!(r.is_satisfied());
        let first = r.num_instance;
        for &i in &fixed.indices {
            let col = first + i;
            assert!(!r.satisfied_with(col, r.z[col] + Fr::one()), "committed column {col} changes alone");
            assert!(!r.satisfied_with(col, r.z[col] + Fr::from(256u64)), "committed column {col} +256");
        }
        // Move 256 from the low byte of x = 300 (44 + 256·1) into its top limb: the sum
        // still holds, both limbs' lookup values change, so the rows must fail.
        let mut z = r.z.clone();
        let (lo, hi) = (first + fixed.indices[0], first + fixed.indices[1]);
        assert_eq!((z[lo], z[hi]), (Fr::from(44u64), Fr::from(1u64)));
        z[lo] += Fr::from(256u64);
        z[hi] -= Fr::one();
        assert!(r.first_unsatisfied(&z).is_some());
        let _ = column;
    }

    /// A different challenge changes only the lookup witnesses, and a challenge equal to a
    /// looked-up value cannot be satisfied (the prover fails instead of cheating).
    #[test]
    fn challenge_is_the_last_input() {
        let (cs, _) = run(sample(1, 2, 3), Fr::from(7u64));
        assert!(cs.is_satisfied().unwrap());
        let inner = cs.borrow().unwrap();
        assert_eq!(inner.instance_assignment().unwrap().last(), Some(&Fr::from(7u64)));
        drop(inner);
        let (cs, _) = run(sample(1, 2, 3), Fr::from(3u64));
        assert!(!cs.is_satisfied().unwrap());
    }

    #[test]
    fn setup_mode_has_the_same_shape_and_committed_indices() {
        let (cs, fixed) = run(sample(5, 6, 7), Fr::from(ALPHA));
        let setup = ConstraintSystem::<Fr>::new_ref();
        setup.set_mode(SynthesisMode::Setup);
        let mut rec = Fixed { challenge: Fr::from(0u64), indices: vec![], values: vec![] };
        WithLookups { circuit: sample(0, 0, 0), committer: Some(&mut rec) }
            .generate_constraints(setup.clone())
            .unwrap();
        assert_eq!(setup.num_constraints(), cs.num_constraints());
        assert_eq!(setup.num_witness_variables(), cs.num_witness_variables());
        assert_eq!(rec.indices, fixed.indices);
        // Without a committer, proving is refused (the challenge would be missing).
        let prove = ConstraintSystem::<Fr>::new_ref();
        let err = WithLookups { circuit: sample(1, 1, 1), committer: None }.generate_constraints(prove);
        assert!(matches!(err, Err(SynthesisError::AssignmentMissing)));
        assert!(!active());
    }

    #[test]
    fn nesting_is_refused_and_gadgets_outside_use_bits() {
        assert!(!active());
        let cs = ConstraintSystem::<Fr>::new_ref();
        let x = Wire::witness(&cs, Some(Fr::from(5u64))).unwrap();
        crate::gadgets::range_check(&cs, &x, 8).unwrap();
        assert_eq!(cs.num_constraints(), 9, "bits outside lookup mode");
        struct Nested;
        impl ConstraintSynthesizer<Fr> for Nested {
            fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> SynResult<()> {
                WithLookups { circuit: Sample { x: 0, n: 8, y: 0, k: 8, z: 0 }, committer: None }
                    .generate_constraints(cs)
            }
        }
        let setup = ConstraintSystem::<Fr>::new_ref();
        setup.set_mode(SynthesisMode::Setup);
        let err = WithLookups { circuit: Nested, committer: None }.generate_constraints(setup);
        assert!(matches!(err, Err(SynthesisError::Unsatisfiable)));
        assert!(!active());
    }
}
