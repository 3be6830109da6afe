//! zkid's statements over compiled models: what the CLI, the bindings and wasm prove.
//!
//! A [`Statement`] fixes the circuit shape at setup; its [`Statement::id`] is stored in the
//! key files, so a key made for one statement (or model) is refused for another. Proofs
//! travel as a [`ProofEnvelope`]: the snarkjs-layout proof and public signals plus the
//! model digest, statement id and verifying-key digest they belong to.

use crate::error::{ProverError, Result};
use crate::groth16::{ProveObserver, ProveReport, prove_recorded, setup_dev, verify};
use crate::json::{public_inputs_from_json, public_inputs_to_json};
use crate::keys::{ProvingKeyFile, VerifyingKeyFile, hex};
use crate::proof::Proof;
use crate::{Fr, OsRng};
use ark_ff::UniformRand;
use rand::{CryptoRng, RngCore};
use serde_json::{Value, json};
use std::path::Path;
use zkid_circuits::statement::{
    InferCircuit, InferPublic, InferSpec, InferWitness, InputMode, MatchCircuit, MatchSpec, OutputMode,
};
use zkid_core::{FTensor, ModelDigest, QModel, QTensor, zkm};

/// A compiled model with its digest (its identity in keys and proofs).
#[derive(Clone, Debug)]
pub struct LoadedModel {
    /// The model.
    pub model: QModel,
    /// SHA-256 of its `.zkm` encoding.
    pub digest: ModelDigest,
}

impl LoadedModel {
    /// Parses `.zkm` bytes (checksum and structure checked).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (model, digest) = zkm::from_bytes(bytes).map_err(zkid_core::CoreError::from)?;
        Ok(Self { model, digest })
    }

    /// Reads a `.zkm` file.
    pub fn load(path: &Path) -> Result<Self> {
        let (model, digest) = zkm::load(path)?;
        Ok(Self { model, digest })
    }
}

/// What a proof says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statement {
    /// `y = QModel(x)` ([`InferSpec`] chooses which of x, y are committed or public).
    Infer(InferSpec),
    /// Enrollment: "`T = QModel(I)`, `c_img` commits to `I`, `c_tpl` commits to `T`";
    /// public `c_img`, `c_tpl`, `nonce` (the `infer` circuit with input and output committed).
    Enroll,
    /// Match against an enrolled template (see [`zkid_circuits::statement::matching`]);
    /// public `c_img`, `c_tpl`, `τ`, `verdict`, `nonce`.
    Match(MatchSpec),
}

/// The `infer` shape an enrollment proves.
pub const ENROLL_SPEC: InferSpec = InferSpec { input: InputMode::Committed, output: OutputMode::Committed };

/// A statement's circuit over a model, with or without a witness.
pub(crate) enum AnyCircuit<'a> {
    /// `infer` and `enroll`.
    Infer(InferCircuit<'a>),
    /// `match`.
    Match(MatchCircuit<'a>),
}

impl ark_relations::gr1cs::ConstraintSynthesizer<Fr> for AnyCircuit<'_> {
    fn generate_constraints(
        self,
        cs: ark_relations::gr1cs::ConstraintSystemRef<Fr>,
    ) -> ark_relations::gr1cs::Result<()> {
        match self {
            AnyCircuit::Infer(c) => c.generate_constraints(cs),
            AnyCircuit::Match(c) => c.generate_constraints(cs),
        }
    }
}

impl Statement {
    /// The circuit of this statement over `model`, without a witness (key generation).
    pub(crate) fn shape<'a>(&self, model: &'a QModel) -> AnyCircuit<'a> {
        match *self {
            Statement::Infer(spec) => AnyCircuit::Infer(InferCircuit { model, spec, witness: None }),
            Statement::Enroll => AnyCircuit::Infer(InferCircuit { model, spec: ENROLL_SPEC, witness: None }),
            Statement::Match(spec) => AnyCircuit::Match(MatchCircuit { model, spec, witness: None }),
        }
    }

    /// Stable identifier stored in key files and proof envelopes, e.g.
    /// `infer(input=private,output=public)`, `enroll`, `match(max_shift=15,min_bits=4096)`.
    pub fn id(&self) -> String {
        match self {
            Statement::Enroll => "enroll".into(),
            Statement::Match(m) => format!("match(max_shift={},min_bits={})", m.max_shift, m.min_bits),
            Statement::Infer(s) => {
                let i = match s.input {
                    InputMode::Private => "private",
                    InputMode::Committed => "committed",
                };
                let o = match s.output {
                    OutputMode::Public => "public",
                    OutputMode::Committed => "committed",
                };
                format!("infer(input={i},output={o})")
            }
        }
    }

    /// Parses an identifier produced by [`Statement::id`].
    pub fn from_id(id: &str) -> Result<Self> {
        let bad = || ProverError::InvalidInput(format!("unknown statement `{id}`"));
        if id == "enroll" {
            return Ok(Statement::Enroll);
        }
        if let Some(inner) = id.strip_prefix("match(").and_then(|r| r.strip_suffix(')')) {
            let mut spec = MatchSpec::default();
            for part in inner.split(',') {
                match part.split_once('=') {
                    Some(("max_shift", v)) => spec.max_shift = v.parse().map_err(|_| bad())?,
                    Some(("min_bits", v)) => spec.min_bits = v.parse().map_err(|_| bad())?,
                    _ => return Err(bad()),
                }
            }
            return Ok(Statement::Match(spec));
        }
        let inner = id.strip_prefix("infer(").and_then(|r| r.strip_suffix(')')).ok_or_else(bad)?;
        let (mut input, mut output) = (None, None);
        for part in inner.split(',') {
            match part {
                "input=private" => input = Some(InputMode::Private),
                "input=committed" => input = Some(InputMode::Committed),
                "output=public" => output = Some(OutputMode::Public),
                "output=committed" => output = Some(OutputMode::Committed),
                _ => return Err(bad()),
            }
        }
        Ok(Statement::Infer(InferSpec { input: input.ok_or_else(bad)?, output: output.ok_or_else(bad)? }))
    }
}

/// Generates a **development** key pair for `statement` over `model`.
///
/// Insecure for production: the toxic waste is known to this process (see
/// [`crate::setup_dev`]). Production keys come from a snarkjs Phase-2 ceremony.
pub fn setup<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    statement: Statement,
    rng: &mut R,
) -> Result<(ProvingKeyFile, VerifyingKeyFile)> {
    setup_with(model, statement, RangeMode::Bits, rng)
}

/// How a statement's range checks are proven: fixed at setup, recorded in the keys (a
/// lookup-mode key has a commitment key and is written as key format 5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RangeMode {
    /// Bit decompositions: plain Groth16, verifiable by snarkjs and the Solidity verifier.
    #[default]
    Bits,
    /// Byte-table lookups over a committed part of the witness
    /// ([`crate::lookup_groth16`]): far fewer constraints (the iris statements fit a domain
    /// four times smaller), verifiable by zkid's verifiers only.
    Lookup,
}

impl RangeMode {
    /// [`RangeMode::Lookup`] when `lookup` is set (a `--lookup` flag, a binding's `lookup`
    /// argument), else [`RangeMode::Bits`].
    pub const fn from_lookup(lookup: bool) -> Self {
        if lookup { RangeMode::Lookup } else { RangeMode::Bits }
    }
}

/// [`setup`] with the given range-check mode.
pub fn setup_with<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    statement: Statement,
    mode: RangeMode,
    rng: &mut R,
) -> Result<(ProvingKeyFile, VerifyingKeyFile)> {
    let circuit = statement.shape(&model.model);
    let (pk, vk) = match mode {
        RangeMode::Bits => setup_dev(circuit, rng)?,
        RangeMode::Lookup => crate::lookup_groth16::setup_dev_lookup(circuit, rng)?,
    };
    let id = statement.id();
    Ok((ProvingKeyFile::new(pk, model.digest, id.clone())?, VerifyingKeyFile::new(vk, model.digest, id)?))
}

/// Number of R1CS constraints of `statement` over `model`, from a key-generation-mode
/// synthesis (no witness; cheap next to the setup itself).
pub fn constraint_count(model: &LoadedModel, statement: Statement) -> Result<usize> {
    constraint_count_with(model, statement, RangeMode::Bits)
}

/// [`constraint_count`] in the given range-check mode.
pub fn constraint_count_with(model: &LoadedModel, statement: Statement, mode: RangeMode) -> Result<usize> {
    let size = crate::budget::CircuitSize::of_statement(model, statement, mode)?;
    usize::try_from(size.constraints).map_err(|_| ProverError::InvalidInput("constraint count above usize".into()))
}

/// A proof with its public signals and what it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct ProofEnvelope {
    /// The Groth16 proof.
    pub proof: Proof,
    /// Public inputs in circuit order (see [`zkid_circuits::statement::infer`]).
    pub public_signals: Vec<Fr>,
    /// Model the proof is about.
    pub model_digest: ModelDigest,
    /// Statement id.
    pub statement: String,
    /// Digest of the verifying key that checks it.
    pub vk_digest: [u8; 32],
}

/// Envelope format version.
pub const ENVELOPE_VERSION: u64 = 1;

fn digest32(s: &str, what: &str) -> Result<[u8; 32]> {
    crate::keys::parse_digest_hex(s).map_err(|_| ProverError::ProofFormat(format!("`{what}` must be 64 hex digits")))
}

impl ProofEnvelope {
    /// The envelope of a proof made with `pk` over `model`.
    pub fn new(pk: &ProvingKeyFile, model: &LoadedModel, proof: Proof, public_signals: Vec<Fr>) -> Self {
        Self {
            proof,
            public_signals,
            model_digest: model.digest,
            statement: pk.header.statement_id.clone(),
            vk_digest: pk.header.vk_digest,
        }
    }

    /// JSON: `{"proof": <snarkjs proof>, "publicSignals": [...], "zkid": {...}}` — the
    /// first two exactly as `snarkjs groth16 fullprove` writes them.
    pub fn to_json(&self) -> Value {
        json!({
            "proof": self.proof.to_snarkjs_json(),
            "publicSignals": public_inputs_to_json(&self.public_signals),
            "zkid": {
                "version": ENVELOPE_VERSION,
                "model": self.model_digest.to_hex(),
                "statement": self.statement,
                "vk": hex(&self.vk_digest),
            }
        })
    }

    /// Pretty JSON text.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(&self.to_json()).unwrap_or_default()
    }

    /// Parses the JSON written by [`ProofEnvelope::to_json`]; malformed input is a typed error.
    pub fn from_json_str(text: &str) -> Result<Self> {
        let v: Value = serde_json::from_str(text).map_err(|e| ProverError::ProofFormat(format!("not JSON: {e}")))?;
        let field = |k: &str| v.get(k).ok_or_else(|| ProverError::ProofFormat(format!("missing `{k}`")));
        let proof = Proof::from_snarkjs_json(field("proof")?)?;
        let public_signals = public_inputs_from_json(field("publicSignals")?)?;
        let z = field("zkid")?;
        let s = |k: &str| {
            z.get(k).and_then(Value::as_str).ok_or_else(|| ProverError::ProofFormat(format!("missing `zkid.{k}`")))
        };
        if z.get("version").and_then(Value::as_u64) != Some(ENVELOPE_VERSION) {
            return Err(ProverError::ProofFormat(format!(
                "unsupported envelope version (this build reads {ENVELOPE_VERSION})"
            )));
        }
        Ok(Self {
            proof,
            public_signals,
            model_digest: ModelDigest(digest32(s("model")?, "zkid.model")?),
            statement: s("statement")?.to_string(),
            vk_digest: digest32(s("vk")?, "zkid.vk")?,
        })
    }
}

/// Everything a prover returns for an `infer` proof.
pub struct InferProof {
    /// The proof and public signals, ready to send.
    pub envelope: ProofEnvelope,
    /// The public inputs, structured.
    pub public: InferPublic,
    /// Model output (integers) — public only when the statement reveals it.
    pub output: QTensor,
    /// Timings and circuit shape.
    pub report: ProveReport,
}

/// Proves `y = model(x)` for a quantized input, with the verifier's `nonce`.
///
/// Salts for commitments are drawn from `rng`; pass [`OsRng`] in production.
pub fn prove_infer<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    pk: &ProvingKeyFile,
    input: &QTensor,
    nonce: Fr,
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<InferProof> {
    let statement = Statement::from_id(&pk.header.statement_id)?;
    pk.check_for(&model.digest, &statement.id())?;
    let Statement::Infer(spec) = statement else {
        return Err(ProverError::StatementMismatch { expected: "infer(..)".into(), found: statement.id() });
    };
    prove_infer_circuit(model, pk, spec, input, nonce, rng, observer).map(|(proof, _)| proof)
}

/// Proves the `infer` circuit of shape `spec` (the key's statement already checked); also
/// returns the salt of the output commitment (what an enrollment keeps).
pub(crate) fn prove_infer_circuit<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    pk: &ProvingKeyFile,
    spec: InferSpec,
    input: &QTensor,
    nonce: Fr,
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<(InferProof, Fr)> {
    let trace = model.model.infer(input)?;
    let witness = InferWitness { input, trace: &trace, input_salt: Fr::rand(rng), output_salt: Fr::rand(rng) };
    let output_salt = witness.output_salt;
    let public = InferPublic::from_witness(&model.model, spec, &witness, nonce);
    let circuit = InferCircuit { model: &model.model, spec, witness: Some((witness, public.clone())) };
    let report = prove_recorded(&pk.key, circuit, rng, observer)?;
    let envelope = ProofEnvelope::new(pk, model, report.proof.clone(), public.to_field_elements());
    Ok((InferProof { envelope, public, output: trace.output().clone(), report }, output_salt))
}

/// Quantizes a raw float input with the model's preprocessing, then [`prove_infer`].
pub fn prove_infer_raw<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    pk: &ProvingKeyFile,
    raw: &FTensor,
    nonce: Fr,
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<InferProof> {
    let q = model.model.quantize_input(raw)?;
    prove_infer(model, pk, &q, nonce, rng, observer)
}

/// Verifies an envelope with a verifying key: checks that it belongs to the key (model,
/// statement, key digest), that its nonce is `expected_nonce` when given, then the proof.
/// `Ok(false)` is an invalid proof; `Err` is unusable input.
pub fn verify_envelope(vk: &VerifyingKeyFile, env: &ProofEnvelope, expected_nonce: Option<Fr>) -> Result<bool> {
    let h = &vk.header;
    if env.model_digest != h.model_digest {
        return Err(ProverError::EnvelopeMismatch {
            what: "model",
            expected: h.model_digest.to_hex(),
            found: env.model_digest.to_hex(),
        });
    }
    if env.statement != h.statement_id {
        return Err(ProverError::EnvelopeMismatch {
            what: "statement",
            expected: h.statement_id.clone(),
            found: env.statement.clone(),
        });
    }
    if env.vk_digest != h.vk_digest {
        return Err(ProverError::EnvelopeMismatch {
            what: "verifying key",
            expected: hex(&h.vk_digest),
            found: hex(&env.vk_digest),
        });
    }
    if let Some(n) = expected_nonce {
        // The nonce is the last public input of every statement.
        if env.public_signals.last() != Some(&n) {
            return Err(ProverError::NonceMismatch);
        }
    }
    verify(&vk.key, &env.public_signals, &env.proof)
}

/// The outputs revealed by a public-output `infer` proof (as signed integers), if any.
pub fn public_outputs(model: &QModel, statement: Statement, signals: &[Fr]) -> Option<Vec<i64>> {
    let Statement::Infer(spec) = statement else {
        return None;
    };
    if spec.output != OutputMode::Public {
        return None;
    }
    let n: usize = model.output_shape().iter().product();
    let skip = usize::from(spec.input == InputMode::Committed);
    let vals = signals.get(skip..skip + n)?;
    vals.iter().map(|f| zkid_circuits::field::fr_to_i128(*f).and_then(|v| i64::try_from(v).ok())).collect()
}

/// A fresh random nonce (a verifier's challenge) from the OS CSPRNG.
pub fn random_nonce() -> Fr {
    Fr::rand(&mut OsRng)
}

/// Parses a nonce given as a decimal string below the field modulus.
pub fn parse_nonce(text: &str) -> Result<Fr> {
    let bad =
        || ProverError::InvalidInput("the nonce must be a decimal integer below the BN254 scalar field modulus".into());
    crate::json::public_inputs_from_json(&json!([text.trim()])).map_err(|_| bad())?.pop().ok_or_else(bad)
}
