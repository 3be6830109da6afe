//! Sealing on-device secrets (the enrolled template, commitment salts) at rest.
//!
//! The host app supplies a 32-byte [`SealingKey`] (on phones, a key held by the platform
//! keystore); [`seal`] encrypts with AES-256-GCM under a fresh random 96-bit nonce and
//! binds the blob to the model and to its purpose label, [`unseal`] reverses it.
//!
//! # Blob layout (version 1)
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `ZKIDSEAL` |
//! | 8 | 1 | format version (`1`) |
//! | 9 | 12 | AES-GCM nonce |
//! | 21 | n | ciphertext |
//! | 21+n | 16 | authentication tag |
//!
//! The additional authenticated data is magic ‖ version ‖ model digest (32 bytes) ‖ label
//! bytes. Everything before the label has a fixed length, so no two (model, label) pairs
//! give the same AAD: a template sealed for one model or purpose (e.g. `iris-enrollment`)
//! does not open as another.
//!
//! Random nonces are safe for up to about 2³² blobs under one key (the AES-GCM bound), far
//! beyond what a device seals. AEAD cannot tell a wrong key from a wrong model, a wrong
//! label or a corrupted blob: all are [`ProverError::SealAuthFailed`].
//!
//! Key bytes and plaintexts are held in buffers zeroized on drop; ring's expanded AES key
//! schedule is built per call and is not zeroized by ring.

use std::fmt;

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;
use zkid_core::ModelDigest;

use crate::error::{ProverError, Result};

/// First bytes of every sealed blob.
pub const SEAL_MAGIC: [u8; 8] = *b"ZKIDSEAL";
/// Blob format version this build writes and reads.
pub const SEAL_VERSION: u8 = 1;
/// Length of a sealing key (AES-256).
pub const SEALING_KEY_LEN: usize = 32;
/// Magic, version and nonce.
const HEADER_LEN: usize = SEAL_MAGIC.len() + 1 + NONCE_LEN;
/// AES-GCM tag length.
const TAG_LEN: usize = 16;
/// The shortest blob: header and tag around an empty ciphertext.
pub const SEAL_OVERHEAD: usize = HEADER_LEN + TAG_LEN;

/// A 32-byte AES-256-GCM key from the host app. Zeroized on drop; `Debug` is redacted.
pub struct SealingKey(Zeroizing<[u8; SEALING_KEY_LEN]>);

impl SealingKey {
    /// The key from its 32 bytes (the caller zeroizes its own copy).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != SEALING_KEY_LEN {
            return Err(ProverError::SealingKeyLength { expected: SEALING_KEY_LEN, got: bytes.len() });
        }
        let mut key = Zeroizing::new([0u8; SEALING_KEY_LEN]);
        key.copy_from_slice(bytes);
        Ok(Self(key))
    }

    /// A fresh key from the operating system's CSPRNG (tests, the CLI, hosts without a
    /// keystore-held key); persist it with [`SealingKey::to_bytes`].
    pub fn generate() -> Result<Self> {
        let mut key = Zeroizing::new([0u8; SEALING_KEY_LEN]);
        SystemRandom::new()
            .fill(key.as_mut())
            .map_err(|_| ProverError::Crypto("generating a sealing key (system random generator)"))?;
        Ok(Self(key))
    }

    /// The key bytes, to store in a keystore (secret).
    pub fn to_bytes(&self) -> Zeroizing<[u8; SEALING_KEY_LEN]> {
        self.0.clone()
    }

    fn aead_key(&self) -> Result<LessSafeKey> {
        // AES_256_GCM takes exactly SEALING_KEY_LEN bytes, which the type guarantees.
        UnboundKey::new(&AES_256_GCM, self.0.as_ref())
            .map(LessSafeKey::new)
            .map_err(|_| ProverError::Crypto("loading the AES-256-GCM sealing key"))
    }
}

impl fmt::Debug for SealingKey {
    /// Never the key bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey(..)")
    }
}

/// magic ‖ version ‖ model digest ‖ label.
fn aad(version: u8, model: &ModelDigest, label: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(SEAL_MAGIC.len() + 1 + model.0.len() + label.len());
    aad.extend_from_slice(&SEAL_MAGIC);
    aad.push(version);
    aad.extend_from_slice(&model.0);
    aad.extend_from_slice(label.as_bytes());
    aad
}

/// Encrypts `plaintext` under `key`, bound to `model` and `label` (see the module docs
/// for the layout). Each call draws a fresh nonce, so sealing twice gives two blobs.
pub fn seal(key: &SealingKey, model: &ModelDigest, label: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| ProverError::Crypto("drawing a sealing nonce (system random generator)"))?;
    // Sized up front so that the plaintext is never copied by a reallocation; zeroizing in
    // case sealing fails with the plaintext still in it.
    let mut blob = Zeroizing::new(Vec::with_capacity(SEAL_OVERHEAD + plaintext.len()));
    blob.extend_from_slice(&SEAL_MAGIC);
    blob.push(SEAL_VERSION);
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(plaintext);
    let tag = key
        .aead_key()?
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(SEAL_VERSION, model, label)),
            &mut blob[HEADER_LEN..],
        )
        .map_err(|_| ProverError::Crypto("sealing (plaintext longer than AES-GCM allows)"))?;
    blob.extend_from_slice(tag.as_ref());
    Ok(std::mem::take(&mut *blob))
}

/// Decrypts a blob written by [`seal`] with the same key, model and label.
///
/// Errors, checked in this order: [`ProverError::SealBadMagic`] (bytes that are not a
/// prefix of a sealed blob), [`ProverError::SealUnsupportedVersion`],
/// [`ProverError::SealTruncated`] (shorter than [`SEAL_OVERHEAD`]), then
/// [`ProverError::SealAuthFailed`] for a wrong key, model or label or any modified byte.
pub fn unseal(key: &SealingKey, model: &ModelDigest, label: &str, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let magic_len = blob.len().min(SEAL_MAGIC.len());
    if blob[..magic_len] != SEAL_MAGIC[..magic_len] {
        return Err(ProverError::SealBadMagic);
    }
    if let Some(&version) = blob.get(SEAL_MAGIC.len())
        && version != SEAL_VERSION
    {
        return Err(ProverError::SealUnsupportedVersion { found: version, supported: SEAL_VERSION });
    }
    if blob.len() < SEAL_OVERHEAD {
        return Err(ProverError::SealTruncated { needed: SEAL_OVERHEAD, found: blob.len() });
    }
    // Cannot fail: the slice is NONCE_LEN bytes since the blob is at least SEAL_OVERHEAD.
    let nonce = Nonce::try_assume_unique_for_key(&blob[SEAL_MAGIC.len() + 1..HEADER_LEN])
        .map_err(|_| ProverError::SealTruncated { needed: SEAL_OVERHEAD, found: blob.len() })?;
    let mut buf = Zeroizing::new(blob[HEADER_LEN..].to_vec());
    let len = key
        .aead_key()?
        .open_in_place(nonce, Aad::from(aad(SEAL_VERSION, model, label)), &mut buf)
        .map_err(|_| ProverError::SealAuthFailed)?
        .len();
    // Drops the tag; the buffer's whole capacity is still zeroized on drop.
    buf.truncate(len);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABEL: &str = "iris-enrollment";

    fn model() -> ModelDigest {
        ModelDigest([0x11; 32])
    }

    fn key() -> SealingKey {
        SealingKey::from_bytes(&[0xa5; 32]).unwrap()
    }

    #[test]
    fn round_trip() {
        let k = key();
        for plaintext in [&b""[..], b"x", b"a 512-bit iris template and its salt", &[0u8; 4096]] {
            let blob = seal(&k, &model(), LABEL, plaintext).unwrap();
            assert_eq!(blob.len(), SEAL_OVERHEAD + plaintext.len());
            assert_eq!(&blob[..8], b"ZKIDSEAL");
            assert_eq!(blob[8], 1);
            assert_eq!(unseal(&k, &model(), LABEL, &blob).unwrap().as_slice(), plaintext);
        }
        let g = SealingKey::generate().unwrap();
        let blob = seal(&g, &model(), LABEL, b"secret").unwrap();
        let restored = SealingKey::from_bytes(g.to_bytes().as_ref()).unwrap();
        assert_eq!(unseal(&restored, &model(), LABEL, &blob).unwrap().as_slice(), b"secret");
    }

    #[test]
    fn fresh_nonce_each_time() {
        let a = seal(&key(), &model(), LABEL, b"same").unwrap();
        let b = seal(&key(), &model(), LABEL, b"same").unwrap();
        assert_ne!(a[9..21], b[9..21]);
        assert_ne!(a, b);
    }

    #[test]
    fn plaintext_does_not_appear_in_the_blob() {
        let plaintext = b"a recognisable plaintext";
        let blob = seal(&key(), &model(), LABEL, plaintext).unwrap();
        assert!(!blob.windows(plaintext.len()).any(|w| w == plaintext));
    }

    #[test]
    fn wrong_key_model_or_label_fails() {
        let blob = seal(&key(), &model(), LABEL, b"template").unwrap();
        let other_key = SealingKey::from_bytes(&[0x5a; 32]).unwrap();
        assert!(matches!(unseal(&other_key, &model(), LABEL, &blob), Err(ProverError::SealAuthFailed)));
        let mut other_model = model();
        other_model.0[31] ^= 1;
        assert!(matches!(unseal(&key(), &other_model, LABEL, &blob), Err(ProverError::SealAuthFailed)));
        for label in ["iris-salt", "", "iris-enrollment ", "iris-enrollmen"] {
            assert!(matches!(unseal(&key(), &model(), label, &blob), Err(ProverError::SealAuthFailed)), "{label:?}");
        }
        let msg = ProverError::SealAuthFailed.to_string();
        assert!(msg.contains("wrong key, another model or label, or a corrupted blob"), "{msg}");
    }

    #[test]
    fn every_single_byte_flip_fails() {
        for plaintext in [&b""[..], b"template"] {
            let blob = seal(&key(), &model(), LABEL, plaintext).unwrap();
            for i in 0..blob.len() {
                for bit in [0x01u8, 0x80] {
                    let mut bad = blob.clone();
                    bad[i] ^= bit;
                    let e = unseal(&key(), &model(), LABEL, &bad);
                    match i {
                        0..8 => assert!(matches!(e, Err(ProverError::SealBadMagic)), "byte {i}: {e:?}"),
                        8 => assert!(
                            matches!(e, Err(ProverError::SealUnsupportedVersion { found, supported: 1 }) if found == 1 ^ bit),
                            "byte {i}: {e:?}"
                        ),
                        _ => assert!(matches!(e, Err(ProverError::SealAuthFailed)), "byte {i}: {e:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn every_truncation_is_a_typed_error() {
        let blob = seal(&key(), &model(), LABEL, b"template").unwrap();
        for len in 0..SEAL_OVERHEAD {
            let e = unseal(&key(), &model(), LABEL, &blob[..len]);
            assert!(
                matches!(e, Err(ProverError::SealTruncated { needed: SEAL_OVERHEAD, found }) if found == len),
                "length {len}: {e:?}"
            );
        }
        // Cut inside the ciphertext or tag: long enough to parse, fails authentication.
        for len in SEAL_OVERHEAD..blob.len() {
            assert!(matches!(unseal(&key(), &model(), LABEL, &blob[..len]), Err(ProverError::SealAuthFailed)));
        }
        // Appended bytes are refused as well.
        let mut long = blob.clone();
        long.push(0);
        assert!(matches!(unseal(&key(), &model(), LABEL, &long), Err(ProverError::SealAuthFailed)));
    }

    #[test]
    fn foreign_bytes_are_bad_magic_not_truncated() {
        for bytes in [&b"X"[..], b"ZKIDSEAX", b"{\"json\": true}", &[0u8; 64]] {
            assert!(matches!(unseal(&key(), &model(), LABEL, bytes), Err(ProverError::SealBadMagic)), "{bytes:?}");
        }
        // A prefix of the magic is a truncated blob, not a foreign one.
        assert!(matches!(unseal(&key(), &model(), LABEL, b"ZKID"), Err(ProverError::SealTruncated { found: 4, .. })));
        let mut v2 = seal(&key(), &model(), LABEL, b"t").unwrap();
        v2[8] = 2;
        assert!(matches!(
            unseal(&key(), &model(), LABEL, &v2),
            Err(ProverError::SealUnsupportedVersion { found: 2, supported: 1 })
        ));
    }

    #[test]
    fn key_length_is_checked() {
        for len in [0, 16, 31, 33, 64] {
            let e = SealingKey::from_bytes(&vec![7u8; len]);
            assert!(matches!(e, Err(ProverError::SealingKeyLength { expected: 32, got }) if got == len), "{len}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let k = key();
        let key_hex = "a5".repeat(4);
        for shown in [format!("{k:?}"), format!("{k:#?}")] {
            assert_eq!(shown, "SealingKey(..)");
            assert!(!shown.contains(&key_hex) && !shown.contains("165"));
        }
    }
}
