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
//! Loading checks magic, version, length and digest before decoding, that the payload is the
//! canonical encoding of what it decodes to (so a model has exactly one digest), then
//! validates the decoded model's structure, so a corrupt file is always an error and never
//! a panic.

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
    let payload = &body[HEADER..];
    let parts: QModelParts = postcard::from_bytes(payload).map_err(|e| ZkmError::Decode(e.to_string()))?;
    // One model, one digest: postcard ignores trailing bytes and accepts overlong varints, so
    // the payload must be exactly the encoding `to_bytes` writes for what it decodes to.
    if postcard::to_stdvec(&parts).map_err(|e| ZkmError::Decode(e.to_string()))? != payload {
        return Err(ZkmError::Decode("the payload is not the canonical encoding of its model".into()));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ModelMeta, Preprocess, TensorId, TensorInfo};
    use crate::quant::QuantParams;

    /// One tensor, no nodes.
    fn model() -> QModel {
        QModel::new(QModelParts {
            tensors: vec![TensorInfo {
                name: "x".into(),
                shape: vec![1, 4],
                quant: QuantParams { scale: 0.5, lo: -8, hi: 7 },
            }],
            nodes: vec![],
            input: TensorId(0),
            output: TensorId(0),
            preprocess: Preprocess::default(),
            meta: ModelMeta::default(),
        })
        .unwrap()
    }

    /// A well-formed container (length and digest right) around `payload`.
    fn with_payload(payload: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(payload);
        let d = digest(&SHA256, &out);
        out.extend_from_slice(d.as_ref());
        out
    }

    /// Found by the `zkm` fuzz target: postcard ignores bytes after the model (and reads
    /// overlong varints), so one model had many `.zkm` encodings and many digests.
    #[test]
    fn zkm_payload_with_trailing_bytes_or_overlong_varints_is_refused() {
        let m = model();
        let bytes = to_bytes(&m).unwrap();
        assert_eq!(from_bytes(&bytes).unwrap().0, m);
        let payload = &bytes[HEADER..bytes.len() - 32];
        assert_eq!(from_bytes(&with_payload(payload)).unwrap().0, m);

        let mut trailing = payload.to_vec();
        trailing.push(0);
        assert!(matches!(from_bytes(&with_payload(&trailing)), Err(ZkmError::Decode(_))));
        // The payload starts with the tensor count, 1: as the two-byte varint 0x81 0x00.
        assert_eq!(payload[0], 1);
        let overlong = [&[0x81, 0x00], &payload[1..]].concat();
        assert!(matches!(from_bytes(&with_payload(&overlong)), Err(ZkmError::Decode(_))));
    }
}
