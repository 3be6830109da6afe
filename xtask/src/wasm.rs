//! The wasm package: `zkid-wasm` built for wasm32-unknown-unknown, bound with wasm-bindgen,
//! tested in Node and headless Chromium.

use crate::Ctx;

/// CI step: builds the package (ci profile) and runs the Node and Chromium tests.
pub fn test(_ctx: &Ctx) -> Result<(), String> {
    Err("wasm tests are not written yet".into())
}

/// `cargo xtask wasm`: the release npm package in `wasm/pkg`.
pub fn package(_ctx: &Ctx) -> Result<(), String> {
    Err("the wasm package build is not written yet".into())
}
