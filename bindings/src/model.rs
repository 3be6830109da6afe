//! The loaded model and the capture a proof is made from.

use std::path::Path;

use zkid_prover::{LoadedModel, OwnedCapture};

use crate::error::{ZkidError, guard};

/// A compiled zkid model (`.zkm`), checked and loaded once; share it between provers,
/// verifiers and sealing calls. Immutable and thread-safe.
#[derive(uniffi::Object)]
pub struct ZkidModel {
    pub(crate) inner: LoadedModel,
}

#[uniffi::export]
impl ZkidModel {
    /// Loads a model from its `.zkm` bytes (checksum and structure are checked): the primary
    /// constructor, for models shipped as app assets.
    #[uniffi::constructor]
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ZkidError> {
        guard("ZkidModel.from_bytes", || Ok(Self { inner: LoadedModel::from_bytes(&bytes)? }))
    }

    /// Loads a model from a `.zkm` file.
    #[uniffi::constructor]
    pub fn from_path(path: String) -> Result<Self, ZkidError> {
        guard("ZkidModel.from_path", || Ok(Self { inner: LoadedModel::load(Path::new(&path))? }))
    }

    /// The model's identity: SHA-256 of its `.zkm` encoding, lower-case hex. Keys and proofs
    /// name the model by this digest.
    pub fn digest(&self) -> String {
        self.inner.digest.to_hex()
    }

    /// The human-readable name recorded in the model.
    pub fn name(&self) -> String {
        self.inner.model.meta().name.clone()
    }

    /// Whether this is an iris-code model (takes [`Capture::Iris`]; otherwise [`Capture::Raw`]).
    pub fn is_iris(&self) -> bool {
        self.inner.is_iris()
    }

    /// How many values a capture holds: pixels of the image (and of the mask) for an iris
    /// model, raw input values otherwise.
    pub fn capture_len(&self) -> u64 {
        self.inner.capture_len() as u64
    }
}

/// One capture, in the caller's buffers. The bindings copy it across the boundary; the Rust
/// copies are zeroized when the call returns (the caller wipes its own).
#[derive(uniffi::Enum)]
pub enum Capture {
    /// A normalized iris image for an iris-code model: `capture_len()` pixel values,
    /// row-major, and the noise mask of the same size (non-zero = iris pixel, 0 = occluded).
    Iris {
        /// Pixel values.
        image: Vec<u8>,
        /// Validity of each pixel.
        mask: Vec<u8>,
    },
    /// The raw input of any other model, as floats in the layout its preprocessing expects.
    Raw {
        /// `capture_len()` values, row-major.
        values: Vec<f32>,
    },
}

impl From<Capture> for OwnedCapture {
    fn from(c: Capture) -> Self {
        match c {
            Capture::Iris { image, mask } => OwnedCapture::iris(image, mask),
            Capture::Raw { values } => OwnedCapture::raw(values),
        }
    }
}
