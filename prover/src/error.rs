//! The one error type of `zkid-prover`.
//!
//! Every variant is something a caller can match on and act upon (refuse a key, report a
//! malformed proof, ask for another input). Messages name *what* is wrong and *where*
//! (a JSON path, a byte offset, a constraint index), never a witness value: a witness can
//! hold a biometric template or an image, and error strings end up in logs.

use ark_relations::gr1cs::SynthesisError;

/// Result alias used throughout the crate.
pub type Result<T, E = ProverError> = std::result::Result<T, E>;

/// Which kind of key a key file holds (its magic names it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// A Groth16 proving key (large; used on the device).
    Proving,
    /// A Groth16 verifying key (small; used by verifiers).
    Verifying,
}

impl std::fmt::Display for KeyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeyKind::Proving => "proving key",
            KeyKind::Verifying => "verifying key",
        })
    }
}

/// Everything that can go wrong in setup, proving, verification and (de)serialization.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProverError {
    /// The BLAKE3 digest stored in a key file does not match its content: the file is corrupt or
    /// was modified. The key is refused.
    #[error("key file digest mismatch: the file is corrupt or was modified")]
    KeyDigestMismatch,

    /// The key file's BLAKE3 digest differs from the one the caller pinned (for example from a
    /// release manifest): this is not the expected key. The key is refused.
    #[error("key file is not the pinned one: expected blake3 {expected}, found {found}")]
    KeyPinMismatch {
        /// Pinned digest, lower-case hex.
        expected: String,
        /// Digest of the file, lower-case hex.
        found: String,
    },

    /// The file ends before the header or the payload it announces is complete.
    #[error("key file truncated: need at least {needed} bytes, found {found}")]
    KeyTruncated {
        /// Bytes the header requires.
        needed: u64,
        /// Bytes present.
        found: u64,
    },

    /// The file does not start with the magic of the expected key kind (not a zkid key,
    /// or a verifying key where a proving key was expected, or the other way round).
    #[error("not a zkid {expected} file (bad magic)")]
    KeyBadMagic {
        /// The kind the caller asked for.
        expected: KeyKind,
    },

    /// The key file was written by an incompatible format version (older builds wrote
    /// versions 1 to 3): run the setup again with this build.
    #[error(
        "unsupported key file version {found} (this build reads versions {} to {supported}); run the setup again with this build",
        crate::keys::PLAIN_KEY_FORMAT_VERSION
    )]
    KeyUnsupportedVersion {
        /// Version in the file.
        found: u16,
        /// Version this build reads.
        supported: u16,
    },

    /// The key container or its payload is malformed in another way (bad header field,
    /// trailing bytes, points that do not decode, JSON verifying key that does not parse).
    #[error("malformed key: {0}")]
    KeyFormat(String),

    /// The key was made for another model than the one the caller holds.
    #[error("key was made for model {found}, expected model {expected}")]
    ModelMismatch {
        /// Digest the caller expected, hex.
        expected: String,
        /// Digest recorded in the key, hex.
        found: String,
    },

    /// The key was made for another statement (e.g. `enroll` where `match` was asked).
    #[error("key was made for statement {found:?}, expected {expected:?}")]
    StatementMismatch {
        /// Statement the caller expected.
        expected: String,
        /// Statement recorded in the key.
        found: String,
    },

    /// The proving key does not fit the circuit being proven (different number of
    /// variables, public inputs or evaluation domain).
    #[error("proving key does not match the circuit: {0}")]
    KeyCircuitMismatch(String),

    /// A proof (JSON or binary) is malformed: wrong shape, not a decimal string, value
    /// outside the field, point not on the curve or not in the prime-order subgroup.
    #[error("malformed proof: {0}")]
    ProofFormat(String),

    /// Public inputs (`public.json`) are malformed: not an array of decimal strings, or a
    /// value not below the scalar-field modulus.
    #[error("malformed public inputs: {0}")]
    PublicInputFormat(String),

    /// The number of public inputs given does not match the verifying key.
    #[error("wrong number of public inputs: the key expects {expected}, got {got}")]
    PublicInputCount {
        /// Number the verifying key expects.
        expected: usize,
        /// Number supplied.
        got: usize,
    },

    /// Constraint synthesis failed (a gadget could not allocate or compute a value).
    #[error("constraint synthesis failed: {0}")]
    Synthesis(#[from] SynthesisError),

    /// The circuit uses a constraint kind Groth16 cannot prove (a non-R1CS GR1CS predicate).
    #[error("unsupported constraint predicate {0:?}: Groth16 proves R1CS only")]
    UnsupportedPredicate(String),

    /// The caller's [`ProveObserver`](crate::ProveObserver) asked to stop; no proof was made.
    #[error("proving was cancelled")]
    Cancelled,

    /// The witness does not satisfy the constraint system. Only the index of the first
    /// failing constraint is reported, never the values involved.
    #[error("the witness does not satisfy constraint #{constraint}")]
    Unsatisfied {
        /// Index of the first unsatisfied R1CS constraint.
        constraint: usize,
    },

    /// A proof the prover just made does not verify against its own key: a bug in zkid
    /// (e.g. a circuit whose recorded rows disagree with its constraints), never the
    /// caller's input. No proof is returned.
    #[error("internal error: a freshly made proof does not verify against its own key; please report this")]
    SelfCheckFailed,

    /// Row evaluations or an assignment passed to the low-level prover have the wrong length.
    #[error("invalid prover input: {0}")]
    InvalidInput(String),

    /// Reading or writing a file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),

    /// The estimated peak memory of the operation is over the caller's
    /// [`MemoryBudget`](crate::budget::MemoryBudget); refused before any large allocation.
    #[error(
        "{operation} needs an estimated {} of memory, over the memory budget of {}; raise the budget if \
         the device has the memory (zkid CLI: --memory-budget SIZE or ZKID_MEMORY_BUDGET; bindings: the \
         prover's memory budget argument) or use a smaller model",
        crate::budget::human_bytes(*.estimated),
        crate::budget::human_bytes(*.budget)
    )]
    OverMemoryBudget {
        /// What was refused: `proving` or `setup`.
        operation: &'static str,
        /// Estimated peak bytes.
        estimated: u64,
        /// The budget, bytes.
        budget: u64,
    },

    /// The model, its input or its integer inference was rejected (wrong input shape, NaN,
    /// corrupt `.zkm`, overflow).
    #[error(transparent)]
    Model(#[from] zkid_core::CoreError),

    /// A proof envelope does not belong to the verifying key it is checked with.
    #[error("the proof is for {what} {found}, the key is for {expected}")]
    EnvelopeMismatch {
        /// What differs: `model`, `statement` or `verifying key`.
        what: &'static str,
        /// Value in the key.
        expected: String,
        /// Value in the proof.
        found: String,
    },

    /// The proof's nonce is not the verifier's challenge.
    #[error("the proof answers another challenge (nonce mismatch)")]
    NonceMismatch,

    /// A capture-device key is malformed: unknown algorithm, bad hex, wrong length, not an
    /// uncompressed P-256 point, or a PKCS#8 document ring rejects. The message says which;
    /// it never contains key bytes.
    #[error("malformed device key: {0}")]
    DeviceKeyFormat(String),

    /// A capture attestation (its JSON) is malformed: not JSON, a missing field, unknown
    /// algorithm, bad hex, wrong signature length.
    #[error("malformed capture attestation: {0}")]
    AttestationFormat(String),

    /// The attestation was made with another signature algorithm than the device key it is
    /// checked with: it cannot come from this device.
    #[error("the capture attestation was made with {attestation}, the device key is {key}")]
    AttestationAlgMismatch {
        /// Algorithm of the device public key.
        key: crate::attest::DeviceKeyAlg,
        /// Algorithm named in the attestation.
        attestation: crate::attest::DeviceKeyAlg,
    },

    /// The attestation's signature does not verify: it was not made by this device key over
    /// this commitment (or the key is not a valid curve point).
    #[error("the capture attestation does not verify: not signed by this device key for this commitment")]
    AttestationInvalid,

    /// A sealing key of the wrong length was supplied.
    #[error("a sealing key must be {expected} bytes, got {got}")]
    SealingKeyLength {
        /// Required length (32: AES-256).
        expected: usize,
        /// Length supplied.
        got: usize,
    },

    /// A sealed blob ends before its header and authentication tag are complete.
    #[error("sealed blob truncated: need at least {needed} bytes, found {found}")]
    SealTruncated {
        /// Bytes of header and tag every blob has.
        needed: usize,
        /// Bytes present.
        found: usize,
    },

    /// The bytes are not a zkid sealed blob (bad magic).
    #[error("not a zkid sealed blob (bad magic)")]
    SealBadMagic,

    /// The sealed blob was written by an incompatible format version.
    #[error("unsupported sealed blob version {found} (this build reads version {supported})")]
    SealUnsupportedVersion {
        /// Version in the blob.
        found: u8,
        /// Version this build reads.
        supported: u8,
    },

    /// AES-GCM authentication failed. AEAD cannot tell the causes apart, so all are named.
    #[error("cannot unseal: wrong key, another model or label, or a corrupted blob")]
    SealAuthFailed,

    /// The system random generator or the crypto backend failed (key generation, a nonce,
    /// an ECDSA signature). Names the operation only.
    #[error("cryptographic operation failed: {0}")]
    Crypto(&'static str),
}

/// What a caller can do about a [`ProverError`]: the coarse classification every front end
/// reports (the FFI's `ZkidError` variants, the wasm package's `error.code`), defined once
/// here so that they agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An argument is unusable: a capture of the wrong kind or size, a nonce, a threshold,
    /// a statement id, a digest; or the work would not fit the memory budget.
    InvalidInput,
    /// The model file is corrupt, or a capture value is out of the model's range.
    Model,
    /// A proving or verifying key (or a device key) is corrupt, not the pinned one, or for
    /// another model or statement.
    Key,
    /// A proof, its public signals or an attestation is malformed, invalid, or for another
    /// key or challenge.
    Proof,
    /// A sealing key or a sealed blob is unusable (wrong key, another model or label,
    /// corrupted, not a sealed blob).
    Sealing,
    /// The caller's observer asked to stop.
    Cancelled,
    /// Reading or writing a file failed.
    Io,
    /// Nothing the caller's input can fix: a bug or a platform failure (synthesis, an
    /// unsatisfied witness, the random generator).
    Internal,
}

impl ErrorKind {
    /// The kind's stable name (`"InvalidInput"`, `"Key"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Model => "Model",
            ErrorKind::Key => "Key",
            ErrorKind::Proof => "Proof",
            ErrorKind::Sealing => "Sealing",
            ErrorKind::Cancelled => "Cancelled",
            ErrorKind::Io => "Io",
            ErrorKind::Internal => "Internal",
        }
    }
}

impl ProverError {
    /// The error's [`ErrorKind`].
    pub fn kind(&self) -> ErrorKind {
        use ProverError as E;
        match self {
            E::InvalidInput(_) | E::OverMemoryBudget { .. } => ErrorKind::InvalidInput,
            E::Model(_) => ErrorKind::Model,
            E::KeyDigestMismatch
            | E::KeyPinMismatch { .. }
            | E::KeyTruncated { .. }
            | E::KeyBadMagic { .. }
            | E::KeyUnsupportedVersion { .. }
            | E::KeyFormat(_)
            | E::ModelMismatch { .. }
            | E::StatementMismatch { .. }
            | E::KeyCircuitMismatch(_)
            | E::DeviceKeyFormat(_) => ErrorKind::Key,
            E::ProofFormat(_)
            | E::PublicInputFormat(_)
            | E::PublicInputCount { .. }
            | E::EnvelopeMismatch { .. }
            | E::NonceMismatch
            | E::AttestationFormat(_)
            | E::AttestationAlgMismatch { .. }
            | E::AttestationInvalid => ErrorKind::Proof,
            E::SealingKeyLength { .. }
            | E::SealTruncated { .. }
            | E::SealBadMagic
            | E::SealUnsupportedVersion { .. }
            | E::SealAuthFailed => ErrorKind::Sealing,
            E::Cancelled => ErrorKind::Cancelled,
            E::Io(_) => ErrorKind::Io,
            E::Synthesis(_)
            | E::UnsupportedPredicate(_)
            | E::Unsatisfied { .. }
            | E::SelfCheckFailed
            | E::Crypto(_) => ErrorKind::Internal,
        }
    }
}
