//! Float reference inference through tract (the ONNX semantics zkid is measured against).

use crate::error::{CoreError, Result};
use crate::tensor::FTensor;
use tract_onnx::prelude::*;

/// A tract plan for one ONNX model with a fixed input shape.
pub struct Reference {
    plan: std::sync::Arc<TypedRunnableModel>,
    shape: Vec<usize>,
}

fn err(e: impl std::fmt::Display) -> CoreError {
    CoreError::Reference(format!("{e:#}"))
}

impl Reference {
    /// Loads and optimizes the model for input shape `shape`.
    pub fn new(onnx: &[u8], shape: &[usize]) -> Result<Self> {
        let plan = tract_onnx::onnx()
            .model_for_read(&mut &*onnx)
            .map_err(err)?
            .with_input_fact(0, f32::fact(shape).into())
            .map_err(err)?
            .into_optimized()
            .map_err(err)?
            .into_runnable()
            .map_err(err)?;
        Ok(Self { plan, shape: shape.to_vec() })
    }

    /// Runs the float model.
    pub fn run(&self, x: &FTensor) -> Result<FTensor> {
        if x.shape() != self.shape.as_slice() {
            return Err(CoreError::InputShape { expected: self.shape.clone(), got: x.shape().to_vec() });
        }
        let t = Tensor::from_shape(x.shape(), x.data()).map_err(err)?;
        let out = self.plan.run(tvec!(t.into_tvalue())).map_err(err)?;
        let o = out.first().ok_or_else(|| err("model produced no output"))?;
        FTensor::new(o.shape().to_vec(), super::import::plain_vec::<f32>(o).map_err(err)?)
    }
}
