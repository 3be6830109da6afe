//! JavaScript values to prover inputs and prover outcomes to plain JavaScript objects.
//!
//! Captures are copied out of the caller's typed arrays into buffers zeroized on drop; the
//! caller's own arrays are theirs to clear. Results are fresh objects holding only what
//! `zkid_prover::device` returns (no capture, template, salt or key material).

use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array, Uint8ClampedArray};
use wasm_bindgen::{JsCast, JsValue};
use zeroize::Zeroizing;
use zkid_prover::{EnrollOutcome, MatchOutcome, OwnedCapture, ProofOutcome, VerifyOutcome};

use crate::error::{WasmError, WasmResult};

/// Reads a capture out of JavaScript: `{ image: Uint8Array, mask: Uint8Array }` (a
/// `Uint8ClampedArray`, as in `ImageData`, is accepted too) or `{ values: Float32Array }`.
pub fn capture_from_js(value: &JsValue) -> WasmResult<OwnedCapture> {
    if !value.is_object() {
        return Err(WasmError::invalid(
            "a capture is an object: { image: Uint8Array, mask: Uint8Array } or { values: Float32Array }",
        ));
    }
    let image = field(value, "image")?;
    let mask = field(value, "mask")?;
    let values = field(value, "values")?;
    match (image.is_undefined(), mask.is_undefined(), values.is_undefined()) {
        (false, false, true) => {
            // Each copy is owned by a wiping buffer at once, whatever fails next.
            let image = bytes(&image, "capture.image")?;
            Ok(OwnedCapture::Iris { image, mask: bytes(&mask, "capture.mask")? })
        }
        (true, true, false) => {
            let values = values
                .dyn_into::<Float32Array>()
                .map_err(|_| WasmError::invalid("capture.values must be a Float32Array"))?;
            Ok(OwnedCapture::raw(values.to_vec()))
        }
        _ => {
            Err(WasmError::invalid("a capture has either `image` and `mask` (iris models) or `values` (other models)"))
        }
    }
}

fn field(object: &JsValue, name: &str) -> WasmResult<JsValue> {
    Reflect::get(object, &JsValue::from_str(name))
        .map_err(|_| WasmError::invalid(format!("cannot read capture.{name}")))
}

fn bytes(value: &JsValue, what: &str) -> WasmResult<Zeroizing<Vec<u8>>> {
    if let Some(a) = value.dyn_ref::<Uint8Array>() {
        return Ok(Zeroizing::new(a.to_vec()));
    }
    if let Some(a) = value.dyn_ref::<Uint8ClampedArray>() {
        return Ok(Zeroizing::new(a.to_vec()));
    }
    Err(WasmError::invalid(format!("{what} must be a Uint8Array")))
}

/// A fresh object being filled.
pub struct ObjectBuilder(Object);

impl ObjectBuilder {
    /// An empty object.
    pub fn new() -> Self {
        Self(Object::new())
    }

    /// Sets `key` (fails only on a frozen object, which this is not).
    pub fn set(self, key: &str, value: impl Into<JsValue>) -> WasmResult<Self> {
        Reflect::set(&self.0, &JsValue::from_str(key), &value.into())
            .map_err(|_| WasmError::internal(format!("cannot set result field {key}")))?;
        Ok(self)
    }

    /// The object.
    pub fn build(self) -> JsValue {
        self.0.into()
    }
}

fn strings(values: &[String]) -> Array {
    values.iter().map(|s| JsValue::from_str(s)).collect()
}

/// The fields every proving call returns.
fn proof_fields(p: &ProofOutcome) -> WasmResult<ObjectBuilder> {
    ObjectBuilder::new()
        .set("proofJson", p.proof_json.as_str())?
        .set("publicSignals", strings(&p.public_signals))?
        .set("statement", p.statement.as_str())?
        // Constraint counts of real statements are far below 2^53: exact as a JS number.
        .set("constraints", p.constraints as f64)?
        .set("proveMs", p.prove_ms)
}

/// `ProofResult`.
pub fn proof(p: &ProofOutcome) -> WasmResult<JsValue> {
    Ok(proof_fields(p)?.build())
}

/// `EnrollResult`: the proof fields and the commitments and sealed enrollment.
pub fn enroll(e: &EnrollOutcome) -> WasmResult<JsValue> {
    Ok(proof_fields(&e.proof)?
        .set("imageCommitment", e.image_commitment.as_str())?
        .set("templateCommitment", e.template_commitment.as_str())?
        .set("sealedEnrollment", Uint8Array::from(e.sealed_enrollment.as_slice()))?
        .build())
}

/// `MatchResult`: the proof fields and the verdict, threshold and commitments.
pub fn matched(m: &MatchOutcome) -> WasmResult<JsValue> {
    Ok(proof_fields(&m.proof)?
        .set("verdict", m.verdict)?
        // τ is at most 2^16 for iris models; embedding thresholds are checked to fit the
        // circuit's range, far below 2^53.
        .set("tau", m.tau as f64)?
        .set("imageCommitment", m.image_commitment.as_str())?
        .set("templateCommitment", m.template_commitment.as_str())?
        .build())
}

/// `VerifyResult` (`verdict` is `undefined` for statements other than `match`).
pub fn verified(v: &VerifyOutcome) -> WasmResult<JsValue> {
    let b = ObjectBuilder::new()
        .set("valid", v.valid)?
        .set("statement", v.statement.as_str())?
        .set("publicSignals", strings(&v.public_signals))?;
    Ok(match v.verdict {
        Some(verdict) => b.set("verdict", verdict)?,
        None => b,
    }
    .build())
}
