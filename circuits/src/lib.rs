//! # zkid-circuits
//!
//! R1CS gadgets over `ark-relations` and the statement circuits built from a compiled
//! [`zkid_core::QModel`]. The witness comes from zkid-core's recorded inference
//! ([`zkid_core::Trace`]); weights are circuit constants, so linear layers cost no
//! constraints (see [`wire`]).

pub mod audit;
pub mod field;
pub mod gadgets;
pub mod iris;
pub mod lookup;
pub mod model;
pub mod poseidon;
pub mod r1cs;
pub mod r1cs_file;
pub mod rows;
pub mod statement;
pub mod synthetic;
pub mod wire;

pub use field::Fr;
pub use wire::{SynResult, Wire};
