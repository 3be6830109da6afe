//! circom's `.r1cs` binary format: what `zkid export r1cs` writes so that a Groth16
//! Phase-2 ceremony can run with snarkjs (`snarkjs groth16 setup circuit.r1cs …`), and a
//! reader for tests and for checking what a ceremony was run on.
//!
//! # Layout (iden3 binfile, version 1, all integers little-endian)
//!
//! | bytes | field |
//! |---|---|
//! | 4 | magic `r1cs` |
//! | 4 | version (`1`) |
//! | 4 | number of sections |
//! | per section: 4 + 8 + size | section type, size in bytes, body |
//!
//! Sections (each exactly once, in any order):
//!
//! 1. **header** — field size `n8` (u32, 32 for BN254), the prime (n8 bytes), `nWires`
//!    (u32, the constant one included), `nPubOut`, `nPubIn`, `nPrvIn` (u32 each), `nLabels`
//!    (u64), `mConstraints` (u32);
//! 2. **constraints** — for each constraint the linear combinations A, B, C, each as
//!    `nNonZero` (u32) then `nNonZero` × (wire u32, coefficient n8 bytes, canonical form);
//! 3. **wire → label map** — `nWires` × u64.
//!
//! Sections 4 and 5 (circom's custom gates, PLONK only) and any other type are refused.
//!
//! # How zkid's constraint systems map onto it
//!
//! Wire order is ark-relations' column order `[1, instance…, witness…]`, which is circom's
//! `[1, outputs, public inputs, private…]` with every zkid public signal counted as a
//! *public input*: `nPubOut = 0`, `nPubIn = num_instance − 1`. zkid does not tell the
//! circuit's private inputs from its internal signals, so `nPrvIn = 0` (snarkjs' setup
//! only uses `nPubOut + nPubIn`). Labels are the identity map (`nLabels = nWires`).
//! Linear combinations are written canonically: sorted by wire, duplicate wires summed,
//! zero coefficients dropped ([`normalize_row`]) — circom readers keep only the last entry
//! of a repeated wire, so a non-canonical row would be misread.

use crate::field::Fr;
use crate::r1cs::R1cs;
use ark_ff::{BigInt, BigInteger, PrimeField, Zero};
use ark_relations::gr1cs::Matrix;
use std::io::Write;

/// The file magic.
pub const MAGIC: [u8; 4] = *b"r1cs";
/// The format version this module writes and reads.
pub const VERSION: u32 = 1;
/// Bytes per field element (`n8`) for BN254's scalar field.
pub const FIELD_BYTES: u32 = 32;

const SECTION_HEADER: u32 = 1;
const SECTION_CONSTRAINTS: u32 = 2;
const SECTION_WIRE_MAP: u32 = 3;
/// Body size of the header section for `n8 = 32`.
const HEADER_BODY_LEN: u64 = 4 + FIELD_BYTES as u64 + 4 * 4 + 8 + 4;
/// Bytes of one `(wire, coefficient)` entry.
const ENTRY_LEN: u64 = 4 + FIELD_BYTES as u64;

/// A malformed or unsupported `.r1cs` file, or a constraint system too large for the format.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum R1csFileError {
    /// The file does not start with `r1cs`.
    #[error("not a circom .r1cs file (bad magic)")]
    BadMagic,
    /// Another format version than [`VERSION`].
    #[error("unsupported .r1cs version {found} (this build reads version {VERSION})")]
    UnsupportedVersion {
        /// Version in the file.
        found: u32,
    },
    /// The file (or a section) ends before the data it announces.
    #[error("truncated .r1cs file: it ends inside {what} (at byte {offset})")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Byte offset in the file where the read started.
        offset: u64,
    },
    /// The field is not BN254's scalar field (another curve, or a corrupt header).
    #[error("the .r1cs file is over another field: {0}")]
    WrongField(String),
    /// A section type this reader does not know or support (custom gates are PLONK only).
    #[error("unknown or unsupported .r1cs section type {id}")]
    UnknownSection {
        /// Section type in the file.
        id: u32,
    },
    /// A required section is absent.
    #[error(".r1cs section {id} is missing")]
    MissingSection {
        /// Section type.
        id: u32,
    },
    /// A section appears twice.
    #[error(".r1cs section {id} appears more than once")]
    DuplicateSection {
        /// Section type.
        id: u32,
    },
    /// A section's declared size disagrees with its content.
    #[error(".r1cs section {id} declares {declared} bytes but its content is {actual} bytes")]
    SectionSize {
        /// Section type.
        id: u32,
        /// Size in the section table.
        declared: u64,
        /// Size its content takes.
        actual: u64,
    },
    /// The header's counts are inconsistent (more signals than wires, no constant wire).
    #[error("inconsistent .r1cs header: {0}")]
    InconsistentHeader(String),
    /// A constraint refers to a wire at or past `nWires`.
    #[error(".r1cs constraint {constraint} refers to wire {wire}, but there are {n_wires} wires")]
    WireOutOfRange {
        /// Constraint index.
        constraint: u64,
        /// Wire index found.
        wire: u32,
        /// Number of wires in the header.
        n_wires: u32,
    },
    /// A coefficient is not below the field modulus.
    #[error(".r1cs constraint {constraint} has a coefficient that is not a canonical field element")]
    NonCanonical {
        /// Constraint index.
        constraint: u64,
    },
    /// A count does not fit the format's 32-bit fields (writer side).
    #[error("the constraint system is too large for the .r1cs format: {0}")]
    TooLarge(String),
    /// Writing failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// Result alias of this module.
pub type Result<T, E = R1csFileError> = std::result::Result<T, E>;

/// Counts from the header section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct R1csHeader {
    /// Wires, the constant one included.
    pub n_wires: u32,
    /// Public outputs (always 0 in files zkid writes).
    pub n_pub_out: u32,
    /// Public inputs.
    pub n_pub_in: u32,
    /// Private inputs (always 0 in files zkid writes, see the module docs).
    pub n_prv_in: u32,
    /// Labels.
    pub n_labels: u64,
    /// Constraints.
    pub n_constraints: u32,
}

impl R1csHeader {
    /// Public signals (outputs and public inputs): what snarkjs calls `nPublic`.
    pub fn n_public(&self) -> u64 {
        u64::from(self.n_pub_out) + u64::from(self.n_pub_in)
    }
}

/// The content of a `.r1cs` file, with canonical rows (see [`normalize_row`]).
#[derive(Clone, Debug, PartialEq)]
pub struct R1csFile {
    /// Header counts.
    pub header: R1csHeader,
    /// Left matrix, rows of `(coefficient, wire)`.
    pub a: Matrix<Fr>,
    /// Right matrix.
    pub b: Matrix<Fr>,
    /// Output matrix.
    pub c: Matrix<Fr>,
    /// Label of each wire (`nWires` entries).
    pub wire_to_label: Vec<u64>,
}

/// A row in canonical form: sorted by column, repeated columns summed, zero coefficients
/// dropped. Two rows are the same linear combination iff their canonical forms are equal.
pub fn normalize_row(row: &[(Fr, usize)]) -> Vec<(Fr, usize)> {
    let mut sorted: Vec<(Fr, usize)> = row.to_vec();
    sorted.sort_by_key(|&(_, col)| col);
    let mut out: Vec<(Fr, usize)> = Vec::with_capacity(sorted.len());
    for (coeff, col) in sorted {
        match out.last_mut() {
            Some((c, last)) if *last == col => *c += coeff,
            _ => out.push((coeff, col)),
        }
    }
    out.retain(|(c, _)| !c.is_zero());
    out
}

fn to_u32(n: usize, what: &str) -> Result<u32> {
    u32::try_from(n).map_err(|_| R1csFileError::TooLarge(format!("{n} {what} (at most {})", u32::MAX)))
}

impl R1csFile {
    /// The file for a synthesized constraint system (see the module docs for the mapping).
    /// Fails with [`R1csFileError::TooLarge`] past the format's 32-bit counts.
    pub fn from_r1cs(r1cs: &R1cs) -> Result<Self> {
        let n_wires = to_u32(r1cs.num_instance + r1cs.num_witness, "wires")?;
        let n_constraints = to_u32(r1cs.num_constraints(), "constraints")?;
        if r1cs.num_instance == 0 {
            return Err(R1csFileError::InconsistentHeader("no instance column for the constant one".into()));
        }
        let header = R1csHeader {
            n_wires,
            n_pub_out: 0,
            n_pub_in: to_u32(r1cs.num_instance - 1, "public inputs")?,
            n_prv_in: 0,
            n_labels: u64::from(n_wires),
            n_constraints,
        };
        let canon = |m: &Matrix<Fr>| -> Matrix<Fr> { m.iter().map(|r| normalize_row(r)).collect() };
        Ok(Self {
            header,
            a: canon(&r1cs.a),
            b: canon(&r1cs.b),
            c: canon(&r1cs.c),
            wire_to_label: (0..u64::from(n_wires)).collect(),
        })
    }

    /// Body size of the constraints section.
    fn constraints_len(&self) -> u64 {
        let entries: usize = [&self.a, &self.b, &self.c].iter().map(|m| m.iter().map(Vec::len).sum::<usize>()).sum();
        12 * self.a.len() as u64 + ENTRY_LEN * entries as u64
    }

    /// Writes the file (header, constraints, wire map), streaming. Rows are written as
    /// stored; [`R1csFile::from_r1cs`] already made them canonical.
    pub fn write_to<W: Write>(&self, w: W) -> Result<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, w);
        let rows = self.a.len();
        if self.b.len() != rows || self.c.len() != rows || rows as u64 != u64::from(self.header.n_constraints) {
            return Err(R1csFileError::InconsistentHeader(format!(
                "{} constraints in the header, matrices of {}, {} and {} rows",
                self.header.n_constraints,
                rows,
                self.b.len(),
                self.c.len()
            )));
        }
        if self.wire_to_label.len() as u64 != u64::from(self.header.n_wires) {
            return Err(R1csFileError::InconsistentHeader(format!(
                "{} wires but {} labels in the map",
                self.header.n_wires,
                self.wire_to_label.len()
            )));
        }
        w.write_all(&MAGIC)?;
        w.write_all(&VERSION.to_le_bytes())?;
        w.write_all(&3u32.to_le_bytes())?;

        let h = &self.header;
        w.write_all(&SECTION_HEADER.to_le_bytes())?;
        w.write_all(&HEADER_BODY_LEN.to_le_bytes())?;
        w.write_all(&FIELD_BYTES.to_le_bytes())?;
        w.write_all(&Fr::MODULUS.to_bytes_le())?;
        for v in [h.n_wires, h.n_pub_out, h.n_pub_in, h.n_prv_in] {
            w.write_all(&v.to_le_bytes())?;
        }
        w.write_all(&h.n_labels.to_le_bytes())?;
        w.write_all(&h.n_constraints.to_le_bytes())?;

        w.write_all(&SECTION_CONSTRAINTS.to_le_bytes())?;
        w.write_all(&self.constraints_len().to_le_bytes())?;
        for i in 0..rows {
            for row in [&self.a[i], &self.b[i], &self.c[i]] {
                w.write_all(&to_u32(row.len(), "entries in one row")?.to_le_bytes())?;
                for (coeff, col) in row {
                    w.write_all(&to_u32(*col, "wires")?.to_le_bytes())?;
                    w.write_all(&coeff.into_bigint().to_bytes_le())?;
                }
            }
        }

        w.write_all(&SECTION_WIRE_MAP.to_le_bytes())?;
        w.write_all(&(8 * self.wire_to_label.len() as u64).to_le_bytes())?;
        for label in &self.wire_to_label {
            w.write_all(&label.to_le_bytes())?;
        }
        w.flush()?;
        Ok(())
    }

    /// The file as bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write_to(&mut out)?;
        Ok(out)
    }

    /// Parses a `.r1cs` file. Every malformation is a typed error; rows come back canonical.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut top = Reader { bytes, pos: 0, base: 0 };
        if bytes.get(..4) != Some(&MAGIC[..]) {
            // A file shorter than the magic that is a prefix of it is a truncated r1cs.
            return Err(if bytes.len() < 4 && MAGIC.starts_with(bytes) {
                R1csFileError::Truncated { what: "the magic", offset: 0 }
            } else {
                R1csFileError::BadMagic
            });
        }
        top.pos = 4;
        let version = top.u32("the version")?;
        if version != VERSION {
            return Err(R1csFileError::UnsupportedVersion { found: version });
        }
        let n_sections = top.u32("the section count")?;
        let mut sections: [Option<Reader<'_>>; 3] = [None, None, None];
        for _ in 0..n_sections {
            let id = top.u32("a section header")?;
            let size = top.u64("a section header")?;
            let offset = top.base + top.pos as u64;
            let body = top.take(size, "a section body")?;
            let slot = match id {
                SECTION_HEADER | SECTION_CONSTRAINTS | SECTION_WIRE_MAP => &mut sections[id as usize - 1],
                _ => return Err(R1csFileError::UnknownSection { id }),
            };
            if slot.is_some() {
                return Err(R1csFileError::DuplicateSection { id });
            }
            *slot = Some(Reader { bytes: body, pos: 0, base: offset });
        }
        if top.pos != bytes.len() {
            return Err(R1csFileError::InconsistentHeader(format!(
                "{} bytes after the last section",
                bytes.len() - top.pos
            )));
        }
        let [h, c, m] = sections;
        let mut h = h.ok_or(R1csFileError::MissingSection { id: SECTION_HEADER })?;
        let mut c = c.ok_or(R1csFileError::MissingSection { id: SECTION_CONSTRAINTS })?;
        let mut m = m.ok_or(R1csFileError::MissingSection { id: SECTION_WIRE_MAP })?;

        let header = read_header(&mut h)?;
        let (a, b, cm) = read_constraints(&mut c, &header)?;
        let wire_to_label = read_map(&mut m, &header)?;
        Ok(Self { header, a, b, c: cm, wire_to_label })
    }
}

/// A cursor over a byte slice; `base` is the slice's offset in the file (for messages).
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: u64,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: u64, what: &'static str) -> Result<&'a [u8]> {
        let truncated = R1csFileError::Truncated { what, offset: self.base + self.pos as u64 };
        let n = usize::try_from(n).map_err(|_| R1csFileError::Truncated { what, offset: self.base })?;
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or(truncated)?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N as u64, what)?);
        Ok(out)
    }
    fn u32(&mut self, what: &'static str) -> Result<u32> {
        self.array::<4>(what).map(u32::from_le_bytes)
    }
    fn u64(&mut self, what: &'static str) -> Result<u64> {
        self.array::<8>(what).map(u64::from_le_bytes)
    }
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }
    /// Fails unless the section was read to its end.
    fn finish(&self, id: u32) -> Result<()> {
        if self.remaining() != 0 {
            return Err(R1csFileError::SectionSize { id, declared: self.bytes.len() as u64, actual: self.pos as u64 });
        }
        Ok(())
    }
}

/// A canonical field element from 32 little-endian bytes, or `None` if not below the modulus.
fn fr_from_le(bytes: [u8; 32]) -> Option<Fr> {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(b);
    }
    Fr::from_bigint(BigInt::new(limbs))
}

fn read_header(h: &mut Reader<'_>) -> Result<R1csHeader> {
    let n8 = h.u32("the header's field size")?;
    if n8 != FIELD_BYTES {
        return Err(R1csFileError::WrongField(format!(
            "{n8}-byte field elements, BN254's scalar field has {FIELD_BYTES}"
        )));
    }
    let prime: [u8; 32] = h.array("the header's prime")?;
    if prime[..] != Fr::MODULUS.to_bytes_le()[..] {
        return Err(R1csFileError::WrongField("the prime is not BN254's scalar-field modulus".into()));
    }
    let header = R1csHeader {
        n_wires: h.u32("the header")?,
        n_pub_out: h.u32("the header")?,
        n_pub_in: h.u32("the header")?,
        n_prv_in: h.u32("the header")?,
        n_labels: h.u64("the header")?,
        n_constraints: h.u32("the header")?,
    };
    h.finish(SECTION_HEADER)?;
    // Private inputs are not counted: circom's --O2 may substitute a private input's wire
    // away (its count stays in the header), and snarkjs accepts such files.
    if 1 + header.n_public() > u64::from(header.n_wires) {
        return Err(R1csFileError::InconsistentHeader(format!(
            "{} wires cannot hold the constant one and {} public signals",
            header.n_wires,
            header.n_public()
        )));
    }
    Ok(header)
}

type Matrices = (Matrix<Fr>, Matrix<Fr>, Matrix<Fr>);

fn read_constraints(c: &mut Reader<'_>, header: &R1csHeader) -> Result<Matrices> {
    // Every constraint takes at least 12 bytes: bound the allocation by the section size,
    // not by a count a corrupt header could inflate.
    let cap = (header.n_constraints as usize).min(c.remaining() / 12);
    let (mut a, mut b, mut cm) = (Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap));
    for i in 0..u64::from(header.n_constraints) {
        for m in [&mut a, &mut b, &mut cm] {
            let n = c.u32("a constraint")?;
            let raw = c.take(u64::from(n) * ENTRY_LEN, "a constraint")?;
            let mut row = Vec::with_capacity(n as usize);
            for entry in raw.chunks_exact(ENTRY_LEN as usize) {
                let mut wire = [0u8; 4];
                wire.copy_from_slice(&entry[..4]);
                let wire = u32::from_le_bytes(wire);
                if wire >= header.n_wires {
                    return Err(R1csFileError::WireOutOfRange { constraint: i, wire, n_wires: header.n_wires });
                }
                let mut coeff = [0u8; 32];
                coeff.copy_from_slice(&entry[4..]);
                let coeff = fr_from_le(coeff).ok_or(R1csFileError::NonCanonical { constraint: i })?;
                row.push((coeff, wire as usize));
            }
            m.push(normalize_row(&row));
        }
    }
    c.finish(SECTION_CONSTRAINTS)?;
    Ok((a, b, cm))
}

fn read_map(m: &mut Reader<'_>, header: &R1csHeader) -> Result<Vec<u64>> {
    let expected = 8 * u64::from(header.n_wires);
    if m.bytes.len() as u64 != expected {
        return Err(R1csFileError::SectionSize {
            id: SECTION_WIRE_MAP,
            declared: m.bytes.len() as u64,
            actual: expected,
        });
    }
    let mut out = Vec::with_capacity(header.n_wires as usize);
    for _ in 0..header.n_wires {
        out.push(m.u64("the wire map")?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    // Test code: a failed unwrap is a test failure with its location.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use ark_relations::gr1cs::{ConstraintSystem, LinearCombination, SynthesisMode, Variable};
    use proptest::prelude::*;

    /// `x·w0 = w1`, `(w0 + 2·w0 + 1)·1 = w2` (a repeated wire), `y·y = w1 − 0·w2`, with
    /// public `x, y`: small, but it exercises duplicates, zeros and public columns.
    fn small_r1cs() -> R1cs {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        let x = cs.new_input_variable(|| Ok(Fr::from(3u64))).unwrap();
        let y = cs.new_input_variable(|| Ok(Fr::from(5u64))).unwrap();
        let w0 = cs.new_witness_variable(|| Ok(Fr::from(7u64))).unwrap();
        let w1 = cs.new_witness_variable(|| Ok(Fr::from(21u64))).unwrap();
        let w2 = cs.new_witness_variable(|| Ok(Fr::from(22u64))).unwrap();
        let lc = |terms: &[(u64, Variable)]| {
            let mut lc = LinearCombination::<Fr>::zero();
            for &(c, v) in terms {
                lc += (Fr::from(c), v);
            }
            lc
        };
        cs.enforce_r1cs_constraint(|| lc(&[(1, x)]), || lc(&[(1, w0)]), || lc(&[(1, w1)])).unwrap();
        cs.enforce_r1cs_constraint(
            || lc(&[(1, w0), (2, w0), (1, Variable::One)]),
            || lc(&[(1, Variable::One)]),
            || lc(&[(1, w2)]),
        )
        .unwrap();
        cs.enforce_r1cs_constraint(|| lc(&[(1, y)]), || lc(&[(1, y)]), || lc(&[(1, w1), (0, w2)])).unwrap();
        R1cs::from_cs(&cs).unwrap()
    }

    fn small_bytes() -> Vec<u8> {
        R1csFile::from_r1cs(&small_r1cs()).unwrap().to_bytes().unwrap()
    }

    fn le32(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn round_trip_and_canonical_rows() {
        let r1cs = small_r1cs();
        let file = R1csFile::from_r1cs(&r1cs).unwrap();
        let h = file.header;
        assert_eq!((h.n_wires, h.n_pub_out, h.n_pub_in, h.n_prv_in, h.n_labels, h.n_constraints), (6, 0, 2, 0, 6, 3));
        // Wire order [1, x, y, w0, w1, w2]; the repeated w0 is summed, the zero dropped.
        assert_eq!(file.a[1], vec![(Fr::from(1u64), 0), (Fr::from(3u64), 3)]);
        assert_eq!(file.c[2], vec![(Fr::from(1u64), 4)]);
        let back = R1csFile::from_bytes(&file.to_bytes().unwrap()).unwrap();
        assert_eq!(back, file);
    }

    /// The layout byte for byte, as circom and snarkjs read it.
    #[test]
    fn layout_matches_the_circom_spec() {
        let b = small_bytes();
        assert_eq!(&b[..4], b"r1cs");
        assert_eq!((le32(&b, 4), le32(&b, 8)), (1, 3));
        // Header section: type 1, 64 bytes, n8 = 32, then the prime.
        assert_eq!(le32(&b, 12), 1);
        assert_eq!(u64::from_le_bytes(b[16..24].try_into().unwrap()), 64);
        assert_eq!(le32(&b, 24), 32);
        let r_be = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
        let prime_be: String = b[28..60].iter().rev().map(|x| format!("{x:02x}")).collect();
        assert_eq!(prime_be, r_be, "BN254's scalar-field modulus, little-endian");
        // nWires, nPubOut, nPubIn, nPrvIn, nLabels (u64), mConstraints.
        assert_eq!([le32(&b, 60), le32(&b, 64), le32(&b, 68), le32(&b, 72)], [6, 0, 2, 0]);
        assert_eq!(u64::from_le_bytes(b[76..84].try_into().unwrap()), 6);
        assert_eq!(le32(&b, 84), 3);
        // Constraints section, first constraint's A = [(x, 1)]: count 1, wire 1, coeff 1.
        assert_eq!(le32(&b, 88), 2);
        assert_eq!((le32(&b, 100), le32(&b, 104)), (1, 1));
        assert_eq!(b[108], 1);
        assert!(b[109..140].iter().all(|&x| x == 0));
    }

    fn patched(f: impl FnOnce(&mut Vec<u8>)) -> Result<R1csFile> {
        let mut b = small_bytes();
        f(&mut b);
        R1csFile::from_bytes(&b)
    }

    #[test]
    fn bad_magic_and_version() {
        assert!(matches!(patched(|b| b[0] = b'x'), Err(R1csFileError::BadMagic)));
        assert!(matches!(R1csFile::from_bytes(b"zkey\x01\0\0\0"), Err(R1csFileError::BadMagic)));
        assert!(matches!(R1csFile::from_bytes(b""), Err(R1csFileError::Truncated { .. })));
        assert!(matches!(patched(|b| b[4] = 2), Err(R1csFileError::UnsupportedVersion { found: 2 })));
    }

    #[test]
    fn every_truncation_is_a_typed_error() {
        let b = small_bytes();
        for len in 0..b.len() {
            match R1csFile::from_bytes(&b[..len]) {
                Err(R1csFileError::Truncated { .. } | R1csFileError::MissingSection { .. }) => {}
                other => panic!("prefix of {len} bytes: {other:?}"),
            }
        }
    }

    #[test]
    fn wrong_field_is_refused() {
        assert!(matches!(patched(|b| b[24] = 48), Err(R1csFileError::WrongField(_))));
        // BLS12-381's r instead of BN254's (first byte differs is enough).
        assert!(matches!(patched(|b| b[28] ^= 1), Err(R1csFileError::WrongField(_))));
    }

    #[test]
    fn unknown_duplicate_and_missing_sections() {
        let with_extra = |id: u32| {
            patched(|b| {
                b[8] = 4;
                b.extend_from_slice(&id.to_le_bytes());
                b.extend_from_slice(&0u64.to_le_bytes());
            })
        };
        assert!(matches!(with_extra(9), Err(R1csFileError::UnknownSection { id: 9 })));
        // Custom gates (PLONK) are circom sections we do not support.
        assert!(matches!(with_extra(4), Err(R1csFileError::UnknownSection { id: 4 })));
        assert!(matches!(with_extra(3), Err(R1csFileError::DuplicateSection { id: 3 })));
        // Drop the wire map (the last section: 12 + 8·6 bytes) and the section count.
        let missing = patched(|b| {
            b[8] = 2;
            b.truncate(b.len() - 12 - 48);
        });
        assert!(matches!(missing, Err(R1csFileError::MissingSection { id: 3 })));
        let trailing = patched(|b| b.push(0));
        assert!(matches!(trailing, Err(R1csFileError::InconsistentHeader(_))));
    }

    #[test]
    fn bad_constraints_are_refused() {
        // First A entry's wire (offset 104) past nWires.
        assert!(matches!(
            patched(|b| b[104] = 6),
            Err(R1csFileError::WireOutOfRange { constraint: 0, wire: 6, n_wires: 6 })
        ));
        // Its coefficient (offset 108) set to all ones: above the modulus.
        assert!(matches!(patched(|b| b[108..140].fill(0xff)), Err(R1csFileError::NonCanonical { constraint: 0 })));
        // One constraint fewer in the header leaves unread bytes in the section.
        assert!(matches!(patched(|b| b[84] = 2), Err(R1csFileError::SectionSize { id: 2, .. })));
        // One more: the section ends inside it.
        assert!(matches!(patched(|b| b[84] = 4), Err(R1csFileError::Truncated { .. })));
        // More public inputs than wires.
        assert!(matches!(patched(|b| b[68] = 9), Err(R1csFileError::InconsistentHeader(_))));
        // One wire more in the header than the wire map holds.
        assert!(matches!(patched(|b| b[60] = 7), Err(R1csFileError::SectionSize { id: 3, .. })));
        // One wire fewer: constraint 1 uses the last wire.
        assert!(matches!(patched(|b| b[60] = 5), Err(R1csFileError::WireOutOfRange { constraint: 1, wire: 5, .. })));
    }

    fn arb_matrix(rows: usize, cols: usize) -> impl Strategy<Value = Matrix<Fr>> {
        // Small coefficients give zeros and cancelling duplicates; negated ones are large.
        let coeff =
            (any::<u64>(), any::<bool>()).prop_map(|(c, small)| if small { Fr::from(c % 3) } else { -Fr::from(c) });
        let entry = (coeff, 0..cols);
        proptest::collection::vec(proptest::collection::vec(entry, 0..6), rows)
    }

    fn arb_r1cs() -> impl Strategy<Value = R1cs> {
        (1usize..4, 0usize..6, 0usize..8).prop_flat_map(|(inst, wit, rows)| {
            let m = || arb_matrix(rows, inst + wit);
            (m(), m(), m()).prop_map(move |(a, b, c)| R1cs {
                a,
                b,
                c,
                num_instance: inst,
                num_witness: wit,
                z: Vec::new(),
            })
        })
    }

    proptest! {
        #[test]
        fn round_trips_random_systems(r1cs in arb_r1cs()) {
            let file = R1csFile::from_r1cs(&r1cs).unwrap();
            let back = R1csFile::from_bytes(&file.to_bytes().unwrap()).unwrap();
            prop_assert_eq!(&back, &file);
            for (m, read) in [(&r1cs.a, &back.a), (&r1cs.b, &back.b), (&r1cs.c, &back.c)] {
                for (x, y) in m.iter().zip(read) {
                    prop_assert_eq!(&normalize_row(x), y);
                }
            }
        }

        /// Random corruption never panics: the reader returns a value or a typed error.
        #[test]
        fn corrupted_files_never_panic(at in 0usize..400, byte in any::<u8>(), cut in 0usize..400) {
            let mut b = small_bytes();
            let at = at % b.len();
            b[at] = byte;
            b.truncate(b.len() - cut % 8);
            let _ = R1csFile::from_bytes(&b);
        }
    }
}
