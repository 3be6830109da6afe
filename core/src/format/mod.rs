//! File formats: `.zkm` (compiled models) and `.npy` (inputs, calibration sets).

pub mod npy;
pub mod zkm;
