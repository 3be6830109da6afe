//! Errors as JavaScript sees them: an `Error` whose `code` names the kind of failure.
//!
//! The codes are coarse on purpose (what a caller acts upon: ask for another capture,
//! refetch a key, reject a proof); the message is the [`ProverError`]'s, which never holds a
//! witness value, a capture or key bytes.

use wasm_bindgen::JsValue;
use zkid_prover::ProverError;

/// What a failed call tells JavaScript in `error.code`: the prover's
/// [`ErrorKind`](zkid_prover::ErrorKind), the same classification the FFI reports (`code` is
/// its `as_str`).
pub use zkid_prover::ErrorKind as ErrorCode;

/// An error on its way to JavaScript: a code and a message free of secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WasmError {
    /// `error.code`.
    pub code: ErrorCode,
    /// `error.message`.
    pub message: String,
}

impl WasmError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// [`ErrorCode::InvalidInput`] with `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    /// [`ErrorCode::Internal`] with `message`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// The JavaScript value thrown: an `Error` named `ZkidError` with a `code` property.
    /// (wasm-bindgen's `JsError` cannot carry extra properties, hence a plain `Error`.)
    pub fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        error.set_name("ZkidError");
        // Setting a property on a fresh `Error` cannot fail (it is extensible and has no
        // setter for `code`); if it somehow did, the error still carries its message.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(self.code.as_str()));
        error.into()
    }
}

impl From<ProverError> for WasmError {
    fn from(e: ProverError) -> Self {
        Self { code: e.kind(), message: e.to_string() }
    }
}

/// A result on its way to JavaScript.
pub type WasmResult<T> = Result<T, WasmError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prover_errors_map_to_the_documented_codes() {
        let cases = [
            (ProverError::InvalidInput("x".into()), ErrorCode::InvalidInput),
            (ProverError::KeyDigestMismatch, ErrorCode::Key),
            (ProverError::StatementMismatch { expected: "a".into(), found: "b".into() }, ErrorCode::Key),
            (ProverError::NonceMismatch, ErrorCode::Proof),
            (ProverError::SealAuthFailed, ErrorCode::Sealing),
            (ProverError::SealingKeyLength { expected: 32, got: 3 }, ErrorCode::Sealing),
            (ProverError::Cancelled, ErrorCode::Cancelled),
            (ProverError::Unsatisfied { constraint: 7 }, ErrorCode::Internal),
            (ProverError::Crypto("rng"), ErrorCode::Internal),
        ];
        for (e, code) in cases {
            assert_eq!(WasmError::from(e).code, code);
        }
    }
}
