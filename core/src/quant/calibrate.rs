//! Activation range estimation over a calibration set.

use super::params::CalibrationMode;
use crate::error::{CoreError, Result};
use crate::float::FGraph;
use crate::tensor::FTensor;

/// Observed real range of one tensor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower end.
    pub min: f64,
    /// Upper end.
    pub max: f64,
}

/// Collects per-tensor statistics by running the float graph on calibration samples.
pub struct Calibrator<'g> {
    graph: &'g FGraph,
    mode: CalibrationMode,
    /// Per tensor: min, max and, in percentile mode, all |values| seen.
    mins: Vec<f64>,
    maxs: Vec<f64>,
    samples: Vec<Vec<f32>>,
    count: usize,
}

impl<'g> Calibrator<'g> {
    /// A calibrator for `graph`.
    pub fn new(graph: &'g FGraph, mode: CalibrationMode) -> Self {
        let n = graph.tensors.len();
        Self {
            graph,
            mode,
            mins: vec![f64::INFINITY; n],
            maxs: vec![f64::NEG_INFINITY; n],
            samples: vec![Vec::new(); n],
            count: 0,
        }
    }

    /// Runs one sample through the float graph and records its values.
    pub fn observe(&mut self, input: &FTensor) -> Result<()> {
        let all = self.graph.eval_all(input)?;
        for (t, v) in all.iter().enumerate() {
            for &x in v.data() {
                if !x.is_finite() {
                    return Err(CoreError::Calibration(format!(
                        "tensor `{}` takes a non-finite value on calibration sample {}",
                        self.graph.tensors[t].name, self.count
                    )));
                }
                self.mins[t] = self.mins[t].min(x as f64);
                self.maxs[t] = self.maxs[t].max(x as f64);
            }
            if matches!(self.mode, CalibrationMode::Percentile(_)) {
                self.samples[t].extend_from_slice(v.data());
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Number of samples observed.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Final ranges per tensor.
    pub fn ranges(mut self) -> Result<Vec<Range>> {
        if self.count == 0 {
            return Err(CoreError::Calibration("the calibration set is empty".into()));
        }
        Ok((0..self.mins.len())
            .map(|t| {
                let (min, max) = (self.mins[t], self.maxs[t]);
                match self.mode {
                    CalibrationMode::MinMax => Range { min, max },
                    CalibrationMode::Percentile(p) => {
                        let v = &mut self.samples[t];
                        v.iter_mut().for_each(|x| *x = x.abs());
                        v.sort_by(f32::total_cmp);
                        let k = ((p / 100.0) * (v.len().saturating_sub(1)) as f64).round() as usize;
                        let a = v.get(k).copied().unwrap_or(0.0) as f64;
                        // Keep the sign structure of the observed range (non-negative stays
                        // non-negative, so ReLU outputs keep the unsigned range).
                        Range { min: if min >= 0.0 { 0.0 } else { -a.min(-min) }, max: a.min(max.max(0.0)) }
                    }
                }
            })
            .collect())
    }
}
