//! `zkid audit`: checks a statement's constraint system for under-constrained values.
//!
//! Exit 0 when clean, 1 with the findings otherwise, 2 for unusable input.

use super::identity::{CaptureArgs, load_capture};
use super::keydir::{StatementArgs, load_model};
use crate::ui;
use anyhow::{Result, anyhow};
use std::path::PathBuf;
use std::time::Instant;
use zkid_core::QTensor;
use zkid_prover::OsRng;
use zkid_prover::audit::audit_statement;

/// Arguments of `zkid audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compiled model.
    pub model: PathBuf,
    #[command(flatten)]
    pub statement: StatementArgs,
    /// Input to build the witness from (`.npy`; with `--mask` for iris-code models).
    /// Default: a random valid input (seeded, reproducible).
    #[arg(long, value_name = "X.npy")]
    pub image: Option<PathBuf>,
    /// Noise mask for `--image` on iris-code models.
    #[arg(long, value_name = "MASK.npy", requires = "image")]
    pub mask: Option<PathBuf>,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

/// A reproducible random input inside the model's input range (all pixels valid for
/// iris-code models, whose range holds the valid bit as 256).
fn random_input(model: &zkid_core::QModel) -> Result<QTensor> {
    let t = model.tensor(model.input());
    let iris = zkid_core::iris::filter_bank(model).is_some();
    let (lo, span) = if iris { (256, 256) } else { (t.quant.lo, (t.quant.hi - t.quant.lo + 1) as u64) };
    // splitmix64: a fixed, well-spread sequence (the audit needs variety, not secrecy).
    let mut state = 0x5eed_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let n: usize = t.shape.iter().product();
    let data = (0..n).map(|_| lo + (next() % span) as i64).collect();
    Ok(QTensor::new(t.shape.clone(), data)?)
}

/// Runs `zkid audit`.
pub fn run(args: &Args) -> Result<()> {
    let model = load_model(&args.model)?;
    let statement = args.statement.statement();
    let input = match &args.image {
        Some(image) => load_capture(&model, &CaptureArgs { image: image.clone(), mask: args.mask.clone() })?,
        None => random_input(&model.model)?,
    };
    let bar = ui::spinner(&format!("auditing {}", statement.id()), args.json);
    let start = Instant::now();
    let report = audit_statement(&model, statement, &input, &mut OsRng);
    bar.finish_and_clear();
    let report = report?;
    let elapsed = start.elapsed();
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{}: {} constraints, {} public inputs, {} witnesses checked in {}",
            statement.id(),
            ui::thousands(report.constraints as u64),
            report.public_inputs,
            ui::thousands(report.witnesses as u64),
            ui::duration(elapsed)
        );
        println!("honest witness satisfies the system: {}", if report.satisfied { "yes" } else { "NO" });
        println!("witnesses no constraint touches: {}", report.untouched_witnesses.len());
        println!("public inputs no constraint binds: {}", report.unbound_inputs.len());
        println!("witnesses that can change alone: {}", report.free_witnesses.len());
    }
    if report.is_clean() {
        if !args.json {
            println!("clean");
        }
        Ok(())
    } else {
        Err(anyhow!(
            "audit findings in {}: honest witness unsatisfied: {}, {} untouched, {} unbound, {} free (first columns: {:?})",
            statement.id(),
            !report.satisfied,
            report.untouched_witnesses.len(),
            report.unbound_inputs.len(),
            report.free_witnesses.len(),
            report
                .free_witnesses
                .iter()
                .chain(&report.untouched_witnesses)
                .chain(&report.unbound_inputs)
                .take(10)
                .collect::<Vec<_>>()
        ))
    }
}
