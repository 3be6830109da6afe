//! `.npy` reading (numpy's array format) for inputs and calibration sets, and an f32 writer.
//!
//! Accepted element types: float32/64, int8/16/32/64, uint8/16 (any byte order), C order.
//! Values are converted to f32; integers above 2^24 in magnitude are refused rather than
//! silently rounded.

use crate::error::{CoreError, Result};
use crate::tensor::FTensor;
use npyz::{DType, NpyFile, TypeChar, WriterBuilder};
use std::path::Path;

/// Largest array accepted (elements).
const MAX_ELEMS: u64 = 1 << 28;

fn bad(msg: impl Into<String>) -> CoreError {
    CoreError::Npy(msg.into())
}

/// Parses `.npy` bytes into a float tensor.
pub fn from_bytes(bytes: &[u8]) -> Result<FTensor> {
    let file = NpyFile::new(bytes).map_err(|e| bad(format!("invalid header: {e}")))?;
    if file.order() == npyz::Order::Fortran {
        return Err(bad("Fortran-ordered arrays are not supported; save with np.ascontiguousarray"));
    }
    let shape: Vec<usize> = file.shape().iter().map(|&d| d as usize).collect();
    let n = file.shape().iter().try_fold(1u64, |a, &d| a.checked_mul(d)).ok_or_else(|| bad("shape overflows"))?;
    if n > MAX_ELEMS {
        return Err(bad(format!("array has {n} elements, more than the {MAX_ELEMS} accepted")));
    }
    let ts = match file.dtype() {
        DType::Plain(ts) => ts,
        other => return Err(bad(format!("unsupported dtype {}", other.descr()))),
    };
    let io = |e: std::io::Error| bad(format!("data: {e}"));
    let exact = |v: i64| {
        if v.unsigned_abs() <= 1 << 24 {
            Ok(v as f32)
        } else {
            Err(bad("integer value too large for exact f32 conversion"))
        }
    };
    let data: Vec<f32> = match (ts.type_char(), ts.size_field()) {
        (TypeChar::Float, 4) => file.into_vec::<f32>().map_err(io)?,
        (TypeChar::Float, 8) => file.into_vec::<f64>().map_err(io)?.into_iter().map(|v| v as f32).collect(),
        (TypeChar::Bool, 1) => {
            file.into_vec::<bool>().map_err(io)?.into_iter().map(|b| f32::from(u8::from(b))).collect()
        }
        (TypeChar::Uint, 1) => file.into_vec::<u8>().map_err(io)?.into_iter().map(f32::from).collect(),
        (TypeChar::Uint, 2) => file.into_vec::<u16>().map_err(io)?.into_iter().map(f32::from).collect(),
        (TypeChar::Int, 1) => file.into_vec::<i8>().map_err(io)?.into_iter().map(f32::from).collect(),
        (TypeChar::Int, 2) => file.into_vec::<i16>().map_err(io)?.into_iter().map(f32::from).collect(),
        (TypeChar::Int, 4) => {
            file.into_vec::<i32>().map_err(io)?.into_iter().map(|v| exact(v as i64)).collect::<Result<_>>()?
        }
        (TypeChar::Int, 8) => file.into_vec::<i64>().map_err(io)?.into_iter().map(exact).collect::<Result<_>>()?,
        _ => return Err(bad(format!("unsupported dtype {ts}; use bool, float32, float64 or a small integer type"))),
    };
    if data.len() as u64 != n {
        return Err(bad(format!("file holds {} values, its header announces {n}", data.len())));
    }
    FTensor::new(shape, data)
}

/// Reads a `.npy` file.
pub fn load(path: &Path) -> Result<FTensor> {
    let bytes = std::fs::read(path).map_err(|source| CoreError::Io { path: path.to_path_buf(), source })?;
    from_bytes(&bytes).map_err(|e| match e {
        CoreError::Npy(m) => CoreError::Npy(format!("{}: {m}", path.display())),
        other => other,
    })
}

/// Encodes a float tensor as `.npy` (little-endian float32, C order).
pub fn to_bytes(t: &FTensor) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let shape: Vec<u64> = t.shape().iter().map(|&d| d as u64).collect();
    let mut w = npyz::WriteOptions::<f32>::new()
        .default_dtype()
        .shape(&shape)
        .writer(&mut out)
        .begin_nd()
        .map_err(|e| bad(e.to_string()))?;
    w.extend(t.data().iter().copied()).map_err(|e| bad(e.to_string()))?;
    w.finish().map_err(|e| bad(e.to_string()))?;
    Ok(out)
}

/// Splits a batch `[N, ...]` into `N` tensors of shape `sample_shape` (whose first dim is
/// the batch of 1), or returns the tensor itself when it already has `sample_shape`.
pub fn split_batch(t: FTensor, sample_shape: &[usize]) -> Result<Vec<FTensor>> {
    if t.shape() == sample_shape {
        return Ok(vec![t]);
    }
    let ok = t.shape().len() == sample_shape.len() && t.shape()[1..] == sample_shape[1..] && t.shape()[0] > 0;
    if !ok {
        let mut expected = sample_shape.to_vec();
        if let Some(d) = expected.first_mut() {
            *d = 0; // "N"
        }
        return Err(CoreError::InputShape { expected, got: t.shape().to_vec() });
    }
    let per: usize = sample_shape.iter().product();
    let data = t.into_data();
    data.chunks(per).map(|c| FTensor::new(sample_shape.to_vec(), c.to_vec())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_f32() {
        let t = FTensor::new(vec![2, 3], vec![1.0, -2.5, 3.0, 0.0, 5.5, 6.0]).unwrap();
        let b = to_bytes(&t).unwrap();
        assert_eq!(from_bytes(&b).unwrap(), t);
    }

    #[test]
    fn malformed_inputs_are_errors() {
        assert!(matches!(from_bytes(b""), Err(CoreError::Npy(_))));
        assert!(matches!(from_bytes(b"\x93NUMPY\x01\x00garbage"), Err(CoreError::Npy(_))));
        let t = FTensor::new(vec![4], vec![1.0; 4]).unwrap();
        let b = to_bytes(&t).unwrap();
        // truncated data section
        assert!(from_bytes(&b[..b.len() - 3]).is_err());
        // every truncation point is an error, never a panic
        for cut in 0..b.len() {
            assert!(from_bytes(&b[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn split_batches() {
        let t = FTensor::new(vec![3, 2], vec![0.0; 6]).unwrap();
        assert_eq!(split_batch(t.clone(), &[1, 2]).unwrap().len(), 3);
        assert!(split_batch(t, &[1, 3]).is_err());
    }
}
