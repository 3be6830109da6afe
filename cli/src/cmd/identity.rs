//! `zkid compile-iris`, `zkid enroll`, `zkid match`: the biometric statements.
//!
//! The enrolled template and the salt of its commitment never leave the device: `enroll`
//! seals them (AES-256-GCM, bound to the model digest) under a key the host provides — a
//! platform keystore key on phones, a 32-byte file here — and `match` unseals them.

use super::keydir::{AtomicFiles, PROVING_KEY, load_model, load_proving_key, read_manifest};
use super::memory::{self, EstimateJson, MemoryArgs};
use super::prove::parse_nonce_arg;
use super::read_input;
use crate::{BadInput, ui};
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::path::{Path, PathBuf};
use zkid_core::{QTensor, iris, npy, zkm};
use zkid_prover::biometric::{self, Enrollment};
use zkid_prover::json::field_to_decimal;
use zkid_prover::statement::{self, LoadedModel};
use zkid_prover::{Fr, OsRng, SealingKey};

/// Arguments of `zkid compile-iris`.
#[derive(Debug, clap::Args)]
pub struct CompileIrisArgs {
    /// Directory with open-iris's integer filter taps `kernel_f0.npy`, `kernel_f1.npy`
    /// (`[2, rows, cols]`, written by `models/iris/make_iris_vectors.py`).
    #[arg(long, value_name = "DIR")]
    pub taps: PathBuf,
    /// Output `.zkm` file.
    #[arg(short = 'o', long = "output", value_name = "MODEL.zkm")]
    pub output: PathBuf,
}

/// Runs `zkid compile-iris`.
pub fn compile_iris(args: &CompileIrisArgs) -> Result<()> {
    let taps = (0..2)
        .map(|f| {
            let p = args.taps.join(format!("kernel_f{f}.npy"));
            iris::load_taps(&p).with_context(|| BadInput(format!("cannot read filter taps {}", p.display())))
        })
        .collect::<Result<Vec<_>>>()?;
    let model = iris::model(taps, "open-iris-1.11.2")?;
    let bytes = zkm::to_bytes(&model)?;
    let mut files = AtomicFiles::default();
    files.write(&args.output, &bytes)?;
    files.commit()?;
    let est = zkid_core::report::estimated_constraints(&model);
    println!(
        "iris-code model (open-iris 1.11.2 filter bank, {} taps): {} constraints for the encoder, digest {}",
        model.param_count(),
        ui::thousands(est),
        zkm::digest_of(&model)?.to_hex()
    );
    println!("wrote {}", args.output.display());
    Ok(())
}

/// The capture to prove on: `--image` (and `--mask` for iris-code models).
#[derive(Debug, Clone, clap::Args)]
pub struct CaptureArgs {
    /// The capture (`.npy`): for iris-code models the normalized iris image (uint8 values,
    /// 128 × 512); otherwise the model's raw input. It never leaves the device.
    #[arg(long, value_name = "IMAGE.npy")]
    pub image: PathBuf,
    /// Noise mask of the normalized iris (`.npy`, non-zero = iris), iris-code models only.
    #[arg(long, value_name = "MASK.npy")]
    pub mask: Option<PathBuf>,
}

/// Reads the capture as the model's quantized input.
pub fn load_capture(model: &LoadedModel, args: &CaptureArgs) -> Result<QTensor> {
    let read = |p: &Path, what: &str| {
        npy::from_bytes(&read_input(p, what)?).with_context(|| BadInput(format!("cannot read {what} {}", p.display())))
    };
    let image = read(&args.image, "image")?;
    let ctx = || BadInput(format!("cannot use image {}", args.image.display()));
    if iris::filter_bank(&model.model).is_some() {
        let mask_path =
            args.mask.as_ref().ok_or_else(|| anyhow!(BadInput("an iris-code model needs --mask MASK.npy".into())))?;
        let mask = read(mask_path, "mask")?;
        return iris::input(&model.model, &image, &mask).with_context(ctx);
    }
    if args.mask.is_some() {
        return Err(anyhow!(BadInput("--mask applies to iris-code models only".into())));
    }
    model.model.quantize_input(&image).with_context(ctx)
}

/// Reads a 32-byte sealing key; if `create` and it is missing, makes a new one, which the
/// caller writes with its other outputs ([`write_sealing_key`]) — so a failed or cancelled
/// enrollment leaves no key behind. Returns the key and whether it is new.
fn sealing_key(path: &Path, create: bool) -> Result<(SealingKey, bool)> {
    if create && !path.exists() {
        return Ok((SealingKey::generate()?, true));
    }
    let bytes = zkid_prover::Zeroizing::new(read_input(path, "sealing key")?);
    let key = SealingKey::from_bytes(&bytes)
        .with_context(|| BadInput(format!("cannot use sealing key {}", path.display())))?;
    Ok((key, false))
}

/// Adds a new sealing key to `files`, readable by its owner only (mode 0600 on unix) from
/// the moment its temporary file exists.
fn write_sealing_key(files: &mut AtomicFiles, path: &Path, key: &SealingKey) -> Result<()> {
    use std::io::Write;
    let tmp = files.add(path);
    let ctx = || format!("cannot write {}", tmp.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).with_context(ctx)?;
    file.write_all(key.to_bytes().as_slice()).with_context(ctx)?;
    file.sync_all().with_context(ctx)
}

fn nonce_of(arg: &Option<String>) -> Result<(Fr, bool)> {
    Ok(match arg {
        Some(n) => (parse_nonce_arg(n)?, false),
        None => (statement::random_nonce(), true),
    })
}

/// What `enroll` and `match` share: model, keys, capture, the sealed enrollment and the
/// proof output.
#[derive(Debug, clap::Args)]
pub struct SessionArgs {
    /// The compiled model.
    pub model: PathBuf,
    /// Keys directory from `zkid setup --statement enroll` (or `match`).
    #[arg(long, value_name = "KEYS_DIR")]
    pub keys: PathBuf,
    #[command(flatten)]
    pub capture: CaptureArgs,
    /// The sealed enrollment (template + salt; never leaves the device): written by
    /// `enroll`, read by `match`.
    #[arg(long, value_name = "FILE")]
    pub enrollment: PathBuf,
    /// 32-byte sealing key file (stands in for a platform keystore key; `enroll` creates it
    /// if missing).
    #[arg(long, value_name = "FILE")]
    pub sealing_key: PathBuf,
    /// The verifier's challenge (decimal). Default: a fresh random nonce.
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
    /// Output proof file.
    #[arg(short = 'o', long = "output", value_name = "PROOF.json")]
    pub output: PathBuf,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

/// Arguments of `zkid enroll`.
#[derive(Debug, clap::Args)]
pub struct EnrollArgs {
    #[command(flatten)]
    pub session: SessionArgs,
}

#[derive(Serialize)]
struct EnrollJson {
    proof: String,
    enrollment: String,
    statement: String,
    c_img: String,
    c_tpl: String,
    nonce: String,
    constraints: usize,
    prove_ms: f64,
    proof_json_bytes: usize,
    valid_template_bits: Option<usize>,
    memory_estimate: EstimateJson,
}

/// Loads the proving key (refused if it, or proving with it, would not fit `memory`) and
/// checks it belongs to `model`.
fn check_key(
    model: &LoadedModel,
    keys: &Path,
    memory: &MemoryArgs,
) -> Result<(zkid_prover::ProvingKeyFile, EstimateJson)> {
    let budget = memory.budget()?;
    let manifest = read_manifest(keys)?;
    memory::check_key_file(&keys.join(PROVING_KEY), budget)?;
    let pk = load_proving_key(keys, manifest.as_ref())?;
    pk.check_for(&model.digest, &pk.header.statement_id)
        .with_context(|| BadInput(format!("the keys in {} do not belong to this model", keys.display())))?;
    let estimate = memory::check_prove(&pk, budget)?;
    Ok((pk, EstimateJson::new(budget, &estimate, None)))
}

/// Runs `zkid enroll`.
pub fn enroll(args: &EnrollArgs) -> Result<()> {
    let a = &args.session;
    let (nonce, _) = nonce_of(&a.nonce)?;
    let model = load_model(&a.model)?;
    let (pk, memory_estimate) = check_key(&model, &a.keys, &a.memory)?;
    let x = load_capture(&model, &a.capture)?;
    let (key, new_key) = sealing_key(&a.sealing_key, true)?;
    let mut progress = ui::ProveProgress::new(a.json);
    let proved = biometric::prove_enroll(&model, &pk, &x, nonce, &mut OsRng, &mut progress);
    progress.finish();
    let proved = proved.context("enrollment failed")?;
    let sealed = proved.enrollment.seal(&model, &key)?;
    let text = proved.envelope.to_json_string();
    let mut files = AtomicFiles::default();
    if new_key {
        write_sealing_key(&mut files, &a.sealing_key, &key)?;
    }
    files.write(&a.output, text.as_bytes())?;
    files.write(&a.enrollment, &sealed)?;
    files.commit()?;
    if new_key {
        eprintln!("created sealing key {} (stands in for a platform keystore key)", a.sealing_key.display());
    }
    let signals = &proved.envelope.public_signals;
    let valid_bits = iris::filter_bank(&model.model)
        .map(|_| iris::IrisTemplate::from_output(proved.enrollment.template()).valid_bits());
    let t = &proved.report.timings;
    if a.json {
        let out = EnrollJson {
            proof: a.output.display().to_string(),
            enrollment: a.enrollment.display().to_string(),
            statement: proved.envelope.statement.clone(),
            c_img: field_to_decimal(&signals[0]),
            c_tpl: field_to_decimal(&signals[1]),
            nonce: field_to_decimal(&nonce),
            constraints: proved.report.shape.num_constraints,
            prove_ms: ui::millis(t.total),
            proof_json_bytes: text.len(),
            valid_template_bits: valid_bits,
            memory_estimate,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "enrolled: {} constraints proved in {}",
        ui::thousands(proved.report.shape.num_constraints as u64),
        ui::duration(t.total)
    );
    if let Some(b) = valid_bits {
        println!("template: {b} valid bits of {}", proved.enrollment.len() / 2);
    }
    println!("c_img (capture commitment; the capture device signs it): {}", field_to_decimal(&signals[0]));
    println!("c_tpl (template commitment; verifiers keep it):          {}", field_to_decimal(&signals[1]));
    println!(
        "leaves the device: {} ({} bytes proof + [c_img, c_tpl, nonce]); sealed enrollment kept in {}",
        a.output.display(),
        proved.envelope.proof.encoded_len(),
        a.enrollment.display()
    );
    Ok(())
}

/// Arguments of `zkid match`.
#[derive(Debug, clap::Args)]
pub struct MatchArgs {
    #[command(flatten)]
    pub session: SessionArgs,
    /// Threshold: iris codes, the fractional Hamming distance (e.g. 0.35, at 2^-16
    /// resolution); embeddings, the squared L2 distance in quantized units (an integer).
    #[arg(long, value_name = "T")]
    pub tau: Option<f64>,
}

#[derive(Serialize)]
struct MatchJson {
    proof: String,
    statement: String,
    verdict: bool,
    tau: u64,
    c_img: String,
    c_tpl: String,
    nonce: String,
    best_shift: Option<i32>,
    best_distance: Option<f64>,
    common_bits: Option<u64>,
    l2: Option<u64>,
    constraints: usize,
    prove_ms: f64,
    memory_estimate: EstimateJson,
}

/// The statement's integer threshold for `--tau` (iris: `round(τ·2^16)`).
pub fn tau_units(model: &LoadedModel, tau: Option<f64>) -> Result<u64> {
    biometric::tau_units(model, tau).map_err(|e| anyhow!(BadInput(format!("--tau: {e}"))))
}

/// Runs `zkid match`.
pub fn run_match(args: &MatchArgs) -> Result<()> {
    let a = &args.session;
    let (nonce, _) = nonce_of(&a.nonce)?;
    let model = load_model(&a.model)?;
    let tau = tau_units(&model, args.tau)?;
    let (pk, memory_estimate) = check_key(&model, &a.keys, &a.memory)?;
    let x = load_capture(&model, &a.capture)?;
    let (key, _) = sealing_key(&a.sealing_key, false)?;
    let blob = read_input(&a.enrollment, "enrollment")?;
    let enrolled = Enrollment::unseal(&model, &key, &blob)
        .with_context(|| BadInput(format!("cannot open enrollment {}", a.enrollment.display())))?;
    let mut progress = ui::ProveProgress::new(a.json);
    let proved = biometric::prove_match(&model, &pk, &x, &enrolled, tau, nonce, &mut OsRng, &mut progress);
    progress.finish();
    let proved = proved.context("match proof failed")?;
    let text = proved.envelope.to_json_string();
    let mut files = AtomicFiles::default();
    files.write(&a.output, text.as_bytes())?;
    files.commit()?;
    let best = zkid_circuits::gadgets::hamming::best_shift(&proved.distance.shifts);
    let p = &proved.public;
    let t = &proved.report.timings;
    if a.json {
        let out = MatchJson {
            proof: a.output.display().to_string(),
            statement: proved.envelope.statement.clone(),
            verdict: p.verdict,
            tau,
            c_img: field_to_decimal(&p.image_commitment),
            c_tpl: field_to_decimal(&p.template_commitment),
            nonce: field_to_decimal(&nonce),
            best_shift: best.map(|b| b.shift),
            best_distance: best.map(|b| b.nonmatch as f64 / b.common.max(1) as f64),
            common_bits: best.map(|b| b.common),
            l2: proved.distance.l2,
            constraints: proved.report.shape.num_constraints,
            prove_ms: ui::millis(t.total),
            memory_estimate,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "verdict: {} ({} constraints proved in {})",
        if p.verdict { "MATCH" } else { "no match" },
        ui::thousands(proved.report.shape.num_constraints as u64),
        ui::duration(t.total)
    );
    if let Some(b) = best {
        println!(
            "closest rotation (private, not in the proof): shift {}, Hamming distance {:.4} over {} common bits; τ = {:.4}",
            b.shift,
            b.nonmatch as f64 / b.common.max(1) as f64,
            b.common,
            tau as f64 / 65536.0
        );
    }
    if let Some(d) = proved.distance.l2 {
        println!("squared L2 distance (private, not in the proof): {d}; τ = {tau}");
    }
    println!("wrote {} (public: c_img, c_tpl, τ, verdict, nonce)", a.output.display());
    Ok(())
}
