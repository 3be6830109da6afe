//! [`ZkidProver`]: a model and its proving key, proving on the device.

use std::path::Path;
use std::sync::Arc;

use zkid_prover::{
    DeviceProver, EnrollOutcome, MatchOutcome, MemoryBudget, OsRng, OwnedCapture, ProofOutcome, ProvingKeyFile,
    SealingKey, Zeroizing,
};

use crate::error::{ZkidError, guard};
use crate::model::{Capture, ZkidModel};
use crate::progress::{ListenerObserver, ProgressListener};

/// A proof ready to send, with what a UI shows about it.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ProofResult {
    /// The proof envelope as JSON (`proof` and `publicSignals` exactly as snarkjs writes
    /// them, plus the model digest, statement and verifying-key digest).
    pub proof_json: String,
    /// The public inputs in circuit order, as decimal strings.
    pub public_signals: Vec<String>,
    /// The statement id (e.g. `enroll`).
    pub statement: String,
    /// R1CS constraints proved.
    pub constraints: u64,
    /// Wall-clock proving time, milliseconds.
    pub prove_ms: f64,
}

impl From<ProofOutcome> for ProofResult {
    fn from(p: ProofOutcome) -> Self {
        Self {
            proof_json: p.proof_json,
            public_signals: p.public_signals,
            statement: p.statement,
            constraints: p.constraints,
            prove_ms: p.prove_ms,
        }
    }
}

/// What an enrollment returns: the proof, the commitments, and the sealed enrollment to store.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct EnrollResult {
    /// The proof of `[c_img, c_tpl, nonce]`.
    pub proof: ProofResult,
    /// `c_img`, decimal: the capture commitment the capture device signs.
    pub image_commitment: String,
    /// `c_tpl`, decimal: the template commitment verifiers keep.
    pub template_commitment: String,
    /// The template and its salt, sealed (AES-256-GCM) under the caller's sealing key and
    /// bound to the model: store it, pass it to `match_enrolled`. The only form in which the
    /// enrollment leaves the library.
    pub sealed_enrollment: Vec<u8>,
}

impl From<EnrollOutcome> for EnrollResult {
    fn from(e: EnrollOutcome) -> Self {
        Self {
            proof: e.proof.into(),
            image_commitment: e.image_commitment,
            template_commitment: e.template_commitment,
            sealed_enrollment: e.sealed_enrollment,
        }
    }
}

/// What a match returns.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct MatchResult {
    /// The proof of `[c_img, c_tpl, tau, verdict, nonce]`.
    pub proof: ProofResult,
    /// Whether the capture matches the enrollment at threshold `tau`.
    pub verdict: bool,
    /// The threshold in the statement's units (iris: `2^-16` of the Hamming distance).
    pub tau: u64,
    /// `c_img`, decimal.
    pub image_commitment: String,
    /// `c_tpl`, decimal.
    pub template_commitment: String,
}

impl From<MatchOutcome> for MatchResult {
    fn from(m: MatchOutcome) -> Self {
        Self {
            proof: m.proof.into(),
            verdict: m.verdict,
            tau: m.tau,
            image_commitment: m.image_commitment,
            template_commitment: m.template_commitment,
        }
    }
}

/// A model and a proving key loaded together (checked to belong to each other): one per
/// statement an app proves (`enroll`, `match(..)`, `infer(..)`). Immutable; share it across
/// threads. Proofs use the operating system's CSPRNG.
#[derive(uniffi::Object)]
pub struct ZkidProver {
    inner: DeviceProver,
}

impl ZkidProver {
    fn load(
        model: &ZkidModel,
        key: &[u8],
        expected_digest: Option<&str>,
        memory_budget: Option<u64>,
    ) -> Result<Self, ZkidError> {
        let budget = memory_budget.map_or(MemoryBudget::DEFAULT, MemoryBudget::from_bytes);
        // The key's bytes are here already; decoding them takes as much again.
        budget.check_bytes("loading the proving key", zkid_prover::budget::key_load_estimate(key.len() as u64))?;
        let key = match expected_digest {
            Some(hex) => ProvingKeyFile::from_bytes_pinned(key, &zkid_prover::keys::parse_digest_hex(hex)?)?,
            None => ProvingKeyFile::from_bytes(key)?,
        };
        Self::with_key(model, key, budget)
    }

    fn with_key(model: &ZkidModel, key: ProvingKeyFile, budget: MemoryBudget) -> Result<Self, ZkidError> {
        Ok(Self { inner: DeviceProver::with_memory_budget(model.inner.clone(), key, budget)? })
    }
}

#[uniffi::export]
impl ZkidProver {
    /// Pairs `model` with a proving key file's bytes. With `expected_digest` (64 hex digits,
    /// e.g. from a release manifest or `keys.json`) the key is refused unless the file's
    /// BLAKE3 (what `b3sum` prints) is that digest. A key for another model, a corrupt key
    /// or a verifying key is `ZkidError.Key`.
    /// `memory_budget` (bytes, default 2 GiB): a key whose proofs are estimated to need more
    /// memory is refused now with `ZkidError.InvalidInput`, rather than the OS killing the
    /// app half-way through a proof.
    #[uniffi::constructor(default(expected_digest = None, memory_budget = None))]
    pub fn new(
        model: Arc<ZkidModel>,
        proving_key: Vec<u8>,
        expected_digest: Option<String>,
        memory_budget: Option<u64>,
    ) -> Result<Self, ZkidError> {
        guard("ZkidProver.new", || Self::load(&model, &proving_key, expected_digest.as_deref(), memory_budget))
    }

    /// Like [`ZkidProver::new`], reading the proving key from a file. The file streams in
    /// while it decodes, so loading peaks at the key's size plus 24 MiB instead of twice the
    /// key: prefer this for keys an app ships as files.
    #[uniffi::constructor(default(expected_digest = None, memory_budget = None))]
    pub fn from_path(
        model: Arc<ZkidModel>,
        path: String,
        expected_digest: Option<String>,
        memory_budget: Option<u64>,
    ) -> Result<Self, ZkidError> {
        guard("ZkidProver.from_path", || {
            let file = Path::new(&path);
            let budget = memory_budget.map_or(MemoryBudget::DEFAULT, MemoryBudget::from_bytes);
            // Refused before reading a key too large to load.
            if let Ok(meta) = std::fs::metadata(file) {
                budget.check_bytes("loading the proving key", zkid_prover::budget::key_stream_estimate(meta.len()))?;
            }
            let key = match expected_digest.as_deref() {
                Some(hex) => ProvingKeyFile::load_pinned(file, &zkid_prover::keys::parse_digest_hex(hex)?)?,
                None => ProvingKeyFile::load(file)?,
            };
            Self::with_key(&model, key, budget)
        })
    }

    /// The statement the key proves (`enroll`, `match(max_shift=..,min_bits=..)`,
    /// `infer(input=..,output=..)`).
    pub fn statement(&self) -> String {
        self.inner.statement().id()
    }

    /// Proves an `infer` statement on `capture`. `nonce` is the verifier's challenge (a
    /// decimal field element); `None` draws a random one.
    #[uniffi::method(default(nonce = None, listener = None))]
    pub fn prove(
        &self,
        capture: Capture,
        nonce: Option<String>,
        listener: Option<Box<dyn ProgressListener>>,
    ) -> Result<ProofResult, ZkidError> {
        guard("ZkidProver.prove", || {
            let capture = OwnedCapture::from(capture);
            let mut observer = ListenerObserver::new(listener.as_deref());
            let result = self.inner.prove(capture.as_capture(), nonce.as_deref(), &mut OsRng, &mut observer);
            observer.finish(result).map(ProofResult::from)
        })
    }

    /// Proves an enrollment of `capture` (key for `enroll`) and seals the enrollment under
    /// `sealing_key` (32 bytes, e.g. held by the platform keystore).
    #[uniffi::method(default(nonce = None, listener = None))]
    pub fn enroll(
        &self,
        capture: Capture,
        sealing_key: Vec<u8>,
        nonce: Option<String>,
        listener: Option<Box<dyn ProgressListener>>,
    ) -> Result<EnrollResult, ZkidError> {
        guard("ZkidProver.enroll", || {
            let capture = OwnedCapture::from(capture);
            let key = SealingKey::from_bytes(&Zeroizing::new(sealing_key))?;
            let mut observer = ListenerObserver::new(listener.as_deref());
            let result = self.inner.enroll(capture.as_capture(), &key, nonce.as_deref(), &mut OsRng, &mut observer);
            observer.finish(result).map(EnrollResult::from)
        })
    }

    /// Proves whether `capture` matches the sealed enrollment (key for `match(..)`) at
    /// threshold `tau` (iris: fractional Hamming distance in `[0, 1]`, default 0.35;
    /// embedding models: the squared L2 distance, required).
    #[uniffi::method(default(tau = None, nonce = None, listener = None))]
    pub fn match_enrolled(
        &self,
        capture: Capture,
        sealed_enrollment: Vec<u8>,
        sealing_key: Vec<u8>,
        tau: Option<f64>,
        nonce: Option<String>,
        listener: Option<Box<dyn ProgressListener>>,
    ) -> Result<MatchResult, ZkidError> {
        guard("ZkidProver.match_enrolled", || {
            let capture = OwnedCapture::from(capture);
            let key = SealingKey::from_bytes(&Zeroizing::new(sealing_key))?;
            let mut observer = ListenerObserver::new(listener.as_deref());
            let result = self.inner.match_enrolled(
                capture.as_capture(),
                &sealed_enrollment,
                &key,
                tau,
                nonce.as_deref(),
                &mut OsRng,
                &mut observer,
            );
            observer.finish(result).map(MatchResult::from)
        })
    }
}
