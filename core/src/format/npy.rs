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
/// Longest header accepted, in bytes: numpy's own default limit (`max_header_size`).
const MAX_HEADER: usize = 10_000;
/// Deepest bracket nesting accepted in the header. A plain array's header is a dict holding
/// one tuple (`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`): depth 2.
const MAX_HEADER_NESTING: usize = 2;

fn bad(msg: impl Into<String>) -> CoreError {
    CoreError::Npy(msg.into())
}

/// Refuses headers npyz's Python-literal parser must never see: it backtracks
/// exponentially in the nesting depth (30 unclosed `[` took minutes), and numpy itself
/// refuses headers over [`MAX_HEADER`] bytes. Anything else malformed is left to npyz.
fn check_header(bytes: &[u8]) -> Result<()> {
    let (len, at) = match (bytes.get(..6), bytes.get(6)) {
        (Some(b"\x93NUMPY"), Some(1)) => (bytes.get(8..10).map(|b| usize::from(u16::from_le_bytes([b[0], b[1]]))), 10),
        (Some(b"\x93NUMPY"), Some(2 | 3)) => {
            (bytes.get(8..12).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize), 12)
        }
        _ => return Ok(()),
    };
    let Some(len) = len else { return Ok(()) };
    if len > MAX_HEADER {
        return Err(bad(format!("header of {len} bytes, more than the {MAX_HEADER} accepted")));
    }
    let text = &bytes[at.min(bytes.len())..(at + len).min(bytes.len())];
    let mut depth = 0usize;
    for &c in text {
        match c {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_HEADER_NESTING {
                    return Err(bad("header nests brackets deeper than a plain array's header does"));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parses `.npy` bytes into a float tensor.
pub fn from_bytes(bytes: &[u8]) -> Result<FTensor> {
    check_header(bytes)?;
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

    /// A v1 `.npy` file with `header` as its header text.
    fn with_header(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    /// Found by the `npy` fuzz target: 30 unclosed `[` in the shape kept npyz's parser
    /// (exponential backtracking) busy for minutes on a 317-byte file.
    #[test]
    fn npy_header_with_deeply_nested_brackets_is_refused_at_once() {
        let nested = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, {}8, 8), }}\n", "[".repeat(30));
        let start = std::time::Instant::now();
        let err = from_bytes(&with_header(&nested, &[0; 16])).unwrap_err();
        assert!(err.to_string().contains("nests brackets"), "{err}");
        assert!(start.elapsed().as_secs() < 1, "took {:?}", start.elapsed());
        // The limit leaves real headers alone.
        let plain = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }\n";
        assert_eq!(from_bytes(&with_header(plain, &[0; 8])).unwrap().shape(), &[2, 1]);
        // numpy's header size limit.
        let long = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }}{}\n", " ".repeat(10_000));
        assert!(from_bytes(&with_header(&long, &[0; 4])).unwrap_err().to_string().contains("header of"));
    }

    #[test]
    fn split_batches() {
        let t = FTensor::new(vec![3, 2], vec![0.0; 6]).unwrap();
        assert_eq!(split_batch(t.clone(), &[1, 2]).unwrap().len(), 3);
        assert!(split_batch(t, &[1, 3]).is_err());
    }
}
