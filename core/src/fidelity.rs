//! How closely the integer model follows its float original.

use crate::error::Result;
use crate::model::QModel;
use crate::tensor::FTensor;
use serde::Serialize;

/// Agreement between dequantized integer outputs and float reference outputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fidelity {
    /// Samples compared.
    pub samples: usize,
    /// Largest absolute difference of any output element.
    pub max_abs_err: f64,
    /// Mean absolute difference over all output elements.
    pub mean_abs_err: f64,
    /// Smallest cosine similarity between an integer and a float output vector.
    pub cosine_min: f64,
    /// Mean cosine similarity.
    pub cosine_mean: f64,
    /// Fraction of samples whose arg-max agrees (outputs with more than one element).
    pub top1_agreement: Option<f64>,
}

fn argmax(v: &[f64]) -> usize {
    v.iter().enumerate().fold((0, f64::NEG_INFINITY), |(bi, bv), (i, &x)| if x > bv { (i, x) } else { (bi, bv) }).0
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 && nb == 0.0 {
        1.0
    } else if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Compares `model` on `samples` (float model inputs, after preprocessing) against
/// `reference`, which returns the float model's output.
pub fn measure(
    model: &QModel,
    samples: &[FTensor],
    mut reference: impl FnMut(&FTensor) -> Result<FTensor>,
) -> Result<Fidelity> {
    let (mut max_abs, mut sum_abs, mut n_el) = (0f64, 0f64, 0usize);
    let (mut cos_min, mut cos_sum, mut top1) = (f64::INFINITY, 0f64, 0usize);
    let in_params = model.tensor(model.input()).quant;
    for s in samples {
        let q: Vec<i64> = s.data().iter().map(|&v| in_params.quantize(v as f64)).collect();
        let q = crate::QTensor::new(s.shape().to_vec(), q)?;
        let ours = model.dequantize_output(&model.run(&q)?);
        let theirs: Vec<f64> = reference(s)?.data().iter().map(|&v| v as f64).collect();
        for (a, b) in ours.iter().zip(&theirs) {
            max_abs = max_abs.max((a - b).abs());
            sum_abs += (a - b).abs();
        }
        n_el += ours.len();
        let c = cosine(&ours, &theirs);
        cos_min = cos_min.min(c);
        cos_sum += c;
        top1 += usize::from(argmax(&ours) == argmax(&theirs));
    }
    let n = samples.len().max(1) as f64;
    let outputs: usize = model.output_shape().iter().product();
    Ok(Fidelity {
        samples: samples.len(),
        max_abs_err: max_abs,
        mean_abs_err: sum_abs / n_el.max(1) as f64,
        cosine_min: if samples.is_empty() { 1.0 } else { cos_min },
        cosine_mean: cos_sum / n,
        top1_agreement: (outputs > 1).then(|| top1 as f64 / n),
    })
}
