//! circom / snarkjs interop (feature `interop`, desktop only): a statement's R1CS for
//! `zkid export r1cs`, and import of a snarkjs Phase-2 `.zkey` — a ceremony's output —
//! into zkid's key files.
//!
//! # Import
//!
//! [`import_zkey`] reads the `.zkey` with ark-circom's reader, then checks that it was made
//! for *this* statement over *this* model before wrapping its keys: the number of public
//! inputs, of variables and of constraints, the evaluation domain, and every row of the A
//! and B matrices (canonical form, see [`zkid_circuits::r1cs_file::normalize_row`]) must
//! equal those of [`statement_r1cs`]. A mismatch is a [`ZkeyError`] naming the first part
//! that differs.
//!
//! A `.zkey` carries no C matrix: C only exists inside the key's points (the L and IC
//! queries), which cannot be opened without the toxic waste. zkid's prover never reads C
//! either (the circom reduction takes `C·z` as `(A·z)∘(B·z)`), so a key whose C differs
//! gives proofs that fail verification, never false proofs accepted by *that* key. To check
//! that a ceremony used the right circuit for C as well, run
//! `snarkjs zkey verify circuit.r1cs final.ptau circuit.zkey` on the `.r1cs` zkid exported.
//!
//! # Malformed files
//!
//! ark-circom's reader panics on missing sections, out-of-range indices and points off the
//! curve. [`read_zkey`] therefore validates the container first — magic, version, section
//! table, field moduli, every section's size, every coefficient's indices and canonical
//! value, every point on the curve and in its subgroup — so every malformation is a typed
//! [`ZkeyError`] and ark-circom only ever sees a well-formed file.
//!
//! ark-circom pulls wasmer and cranelift: this module is compiled only with the `interop`
//! feature, which the CLI enables and phone/wasm builds never do.

use crate::Fr;
use crate::error::ProverError;
use crate::keys::{ProvingKey, ProvingKeyFile, VerifyingKeyFile};
use crate::reduction;
use crate::statement::{LoadedModel, Statement};
use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
use ark_ff::{BigInt, PrimeField};
use ark_poly::GeneralEvaluationDomain;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, Matrix, OptimizationGoal, R1CS_PREDICATE_LABEL, SynthesisMode,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use zkid_circuits::r1cs::R1cs;
use zkid_circuits::r1cs_file::normalize_row;

/// The file magic of a snarkjs `.zkey`.
pub const ZKEY_MAGIC: [u8; 4] = *b"zkey";
/// The `.zkey` container version snarkjs writes.
pub const ZKEY_VERSION: u32 = 1;

const G1_LEN: usize = 64;
const G2_LEN: usize = 128;
/// Body of the Groth16 header section: n8q, q, n8r, r, nVars, nPublic, domainSize,
/// α₁, β₁, β₂, γ₂, δ₁, δ₂.
const GROTH_HEADER_LEN: usize = 4 + 32 + 4 + 32 + 3 * 4 + 3 * G1_LEN + 3 * G2_LEN;
/// One coefficient: matrix, constraint, signal (u32 each) and a 32-byte value.
const COEF_LEN: usize = 12 + 32;

/// The A or B matrix (a `.zkey` has no C).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbMatrix {
    /// The left matrix.
    A,
    /// The right matrix.
    B,
}

impl std::fmt::Display for AbMatrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AbMatrix::A => "A",
            AbMatrix::B => "B",
        })
    }
}

/// Why a `.zkey` cannot be imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZkeyError {
    /// The file does not start with `zkey`.
    #[error("not a snarkjs .zkey file (bad magic)")]
    BadMagic,
    /// Another container version than [`ZKEY_VERSION`].
    #[error("unsupported .zkey version {found} (this build reads version {ZKEY_VERSION})")]
    UnsupportedVersion {
        /// Version in the file.
        found: u32,
    },
    /// The file ends before the data it announces.
    #[error("truncated .zkey file: it ends inside {what}")]
    Truncated {
        /// What was being read.
        what: String,
    },
    /// A key for another proof system (snarkjs also writes PLONK and FFLONK zkeys).
    #[error("the .zkey is for proof system {protocol} (snarkjs id), not Groth16 (1)")]
    NotGroth16 {
        /// Protocol id in section 1.
        protocol: u32,
    },
    /// Not over BN254 (another curve, or a corrupt header).
    #[error("the .zkey is not over BN254: {0}")]
    WrongCurve(String),
    /// A section ark-circom needs is absent.
    #[error(".zkey section {id} is missing")]
    MissingSection {
        /// Section id.
        id: u32,
    },
    /// A section appears twice.
    #[error(".zkey section {id} appears more than once")]
    DuplicateSection {
        /// Section id.
        id: u32,
    },
    /// A section's size does not match what the header announces.
    #[error(".zkey section {id} has {found} bytes, the header implies {expected}")]
    SectionSize {
        /// Section id.
        id: u32,
        /// Size implied by the header.
        expected: u64,
        /// Size in the file.
        found: u64,
    },
    /// The Groth16 header is inconsistent (domain not a power of two, fewer variables than
    /// public inputs, a domain too small for the constraints).
    #[error("inconsistent .zkey header: {0}")]
    InconsistentHeader(String),
    /// A matrix coefficient is malformed: unknown matrix, indices out of range, or a value
    /// that is not a canonical field element.
    #[error("malformed .zkey coefficient #{index}: {reason}")]
    BadCoefficient {
        /// Position in the coefficients section.
        index: u64,
        /// What is wrong.
        reason: String,
    },
    /// A point is not a canonical encoding of a point of the right group.
    #[error(
        ".zkey section {section} point #{index} is not a valid curve point (off the curve, outside the subgroup, or a coordinate not below the modulus)"
    )]
    BadPoint {
        /// Section id.
        section: u32,
        /// Index of the point in the section.
        index: usize,
    },
    /// ark-circom's reader failed on a file that passed validation.
    #[error("cannot read the .zkey: {0}")]
    Read(String),
    /// The zkey's circuit has another number of public inputs than the statement.
    #[error(
        "the .zkey is for another circuit: it has {zkey} public inputs, the statement has {circuit} (another statement or model?)"
    )]
    PublicInputCount {
        /// In the zkey.
        zkey: usize,
        /// In the statement's circuit.
        circuit: usize,
    },
    /// Another number of variables (constant one included).
    #[error(
        "the .zkey is for another circuit: it has {zkey} variables, the statement has {circuit} (another statement or model?)"
    )]
    VariableCount {
        /// In the zkey.
        zkey: usize,
        /// In the statement's circuit.
        circuit: usize,
    },
    /// Another number of constraints.
    #[error(
        "the .zkey is for another circuit: it has {zkey} constraints, the statement has {circuit} (another statement or model?)"
    )]
    ConstraintCount {
        /// In the zkey.
        zkey: usize,
        /// In the statement's circuit.
        circuit: usize,
    },
    /// Another evaluation domain (not a snarkjs circom-reduction key for this size).
    #[error("the .zkey has an evaluation domain of {zkey}, the statement needs {circuit}")]
    DomainSize {
        /// In the zkey.
        zkey: usize,
        /// For the statement's circuit.
        circuit: usize,
    },
    /// Same sizes, but a row of A or B differs: the first one is reported.
    #[error(
        "the .zkey is for another circuit: row {row} of matrix {matrix} (constraint {row}) differs from the statement's"
    )]
    RowMismatch {
        /// Which matrix.
        matrix: AbMatrix,
        /// Constraint index.
        row: usize,
    },
    /// Synthesis of the statement or building the key files failed.
    #[error(transparent)]
    Prover(#[from] ProverError),
}

/// Result alias of this module.
pub type Result<T, E = ZkeyError> = std::result::Result<T, E>;

/// The statement's R1CS over `model`, synthesized in setup mode exactly as key generation
/// and proving synthesize it (same optimization goal, same variable order): what
/// `zkid export r1cs` writes and what [`import_zkey`] compares a `.zkey` with.
pub fn statement_r1cs(model: &LoadedModel, statement: Statement) -> crate::error::Result<R1cs> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    statement.shape(&model.model).generate_constraints(cs.clone())?;
    cs.finalize();
    if let Some((label, _)) = cs
        .get_all_predicates_num_constraints()
        .into_iter()
        .find(|(label, count)| label != R1CS_PREDICATE_LABEL && *count > 0)
    {
        return Err(ProverError::UnsupportedPredicate(label));
    }
    Ok(R1cs::from_cs(&cs)?)
}

/// What a `.zkey` says about its circuit and ceremony.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZkeyInfo {
    /// Variables, the constant one included (snarkjs `nVars`).
    pub num_variables: usize,
    /// Public inputs (snarkjs `nPublic`).
    pub num_public_inputs: usize,
    /// Constraints (the public-input rows snarkjs appends excluded).
    pub num_constraints: usize,
    /// Evaluation domain size.
    pub domain_size: usize,
    /// Number of Phase-2 contributions recorded in the file, when it has that section.
    pub contributions: Option<u32>,
}

/// A `.zkey` read and validated, not yet checked against a statement.
pub struct Zkey {
    /// The proving key (with its verifying key).
    pub proving_key: ProvingKey,
    /// Rows of A (public-input rows excluded).
    pub a: Matrix<Fr>,
    /// Rows of B.
    pub b: Matrix<Fr>,
    /// Sizes and ceremony facts.
    pub info: ZkeyInfo,
}

/// Zkid key files made from a ceremony's `.zkey`.
pub struct ImportedKeys {
    /// The proving key file (model digest and statement id in its header).
    pub proving_key: ProvingKeyFile,
    /// The verifying key file.
    pub verifying_key: VerifyingKeyFile,
    /// What the `.zkey` said.
    pub info: ZkeyInfo,
}

/// Reads a `.zkey` file and checks it against `statement` over `model` (see
/// [`import_zkey`]).
pub fn import_zkey_file(path: &Path, model: &LoadedModel, statement: Statement) -> Result<ImportedKeys> {
    let bytes = std::fs::read(path).map_err(ProverError::Io)?;
    import_zkey(&bytes, model, statement)
}

/// Reads a snarkjs Phase-2 `.zkey`, checks that it was made for `statement` over `model`
/// (public inputs, variables, constraints, domain, every row of A and B) and wraps its
/// keys in zkid key files for that model and statement.
pub fn import_zkey(bytes: &[u8], model: &LoadedModel, statement: Statement) -> Result<ImportedKeys> {
    let zkey = read_zkey(bytes)?;
    let r1cs = statement_r1cs(model, statement)?;
    check_against(&zkey, &r1cs)?;
    let id = statement.id();
    let vk = zkey.proving_key.verifying_key();
    Ok(ImportedKeys {
        proving_key: ProvingKeyFile::new(zkey.proving_key, model.digest, id.clone())?,
        verifying_key: VerifyingKeyFile::new(vk, model.digest, id)?,
        info: zkey.info,
    })
}

/// Compares a `.zkey`'s circuit with `r1cs`; the first difference is the error.
pub fn check_against(zkey: &Zkey, r1cs: &R1cs) -> Result<()> {
    let info = &zkey.info;
    let circuit_public = r1cs.num_instance.saturating_sub(1);
    if info.num_public_inputs != circuit_public {
        return Err(ZkeyError::PublicInputCount { zkey: info.num_public_inputs, circuit: circuit_public });
    }
    let circuit_vars = r1cs.num_instance + r1cs.num_witness;
    if info.num_variables != circuit_vars {
        return Err(ZkeyError::VariableCount { zkey: info.num_variables, circuit: circuit_vars });
    }
    if info.num_constraints != r1cs.num_constraints() {
        return Err(ZkeyError::ConstraintCount { zkey: info.num_constraints, circuit: r1cs.num_constraints() });
    }
    let domain = reduction::domain_size::<Fr, GeneralEvaluationDomain<Fr>>(r1cs.num_constraints(), r1cs.num_instance)
        .ok_or(ProverError::Synthesis(ark_relations::gr1cs::SynthesisError::PolynomialDegreeTooLarge))?;
    if info.domain_size != domain {
        return Err(ZkeyError::DomainSize { zkey: info.domain_size, circuit: domain });
    }
    let rows = r1cs.num_constraints();
    let first = (0..rows).into_par_iter().find_first(|&i| {
        normalize_row(&zkey.a[i]) != normalize_row(&r1cs.a[i]) || normalize_row(&zkey.b[i]) != normalize_row(&r1cs.b[i])
    });
    if let Some(row) = first {
        let matrix = if normalize_row(&zkey.a[row]) != normalize_row(&r1cs.a[row]) { AbMatrix::A } else { AbMatrix::B };
        return Err(ZkeyError::RowMismatch { matrix, row });
    }
    Ok(())
}

/// Reads and validates a `.zkey` (see the module docs); no statement involved.
pub fn read_zkey(bytes: &[u8]) -> Result<Zkey> {
    let layout = validate(bytes)?;
    let (pk, matrices) =
        ark_circom::read_zkey(&mut std::io::Cursor::new(bytes)).map_err(|e| ZkeyError::Read(e.to_string()))?;
    let proving_key = ProvingKey::from_ark(pk);
    let info = ZkeyInfo {
        num_variables: layout.n_vars,
        num_public_inputs: layout.n_public,
        num_constraints: matrices.num_constraints,
        domain_size: layout.domain_size,
        contributions: layout.contributions,
    };
    if proving_key.num_variables() != info.num_variables
        || proving_key.num_public_inputs() != info.num_public_inputs
        || proving_key.domain_size() != info.domain_size
        || matrices.a.len() != info.num_constraints
        || matrices.b.len() != info.num_constraints
    {
        return Err(ZkeyError::Read("ark-circom's key does not have the sizes of the file's header".into()));
    }
    Ok(Zkey { proving_key, a: matrices.a, b: matrices.b, info })
}

/// What [`validate`] learned.
struct Layout {
    n_vars: usize,
    n_public: usize,
    domain_size: usize,
    contributions: Option<u32>,
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    let mut x = [0u8; 4];
    x.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(x)
}

fn le_u64(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

fn bigint_le(b: &[u8]) -> BigInt<4> {
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        *limb = le_u64(b, 8 * i);
    }
    BigInt::new(limbs)
}

/// A base-field element as snarkjs stores it (Montgomery form, like arkworks' internal
/// representation), or `None` if not below the modulus.
fn fq_montgomery(b: &[u8]) -> Option<Fq> {
    let raw = bigint_le(b);
    (raw < Fq::MODULUS).then(|| Fq::new_unchecked(raw))
}

/// Whether `b` (64 bytes) is a G1 point ark-circom accepts: (0, 0) for infinity, else on the
/// curve (BN254's G1 has cofactor 1).
fn g1_ok(b: &[u8]) -> bool {
    let (Some(x), Some(y)) = (fq_montgomery(&b[..32]), fq_montgomery(&b[32..64])) else {
        return false;
    };
    if x == Fq::from(0u64) && y == Fq::from(0u64) {
        return true;
    }
    let p = G1Affine::new_unchecked(x, y);
    p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve()
}

/// Whether `b` (128 bytes) is a G2 point ark-circom accepts: (0, 0) for infinity, else on
/// the twist and in the prime-order subgroup.
fn g2_ok(b: &[u8]) -> bool {
    let coords: Option<Vec<Fq>> = (0..4).map(|i| fq_montgomery(&b[32 * i..32 * i + 32])).collect();
    let Some(c) = coords else {
        return false;
    };
    let (x, y) = (Fq2::new(c[0], c[1]), Fq2::new(c[2], c[3]));
    if x == Fq2::from(0u64) && y == Fq2::from(0u64) {
        return true;
    }
    let p = G2Affine::new_unchecked(x, y);
    p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve()
}

/// Checks every point of a section body made of `len`-byte points.
fn check_points(section: u32, body: &[u8], len: usize) -> Result<()> {
    let ok = if len == G1_LEN { g1_ok } else { g2_ok };
    match body.par_chunks(len).position_first(|p| !ok(p)) {
        Some(index) => Err(ZkeyError::BadPoint { section, index }),
        None => Ok(()),
    }
}

/// Validates the container so that ark-circom's reader (which panics on malformed input)
/// only sees well-formed files.
fn validate(bytes: &[u8]) -> Result<Layout> {
    let truncated = |what: &str| ZkeyError::Truncated { what: what.into() };
    if bytes.len() < 4 {
        return Err(if ZKEY_MAGIC.starts_with(bytes) { truncated("the magic") } else { ZkeyError::BadMagic });
    }
    if bytes[..4] != ZKEY_MAGIC {
        return Err(ZkeyError::BadMagic);
    }
    if bytes.len() < 12 {
        return Err(truncated("the file header"));
    }
    let version = le_u32(bytes, 4);
    if version != ZKEY_VERSION {
        return Err(ZkeyError::UnsupportedVersion { found: version });
    }
    let n_sections = le_u32(bytes, 8);
    let mut sections: HashMap<u32, &[u8]> = HashMap::new();
    let mut pos = 12usize;
    for _ in 0..n_sections {
        if bytes.len() - pos < 12 {
            return Err(truncated("the section table"));
        }
        let id = le_u32(bytes, pos);
        let size = le_u64(bytes, pos + 4);
        pos += 12;
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| pos.checked_add(s))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| truncated(&format!("section {id}")))?;
        if sections.insert(id, &bytes[pos..end]).is_some() {
            return Err(ZkeyError::DuplicateSection { id });
        }
        pos = end;
    }
    let section = |id: u32| sections.get(&id).copied().ok_or(ZkeyError::MissingSection { id });
    let sized = |id: u32, expected: u64| -> Result<&[u8]> {
        let body = section(id)?;
        if body.len() as u64 != expected {
            return Err(ZkeyError::SectionSize { id, expected, found: body.len() as u64 });
        }
        Ok(body)
    };

    let protocol = sized(1, 4)?;
    let protocol = le_u32(protocol, 0);
    if protocol != 1 {
        return Err(ZkeyError::NotGroth16 { protocol });
    }

    let h = sized(2, GROTH_HEADER_LEN as u64)?;
    let (n8q, n8r) = (le_u32(h, 0), le_u32(h, 36));
    if n8q != 32 || n8r != 32 {
        return Err(ZkeyError::WrongCurve(format!("{n8q}/{n8r}-byte field elements, BN254 has 32/32")));
    }
    if bigint_le(&h[4..36]) != Fq::MODULUS {
        return Err(ZkeyError::WrongCurve("the base-field prime is not BN254's".into()));
    }
    if bigint_le(&h[40..72]) != Fr::MODULUS {
        return Err(ZkeyError::WrongCurve("the scalar-field prime is not BN254's".into()));
    }
    let n_vars = le_u32(h, 72) as usize;
    let n_public = le_u32(h, 76) as usize;
    let domain_size = le_u32(h, 80) as usize;
    if n_vars < n_public + 1 {
        return Err(ZkeyError::InconsistentHeader(format!(
            "{n_vars} variables cannot hold the constant one and {n_public} public inputs"
        )));
    }
    if !domain_size.is_power_of_two() || domain_size < n_public + 1 {
        return Err(ZkeyError::InconsistentHeader(format!(
            "domain size {domain_size} is not a power of two of at least the {} public-input rows",
            n_public + 1
        )));
    }
    let points = &h[84..];
    let header_points = [(0, G1_LEN), (64, G1_LEN), (128, G2_LEN), (256, G2_LEN), (384, G1_LEN), (448, G2_LEN)];
    for (i, &(at, len)) in header_points.iter().enumerate() {
        check_points(2, &points[at..at + len], len).map_err(|_| ZkeyError::BadPoint { section: 2, index: i })?;
    }

    let (v, p, d) = (n_vars as u64, n_public as u64, domain_size as u64);
    let point_sections = [
        (3, (p + 1) * G1_LEN as u64, G1_LEN),
        (5, v * G1_LEN as u64, G1_LEN),
        (6, v * G1_LEN as u64, G1_LEN),
        (7, v * G2_LEN as u64, G2_LEN),
        (8, (v - p - 1) * G1_LEN as u64, G1_LEN),
        (9, d * G1_LEN as u64, G1_LEN),
    ];
    for (id, expected, len) in point_sections {
        let body = sized(id, expected)?;
        check_points(id, body, len)?;
    }

    let coefs = section(4)?;
    if coefs.len() < 4 {
        return Err(ZkeyError::SectionSize { id: 4, expected: 4, found: coefs.len() as u64 });
    }
    let n_coefs = le_u32(coefs, 0) as u64;
    let expected = 4 + n_coefs * COEF_LEN as u64;
    if coefs.len() as u64 != expected {
        return Err(ZkeyError::SectionSize { id: 4, expected, found: coefs.len() as u64 });
    }
    let mut max_constraint = None::<u32>;
    for (index, c) in coefs[4..].chunks_exact(COEF_LEN).enumerate() {
        let bad = |reason: String| ZkeyError::BadCoefficient { index: index as u64, reason };
        let (matrix, constraint, signal) = (le_u32(c, 0), le_u32(c, 4), le_u32(c, 8));
        if matrix > 1 {
            return Err(bad(format!("matrix {matrix} (only A = 0 and B = 1 are stored)")));
        }
        if constraint as usize >= domain_size {
            return Err(bad(format!("constraint {constraint} is outside the domain of {domain_size}")));
        }
        if signal as usize >= n_vars {
            return Err(bad(format!("signal {signal} is past the {n_vars} variables")));
        }
        if bigint_le(&c[12..44]) >= Fr::MODULUS {
            return Err(bad("value not below the scalar-field modulus".into()));
        }
        max_constraint = max_constraint.max(Some(constraint));
    }
    // snarkjs appends one A row per public input (and the constant one) after the circuit's
    // constraints; ark-circom counts constraints as (last row − nPublic).
    if max_constraint.is_none_or(|m| (m as usize) < n_public) {
        return Err(ZkeyError::InconsistentHeader(format!(
            "the coefficients lack the {} public-input rows snarkjs appends",
            n_public + 1
        )));
    }

    // Section 10 (Phase-2 contributions): a 64-byte circuit hash, then the count.
    let contributions = sections.get(&10).filter(|s| s.len() >= 68).map(|s| le_u32(s, 64));
    Ok(Layout { n_vars, n_public, domain_size, contributions })
}

#[cfg(test)]
mod tests {
    // Test code: a failed unwrap is a test failure with its location.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use ark_ec::AffineRepr;
    use ark_ec::short_weierstrass::SWCurveConfig;
    use ark_ff::{BigInteger, Field, One};

    /// Montgomery-form little-endian bytes, as snarkjs writes base-field elements.
    fn fq_bytes(x: Fq) -> Vec<u8> {
        x.0.to_bytes_le()
    }

    fn g1_bytes(p: G1Affine) -> Vec<u8> {
        if p.is_zero() {
            return vec![0; 64];
        }
        [fq_bytes(p.x), fq_bytes(p.y)].concat()
    }

    fn g2_bytes(p: G2Affine) -> Vec<u8> {
        if p.is_zero() {
            return vec![0; 128];
        }
        [fq_bytes(p.x.c0), fq_bytes(p.x.c1), fq_bytes(p.y.c0), fq_bytes(p.y.c1)].concat()
    }

    /// Coefficient bytes as snarkjs writes them: the canonical integer `v·R² mod r`.
    fn coef_bytes(v: Fr) -> Vec<u8> {
        let r2 = Fr::from_bigint(Fr::R2).unwrap();
        (v * r2).into_bigint().to_bytes_le()
    }

    /// A hand-built zkey for `x·x = y` with public `y` (vars: 1, y, x; one constraint;
    /// A = B = [x]; public-input rows for 1 and y): a valid container with generator points
    /// (not a real setup, which is what the ceremony test makes).
    fn tiny_zkey() -> Vec<u8> {
        let g1 = g1_bytes(G1Affine::generator());
        let g2 = g2_bytes(G2Affine::generator());
        let (n_vars, n_public, domain) = (3u32, 1u32, 4u32);
        let mut header = Vec::new();
        header.extend_from_slice(&32u32.to_le_bytes());
        header.extend_from_slice(&Fq::MODULUS.to_bytes_le());
        header.extend_from_slice(&32u32.to_le_bytes());
        header.extend_from_slice(&Fr::MODULUS.to_bytes_le());
        for v in [n_vars, n_public, domain] {
            header.extend_from_slice(&v.to_le_bytes());
        }
        for p in [&g1, &g1, &g2, &g2, &g1, &g2] {
            header.extend_from_slice(p);
        }
        let mut coefs = Vec::new();
        let entries: [(u32, u32, u32); 4] = [(0, 0, 2), (1, 0, 2), (0, 1, 0), (0, 2, 1)];
        coefs.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (m, c, s) in entries {
            for v in [m, c, s] {
                coefs.extend_from_slice(&v.to_le_bytes());
            }
            coefs.extend_from_slice(&coef_bytes(Fr::one()));
        }
        let rep = |p: &[u8], n: u32| p.repeat(n as usize);
        let mut contributions = vec![0u8; 64];
        contributions.extend_from_slice(&1u32.to_le_bytes());
        let sections: Vec<(u32, Vec<u8>)> = vec![
            (1, 1u32.to_le_bytes().to_vec()),
            (2, header),
            (3, rep(&g1, n_public + 1)),
            (4, coefs),
            (5, rep(&g1, n_vars)),
            (6, rep(&g1, n_vars)),
            (7, rep(&g2, n_vars)),
            (8, rep(&g1, n_vars - n_public - 1)),
            (9, rep(&g1, domain)),
            (10, contributions),
        ];
        let mut out = b"zkey".to_vec();
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
        for (id, body) in sections {
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&(body.len() as u64).to_le_bytes());
            out.extend_from_slice(&body);
        }
        out
    }

    /// The tiny circuit's R1CS as zkid would synthesize it.
    fn tiny_r1cs() -> R1cs {
        let x = vec![(Fr::one(), 2)];
        R1cs {
            a: vec![x.clone()],
            b: vec![x],
            c: vec![vec![(Fr::one(), 1)]],
            num_instance: 2,
            num_witness: 1,
            z: vec![],
        }
    }

    /// Offset of section `id`'s body in [`tiny_zkey`].
    fn body_offset(bytes: &[u8], id: u32) -> usize {
        let mut pos = 12;
        loop {
            let (sid, size) = (le_u32(bytes, pos), le_u64(bytes, pos + 4) as usize);
            if sid == id {
                return pos + 12;
            }
            pos += 12 + size;
        }
    }

    fn patched(f: impl FnOnce(&mut Vec<u8>)) -> Result<Zkey> {
        let mut b = tiny_zkey();
        f(&mut b);
        read_zkey(&b)
    }

    #[test]
    fn reads_a_well_formed_zkey_and_checks_it() {
        let z = read_zkey(&tiny_zkey()).unwrap();
        assert_eq!(
            z.info,
            ZkeyInfo {
                num_variables: 3,
                num_public_inputs: 1,
                num_constraints: 1,
                domain_size: 4,
                contributions: Some(1)
            }
        );
        assert_eq!(z.a, vec![vec![(Fr::one(), 2)]]);
        check_against(&z, &tiny_r1cs()).unwrap();
    }

    #[test]
    fn mismatches_name_the_part_that_differs() {
        let z = read_zkey(&tiny_zkey()).unwrap();
        let mut r = tiny_r1cs();
        r.b[0] = vec![(Fr::from(2u64), 2)];
        assert!(matches!(check_against(&z, &r), Err(ZkeyError::RowMismatch { matrix: AbMatrix::B, row: 0 })));
        r.a[0] = vec![(Fr::one(), 1)];
        assert!(matches!(check_against(&z, &r), Err(ZkeyError::RowMismatch { matrix: AbMatrix::A, row: 0 })));
        let mut r = tiny_r1cs();
        r.num_witness = 2;
        assert!(matches!(check_against(&z, &r), Err(ZkeyError::VariableCount { zkey: 3, circuit: 4 })));
        let mut r = tiny_r1cs();
        r.num_instance = 3;
        r.num_witness = 0;
        assert!(matches!(check_against(&z, &r), Err(ZkeyError::PublicInputCount { zkey: 1, circuit: 2 })));
        let mut r = tiny_r1cs();
        r.a.push(vec![]);
        r.b.push(vec![]);
        r.c.push(vec![]);
        assert!(matches!(check_against(&z, &r), Err(ZkeyError::ConstraintCount { zkey: 1, circuit: 2 })));
        // Canonical comparison: a split, reordered row with a zero is the same row.
        let mut r = tiny_r1cs();
        r.a[0] = vec![(Fr::from(0u64), 1), (Fr::from(3u64), 2), (-Fr::from(2u64), 2)];
        check_against(&z, &r).unwrap();
    }

    #[test]
    fn malformed_containers_are_typed_errors() {
        assert!(matches!(read_zkey(b""), Err(ZkeyError::Truncated { .. })));
        assert!(matches!(read_zkey(b"r1cs\x01\0\0\0\0\0\0\0"), Err(ZkeyError::BadMagic)));
        assert!(matches!(patched(|b| b[4] = 2), Err(ZkeyError::UnsupportedVersion { found: 2 })));
        let p1 = body_offset(&tiny_zkey(), 1);
        assert!(matches!(patched(|b| b[p1] = 2), Err(ZkeyError::NotGroth16 { protocol: 2 })));
        let h = body_offset(&tiny_zkey(), 2);
        assert!(matches!(patched(|b| b[h] = 48), Err(ZkeyError::WrongCurve(_))));
        assert!(matches!(patched(|b| b[h + 4] ^= 1), Err(ZkeyError::WrongCurve(_))));
        assert!(matches!(patched(|b| b[h + 40] ^= 1), Err(ZkeyError::WrongCurve(_))));
        // Domain size 3 (header offset 80).
        assert!(matches!(patched(|b| b[h + 80] = 3), Err(ZkeyError::InconsistentHeader(_))));
        // nPublic 3 > nVars − 1.
        assert!(matches!(patched(|b| b[h + 76] = 3), Err(ZkeyError::InconsistentHeader(_))));
        // nVars 4: sections 5–8 are now too short.
        assert!(matches!(patched(|b| b[h + 72] = 4), Err(ZkeyError::SectionSize { id: 5, .. })));
        // A section id renamed: 9 missing, then 9 duplicated.
        let (t9, t10) = (body_offset(&tiny_zkey(), 9) - 12, body_offset(&tiny_zkey(), 10) - 12);
        assert!(matches!(patched(|b| b[t9] = 11), Err(ZkeyError::MissingSection { id: 9 })));
        assert!(matches!(patched(|b| b[t10] = 9), Err(ZkeyError::DuplicateSection { id: 9 })));
    }

    #[test]
    fn bad_points_and_coefficients_are_typed_errors() {
        let b0 = tiny_zkey();
        // α₁'s y + 1: off the curve.
        let h = body_offset(&b0, 2);
        assert!(matches!(patched(|b| b[h + 84 + 32] ^= 1), Err(ZkeyError::BadPoint { section: 2, index: 0 })));
        // Second A-query point's x set above the modulus.
        let a = body_offset(&b0, 5);
        assert!(matches!(patched(|b| b[a + 64..a + 96].fill(0xff)), Err(ZkeyError::BadPoint { section: 5, index: 1 })));
        // A B2 point on the twist but outside the prime-order subgroup is refused, not a panic.
        let b2 = body_offset(&b0, 7);
        let off_subgroup = off_subgroup_g2();
        assert!(matches!(
            patched(|b| b[b2..b2 + 128].copy_from_slice(&off_subgroup)),
            Err(ZkeyError::BadPoint { section: 7, index: 0 })
        ));
        let c = body_offset(&b0, 4) + 4;
        assert!(matches!(patched(|b| b[c] = 2), Err(ZkeyError::BadCoefficient { index: 0, .. })));
        assert!(matches!(patched(|b| b[c + 4] = 4), Err(ZkeyError::BadCoefficient { index: 0, .. })));
        assert!(matches!(patched(|b| b[c + 8] = 3), Err(ZkeyError::BadCoefficient { index: 0, .. })));
        assert!(matches!(patched(|b| b[c + 12..c + 44].fill(0xff)), Err(ZkeyError::BadCoefficient { .. })));
        // Coefficient count one higher than the section holds.
        assert!(matches!(patched(|b| b[c - 4] = 5), Err(ZkeyError::SectionSize { id: 4, .. })));
    }

    /// A point on BN254's twist outside the prime-order subgroup: try x = i, i+1, … until
    /// x³ + b' is a square, and keep the point if it fails the subgroup check (almost all do).
    fn off_subgroup_g2() -> Vec<u8> {
        let b = ark_bn254::g2::Config::COEFF_B;
        for i in 1u64.. {
            let x = Fq2::new(Fq::from(i), Fq::one());
            if let Some(y) = (x.square() * x + b).sqrt() {
                let p = G2Affine::new_unchecked(x, y);
                if p.is_on_curve() && !p.is_in_correct_subgroup_assuming_on_curve() {
                    return g2_bytes(p);
                }
            }
        }
        unreachable!()
    }

    #[test]
    fn every_truncation_is_a_typed_error() {
        let b = tiny_zkey();
        for len in 0..b.len() {
            assert!(read_zkey(&b[..len]).is_err(), "prefix of {len} bytes was accepted");
        }
    }
}
