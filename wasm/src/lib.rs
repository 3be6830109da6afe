//! # zkid-wasm
//!
//! zkid for browsers and Node: a thin [wasm-bindgen] layer over [`zkid_prover::device`], the
//! same session API the UniFFI bindings wrap, so a browser proves the same statements the
//! same way as a phone and the CLI. Built for `wasm32-unknown-unknown` and bound by
//! `wasm-bindgen-cli` (same version as the crate, see `tools/wasm/install.sh`) into the npm
//! package `@zkid/wasm` (`cargo xtask wasm`).
//!
//! JavaScript API (camelCase): [`Model`], [`Prover`], [`Verifier`], [`dev_setup`]
//! (`devSetup`), [`generate_sealing_key`], [`verify_snarkjs`], [`verifying_key_to_snarkjs`],
//! [`version`]. Captures are `{ image, mask }` (iris-code models) or `{ values }`; results
//! are plain objects; errors are `Error`s named `ZkidError` with a `code` property
//! ([`ErrorCode`]) and the prover's message, which never holds a capture, template or key.
//!
//! Panics: on wasm32 a panic aborts the instance (no unwinding), so every input is checked
//! before it reaches the prover and nothing here unwraps. Calls still go through
//! `catch_unwind`, which turns a panic into an `Internal` error where unwinding exists
//! (native builds and tests). No panic hook is installed: the default one prints nothing on
//! wasm32-unknown-unknown, and a hook that logged panic messages could leak witness data
//! from a bug into the console.
//!
//! [wasm-bindgen]: https://rustwasm.github.io/docs/wasm-bindgen/

#![warn(missing_docs)]

mod convert;
pub mod error;
pub mod progress;

use std::panic::{AssertUnwindSafe, catch_unwind};

use js_sys::{Function, Uint8Array};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;
use zkid_prover::{
    DeviceProver, LoadedModel, MemoryBudget, OsRng, ProvingKeyFile, RangeMode, SealingKey, VerifyingKeyFile, budget,
    device,
};

use crate::convert::capture_from_js;
pub use crate::error::{ErrorCode, WasmError, WasmResult};
use crate::progress::Progress;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** One capture. Iris-code models (`model.isIris`) take the normalized image and its noise
 * mask, `model.captureLen` bytes each, row-major (mask: non-zero = iris pixel, 0 = occluded);
 * other models take their raw input values. Copied in and zeroized after the call; clear
 * your own arrays when you are done with them. */
export type Capture =
  | { image: Uint8Array | Uint8ClampedArray; mask: Uint8Array | Uint8ClampedArray }
  | { values: Float32Array };

/** The proving phase about to start (in this order), then `"done"` once the call succeeded. */
export type ProvePhase =
  | "synthesis" | "row_evaluation" | "witness_map" | "msm_h" | "msm_l" | "msm_a"
  | "msm_b_g1" | "msm_b_g2" | "done";

/** Called at every phase boundary with the estimated share of the work done, monotone from
 * 0 to exactly 1 (the `"done"` call). Return `true` to cancel: the call then fails with code
 * `"Cancelled"` (the phase running finishes first). An exception thrown here stops the proof
 * and is rethrown. */
export type ProgressCallback = (phase: ProvePhase, fraction: number) => boolean | void;

/** `error.code` of every error zkid throws. */
export type ErrorCode =
  | "InvalidInput" | "Model" | "Key" | "Proof" | "Sealing" | "Cancelled" | "Io" | "Internal";

/** What zkid throws: an `Error` named `ZkidError` whose message never contains a capture,
 * a template or key bytes. */
export interface ZkidError extends Error {
  name: "ZkidError";
  code: ErrorCode;
}

/** A proof ready to send. */
export interface ProofResult {
  /** The envelope: snarkjs-format `proof` and `publicSignals`, plus model digest, statement
   * and verifying-key digest. What `Verifier.verify` takes. */
  proofJson: string;
  /** Public inputs in circuit order, decimal strings. */
  publicSignals: string[];
  /** Statement id, e.g. `"enroll"`. */
  statement: string;
  /** R1CS constraints proved. */
  constraints: number;
  /** Wall-clock proving time in milliseconds. */
  proveMs: number;
}

/** An enrollment: its proof, the commitments, and the sealed enrollment to store. */
export interface EnrollResult extends ProofResult {
  /** `c_img`, decimal: the capture commitment a capture device signs. */
  imageCommitment: string;
  /** `c_tpl`, decimal: the template commitment verifiers keep. */
  templateCommitment: string;
  /** Template and salt, AES-256-GCM sealed under your sealing key and bound to the model. */
  sealedEnrollment: Uint8Array;
}

/** A match proof and its public outcome. */
export interface MatchResult extends ProofResult {
  /** Whether the capture matches the enrollment at `tau`. */
  verdict: boolean;
  /** The threshold in the statement's units (iris: 2^-16 of the Hamming distance). */
  tau: number;
  /** `c_img`, decimal. */
  imageCommitment: string;
  /** `c_tpl`, decimal: compare with the enrollment's. */
  templateCommitment: string;
}

/** What verifying a proof tells. */
export interface VerifyResult {
  /** Whether the proof is valid for its public signals (and nonce, when one was expected). */
  valid: boolean;
  /** Statement id of the proof. */
  statement: string;
  /** Public signals, decimal, in circuit order. */
  publicSignals: string[];
  /** For a `match` proof, the proven verdict. */
  verdict?: boolean;
}

/** An INSECURE development key pair (see `devSetup`). */
export interface DevKeys {
  /** Proving key file bytes (what `new Prover` takes). */
  provingKey: Uint8Array;
  /** Verifying key file bytes (what `new Verifier` takes). */
  verifyingKey: Uint8Array;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A `Capture` object.
    #[wasm_bindgen(typescript_type = "Capture")]
    pub type JsCapture;
    /// An optional `ProgressCallback`.
    #[wasm_bindgen(typescript_type = "ProgressCallback")]
    pub type ProgressCallback;
    /// A `ProofResult` object.
    #[wasm_bindgen(typescript_type = "ProofResult")]
    pub type ProofResult;
    /// An `EnrollResult` object.
    #[wasm_bindgen(typescript_type = "EnrollResult")]
    pub type EnrollResult;
    /// A `MatchResult` object.
    #[wasm_bindgen(typescript_type = "MatchResult")]
    pub type MatchResult;
    /// A `VerifyResult` object.
    #[wasm_bindgen(typescript_type = "VerifyResult")]
    pub type VerifyResult;
    /// A `DevKeys` object.
    #[wasm_bindgen(typescript_type = "DevKeys")]
    pub type DevKeys;
}

impl From<WasmError> for JsValue {
    fn from(e: WasmError) -> Self {
        e.into_js()
    }
}

/// Runs one exported call: a panic becomes an `Internal` error where it can be caught.
fn guard<T>(f: impl FnOnce() -> Result<T, JsValue>) -> Result<T, JsValue> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(WasmError::internal("internal error in zkid (a bug): the call was abandoned").into()))
}

fn callback(on_progress: Option<ProgressCallback>) -> WasmResult<Option<Function>> {
    match on_progress {
        Some(f) => {
            let value: JsValue = f.into();
            if value.is_undefined() || value.is_null() {
                return Ok(None);
            }
            value.dyn_into::<Function>().map(Some).map_err(|_| WasmError::invalid("onProgress must be a function"))
        }
        None => Ok(None),
    }
}

fn sealing_key(bytes: Vec<u8>) -> WasmResult<SealingKey> {
    let bytes = Zeroizing::new(bytes);
    Ok(SealingKey::from_bytes(&bytes)?)
}

/// A compiled zkid model (`.zkm`): its identity and what a capture for it looks like.
#[wasm_bindgen]
pub struct Model {
    inner: LoadedModel,
}

#[wasm_bindgen]
impl Model {
    /// Parses `.zkm` bytes (checksum and structure checked). Throws code `Model`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, JsValue> {
        guard(|| Ok(Model { inner: LoadedModel::from_bytes(bytes).map_err(WasmError::from)? }))
    }

    /// SHA-256 of the model file, hex: its identity in keys and proofs.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> String {
        self.inner.digest.to_hex()
    }

    /// The model's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.model.meta().name.clone()
    }

    /// Whether it is an iris-code model (captures are `{ image, mask }`).
    #[wasm_bindgen(getter, js_name = isIris)]
    pub fn is_iris(&self) -> bool {
        self.inner.is_iris()
    }

    /// Values per capture: pixels of the image and of the mask (iris), raw values otherwise.
    #[wasm_bindgen(getter, js_name = captureLen)]
    pub fn capture_len(&self) -> usize {
        self.inner.capture_len()
    }
}

/// A model and its proving key for one statement, checked to belong together.
#[wasm_bindgen]
pub struct Prover {
    inner: DeviceProver,
}

#[wasm_bindgen]
impl Prover {
    /// Loads `provingKey` (a zkid proving key file) for `model`; with `expectedDigest` (hex,
    /// e.g. from a release manifest or `keys.json`) the file's BLAKE3 (what `b3sum` prints)
    /// must be that digest. Throws code `Key` for a
    /// corrupt key, a key for another model, or another pinned digest. `memoryBudget` (bytes,
    /// default 2 GiB): a key whose proofs are estimated to need more memory is refused now
    /// with code `InvalidInput`, instead of the tab running out of memory mid-proof.
    #[wasm_bindgen(constructor)]
    pub fn new(
        model: &Model,
        #[wasm_bindgen(js_name = provingKey)] proving_key: &[u8],
        #[wasm_bindgen(js_name = expectedDigest)] expected_digest: Option<String>,
        #[wasm_bindgen(js_name = memoryBudget)] memory_budget: Option<f64>,
    ) -> Result<Prover, JsValue> {
        guard(|| {
            let budget = match memory_budget {
                None => MemoryBudget::DEFAULT,
                // Whole bytes, at least one; `as` saturates at u64::MAX for huge values.
                Some(b) if b.is_finite() && b >= 1.0 => MemoryBudget::from_bytes(b as u64),
                Some(_) => return Err(WasmError::invalid("memoryBudget must be a positive number of bytes").into()),
            };
            // The key's bytes are here already; decoding them takes as much again.
            budget
                .check_bytes("loading the proving key", budget::key_load_estimate(proving_key.len() as u64))
                .map_err(WasmError::from)?;
            let key = match expected_digest.as_deref() {
                Some(hex) => zkid_prover::keys::parse_digest_hex(hex)
                    .and_then(|digest| ProvingKeyFile::from_bytes_pinned(proving_key, &digest)),
                None => ProvingKeyFile::from_bytes(proving_key),
            }
            .map_err(WasmError::from)?;
            let inner = DeviceProver::with_memory_budget(model.inner.clone(), key, budget).map_err(WasmError::from)?;
            Ok(Prover { inner })
        })
    }

    /// The statement the key proves (`enroll`, `match(…)`, `infer(…)`).
    #[wasm_bindgen(getter)]
    pub fn statement(&self) -> String {
        self.inner.statement().id()
    }

    /// Runs one proving call with the progress callback attached.
    fn run<T>(
        &self,
        on_progress: Option<ProgressCallback>,
        prove: impl FnOnce(&DeviceProver, &mut Progress<Function>) -> zkid_prover::Result<T>,
        to_js: impl FnOnce(&T) -> WasmResult<JsValue>,
    ) -> Result<JsValue, JsValue> {
        guard(|| {
            let mut progress = Progress::new(callback(on_progress)?);
            let result = prove(&self.inner, &mut progress);
            let cancelled = WasmError::new(ErrorCode::Cancelled, "proving was cancelled");
            if progress.outcome()? {
                return Err(cancelled.into());
            }
            let value = result.map_err(WasmError::from)?;
            progress.done();
            if progress.outcome()? {
                return Err(cancelled.into());
            }
            Ok(to_js(&value)?)
        })
    }

    /// Proves an `infer` statement on `capture` (a key made for `infer(…)`).
    pub fn prove(
        &self,
        capture: JsCapture,
        nonce: Option<String>,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<ProgressCallback>,
    ) -> Result<ProofResult, JsValue> {
        let capture = capture_from_js(&capture)?;
        self.run(on_progress, |p, obs| p.prove(capture.as_capture(), nonce.as_deref(), &mut OsRng, obs), convert::proof)
            .map(JsCast::unchecked_into)
    }

    /// Proves an enrollment of `capture` (an `enroll` key) and seals the enrollment under
    /// `sealingKey` (32 bytes, e.g. from `generateSealingKey`, kept by the app).
    pub fn enroll(
        &self,
        capture: JsCapture,
        #[wasm_bindgen(js_name = sealingKey)] sealing_key: Vec<u8>,
        nonce: Option<String>,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<ProgressCallback>,
    ) -> Result<EnrollResult, JsValue> {
        let capture = capture_from_js(&capture)?;
        let key = self::sealing_key(sealing_key)?;
        self.run(
            on_progress,
            |p, obs| p.enroll(capture.as_capture(), &key, nonce.as_deref(), &mut OsRng, obs),
            convert::enroll,
        )
        .map(JsCast::unchecked_into)
    }

    /// Proves whether `capture` matches the sealed enrollment (a `match(…)` key) at threshold
    /// `tau` (iris: fractional Hamming distance in [0, 1], default 0.35; embeddings: squared
    /// L2, required).
    #[wasm_bindgen(js_name = matchEnrolled)]
    pub fn match_enrolled(
        &self,
        capture: JsCapture,
        #[wasm_bindgen(js_name = sealedEnrollment)] sealed_enrollment: &[u8],
        #[wasm_bindgen(js_name = sealingKey)] sealing_key: Vec<u8>,
        tau: Option<f64>,
        nonce: Option<String>,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<ProgressCallback>,
    ) -> Result<MatchResult, JsValue> {
        let capture = capture_from_js(&capture)?;
        let key = self::sealing_key(sealing_key)?;
        self.run(
            on_progress,
            |p, obs| {
                p.match_enrolled(capture.as_capture(), sealed_enrollment, &key, tau, nonce.as_deref(), &mut OsRng, obs)
            },
            convert::matched,
        )
        .map(JsCast::unchecked_into)
    }
}

/// A verifying key: checks proofs of one model and statement.
#[wasm_bindgen]
pub struct Verifier {
    inner: VerifyingKeyFile,
}

#[wasm_bindgen]
impl Verifier {
    /// Loads a zkid verifying key file. Throws code `Key`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(js_name = vkBytes)] vk_bytes: &[u8]) -> Result<Verifier, JsValue> {
        guard(|| Ok(Verifier { inner: VerifyingKeyFile::from_bytes(vk_bytes).map_err(WasmError::from)? }))
    }

    /// The statement the key verifies.
    #[wasm_bindgen(getter)]
    pub fn statement(&self) -> String {
        self.inner.header.statement_id.clone()
    }

    /// The digest (hex) of the model the key belongs to.
    #[wasm_bindgen(getter, js_name = modelDigest)]
    pub fn model_digest(&self) -> String {
        self.inner.header.model_digest.to_hex()
    }

    /// Verifies a proof envelope (`proofJson` of a result); with `expectedNonce`, also that
    /// it answers that challenge. An invalid proof is `valid: false`; a malformed one, one
    /// for another key, or another nonce throws code `Proof`.
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = proofJson)] proof_json: &str,
        #[wasm_bindgen(js_name = expectedNonce)] expected_nonce: Option<String>,
    ) -> Result<VerifyResult, JsValue> {
        guard(|| {
            let outcome = device::verify_proof_json(&self.inner, proof_json, expected_nonce.as_deref())
                .map_err(WasmError::from)?;
            Ok(convert::verified(&outcome)?)
        })
        .map(JsCast::unchecked_into)
    }
}

/// Makes an **INSECURE** development key pair for `statementId` (`enroll`,
/// `match(max_shift=..,min_bits=..)`, `infer(input=..,output=..)`) over `model`: whoever ran
/// it knows the setup's secret and could forge proofs. For trying zkid out and for tests
/// only; production keys come from a ceremony and are loaded with `new Prover`. With
/// `lookup` true the keys are lookup-mode keys: range checks by table lookups, a circuit a
/// third to a half the size, proofs only zkid's verifiers accept (not `verifySnarkjs`).
#[wasm_bindgen(js_name = devSetup)]
pub fn dev_setup(
    model: &Model,
    #[wasm_bindgen(js_name = statementId)] statement_id: &str,
    lookup: Option<bool>,
) -> Result<DevKeys, JsValue> {
    guard(|| {
        let mode = RangeMode::from_lookup(lookup.unwrap_or(false));
        let (pk, vk) = device::dev_setup(&model.inner, statement_id, mode, &mut OsRng).map_err(WasmError::from)?;
        Ok(convert::ObjectBuilder::new()
            .set("provingKey", Uint8Array::from(pk.as_slice()))?
            .set("verifyingKey", Uint8Array::from(vk.as_slice()))?
            .build())
    })
    .map(JsCast::unchecked_into)
}

/// A fresh 32-byte sealing key from the platform's CSPRNG (`crypto.getRandomValues`). It is
/// a secret: keep it in a key store (e.g. a non-extractable WebCrypto key wrapping it).
#[wasm_bindgen(js_name = generateSealingKey)]
pub fn generate_sealing_key() -> Result<Uint8Array, JsValue> {
    guard(|| {
        let key = SealingKey::generate().map_err(WasmError::from)?;
        Ok(Uint8Array::from(&key.to_bytes()[..]))
    })
}

/// Verifies a proof in snarkjs's own formats (`verification_key.json`, `proof.json`,
/// `public.json` text): for services that hold only snarkjs files. `false` is an invalid
/// proof; unusable input throws (code `Key` or `Proof`).
#[wasm_bindgen(js_name = verifySnarkjs)]
pub fn verify_snarkjs(
    #[wasm_bindgen(js_name = vkJson)] vk_json: &str,
    #[wasm_bindgen(js_name = proofJson)] proof_json: &str,
    #[wasm_bindgen(js_name = publicJson)] public_json: &str,
) -> Result<bool, JsValue> {
    guard(|| Ok(device::verify_snarkjs(vk_json, proof_json, public_json).map_err(WasmError::from)?))
}

/// A zkid verifying key file as snarkjs `verification_key.json` text (what
/// `verifySnarkjs` and `snarkjs groth16 verify` take). Throws code `Key`.
#[wasm_bindgen(js_name = verifyingKeyToSnarkjs)]
pub fn verifying_key_to_snarkjs(#[wasm_bindgen(js_name = vkBytes)] vk_bytes: &[u8]) -> Result<String, JsValue> {
    guard(|| Ok(VerifyingKeyFile::from_bytes(vk_bytes).map_err(WasmError::from)?.key.to_snarkjs_string()))
}

/// The zkid version of this package.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
