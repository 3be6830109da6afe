//! Index maps: transpose and concat (reshape needs no parameters).

use crate::tensor::strides;
use serde::{Deserialize, Serialize};

/// Axis permutation: output axis `i` is input axis `perm[i]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transpose {
    /// The permutation.
    pub perm: Vec<usize>,
}

impl Transpose {
    /// For every output element (row-major), the flat index of the input element it copies.
    pub fn source_indices(&self, in_shape: &[usize]) -> Vec<usize> {
        let out_shape: Vec<usize> = self.perm.iter().map(|&p| in_shape[p]).collect();
        let in_strides = strides(in_shape);
        let n: usize = out_shape.iter().product();
        let mut idx = vec![0usize; out_shape.len()];
        let mut src = Vec::with_capacity(n);
        for _ in 0..n {
            src.push(idx.iter().zip(&self.perm).map(|(i, &p)| i * in_strides[p]).sum());
            for a in (0..idx.len()).rev() {
                idx[a] += 1;
                if idx[a] < out_shape[a] {
                    break;
                }
                idx[a] = 0;
            }
        }
        src
    }
}

/// Concatenation along `axis`; all inputs share the output's quantization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concat {
    /// Axis to concatenate along.
    pub axis: usize,
}

impl Concat {
    /// Concatenates flat row-major inputs of the given shapes.
    pub fn apply<T: Clone>(&self, inputs: &[(&[usize], &[T])]) -> Vec<T> {
        let outer: usize = inputs.first().map(|(s, _)| s[..self.axis].iter().product()).unwrap_or(1);
        let mut out = Vec::with_capacity(inputs.iter().map(|(_, d)| d.len()).sum());
        for o in 0..outer {
            for (shape, data) in inputs {
                let chunk: usize = shape[self.axis..].iter().product();
                out.extend_from_slice(&data[o * chunk..(o + 1) * chunk]);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_2d() {
        let t = Transpose { perm: vec![1, 0] };
        // [[0,1,2],[3,4,5]] -> [[0,3],[1,4],[2,5]]
        assert_eq!(t.source_indices(&[2, 3]), vec![0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn concat_axis1() {
        let c = Concat { axis: 1 };
        let a = [1, 2, 3, 4]; // [2,2]
        let b = [9, 8]; // [2,1]
        assert_eq!(c.apply(&[(&[2, 2], &a), (&[2, 1], &b)]), vec![1, 2, 9, 3, 4, 8]);
    }
}
