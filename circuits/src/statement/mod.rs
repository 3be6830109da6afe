//! Statement circuits: what a proof says, built from a compiled model.

pub mod commit;
pub mod infer;
pub mod matching;

pub use infer::{InferCircuit, InferPublic, InferSpec, InferWitness, InputMode, OutputMode};
pub use matching::{MatchCircuit, MatchPublic, MatchSpec, MatchWitness};
