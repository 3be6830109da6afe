//! snarkjs files written from zkid's keys and witnesses, so snarkjs can prove zkid's
//! circuits (`zkid export zkey`, `zkid export wtns`; `snarkjs groth16 prove circuit.zkey
//! witness.wtns proof.json public.json`), e.g. to compare provers on the same circuit.
//!
//! # `.zkey` (Groth16, container version 1, little-endian)
//!
//! The layout [`crate::zkey`]'s reader validates: magic `zkey`, version 1, a section count,
//! then sections as `(id u32, size u64, body)`:
//!
//! | id | body |
//! |---|---|
//! | 1 | protocol: `1` (Groth16) |
//! | 2 | `n8q`, q, `n8r`, r, `nVars`, `nPublic`, `domainSize` (u32 each, primes as 32 bytes), α₁, β₁, β₂, γ₂, δ₁, δ₂ |
//! | 3 | IC: `nPublic + 1` G1 points (the verifying key's γ-ABC) |
//! | 4 | `nCoefs` (u32), then `(matrix u32, constraint u32, signal u32, value 32 bytes)`: every non-zero of A (0) and B (1), then one A entry `(nConstraints + i, i, 1)` per public input and the constant one (the rows the circom reduction appends) |
//! | 5, 6, 7 | A (G1), B (G1), B (G2) queries: `nVars` points each |
//! | 8 | C query: the `nVars − nPublic − 1` private signals' L points |
//! | 9 | H query: `domainSize` G1 points |
//! | 10 | contributions: a 64-byte circuit hash (zeros: no ceremony ran) and a count of 0 |
//!
//! Base-field coordinates are snarkjs's Montgomery form (arkworks' internal representation),
//! 32 bytes little-endian, G2 coordinates as `x.c0, x.c1, y.c0, y.c1`, the point at infinity
//! as zeros. Coefficients are stored as the integer `v·R² mod r`, as snarkjs's setup writes
//! them. `snarkjs zkey verify` checks a ceremony transcript this file does not have; proving
//! and verifying need only sections 1–9.
//!
//! # `.wtns` (version 2)
//!
//! Magic `wtns`, version 2, 2 sections: (1) `n8 = 32` (u32), r (32 bytes), `nWitness`
//! (u32); (2) the assignment in canonical (not Montgomery) form, 32 bytes little-endian
//! each, in the R1CS's wire order `[1, public inputs…, private…]`.

use crate::Fr;
use crate::error::{ProverError, Result};
use crate::keys::ProvingKey;
use crate::reduction;
use ark_bn254::{Fq, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use ark_poly::GeneralEvaluationDomain;
use zkid_circuits::r1cs::R1cs;

/// The `.wtns` file magic.
pub const WTNS_MAGIC: [u8; 4] = *b"wtns";
/// The `.wtns` version written.
pub const WTNS_VERSION: u32 = 2;

const ZKEY_MAGIC: [u8; 4] = *b"zkey";
const ZKEY_VERSION: u32 = 1;
const GROTH16: u32 = 1;
const FIELD_BYTES: u32 = 32;

fn mismatch(what: String) -> ProverError {
    ProverError::KeyCircuitMismatch(what)
}

fn u32_of(n: usize, what: &str) -> Result<u32> {
    u32::try_from(n).map_err(|_| ProverError::InvalidInput(format!("{what} ({n}) does not fit the format's 32 bits")))
}

/// Appends a base-field element in snarkjs's Montgomery little-endian form.
fn put_fq(out: &mut Vec<u8>, x: &Fq) {
    out.extend_from_slice(&x.0.to_bytes_le());
}

fn put_g1(out: &mut Vec<u8>, p: &G1Affine) {
    match p.xy() {
        Some((x, y)) => {
            put_fq(out, &x);
            put_fq(out, &y);
        }
        None => out.extend_from_slice(&[0u8; 64]),
    }
}

fn put_g2(out: &mut Vec<u8>, p: &G2Affine) {
    match p.xy() {
        Some((x, y)) => {
            for c in [x.c0, x.c1, y.c0, y.c1] {
                put_fq(out, &c);
            }
        }
        None => out.extend_from_slice(&[0u8; 128]),
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_section(out: &mut Vec<u8>, id: u32, body: &[u8]) {
    put_u32(out, id);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
}

/// Checks that `pk` was made for `r1cs` (variables, public inputs, domain, query lengths).
fn check_key(pk: &ProvingKey, r1cs: &R1cs) -> Result<usize> {
    let n_vars = r1cs.num_instance + r1cs.num_witness;
    let n_public = r1cs.num_instance.saturating_sub(1);
    if r1cs.num_instance == 0 || r1cs.b.len() != r1cs.a.len() {
        return Err(ProverError::InvalidInput("malformed R1CS (no constant one, or A and B of other lengths)".into()));
    }
    if pk.num_variables() != n_vars || pk.num_public_inputs() != n_public {
        return Err(mismatch(format!(
            "the key is for {} variables and {} public inputs, the circuit has {n_vars} and {n_public}",
            pk.num_variables(),
            pk.num_public_inputs()
        )));
    }
    let domain = reduction::domain_size::<Fr, GeneralEvaluationDomain<Fr>>(r1cs.num_constraints(), r1cs.num_instance)
        .ok_or(ProverError::Synthesis(ark_relations::gr1cs::SynthesisError::PolynomialDegreeTooLarge))?;
    let k = pk.as_ark();
    if pk.domain_size() != domain
        || k.a_query.len() != n_vars
        || k.b_g1_query.len() != n_vars
        || k.b_g2_query.len() != n_vars
        || k.l_query.len() != n_vars - r1cs.num_instance
        || k.h_query.len() != domain
    {
        return Err(mismatch(format!(
            "the key's queries do not fit the circuit ({} constraints, domain {domain})",
            r1cs.num_constraints()
        )));
    }
    Ok(domain)
}

/// A snarkjs Groth16 `.zkey` holding `pk` for the circuit `r1cs` (the statement's R1CS in
/// setup mode, e.g. [`crate::zkey::statement_r1cs`]); see the module docs for the layout.
///
/// Fails with [`ProverError::KeyCircuitMismatch`] when the key was made for another circuit.
pub fn zkey_bytes(pk: &ProvingKey, r1cs: &R1cs) -> Result<Vec<u8>> {
    if pk.is_lookup() {
        return Err(ProverError::InvalidInput(crate::groth16::LOOKUP_NOT_PORTABLE.into()));
    }
    let domain = check_key(pk, r1cs)?;
    let k = pk.as_ark();
    let vk = &k.vk;
    let n_vars = u32_of(r1cs.num_instance + r1cs.num_witness, "the number of variables")?;
    let n_public = u32_of(r1cs.num_instance - 1, "the number of public inputs")?;
    let n_constraints = r1cs.num_constraints();
    // One constraint index per row plus the public-input rows must fit u32.
    u32_of(n_constraints + r1cs.num_instance, "the number of constraints")?;

    let mut header = Vec::with_capacity(4 + 32 + 4 + 32 + 12 + 3 * 64 + 3 * 128);
    put_u32(&mut header, FIELD_BYTES);
    header.extend_from_slice(&Fq::MODULUS.to_bytes_le());
    put_u32(&mut header, FIELD_BYTES);
    header.extend_from_slice(&Fr::MODULUS.to_bytes_le());
    put_u32(&mut header, n_vars);
    put_u32(&mut header, n_public);
    put_u32(&mut header, u32_of(domain, "the domain size")?);
    put_g1(&mut header, &vk.alpha_g1);
    put_g1(&mut header, &k.beta_g1);
    put_g2(&mut header, &vk.beta_g2);
    put_g2(&mut header, &vk.gamma_g2);
    put_g1(&mut header, &k.delta_g1);
    put_g2(&mut header, &vk.delta_g2);

    // snarkjs stores coefficients as v·R² (the Montgomery form of v·R): its prover multiplies
    // them in Montgomery arithmetic with the witness in canonical form.
    let r2 = Fr::from_bigint(Fr::R2).ok_or_else(|| ProverError::InvalidInput("R² is not below r".into()))?;
    let non_zeros: usize = r1cs.a.iter().chain(&r1cs.b).map(Vec::len).sum();
    let n_coefs = non_zeros + r1cs.num_instance;
    let mut coefs = Vec::with_capacity(4 + n_coefs * 44);
    put_u32(&mut coefs, u32_of(n_coefs, "the number of A and B coefficients")?);
    let mut put_coef = |matrix: u32, constraint: usize, signal: usize, v: Fr| {
        put_u32(&mut coefs, matrix);
        put_u32(&mut coefs, constraint as u32);
        put_u32(&mut coefs, signal as u32);
        coefs.extend_from_slice(&(v * r2).into_bigint().to_bytes_le());
    };
    for (matrix, m) in [(0u32, &r1cs.a), (1, &r1cs.b)] {
        for (row, entries) in m.iter().enumerate() {
            for &(v, col) in entries {
                if col >= n_vars as usize {
                    return Err(ProverError::InvalidInput(format!("R1CS row {row} refers to variable {col}")));
                }
                put_coef(matrix, row, col, v);
            }
        }
    }
    for i in 0..r1cs.num_instance {
        put_coef(0, n_constraints + i, i, Fr::from(1u64));
    }

    let g1s = |points: &[G1Affine]| {
        let mut b = Vec::with_capacity(points.len() * 64);
        points.iter().for_each(|p| put_g1(&mut b, p));
        b
    };
    let mut b2 = Vec::with_capacity(k.b_g2_query.len() * 128);
    k.b_g2_query.iter().for_each(|p| put_g2(&mut b2, p));
    let mut contributions = vec![0u8; 64];
    put_u32(&mut contributions, 0);

    let sections: [(u32, Vec<u8>); 10] = [
        (1, GROTH16.to_le_bytes().to_vec()),
        (2, header),
        (3, g1s(&vk.gamma_abc_g1)),
        (4, coefs),
        (5, g1s(&k.a_query)),
        (6, g1s(&k.b_g1_query)),
        (7, b2),
        (8, g1s(&k.l_query)),
        (9, g1s(&k.h_query)),
        (10, contributions),
    ];
    let total: usize = sections.iter().map(|(_, b)| 12 + b.len()).sum();
    let mut out = Vec::with_capacity(12 + total);
    out.extend_from_slice(&ZKEY_MAGIC);
    put_u32(&mut out, ZKEY_VERSION);
    put_u32(&mut out, sections.len() as u32);
    for (id, body) in &sections {
        put_section(&mut out, *id, body);
    }
    Ok(out)
}

/// A circom `.wtns` (version 2) holding the full assignment `z` (constant one first).
pub fn wtns_bytes(z: &[Fr]) -> Result<Vec<u8>> {
    if z.first() != Some(&Fr::from(1u64)) {
        return Err(ProverError::InvalidInput("a witness starts with the constant one".into()));
    }
    let n = u32_of(z.len(), "the number of witness values")?;
    let mut header = Vec::with_capacity(40);
    put_u32(&mut header, FIELD_BYTES);
    header.extend_from_slice(&Fr::MODULUS.to_bytes_le());
    put_u32(&mut header, n);
    let mut values = Vec::with_capacity(z.len() * 32);
    for v in z {
        values.extend_from_slice(&v.into_bigint().to_bytes_le());
    }
    let mut out = Vec::with_capacity(12 + 24 + header.len() + values.len());
    out.extend_from_slice(&WTNS_MAGIC);
    put_u32(&mut out, WTNS_VERSION);
    put_u32(&mut out, 2);
    put_section(&mut out, 1, &header);
    put_section(&mut out, 2, &values);
    Ok(out)
}

/// Reads a `.wtns` written by [`wtns_bytes`] (or circom's witness calculator) back into
/// field elements; malformed files are [`ProverError::InvalidInput`].
pub fn read_wtns(bytes: &[u8]) -> Result<Vec<Fr>> {
    let bad = |why: &str| ProverError::InvalidInput(format!("malformed .wtns: {why}"));
    let u32_at = |at: usize| -> Result<u32> {
        let b = bytes.get(at..at + 4).ok_or_else(|| bad("truncated"))?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    if bytes.get(..4) != Some(WTNS_MAGIC.as_slice()) {
        return Err(bad("bad magic"));
    }
    if u32_at(4)? != WTNS_VERSION {
        return Err(bad("unsupported version"));
    }
    let n_sections = u32_at(8)?;
    let mut pos = 12usize;
    let (mut header, mut values) = (None, None);
    for _ in 0..n_sections {
        let id = u32_at(pos)?;
        let size = bytes.get(pos + 4..pos + 12).ok_or_else(|| bad("truncated section table"))?;
        let size = usize::try_from(u64::from_le_bytes(size.try_into().map_err(|_| bad("truncated"))?))
            .map_err(|_| bad("section too large"))?;
        let start = pos + 12;
        let body =
            start.checked_add(size).and_then(|end| bytes.get(start..end)).ok_or_else(|| bad("truncated section"))?;
        match id {
            1 => header = Some(body),
            2 => values = Some(body),
            _ => return Err(bad("unknown section")),
        }
        pos = start + size;
    }
    let (header, values) = (header.ok_or_else(|| bad("no header"))?, values.ok_or_else(|| bad("no values"))?);
    if header.len() != 40 || header[..4] != FIELD_BYTES.to_le_bytes() || header[4..36] != Fr::MODULUS.to_bytes_le()[..]
    {
        return Err(bad("not over BN254's scalar field"));
    }
    let n = u32::from_le_bytes([header[36], header[37], header[38], header[39]]) as usize;
    if values.len() != n * 32 {
        return Err(bad("the value count does not match the header"));
    }
    values
        .chunks_exact(32)
        .map(|c| {
            let v = Fr::from_le_bytes_mod_order(c);
            if v.into_bigint().to_bytes_le() == c { Ok(v) } else { Err(bad("a value is not below r")) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode};
    use rand_chacha::ChaCha20Rng;
    use rand_chacha::rand_core::SeedableRng;
    use zkid_circuits::synthetic::Synthetic;

    fn r1cs_of(c: Synthetic, setup: bool) -> R1cs {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        if setup {
            cs.set_mode(SynthesisMode::Setup);
        }
        c.generate_constraints(cs.clone()).unwrap();
        R1cs::from_cs(&cs).unwrap()
    }

    #[test]
    fn wtns_round_trips_and_rejects_malformed_files() {
        let z = r1cs_of(Synthetic::random(50, 3).unwrap(), false).z;
        let bytes = wtns_bytes(&z).unwrap();
        assert_eq!(bytes.len(), 12 + 12 + 40 + 12 + 32 * z.len());
        assert_eq!(read_wtns(&bytes).unwrap(), z);
        for len in 0..bytes.len() {
            assert!(read_wtns(&bytes[..len]).is_err(), "prefix of {len} bytes accepted");
        }
        let mut b = bytes.clone();
        b[0] = b'x';
        assert!(read_wtns(&b).is_err());
        let mut b = bytes.clone();
        let last = b.len() - 1;
        b[last] = 0xff; // the last value above r
        assert!(read_wtns(&b).is_err());
        assert!(wtns_bytes(&z[1..]).is_err(), "a witness without the constant one");
    }

    #[test]
    fn a_key_for_another_circuit_is_refused() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let (pk, _) = crate::setup_dev(Synthetic::setup(40).unwrap(), &mut rng).unwrap();
        let own = r1cs_of(Synthetic::setup(40).unwrap(), true);
        let bytes = zkey_bytes(&pk, &own).unwrap();
        assert_eq!(&bytes[..4], b"zkey");
        let other = r1cs_of(Synthetic::setup(60).unwrap(), true);
        assert!(matches!(zkey_bytes(&pk, &other), Err(ProverError::KeyCircuitMismatch(_))));
    }

    #[cfg(feature = "interop")]
    #[test]
    fn the_zkey_reads_back_as_the_same_key() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let (pk, _) = crate::setup_dev(Synthetic::setup(100).unwrap(), &mut rng).unwrap();
        let r1cs = r1cs_of(Synthetic::setup(100).unwrap(), true);
        let z = crate::zkey::read_zkey(&zkey_bytes(&pk, &r1cs).unwrap()).unwrap();
        assert_eq!(z.proving_key.as_ark(), pk.as_ark());
        crate::zkey::check_against(&z, &r1cs).unwrap();
        assert_eq!(z.info.num_constraints, 100);
        assert_eq!(z.info.contributions, Some(0));
    }
}
