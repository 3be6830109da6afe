//! One module per subcommand; each exposes `Args` (clap) and `run`.

pub mod attest;
pub mod audit;
pub mod bench;
pub mod compile;
pub mod demo;
pub mod demo_iris;
pub mod export;
#[cfg(feature = "interop")]
pub mod export_r1cs;
pub mod export_snarkjs;
pub mod export_solidity;
pub mod export_wtns;
#[cfg(feature = "interop")]
pub mod export_zkey;
pub mod identity;
#[cfg(feature = "interop")]
pub mod import_zkey;
pub mod infer;
pub mod keydir;
pub mod memory;
pub mod prove;
pub mod setup;
pub mod verify;
#[cfg(not(feature = "interop"))]
pub mod without_interop;
// Built without circom/snarkjs interop, these commands only say so (`without_interop`).
#[cfg(not(feature = "interop"))]
pub use without_interop as export_r1cs;
#[cfg(not(feature = "interop"))]
pub use without_interop as import_zkey;
#[cfg(not(feature = "interop"))]
pub use without_interop as export_zkey;

use crate::BadInput;
use anyhow::{Context, Result};
use std::path::Path;

/// Reads a whole file, marking failure as unusable input.
pub fn read_input(path: &Path, what: &str) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| BadInput(format!("cannot read {what} {}", path.display())))?;
    if bytes.is_empty() {
        return Err(anyhow::anyhow!("the file is empty"))
            .context(BadInput(format!("cannot use {what} {}", path.display())));
    }
    Ok(bytes)
}

/// Index of the largest value (first one on ties).
pub fn argmax(v: &[f64]) -> usize {
    v.iter().enumerate().fold((0, f64::NEG_INFINITY), |(bi, bv), (i, &x)| if x > bv { (i, x) } else { (bi, bv) }).0
}
