//! Stand-in for the commands that need circom/snarkjs interop (`export r1cs`, `import-zkey`)
//! in a `zkid` built without the `interop` feature (`--no-default-features`, e.g. the aarch64
//! benchmark build, which leaves out ark-circom and its wasmer/cranelift tree). The command
//! stays in `--help`; running it says how to get it instead of "unrecognized subcommand".

use crate::BadInput;
use std::ffi::OsString;

/// Whatever was passed: the command refuses to run in this build.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(hide = true, num_args = 0.., trailing_var_arg = true, allow_hyphen_values = true)]
    rest: Vec<OsString>,
}

/// Fails: this build has no circom/snarkjs interop (exit 2, like any unusable request).
pub fn run(_: &Args) -> anyhow::Result<()> {
    Err(anyhow::anyhow!(BadInput(
        "zkid was built without the `interop` feature (circom .r1cs export, snarkjs .zkey import); \
         rebuild with `--features interop` (on by default)"
            .into()
    )))
}
