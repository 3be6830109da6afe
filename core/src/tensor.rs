//! Dense row-major tensors: quantized (`QTensor`, i64) and float (`FTensor`, f32).

use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};

/// Number of elements of a shape.
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// Number of elements of a shape, or `None` when the product overflows `usize`: for shapes
/// read from a file, where [`numel`] would wrap (release) or panic (debug).
pub fn checked_numel(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
}

/// Row-major strides of a shape.
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

macro_rules! dense_tensor {
    ($(#[$doc:meta])* $name:ident, $elem:ty) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            shape: Vec<usize>,
            data: Vec<$elem>,
        }

        impl $name {
            /// Builds a tensor; fails when `data.len()` does not match the shape.
            pub fn new(shape: Vec<usize>, data: Vec<$elem>) -> Result<Self> {
                if numel(&shape) != data.len() {
                    return Err(CoreError::InputShape { expected: shape, got: vec![data.len()] });
                }
                Ok(Self { shape, data })
            }
            /// A tensor of zeros.
            pub fn zeros(shape: Vec<usize>) -> Self {
                let data = vec![<$elem>::default(); numel(&shape)];
                Self { shape, data }
            }
            /// The shape.
            pub fn shape(&self) -> &[usize] {
                &self.shape
            }
            /// The elements, row-major.
            pub fn data(&self) -> &[$elem] {
                &self.data
            }
            /// Mutable elements, row-major (the shape cannot change).
            pub fn data_mut(&mut self) -> &mut [$elem] {
                &mut self.data
            }
            /// Consumes the tensor, returning its elements.
            pub fn into_data(self) -> Vec<$elem> {
                self.data
            }
            /// Same data under another shape with the same element count.
            pub fn reshaped(self, shape: Vec<usize>) -> Result<Self> {
                Self::new(shape, self.data)
            }
        }

        // Tensors may hold private biometric data: Debug shows the shape only.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "(shape={:?}, {} values redacted)"), self.shape, self.data.len())
            }
        }
    };
}

dense_tensor!(
    /// A quantized tensor: integers whose real value is `q * scale` for the scale of the
    /// model tensor it belongs to.
    QTensor,
    i64
);
dense_tensor!(
    /// A float tensor (model inputs before quantization, float reference outputs).
    FTensor,
    f32
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strides_are_row_major() {
        assert_eq!(strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert_eq!(strides(&[]), Vec::<usize>::new());
    }

    #[test]
    fn new_rejects_wrong_length() {
        assert!(QTensor::new(vec![2, 2], vec![1, 2, 3]).is_err());
        assert!(FTensor::new(vec![2, 2], vec![0.0; 4]).is_ok());
    }

    #[test]
    fn debug_redacts_values() {
        let t = QTensor::new(vec![1, 3], vec![11, 22, 33]).unwrap();
        let s = format!("{t:?}");
        assert!(!s.contains("22"), "{s}");
        assert!(s.contains("[1, 3]"));
    }
}
