//! `zkid export`: artifacts for the rest of the Groth16/BN254 ecosystem — snarkjs JSON, a
//! Solidity verifier, circom's `.r1cs` for a ceremony.

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
}

/// Runs `zkid export`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    match &args.what {
        What::Snarkjs(a) => super::export_snarkjs::run(a),
        What::Solidity(a) => super::export_solidity::run(a),
        What::R1cs(a) => super::export_r1cs::run(a),
    }
}
