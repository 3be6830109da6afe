//! zkid-prover
