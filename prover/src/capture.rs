//! Captures from plain buffers: what the bindings (FFI, wasm) hand the prover.
//!
//! A phone or a browser holds pixels in a byte buffer, not an `.npy` file. [`Capture`] names
//! the two shapes a zkid model takes and [`LoadedModel::quantize_capture`] turns them into the
//! model's quantized input, with a typed error that says what size was expected.

use zeroize::Zeroizing;
use zkid_core::{FTensor, QTensor, iris};

use crate::error::{ProverError, Result};
use crate::statement::LoadedModel;

/// One capture, borrowed from the caller's buffers. Never logged: errors about it name
/// sizes and positions, never values.
#[derive(Clone, Copy)]
pub enum Capture<'a> {
    /// A normalized iris image for an iris-code model: `rows × cols` pixel values, row-major,
    /// and the noise mask of the same size (non-zero = iris pixel, 0 = occluded).
    Iris {
        /// Pixel values.
        image: &'a [u8],
        /// Validity of each pixel.
        mask: &'a [u8],
    },
    /// The raw input of any other model (e.g. a face crop), as floats in the layout the
    /// model's preprocessing expects (row-major, the model's raw input shape).
    Raw(&'a [f32]),
}

impl std::fmt::Debug for Capture<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Capture::Iris { image, .. } => write!(f, "Capture::Iris({} pixels, redacted)", image.len()),
            Capture::Raw(values) => write!(f, "Capture::Raw({} values, redacted)", values.len()),
        }
    }
}

/// A capture copied out of a caller's buffers (FFI, JavaScript), wiped on drop: what the
/// bindings hold while a proof runs. [`OwnedCapture::as_capture`] lends it to the prover.
pub enum OwnedCapture {
    /// An iris image and its mask (see [`Capture::Iris`]).
    Iris {
        /// Pixel values.
        image: Zeroizing<Vec<u8>>,
        /// Validity of each pixel.
        mask: Zeroizing<Vec<u8>>,
    },
    /// A raw model input (see [`Capture::Raw`]).
    Raw(Zeroizing<Vec<f32>>),
}

impl OwnedCapture {
    /// Takes ownership of an iris image and its mask.
    pub fn iris(image: Vec<u8>, mask: Vec<u8>) -> Self {
        OwnedCapture::Iris { image: Zeroizing::new(image), mask: Zeroizing::new(mask) }
    }

    /// Takes ownership of raw input values.
    pub fn raw(values: Vec<f32>) -> Self {
        OwnedCapture::Raw(Zeroizing::new(values))
    }

    /// The borrowed view the prover takes.
    pub fn as_capture(&self) -> Capture<'_> {
        match self {
            OwnedCapture::Iris { image, mask } => Capture::Iris { image, mask },
            OwnedCapture::Raw(values) => Capture::Raw(values),
        }
    }
}

impl std::fmt::Debug for OwnedCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_capture().fmt(f)
    }
}

impl LoadedModel {
    /// Whether this is an iris-code model (takes [`Capture::Iris`]).
    pub fn is_iris(&self) -> bool {
        iris::filter_bank(&self.model).is_some()
    }

    /// The number of values a capture holds: pixels for an iris model (image and mask each),
    /// raw input values otherwise.
    pub fn capture_len(&self) -> usize {
        match iris::filter_bank(&self.model) {
            Some(bank) => bank.image.iter().product(),
            None => self.raw_input_shape().iter().product(),
        }
    }

    fn raw_input_shape(&self) -> Vec<usize> {
        self.model.preprocess().raw_shape(self.model.input_shape())
    }

    /// The model's quantized input for `capture`; a capture of the wrong kind or size is an
    /// [`ProverError::InvalidInput`] naming the expected size, a pixel or value out of range a
    /// [`ProverError::Model`] naming its index.
    pub fn quantize_capture(&self, capture: Capture<'_>) -> Result<QTensor> {
        let want = self.capture_len();
        let check = |what: &str, got: usize| {
            if got == want {
                Ok(())
            } else {
                Err(ProverError::InvalidInput(format!("the {what} has {got} values, this model takes {want}")))
            }
        };
        match (iris::filter_bank(&self.model), capture) {
            (Some(bank), Capture::Iris { image, mask }) => {
                check("iris image", image.len())?;
                check("iris mask", mask.len())?;
                let shape = bank.image.to_vec();
                let floats = |v: &[u8]| v.iter().map(|&x| f32::from(x)).collect::<Vec<_>>();
                let image = FTensor::new(shape.clone(), floats(image))?;
                let mask = FTensor::new(shape, floats(mask))?;
                Ok(iris::input(&self.model, &image, &mask)?)
            }
            (None, Capture::Raw(values)) => {
                check("input", values.len())?;
                if let Some(index) = values.iter().position(|v| !v.is_finite()) {
                    return Err(zkid_core::CoreError::NonFiniteInput { index }.into());
                }
                let raw = FTensor::new(self.raw_input_shape(), values.to_vec())?;
                Ok(self.model.quantize_input(&raw)?)
            }
            (Some(_), Capture::Raw(_)) => {
                Err(ProverError::InvalidInput("this is an iris-code model: pass an iris image and its mask".into()))
            }
            (None, Capture::Iris { .. }) => Err(ProverError::InvalidInput(
                "this model is not an iris-code model: pass its raw input values, not an iris image".into(),
            )),
        }
    }
}
