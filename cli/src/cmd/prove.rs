//! `zkid prove`: a Groth16 proof that a compiled model maps a private input to its output.

use super::keydir::{AtomicFiles, PROVING_KEY, load_model, load_proving_key, read_manifest};
use super::memory::{self, EstimateJson, MemoryArgs};
use super::read_input;
use crate::{BadInput, ui};
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use zkid_core::npy;
use zkid_prover::json::field_to_decimal;
use zkid_prover::statement::{self, Statement, public_outputs};
use zkid_prover::{OsRng, ProvePhase};

/// Arguments of `zkid prove`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compiled model.
    pub model: PathBuf,
    /// Keys directory written by `zkid setup`.
    #[arg(long, value_name = "KEYS_DIR")]
    pub keys: PathBuf,
    /// Raw input (`.npy`, the model's raw input shape; preprocessing is applied). It never
    /// leaves the device: only the proof and the public signals do.
    #[arg(long, value_name = "X.npy")]
    pub input: PathBuf,
    /// The verifier's challenge, a decimal integer below the BN254 scalar-field modulus.
    /// Default: a fresh random nonce (printed).
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
    /// Output proof file (snarkjs `proof` and `publicSignals` plus zkid's envelope).
    #[arg(short = 'o', long = "output", value_name = "PROOF.json")]
    pub output: PathBuf,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

#[derive(Serialize)]
struct JsonReport {
    proof: String,
    model_digest: String,
    statement: String,
    nonce: String,
    nonce_generated: bool,
    constraints: usize,
    public_inputs: usize,
    phases_ms: BTreeMap<&'static str, f64>,
    msm_total_ms: f64,
    prove_ms: f64,
    proof_bytes: usize,
    proof_json_bytes: usize,
    public_signals: usize,
    outputs: Option<Vec<i64>>,
    outputs_dequantized: Option<Vec<f64>>,
    memory_estimate: EstimateJson,
}

/// Parses `--nonce`, marking a malformed one as unusable input.
pub fn parse_nonce_arg(text: &str) -> Result<zkid_prover::Fr> {
    statement::parse_nonce(text)
        .map_err(|_| anyhow!(BadInput("--nonce must be a decimal integer below the BN254 scalar-field modulus".into())))
}

/// Runs `zkid prove`.
pub fn run(args: &Args) -> Result<()> {
    let (nonce, nonce_generated) = match &args.nonce {
        Some(n) => (parse_nonce_arg(n)?, false),
        None => (statement::random_nonce(), true),
    };
    let budget = args.memory.budget()?;
    let model = load_model(&args.model)?;
    let manifest = read_manifest(&args.keys)?;
    memory::check_key_file(&args.keys.join(PROVING_KEY), budget)?;
    let pk = load_proving_key(&args.keys, manifest.as_ref())?;
    let estimate = memory::check_prove(&pk, budget)?;
    let statement = Statement::from_id(&pk.header.statement_id)
        .with_context(|| BadInput(format!("cannot use proving key in {}", args.keys.display())))?;
    pk.check_for(&model.digest, &statement.id()).with_context(|| {
        BadInput(format!("the keys in {} do not belong to model {}", args.keys.display(), args.model.display()))
    })?;
    let raw = npy::from_bytes(&read_input(&args.input, "input")?)
        .with_context(|| BadInput(format!("cannot read input {}", args.input.display())))?;

    let mut progress = ui::ProveProgress::new(args.json);
    let proved = statement::prove_infer_raw(&model, &pk, &raw, nonce, &mut OsRng, &mut progress);
    progress.finish();
    drop(pk);
    // Input problems (shape, NaN, range) are mapped to exit 2 by `crate::exit_code`.
    let proved = proved.with_context(|| format!("cannot prove on input {}", args.input.display()))?;

    let text = proved.envelope.to_json_string();
    let mut files = AtomicFiles::default();
    files.write(&args.output, text.as_bytes())?;
    files.commit()?;

    let report = &proved.report;
    let t = &report.timings;
    let nonce_text = field_to_decimal(&nonce);
    let outputs = public_outputs(&model.model, statement, &proved.envelope.public_signals);
    let dequantized = outputs.as_ref().map(|_| model.model.dequantize_output(&proved.output));
    if args.json {
        let out = JsonReport {
            proof: args.output.display().to_string(),
            model_digest: model.digest.to_hex(),
            statement: statement.id(),
            nonce: nonce_text,
            nonce_generated,
            constraints: report.shape.num_constraints,
            public_inputs: report.shape.num_public_inputs(),
            phases_ms: ProvePhase::ALL.iter().map(|&p| (p.name(), ui::millis(t.get(p)))).collect(),
            msm_total_ms: ui::millis(t.msm_total()),
            prove_ms: ui::millis(t.total),
            proof_bytes: proved.envelope.proof.encoded_len(),
            proof_json_bytes: text.len(),
            public_signals: proved.envelope.public_signals.len(),
            outputs,
            outputs_dequantized: dequantized,
            memory_estimate: EstimateJson::new(budget, &estimate, None),
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!("model {} (`{}`), statement {}", args.model.display(), model.model.meta().name, statement.id());
    println!(
        "circuit: {} constraints, {} public inputs, domain {}",
        ui::thousands(report.shape.num_constraints as u64),
        report.shape.num_public_inputs(),
        ui::thousands(report.shape.domain_size as u64)
    );
    if nonce_generated {
        println!("nonce (generated; a verifier normally supplies it with --nonce): {nonce_text}");
    } else {
        println!("nonce: {nonce_text}");
    }
    let rows: Vec<Vec<String>> =
        ProvePhase::ALL.iter().map(|&p| vec![p.name().to_string(), ui::duration(t.get(p))]).collect();
    print!("{}", ui::table(&["phase", "time"], &rows, &[false, true]));
    println!("prove time: {} (MSMs {})", ui::duration(t.total), ui::duration(t.msm_total()));
    match (&outputs, &dequantized) {
        (Some(ints), Some(deq)) => {
            println!("public output (integers): {ints:?}");
            let floats: Vec<String> = deq.iter().map(|v| format!("{v:.4}")).collect();
            println!("public output (dequantized): [{}]", floats.join(", "));
        }
        _ => println!("output: committed (not revealed)"),
    }
    println!(
        "leaves the device: the proof ({} bytes compressed, {} as JSON) and {} public signals ({}); \
         the input stays here",
        proved.envelope.proof.encoded_len(),
        ui::bytes(text.len() as u64),
        proved.envelope.public_signals.len(),
        signal_roles(statement, outputs.as_ref().map(Vec::len))
    );
    println!("wrote {}", args.output.display());
    Ok(())
}

/// What the public signals of a statement are, in order.
fn signal_roles(statement: Statement, outputs: Option<usize>) -> String {
    use zkid_circuits::statement::InputMode;
    let Statement::Infer(spec) = statement else {
        return "see the statement".into();
    };
    let mut roles = Vec::new();
    if spec.input == InputMode::Committed {
        roles.push("input commitment".to_string());
    }
    match outputs {
        Some(n) => roles.push(format!("{n} output value{}", if n == 1 { "" } else { "s" })),
        None => roles.push("output commitment".to_string()),
    }
    roles.push("nonce".to_string());
    roles.join(", ")
}
