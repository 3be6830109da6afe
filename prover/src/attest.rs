//! Capture attestation: the capture device signs the image commitment `c_img`.
//!
//! `c_img` is the Poseidon commitment to the captured image, public signal 0 of the
//! `enroll` and `match` proofs. A proof shows that *some* committed image yields the
//! template; the attestation shows that the committed image came from a trusted capture
//! device (an orb, a phone's secure enclave). A verifier checks the attestation with the
//! device's public key ([`verify_attestation`]) before checking the proof.
//!
//! The signed message is the domain tag [`ATTESTATION_DOMAIN`] followed by `c_img` as 32
//! bytes big-endian, so a signature made for zkid cannot be replayed as a signature for
//! another protocol that uses the same device key, and the other way round.
//!
//! Algorithms: Ed25519 and ECDSA P-256 with SHA-256, both through ring. ECDSA signatures
//! are in the fixed-length `r‖s` form (CryptoKit's `rawRepresentation`); a DER signature,
//! as Android Keystore and `SecKeyCreateSignature` return, must be converted before it is
//! put in an [`Attestation`]. A device that signs in its enclave signs
//! [`attestation_message`]. Text forms:
//!
//! | what | form |
//! |---|---|
//! | public key ([`DevicePublicKey`]) | `ed25519:<64 hex digits>` or `p256:<130 hex digits>` (uncompressed SEC1 point) |
//! | signing key ([`DeviceSigningKey::to_pkcs8_text`]) | `ed25519:<hex of PKCS#8 v2>` or `p256:<hex of PKCS#8>` |
//! | attestation ([`Attestation::to_json`]) | `{"alg": "ed25519", "signature": "<hex>"}` |
//!
//! Error messages name what is wrong (algorithm, hex, length), never key bytes.
//!
//! Secret handling: [`DeviceSigningKey`] keeps its PKCS#8 bytes in a [`Zeroizing`] buffer
//! and its `Debug` prints the algorithm only. ring's own key-pair structures and
//! temporaries are not zeroized by ring; on phones the signing key should live in the
//! secure enclave and never reach this type.

use std::fmt;
use std::str::FromStr;

use ark_ff::{BigInteger, PrimeField};
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, ED25519, EcdsaKeyPair, Ed25519KeyPair, KeyPair,
    UnparsedPublicKey,
};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::Fr;
use crate::error::{ProverError, Result};
use crate::keys::hex;

/// Domain-separation tag that precedes `c_img` in every signed message.
pub const ATTESTATION_DOMAIN: &[u8] = b"zkid-capture-attestation-v1\0";

/// Length of an Ed25519 public key.
const ED25519_PUBLIC_KEY_LEN: usize = 32;
/// Length of an uncompressed SEC1 P-256 point: `0x04 ‖ x ‖ y`.
const P256_PUBLIC_KEY_LEN: usize = 65;
/// First byte of an uncompressed SEC1 point.
const SEC1_UNCOMPRESSED: u8 = 0x04;
/// Both algorithms sign with 64 bytes (Ed25519 `R‖S`, ECDSA fixed `r‖s`).
const SIGNATURE_LEN: usize = 64;

/// The signature algorithm of a capture device key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceKeyAlg {
    /// Ed25519 (text name `ed25519`).
    Ed25519,
    /// ECDSA over P-256 with SHA-256, fixed-length signatures (text name `p256`).
    EcdsaP256,
}

impl DeviceKeyAlg {
    /// The text name: `ed25519` or `p256`.
    pub fn name(self) -> &'static str {
        match self {
            DeviceKeyAlg::Ed25519 => "ed25519",
            DeviceKeyAlg::EcdsaP256 => "p256",
        }
    }

    fn parse(s: &str) -> std::result::Result<Self, String> {
        match s {
            "ed25519" => Ok(DeviceKeyAlg::Ed25519),
            "p256" => Ok(DeviceKeyAlg::EcdsaP256),
            // The unknown name is not echoed: in a mistyped key file it could be key text.
            _ => Err("unknown algorithm (expected `ed25519` or `p256`)".into()),
        }
    }

    fn public_key_len(self) -> usize {
        match self {
            DeviceKeyAlg::Ed25519 => ED25519_PUBLIC_KEY_LEN,
            DeviceKeyAlg::EcdsaP256 => P256_PUBLIC_KEY_LEN,
        }
    }
}

impl fmt::Display for DeviceKeyAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DeviceKeyAlg {
    type Err = ProverError;

    /// Parses `ed25519` or `p256`.
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s).map_err(ProverError::DeviceKeyFormat)
    }
}

/// The message a device signs for `c_img`: [`ATTESTATION_DOMAIN`] ‖ `c_img` (32 bytes,
/// big-endian).
pub fn attestation_message(c_img: &Fr) -> Vec<u8> {
    let mut msg = Vec::with_capacity(ATTESTATION_DOMAIN.len() + 32);
    msg.extend_from_slice(ATTESTATION_DOMAIN);
    msg.extend_from_slice(&c_img.into_bigint().to_bytes_be());
    msg
}

/// Decodes hex (either case) into `out`, which the caller sizes and may make zeroizing.
/// Errors say what is wrong without echoing the text.
fn decode_hex_into(s: &str, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    let digits = s.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err("bad hex: odd number of digits".into());
    }
    let nibble = |i: usize| -> std::result::Result<u8, String> {
        // `i` < digits.len() by the loop below; `char::to_digit` rejects `+`, which
        // `u8::from_str_radix` would accept.
        char::from(digits[i])
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or_else(|| format!("bad hex: not a hex digit at position {i}"))
    };
    out.reserve_exact(digits.len() / 2);
    for i in (0..digits.len()).step_by(2) {
        out.push(nibble(i)? << 4 | nibble(i + 1)?);
    }
    Ok(())
}

fn decode_hex(s: &str) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    decode_hex_into(s, &mut out)?;
    Ok(out)
}

/// Splits `alg:rest` (surrounding whitespace ignored).
fn split_alg(text: &str) -> std::result::Result<(DeviceKeyAlg, &str), String> {
    let (alg, rest) = text.trim().split_once(':').ok_or("missing `<alg>:` prefix (`ed25519:` or `p256:`)")?;
    Ok((DeviceKeyAlg::parse(alg)?, rest))
}

/// A capture device's public key: what a verifier pins.
///
/// Lengths are checked on construction (Ed25519: 32 bytes; P-256: a 65-byte uncompressed
/// point starting `0x04`). Whether a P-256 point is on the curve is checked by ring at
/// verification: an invalid point never verifies anything.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DevicePublicKey {
    alg: DeviceKeyAlg,
    bytes: Vec<u8>,
}

impl DevicePublicKey {
    /// A public key from its raw bytes (Ed25519: 32 bytes; P-256: uncompressed SEC1 point).
    pub fn from_bytes(alg: DeviceKeyAlg, bytes: &[u8]) -> Result<Self> {
        let expected = alg.public_key_len();
        if bytes.len() != expected {
            return Err(ProverError::DeviceKeyFormat(format!(
                "wrong length: {alg} public keys are {expected} bytes, got {}",
                bytes.len()
            )));
        }
        if alg == DeviceKeyAlg::EcdsaP256 && bytes[0] != SEC1_UNCOMPRESSED {
            return Err(ProverError::DeviceKeyFormat(
                "a p256 public key must be an uncompressed SEC1 point (first byte 0x04)".into(),
            ));
        }
        Ok(Self { alg, bytes: bytes.to_vec() })
    }

    /// The signature algorithm.
    pub fn alg(&self) -> DeviceKeyAlg {
        self.alg
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Display for DevicePublicKey {
    /// `ed25519:<hex>` or `p256:<hex>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.alg, hex(&self.bytes))
    }
}

impl fmt::Debug for DevicePublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DevicePublicKey({self})")
    }
}

impl FromStr for DevicePublicKey {
    type Err = ProverError;

    /// Parses `ed25519:<hex>` / `p256:<hex>`; surrounding whitespace (a file's final
    /// newline) is ignored.
    fn from_str(text: &str) -> Result<Self> {
        let (alg, hex_text) = split_alg(text).map_err(ProverError::DeviceKeyFormat)?;
        let bytes = decode_hex(hex_text).map_err(ProverError::DeviceKeyFormat)?;
        Self::from_bytes(alg, &bytes)
    }
}

/// ring's parsed key pair.
enum DeviceKeyPair {
    Ed25519(Ed25519KeyPair),
    EcdsaP256(EcdsaKeyPair),
}

/// A capture device's signing key (for the CLI, tests and devices without an enclave).
///
/// Holds the PKCS#8 document in a buffer zeroized on drop; `Debug` prints the algorithm
/// only. ring's parsed key pair is not zeroized by ring (see the module docs).
pub struct DeviceSigningKey {
    pkcs8: Zeroizing<Vec<u8>>,
    pair: DeviceKeyPair,
}

impl DeviceSigningKey {
    /// A fresh key from the operating system's CSPRNG.
    pub fn generate(alg: DeviceKeyAlg) -> Result<Self> {
        let rng = SystemRandom::new();
        let doc = match alg {
            DeviceKeyAlg::Ed25519 => Ed25519KeyPair::generate_pkcs8(&rng),
            DeviceKeyAlg::EcdsaP256 => EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng),
        }
        .map_err(|_| ProverError::Crypto("generating a device key (system random generator)"))?;
        Self::from_pkcs8(alg, doc.as_ref())
    }

    /// Parses a PKCS#8 private key of algorithm `alg` (Ed25519: PKCS#8 v2 with the public
    /// key, as ring and `generate` write it).
    pub fn from_pkcs8(alg: DeviceKeyAlg, pkcs8: &[u8]) -> Result<Self> {
        let pkcs8 = Zeroizing::new(pkcs8.to_vec());
        Self::from_owned_pkcs8(alg, pkcs8)
    }

    fn from_owned_pkcs8(alg: DeviceKeyAlg, pkcs8: Zeroizing<Vec<u8>>) -> Result<Self> {
        // ring's `KeyRejected` names the reason (`InvalidEncoding`, `WrongAlgorithm`, …),
        // never key material.
        let rejected = |e: ring::error::KeyRejected| {
            ProverError::DeviceKeyFormat(format!("not a PKCS#8 private key for {alg} ({e})"))
        };
        let pair = match alg {
            DeviceKeyAlg::Ed25519 => DeviceKeyPair::Ed25519(Ed25519KeyPair::from_pkcs8(&pkcs8).map_err(rejected)?),
            DeviceKeyAlg::EcdsaP256 => DeviceKeyPair::EcdsaP256(
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &SystemRandom::new())
                    .map_err(rejected)?,
            ),
        };
        Ok(Self { pkcs8, pair })
    }

    /// Parses the text form `ed25519:<hex pkcs8>` / `p256:<hex pkcs8>` written by
    /// [`DeviceSigningKey::to_pkcs8_text`] (surrounding whitespace ignored).
    pub fn from_pkcs8_text(text: &str) -> Result<Self> {
        let (alg, hex_text) = split_alg(text).map_err(ProverError::DeviceKeyFormat)?;
        let mut pkcs8 = Zeroizing::new(Vec::new());
        decode_hex_into(hex_text, &mut pkcs8).map_err(ProverError::DeviceKeyFormat)?;
        Self::from_owned_pkcs8(alg, pkcs8)
    }

    /// The PKCS#8 document (secret: store it like a password).
    pub fn to_pkcs8(&self) -> Zeroizing<Vec<u8>> {
        self.pkcs8.clone()
    }

    /// The text form `ed25519:<hex pkcs8>` / `p256:<hex pkcs8>`, so that the algorithm
    /// travels with the key in a file (secret).
    pub fn to_pkcs8_text(&self) -> Zeroizing<String> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let name = self.alg().name();
        // Sized up front: a reallocation would leave an unzeroized copy behind.
        let mut text = Zeroizing::new(String::with_capacity(name.len() + 1 + 2 * self.pkcs8.len()));
        text.push_str(name);
        text.push(':');
        for &b in self.pkcs8.iter() {
            text.push(char::from(DIGITS[usize::from(b >> 4)]));
            text.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
        text
    }

    /// The signature algorithm.
    pub fn alg(&self) -> DeviceKeyAlg {
        match self.pair {
            DeviceKeyPair::Ed25519(_) => DeviceKeyAlg::Ed25519,
            DeviceKeyPair::EcdsaP256(_) => DeviceKeyAlg::EcdsaP256,
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> DevicePublicKey {
        let bytes = match &self.pair {
            DeviceKeyPair::Ed25519(p) => p.public_key().as_ref().to_vec(),
            DeviceKeyPair::EcdsaP256(p) => p.public_key().as_ref().to_vec(),
        };
        // ring returns a 32-byte Ed25519 key / 65-byte uncompressed P-256 point.
        DevicePublicKey { alg: self.alg(), bytes }
    }

    /// Signs [`attestation_message`]`(c_img)`.
    pub fn sign(&self, c_img: &Fr) -> Result<Attestation> {
        let msg = attestation_message(c_img);
        let signature = match &self.pair {
            DeviceKeyPair::Ed25519(p) => p.sign(&msg).as_ref().to_vec(),
            DeviceKeyPair::EcdsaP256(p) => p
                .sign(&SystemRandom::new(), &msg)
                .map_err(|_| ProverError::Crypto("ECDSA signing (system random generator)"))?
                .as_ref()
                .to_vec(),
        };
        Ok(Attestation { alg: self.alg(), signature })
    }
}

impl fmt::Debug for DeviceSigningKey {
    /// The algorithm only: never key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceSigningKey").field("alg", &self.alg()).finish_non_exhaustive()
    }
}

/// A capture device's signature over `c_img`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attestation {
    /// The algorithm that made the signature.
    pub alg: DeviceKeyAlg,
    /// The signature: 64 bytes for both algorithms (ECDSA in fixed `r‖s` form).
    pub signature: Vec<u8>,
}

impl Attestation {
    /// `{"alg": "ed25519", "signature": "<hex>"}`.
    pub fn to_json(&self) -> Value {
        json!({ "alg": self.alg.name(), "signature": hex(&self.signature) })
    }

    /// Pretty JSON text of [`Attestation::to_json`].
    pub fn to_json_string(&self) -> String {
        // Serializing a `Value` made of strings cannot fail.
        serde_json::to_string_pretty(&self.to_json()).unwrap_or_default()
    }

    /// Parses the JSON written by [`Attestation::to_json`]; malformed input is a typed
    /// error naming the field and the problem. Other fields are ignored.
    pub fn from_json_str(text: &str) -> Result<Self> {
        let bad = |m: String| ProverError::AttestationFormat(m);
        let v: Value = serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let obj = v.as_object().ok_or_else(|| bad("expected a JSON object".into()))?;
        let field = |k: &str| {
            obj.get(k)
                .ok_or_else(|| bad(format!("missing `{k}`")))?
                .as_str()
                .ok_or_else(|| bad(format!("`{k}` must be a string")))
        };
        let alg = DeviceKeyAlg::parse(field("alg")?).map_err(|e| bad(format!("`alg`: {e}")))?;
        let signature = decode_hex(field("signature")?).map_err(|e| bad(format!("`signature`: {e}")))?;
        if signature.len() != SIGNATURE_LEN {
            return Err(bad(format!(
                "`signature`: wrong length: {alg} signatures are {SIGNATURE_LEN} bytes, got {}",
                signature.len()
            )));
        }
        Ok(Self { alg, signature })
    }
}

/// Checks that `att` is `key`'s signature over `c_img`.
///
/// Errors: [`ProverError::AttestationAlgMismatch`] when the attestation names another
/// algorithm than the key's, [`ProverError::AttestationInvalid`] when the signature does
/// not verify.
pub fn verify_attestation(key: &DevicePublicKey, c_img: &Fr, att: &Attestation) -> Result<()> {
    if key.alg != att.alg {
        return Err(ProverError::AttestationAlgMismatch { key: key.alg, attestation: att.alg });
    }
    let alg: &'static dyn ring::signature::VerificationAlgorithm = match key.alg {
        DeviceKeyAlg::Ed25519 => &ED25519,
        DeviceKeyAlg::EcdsaP256 => &ECDSA_P256_SHA256_FIXED,
    };
    UnparsedPublicKey::new(alg, &key.bytes)
        .verify(&attestation_message(c_img), &att.signature)
        .map_err(|_| ProverError::AttestationInvalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALGS: [DeviceKeyAlg; 2] = [DeviceKeyAlg::Ed25519, DeviceKeyAlg::EcdsaP256];

    fn c_img() -> Fr {
        // p - 1: the largest field element, all 32 bytes significant.
        -Fr::from(1u64)
    }

    fn format_msg(r: Result<impl fmt::Debug>) -> String {
        match r {
            Err(ProverError::DeviceKeyFormat(m) | ProverError::AttestationFormat(m)) => m,
            other => panic!("expected a format error, got {other:?}"),
        }
    }

    #[test]
    fn message_is_domain_tag_then_big_endian_commitment() {
        let msg = attestation_message(&Fr::from(0x0102u64));
        assert_eq!(msg.len(), ATTESTATION_DOMAIN.len() + 32);
        assert!(msg.starts_with(b"zkid-capture-attestation-v1\0"));
        let tail = &msg[ATTESTATION_DOMAIN.len()..];
        assert!(tail[..30].iter().all(|&b| b == 0));
        assert_eq!(&tail[30..], &[0x01, 0x02]);
    }

    #[test]
    fn alg_names_round_trip() {
        for alg in ALGS {
            assert_eq!(alg.to_string().parse::<DeviceKeyAlg>().unwrap(), alg);
        }
        assert_eq!(DeviceKeyAlg::Ed25519.to_string(), "ed25519");
        assert_eq!(DeviceKeyAlg::EcdsaP256.to_string(), "p256");
        assert!(format_msg("rsa".parse::<DeviceKeyAlg>()).contains("unknown algorithm"));
        assert!(format_msg("Ed25519".parse::<DeviceKeyAlg>()).contains("unknown algorithm"));
    }

    #[test]
    fn sign_verify_round_trip_both_algorithms() {
        for alg in ALGS {
            let sk = DeviceSigningKey::generate(alg).unwrap();
            assert_eq!(sk.alg(), alg);
            let pk = sk.public_key();
            assert_eq!(pk.alg(), alg);
            assert_eq!(pk.as_bytes().len(), alg.public_key_len());
            let att = sk.sign(&c_img()).unwrap();
            assert_eq!(att.alg, alg);
            assert_eq!(att.signature.len(), SIGNATURE_LEN);
            verify_attestation(&pk, &c_img(), &att).unwrap();

            // Through every text form.
            let pk2: DevicePublicKey = pk.to_string().parse().unwrap();
            assert_eq!(pk2, pk);
            let att2 = Attestation::from_json_str(&att.to_json_string()).unwrap();
            assert_eq!(att2, att);
            let sk2 = DeviceSigningKey::from_pkcs8_text(&sk.to_pkcs8_text()).unwrap();
            assert_eq!(sk2.public_key(), pk);
            let sk3 = DeviceSigningKey::from_pkcs8(alg, &sk.to_pkcs8()).unwrap();
            verify_attestation(&pk2, &c_img(), &sk3.sign(&c_img()).unwrap()).unwrap();
        }
    }

    #[test]
    fn signature_over_one_commitment_fails_for_another() {
        for alg in ALGS {
            let sk = DeviceSigningKey::generate(alg).unwrap();
            let att = sk.sign(&Fr::from(7u64)).unwrap();
            let e = verify_attestation(&sk.public_key(), &Fr::from(8u64), &att);
            assert!(matches!(e, Err(ProverError::AttestationInvalid)), "{alg}: {e:?}");
        }
    }

    #[test]
    fn wrong_public_key_fails() {
        for alg in ALGS {
            let sk = DeviceSigningKey::generate(alg).unwrap();
            let other = DeviceSigningKey::generate(alg).unwrap().public_key();
            let e = verify_attestation(&other, &c_img(), &sk.sign(&c_img()).unwrap());
            assert!(matches!(e, Err(ProverError::AttestationInvalid)), "{alg}: {e:?}");
        }
    }

    #[test]
    fn algorithm_mismatch_is_its_own_error() {
        let ed = DeviceSigningKey::generate(DeviceKeyAlg::Ed25519).unwrap();
        let p256 = DeviceSigningKey::generate(DeviceKeyAlg::EcdsaP256).unwrap();
        let e = verify_attestation(&p256.public_key(), &c_img(), &ed.sign(&c_img()).unwrap());
        assert!(matches!(
            e,
            Err(ProverError::AttestationAlgMismatch {
                key: DeviceKeyAlg::EcdsaP256,
                attestation: DeviceKeyAlg::Ed25519
            })
        ));
        // Relabelling the signature does not help: it is then simply invalid.
        let mut att = ed.sign(&c_img()).unwrap();
        att.alg = DeviceKeyAlg::EcdsaP256;
        let e = verify_attestation(&p256.public_key(), &c_img(), &att);
        assert!(matches!(e, Err(ProverError::AttestationInvalid)));
        let msg =
            ProverError::AttestationAlgMismatch { key: DeviceKeyAlg::EcdsaP256, attestation: DeviceKeyAlg::Ed25519 }
                .to_string();
        assert!(msg.contains("ed25519") && msg.contains("p256"), "{msg}");
    }

    #[test]
    fn each_tampered_signature_byte_fails() {
        for alg in ALGS {
            let sk = DeviceSigningKey::generate(alg).unwrap();
            let att = sk.sign(&c_img()).unwrap();
            for i in 0..att.signature.len() {
                let mut bad = att.clone();
                bad.signature[i] ^= 0x01;
                let e = verify_attestation(&sk.public_key(), &c_img(), &bad);
                assert!(matches!(e, Err(ProverError::AttestationInvalid)), "{alg} byte {i}");
            }
            let mut short = att.clone();
            short.signature.pop();
            assert!(matches!(
                verify_attestation(&sk.public_key(), &c_img(), &short),
                Err(ProverError::AttestationInvalid)
            ));
        }
    }

    #[test]
    fn malformed_public_key_text_says_what_is_wrong() {
        let ed = DeviceSigningKey::generate(DeviceKeyAlg::Ed25519).unwrap().public_key().to_string();
        let p = DeviceSigningKey::generate(DeviceKeyAlg::EcdsaP256).unwrap().public_key().to_string();
        let hex_ed = ed.strip_prefix("ed25519:").unwrap();
        let hex_p = p.strip_prefix("p256:").unwrap();
        let parse = |s: &str| format_msg(s.parse::<DevicePublicKey>());

        assert!(parse(hex_ed).contains("missing `<alg>:` prefix"));
        assert!(parse(&format!("rsa:{hex_ed}")).contains("unknown algorithm"));
        assert!(parse(&format!("ed25519:{}", &hex_ed[1..])).contains("odd number of digits"));
        assert!(parse(&format!("ed25519:{}zz", &hex_ed[2..])).contains("not a hex digit at position 62"));
        // `u8::from_str_radix` would take "+a" as 10.
        assert!(parse(&format!("ed25519:+a{}", &hex_ed[2..])).contains("not a hex digit at position 0"));
        assert!(
            parse(&format!("ed25519:{hex_ed}00")).contains("wrong length: ed25519 public keys are 32 bytes, got 33")
        );
        assert!(parse(&format!("p256:{hex_ed}")).contains("p256 public keys are 65 bytes, got 32"));
        assert!(parse(&format!("p256:02{}", &hex_p[2..])).contains("uncompressed SEC1 point"));
        assert!(parse("ed25519:").contains("got 0"));
        // Whitespace around (a file's final newline) and upper-case hex are fine.
        let upper = format!("  ed25519:{}\n", hex_ed.to_uppercase());
        assert_eq!(upper.parse::<DevicePublicKey>().unwrap().to_string(), ed);
    }

    #[test]
    fn malformed_signing_key_text_says_what_is_wrong() {
        let sk = DeviceSigningKey::generate(DeviceKeyAlg::Ed25519).unwrap();
        let text = sk.to_pkcs8_text();
        let hex_part = text.strip_prefix("ed25519:").unwrap();
        let parse = |s: &str| format_msg(DeviceSigningKey::from_pkcs8_text(s));
        assert!(parse(hex_part).contains("missing `<alg>:` prefix"));
        assert!(parse(&format!("x:{hex_part}")).contains("unknown algorithm"));
        assert!(parse(&format!("ed25519:{}", &hex_part[1..])).contains("odd number of digits"));
        assert!(parse(&format!("ed25519:{}", &hex_part[2..])).contains("not a PKCS#8 private key for ed25519"));
        // The right bytes under the wrong algorithm.
        assert!(parse(&format!("p256:{hex_part}")).contains("not a PKCS#8 private key for p256"));
        let e = DeviceSigningKey::from_pkcs8(DeviceKeyAlg::EcdsaP256, &sk.to_pkcs8());
        assert!(format_msg(e).contains("PKCS#8"));
    }

    #[test]
    fn malformed_attestation_json_says_what_is_wrong() {
        let sig = "ab".repeat(SIGNATURE_LEN);
        let parse = |s: &str| format_msg(Attestation::from_json_str(s));
        assert!(parse("{").contains("not JSON"));
        assert!(parse("[1]").contains("expected a JSON object"));
        assert!(parse(&format!(r#"{{"signature": "{sig}"}}"#)).contains("missing `alg`"));
        assert!(parse(r#"{"alg": "ed25519"}"#).contains("missing `signature`"));
        assert!(parse(&format!(r#"{{"alg": 1, "signature": "{sig}"}}"#)).contains("`alg` must be a string"));
        assert!(parse(&format!(r#"{{"alg": "rsa", "signature": "{sig}"}}"#)).contains("`alg`: unknown algorithm"));
        assert!(parse(r#"{"alg": "p256", "signature": "abc"}"#).contains("`signature`: bad hex: odd number"));
        assert!(parse(r#"{"alg": "p256", "signature": "zz"}"#).contains("`signature`: bad hex: not a hex digit"));
        assert!(
            parse(r#"{"alg": "p256", "signature": "abcd"}"#)
                .contains("wrong length: p256 signatures are 64 bytes, got 2")
        );
        let ok = Attestation::from_json_str(&format!(r#"{{"alg": "p256", "signature": "{sig}", "note": 1}}"#)).unwrap();
        assert_eq!(ok.alg, DeviceKeyAlg::EcdsaP256);
    }

    #[test]
    fn debug_and_errors_never_show_key_bytes() {
        for alg in ALGS {
            let sk = DeviceSigningKey::generate(alg).unwrap();
            let pkcs8_hex = hex(&sk.to_pkcs8());
            for shown in [format!("{sk:?}"), format!("{sk:#?}")] {
                assert!(!shown.contains(&pkcs8_hex));
                // Not even a 4-byte window of the document.
                for w in 0..pkcs8_hex.len() / 8 {
                    assert!(!shown.contains(&pkcs8_hex[8 * w..8 * w + 8]), "{shown}");
                }
            }
            assert_eq!(format!("{sk:?}"), format!("DeviceSigningKey {{ alg: {alg:?}, .. }}"));
            // A corrupted key text: the error does not quote it.
            let text = sk.to_pkcs8_text();
            let corrupt = format!("{}zz", &text[..text.len() - 2]);
            let msg = DeviceSigningKey::from_pkcs8_text(&corrupt).unwrap_err().to_string();
            assert!(!msg.contains(&pkcs8_hex[pkcs8_hex.len() - 16..pkcs8_hex.len() - 2]), "{msg}");
        }
    }
}
