//! The proving-key payload of a key file (format versions 4 and 5): the points as raw
//! Montgomery limbs, so that loading is a parallel copy, not a field conversion per
//! coordinate.
//!
//! arkworks' uncompressed serialization writes every coordinate in canonical form, so
//! reading it costs a Montgomery multiplication per coordinate (two per G1 point, four per
//! G2 point: about half of a 400 MB key's load time). This layout stores the in-memory
//! representation instead (`Fp::0`, four little-endian `u64` limbs per base-field element;
//! the limbs are `u64` on every target, so the bytes are the same on x86_64, aarch64 and
//! wasm32):
//!
//! | field | bytes |
//! |---|---|
//! | verifying key | arkworks uncompressed serialization (small) |
//! | `beta_g1`, `delta_g1` | 64 each |
//! | `a_query`, `b_g1_query` (G1), `b_g2_query` (G2), `h_query`, `l_query` (G1) | `u64` count, then 64 (G1) or 128 (G2) bytes per point |
//!
//! A G1 point is `x ‖ y` and a G2 point `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1`; the point at infinity
//! is all zero bytes (`(0, 0)` is on neither curve: `0 ≠ 0 + 3`). Points are read without
//! curve or subgroup checks: the key file's BLAKE3 trailer is their integrity check (see
//! [`crate::keys`]). Limb values are not reduced either; a limb pattern no honest writer
//! produces can only give proofs that fail the prover's own verification.

use std::io::Write;

use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, Fp};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use rayon::prelude::*;

use crate::error::{ProverError, Result};
use crate::key_stream::{ByteSource, Limited, SourceReader};
use crate::lookup_groth16::CommitmentKey;

/// Bytes of one base-field element.
const FQ: usize = 32;
/// Bytes of one G1 point.
const G1: usize = 2 * FQ;
/// Bytes of one G2 point.
const G2: usize = 4 * FQ;

type ArkProvingKey = ark_groth16::ProvingKey<Bn254>;

/// Size of the payload [`write`] produces.
pub(crate) fn len(pk: &ArkProvingKey) -> usize {
    pk.vk.serialized_size(Compress::No)
        + 2 * G1
        + 5 * 8
        + G1 * (pk.a_query.len() + pk.b_g1_query.len() + pk.h_query.len() + pk.l_query.len())
        + G2 * pk.b_g2_query.len()
}

fn fq_bytes(x: &Fq, out: &mut [u8]) {
    for (limb, chunk) in x.0.0.iter().zip(out.chunks_exact_mut(8)) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
}

fn fq_from(bytes: &[u8]) -> Fq {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(b);
    }
    Fp::new_unchecked(BigInt(limbs))
}

fn g1_bytes(p: &G1Affine) -> [u8; G1] {
    let mut out = [0u8; G1];
    if !p.is_zero() {
        fq_bytes(&p.x, &mut out[..FQ]);
        fq_bytes(&p.y, &mut out[FQ..]);
    }
    out
}

fn g2_bytes(p: &G2Affine) -> [u8; G2] {
    let mut out = [0u8; G2];
    if !p.is_zero() {
        for (i, c) in [p.x.c0, p.x.c1, p.y.c0, p.y.c1].iter().enumerate() {
            fq_bytes(c, &mut out[i * FQ..(i + 1) * FQ]);
        }
    }
    out
}

fn g1_from(bytes: &[u8]) -> G1Affine {
    if bytes.iter().all(|&b| b == 0) {
        return G1Affine::identity();
    }
    G1Affine::new_unchecked(fq_from(&bytes[..FQ]), fq_from(&bytes[FQ..G1]))
}

fn g2_from(bytes: &[u8]) -> G2Affine {
    if bytes.iter().all(|&b| b == 0) {
        return G2Affine::identity();
    }
    let c = |i: usize| fq_from(&bytes[i * FQ..(i + 1) * FQ]);
    G2Affine::new_unchecked(Fq2::new(c(0), c(1)), Fq2::new(c(2), c(3)))
}

/// Writes `pk` in this layout.
pub(crate) fn write<W: Write>(pk: &ArkProvingKey, mut w: W) -> Result<()> {
    pk.vk.serialize_uncompressed(&mut w).map_err(|e| match e {
        ark_serialize::SerializationError::IoError(io) => ProverError::Io(io),
        other => ProverError::KeyFormat(other.to_string()),
    })?;
    w.write_all(&g1_bytes(&pk.beta_g1))?;
    w.write_all(&g1_bytes(&pk.delta_g1))?;
    let g1_section = |w: &mut W, points: &[G1Affine]| -> Result<()> {
        w.write_all(&(points.len() as u64).to_le_bytes())?;
        points.iter().try_for_each(|p| w.write_all(&g1_bytes(p)))?;
        Ok(())
    };
    g1_section(&mut w, &pk.a_query)?;
    g1_section(&mut w, &pk.b_g1_query)?;
    w.write_all(&(pk.b_g2_query.len() as u64).to_le_bytes())?;
    pk.b_g2_query.iter().try_for_each(|p| w.write_all(&g2_bytes(p)))?;
    g1_section(&mut w, &pk.h_query)?;
    g1_section(&mut w, &pk.l_query)?;
    Ok(())
}

/// `n` bytes of `src`, or a key-format error naming `what` ends early.
fn take<'s>(src: &'s mut Limited<'_>, n: usize, what: &str) -> Result<&'s [u8]> {
    let left = src.remaining();
    src.take(n)?
        .ok_or_else(|| ProverError::KeyFormat(format!("proving key ends inside {what}: {n} bytes needed, {left} left")))
}

/// A `u64` count followed by that many `size`-byte points, decoded in parallel block by
/// block as the bytes arrive (a whole section at once from a slice, a chunk at a time from
/// a streamed file).
fn points<P: Send>(src: &mut Limited<'_>, size: usize, what: &str, decode: fn(&[u8]) -> P) -> Result<Vec<P>> {
    let mut count = [0u8; 8];
    count.copy_from_slice(take(src, 8, what)?);
    let count = u64::from_le_bytes(count);
    // A forged count cannot overflow or allocate: compare in u64 against what is left.
    if count.saturating_mul(size as u64) > src.remaining() {
        return Err(ProverError::KeyFormat(format!(
            "{what} claims {count} points, more than the {} bytes left hold",
            src.remaining()
        )));
    }
    let count = count as usize;
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let block = (src.contiguous()? / size).clamp(1, count - out.len());
        out.par_extend(take(src, block * size, what)?.par_chunks_exact(size).map(decode));
    }
    Ok(out)
}

/// Size of a lookup-mode key's commitment section ([`write_commitment`]).
pub(crate) fn commitment_len(ck: &CommitmentKey) -> usize {
    8 + 4 * ck.indices.len() + 8 + G1 * ck.bases.len() + 2 * G1 + G2
}

/// Writes a lookup-mode key's commitment section after the proving key: the committed
/// witness indices (`u64` count, `u32` each, ascending), their bases (a G1 section),
/// `[η/δ₁]₁`, `[η/δ]₁` and `[δ₁]₂`.
pub(crate) fn write_commitment<W: Write>(ck: &CommitmentKey, mut w: W) -> Result<()> {
    w.write_all(&(ck.indices.len() as u64).to_le_bytes())?;
    for &i in &ck.indices {
        let i = u32::try_from(i).map_err(|_| ProverError::KeyFormat("committed variable index above 2^32".into()))?;
        w.write_all(&i.to_le_bytes())?;
    }
    w.write_all(&(ck.bases.len() as u64).to_le_bytes())?;
    ck.bases.iter().try_for_each(|p| w.write_all(&g1_bytes(p)))?;
    w.write_all(&g1_bytes(&ck.blind))?;
    w.write_all(&g1_bytes(&ck.blind_c))?;
    w.write_all(&g2_bytes(&ck.delta1_g2))?;
    Ok(())
}

/// Reads [`write_commitment`]'s section for a key with `witnesses` witness variables: the
/// indices must ascend below it and match the bases in number.
pub(crate) fn read_commitment(src: &mut Limited<'_>, witnesses: usize) -> Result<CommitmentKey> {
    let indices: Vec<u32> = points(src, 4, "the committed indices", |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))?;
    let indices: Vec<usize> = indices.into_iter().map(|i| i as usize).collect();
    if !indices.is_sorted_by(|a, b| a < b) || indices.last().is_some_and(|&i| i >= witnesses) {
        return Err(ProverError::KeyFormat("committed indices must ascend below the witness count".into()));
    }
    let bases = points(src, G1, "the commitment bases", g1_from)?;
    if bases.len() != indices.len() {
        return Err(ProverError::KeyFormat(format!(
            "{} commitment bases for {} committed variables",
            bases.len(),
            indices.len()
        )));
    }
    let blind = g1_from(take(src, G1, "the commitment blinding base")?);
    let blind_c = g1_from(take(src, G1, "the C blinding base")?);
    let delta1_g2 = g2_from(take(src, G2, "[δ₁]₂")?);
    Ok(CommitmentKey { indices, bases, blind, blind_c, delta1_g2 })
}

/// Reads a payload written by [`write`] (the verifying key is read unchecked too: the
/// file's digest covers it, and verification uses the separately validated verifying-key
/// file).
pub(crate) fn read(src: &mut Limited<'_>) -> Result<ArkProvingKey> {
    let vk = ark_groth16::VerifyingKey::<Bn254>::deserialize_with_mode(SourceReader(src), Compress::No, Validate::No)
        .map_err(|e| ProverError::KeyFormat(e.to_string()))?;
    let beta_g1 = g1_from(take(src, G1, "beta_g1")?);
    let delta_g1 = g1_from(take(src, G1, "delta_g1")?);
    let a_query = points(src, G1, "the A query", g1_from)?;
    let b_g1_query = points(src, G1, "the B query (G1)", g1_from)?;
    let b_g2_query = points(src, G2, "the B query (G2)", g2_from)?;
    let h_query = points(src, G1, "the H query", g1_from)?;
    let l_query = points(src, G1, "the L query", g1_from)?;
    Ok(ArkProvingKey { vk, beta_g1, delta_g1, a_query, b_g1_query, b_g2_query, h_query, l_query })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key_stream::SliceSource;
    use ark_std::UniformRand;
    use rand::SeedableRng;

    fn read_slice(bytes: &[u8]) -> Result<ArkProvingKey> {
        let mut source = SliceSource::new(bytes);
        let mut src = Limited::new(&mut source, bytes.len() as u64);
        let pk = read(&mut src)?;
        if src.remaining() > 0 {
            return Err(ProverError::KeyFormat(format!("{} unread bytes", src.remaining())));
        }
        Ok(pk)
    }

    fn sample(n: usize) -> ArkProvingKey {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(5);
        let g1 = |rng: &mut rand_chacha::ChaCha20Rng, k: usize| -> Vec<G1Affine> {
            (0..k).map(|i| if i == 1 { G1Affine::identity() } else { G1Affine::rand(rng) }).collect()
        };
        let vk = ark_groth16::VerifyingKey::<Bn254> {
            alpha_g1: G1Affine::rand(&mut rng),
            beta_g2: G2Affine::rand(&mut rng),
            gamma_g2: G2Affine::rand(&mut rng),
            delta_g2: G2Affine::rand(&mut rng),
            gamma_abc_g1: g1(&mut rng, 3),
        };
        ArkProvingKey {
            vk,
            beta_g1: G1Affine::rand(&mut rng),
            delta_g1: G1Affine::generator(),
            a_query: g1(&mut rng, n),
            b_g1_query: g1(&mut rng, n),
            b_g2_query: (0..n).map(|i| if i == 0 { G2Affine::identity() } else { G2Affine::rand(&mut rng) }).collect(),
            h_query: g1(&mut rng, 8),
            l_query: g1(&mut rng, n - 2),
        }
    }

    #[test]
    fn round_trips_with_identities() {
        let pk = sample(9);
        let mut bytes = Vec::new();
        write(&pk, &mut bytes).unwrap();
        assert_eq!(bytes.len(), len(&pk));
        assert_eq!(read_slice(&bytes).unwrap(), pk);
    }

    #[test]
    fn truncated_or_padded_payloads_are_key_format_errors() {
        let pk = sample(5);
        let mut bytes = Vec::new();
        write(&pk, &mut bytes).unwrap();
        for cut in [0, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(matches!(read_slice(&bytes[..cut]), Err(ProverError::KeyFormat(_))), "cut at {cut}");
        }
        let mut long = bytes.clone();
        long.push(0);
        assert!(matches!(read_slice(&long), Err(ProverError::KeyFormat(m)) if m.contains("unread")));
    }

    #[test]
    fn a_forged_count_is_refused_without_allocating() {
        let pk = sample(4);
        let mut bytes = Vec::new();
        write(&pk, &mut bytes).unwrap();
        let at = pk.vk.serialized_size(Compress::No) + 2 * G1;
        bytes[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(read_slice(&bytes), Err(ProverError::KeyFormat(m)) if m.contains("claims")));
    }
}
