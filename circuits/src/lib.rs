//! zkid-circuits
