//! The one error type that crosses the FFI boundary.

use zkid_prover::{ErrorKind, ProverError};

/// Everything a zkid call can fail with, by what the caller can do about it. Flat: each
/// variant carries only a message (Kotlin `ZkidException.Key`, Swift `ZkidError.Key`, Python
/// `ZkidError.Key`), and messages name what is wrong, never a capture, template, salt or key
/// byte (the prover's messages are written that way; this crate adds only sizes and names).
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum ZkidError {
    /// An argument is unusable: a capture of the wrong kind or size, a bad nonce or
    /// threshold, malformed hex, malformed public inputs.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The model file is corrupt, or a capture value is out of its range.
    #[error("model error: {0}")]
    Model(String),
    /// A proving or verifying key is corrupt, not the pinned one, or for another model or
    /// statement.
    #[error("key error: {0}")]
    Key(String),
    /// A proof is malformed, or for another model, statement, key or challenge.
    #[error("proof error: {0}")]
    Proof(String),
    /// A sealing key of the wrong length, or a sealed blob that does not open (wrong key,
    /// another model or label, corrupted, not a sealed blob at all).
    #[error("sealing error: {0}")]
    Sealing(String),
    /// The progress listener asked to stop; no proof was made.
    #[error("cancelled: {0}")]
    Cancelled(String),
    /// Reading a file failed.
    #[error("i/o error: {0}")]
    Io(String),
    /// A bug or a failure of the platform (random generator, a panic caught at the
    /// boundary, a progress listener that threw): report it.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ProverError> for ZkidError {
    fn from(e: ProverError) -> Self {
        let msg = e.to_string();
        match e.kind() {
            ErrorKind::InvalidInput => ZkidError::InvalidInput(msg),
            ErrorKind::Model => ZkidError::Model(msg),
            ErrorKind::Key => ZkidError::Key(msg),
            ErrorKind::Proof => ZkidError::Proof(msg),
            ErrorKind::Sealing => ZkidError::Sealing(msg),
            ErrorKind::Cancelled => ZkidError::Cancelled(msg),
            ErrorKind::Io => ZkidError::Io(msg),
            ErrorKind::Internal => ZkidError::Internal(msg),
        }
    }
}

/// Runs an exported body, turning a panic into [`ZkidError::Internal`] so that nothing
/// unwinds into the host app (the workspace keeps `panic = "unwind"` for this). The panic
/// payload is not forwarded: it could quote a value; the panic hook has already logged it.
pub(crate) fn guard<T>(what: &str, body: impl FnOnce() -> Result<T, ZkidError>) -> Result<T, ZkidError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body))
        .unwrap_or_else(|_| Err(ZkidError::Internal(format!("{what} panicked (a bug in zkid; please report it)"))))
}
