//! Shared helpers for zkid's cross-crate integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test-support crate: failing loudly is the point

use std::path::{Path, PathBuf};
use zkid_core::FTensor;

/// Repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Path of a file of a bundled model, e.g. `model_file("digits", "model.onnx")`.
pub fn model_file(model: &str, file: &str) -> PathBuf {
    repo_root().join("models").join(model).join(file)
}

/// Reads a bundled `.npy` file.
pub fn load_npy(model: &str, file: &str) -> FTensor {
    zkid_core::npy::load(&model_file(model, file)).unwrap_or_else(|e| panic!("{model}/{file}: {e}"))
}

/// Reads a bundled ONNX file.
pub fn onnx_bytes(model: &str) -> Vec<u8> {
    std::fs::read(model_file(model, "model.onnx")).unwrap_or_else(|e| panic!("{model}: {e}"))
}

pub mod naive;
pub mod onnx_builder;

/// The pinned JavaScript tools of the interop tests (`tools/npm`): installed on first use by
/// `tools/npm/install.sh` (idempotent, project-local). A failed install fails the test with
/// the script's reason; nothing is skipped silently.
pub mod npm {
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::OnceLock;

    /// `tools/npm`.
    pub fn dir() -> PathBuf {
        super::repo_root().join("tools").join("npm")
    }

    /// Runs the install script once per test process.
    pub fn ensure_installed() {
        static DONE: OnceLock<()> = OnceLock::new();
        DONE.get_or_init(|| {
            let out = Command::new("bash").arg(dir().join("install.sh")).output().expect("run tools/npm/install.sh");
            assert!(
                out.status.success(),
                "installing the interop tools failed (tools/npm/install.sh):\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        });
    }

    /// Path of an installed tool's executable, e.g. `bin("snarkjs")`, `bin("anvil")`.
    pub fn bin(name: &str) -> PathBuf {
        ensure_installed();
        let p = dir().join("node_modules").join(".bin").join(name);
        assert!(p.exists(), "{} is missing after installing tools/npm", p.display());
        p
    }
}

/// A small iris-code model (the open-iris operator on a 16 × 64 image, 2 × 32 probes, two
/// zero-sum 5×7 and 3×5 filters): quick to prove, for end-to-end tests.
pub fn mini_iris_model() -> zkid_core::QModel {
    use zkid_core::model::ops::iris::{FilterTaps, IrisCode};
    let taps = |rows: usize, cols: usize, seed: i64| {
        let mut re: Vec<i64> = (0..(rows * cols) as i64).map(|t| (t * 7 + seed) % 23 - 11).collect();
        let mut im: Vec<i64> = (0..(rows * cols) as i64).map(|t| (t * 5 + 3 * seed) % 19 - 9).collect();
        re[0] -= re.iter().sum::<i64>();
        im[0] -= im.iter().sum::<i64>();
        FilterTaps { rows, cols, re, im }
    };
    let bank = IrisCode {
        image: [16, 64],
        probes: [2, 32],
        stride: [8, 2],
        filters: vec![taps(5, 7, 1), taps(3, 5, 2)],
        max_invalid_percent: 7,
    };
    zkid_core::iris::model_from_bank(bank, "mini-iris").unwrap()
}

/// One synthetic capture for [`mini_iris_model`]: a 16 × 64 `u8` image and its noise mask
/// (`1` = iris pixel, `0` = occluded), row-major.
pub struct MiniCapture {
    /// `a1` (eye a), `a2` (eye a rolled by 4 pixels = 2 probe columns, a little noise) or
    /// `b` (another eye).
    pub name: &'static str,
    /// Pixel values.
    pub image: Vec<u8>,
    /// Validity of each pixel.
    pub mask: Vec<u8>,
}

/// The three captures of the mini iris fixture. They are also committed as raw bytes under
/// `models/iris/mini/` (what the Python, Kotlin, C and JavaScript tests read); a test keeps
/// the files equal to this function.
pub fn mini_iris_captures() -> Vec<MiniCapture> {
    let (rows, cols) = (16usize, 64usize);
    [("a1", 1u64, 0usize, 0i64), ("a2", 1, 4, 3), ("b", 2, 0, 0)]
        .into_iter()
        .map(|(name, seed, roll, noise)| {
            // splitmix64 of (pixel, seed): independent textures per seed.
            let tex = |i: usize| {
                let mut x = (i as u64) ^ (seed << 32);
                x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                ((x ^ (x >> 31)) % 211) as i64 + 20
            };
            let image = (0..rows * cols)
                .map(|i| {
                    let (r, c) = (i / cols, i % cols);
                    let v = tex(r * cols + (c + cols - roll) % cols) + ((i as i64 * 31 % 7) - 3).clamp(-noise, noise);
                    v.clamp(0, 255) as u8
                })
                .collect();
            let mask = (0..rows * cols).map(|i| u8::from(i % 97 != 0)).collect();
            MiniCapture { name, image, mask }
        })
        .collect()
}

/// Asserts that a matrix-free record of a circuit ([`zkid_circuits::rows::record`]) equals
/// what its constraint matrices give: the same assignment, `A·z` and `B·z` row by row, and
/// the same first unsatisfied row.
pub fn assert_rows_agree(r1cs: &zkid_circuits::r1cs::R1cs, rows: &zkid_circuits::rows::Rows, what: &str) {
    use zkid_circuits::Fr;
    let eval = |m: &[Vec<(Fr, usize)>]| -> Vec<Fr> {
        m.iter().map(|row| row.iter().map(|(c, i)| *c * r1cs.z[*i]).sum()).collect()
    };
    assert_eq!(rows.num_instance, r1cs.num_instance, "{what}: instance variables");
    assert_eq!(rows.z, r1cs.z, "{what}: assignment");
    assert_eq!(rows.num_constraints(), r1cs.num_constraints(), "{what}: constraint count");
    let (a, b) = (eval(&r1cs.a), eval(&r1cs.b));
    if let Some(i) = (0..a.len()).find(|&i| a[i] != rows.a[i] || b[i] != rows.b[i]) {
        panic!("{what}: row {i} recorded differently from the matrices");
    }
    assert_eq!(rows.first_unsatisfied, r1cs.first_unsatisfied(&r1cs.z), "{what}: first unsatisfied row");
}
