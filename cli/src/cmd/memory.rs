//! `--memory-budget`: how much memory a command that sets up or proves may use, checked
//! up front against zkid-prover's estimate (`zkid_prover::budget`).
//!
//! The budget comes from `--memory-budget SIZE`, else the `ZKID_MEMORY_BUDGET` environment
//! variable, else the machine's physical memory (`MemTotal` in `/proc/meminfo`; 2 GiB, the
//! phone default of the bindings, where that cannot be read).

use crate::BadInput;
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::path::Path;
use zkid_prover::budget::{self, CircuitSize, MemoryEstimate};
use zkid_prover::statement::{LoadedModel, RangeMode, Statement};
use zkid_prover::{MemoryBudget, ProvingKeyFile};

/// Environment variable read when `--memory-budget` is not given.
pub const ENV: &str = "ZKID_MEMORY_BUDGET";

/// The `--memory-budget` flag.
#[derive(Debug, Clone, clap::Args)]
pub struct MemoryArgs {
    /// Refuse to start when the estimated peak memory is over SIZE (e.g. 512MiB, 2GiB,
    /// unlimited). Default: $ZKID_MEMORY_BUDGET, else the machine's physical memory.
    #[arg(long, value_name = "SIZE")]
    pub memory_budget: Option<String>,
}

impl MemoryArgs {
    /// The budget in force.
    pub fn budget(&self) -> Result<MemoryBudget> {
        if let Some(text) = &self.memory_budget {
            return MemoryBudget::parse(text).map_err(|e| anyhow!(BadInput(format!("--memory-budget: {e}"))));
        }
        match std::env::var(ENV) {
            Ok(text) => MemoryBudget::parse(&text).map_err(|e| anyhow!(BadInput(format!("{ENV}: {e}")))),
            Err(std::env::VarError::NotUnicode(_)) => Err(anyhow!(BadInput(format!("{ENV} is not UTF-8")))),
            Err(std::env::VarError::NotPresent) => Ok(physical_memory().unwrap_or(MemoryBudget::DEFAULT)),
        }
    }
}

/// Total physical memory, where the OS tells it (Linux).
fn physical_memory() -> Option<MemoryBudget> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 =
        text.lines().find_map(|l| l.strip_prefix("MemTotal:"))?.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(MemoryBudget::from_bytes(kib.checked_mul(1024)?))
}

/// What `--json` reports print about the estimate.
#[derive(Debug, Clone, Serialize)]
pub struct EstimateJson {
    /// The budget checked against, bytes (`null`: unlimited).
    pub budget_bytes: Option<u64>,
    /// Estimated peak memory of proving with the keys, bytes.
    pub prove_peak_bytes: u64,
    /// The proving phase that sets the peak.
    pub prove_peak_phase: &'static str,
    /// Estimated peak memory of the setup, bytes (`setup` only).
    pub setup_peak_bytes: Option<u64>,
    /// The setup phase that sets the peak (`setup` only).
    pub setup_peak_phase: Option<&'static str>,
    /// Linear-combination terms of the constraint system (`setup` only: counted by its
    /// key-generation synthesis).
    pub circuit_terms: Option<u64>,
}

impl EstimateJson {
    /// The report of a prove estimate (and a setup estimate, for `setup`).
    pub fn new(budget: MemoryBudget, prove: &MemoryEstimate, setup: Option<&MemoryEstimate>) -> Self {
        Self {
            budget_bytes: (budget != MemoryBudget::UNLIMITED).then_some(budget.bytes()),
            prove_peak_bytes: prove.peak,
            prove_peak_phase: prove.peak_phase(),
            setup_peak_bytes: setup.map(|s| s.peak),
            setup_peak_phase: setup.map(MemoryEstimate::peak_phase),
            circuit_terms: setup.map(|s| s.size.terms),
        }
    }
}

/// Refuses a setup of `statement` over `model` that would not fit `budget` (before anything
/// is written); returns the exact circuit size and both estimates.
pub fn check_setup(
    model: &LoadedModel,
    statement: Statement,
    mode: RangeMode,
    budget: MemoryBudget,
) -> Result<(CircuitSize, MemoryEstimate, MemoryEstimate)> {
    let size = budget::check_setup(model, statement, mode, budget).context("refusing to set up")?;
    Ok((size, budget::setup_estimate(&size), budget::prove_estimate(&size)))
}

/// Refuses a proving key file too large to load within `budget`, before reading it.
pub fn check_key_file(path: &Path, budget: MemoryBudget) -> Result<()> {
    // An unreadable file is reported by the load that follows, with its own message.
    let Ok(meta) = std::fs::metadata(path) else { return Ok(()) };
    budget
        .check_bytes("loading the proving key", budget::key_stream_estimate(meta.len()))
        .with_context(|| format!("refusing to load proving key {}", path.display()))
}

/// Refuses proving with `pk` when the estimate is over `budget`.
pub fn check_prove(pk: &ProvingKeyFile, budget: MemoryBudget) -> Result<MemoryEstimate> {
    budget::check_prove(&pk.key, budget).context("refusing to prove")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_wins_and_bad_values_are_bad_input() {
        let args = MemoryArgs { memory_budget: Some("512MiB".into()) };
        assert_eq!(args.budget().unwrap(), MemoryBudget::from_bytes(512 << 20));
        let e = MemoryArgs { memory_budget: Some("lots".into()) }.budget().unwrap_err();
        assert!(e.downcast_ref::<BadInput>().is_some(), "{e:#}");
        assert!(format!("{e:#}").contains("--memory-budget"), "{e:#}");
    }

    #[test]
    fn physical_memory_is_read_on_linux() {
        if Path::new("/proc/meminfo").exists() {
            assert!(physical_memory().unwrap().bytes() > 64 << 20);
        }
    }
}
