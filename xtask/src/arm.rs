//! aarch64-unknown-linux-gnu: cross build with Debian's gcc cross toolchain, tests and a
//! small benchmark under qemu-user.

use crate::Ctx;

/// CI step: core and prover tests under qemu.
pub fn test(_ctx: &Ctx) -> Result<(), String> {
    Err("the aarch64 tests are not written yet".into())
}

/// `cargo xtask arm`: the CI step plus a small benchmark.
pub fn run(_ctx: &Ctx) -> Result<(), String> {
    Err("the aarch64 run is not written yet".into())
}
