//! Proving and verifying keys, and the key file container.
//!
//! # File layout (version 4, all integers little-endian; version 5 is a lookup-mode key)
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic: `ZKIDPKEY` (proving key) or `ZKIDVKEY` (verifying key) |
//! | 8 | 2 | format version (`4`; `5`: a lookup-mode key, whose payload ends with the commitment section of [`crate::lookup_groth16`] (proving key) or `[δ₁]₂` (verifying key); versions 2 and 3 were the same layouts with a SHA-256 trailer, version 1 stored proving keys in arkworks' layout) |
//! | 10 | 32 | model digest (`zkid_core::ModelDigest`, SHA-256 of the `.zkm`) |
//! | 42 | 32 | verifying-key digest: SHA-256 of the VK's compressed arkworks bytes |
//! | 74 | 2 | length `k` of the statement id (≤ 256) |
//! | 76 | k | statement id, UTF-8 (e.g. `infer`, `enroll`, `match`) |
//! | 76+k | 8 | payload length `p` |
//! | 84+k | p | payload: a proving key as raw points ([`crate::key_layout`]); a verifying key in arkworks' **uncompressed** serialization |
//! | 84+k+p | 32 | BLAKE3 of every byte before it |
//!
//! Loading checks, in order: magic, version, lengths (truncation, trailing bytes), the
//! BLAKE3 trailer ([`ProverError::KeyDigestMismatch`]), optionally a digest pinned by the
//! caller ([`ProverError::KeyPinMismatch`], compared with the BLAKE3 of the *whole file*,
//! i.e. what `b3sum` prints), then decodes the payload and checks the VK digest.
//!
//! # Why BLAKE3
//!
//! Every load hashes the whole file, and SHA-256 (one core, SHA-NI: 1.9 GB/s here) was
//! most of a large key's load: 511 MiB took 299 ms. BLAKE3 hashes the same bytes several
//! times faster on one core (SIMD across its 1 KiB chunks: AVX-512/AVX2 on x86, NEON on
//! ARM), so the load is bound by decoding instead. Model files and VK digests stay SHA-256.
//!
//! # Why uncompressed and unchecked
//!
//! A proving key holds several G1/G2 points per constraint. Compressed points need a square
//! root each to load and subgroup checks cost a scalar multiplication each; that is
//! seconds to minutes for a large model on a phone. The proving key is therefore stored
//! uncompressed and read **without** curve/subgroup checks: its integrity comes from the
//! BLAKE3 trailer (and, for a key shipped with an app, from the pinned digest). A tampered proving
//! key can only make the device produce proofs that fail to verify; it cannot make a
//! verifier accept anything. The verifying key is small and is what soundness rests on, so
//! it is always fully validated (on curve, in the prime-order subgroup) when loaded.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;

use ark_bn254::{Bn254, G2Affine};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use zkid_core::ModelDigest;

use crate::error::{KeyKind, ProverError, Result};
use crate::key_layout;
pub use crate::key_stream::STREAM_BYTES;
use crate::key_stream::{self, ByteSource, Digester, Limited, SliceSource, StreamSource};
pub use crate::lookup_groth16::CommitmentKey;

/// Newest key file format version this build reads: 5, a lookup-mode key (version 4 and a
/// commitment extension).
pub const KEY_FORMAT_VERSION: u16 = 5;
/// Format version of a key without lookups (what every snarkjs-compatible key is written as);
/// the oldest this build reads.
pub const PLAIN_KEY_FORMAT_VERSION: u16 = 4;
/// Longest statement id a key file may carry, in bytes.
pub const MAX_STATEMENT_ID_LEN: usize = 256;

const PK_MAGIC: [u8; 8] = *b"ZKIDPKEY";
const VK_MAGIC: [u8; 8] = *b"ZKIDVKEY";
/// magic + version + model digest + vk digest + statement-id length.
const FIXED_HEADER: usize = 8 + 2 + 32 + 32 + 2;
const DIGEST_LEN: usize = 32;

/// A Groth16 proving key for BN254 (circom QAP reduction). Large: hundreds of bytes per
/// constraint. Obtain one from [`crate::setup_dev`], a key file, or (later) a snarkjs
/// `.zkey`. A **lookup-mode** key ([`crate::lookup_groth16`]) also holds a commitment key.
#[derive(Clone, PartialEq)]
pub struct ProvingKey {
    ark: ark_groth16::ProvingKey<Bn254>,
    commitment: Option<CommitmentKey>,
}

/// A summary: a proving key has millions of points, not something to print in a log.
impl std::fmt::Debug for ProvingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvingKey")
            .field("num_variables", &self.num_variables())
            .field("num_public_inputs", &self.num_public_inputs())
            .field("domain_size", &self.domain_size())
            .field("committed_variables", &self.commitment.as_ref().map(CommitmentKey::len))
            .finish_non_exhaustive()
    }
}

/// A Groth16 verifying key for BN254. Small; identifies the circuit (and so the model,
/// whose weights are circuit constants). A lookup-mode key also holds `[δ₁]₂`.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifyingKey {
    ark: ark_groth16::VerifyingKey<Bn254>,
    delta1_g2: Option<G2Affine>,
}

impl ProvingKey {
    /// Wraps an arkworks key. It must have been generated with the circom reduction
    /// ([`crate::CircomReduction`]) or come from a snarkjs `.zkey`.
    pub fn from_ark(pk: ark_groth16::ProvingKey<Bn254>) -> Self {
        Self { ark: pk, commitment: None }
    }
    /// A lookup-mode key: `pk`'s `L` slots of the committed variables must be empty.
    pub(crate) fn with_commitment(pk: ark_groth16::ProvingKey<Bn254>, ck: CommitmentKey) -> Self {
        Self { ark: pk, commitment: Some(ck) }
    }
    /// The arkworks key (for a lookup-mode key, without its commitment key).
    pub fn as_ark(&self) -> &ark_groth16::ProvingKey<Bn254> {
        &self.ark
    }
    /// Unwraps into the arkworks key (dropping a lookup-mode key's commitment key).
    pub fn into_ark(self) -> ark_groth16::ProvingKey<Bn254> {
        self.ark
    }
    /// The commitment key of a lookup-mode key.
    pub fn commitment(&self) -> Option<&CommitmentKey> {
        self.commitment.as_ref()
    }
    /// Whether proofs with this key use lookup range checks ([`crate::lookup_groth16`]).
    pub fn is_lookup(&self) -> bool {
        self.commitment.is_some()
    }
    /// The verifying key embedded in this proving key.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey { ark: self.ark.vk.clone(), delta1_g2: self.commitment.as_ref().map(CommitmentKey::delta1_g2) }
    }
    /// Number of public inputs the circuit has (constant one excluded; for a lookup-mode
    /// key the derived challenge is not counted).
    pub fn num_public_inputs(&self) -> usize {
        self.verifying_key().num_public_inputs()
    }
    /// Number of variables, the constant one included.
    pub fn num_variables(&self) -> usize {
        self.ark.a_query.len()
    }
    /// Size n of the circuit's evaluation domain.
    pub fn domain_size(&self) -> usize {
        self.ark.h_query.len()
    }
    /// Bytes of the uncompressed serialization (the payload of a key file).
    pub fn uncompressed_size(&self) -> usize {
        self.payload_len()
    }
}

impl VerifyingKey {
    /// Wraps an arkworks verifying key.
    pub fn from_ark(vk: ark_groth16::VerifyingKey<Bn254>) -> Self {
        Self { ark: vk, delta1_g2: None }
    }
    /// A lookup-mode verifying key.
    pub(crate) fn with_delta1(vk: ark_groth16::VerifyingKey<Bn254>, delta1_g2: G2Affine) -> Self {
        Self { ark: vk, delta1_g2: Some(delta1_g2) }
    }
    /// The arkworks key (for a lookup-mode key, without `[δ₁]₂`).
    pub fn as_ark(&self) -> &ark_groth16::VerifyingKey<Bn254> {
        &self.ark
    }
    /// Unwraps into the arkworks key.
    pub fn into_ark(self) -> ark_groth16::VerifyingKey<Bn254> {
        self.ark
    }
    /// `[δ₁]₂` of a lookup-mode key.
    pub fn delta1_g2(&self) -> Option<G2Affine> {
        self.delta1_g2
    }
    /// Whether proofs for this key use lookup range checks.
    pub fn is_lookup(&self) -> bool {
        self.delta1_g2.is_some()
    }
    /// Number of public inputs a proof is verified with (constant one excluded; a
    /// lookup-mode key's last circuit input, the challenge, is derived, not given).
    pub fn num_public_inputs(&self) -> usize {
        self.ark.gamma_abc_g1.len().saturating_sub(1 + usize::from(self.is_lookup()))
    }
    /// SHA-256 of the key's compressed arkworks serialization (followed by `[δ₁]₂`
    /// compressed for a lookup-mode key): a short, stable identifier recorded in key file
    /// headers so a proving key and a verifying key can be matched.
    pub fn digest(&self) -> [u8; 32] {
        let mut bytes = Vec::with_capacity(self.ark.compressed_size() + 64);
        // Writing into a Vec cannot fail.
        let _ = self.ark.serialize_compressed(&mut bytes);
        if let Some(d) = self.delta1_g2 {
            let _ = d.serialize_compressed(&mut bytes);
        }
        sha256(&bytes)
    }
}

/// SHA-256 of `bytes` (verifying-key digests; model files and exported artifacts are
/// identified by it too).
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
    out
}

/// BLAKE3 of `bytes`: the digest a key file ends with and is pinned with (what `b3sum`
/// prints for the whole file).
pub fn file_digest(bytes: &[u8]) -> [u8; 32] {
    *blake3::hash(bytes).as_bytes()
}

/// Lower-case hex of a digest (for messages and CLI output).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses a 32-byte digest written as 64 hex digits (either case, surrounding whitespace
/// ignored), e.g. a key pin from a release manifest; anything else is
/// [`ProverError::InvalidInput`] naming the length or the position of the first bad digit.
pub fn parse_digest_hex(text: &str) -> Result<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 {
        return Err(ProverError::InvalidInput(format!("a digest is 64 hex digits, got {} characters", text.len())));
    }
    let mut out = [0u8; 32];
    for (i, pair) in text.as_bytes().chunks_exact(2).enumerate() {
        let digit = |k: usize| {
            char::from(pair[k]).to_digit(16).ok_or_else(|| {
                ProverError::InvalidInput(format!("the digest has a non-hex digit at position {}", 2 * i + k))
            })
        };
        out[i] = u8::try_from(digit(0)? * 16 + digit(1)?).unwrap_or_default();
    }
    Ok(out)
}

/// What a key file says about its key besides the key itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyHeader {
    /// The model the circuit was built from.
    pub model_digest: ModelDigest,
    /// The statement the circuit proves (`infer`, `enroll`, `match`, …).
    pub statement_id: String,
    /// [`VerifyingKey::digest`] of the key (or of the proving key's embedded VK).
    pub vk_digest: [u8; 32],
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::ProvingKey {}
    impl Sealed for super::VerifyingKey {}
}

/// A key type that can live in a key file: [`ProvingKey`] or [`VerifyingKey`] (sealed).
pub trait KeyPayload: sealed::Sealed + Sized + Send {
    /// Which kind of key this is.
    const KIND: KeyKind;
    #[doc(hidden)]
    fn vk_digest(&self) -> [u8; 32];
    #[doc(hidden)]
    fn payload_len(&self) -> usize;
    #[doc(hidden)]
    fn format_version(&self) -> u16;
    #[doc(hidden)]
    fn write_payload<W: Write>(&self, w: W) -> Result<()>;
    #[doc(hidden)]
    fn read_payload(src: &mut Limited<'_>, version: u16) -> Result<Self>;
}

fn key_format(e: impl std::fmt::Display) -> ProverError {
    ProverError::KeyFormat(e.to_string())
}

impl KeyPayload for ProvingKey {
    const KIND: KeyKind = KeyKind::Proving;
    fn vk_digest(&self) -> [u8; 32] {
        self.verifying_key().digest()
    }
    fn payload_len(&self) -> usize {
        key_layout::len(&self.ark) + self.commitment.as_ref().map_or(0, key_layout::commitment_len)
    }
    fn format_version(&self) -> u16 {
        if self.is_lookup() { KEY_FORMAT_VERSION } else { PLAIN_KEY_FORMAT_VERSION }
    }
    fn write_payload<W: Write>(&self, mut w: W) -> Result<()> {
        key_layout::write(&self.ark, &mut w)?;
        match &self.commitment {
            Some(ck) => key_layout::write_commitment(ck, w),
            None => Ok(()),
        }
    }
    fn read_payload(src: &mut Limited<'_>, version: u16) -> Result<Self> {
        // Unchecked on purpose (see module docs): integrity comes from the BLAKE3 trailer.
        let ark = key_layout::read(src)?;
        let commitment = if version == KEY_FORMAT_VERSION {
            Some(key_layout::read_commitment(src, ark.l_query.len())?)
        } else {
            None
        };
        if src.remaining() > 0 {
            return Err(ProverError::KeyFormat(format!("{} unread bytes after the proving key", src.remaining())));
        }
        Ok(Self { ark, commitment })
    }
}

impl KeyPayload for VerifyingKey {
    const KIND: KeyKind = KeyKind::Verifying;
    fn vk_digest(&self) -> [u8; 32] {
        self.digest()
    }
    fn payload_len(&self) -> usize {
        self.ark.serialized_size(Compress::No) + self.delta1_g2.map_or(0, |d| d.serialized_size(Compress::No))
    }
    fn format_version(&self) -> u16 {
        if self.is_lookup() { KEY_FORMAT_VERSION } else { PLAIN_KEY_FORMAT_VERSION }
    }
    fn write_payload<W: Write>(&self, mut w: W) -> Result<()> {
        self.ark.serialize_uncompressed(&mut w).map_err(serialize_error)?;
        match self.delta1_g2 {
            Some(d) => d.serialize_uncompressed(w).map_err(serialize_error),
            None => Ok(()),
        }
    }
    fn read_payload(src: &mut Limited<'_>, version: u16) -> Result<Self> {
        // Small: read whole. The container has checked that the file holds the payload.
        let len = usize::try_from(src.remaining()).map_err(key_format)?;
        let whole = src.take(len)?.ok_or_else(|| ProverError::KeyFormat("verifying key payload ends early".into()))?;
        let mut bytes: &[u8] = whole;
        // Checked: the verifying key is what soundness rests on.
        let vk = ark_groth16::VerifyingKey::<Bn254>::deserialize_with_mode(&mut bytes, Compress::No, Validate::Yes)
            .map_err(key_format)?;
        let delta1_g2 = if version == KEY_FORMAT_VERSION {
            Some(G2Affine::deserialize_with_mode(&mut bytes, Compress::No, Validate::Yes).map_err(key_format)?)
        } else {
            None
        };
        if !bytes.is_empty() {
            return Err(ProverError::KeyFormat(format!("{} unread bytes after the verifying key", bytes.len())));
        }
        if vk.gamma_abc_g1.len() < 1 + usize::from(delta1_g2.is_some()) {
            return Err(ProverError::KeyFormat("verifying key has too few IC points".into()));
        }
        Ok(Self { ark: vk, delta1_g2 })
    }
}

fn serialize_error(e: ark_serialize::SerializationError) -> ProverError {
    match e {
        ark_serialize::SerializationError::IoError(io) => ProverError::Io(io),
        other => ProverError::KeyFormat(other.to_string()),
    }
}

/// A key file's header and its payload's length, read before the payload.
struct Head {
    header: KeyHeader,
    version: u16,
    payload_len: u64,
}

/// A key with its header, as stored in a key file.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyFile<K> {
    /// Model, statement and VK digest the key belongs to.
    pub header: KeyHeader,
    /// The key.
    pub key: K,
}

/// A proving key file (`ZKIDPKEY`).
pub type ProvingKeyFile = KeyFile<ProvingKey>;
/// A verifying key file (`ZKIDVKEY`).
pub type VerifyingKeyFile = KeyFile<VerifyingKey>;

/// A writer that feeds a BLAKE3 hasher with everything it writes.
struct HashingWriter<W> {
    inner: W,
    ctx: blake3::Hasher,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.ctx.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<K: KeyPayload> KeyFile<K> {
    /// Wraps `key` with its header; the VK digest is computed from the key.
    ///
    /// Fails with [`ProverError::KeyFormat`] if the statement id is longer than
    /// [`MAX_STATEMENT_ID_LEN`] bytes.
    pub fn new(key: K, model_digest: ModelDigest, statement_id: impl Into<String>) -> Result<Self> {
        let statement_id = statement_id.into();
        if statement_id.len() > MAX_STATEMENT_ID_LEN {
            return Err(ProverError::KeyFormat(format!(
                "statement id of {} bytes exceeds {MAX_STATEMENT_ID_LEN}",
                statement_id.len()
            )));
        }
        let header = KeyHeader { model_digest, statement_id, vk_digest: key.vk_digest() };
        Ok(Self { header, key })
    }

    fn magic() -> [u8; 8] {
        match K::KIND {
            KeyKind::Proving => PK_MAGIC,
            KeyKind::Verifying => VK_MAGIC,
        }
    }

    /// Writes the file to `w`, streaming (the payload is not buffered). Returns the
    /// BLAKE3 of the whole file, the value to pin with [`KeyFile::from_bytes_pinned`].
    pub fn write_to<W: Write>(&self, w: W) -> Result<[u8; 32]> {
        let id = self.header.statement_id.as_bytes();
        let id_len = u16::try_from(id.len())
            .ok()
            .filter(|&l| usize::from(l) <= MAX_STATEMENT_ID_LEN)
            .ok_or_else(|| ProverError::KeyFormat("statement id too long".into()))?;
        let mut hw = HashingWriter { inner: std::io::BufWriter::with_capacity(1 << 20, w), ctx: blake3::Hasher::new() };
        hw.write_all(&Self::magic())?;
        hw.write_all(&self.key.format_version().to_le_bytes())?;
        hw.write_all(&self.header.model_digest.0)?;
        hw.write_all(&self.header.vk_digest)?;
        hw.write_all(&id_len.to_le_bytes())?;
        hw.write_all(id)?;
        hw.write_all(&(self.key.payload_len() as u64).to_le_bytes())?;
        self.key.write_payload(&mut hw)?;
        let HashingWriter { mut inner, mut ctx } = hw;
        let trailer = *ctx.finalize().as_bytes();
        inner.write_all(&trailer)?;
        inner.flush()?;
        ctx.update(&trailer);
        Ok(*ctx.finalize().as_bytes())
    }

    /// The file as bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write_to(&mut out)?;
        Ok(out)
    }

    /// Writes the file to `path`; returns the BLAKE3 of the whole file.
    pub fn save(&self, path: &Path) -> Result<[u8; 32]> {
        let file = std::fs::File::create(path)?;
        let digest = self.write_to(&file)?;
        file.sync_all()?;
        Ok(digest)
    }

    /// Reads a key file, checking magic, version, lengths, the BLAKE3 trailer and the VK
    /// digest. See the module docs for what is and is not validated in the payload.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Self::decode(bytes, None)
    }

    /// Like [`KeyFile::from_bytes`], and additionally refuses the file unless its BLAKE3
    /// (of the whole file, [`file_digest`]) equals `expected`.
    pub fn from_bytes_pinned(bytes: &[u8], expected: &[u8; 32]) -> Result<Self> {
        Self::decode(bytes, Some(expected))
    }

    /// Reads and checks the key file at `path` (see [`KeyFile::from_bytes`]), streaming:
    /// a reader thread reads and hashes the file in chunks while they decode, so the file's
    /// bytes are never all in memory (at most [`STREAM_BYTES`] besides the key).
    pub fn load(path: &Path) -> Result<Self> {
        Self::stream(path, None, key_stream::CHUNK)
    }

    /// Reads the key file at `path` like [`KeyFile::load`], refusing it unless its BLAKE3
    /// is `expected`.
    pub fn load_pinned(path: &Path, expected: &[u8; 32]) -> Result<Self> {
        Self::stream(path, Some(expected), key_stream::CHUNK)
    }

    /// Refuses the key unless it was made for `model` and `statement_id`.
    pub fn check_for(&self, model: &ModelDigest, statement_id: &str) -> Result<()> {
        if self.header.model_digest != *model {
            return Err(ProverError::ModelMismatch {
                expected: model.to_hex(),
                found: self.header.model_digest.to_hex(),
            });
        }
        if self.header.statement_id != statement_id {
            return Err(ProverError::StatementMismatch {
                expected: statement_id.to_string(),
                found: self.header.statement_id.clone(),
            });
        }
        Ok(())
    }

    fn decode(bytes: &[u8], pin: Option<&[u8; 32]>) -> Result<Self> {
        let mut src = SliceSource::new(bytes);
        let head = Self::read_head(&mut src)?;
        // The digest and the decoding run side by side (two cores: a large proving key loads
        // in about the time of its decoding); a digest failure wins over whatever the
        // decoder made of the bytes.
        let check_digest = || {
            let mut digester = Digester::new(bytes.len() as u64);
            digester.update(bytes);
            digester.finish(pin)
        };
        let (digest, key) =
            rayon::join(check_digest, || K::read_payload(&mut Limited::new(&mut src, head.payload_len), head.version));
        digest?;
        Self::finish(head, key?)
    }

    /// [`KeyFile::load`] in `chunk`-byte reads: the file streams through [`key_stream::read_and_hash`] on its own
    /// thread while this one decodes. The checks and their order are [`KeyFile::decode`]'s.
    pub(crate) fn stream(path: &Path, pin: Option<&[u8; 32]>, chunk: usize) -> Result<Self> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        let stop = AtomicBool::new(false);
        let (chunk_tx, chunk_rx) = sync_channel(key_stream::CHUNKS_IN_FLIGHT);
        let (recycle_tx, recycle_rx) = sync_channel(key_stream::CHUNKS_IN_FLIGHT);
        std::thread::scope(|scope| {
            let reader = std::thread::Builder::new()
                .name("zkid-key-reader".into())
                .spawn_scoped(scope, || key_stream::read_and_hash(file, len, chunk, chunk_tx, recycle_rx, &stop))?;
            let mut src = StreamSource::new(chunk_rx, recycle_tx, len);
            let decoded = Self::read_head(&mut src).map(|head| {
                let key = K::read_payload(&mut Limited::new(&mut src, head.payload_len), head.version);
                (head, key)
            });
            if decoded.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            // Ends the reader's hand-offs; it hashes the rest of the file on its own.
            drop(src);
            // The reader does not panic; if it did, that is a bug to surface, not a key error.
            let digest = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let (head, key) = decoded?;
            digest?.finish(pin)?;
            Self::finish(head, key?)
        })
    }

    /// The container fields before the payload: magic, version, digests, statement id and
    /// payload length, checked against the file's length (truncation, trailing bytes).
    fn read_head(src: &mut dyn ByteSource) -> Result<Head> {
        let total = src.remaining();
        let truncated = |needed: usize| ProverError::KeyTruncated { needed: needed as u64, found: total };
        let magic = Self::magic();
        let prefix = usize::try_from(total).map_or(magic.len(), |t| t.min(magic.len()));
        if src.take(prefix)? != Some(&magic[..prefix]) {
            return Err(ProverError::KeyBadMagic { expected: K::KIND });
        }
        let mut fixed = [0u8; FIXED_HEADER - 8];
        fixed.copy_from_slice(src.take(FIXED_HEADER - 8)?.ok_or_else(|| truncated(FIXED_HEADER))?);
        let version = u16::from_le_bytes([fixed[0], fixed[1]]);
        if !(PLAIN_KEY_FORMAT_VERSION..=KEY_FORMAT_VERSION).contains(&version) {
            return Err(ProverError::KeyUnsupportedVersion { found: version, supported: KEY_FORMAT_VERSION });
        }
        let mut model_digest = [0u8; 32];
        model_digest.copy_from_slice(&fixed[2..34]);
        let mut vk_digest = [0u8; 32];
        vk_digest.copy_from_slice(&fixed[34..66]);
        let id_len = usize::from(u16::from_le_bytes([fixed[66], fixed[67]]));
        if id_len > MAX_STATEMENT_ID_LEN {
            return Err(ProverError::KeyFormat(format!("statement id length {id_len} exceeds {MAX_STATEMENT_ID_LEN}")));
        }
        let payload_at = FIXED_HEADER + id_len + 8;
        if total < payload_at as u64 {
            return Err(truncated(payload_at + DIGEST_LEN));
        }
        let id = src.take(id_len)?.ok_or_else(|| truncated(payload_at + DIGEST_LEN))?;
        let statement_id = std::str::from_utf8(id)
            .map_err(|_| ProverError::KeyFormat("statement id is not UTF-8".into()))?
            .to_string();
        let mut len_bytes = [0u8; 8];
        len_bytes.copy_from_slice(src.take(8)?.ok_or_else(|| truncated(payload_at + DIGEST_LEN))?);
        let payload_len = u64::from_le_bytes(len_bytes);
        // Computed in u64 so a forged length cannot overflow.
        let needed = (payload_at as u64).saturating_add(payload_len).saturating_add(DIGEST_LEN as u64);
        if total < needed {
            return Err(ProverError::KeyTruncated { needed, found: total });
        }
        if total > needed {
            return Err(ProverError::KeyFormat(format!("{} trailing bytes after the digest", total - needed)));
        }
        let header = KeyHeader { model_digest: ModelDigest(model_digest), statement_id, vk_digest };
        Ok(Head { header, version, payload_len })
    }

    /// Checks the decoded key against the header's verifying-key digest.
    fn finish(head: Head, key: K) -> Result<Self> {
        if key.vk_digest() != head.header.vk_digest {
            return Err(ProverError::KeyFormat("header's verifying-key digest does not match the key".into()));
        }
        Ok(Self { header: head.header, key })
    }
}
