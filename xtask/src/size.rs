//! Size report: stripped library size per target, wasm raw and gzipped, biggest dependencies.

use crate::Ctx;

/// `cargo xtask size`.
pub fn report(_ctx: &Ctx) -> Result<(), String> {
    Err("the size report is not written yet".into())
}
