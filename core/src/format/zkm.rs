//! The `.zkm` compiled-model format and the model digest.
//!
//! ```text
//! offset  size  content
//! 0       4     magic  "ZKM\x01"
//! 4       2     format version, u16 little endian (currently 1)
//! 6       8     payload length n, u64 little endian
//! 14      n     payload: postcard encoding of QModel (ops, weights, quantization,
//!               preprocessing, metadata)
//! 14+n    32    SHA-256 of bytes [0, 14+n): the model digest
//! ```
//!
//! The digest is the model's identity: proving keys, proofs and statements refer to it.
//! Loading checks magic, version, length and digest before decoding, then validates the
//! decoded model's structure, so a corrupt file is always an error and never a panic.

use crate::error::{CoreError, Result, ZkmError};
use crate::model::{QModel, QModelParts};
use ring::digest::{SHA256, digest};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// File magic.
pub const MAGIC: [u8; 4] = *b"ZKM\x01";
/// Format version this build writes and reads.
pub const VERSION: u16 = 1;
const HEADER: usize = 4 + 2 + 8;
/// Refuse payloads over 1 GiB before allocating.
const MAX_PAYLOAD: u64 = 1 << 30;

/// SHA-256 digest identifying a compiled model.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ModelDigest(pub [u8; 32]);

impl ModelDigest {
    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl std::fmt::Debug for ModelDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ModelDigest({})", self.to_hex())
    }
}

impl std::fmt::Display for ModelDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Serializes a model to `.zkm` bytes.
pub fn to_bytes(model: &QModel) -> Result<Vec<u8>> {
    let payload = postcard::to_stdvec(model).map_err(|e| ZkmError::Decode(e.to_string()))?;
    let mut out = Vec::with_capacity(HEADER + payload.len() + 32);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&payload);
    let d = digest(&SHA256, &out);
    out.extend_from_slice(d.as_ref());
    Ok(out)
}

/// Parses `.zkm` bytes, returning the model and its digest.
pub fn from_bytes(bytes: &[u8]) -> Result<(QModel, ModelDigest), ZkmError> {
    if bytes.len() < 4 || bytes[..4] != MAGIC {
        return Err(ZkmError::BadMagic);
    }
    if bytes.len() < HEADER {
        return Err(ZkmError::Truncated { len: bytes.len(), expected: HEADER + 32 });
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != VERSION {
        return Err(ZkmError::UnsupportedVersion { found: version, supported: VERSION });
    }
    let mut len8 = [0u8; 8];
    len8.copy_from_slice(&bytes[6..HEADER]);
    let n = u64::from_le_bytes(len8);
    if n > MAX_PAYLOAD {
        return Err(ZkmError::Decode(format!("payload length {n} exceeds the 1 GiB limit")));
    }
    let expected = HEADER + n as usize + 32;
    if bytes.len() < expected {
        return Err(ZkmError::Truncated { len: bytes.len(), expected });
    }
    if bytes.len() > expected {
        return Err(ZkmError::Decode(format!("{} trailing bytes after the digest", bytes.len() - expected)));
    }
    let body = &bytes[..HEADER + n as usize];
    let d = digest(&SHA256, body);
    if d.as_ref() != &bytes[HEADER + n as usize..] {
        return Err(ZkmError::Checksum);
    }
    let parts: QModelParts = postcard::from_bytes(&body[HEADER..]).map_err(|e| ZkmError::Decode(e.to_string()))?;
    let model = QModel::new(parts).map_err(ZkmError::Inconsistent)?;
    let mut id = [0u8; 32];
    id.copy_from_slice(d.as_ref());
    Ok((model, ModelDigest(id)))
}

/// Digest a model would have when written (the digest of [`to_bytes`]).
pub fn digest_of(model: &QModel) -> Result<ModelDigest> {
    let bytes = to_bytes(model)?;
    let mut id = [0u8; 32];
    id.copy_from_slice(&bytes[bytes.len() - 32..]);
    Ok(ModelDigest(id))
}

/// Reads a `.zkm` file.
pub fn load(path: &Path) -> Result<(QModel, ModelDigest)> {
    let bytes = std::fs::read(path).map_err(|source| CoreError::Io { path: path.to_path_buf(), source })?;
    Ok(from_bytes(&bytes)?)
}

/// Writes a `.zkm` file, returning its digest.
pub fn save(model: &QModel, path: &Path) -> Result<ModelDigest> {
    let bytes = to_bytes(model)?;
    std::fs::write(path, &bytes).map_err(|source| CoreError::Io { path: path.to_path_buf(), source })?;
    let mut id = [0u8; 32];
    id.copy_from_slice(&bytes[bytes.len() - 32..]);
    Ok(ModelDigest(id))
}
