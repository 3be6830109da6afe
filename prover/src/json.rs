//! snarkjs JSON layouts: `proof.json`, `public.json` and `verification_key.json`.
//!
//! Conventions (snarkjs / ffjavascript, curve `bn128` = BN254):
//! * field elements are **decimal strings** of the canonical integer (no sign, no hex);
//! * G1 points are projective triples `[x, y, "1"]`, the point at infinity `["0", "1", "0"]`;
//! * G2 points are `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`, infinity
//!   `[["0","0"], ["1","0"], ["0","0"]]`. Note `[c0, c1]` order: Solidity calldata and the
//!   EVM pairing precompile take `[c1, c0]`.
//!
//! Parsing is strict and total: every malformed input (wrong shape, non-decimal string,
//! integer ≥ the field modulus, point not on the curve or outside the prime-order
//! subgroup, unknown protocol or curve) is a typed error naming the JSON path; nothing
//! panics. Projective inputs must be normalised (`z = 1`) or the canonical infinity, which
//! is what snarkjs writes.

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, pairing::Pairing};
use ark_ff::{BigInt, PrimeField, Zero};
use serde_json::{Value, json};

use crate::error::{ProverError, Result};
use crate::keys::VerifyingKey;
use crate::proof::Proof;

/// Longest decimal string accepted for a field element (the moduli have 77 digits; a few
/// leading zeros are tolerated).
const MAX_DECIMAL_DIGITS: usize = 80;

/// Decimal string of a field element, as snarkjs writes it.
pub fn field_to_decimal<F: PrimeField>(f: &F) -> String {
    f.into_bigint().to_string()
}

/// Parses a canonical decimal string into a 256-bit field element: ASCII digits only,
/// value strictly below the modulus.
fn parse_decimal<F: PrimeField<BigInt = BigInt<4>>>(s: &str) -> std::result::Result<F, String> {
    if s.is_empty() {
        return Err("empty string".into());
    }
    if s.len() > MAX_DECIMAL_DIGITS {
        return Err(format!("{} digits is too long for a field element", s.len()));
    }
    let mut limbs = [0u64; 4];
    for byte in s.bytes() {
        if !byte.is_ascii_digit() {
            return Err("not a decimal string".into());
        }
        let mut carry = u128::from(byte - b'0');
        for limb in limbs.iter_mut() {
            let v = u128::from(*limb) * 10 + carry;
            *limb = v as u64; // low 64 bits; the rest carries
            carry = v >> 64;
        }
        if carry != 0 {
            return Err("value does not fit in 256 bits".into());
        }
    }
    F::from_bigint(BigInt(limbs)).ok_or_else(|| "value is not below the field modulus".into())
}

fn as_str<'a>(v: &'a Value, path: &str) -> std::result::Result<&'a str, String> {
    v.as_str().ok_or_else(|| format!("{path}: expected a decimal string"))
}

fn as_array<'a>(v: &'a Value, len: usize, path: &str) -> std::result::Result<&'a [Value], String> {
    match v.as_array() {
        Some(a) if a.len() == len => Ok(a),
        Some(a) => Err(format!("{path}: expected {len} elements, got {}", a.len())),
        None => Err(format!("{path}: expected an array of {len} elements")),
    }
}

fn field<F: PrimeField<BigInt = BigInt<4>>>(v: &Value, path: &str) -> std::result::Result<F, String> {
    parse_decimal(as_str(v, path)?).map_err(|e| format!("{path}: {e}"))
}

fn fq2(v: &Value, path: &str) -> std::result::Result<Fq2, String> {
    let a = as_array(v, 2, path)?;
    Ok(Fq2::new(field(&a[0], &format!("{path}[0]"))?, field(&a[1], &format!("{path}[1]"))?))
}

fn fq2_to_json(f: &Fq2) -> Value {
    json!([field_to_decimal(&f.c0), field_to_decimal(&f.c1)])
}

/// `[x, y, "1"]`, or `["0", "1", "0"]` for the point at infinity.
pub fn g1_to_json(p: &G1Affine) -> Value {
    match p.xy() {
        Some((x, y)) => json!([field_to_decimal(&x), field_to_decimal(&y), "1"]),
        None => json!(["0", "1", "0"]),
    }
}

/// `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`, or the canonical infinity.
pub fn g2_to_json(p: &G2Affine) -> Value {
    match p.xy() {
        Some((x, y)) => json!([fq2_to_json(&x), fq2_to_json(&y), ["1", "0"]]),
        None => json!([["0", "0"], ["1", "0"], ["0", "0"]]),
    }
}

/// Parses a snarkjs G1 point and checks it is on the curve and in the subgroup.
pub(crate) fn g1_from_json(v: &Value, path: &str) -> std::result::Result<G1Affine, String> {
    let a = as_array(v, 3, path)?;
    let x: Fq = field(&a[0], &format!("{path}[0]"))?;
    let y: Fq = field(&a[1], &format!("{path}[1]"))?;
    let z: Fq = field(&a[2], &format!("{path}[2]"))?;
    if z.is_zero() {
        return if x.is_zero() && y == Fq::from(1u8) {
            Ok(G1Affine::identity())
        } else {
            Err(format!("{path}: non-canonical point at infinity"))
        };
    }
    if z != Fq::from(1u8) {
        return Err(format!("{path}: projective z must be \"1\" or \"0\""));
    }
    let p = G1Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(format!("{path}: point is not on the BN254 G1 curve"));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(format!("{path}: point is not in the G1 subgroup"));
    }
    Ok(p)
}

/// Parses a snarkjs G2 point and checks it is on the twist and in the prime-order subgroup.
pub(crate) fn g2_from_json(v: &Value, path: &str) -> std::result::Result<G2Affine, String> {
    let a = as_array(v, 3, path)?;
    let x = fq2(&a[0], &format!("{path}[0]"))?;
    let y = fq2(&a[1], &format!("{path}[1]"))?;
    let z = fq2(&a[2], &format!("{path}[2]"))?;
    if z.is_zero() {
        return if x.is_zero() && y == Fq2::from(1u8) {
            Ok(G2Affine::identity())
        } else {
            Err(format!("{path}: non-canonical point at infinity"))
        };
    }
    if z != Fq2::from(1u8) {
        return Err(format!("{path}: projective z must be [\"1\", \"0\"] or [\"0\", \"0\"]"));
    }
    let p = G2Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(format!("{path}: point is not on the BN254 G2 twist"));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(format!("{path}: point is not in the G2 prime-order subgroup"));
    }
    Ok(p)
}

/// `protocol` / `curve` must be absent or exactly what snarkjs writes for Groth16/BN254.
fn check_tags(obj: &Value) -> std::result::Result<(), String> {
    for (key, expected) in [("protocol", "groth16"), ("curve", "bn128")] {
        match obj.get(key) {
            None => {}
            Some(Value::String(s)) if s == expected => {}
            Some(other) => {
                return Err(format!("{key}: expected {expected:?}, got {}", truncate_for_message(other)));
            }
        }
    }
    Ok(())
}

/// A short rendering of a JSON value for an error message (tags only, never witness data).
fn truncate_for_message(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s }
}

fn parse_json(text: &str) -> std::result::Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

impl Proof {
    /// The proof in snarkjs `proof.json` layout (a lookup-mode proof adds its commitment
    /// as `zkid_commitment`, which snarkjs cannot verify).
    pub fn to_snarkjs_json(&self) -> Value {
        let p = self.as_ark();
        let mut v = json!({
            "pi_a": g1_to_json(&p.a),
            "pi_b": g2_to_json(&p.b),
            "pi_c": g1_to_json(&p.c),
            "protocol": "groth16",
            "curve": "bn128",
        });
        if let (Some(d), Some(obj)) = (self.commitment(), v.as_object_mut()) {
            obj.insert(COMMITMENT_FIELD.into(), g1_to_json(&d));
        }
        v
    }

    /// [`Proof::to_snarkjs_json`] as pretty-printed text.
    pub fn to_snarkjs_string(&self) -> String {
        pretty(&self.to_snarkjs_json())
    }

    /// Parses a snarkjs `proof.json` value, validating every point.
    pub fn from_snarkjs_json(v: &Value) -> Result<Self> {
        Self::parse(v).map_err(ProverError::ProofFormat)
    }

    /// Parses snarkjs `proof.json` text.
    pub fn from_snarkjs_str(text: &str) -> Result<Self> {
        parse_json(text).and_then(|v| Self::parse(&v)).map_err(ProverError::ProofFormat)
    }

    fn parse(v: &Value) -> std::result::Result<Self, String> {
        if !v.is_object() {
            return Err("expected a JSON object".into());
        }
        check_tags(v)?;
        let get = |k: &str| v.get(k).ok_or_else(|| format!("missing {k}"));
        let ark = ark_groth16::Proof {
            a: g1_from_json(get("pi_a")?, "pi_a")?,
            b: g2_from_json(get("pi_b")?, "pi_b")?,
            c: g1_from_json(get("pi_c")?, "pi_c")?,
        };
        Ok(match v.get(COMMITMENT_FIELD) {
            Some(d) => Self::with_commitment(ark, g1_from_json(d, COMMITMENT_FIELD)?),
            None => Self::from_ark(ark),
        })
    }
}

/// The JSON field of a lookup-mode proof's commitment `D`.
const COMMITMENT_FIELD: &str = "zkid_commitment";
/// The JSON field of a lookup-mode verifying key's `[δ₁]₂`.
const DELTA1_FIELD: &str = "zkid_delta1_2";

fn pretty(v: &Value) -> String {
    // Serializing a `Value` cannot fail (string keys only).
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Public inputs in snarkjs `public.json` layout: an array of decimal strings.
pub fn public_inputs_to_json(inputs: &[Fr]) -> Value {
    Value::Array(inputs.iter().map(|x| Value::String(field_to_decimal(x))).collect())
}

/// [`public_inputs_to_json`] as pretty-printed text.
pub fn public_inputs_to_string(inputs: &[Fr]) -> String {
    pretty(&public_inputs_to_json(inputs))
}

/// Parses `public.json`: an array of decimal strings, each below the scalar-field modulus.
pub fn public_inputs_from_json(v: &Value) -> Result<Vec<Fr>> {
    parse_public(v).map_err(ProverError::PublicInputFormat)
}

/// Parses `public.json` text.
pub fn public_inputs_from_str(text: &str) -> Result<Vec<Fr>> {
    parse_json(text).and_then(|v| parse_public(&v)).map_err(ProverError::PublicInputFormat)
}

fn parse_public(v: &Value) -> std::result::Result<Vec<Fr>, String> {
    let items = v.as_array().ok_or_else(|| "expected an array of decimal strings".to_string())?;
    items.iter().enumerate().map(|(i, x)| field(x, &format!("[{i}]"))).collect()
}

impl VerifyingKey {
    /// The key in snarkjs `verification_key.json` layout.
    ///
    /// `vk_alphabeta_12` is e(α, β) computed with arkworks' pairing, written as
    /// `[[[c0.c0.c0, c0.c0.c1], [c0.c1…], [c0.c2…]], [[c1.c0…], …]]`. snarkjs's verifier
    /// and Solidity template do not read it; [`VerifyingKey::from_snarkjs_json`] ignores it
    /// (ffjavascript's final exponentiation may yield a different representative).
    pub fn to_snarkjs_json(&self) -> Value {
        let vk = self.as_ark();
        let ab = Bn254::pairing(vk.alpha_g1, vk.beta_g2).0;
        let fq6 = |f: &ark_bn254::Fq6| json!([fq2_to_json(&f.c0), fq2_to_json(&f.c1), fq2_to_json(&f.c2)]);
        let mut v = json!({
            "protocol": "groth16",
            "curve": "bn128",
            "nPublic": vk.gamma_abc_g1.len().saturating_sub(1),
            "vk_alpha_1": g1_to_json(&vk.alpha_g1),
            "vk_beta_2": g2_to_json(&vk.beta_g2),
            "vk_gamma_2": g2_to_json(&vk.gamma_g2),
            "vk_delta_2": g2_to_json(&vk.delta_g2),
            "vk_alphabeta_12": [fq6(&ab.c0), fq6(&ab.c1)],
            "IC": vk.gamma_abc_g1.iter().map(g1_to_json).collect::<Vec<_>>(),
        });
        if let (Some(d), Some(obj)) = (self.delta1_g2(), v.as_object_mut()) {
            obj.insert(DELTA1_FIELD.into(), g2_to_json(&d));
        }
        v
    }

    /// [`VerifyingKey::to_snarkjs_json`] as pretty-printed text.
    pub fn to_snarkjs_string(&self) -> String {
        pretty(&self.to_snarkjs_json())
    }

    /// Parses a snarkjs `verification_key.json` value, validating every point and that
    /// `nPublic` agrees with the number of `IC` points.
    pub fn from_snarkjs_json(v: &Value) -> Result<Self> {
        Self::parse(v).map_err(|e| ProverError::KeyFormat(format!("verification_key.json: {e}")))
    }

    /// Parses snarkjs `verification_key.json` text.
    pub fn from_snarkjs_str(text: &str) -> Result<Self> {
        parse_json(text)
            .and_then(|v| Self::parse(&v))
            .map_err(|e| ProverError::KeyFormat(format!("verification_key.json: {e}")))
    }

    fn parse(v: &Value) -> std::result::Result<Self, String> {
        if !v.is_object() {
            return Err("expected a JSON object".into());
        }
        check_tags(v)?;
        let get = |k: &str| v.get(k).ok_or_else(|| format!("missing {k}"));
        let ic = get("IC")?.as_array().ok_or_else(|| "IC: expected an array of G1 points".to_string())?;
        if ic.is_empty() {
            return Err("IC: needs at least one point (the constant one)".into());
        }
        let gamma_abc_g1 = ic
            .iter()
            .enumerate()
            .map(|(i, p)| g1_from_json(p, &format!("IC[{i}]")))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        if let Some(n) = v.get("nPublic") {
            let n = n.as_u64().ok_or_else(|| "nPublic: expected a non-negative integer".to_string())?;
            if n != (ic.len() - 1) as u64 {
                return Err(format!("nPublic is {n} but IC has {} points (expected nPublic + 1)", ic.len()));
            }
        }
        let ark = ark_groth16::VerifyingKey {
            alpha_g1: g1_from_json(get("vk_alpha_1")?, "vk_alpha_1")?,
            beta_g2: g2_from_json(get("vk_beta_2")?, "vk_beta_2")?,
            gamma_g2: g2_from_json(get("vk_gamma_2")?, "vk_gamma_2")?,
            delta_g2: g2_from_json(get("vk_delta_2")?, "vk_delta_2")?,
            gamma_abc_g1,
        };
        Ok(match v.get(DELTA1_FIELD) {
            Some(d) if ark.gamma_abc_g1.len() >= 2 => Self::with_delta1(ark, g2_from_json(d, DELTA1_FIELD)?),
            Some(_) => return Err("a lookup-mode key needs an IC point for its challenge".into()),
            None => Self::from_ark(ark),
        })
    }
}
