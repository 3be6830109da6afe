//! Memory budget: the peak memory of setting up or proving a statement, estimated from the
//! circuit's shape before any large buffer exists, and a [`MemoryBudget`] that refuses work
//! which would not fit with [`ProverError::OverMemoryBudget`] instead of letting a phone's
//! OS kill the app half-way through a proof.
//!
//! # What a proof holds (the matrix-free prover, [`crate::groth16::prove_recorded`])
//!
//! With `m` variables (the constant one included), `l` instance variables, `c` constraints,
//! a domain of `n` points, 32-byte field elements and the in-memory sizes of BN254 affine
//! points (`G1`, `G2`: 64 and 128 bytes with ark-bn254 0.6, the same as in a key file), the
//! prover holds, besides the process itself ([`BASE_BYTES`]):
//!
//! | buffer | bytes | held |
//! |---|---|---|
//! | proving key: A, B₁, L, H queries (G1), B₂ query (G2); in lookup mode a G1 base and an index per committed variable (`k`) | `G1·(3m − l + n) + G2·m (+ (G1 + 8)·k)` | throughout |
//! | key file chunks while it streams in ([`crate::keys::KeyFile::load`]) | [`STREAM_BYTES`] (24 MiB) | key load |
//! | synthesis record: `z` in the constraint system and copied out, `A·z`, `B·z` (vectors grow by doubling) | `32·(⌈m⌉₂ + m + 2·⌈c⌉₂)` | synthesis |
//! | witness map: `z`, `a`, `b`, `c` padded to `n`, FFT twiddles | `32·(m + 3n + n/2)` | six FFTs |
//! | H MSM: `z`, `h`, its integers, zkid's MSM's member indices and `i16` signed digits | `32m + n·(32 + 32 + 4 + 2·26)` | H query |
//! | B₂ MSM (the largest of the witness MSMs): `z`, its integers, the MSM's size classes, the G2 bases a sparse class copies | `m·(32 + 32 + 20 + G2)` | witness MSMs |
//!
//! The estimate is the key plus the largest of the phase rows, plus [`BASE_BYTES`]. A proof
//! always starts from a loaded key, so the key-load row counts too. A key loaded from a file
//! streams in and never has its file's bytes in memory all at once; a key decoded from bytes
//! the caller holds ([`crate::keys::KeyFile::from_bytes`], the FFI and wasm constructors)
//! has both side by side, twice the key: check that with [`key_load_estimate`] first. Setup
//! ([`setup_estimate`]) holds the constraint system with its linear combinations, the QAP
//! evaluations at τ and the key as projective points while they are normalized.
//!
//! # Accuracy
//!
//! Calibrated against the peak RSS of `zkid prove`/`enroll`/`match` and `zkid setup`
//! (GNU `time`, release build, x86_64 glibc, 2 threads) on the bundled models; the README's
//! "Failure modes" section has the table. The estimate is meant to err on the high side by
//! a small margin: allocator and thread overheads grow with the core count, and linear
//! combinations in setup grow with the model's multiply-adds, which the shape does not see.

use std::fmt;
use std::mem::size_of;

use ark_bn254::{G1Affine, G1Projective, G2Affine, G2Projective};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, SynthesisMode};
use zkid_circuits::lookup::WithLookups;
use zkid_circuits::statement::{InputMode, OutputMode};

use crate::Fr;
use crate::error::{ProverError, Result};
use crate::keys::{ProvingKey, STREAM_BYTES};
use crate::lookup_groth16::IndexRecorder;
use crate::statement::{LoadedModel, RangeMode, Statement};

const KIB: u64 = 1 << 10;
const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;
const TIB: u64 = 1 << 40;

/// Bytes of one scalar-field element.
const FR: u64 = 32;
/// Bytes of a G1 point in a key file (`x ‖ y`).
const G1_FILE: u64 = 64;
/// Bytes of a G2 point in a key file.
const G2_FILE: u64 = 128;

/// Resident memory besides the circuit's buffers: code, the loaded model, the thread pool,
/// the allocator's arenas (11 MiB for `zkid prove` on the 133-constraint `linreg`), the
/// capture, its preprocessing and the inference record, which the shape does not tell, and
/// the allocator's slack around the proving buffers, which varies from run to run with how
/// the worker threads' arenas are used (`zkid prove` on facecnn peaked 23 to 36 MiB above
/// its key and H-MSM buffers across runs).
pub const BASE_BYTES: u64 = 40 * MIB;

/// Bytes of setup-mode constraint-system state per linear-combination term: the term in
/// arkworks' store (variable and interned coefficient, 12 bytes), in the matrix rows built
/// from it (coefficient and column, 40 bytes) and the allocator's share; fitted on the iris
/// statements, whose setups peak here (20–37 million terms).
const SETUP_BYTES_PER_TERM: u64 = 64;

/// Percent added to every setup phase: setup allocates many short-lived buffers whose
/// fragments the allocator keeps (the bundled models measured up to 9 % above the count).
pub const SETUP_SLACK_PERCENT: u64 = 10;

/// Linear-combination terms per constraint when no synthesis counted them (the bundled
/// statements have 2–30; the conv layers of a CNN put their weights here).
const SETUP_TERMS_PER_CONSTRAINT: u64 = 8;

fn g1() -> u64 {
    size_of::<G1Affine>() as u64
}

fn g2() -> u64 {
    size_of::<G2Affine>() as u64
}

/// The smallest power of two `>= x` (what a vector grown by pushes has reserved).
fn pow2(x: u64) -> u64 {
    x.max(1).checked_next_power_of_two().unwrap_or(u64::MAX)
}

/// The size of a statement's circuit, as far as memory goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CircuitSize {
    /// R1CS constraints.
    pub constraints: u64,
    /// Variables, the constant one included.
    pub variables: u64,
    /// Instance variables (public inputs and the constant one).
    pub instance: u64,
    /// Evaluation-domain size (a power of two, at least `constraints + instance`).
    pub domain: u64,
    /// Terms of the constraint system's linear combinations once inlined (what setup holds
    /// as linear combinations and matrices), when a synthesis counted them; 0 when unknown.
    pub terms: u64,
    /// Witness variables a lookup-mode key commits to, each with a commitment base in the
    /// key (0 in plain mode).
    pub committed: u64,
}

impl CircuitSize {
    /// The size a proving key was made for (exact but for the constraint count, which a key
    /// bounds by `domain − instance`: the estimate uses that bound).
    pub fn of_key(pk: &ProvingKey) -> Self {
        // Every instance variable: the constant one, the public inputs and, in lookup mode,
        // the derived challenge.
        let instance = pk.as_ark().vk.gamma_abc_g1.len() as u64;
        let domain = pk.domain_size() as u64;
        Self {
            constraints: domain.saturating_sub(instance),
            variables: pk.num_variables() as u64,
            instance,
            domain,
            terms: 0,
            committed: pk.commitment().map_or(0, |ck| ck.len() as u64),
        }
    }

    /// The exact size of `statement` over `model` with range checks proven in `mode`, from a
    /// key-generation-mode synthesis: costs about a third of what the setup itself holds
    /// (see [`estimate_statement`] for a free estimate).
    pub fn of_statement(model: &LoadedModel, statement: Statement, mode: RangeMode) -> Result<Self> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        let circuit = statement.shape(&model.model);
        let mut recorder = IndexRecorder::default();
        match mode {
            RangeMode::Bits => circuit.generate_constraints(cs.clone())?,
            RangeMode::Lookup => {
                WithLookups { circuit, committer: Some(&mut recorder) }.generate_constraints(cs.clone())?
            }
        }
        cs.finalize();
        let constraints = cs.num_constraints() as u64;
        let instance = cs.num_instance_variables() as u64;
        let variables = instance + cs.num_witness_variables() as u64;
        // `lc_map` is arkworks' store of every linear combination (hidden from its docs but
        // public): its size is what the setup's synthesis holds.
        let terms = cs.borrow().map_or(0, |inner| inner.lc_map.total_lc_size() as u64);
        Ok(Self { terms, committed: recorder.0.len() as u64, ..Self::from_counts(constraints, variables, instance) })
    }

    /// A size from its counts; the domain is the power of two the circom reduction uses.
    pub fn from_counts(constraints: u64, variables: u64, instance: u64) -> Self {
        Self {
            constraints,
            variables,
            instance,
            domain: pow2(constraints.saturating_add(instance)),
            terms: 0,
            committed: 0,
        }
    }
}

/// The size of `statement` over `model` estimated without synthesis: the model's exact
/// constraint count (`zkid_core::report`, the per-layer cost model), the statement's public
/// inputs and its nonce constraint; as many variables as constraints (the bundled models have
/// 0.93–1.0 variables per constraint). Commitments and the match gadget are not counted
/// (1–13 % of the bundled statements), so this is the cheap first check before
/// [`CircuitSize::of_statement`].
pub fn estimate_statement(model: &LoadedModel, statement: Statement) -> CircuitSize {
    let outputs: u64 = model.model.output_shape().iter().product::<usize>() as u64;
    let public = match statement {
        Statement::Enroll => 3,
        Statement::Match(_) => 5,
        Statement::Infer(spec) => {
            let input = u64::from(spec.input == InputMode::Committed);
            let output = match spec.output {
                OutputMode::Public => outputs,
                OutputMode::Committed => 1,
            };
            input + output + 1
        }
    };
    let constraints = zkid_core::report::estimated_constraints(&model.model).saturating_add(public + 1);
    CircuitSize::from_counts(constraints, constraints, public + 1)
}

/// Bytes of a proving key in memory (arkworks affine points): `3m − l + n` G1 points in the
/// queries, `l` more in the verifying key, `m` G2 points, and a lookup-mode key's
/// commitment bases (one G1 point and a `usize` index per committed variable).
pub fn proving_key_bytes(size: &CircuitSize) -> u64 {
    let CircuitSize { variables: m, domain: n, committed, .. } = *size;
    g1().saturating_mul(m.saturating_mul(3).saturating_add(n).saturating_add(committed))
        .saturating_add(g2().saturating_mul(m))
        .saturating_add(8 * committed)
}

/// Bytes of a proving key file (formats 4 and 5: raw limbs), without its few hundred header bytes.
/// A lookup-mode key adds a `u32` index and a G1 point per committed variable.
pub fn proving_key_file_bytes(size: &CircuitSize) -> u64 {
    let CircuitSize { variables: m, domain: n, committed, .. } = *size;
    G1_FILE
        .saturating_mul(m.saturating_mul(3).saturating_add(n))
        .saturating_add(G2_FILE.saturating_mul(m))
        .saturating_add((G1_FILE + 4).saturating_mul(committed))
}

/// What one phase holds, besides [`BASE_BYTES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhaseBytes {
    /// The phase (`key load`, `synthesis`, `witness map`, `H MSM`, `witness MSMs`, …).
    pub phase: &'static str,
    /// Bytes it holds besides [`BASE_BYTES`], the proving key included when the phase holds it.
    pub bytes: u64,
}

/// An estimate of peak memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryEstimate {
    /// What is estimated: `proving` or `setup`.
    pub operation: &'static str,
    /// The circuit it is for.
    pub size: CircuitSize,
    /// Peak bytes: [`BASE_BYTES`] + the largest phase.
    pub peak: u64,
    /// Bytes of the proving key in memory.
    pub proving_key: u64,
    /// Every phase; the largest sets the peak.
    pub phases: Vec<PhaseBytes>,
}

impl MemoryEstimate {
    fn new(operation: &'static str, size: CircuitSize, key: u64, phases: Vec<PhaseBytes>) -> Self {
        let largest = phases.iter().map(|p| p.bytes).max().unwrap_or(0);
        Self { operation, size, peak: BASE_BYTES.saturating_add(largest), proving_key: key, phases }
    }

    /// The phase with the largest working set.
    pub fn peak_phase(&self) -> &'static str {
        self.phases.iter().max_by_key(|p| p.bytes).map_or("", |p| p.phase)
    }
}

/// Bytes per full-width scalar of zkid's MSM (`crate::msm`) besides the scalar itself: a
/// `u32` member index and `i16` signed digits, one per window (26 windows at the narrowest
/// window it picks for large inputs, 10 bits; 17 at 15 bits).
const MSM_FULL_BYTES: u64 = 4 + 2 * 26;

/// Bytes per witness scalar of zkid's MSM besides the scalar: index and magnitude (12), a few
/// `i16` digits for the 16- and 64-bit classes (8), and the copy of its base that sparse
/// classes stream from (counted by the caller, one base per member at most).
const MSM_SMALL_BYTES: u64 = 12 + 8;

/// Peak memory of loading a proving key of `size` from its file and proving with it.
pub fn prove_estimate(size: &CircuitSize) -> MemoryEstimate {
    let CircuitSize { constraints: c, variables: m, domain: n, .. } = *size;
    let key = proving_key_bytes(size);
    let with_key = |bytes: u64| key.saturating_add(bytes);
    let phases = vec![
        PhaseBytes { phase: "key load", bytes: with_key(proving_key_file_bytes(size).min(STREAM_BYTES)) },
        PhaseBytes { phase: "synthesis", bytes: with_key(FR.saturating_mul(pow2(m) + m + 2 * pow2(c))) },
        PhaseBytes { phase: "witness map", bytes: with_key(FR.saturating_mul(m + 3 * n + n / 2)) },
        // z, h, h as integers, the MSM's indices and digits.
        PhaseBytes {
            phase: "H MSM",
            bytes: with_key((FR * m).saturating_add(n.saturating_mul(FR + FR + MSM_FULL_BYTES))),
        },
        // z, z as integers, the MSM's classes and the G2 bases they copy (the B₂ query, the
        // largest of the witness MSMs).
        PhaseBytes { phase: "witness MSMs", bytes: with_key(m.saturating_mul(FR + FR + MSM_SMALL_BYTES + g2())) },
    ];
    MemoryEstimate::new("proving", *size, key, phases)
}

/// Points of arkworks' fixed-base table for `k` scalars (`BatchMulPreprocessing`): windows
/// of `w = ⌊0.69·⌈log₂k⌉⌋` bits (3 below 32 scalars), `2^w` points per window.
fn fixed_base_table_points(k: u64) -> u64 {
    let log2 = u64::from(k.max(1).next_power_of_two().trailing_zeros());
    let w = if k < 32 { 3 } else { (log2 * 69 / 100).max(1) };
    (1u64 << w.min(40)).saturating_mul(254u64.div_ceil(w))
}

/// Peak memory of a development setup of a circuit of `size` (key generation, then writing
/// the key files), with [`SETUP_SLACK_PERCENT`] on top.
pub fn setup_estimate(size: &CircuitSize) -> MemoryEstimate {
    let CircuitSize { variables: m, domain: n, committed, .. } = *size;
    let (g1p, g2p) = (size_of::<G1Projective>() as u64, size_of::<G2Projective>() as u64);
    let key = proving_key_bytes(size);
    // The G1 table, affine and (while it is built) projective.
    let table = fixed_base_table_points((3 * m).saturating_add(n)).saturating_mul(g1() + g1p);
    let mut phases = vec![
        setup_synthesis(size),
        // The H query, with the key counted whole: the L scalars wait, the 2n H scalars and
        // the n odd ones, the points projective before normalization, the G1 table.
        PhaseBytes {
            phase: "H query",
            bytes: slack(
                key.saturating_add(FR.saturating_mul(m + 3 * n)).saturating_add(g1p * n).saturating_add(table),
            ),
        },
        // The B₂ query: a, b, l scalars, the G2 points projective.
        PhaseBytes {
            phase: "B2 query",
            bytes: slack(key.saturating_add(FR.saturating_mul(3 * m)).saturating_add(g2p.saturating_mul(m))),
        },
        // The key file's bytes next to the key (the bindings return them; the CLI streams).
        PhaseBytes { phase: "key files", bytes: slack(key.saturating_add(proving_key_file_bytes(size))) },
    ];
    if committed > 0 {
        // A lookup-mode key's commitment bases, projective while they are normalized.
        phases.push(PhaseBytes {
            phase: "commitment key",
            bytes: slack(key.saturating_add(g1p.saturating_mul(committed))),
        });
    }
    MemoryEstimate::new("setup", *size, key, phases)
}

/// The first phase of a setup: the constraint system with its linear combinations and
/// matrices, the QAP evaluations a, b, c at τ, the Lagrange coefficients; no key yet.
fn setup_synthesis(size: &CircuitSize) -> PhaseBytes {
    let CircuitSize { constraints: c, variables: m, domain: n, terms, .. } = *size;
    let terms = if terms == 0 { c.saturating_mul(SETUP_TERMS_PER_CONSTRAINT) } else { terms };
    let bytes = SETUP_BYTES_PER_TERM
        .saturating_mul(terms)
        .saturating_add((8 + 3 * 24) * c)
        .saturating_add(FR.saturating_mul(3 * m + n));
    PhaseBytes { phase: "synthesis and QAP", bytes: slack(bytes) }
}

/// `bytes` with [`SETUP_SLACK_PERCENT`] on top.
fn slack(bytes: u64) -> u64 {
    bytes.saturating_add(bytes / 100 * SETUP_SLACK_PERCENT)
}

/// Peak memory of loading a proving-key file of `file_len` bytes from the file system
/// ([`crate::keys::KeyFile::load`], which streams it): the decoded key and at most
/// [`STREAM_BYTES`] of chunks. A check to make before reading a key whose circuit is not
/// known yet.
pub fn key_stream_estimate(file_len: u64) -> u64 {
    BASE_BYTES.saturating_add(file_len.min(STREAM_BYTES)).saturating_add(file_len.saturating_mul(g1()) / G1_FILE)
}

/// Peak memory of decoding a proving-key file of `file_len` bytes held in memory (its bytes
/// and the decoded key side by side, [`crate::keys::KeyFile::from_bytes`]): a check to make
/// before decoding a key whose circuit is not known yet.
pub fn key_load_estimate(file_len: u64) -> u64 {
    // Decoded points take what their file bytes take (ark-bn254 0.6: 64-byte G1, 128-byte G2
    // affine points), times the in-memory/file ratio should a later version pad them.
    BASE_BYTES.saturating_add(file_len).saturating_add(file_len.saturating_mul(g1()) / G1_FILE)
}

/// How much memory zkid may use for one setup or proof. Checked up front against an
/// estimate ([`prove_estimate`], [`setup_estimate`]): work over budget fails with
/// [`ProverError::OverMemoryBudget`] before any large buffer is allocated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryBudget(u64);

impl MemoryBudget {
    /// 2 GiB: what a mid-range phone lets one app use without being killed.
    pub const DEFAULT: MemoryBudget = MemoryBudget(2 * GIB);
    /// No limit.
    pub const UNLIMITED: MemoryBudget = MemoryBudget(u64::MAX);

    /// A budget of `bytes`.
    pub const fn from_bytes(bytes: u64) -> Self {
        Self(bytes)
    }

    /// The budget in bytes.
    pub const fn bytes(self) -> u64 {
        self.0
    }

    /// Parses `512MiB`, `2GiB`, `1.5G`, `800MB`, `1073741824` or `unlimited`: `K`/`M`/`G`/`T`
    /// and `KiB`/`MiB`/`GiB`/`TiB` are powers of 1024, `KB`/`MB`/`GB`/`TB` powers of 1000,
    /// a bare number is bytes; case and spaces do not matter.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || {
            ProverError::InvalidInput(format!(
                "memory budget `{text}`: expected a size such as 512MiB, 2GiB, 1.5G, 800MB or unlimited"
            ))
        };
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if t == "unlimited" || t == "none" {
            return Ok(Self::UNLIMITED);
        }
        let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
        let (number, unit) = t.split_at(split);
        let unit_bytes = match unit {
            "" | "b" => 1,
            "k" | "kib" => KIB,
            "m" | "mib" => MIB,
            "g" | "gib" => GIB,
            "t" | "tib" => TIB,
            "kb" => 1_000,
            "mb" => 1_000_000,
            "gb" => 1_000_000_000,
            "tb" => 1_000_000_000_000,
            _ => return Err(bad()),
        };
        let value: f64 = number.parse().map_err(|_| bad())?;
        let bytes = value * unit_bytes as f64;
        // 2^64 as f64 is exact; anything at or above it does not fit.
        if !(1.0..18_446_744_073_709_551_616.0).contains(&bytes) {
            return Err(bad());
        }
        Ok(Self(bytes as u64))
    }

    /// Refuses `estimate` if its peak is over the budget.
    pub fn check(self, estimate: &MemoryEstimate) -> Result<()> {
        self.check_bytes(estimate.operation, estimate.peak)
    }

    /// Refuses `operation` if `estimated` bytes are over the budget.
    pub fn check_bytes(self, operation: &'static str, estimated: u64) -> Result<()> {
        if estimated > self.0 {
            return Err(ProverError::OverMemoryBudget { operation, estimated, budget: self.0 });
        }
        Ok(())
    }
}

impl Default for MemoryBudget {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl std::str::FromStr for MemoryBudget {
    type Err = ProverError;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Display for MemoryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Self::UNLIMITED { f.write_str("unlimited") } else { f.write_str(&human_bytes(self.0)) }
    }
}

/// A byte count for messages: `812 B`, `12.4 KiB`, `3.21 MiB`, `1.50 GiB`.
pub fn human_bytes(n: u64) -> String {
    let f = n as f64;
    if n < KIB {
        format!("{n} B")
    } else if n < MIB {
        format!("{:.1} KiB", f / KIB as f64)
    } else if n < GIB {
        format!("{:.2} MiB", f / MIB as f64)
    } else {
        format!("{:.2} GiB", f / GIB as f64)
    }
}

/// Checks that proving with `pk` fits `budget` (key load included).
pub fn check_prove(pk: &ProvingKey, budget: MemoryBudget) -> Result<MemoryEstimate> {
    let estimate = prove_estimate(&CircuitSize::of_key(pk));
    budget.check(&estimate)?;
    Ok(estimate)
}

/// Checks that a dev setup of `statement` over `model` in range-check `mode`, and proving
/// with its keys, fit `budget`: first with the free estimate, then with the exact size from
/// a key-generation synthesis. Returns the exact size.
///
/// The free estimate counts bit decompositions. In lookup mode, whose circuits are a third
/// to a half of that, only its synthesis (what the exact count holds) has to fit: the exact
/// size decides.
pub fn check_setup(
    model: &LoadedModel,
    statement: Statement,
    mode: RangeMode,
    budget: MemoryBudget,
) -> Result<CircuitSize> {
    let rough = estimate_statement(model, statement);
    match mode {
        RangeMode::Bits => {
            budget.check(&setup_estimate(&rough))?;
            budget.check(&prove_estimate(&rough))?;
        }
        RangeMode::Lookup => budget.check(&MemoryEstimate::new("setup", rough, 0, vec![setup_synthesis(&rough)]))?,
    }
    let exact = CircuitSize::of_statement(model, statement, mode)?;
    budget.check(&setup_estimate(&exact))?;
    budget.check(&prove_estimate(&exact))?;
    Ok(exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes() {
        let p = |s: &str| MemoryBudget::parse(s).map(MemoryBudget::bytes);
        assert_eq!(p("512MiB").unwrap(), 512 << 20);
        assert_eq!(p("2GiB").unwrap(), 2 << 30);
        assert_eq!(p("2 g").unwrap(), 2 << 30);
        assert_eq!(p("1.5G").unwrap(), 3 << 29);
        assert_eq!(p("800MB").unwrap(), 800_000_000);
        assert_eq!(p("4096").unwrap(), 4096);
        assert_eq!(p("64k").unwrap(), 65536);
        assert_eq!(MemoryBudget::parse("unlimited").unwrap(), MemoryBudget::UNLIMITED);
        for bad in ["", "MiB", "-1GiB", "0", "1.2.3G", "12 parsecs", "NaNG", "inf", "99999999999TiB", "0.1"] {
            let e = MemoryBudget::parse(bad).unwrap_err();
            assert!(matches!(e, ProverError::InvalidInput(_)), "{bad}: {e:?}");
            assert!(e.to_string().contains("512MiB"), "{e}");
        }
    }

    #[test]
    fn display_round_trips_through_parse() {
        assert_eq!(MemoryBudget::DEFAULT.to_string(), "2.00 GiB");
        assert_eq!(MemoryBudget::parse(&MemoryBudget::DEFAULT.to_string()).unwrap(), MemoryBudget::DEFAULT);
        assert_eq!(MemoryBudget::UNLIMITED.to_string(), "unlimited");
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(3 * MIB + MIB / 2), "3.50 MiB");
    }

    #[test]
    fn over_budget_is_a_typed_error_naming_both_sizes() {
        let size = CircuitSize::from_counts(1 << 20, 1 << 20, 4);
        let est = prove_estimate(&size);
        let tight = MemoryBudget::from_bytes(est.peak - 1);
        let e = tight.check(&est).unwrap_err();
        assert!(matches!(e, ProverError::OverMemoryBudget { estimated, budget, operation: "proving" }
            if estimated == est.peak && budget == est.peak - 1));
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        let msg = e.to_string();
        assert!(msg.contains(&human_bytes(est.peak)) && msg.contains(&human_bytes(est.peak - 1)), "{msg}");
        assert!(msg.contains("--memory-budget"), "{msg}");
        MemoryBudget::from_bytes(est.peak).check(&est).unwrap();
        MemoryBudget::UNLIMITED.check(&est).unwrap();
    }

    #[test]
    fn the_domain_is_the_next_power_of_two_and_estimates_grow_with_it() {
        let a = CircuitSize::from_counts(1000, 1000, 3);
        assert_eq!(a.domain, 1024);
        assert_eq!(CircuitSize::from_counts(1022, 1000, 3).domain, 2048);
        let b = CircuitSize::from_counts(100_000, 100_000, 3);
        assert!(prove_estimate(&b).peak > prove_estimate(&a).peak);
        assert!(setup_estimate(&b).peak > setup_estimate(&a).peak);
        // A key file streams in: a large circuit peaks while it proves, well under twice
        // its key (what holding the file's bytes beside the decoded key would take).
        let big = prove_estimate(&CircuitSize::from_counts(1 << 20, 1 << 20, 3));
        assert_ne!(big.peak_phase(), "key load");
        assert!(big.peak > big.proving_key + STREAM_BYTES && big.peak < 2 * big.proving_key);
        let file = proving_key_file_bytes(&big.size);
        assert!(key_load_estimate(file) >= 2 * big.proving_key);
        assert!(key_stream_estimate(file) <= big.proving_key + STREAM_BYTES + BASE_BYTES);
        // A small key streams in one chunk: nothing beyond its own size is counted.
        assert_eq!(key_stream_estimate(1000), BASE_BYTES + 2000);
    }

    #[test]
    fn sizes_match_a_real_key_and_its_statement() {
        let model = LoadedModel::from_bytes(include_bytes!("../../models/iris/mini/model.zkm")).unwrap();
        let (pk, _) = crate::statement::setup(&model, Statement::Enroll, &mut rand::rngs::OsRng).unwrap();
        let of_key = CircuitSize::of_key(&pk.key);
        let exact = CircuitSize::of_statement(&model, Statement::Enroll, RangeMode::Bits).unwrap();
        assert_eq!((of_key.variables, of_key.instance, of_key.domain), (exact.variables, exact.instance, exact.domain));
        assert!(exact.constraints <= of_key.constraints);
        // The file is the counted points plus a header and the verifying key's G2 points.
        let file = pk.to_bytes().unwrap().len() as u64;
        let counted = proving_key_file_bytes(&exact);
        assert!(file > counted && file - counted < 2048, "file {file}, counted {counted}");
        // The free estimate: the model's constraints are exact, the commitments are not counted.
        let rough = estimate_statement(&model, Statement::Enroll);
        assert_eq!(rough.instance, exact.instance);
        assert!(
            rough.constraints <= exact.constraints && rough.constraints * 10 >= exact.constraints * 7,
            "{rough:?} {exact:?}"
        );
        // A budget check on the real key.
        let est = check_prove(&pk.key, MemoryBudget::DEFAULT).unwrap();
        assert!(est.peak > est.proving_key && est.proving_key >= counted, "{est:?} {counted}");
        let e = check_prove(&pk.key, MemoryBudget::from_bytes(est.peak / 2)).unwrap_err();
        assert!(matches!(e, ProverError::OverMemoryBudget { .. }), "{e:?}");
        let e =
            check_setup(&model, Statement::Enroll, RangeMode::Bits, MemoryBudget::from_bytes(BASE_BYTES)).unwrap_err();
        assert!(matches!(e, ProverError::OverMemoryBudget { operation: "setup", .. }), "{e:?}");
        assert_eq!(check_setup(&model, Statement::Enroll, RangeMode::Bits, MemoryBudget::DEFAULT).unwrap(), exact);
    }

    #[test]
    fn lookup_mode_sizes_match_a_real_lookup_key() {
        let model = LoadedModel::from_bytes(include_bytes!("../../models/iris/mini/model.zkm")).unwrap();
        let (pk, _) =
            crate::statement::setup_with(&model, Statement::Enroll, RangeMode::Lookup, &mut rand::rngs::OsRng).unwrap();
        let of_key = CircuitSize::of_key(&pk.key);
        let exact = CircuitSize::of_statement(&model, Statement::Enroll, RangeMode::Lookup).unwrap();
        let plain = CircuitSize::of_statement(&model, Statement::Enroll, RangeMode::Bits).unwrap();
        assert_eq!(
            (of_key.variables, of_key.instance, of_key.domain, of_key.committed),
            (exact.variables, exact.instance, exact.domain, exact.committed)
        );
        assert!(exact.committed > 0 && plain.committed == 0);
        assert!(exact.constraints < plain.constraints && exact.constraints <= of_key.constraints);
        // The file is the counted points (commitment bases included) plus a header, the
        // verifying key's points and the commitment section's fixed part.
        let file = pk.to_bytes().unwrap().len() as u64;
        let counted = proving_key_file_bytes(&exact);
        assert!(file > counted && file - counted < 2048, "file {file}, counted {counted}");
        // The setup check sizes the lookup circuit, not the plain one: a budget that just
        // fits the lookup setup and its proofs admits it and refuses the plain setup.
        let fits = MemoryBudget::from_bytes(setup_estimate(&exact).peak.max(prove_estimate(&exact).peak));
        assert_eq!(check_setup(&model, Statement::Enroll, RangeMode::Lookup, fits).unwrap(), exact);
        let e = check_setup(&model, Statement::Enroll, RangeMode::Bits, fits).unwrap_err();
        assert!(matches!(e, ProverError::OverMemoryBudget { .. }), "{e:?}");
        let e = check_setup(&model, Statement::Enroll, RangeMode::Lookup, MemoryBudget::from_bytes(BASE_BYTES))
            .unwrap_err();
        assert!(matches!(e, ProverError::OverMemoryBudget { .. }), "{e:?}");
    }
}
