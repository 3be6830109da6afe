//! The one error type that crosses the FFI boundary.

use zkid_prover::ProverError;

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
        match e {
            ProverError::InvalidInput(_) | ProverError::PublicInputFormat(_) | ProverError::PublicInputCount { .. } => {
                ZkidError::InvalidInput(msg)
            }
            ProverError::Model(_) => ZkidError::Model(msg),
            ProverError::KeyDigestMismatch
            | ProverError::KeyPinMismatch { .. }
            | ProverError::KeyTruncated { .. }
            | ProverError::KeyBadMagic { .. }
            | ProverError::KeyUnsupportedVersion { .. }
            | ProverError::KeyFormat(_)
            | ProverError::ModelMismatch { .. }
            | ProverError::StatementMismatch { .. }
            | ProverError::KeyCircuitMismatch(_)
            | ProverError::DeviceKeyFormat(_) => ZkidError::Key(msg),
            ProverError::ProofFormat(_)
            | ProverError::EnvelopeMismatch { .. }
            | ProverError::NonceMismatch
            | ProverError::AttestationFormat(_)
            | ProverError::AttestationAlgMismatch { .. }
            | ProverError::AttestationInvalid => ZkidError::Proof(msg),
            ProverError::SealingKeyLength { .. }
            | ProverError::SealTruncated { .. }
            | ProverError::SealBadMagic
            | ProverError::SealUnsupportedVersion { .. }
            | ProverError::SealAuthFailed => ZkidError::Sealing(msg),
            ProverError::Cancelled => ZkidError::Cancelled(msg),
            ProverError::Io(_) => ZkidError::Io(msg),
            // Synthesis failures, an unsatisfied witness, a non-R1CS predicate and a failing
            // crypto backend are not the caller's input: bugs or platform failures.
            ProverError::Synthesis(_)
            | ProverError::UnsupportedPredicate(_)
            | ProverError::Unsatisfied { .. }
            | ProverError::Crypto(_) => ZkidError::Internal(msg),
            // `ProverError` is non-exhaustive: a variant added later is reported, not lost.
            _ => ZkidError::Internal(msg),
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

/// Parses a SHA-256 digest written as 64 hex digits (either case, surrounding whitespace
/// ignored); anything else is [`ZkidError::InvalidInput`].
pub(crate) fn parse_sha256_hex(text: &str) -> Result<[u8; 32], ZkidError> {
    let text = text.trim();
    let bad = || ZkidError::InvalidInput(format!("a SHA-256 digest is 64 hex digits, got {} characters", text.len()));
    if text.len() != 64 {
        return Err(bad());
    }
    if let Some(at) = text.bytes().position(|b| !b.is_ascii_hexdigit()) {
        return Err(ZkidError::InvalidInput(format!("the SHA-256 digest has a non-hex digit at position {at}")));
    }
    let digit = |b: u8| match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10, // only hex digits remain (checked above)
    };
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        *byte = (digit(pair[0]) << 4) | digit(pair[1]);
    }
    Ok(out)
}
