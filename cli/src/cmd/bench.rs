//! `zkid bench`: where proving time goes for a compiled model.
//!
//! A dev setup in memory, key files written to a temporary directory and loaded back, then
//! `--runs` proofs of a fixed input (the quantized zero tensor, clamped into the input's
//! range) and their verification. Phase times are medians over the runs. `--json` prints
//! one flat object with stable snake_case fields so runs can be compared.

use super::keydir::{StatementArgs, count_constraints, load_model};
use crate::ui;
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zkid_core::QTensor;
use zkid_prover::biometric;
use zkid_prover::proof::PROOF_BYTES;
use zkid_prover::statement::{self, LoadedModel, Statement, prove_infer, verify_envelope};
use zkid_prover::{NoObserver, OsRng, ProvePhase, ProvingKeyFile, VerifyingKeyFile};

/// Arguments of `zkid bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compiled model.
    pub model: PathBuf,
    #[command(flatten)]
    pub statement: StatementArgs,
    /// Number of proofs (phase times are medians over them).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub runs: usize,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

/// Everything `zkid bench --json` reports. Times in milliseconds, sizes in bytes.
#[derive(Debug, Serialize)]
pub struct BenchReport {
    /// Model name from the `.zkm` metadata.
    pub model: String,
    /// Model digest, hex.
    pub model_digest: String,
    /// Statement id.
    pub statement: String,
    /// Number of proofs timed.
    pub runs: usize,
    /// R1CS constraints.
    pub constraints: usize,
    /// Variables, the constant one included.
    pub variables: usize,
    /// Witness (private) variables.
    pub witness_variables: usize,
    /// Public inputs (constant one excluded).
    pub public_inputs: usize,
    /// Evaluation domain size.
    pub domain_size: usize,
    /// Constraint count from a setup-mode synthesis (equals `constraints`).
    pub setup_constraints: u64,
    /// Dev setup (in memory).
    pub setup_ms: f64,
    /// Integer inference with witness record (median).
    pub witness_ms: f64,
    /// Median time of each prove phase, by [`ProvePhase::name`].
    pub prove_phases_ms: BTreeMap<&'static str, f64>,
    /// Median of the five MSMs together.
    pub msm_total_ms: f64,
    /// Median whole-proof time (inference + synthesis + witness map + MSMs).
    pub prove_ms: f64,
    /// `prove_ms` per constraint, in microseconds.
    pub us_per_constraint: f64,
    /// Median verification time.
    pub verify_ms: f64,
    /// Proving key file size.
    pub proving_key_bytes: u64,
    /// Proving key payload (arkworks uncompressed serialization).
    pub proving_key_uncompressed_bytes: u64,
    /// Verifying key file size.
    pub verifying_key_bytes: u64,
    /// snarkjs `verification_key.json` size.
    pub verification_key_json_bytes: u64,
    /// Writing the proving key file.
    pub proving_key_save_ms: f64,
    /// Loading (and checking) the proving key file.
    pub proving_key_load_ms: f64,
    /// Loading (and fully validating) the verifying key file.
    pub verifying_key_load_ms: f64,
    /// Compressed proof size.
    pub proof_bytes: usize,
    /// Proof envelope JSON size.
    pub proof_json_bytes: usize,
    /// Peak resident set size of the process (`VmHWM`), `null` where unavailable.
    pub peak_rss_bytes: Option<u64>,
}

/// Median of durations, in milliseconds (0 for none).
fn median_ms(mut v: Vec<Duration>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort();
    let mid = v.len() / 2;
    let m = if v.len() % 2 == 1 { v[mid] } else { (v[mid - 1] + v[mid]) / 2 };
    ui::millis(m)
}

/// Peak resident set size from `/proc/self/status` (Linux), in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    kb.checked_mul(1024)
}

/// The fixed bench input: zeros clamped into the input tensor's quantized range.
fn bench_input(model: &LoadedModel) -> Result<QTensor> {
    let q = model.model.tensor(model.model.input()).quant;
    let shape = model.model.input_shape().to_vec();
    let n: usize = shape.iter().product();
    QTensor::new(shape, vec![0i64.clamp(q.lo, q.hi); n]).map_err(|e| anyhow!("cannot build the bench input: {e}"))
}

/// A scratch directory for the key files, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("zkid-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Self(dir))
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// For a `match` bench: the input's own template, enrolled once before the timed runs.
fn bench_enrollment(
    model: &LoadedModel,
    statement: Statement,
    input: &zkid_core::QTensor,
) -> zkid_prover::Result<Option<biometric::Enrollment>> {
    if !matches!(statement, Statement::Match(_)) {
        return Ok(None);
    }
    let template = model.model.run(input)?.into_data();
    biometric::Enrollment::from_template(model, template, statement::random_nonce()).map(Some)
}

/// A proof of `statement` on `input` (a `match` against `enrolled`).
fn prove(
    model: &LoadedModel,
    pk: &ProvingKeyFile,
    statement: Statement,
    input: &zkid_core::QTensor,
    enrolled: Option<&biometric::Enrollment>,
    nonce: zkid_prover::Fr,
) -> zkid_prover::Result<Proved> {
    let (envelope, report) = match statement {
        Statement::Infer(_) => {
            let p = prove_infer(model, pk, input, nonce, &mut OsRng, &mut NoObserver)?;
            (p.envelope, p.report)
        }
        Statement::Enroll => {
            let p = biometric::prove_enroll(model, pk, input, nonce, &mut OsRng, &mut NoObserver)?;
            (p.envelope, p.report)
        }
        Statement::Match(_) => {
            let enrolled = enrolled
                .ok_or_else(|| zkid_prover::ProverError::InvalidInput("a match bench needs an enrollment".into()))?;
            let tau = biometric::IRIS_TAU_DEFAULT.min(zkid_circuits::statement::matching::max_tau(&model.model));
            let p = biometric::prove_match(model, pk, input, enrolled, tau, nonce, &mut OsRng, &mut NoObserver)?;
            (p.envelope, p.report)
        }
    };
    Ok(Proved { envelope, report })
}

/// What one bench proof returns.
struct Proved {
    envelope: zkid_prover::ProofEnvelope,
    report: zkid_prover::ProveReport,
}

/// Runs `zkid bench`.
pub fn run(args: &Args) -> Result<()> {
    if args.runs == 0 {
        return Err(anyhow!(crate::BadInput("--runs must be at least 1".into())));
    }
    let statement = args.statement.statement();
    let model = load_model(&args.model)?;
    let input = bench_input(&model)?;
    let quiet = args.json;

    let bar = ui::spinner("dev setup", quiet);
    let start = Instant::now();
    let keys = statement::setup(&model, statement, &mut OsRng);
    let setup_time = start.elapsed();
    bar.finish_and_clear();
    let (pk, vk) = keys.context("dev setup failed")?;
    let setup_constraints = count_constraints(&model, statement)?;

    // Key files: save, then load back as a device and a verifier would.
    let scratch = Scratch::new()?;
    let pk_path = scratch.path().join("proving.key");
    let vk_path = scratch.path().join("verifying.key");
    let start = Instant::now();
    pk.save(&pk_path).context("cannot write the proving key")?;
    let pk_save = start.elapsed();
    vk.save(&vk_path).context("cannot write the verifying key")?;
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).with_context(|| format!("cannot stat {}", p.display()));
    let (proving_key_bytes, verifying_key_bytes) = (size(&pk_path)?, size(&vk_path)?);
    let pk_uncompressed = pk.key.uncompressed_size() as u64;
    drop(pk);
    let start = Instant::now();
    let pk = ProvingKeyFile::load(&pk_path).context("cannot load the proving key back")?;
    let pk_load = start.elapsed();
    let start = Instant::now();
    let vk_loaded = VerifyingKeyFile::load(&vk_path).context("cannot load the verifying key back")?;
    let vk_load = start.elapsed();
    let vk_json_bytes = vk.key.to_snarkjs_string().len() as u64;

    let enrolled = bench_enrollment(&model, statement, &input)?;
    let mut witness = Vec::with_capacity(args.runs);
    let mut phases: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    let mut msm = Vec::with_capacity(args.runs);
    let mut totals = Vec::with_capacity(args.runs);
    let mut verifies = Vec::with_capacity(args.runs);
    let mut shape = None;
    let mut proof_json_bytes = 0;
    let bar = ui::progress("proving", quiet);
    bar.set_length(args.runs as u64);
    for _ in 0..args.runs {
        // Inference alone: the witness record the circuit is filled from.
        let start = Instant::now();
        model.model.infer(&input).context("integer inference failed on the bench input")?;
        witness.push(start.elapsed());

        let nonce = statement::random_nonce();
        let start = Instant::now();
        let proved = prove(&model, &pk, statement, &input, enrolled.as_ref(), nonce).context("proving failed")?;
        totals.push(start.elapsed());
        let t = &proved.report.timings;
        for p in ProvePhase::ALL {
            phases.entry(p.name()).or_default().push(t.get(p));
        }
        msm.push(t.msm_total());
        shape = Some(proved.report.shape);
        proof_json_bytes = proved.envelope.to_json_string().len();

        let start = Instant::now();
        let ok = verify_envelope(&vk_loaded, &proved.envelope, Some(nonce)).context("verification failed")?;
        verifies.push(start.elapsed());
        if !ok {
            return Err(anyhow!("a freshly made proof did not verify"));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let shape = shape.ok_or_else(|| anyhow!("no proof was made"))?;

    let prove_ms = median_ms(totals);
    let report = BenchReport {
        model: model.model.meta().name.clone(),
        model_digest: model.digest.to_hex(),
        statement: statement.id(),
        runs: args.runs,
        constraints: shape.num_constraints,
        variables: shape.num_instance_variables + shape.num_witness_variables,
        witness_variables: shape.num_witness_variables,
        public_inputs: shape.num_public_inputs(),
        domain_size: shape.domain_size,
        setup_constraints,
        setup_ms: ui::millis(setup_time),
        witness_ms: median_ms(witness),
        prove_phases_ms: phases.into_iter().map(|(k, v)| (k, median_ms(v))).collect(),
        msm_total_ms: median_ms(msm),
        prove_ms,
        us_per_constraint: if shape.num_constraints == 0 { 0.0 } else { prove_ms * 1e3 / shape.num_constraints as f64 },
        verify_ms: median_ms(verifies),
        proving_key_bytes,
        proving_key_uncompressed_bytes: pk_uncompressed,
        verifying_key_bytes,
        verification_key_json_bytes: vk_json_bytes,
        proving_key_save_ms: ui::millis(pk_save),
        proving_key_load_ms: ui::millis(pk_load),
        verifying_key_load_ms: ui::millis(vk_load),
        proof_bytes: PROOF_BYTES,
        proof_json_bytes,
        peak_rss_bytes: peak_rss_bytes(),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    print_report(&report);
    Ok(())
}

fn ms(v: f64) -> String {
    ui::duration(Duration::from_secs_f64(v.max(0.0) / 1e3))
}

fn print_report(r: &BenchReport) {
    println!("bench `{}` ({}), statement {}, {} run(s)", r.model, r.model_digest, r.statement, r.runs);
    println!(
        "circuit: {} constraints, {} variables ({} witness), {} public inputs, domain {}",
        ui::thousands(r.constraints as u64),
        ui::thousands(r.variables as u64),
        ui::thousands(r.witness_variables as u64),
        r.public_inputs,
        ui::thousands(r.domain_size as u64)
    );
    println!("dev setup: {}", ms(r.setup_ms));
    let mut rows = vec![vec!["witness (integer inference)".to_string(), ms(r.witness_ms)]];
    rows.extend(
        ProvePhase::ALL
            .iter()
            .map(|p| vec![p.name().to_string(), ms(r.prove_phases_ms.get(p.name()).copied().unwrap_or_default())]),
    );
    print!("{}", ui::table(&["phase (median)", "time"], &rows, &[false, true]));
    println!("prove: {} total, MSMs {}, {:.2} µs/constraint", ms(r.prove_ms), ms(r.msm_total_ms), r.us_per_constraint);
    println!("verify: {}", ms(r.verify_ms));
    println!(
        "proving key: {} ({} uncompressed payload), saved in {}, loaded in {}",
        ui::bytes(r.proving_key_bytes),
        ui::bytes(r.proving_key_uncompressed_bytes),
        ms(r.proving_key_save_ms),
        ms(r.proving_key_load_ms)
    );
    println!(
        "verifying key: {} ({} as snarkjs JSON), loaded in {}",
        ui::bytes(r.verifying_key_bytes),
        ui::bytes(r.verification_key_json_bytes),
        ms(r.verifying_key_load_ms)
    );
    println!("proof: {} bytes compressed, {} as JSON", r.proof_bytes, ui::bytes(r.proof_json_bytes as u64));
    match r.peak_rss_bytes {
        Some(b) => println!("peak RSS: {}", ui::bytes(b)),
        None => println!("peak RSS: unavailable on this platform"),
    }
}
