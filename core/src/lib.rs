//! # zkid-core
//!
//! The integer half of zkid: a quantized model IR ([`QModel`]), its exact integer
//! inference (which doubles as the witness generator for the circuits), quantization of
//! float models, the `.zkm` file format, `.npy` input and, behind the `onnx` feature, ONNX
//! import and float reference inference through tract. No arkworks here: the circuits
//! crate turns a `QModel` and a [`Trace`] into constraints.
//!
//! ## Integer semantics (what the circuit proves, bit for bit)
//!
//! * Every tensor has a scale and an integer range `[lo, hi]`; zero points are 0
//!   ([`quant::QuantParams`]). Activations default to 8 bits, weights to 8 bits symmetric
//!   per output channel, biases are integers at the accumulator scale.
//! * Linear operators (conv, gemm, add, affine, average pool, PReLU) compute an exact i64
//!   accumulator with **checked** arithmetic: overflow is [`CoreError::Overflow`], never a
//!   wrap.
//! * Requantization ([`quant::requant`]):
//!   `t = acc*M + 2^(s-1)` (no rounding term when `s = 0`), `q_u = floor(t / 2^s)`,
//!   `r = t - q_u*2^s ∈ [0, 2^s)`, `q = clamp(q_u, lo, hi)`. This rounds half toward +∞
//!   and saturates; fused ReLU/Clip are the clamp bounds of the output tensor.
//! * Sign stages output `sign(acc) ∈ {-1, 0, 1}` with no rounding.
//! * Max pooling picks the largest input in the window (padding ignored); reshape,
//!   transpose and concat move values without arithmetic.
//! * Input preprocessing (raw float → quantized input) rounds half away from zero and
//!   clamps; it runs on the device before proving and is not constrained.

pub mod error;
pub mod fidelity;
pub mod float;
pub mod format;
pub mod infer;
pub mod iris;
pub mod model;
#[cfg(feature = "onnx")]
pub mod onnx;
pub mod quant;
pub mod report;
pub mod tensor;

pub use error::{CoreError, Result, ZkmError};
pub use format::npy;
pub use format::zkm::{self, ModelDigest};
pub use infer::{NodeTrace, Trace};
pub use model::{QModel, TensorId};
pub use tensor::{FTensor, QTensor};
