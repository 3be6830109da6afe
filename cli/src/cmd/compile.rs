//! `zkid compile`: ONNX → quantized `.zkm`, with a per-layer cost table and fidelity.

use super::read_input;
use crate::{BadInput, ui};
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zkid_core::fidelity::Fidelity;
use zkid_core::model::{Layout, Preprocess};
use zkid_core::onnx::{self, CompileOptions, Compiled};
use zkid_core::quant::{CalibrationMode, QuantConfig};
use zkid_core::report::{self, LayerRow};
use zkid_core::{FTensor, QModel, npy, zkm};

/// Raw input layout flag.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LayoutArg {
    /// Channels first `[1, C, H, W]` (as the ONNX model expects).
    Nchw,
    /// Channels last `[1, H, W, C]` (camera buffers); transposed before quantizing.
    Nhwc,
}

/// Arguments of `zkid compile`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The float ONNX model.
    pub model: PathBuf,
    /// Calibration inputs: a directory of `.npy` files (all read, sorted by name) or one
    /// `.npy` holding a batch `[N, ...]`. Default: `calib.npy` next to the model.
    #[arg(long, value_name = "PATH")]
    pub calibration: Option<PathBuf>,
    /// Weight bit width (symmetric, per output channel).
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub weight_bits: u32,
    /// Activation bit width (per tensor).
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub act_bits: u32,
    /// Significant bits of the requantization multipliers.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub mult_bits: u32,
    /// Calibrate activation ranges at this percentile of |x| instead of min/max.
    #[arg(long, value_name = "P")]
    pub percentile: Option<f64>,
    /// Multiplier applied to raw input values before quantization (e.g. 0.00392 for 1/255).
    #[arg(long, default_value_t = 1.0, value_name = "F", allow_negative_numbers = true)]
    pub input_scale: f32,
    /// Offset added to raw input values after scaling.
    #[arg(long, default_value_t = 0.0, value_name = "F", allow_negative_numbers = true)]
    pub input_offset: f32,
    /// Layout of the raw input.
    #[arg(long, value_enum, default_value = "nchw")]
    pub layout: LayoutArg,
    /// Model name stored in the `.zkm` metadata (default: derived from the file name).
    #[arg(long, value_name = "S")]
    pub name: Option<String>,
    /// Output `.zkm` file.
    #[arg(short = 'o', long = "output", value_name = "MODEL.zkm")]
    pub output: PathBuf,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

/// Totals of a compiled model.
#[derive(Debug, Serialize)]
pub struct Totals {
    /// Constant parameters.
    pub params: usize,
    /// Activation values computed by arithmetic nodes.
    pub activations: usize,
    /// Estimated constraints of all layers.
    pub layer_constraints: u64,
    /// Estimated constraints of the input range checks.
    pub input_constraints: u64,
    /// Estimated total constraints.
    pub constraints: u64,
}

impl Totals {
    /// Totals of `model`.
    pub fn of(model: &QModel) -> Self {
        let input_constraints = report::input_constraints(model);
        let constraints = report::estimated_constraints(model);
        Self {
            params: model.param_count(),
            activations: model.activation_count(),
            layer_constraints: constraints.saturating_sub(input_constraints),
            input_constraints,
            constraints,
        }
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    name: &'a str,
    source: String,
    calibration: String,
    calibration_samples: usize,
    input_shape: &'a [usize],
    output_shape: &'a [usize],
    config: ConfigJson,
    layers: Vec<LayerRow>,
    totals: Totals,
    fidelity: &'a Fidelity,
    import_max_abs_diff: f64,
    compile_ms: f64,
    output: String,
    digest: String,
}

#[derive(Serialize)]
struct ConfigJson {
    weight_bits: u32,
    act_bits: u32,
    mult_bits: u32,
    calibration: String,
}

fn calibration_label(c: CalibrationMode) -> String {
    match c {
        CalibrationMode::MinMax => "minmax".into(),
        CalibrationMode::Percentile(p) => format!("percentile {p}"),
    }
}

/// Loads calibration tensors from a directory of `.npy` files or a single `.npy`.
pub fn load_calibration(path: &Path) -> Result<Vec<FTensor>> {
    let ctx = || BadInput(format!("cannot read calibration data {}", path.display()));
    let meta = std::fs::metadata(path).with_context(ctx)?;
    if !meta.is_dir() {
        return Ok(vec![npy::from_bytes(&read_input(path, "calibration file")?).with_context(ctx)?]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(ctx)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("npy")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(anyhow::anyhow!("the directory holds no .npy files")).with_context(ctx);
    }
    files
        .iter()
        .map(|f| {
            npy::from_bytes(&read_input(f, "calibration file")?)
                .with_context(|| BadInput(format!("cannot read calibration file {}", f.display())))
        })
        .collect()
}

/// Compiles with a progress bar over calibration and fidelity measurement.
pub fn compile_with_progress(
    onnx_bytes: &[u8],
    calibration: Vec<FTensor>,
    opts: &CompileOptions,
    label: &str,
    quiet: bool,
) -> Result<(Compiled, Duration)> {
    let bar = ui::progress(label, quiet);
    let start = Instant::now();
    let compiled = onnx::compile(onnx_bytes, calibration, opts, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    let elapsed = start.elapsed();
    bar.finish_and_clear();
    Ok((compiled?, elapsed))
}

/// A model name from its path: the file stem, or the folder name for `…/NAME/model.onnx`.
fn default_name(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if stem == "model"
        && let Some(dir) = path.parent().and_then(Path::file_name)
    {
        return dir.to_string_lossy().into_owned();
    }
    stem
}

/// Runs `zkid compile`.
pub fn run(args: &Args) -> Result<()> {
    // Flags first: a usage mistake is reported before any file is read.
    let config = QuantConfig {
        weight_bits: args.weight_bits,
        act_bits: args.act_bits,
        mult_bits: args.mult_bits,
        calibration: args.percentile.map_or(CalibrationMode::MinMax, CalibrationMode::Percentile),
    };
    config.validate().map_err(|e| anyhow::anyhow!(BadInput(format!("invalid quantization settings: {e}"))))?;
    let layout = match args.layout {
        LayoutArg::Nchw => Layout::Nchw,
        LayoutArg::Nhwc => Layout::Nhwc,
    };
    if !(args.input_scale.is_finite() && args.input_offset.is_finite()) {
        return Err(anyhow::anyhow!(BadInput("--input-scale and --input-offset must be finite".into())));
    }
    let preprocess = Preprocess { scale: args.input_scale, offset: args.input_offset, layout };
    let onnx_bytes = read_input(&args.model, "ONNX model")?;
    let model_ctx = || BadInput(format!("cannot import ONNX model {}", args.model.display()));
    // Parse once up front so a broken model is reported before calibration data is read.
    let input_shape = onnx::input_shape(&onnx_bytes).with_context(model_ctx)?;

    let calib_path = match &args.calibration {
        Some(p) => p.clone(),
        None => {
            let next_to = args.model.parent().unwrap_or(Path::new(".")).join("calib.npy");
            if !next_to.is_file() {
                return Err(anyhow::anyhow!(BadInput(format!(
                    "no calibration data: pass --calibration DIR_OR_NPY (raw inputs of shape {:?} or batches of them), \
                     or put a calib.npy next to {}",
                    preprocess.raw_shape(&input_shape),
                    args.model.display()
                ))));
            }
            if !args.json {
                eprintln!("using calibration set {} (found next to the model)", next_to.display());
            }
            next_to
        }
    };
    let calibration = load_calibration(&calib_path)?;

    let name = args.name.clone().unwrap_or_else(|| default_name(&args.model));
    let opts = CompileOptions { config, preprocess, name: name.clone() };

    let (compiled, elapsed) = compile_with_progress(&onnx_bytes, calibration, &opts, "calibrating", args.json)
        .with_context(|| format!("cannot compile {}", args.model.display()))?;
    let bytes = zkm::to_bytes(&compiled.model).with_context(|| format!("cannot write {}", args.output.display()))?;
    let digest = zkm::digest_of(&compiled.model)?;
    let mut files = super::keydir::AtomicFiles::default();
    files.write(&args.output, &bytes)?;
    files.commit()?;

    let model = &compiled.model;
    let layers = report::layer_table(model);
    let totals = Totals::of(model);
    if args.json {
        let report = JsonReport {
            name: &name,
            source: args.model.display().to_string(),
            calibration: calib_path.display().to_string(),
            calibration_samples: compiled.calibration_samples,
            input_shape: model.input_shape(),
            output_shape: model.output_shape(),
            config: ConfigJson {
                weight_bits: config.weight_bits,
                act_bits: config.act_bits,
                mult_bits: config.mult_bits,
                calibration: calibration_label(config.calibration),
            },
            layers,
            totals,
            fidelity: &compiled.fidelity,
            import_max_abs_diff: compiled.import_max_abs_diff,
            compile_ms: ui::millis(elapsed),
            output: args.output.display().to_string(),
            digest: digest.to_hex(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "model `{name}`: input {} -> output {}; weights {} bits, activations {} bits, multipliers {} bits, calibration {} ({} samples)",
        ui::shape(model.input_shape()),
        ui::shape(model.output_shape()),
        config.weight_bits,
        config.act_bits,
        config.mult_bits,
        calibration_label(config.calibration),
        compiled.calibration_samples
    );
    println!();
    print!("{}", ui::layer_table(&layers));
    println!();
    print_totals(&totals);
    println!("{}", ui::fidelity(&compiled.fidelity));
    println!("compile time: {}", ui::duration(elapsed));
    println!("wrote {}", args.output.display());
    println!("model digest: {digest}");
    Ok(())
}

/// Prints the totals line.
pub fn print_totals(t: &Totals) {
    println!(
        "totals: {} params, {} activations, {} constraints ({} layers + {} input range checks; a statement adds its public-input bindings)",
        ui::thousands(t.params as u64),
        ui::thousands(t.activations as u64),
        ui::thousands(t.constraints),
        ui::thousands(t.layer_constraints),
        ui::thousands(t.input_constraints)
    );
}
