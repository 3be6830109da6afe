//! `zkid export`: artifacts for the rest of the Groth16/BN254 ecosystem — snarkjs JSON, a
//! Solidity verifier, circom's `.r1cs` for a ceremony, snarkjs `.zkey` and `.wtns` to prove
//! zkid's circuits with snarkjs.

/// Arguments of `zkid export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to export.
    #[command(subcommand)]
    pub what: What,
}

/// The export targets.
#[derive(Debug, clap::Subcommand)]
pub enum What {
    /// `verification_key.json`, `proof.json`, `public.json` exactly as snarkjs expects.
    Snarkjs(super::export_snarkjs::Args),
    /// A Solidity verifier contract for the keys' statement.
    Solidity(super::export_solidity::Args),
    /// The statement's constraint system in circom's `.r1cs` binary format.
    R1cs(super::export_r1cs::Args),
    /// A keys directory's proving key as a snarkjs Groth16 `.zkey` (for `snarkjs groth16 prove`).
    Zkey(super::export_zkey::Args),
    /// A statement's full witness on an input as circom's `.wtns` (for `snarkjs groth16 prove`).
    Wtns(super::export_wtns::Args),
}

/// Runs `zkid export`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    match &args.what {
        What::Snarkjs(a) => super::export_snarkjs::run(a),
        What::Solidity(a) => super::export_solidity::run(a),
        What::R1cs(a) => super::export_r1cs::run(a),
        What::Zkey(a) => super::export_zkey::run(a),
        What::Wtns(a) => super::export_wtns::run(a),
    }
}
