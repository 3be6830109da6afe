//! The biometric statements: `enroll` and `match`, for iris-code and embedding models.
//!
//! Enrollment proves the template of a capture and returns an [`Enrollment`]: the template
//! and the salt of its commitment `c_tpl`. It stays on the device (sealed with
//! [`crate::seal`]) and is the private input of every later `match` proof; only `c_tpl`
//! is shared with verifiers.

use crate::Fr;
use crate::error::{ProverError, Result};
use crate::groth16::{ProveObserver, ProveReport, prove_recorded};
use crate::keys::ProvingKeyFile;
use crate::seal::{self, SealingKey};
use crate::statement::{ENROLL_SPEC, LoadedModel, ProofEnvelope, Statement, prove_infer_circuit};
use ark_ff::{BigInteger, PrimeField, UniformRand};
use rand::{CryptoRng, RngCore};
use zeroize::Zeroize;
use zkid_circuits::statement::matching::{NativeMatch, max_tau, native_verdict};
use zkid_circuits::statement::{InferPublic, MatchCircuit, MatchPublic, MatchSpec, MatchWitness, commit};
use zkid_core::QTensor;

/// An enrolled template and the salt that opens `c_tpl`: on-device secret.
///
/// Zeroized on drop; `Debug` prints nothing secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Enrollment {
    template: Vec<i64>,
    salt: Fr,
}

impl std::fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Enrollment({} values, redacted)", self.template.len())
    }
}

impl Drop for Enrollment {
    fn drop(&mut self) {
        self.template.zeroize();
        self.salt.zeroize();
    }
}

const ENROLLMENT_MAGIC: &[u8; 8] = b"ZKIDENR1";

/// The label sealed enrollments are bound to (see [`Enrollment::seal`]).
pub const ENROLLMENT_LABEL: &str = "zkid-enrollment";

impl Enrollment {
    /// The commitment `c_tpl` this enrollment opens, for a model with output range `[lo, hi]`.
    pub fn commitment(&self, model: &LoadedModel) -> Fr {
        let q = model.model.tensor(model.model.output()).quant;
        commit::commit(&self.template, q.lo, q.hi, self.salt)
    }

    /// Serializes for sealing: magic, value count (u32 LE), the values `v - lo` packed
    /// LSB-first at `bits(hi - lo)` bits each (1 bit per iris-code bit), salt (32 bytes LE).
    pub fn to_bytes(&self, model: &LoadedModel) -> zeroize::Zeroizing<Vec<u8>> {
        let q = model.model.tensor(model.model.output()).quant;
        let (b, _) = commit::layout(q.lo, q.hi);
        let mut out =
            zeroize::Zeroizing::new(Vec::with_capacity(12 + (self.template.len() * b as usize).div_ceil(8) + 32));
        out.extend_from_slice(ENROLLMENT_MAGIC);
        out.extend_from_slice(&(self.template.len() as u32).to_le_bytes());
        let mut packed = zeroize::Zeroizing::new(vec![0u8; (self.template.len() * b as usize).div_ceil(8)]);
        for (i, &v) in self.template.iter().enumerate() {
            let u = (v - q.lo) as u64;
            for k in 0..b as usize {
                let bit = i * b as usize + k;
                packed[bit / 8] |= (((u >> k) & 1) as u8) << (bit % 8);
            }
        }
        out.extend_from_slice(&packed);
        out.extend_from_slice(&self.salt.into_bigint().to_bytes_le());
        out
    }

    /// Parses [`Enrollment::to_bytes`] and checks it fits `model` (length and value range).
    pub fn from_bytes(model: &LoadedModel, bytes: &[u8]) -> Result<Self> {
        let bad = |why: &str| ProverError::InvalidInput(format!("enrollment record: {why}"));
        let rest = bytes.strip_prefix(ENROLLMENT_MAGIC.as_slice()).ok_or_else(|| bad("not a zkid enrollment"))?;
        let (n, rest) = rest.split_first_chunk::<4>().ok_or_else(|| bad("truncated"))?;
        let n = u32::from_le_bytes(*n) as usize;
        let q = model.model.tensor(model.model.output()).quant;
        let (b, _) = commit::layout(q.lo, q.hi);
        let want: usize = model.model.output_shape().iter().product();
        let len = (n * b as usize).div_ceil(8);
        if n != want || rest.len() != len + 32 {
            return Err(bad("its size does not match this model's template"));
        }
        let (packed, salt) = rest.split_at(len);
        let template = (0..n)
            .map(|i| {
                let u = (0..b as usize).fold(0u64, |u, k| {
                    let bit = i * b as usize + k;
                    u | (u64::from((packed[bit / 8] >> (bit % 8)) & 1) << k)
                });
                let v = q.lo + u as i64;
                if v <= q.hi { Ok(v) } else { Err(bad("a template value is out of range")) }
            })
            .collect::<Result<Vec<_>>>()?;
        let mut salt_bytes = [0u8; 32];
        salt_bytes.copy_from_slice(salt);
        let salt = Fr::from_le_bytes_mod_order(&salt_bytes);
        if salt.into_bigint().to_bytes_le() != salt_bytes {
            return Err(bad("the salt is not a field element"));
        }
        Ok(Self { template, salt })
    }

    /// An enrollment of a template computed elsewhere (another device, a benchmark), with
    /// the salt of its commitment; checked against `model` like [`Enrollment::from_bytes`].
    pub fn from_template(model: &LoadedModel, template: Vec<i64>, salt: Fr) -> Result<Self> {
        let q = model.model.tensor(model.model.output()).quant;
        let want: usize = model.model.output_shape().iter().product();
        if template.len() != want || template.iter().any(|v| !(q.lo..=q.hi).contains(v)) {
            return Err(ProverError::InvalidInput("the template does not fit this model's output".into()));
        }
        Ok(Self { template, salt })
    }

    /// The enrolled template (model output values; secret, stays on the device).
    pub fn template(&self) -> &[i64] {
        &self.template
    }

    /// The salt of `c_tpl` (secret; for building a match witness inside this crate).
    pub(crate) fn salt(&self) -> Fr {
        self.salt
    }

    /// The enrollment sealed for storage on the device (AES-256-GCM under `key`, bound to
    /// the model's digest and [`ENROLLMENT_LABEL`]): what an app keeps between sessions.
    pub fn seal(&self, model: &LoadedModel, key: &SealingKey) -> Result<Vec<u8>> {
        seal::seal(key, &model.digest, ENROLLMENT_LABEL, &self.to_bytes(model))
    }

    /// Opens an enrollment sealed by [`Enrollment::seal`] for the same model and key.
    pub fn unseal(model: &LoadedModel, key: &SealingKey, blob: &[u8]) -> Result<Self> {
        let plain = seal::unseal(key, &model.digest, ENROLLMENT_LABEL, blob)?;
        Self::from_bytes(model, &plain)
    }

    /// Number of template values.
    pub fn len(&self) -> usize {
        self.template.len()
    }

    /// Whether the template is empty (never for a valid model).
    pub fn is_empty(&self) -> bool {
        self.template.is_empty()
    }
}

/// Everything an enrollment returns.
pub struct EnrollProof {
    /// Proof and public signals `[c_img, c_tpl, nonce]`, ready to send.
    pub envelope: ProofEnvelope,
    /// The public inputs, structured.
    pub public: InferPublic,
    /// The on-device secret for later matches (seal it).
    pub enrollment: Enrollment,
    /// Timings and circuit shape.
    pub report: ProveReport,
}

fn expect_statement(pk: &ProvingKeyFile, model: &LoadedModel, what: &str) -> Result<Statement> {
    let statement = Statement::from_id(&pk.header.statement_id)?;
    pk.check_for(&model.digest, &statement.id())?;
    let ok = matches!((what, statement), ("enroll", Statement::Enroll) | ("match", Statement::Match(_)));
    if !ok {
        return Err(ProverError::StatementMismatch { expected: what.into(), found: statement.id() });
    }
    Ok(statement)
}

/// Proves an enrollment of a quantized capture (for an iris model, build it with
/// [`zkid_core::iris::input`]).
pub fn prove_enroll<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    pk: &ProvingKeyFile,
    input: &QTensor,
    nonce: Fr,
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<EnrollProof> {
    expect_statement(pk, model, "enroll")?;
    let (p, salt) = prove_infer_circuit(model, pk, ENROLL_SPEC, input, nonce, rng, observer)?;
    let enrollment = Enrollment { template: p.output.into_data(), salt };
    Ok(EnrollProof { envelope: p.envelope, public: p.public, enrollment, report: p.report })
}

/// Everything a match proof returns.
pub struct MatchProof {
    /// Proof and public signals `[c_img, c_tpl, τ, verdict, nonce]`.
    pub envelope: ProofEnvelope,
    /// The public inputs, structured.
    pub public: MatchPublic,
    /// The distances the circuit evaluated (per shift for iris codes). Private: shows how
    /// close the match was, for the device's own UI.
    pub distance: NativeMatch,
    /// Timings and circuit shape.
    pub report: ProveReport,
}

/// Proves that a fresh capture matches (or not) an enrolled template at threshold `tau`
/// (iris: `τ_q`, the fractional Hamming distance in units of `2^-16`; embeddings: squared
/// L2 in quantized units).
#[allow(clippy::too_many_arguments)] // each is a distinct input of the statement
pub fn prove_match<R: RngCore + CryptoRng>(
    model: &LoadedModel,
    pk: &ProvingKeyFile,
    input: &QTensor,
    enrolled: &Enrollment,
    tau: u64,
    nonce: Fr,
    rng: &mut R,
    observer: &mut dyn ProveObserver,
) -> Result<MatchProof> {
    let Statement::Match(spec) = expect_statement(pk, model, "match")? else {
        return Err(ProverError::InvalidInput("not a match key".into()));
    };
    check_tau(model, tau)?;
    let want: usize = model.model.output_shape().iter().product();
    if enrolled.template.len() != want {
        return Err(ProverError::InvalidInput("the enrollment belongs to another model".into()));
    }
    let trace = model.model.infer(input)?;
    let distance = native_verdict(&model.model, spec, trace.output().data(), &enrolled.template, tau)
        .ok_or_else(|| ProverError::InvalidInput("the enrollment does not fit this model's template".into()))?;
    let image_salt = Fr::rand(rng);
    let qi = model.model.tensor(model.model.input()).quant;
    let public = MatchPublic {
        image_commitment: commit::commit(input.data(), qi.lo, qi.hi, image_salt),
        template_commitment: enrolled.commitment(model),
        tau,
        verdict: distance.verdict,
        nonce,
    };
    let witness =
        MatchWitness { input, trace: &trace, image_salt, enrolled: &enrolled.template, template_salt: enrolled.salt };
    let circuit = MatchCircuit { model: &model.model, spec, witness: Some((witness, public.clone())) };
    let report = prove_recorded(&pk.key, circuit, rng, observer)?;
    Ok(MatchProof {
        envelope: ProofEnvelope::new(pk, model, report.proof.clone(), public.to_field_elements()),
        public,
        distance,
        report,
    })
}

/// Refuses a threshold the statement cannot express.
pub fn check_tau(model: &LoadedModel, tau: u64) -> Result<()> {
    let max = max_tau(&model.model);
    if tau > max {
        return Err(ProverError::InvalidInput(format!("threshold {tau} is above the largest meaningful value {max}")));
    }
    Ok(())
}

/// The statement's integer threshold for a user-facing one: iris codes take the fractional
/// Hamming distance (`τ ∈ [0, 1]`, default 0.35, stored as `round(τ·2^16)`), embeddings the
/// squared L2 distance in quantized units (a non-negative integer, no default).
pub fn tau_units(model: &LoadedModel, tau: Option<f64>) -> Result<u64> {
    let is_iris = model.is_iris();
    let tau = match (tau, is_iris) {
        (Some(t), _) => t,
        (None, true) => IRIS_TAU_DEFAULT as f64 / 65536.0,
        (None, false) => {
            return Err(ProverError::InvalidInput(
                "embedding models need a threshold: the squared L2 distance, an integer".into(),
            ));
        }
    };
    let units = if is_iris { tau * 65536.0 } else { tau };
    if !units.is_finite() || units < 0.0 || (!is_iris && units.fract() != 0.0) || (is_iris && tau > 1.0) {
        return Err(ProverError::InvalidInput(format!(
            "the threshold must be {}",
            if is_iris { "a fraction in [0, 1]" } else { "a non-negative integer" }
        )));
    }
    let units = units.round() as u64;
    check_tau(model, units)?;
    Ok(units)
}

/// The public inputs of a `match` envelope, structured (verifiers compare `c_tpl` and `τ`
/// with what they expect, then read the verdict).
pub fn match_public(signals: &[Fr]) -> Result<MatchPublic> {
    let bad = |why: &str| ProverError::ProofFormat(format!("match public signals: {why}"));
    let [c_img, c_tpl, tau, verdict, nonce] = signals else {
        return Err(bad("expected 5 values [c_img, c_tpl, tau, verdict, nonce]"));
    };
    let small = |f: &Fr| zkid_circuits::field::fr_to_i128(*f).and_then(|v| u64::try_from(v).ok());
    let tau = small(tau).ok_or_else(|| bad("tau is not a small integer"))?;
    let verdict = match small(verdict) {
        Some(0) => false,
        Some(1) => true,
        _ => return Err(bad("verdict is not 0 or 1")),
    };
    Ok(MatchPublic { image_commitment: *c_img, template_commitment: *c_tpl, tau, verdict, nonce: *nonce })
}

/// Default match threshold for iris codes: fractional Hamming distance 0.35 in `2^-16` units.
pub const IRIS_TAU_DEFAULT: u64 = 22_938;

/// The statement spec used by default for matches.
pub fn default_match() -> Statement {
    Statement::Match(MatchSpec::default())
}
