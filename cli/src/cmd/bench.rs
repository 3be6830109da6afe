//! `zkid bench`: where proving time goes for a compiled model or a synthetic circuit.
//!
//! A dev setup in memory, key files written to a temporary directory and loaded back, then
//! `--runs` proofs of a fixed input (the quantized zero tensor, clamped into the input's
//! range) and their verification. Phase times are medians over the runs. `--json` prints
//! one flat object with stable snake_case fields so runs can be compared.
//!
//! * `--stock` also proves the same statement `--runs` times with stock ark-groth16
//!   (`zkid_prover::stock`: same circuit, witness, key and circom reduction) and reports
//!   `stock_prove_ms` and `speedup_vs_stock`; stock proofs are verified too.
//! * `--synthetic N` benches [`Synthetic`], a ZKML-shaped circuit of exactly `N`
//!   constraints (byte range checks), instead of a model.
//! * `--plot FILE` (`.svg` or `.png`) draws prove time per phase as a stacked bar, next to
//!   the stock bar when `--stock` ran.
//!
//! Peak memory: `peak_rss_bytes` is the whole process (setup included, as before);
//! `prove_peak_rss_bytes` and `stock_peak_rss_bytes` are the peaks while each prover ran,
//! measured by resetting the kernel's high-water mark (`/proc/self/clear_refs`, Linux) after
//! setup: they include the loaded proving key and whatever the allocator kept from setup.

mod plot;

use super::keydir::{StatementArgs, count_constraints_with, load_model};
use crate::ui;
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zkid_circuits::synthetic::Synthetic;
use zkid_core::{ModelDigest, QTensor};
use zkid_prover::biometric;
use zkid_prover::proof::{LOOKUP_PROOF_BYTES, PROOF_BYTES};
use zkid_prover::statement::{self, LoadedModel, ProofEnvelope, Statement, prove_infer, verify_envelope};
use zkid_prover::stock::{self, MatchArgs};
use zkid_prover::{NoObserver, OsRng, ProvePhase, ProvingKeyFile, RangeMode, VerifyingKeyFile};

/// Arguments of `zkid bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compiled model (omitted with `--synthetic`).
    #[arg(required_unless_present = "synthetic")]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub statement: StatementArgs,
    /// Number of proofs (phase times are medians over them).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub runs: usize,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
    /// Also prove the same statement with stock ark-groth16 (same circuit, key and circom
    /// reduction) and report the speed-up.
    #[arg(long)]
    pub stock: bool,
    /// Write a stacked bar chart of prove time per phase (`.svg` or `.png`).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Bench a synthetic ZKML-shaped circuit of exactly N constraints instead of a model.
    #[arg(long, value_name = "N", conflicts_with = "model")]
    pub synthetic: Option<usize>,
    /// Set up and prove in lookup mode (`zkid setup --lookup`): range checks by byte-table
    /// lookups. Stock ark-groth16 cannot prove lookup-mode keys, so not with `--stock`.
    #[arg(long, conflicts_with_all = ["stock", "synthetic"])]
    pub lookup: bool,
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
    /// Range checks: `bits` (snarkjs-compatible) or `lookup`.
    pub range_mode: &'static str,
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
    /// Peak resident set size of the process (`VmHWM`, setup included), `null` where
    /// unavailable.
    pub peak_rss_bytes: Option<u64>,
    /// `model` or `synthetic`.
    pub circuit: &'static str,
    /// Peak resident set size while zkid's prover ran (high-water mark reset after setup),
    /// `null` where unavailable.
    pub prove_peak_rss_bytes: Option<u64>,
    /// Median whole-proof time of stock ark-groth16 on the same statement (`--stock`).
    pub stock_prove_ms: Option<f64>,
    /// `stock_prove_ms` per constraint, in microseconds.
    pub stock_us_per_constraint: Option<f64>,
    /// `stock_prove_ms / prove_ms`: how many times faster zkid's prover is.
    pub speedup_vs_stock: Option<f64>,
    /// Peak resident set size while stock ark-groth16 ran (high-water mark reset before it).
    pub stock_peak_rss_bytes: Option<u64>,
    /// The plot written (`--plot`).
    pub plot: Option<String>,
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

/// Resets the kernel's peak-RSS mark to the current RSS (Linux `clear_refs` value 5);
/// whether it worked.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
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

/// The match threshold a bench proves with: open-iris's default for iris codes, capped at
/// the statement's largest meaningful value for embeddings.
fn bench_tau(model: &LoadedModel) -> u64 {
    biometric::IRIS_TAU_DEFAULT.min(zkid_circuits::statement::matching::max_tau(&model.model))
}

/// Seed of the synthetic circuit's witness in run `i` (fixed: runs are reproducible).
fn synthetic_seed(i: usize) -> u64 {
    0x7a6b_6964 + i as u64
}

/// What is benched: a statement over a model, or a synthetic circuit.
enum Target {
    /// A statement over a compiled model, on the bench input.
    Model {
        /// The model.
        model: Box<LoadedModel>,
        /// The statement.
        statement: Statement,
        /// The fixed bench input.
        input: QTensor,
        /// For `match`: the input's own template, enrolled once.
        enrolled: Option<biometric::Enrollment>,
    },
    /// [`Synthetic`] of this many constraints.
    Synthetic(usize),
}

impl Target {
    fn new(args: &Args) -> Result<Self> {
        if let Some(n) = args.synthetic {
            Synthetic::setup(n).map_err(|e| anyhow!(crate::BadInput(format!("--synthetic: {e}"))))?;
            return Ok(Target::Synthetic(n));
        }
        let path = args.model.as_deref().ok_or_else(|| anyhow!(crate::BadInput("no model given".into())))?;
        let statement = args.statement.statement();
        let model = load_model(path)?;
        let input = bench_input(&model)?;
        let enrolled = bench_enrollment(&model, statement, &input)?;
        Ok(Target::Model { model: Box::new(model), statement, input, enrolled })
    }

    fn name(&self) -> String {
        match self {
            Target::Model { model, .. } => model.model.meta().name.clone(),
            Target::Synthetic(_) => "synthetic".into(),
        }
    }

    fn statement_id(&self) -> String {
        match self {
            Target::Model { statement, .. } => statement.id(),
            Target::Synthetic(n) => format!("synthetic(constraints={n})"),
        }
    }

    /// The digest key files and envelopes carry (zeros for a synthetic circuit).
    fn digest(&self) -> ModelDigest {
        match self {
            Target::Model { model, .. } => model.digest,
            Target::Synthetic(_) => ModelDigest([0; 32]),
        }
    }

    fn setup(&self, mode: RangeMode) -> Result<(ProvingKeyFile, VerifyingKeyFile)> {
        match self {
            Target::Model { model, statement, .. } => Ok(statement::setup_with(model, *statement, mode, &mut OsRng)?),
            Target::Synthetic(n) => {
                let circuit = Synthetic::setup(*n).map_err(|e| anyhow!("{e}"))?;
                let (pk, vk) = zkid_prover::setup_dev(circuit, &mut OsRng)?;
                let id = self.statement_id();
                Ok((ProvingKeyFile::new(pk, self.digest(), id.clone())?, VerifyingKeyFile::new(vk, self.digest(), id)?))
            }
        }
    }

    fn setup_constraints(&self, mode: RangeMode) -> Result<u64> {
        match self {
            Target::Model { model, statement, .. } => count_constraints_with(model, *statement, mode),
            Target::Synthetic(n) => Ok(*n as u64),
        }
    }

    /// Witness generation alone: integer inference, or drawing the synthetic bytes.
    fn witness(&self, run: usize) -> Result<Duration> {
        let start = Instant::now();
        match self {
            Target::Model { model, input, .. } => {
                model.model.infer(input).context("integer inference failed on the bench input")?;
            }
            Target::Synthetic(n) => {
                Synthetic::random(*n, synthetic_seed(run)).map_err(|e| anyhow!("{e}"))?;
            }
        }
        Ok(start.elapsed())
    }

    /// A proof with zkid's prover, as an envelope.
    fn prove(&self, pk: &ProvingKeyFile, run: usize, nonce: zkid_prover::Fr) -> Result<Proved> {
        let (envelope, report) = match self {
            Target::Model { model, statement, input, enrolled } => {
                prove_statement(model, pk, *statement, input, enrolled.as_ref(), nonce)?
            }
            Target::Synthetic(n) => {
                let circuit = Synthetic::random(*n, synthetic_seed(run)).map_err(|e| anyhow!("{e}"))?;
                let report = zkid_prover::groth16::prove_recorded(&pk.key, circuit, &mut OsRng, &mut NoObserver)?;
                let envelope = self.envelope(pk, report.proof.clone(), report.public_inputs.clone());
                (envelope, report)
            }
        };
        Ok(Proved { envelope, report })
    }

    /// A proof with stock ark-groth16, as an envelope.
    fn prove_stock(&self, pk: &ProvingKeyFile, run: usize, nonce: zkid_prover::Fr) -> Result<ProofEnvelope> {
        match self {
            Target::Model { model, input, enrolled, .. } => {
                let matching = enrolled.as_ref().map(|e| MatchArgs { enrolled: e, tau: bench_tau(model) });
                let p = stock::stock_prove_statement(model, pk, input, matching, nonce, &mut OsRng)?;
                Ok(ProofEnvelope::new(pk, model, p.proof, p.public_inputs))
            }
            Target::Synthetic(n) => {
                let circuit = Synthetic::random(*n, synthetic_seed(run)).map_err(|e| anyhow!("{e}"))?;
                let public = circuit.public_inputs().unwrap_or_default();
                let proof = stock::stock_prove(&pk.key, circuit, &mut OsRng)?;
                Ok(self.envelope(pk, proof, public))
            }
        }
    }

    fn envelope(&self, pk: &ProvingKeyFile, proof: zkid_prover::Proof, public: Vec<zkid_prover::Fr>) -> ProofEnvelope {
        ProofEnvelope {
            proof,
            public_signals: public,
            model_digest: self.digest(),
            statement: pk.header.statement_id.clone(),
            vk_digest: pk.header.vk_digest,
        }
    }

    /// The nonce to check at verification (the synthetic circuit has none).
    fn expected_nonce(&self, nonce: zkid_prover::Fr) -> Option<zkid_prover::Fr> {
        matches!(self, Target::Model { .. }).then_some(nonce)
    }
}

/// A proof of `statement` on `input` (a `match` against `enrolled`).
fn prove_statement(
    model: &LoadedModel,
    pk: &ProvingKeyFile,
    statement: Statement,
    input: &zkid_core::QTensor,
    enrolled: Option<&biometric::Enrollment>,
    nonce: zkid_prover::Fr,
) -> zkid_prover::Result<(ProofEnvelope, zkid_prover::ProveReport)> {
    Ok(match statement {
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
            let p = biometric::prove_match(
                model,
                pk,
                input,
                enrolled,
                bench_tau(model),
                nonce,
                &mut OsRng,
                &mut NoObserver,
            )?;
            (p.envelope, p.report)
        }
    })
}

/// What one bench proof returns.
struct Proved {
    envelope: ProofEnvelope,
    report: zkid_prover::ProveReport,
}

/// Runs `zkid bench`.
pub fn run(args: &Args) -> Result<()> {
    if args.runs == 0 {
        return Err(anyhow!(crate::BadInput("--runs must be at least 1".into())));
    }
    if let Some(p) = &args.plot {
        plot::format_of(p).map_err(|e| anyhow!(crate::BadInput(e.to_string())))?;
    }
    let target = Target::new(args)?;
    let quiet = args.json;

    let bar = ui::spinner("dev setup", quiet);
    let start = Instant::now();
    let mode = RangeMode::from_lookup(args.lookup);
    let keys = target.setup(mode);
    let setup_time = start.elapsed();
    bar.finish_and_clear();
    let (pk, vk) = keys.context("dev setup failed")?;
    let setup_constraints = target.setup_constraints(mode)?;

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

    let mut process_peak = peak_rss_bytes();
    let tracked = reset_peak_rss();
    let mut witness = Vec::with_capacity(args.runs);
    let mut phases: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    let mut msm = Vec::with_capacity(args.runs);
    let mut totals = Vec::with_capacity(args.runs);
    let mut verifies = Vec::with_capacity(args.runs);
    let mut shape = None;
    let mut proof_json_bytes = 0;
    let bar = ui::progress("proving", quiet);
    bar.set_length(args.runs as u64);
    for run in 0..args.runs {
        witness.push(target.witness(run)?);

        let nonce = statement::random_nonce();
        let start = Instant::now();
        let proved = target.prove(&pk, run, nonce).context("proving failed")?;
        totals.push(start.elapsed());
        let t = &proved.report.timings;
        for p in ProvePhase::ALL {
            phases.entry(p.name()).or_default().push(t.get(p));
        }
        msm.push(t.msm_total());
        shape = Some(proved.report.shape);
        proof_json_bytes = proved.envelope.to_json_string().len();

        let start = Instant::now();
        let ok = verify_envelope(&vk_loaded, &proved.envelope, target.expected_nonce(nonce))
            .context("verification failed")?;
        verifies.push(start.elapsed());
        if !ok {
            return Err(anyhow!("a freshly made proof did not verify"));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let shape = shape.ok_or_else(|| anyhow!("no proof was made"))?;
    let prove_peak = if tracked { peak_rss_bytes() } else { None };
    process_peak = process_peak.max(peak_rss_bytes());

    let (mut stock_ms, mut stock_peak) = (None, None);
    if args.stock {
        let tracked = reset_peak_rss();
        let bar = ui::progress("stock ark-groth16", quiet);
        bar.set_length(args.runs as u64);
        let mut times = Vec::with_capacity(args.runs);
        for run in 0..args.runs {
            let nonce = statement::random_nonce();
            let start = Instant::now();
            let env = target.prove_stock(&pk, run, nonce).context("stock ark-groth16 proving failed")?;
            times.push(start.elapsed());
            if !verify_envelope(&vk_loaded, &env, target.expected_nonce(nonce)).context("verification failed")? {
                return Err(anyhow!("a stock ark-groth16 proof did not verify"));
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        stock_ms = Some(median_ms(times));
        stock_peak = if tracked { peak_rss_bytes() } else { None };
        process_peak = process_peak.max(peak_rss_bytes());
    }

    let prove_ms = median_ms(totals);
    let per_constraint =
        |ms: f64| if shape.num_constraints == 0 { 0.0 } else { ms * 1e3 / shape.num_constraints as f64 };
    let mut report = BenchReport {
        model: target.name(),
        model_digest: match &target {
            Target::Model { model, .. } => model.digest.to_hex(),
            Target::Synthetic(_) => String::new(),
        },
        statement: target.statement_id(),
        range_mode: if args.lookup { "lookup" } else { "bits" },
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
        us_per_constraint: per_constraint(prove_ms),
        verify_ms: median_ms(verifies),
        proving_key_bytes,
        proving_key_uncompressed_bytes: pk_uncompressed,
        verifying_key_bytes,
        verification_key_json_bytes: vk_json_bytes,
        proving_key_save_ms: ui::millis(pk_save),
        proving_key_load_ms: ui::millis(pk_load),
        verifying_key_load_ms: ui::millis(vk_load),
        proof_bytes: if args.lookup { LOOKUP_PROOF_BYTES } else { PROOF_BYTES },
        proof_json_bytes,
        peak_rss_bytes: process_peak,
        circuit: match target {
            Target::Model { .. } => "model",
            Target::Synthetic(_) => "synthetic",
        },
        prove_peak_rss_bytes: prove_peak,
        stock_prove_ms: stock_ms,
        stock_us_per_constraint: stock_ms.map(per_constraint),
        speedup_vs_stock: stock_ms.map(|s| if prove_ms > 0.0 { s / prove_ms } else { 0.0 }),
        stock_peak_rss_bytes: stock_peak,
        plot: None,
    };
    if let Some(path) = &args.plot {
        plot::draw(path, &plot_title(&report), &plot_bars(&report))?;
        report.plot = Some(path.display().to_string());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    print_report(&report);
    Ok(())
}

fn plot_title(r: &BenchReport) -> String {
    format!("{} {}: {} constraints, prove time per phase (median of {})", r.model, r.statement, r.constraints, r.runs)
}

/// zkid's bar (phases, and what the phases leave out: inference and glue) and the stock bar.
fn plot_bars(r: &BenchReport) -> Vec<plot::Bar> {
    let mut segments: Vec<(String, f64)> = ProvePhase::ALL
        .iter()
        .map(|p| (p.name().to_string(), r.prove_phases_ms.get(p.name()).copied().unwrap_or_default()))
        .collect();
    let phases: f64 = segments.iter().map(|(_, v)| v).sum();
    segments.push(("other (inference, glue)".into(), (r.prove_ms - phases).max(0.0)));
    let mut bars = vec![plot::Bar { label: "zkid".into(), segments }];
    if let Some(s) = r.stock_prove_ms {
        bars.push(plot::Bar {
            label: "stock ark-groth16".into(),
            segments: vec![("stock ark-groth16 (whole proof)".into(), s)],
        });
    }
    bars
}

fn ms(v: f64) -> String {
    ui::duration(Duration::from_secs_f64(v.max(0.0) / 1e3))
}

fn print_report(r: &BenchReport) {
    let digest = if r.model_digest.is_empty() { String::new() } else { format!(" ({})", r.model_digest) };
    println!("bench `{}`{digest}, statement {}, {} run(s)", r.model, r.statement, r.runs);
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
    if let Some(b) = r.prove_peak_rss_bytes {
        println!("peak RSS while proving: {}", ui::bytes(b));
    }
    if let (Some(s), Some(x)) = (r.stock_prove_ms, r.speedup_vs_stock) {
        let rss = r.stock_peak_rss_bytes.map(|b| format!(", peak RSS {}", ui::bytes(b))).unwrap_or_default();
        println!(
            "stock ark-groth16: {} ({:.2} µs/constraint{rss}); zkid is {x:.2}x faster",
            ms(s),
            s * 1e3 / r.constraints.max(1) as f64
        );
    }
    if let Some(p) = &r.plot {
        println!("wrote {p}");
    }
}
