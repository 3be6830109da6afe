//! Quantization: parameters, the requantization rule, calibration and float→integer
//! conversion of a model.

pub mod calibrate;
pub mod params;
pub mod quantize;
pub mod requant;

pub use calibrate::{Calibrator, Range};
pub use params::{CalibrationMode, QuantConfig, QuantParams};
pub use quantize::quantize;
pub use requant::{Clamp, Multiplier, Requant, RequantStep};
