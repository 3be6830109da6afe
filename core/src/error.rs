//! The one error type of zkid-core.

use std::path::PathBuf;

/// Everything that can go wrong while importing, quantizing, storing or running a model.
///
/// Messages name the node, tensor or file involved so a user can act on them; they never
/// contain input or weight values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// The model uses an operator zkid cannot express as exact integer arithmetic.
    #[error("unsupported operator `{op}` at node `{node}`{}", detail_suffix(.detail))]
    UnsupportedOp {
        /// ONNX operator type, e.g. `LSTM`.
        op: String,
        /// Name of the ONNX node (or its index when unnamed).
        node: String,
        /// Why it is unsupported when the operator itself is known (an attribute value).
        detail: String,
    },
    /// A model file could not be parsed as ONNX.
    #[error("cannot read ONNX model: {0}")]
    OnnxParse(String),
    /// The ONNX graph is structurally invalid for import (missing tensor, bad attribute).
    #[error("invalid model at node `{node}`: {reason}")]
    InvalidModel {
        /// Node (or tensor) where the problem was found.
        node: String,
        /// What is wrong.
        reason: String,
    },
    /// An input tensor does not have the shape the model expects.
    #[error("input shape mismatch: the model expects {expected:?}, got {got:?}")]
    InputShape {
        /// Shape the model expects.
        expected: Vec<usize>,
        /// Shape that was supplied.
        got: Vec<usize>,
    },
    /// An input contains NaN or an infinite value.
    #[error("input value #{index} is not finite (NaN or infinity)")]
    NonFiniteInput {
        /// Flat index of the first offending element.
        index: usize,
    },
    /// A quantized input value lies outside the range of the model's input tensor.
    #[error("quantized input value #{index} is outside the model's input range [{lo}, {hi}]")]
    InputRange {
        /// Flat index of the first offending element.
        index: usize,
        /// Lowest allowed value.
        lo: i64,
        /// Highest allowed value.
        hi: i64,
    },
    /// Integer inference overflowed i64 (never wraps silently).
    #[error(
        "integer overflow in node `{node}` ({what}); the weights or multipliers are too large for exact i64 inference"
    )]
    Overflow {
        /// Node where it happened.
        node: String,
        /// Which computation overflowed.
        what: &'static str,
    },
    /// Quantization could not produce a valid integer model.
    #[error("quantization failed at `{node}`: {reason}")]
    Quantization {
        /// Node or tensor concerned.
        node: String,
        /// What went wrong.
        reason: String,
    },
    /// The calibration set is empty or unusable.
    #[error("calibration: {0}")]
    Calibration(String),
    /// A `.zkm` file is corrupt, truncated or of an unknown version.
    #[error("invalid .zkm file: {0}")]
    Zkm(ZkmError),
    /// A `.npy` file could not be read.
    #[error("cannot read .npy file: {0}")]
    Npy(String),
    /// The float reference (tract) failed.
    #[error("float reference inference failed: {0}")]
    Reference(String),
    /// File system error, with the path.
    #[error("{path}: {source}")]
    Io {
        /// File concerned.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
}

/// Why a `.zkm` file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZkmError {
    /// The file does not start with the `.zkm` magic bytes.
    #[error("not a .zkm file (bad magic bytes)")]
    BadMagic,
    /// The file was written by an incompatible format version.
    #[error("unsupported .zkm format version {found} (this build reads version {supported})")]
    UnsupportedVersion {
        /// Version in the file.
        found: u16,
        /// Version this build reads.
        supported: u16,
    },
    /// The file is shorter than its header says.
    #[error("file is truncated ({len} bytes, expected {expected})")]
    Truncated {
        /// Actual length.
        len: usize,
        /// Length the header announces.
        expected: usize,
    },
    /// The stored SHA-256 does not match the content.
    #[error("checksum mismatch: the file is corrupt")]
    Checksum,
    /// The payload could not be decoded.
    #[error("payload cannot be decoded: {0}")]
    Decode(String),
    /// The decoded model is structurally inconsistent.
    #[error("model is inconsistent: {0}")]
    Inconsistent(String),
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() { String::new() } else { format!(": {detail}") }
}

impl From<ZkmError> for CoreError {
    fn from(e: ZkmError) -> Self {
        CoreError::Zkm(e)
    }
}

/// Result alias for zkid-core.
pub type Result<T, E = CoreError> = std::result::Result<T, E>;
