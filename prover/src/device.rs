//! The on-device session the bindings expose: one loaded model and proving key, captures in
//! plain buffers, results as plain data (proof JSON, decimal public signals, sealed bytes).
//!
//! The UniFFI bindings (`zkid-ffi`) and the wasm package (`zkid-wasm`) are thin wrappers over
//! this module, so a phone, a browser and the CLI prove the same statements the same way.
//! Nothing a [`DeviceProver`] returns holds a capture, a template, a salt or key material:
//! the enrollment leaves only sealed (AES-256-GCM under the caller's key).

use rand::{CryptoRng, RngCore};

use crate::Fr;
use crate::biometric::{self, Enrollment};
use crate::budget::{self, MemoryBudget};
use crate::capture::Capture;
use crate::error::Result;
use crate::groth16::{ProveObserver, ProveReport};
use crate::json::field_to_decimal;
use crate::keys::{ProvingKeyFile, VerifyingKeyFile};
use crate::seal::SealingKey;
use crate::statement::{self, LoadedModel, ProofEnvelope, RangeMode, Statement};

/// A proof ready to send, with what a UI shows about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProofOutcome {
    /// The envelope as JSON (`proof` and `publicSignals` exactly as snarkjs writes them).
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

impl ProofOutcome {
    fn new(envelope: &ProofEnvelope, report: &ProveReport) -> Self {
        Self {
            proof_json: envelope.to_json_string(),
            public_signals: envelope.public_signals.iter().map(field_to_decimal).collect(),
            statement: envelope.statement.clone(),
            constraints: report.shape.num_constraints as u64,
            prove_ms: report.timings.total.as_secs_f64() * 1e3,
        }
    }
}

/// What an enrollment returns: the proof and the sealed enrollment to store.
#[derive(Clone, Debug, PartialEq)]
pub struct EnrollOutcome {
    /// The proof of `[c_img, c_tpl, nonce]`.
    pub proof: ProofOutcome,
    /// `c_img`, decimal: the capture commitment the capture device signs.
    pub image_commitment: String,
    /// `c_tpl`, decimal: the template commitment verifiers keep.
    pub template_commitment: String,
    /// The enrolled template and its salt, sealed under the caller's key and bound to the
    /// model: the only form in which the enrollment leaves this module.
    pub sealed_enrollment: Vec<u8>,
}

/// What a match returns.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchOutcome {
    /// The proof of `[c_img, c_tpl, τ, verdict, nonce]`.
    pub proof: ProofOutcome,
    /// Whether the capture matches the enrollment at threshold `tau`.
    pub verdict: bool,
    /// The threshold in the statement's units (iris: `2^-16` of the Hamming distance).
    pub tau: u64,
    /// `c_img`, decimal.
    pub image_commitment: String,
    /// `c_tpl`, decimal.
    pub template_commitment: String,
}

/// What verifying a proof tells.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifyOutcome {
    /// Whether the proof is valid for its public signals (and nonce, when one was expected).
    pub valid: bool,
    /// The statement id of the proof.
    pub statement: String,
    /// The public signals, decimal, in circuit order.
    pub public_signals: Vec<String>,
    /// For a `match` proof, the proven verdict.
    pub verdict: Option<bool>,
}

/// A model and a proving key loaded together (checked to belong to each other): one per
/// statement an app proves. Immutable; share it across threads.
pub struct DeviceProver {
    model: LoadedModel,
    key: ProvingKeyFile,
    statement: Statement,
}

impl DeviceProver {
    /// Pairs a model with its proving key; refuses a key for another model, and a key whose
    /// proofs would need more than [`MemoryBudget::DEFAULT`] (2 GiB) of memory.
    pub fn new(model: LoadedModel, key: ProvingKeyFile) -> Result<Self> {
        Self::with_memory_budget(model, key, MemoryBudget::DEFAULT)
    }

    /// Like [`DeviceProver::new`] with another memory budget: a key whose proofs are estimated
    /// ([`crate::budget::prove_estimate`]) to need more is refused with
    /// [`ProverError::OverMemoryBudget`](crate::ProverError::OverMemoryBudget) now, not
    /// killed by the OS half-way through a proof.
    pub fn with_memory_budget(model: LoadedModel, key: ProvingKeyFile, budget: MemoryBudget) -> Result<Self> {
        let statement = Statement::from_id(&key.header.statement_id)?;
        key.check_for(&model.digest, &statement.id())?;
        budget::check_prove(&key.key, budget)?;
        Ok(Self { model, key, statement })
    }

    /// The model.
    pub fn model(&self) -> &LoadedModel {
        &self.model
    }

    /// The statement the key proves.
    pub fn statement(&self) -> Statement {
        self.statement
    }

    fn nonce(nonce: Option<&str>) -> Result<Fr> {
        nonce.map_or_else(|| Ok(statement::random_nonce()), statement::parse_nonce)
    }

    /// Proves an `infer` statement on `capture` (key made with `--statement infer`).
    pub fn prove<R: RngCore + CryptoRng>(
        &self,
        capture: Capture<'_>,
        nonce: Option<&str>,
        rng: &mut R,
        observer: &mut dyn ProveObserver,
    ) -> Result<ProofOutcome> {
        let nonce = Self::nonce(nonce)?;
        let input = self.model.quantize_capture(capture)?;
        let p = statement::prove_infer(&self.model, &self.key, &input, nonce, rng, observer)?;
        Ok(ProofOutcome::new(&p.envelope, &p.report))
    }

    /// Proves an enrollment of `capture` and seals the enrollment under `sealing_key`.
    pub fn enroll<R: RngCore + CryptoRng>(
        &self,
        capture: Capture<'_>,
        sealing_key: &SealingKey,
        nonce: Option<&str>,
        rng: &mut R,
        observer: &mut dyn ProveObserver,
    ) -> Result<EnrollOutcome> {
        let nonce = Self::nonce(nonce)?;
        let input = self.model.quantize_capture(capture)?;
        let p = biometric::prove_enroll(&self.model, &self.key, &input, nonce, rng, observer)?;
        let commitment = |i: usize| p.envelope.public_signals.get(i).map(field_to_decimal).unwrap_or_default();
        Ok(EnrollOutcome {
            proof: ProofOutcome::new(&p.envelope, &p.report),
            image_commitment: commitment(0),
            template_commitment: commitment(1),
            sealed_enrollment: p.enrollment.seal(&self.model, sealing_key)?,
        })
    }

    /// Proves whether `capture` matches the sealed enrollment at threshold `tau` (iris: the
    /// fractional Hamming distance, default 0.35; embeddings: squared L2, required).
    #[allow(clippy::too_many_arguments)] // each is a distinct input of the statement
    pub fn match_enrolled<R: RngCore + CryptoRng>(
        &self,
        capture: Capture<'_>,
        sealed_enrollment: &[u8],
        sealing_key: &SealingKey,
        tau: Option<f64>,
        nonce: Option<&str>,
        rng: &mut R,
        observer: &mut dyn ProveObserver,
    ) -> Result<MatchOutcome> {
        let tau = biometric::tau_units(&self.model, tau)?;
        let nonce = Self::nonce(nonce)?;
        let input = self.model.quantize_capture(capture)?;
        let enrolled = Enrollment::unseal(&self.model, sealing_key, sealed_enrollment)?;
        let p = biometric::prove_match(&self.model, &self.key, &input, &enrolled, tau, nonce, rng, observer)?;
        Ok(MatchOutcome {
            proof: ProofOutcome::new(&p.envelope, &p.report),
            verdict: p.public.verdict,
            tau,
            image_commitment: field_to_decimal(&p.public.image_commitment),
            template_commitment: field_to_decimal(&p.public.template_commitment),
        })
    }
}

/// Verifies a proof envelope (JSON, as [`ProofOutcome::proof_json`]) with a verifying key;
/// with `expected_nonce`, also checks that the proof answers that challenge. A proof that
/// does not verify is `valid: false`; unusable input (malformed JSON, a proof for another
/// model or statement, another nonce) is an error.
pub fn verify_proof_json(
    vk: &VerifyingKeyFile,
    proof_json: &str,
    expected_nonce: Option<&str>,
) -> Result<VerifyOutcome> {
    let envelope = ProofEnvelope::from_json_str(proof_json)?;
    let nonce = expected_nonce.map(statement::parse_nonce).transpose()?;
    let valid = statement::verify_envelope(vk, &envelope, nonce)?;
    let verdict = match Statement::from_id(&envelope.statement)? {
        Statement::Match(_) => Some(biometric::match_public(&envelope.public_signals)?.verdict),
        _ => None,
    };
    Ok(VerifyOutcome {
        valid,
        statement: envelope.statement.clone(),
        public_signals: envelope.public_signals.iter().map(field_to_decimal).collect(),
        verdict,
    })
}

/// Makes an **insecure** development key pair for `statement_id` (`enroll`,
/// `match(max_shift=..,min_bits=..)`, `infer(input=..,output=..)`) with range checks proven
/// in `mode` ([`RangeMode::Lookup`]: the smaller lookup-mode circuit, proofs only zkid
/// verifies): whoever ran it could forge proofs. For trying zkid out and for tests;
/// production keys come from a ceremony. Returns the proving and verifying key files as
/// bytes. A setup, or proofs with its keys, estimated to need more than
/// [`MemoryBudget::DEFAULT`] are refused ([`budget::check_setup`]).
pub fn dev_setup<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    statement_id: &str,
    mode: RangeMode,
    rng: &mut R,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let statement = Statement::from_id(statement_id)?;
    budget::check_setup(model, statement, mode, MemoryBudget::DEFAULT)?;
    let (pk, vk) = statement::setup_with(model, statement, mode, rng)?;
    Ok((pk.to_bytes()?, vk.to_bytes()?))
}

/// Verifies a proof in snarkjs's own formats (`verification_key.json`, `proof.json`,
/// `public.json`, as `zkid export snarkjs` or `snarkjs groth16 prove` write them): for
/// services that hold only snarkjs files. `Ok(false)` is an invalid proof, `Err` unusable
/// input.
pub fn verify_snarkjs(vk_json: &str, proof_json: &str, public_json: &str) -> Result<bool> {
    let vk = crate::keys::VerifyingKey::from_snarkjs_str(vk_json)?;
    let proof = crate::proof::Proof::from_snarkjs_str(proof_json)?;
    let public = crate::json::public_inputs_from_str(public_json)?;
    crate::groth16::verify(&vk, &public, &proof)
}
