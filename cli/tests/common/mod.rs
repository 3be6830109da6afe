//! Helpers shared by the CLI integration tests (each test file includes this module and
//! uses a subset, hence `dead_code` is allowed).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The bundled models folder.
pub fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

const TEMP_PREFIX: &str = "zkid-cli-test-";

/// Removes temp dirs of earlier test processes that are gone (shared fixtures live in
/// statics, which are never dropped). Only where `/proc` tells which processes are alive.
fn sweep_stale_temp_dirs() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(TEMP_PREFIX).and_then(|r| r.split('-').next()) else { continue };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new empty directory.
    pub fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        static SWEEP: OnceLock<()> = OnceLock::new();
        SWEEP.get_or_init(sweep_stale_temp_dirs);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("{TEMP_PREFIX}{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    /// A path inside it.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the real `zkid` binary; a panic message on stderr fails the test.
pub fn zkid(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_zkid")).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "zkid {args:?} panicked:\n{stderr}");
    out
}

/// Runs zkid and asserts success, returning its stdout.
pub fn zkid_ok(args: &[&str]) -> String {
    let o = zkid(args);
    assert!(o.status.success(), "zkid {args:?} failed:\n{}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

/// A path as `&str`.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Captured stdout.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Captured stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit code 2 and an error line mentioning `needle`.
pub fn assert_bad_input(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "expected exit 2, stderr:\n{err}");
    assert!(err.lines().any(|l| l.starts_with("error: ")), "{err}");
    assert!(err.to_lowercase().contains(&needle.to_lowercase()), "expected {needle:?} in:\n{err}");
}

/// Parses a JSON file.
pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The mini iris model (`zkid_tests::mini_iris_model`) as `.zkm`, and `.npy` image/mask
/// pairs of eye a (`a1`), eye a rolled by 4 pixels (2 probe columns) with a little noise
/// (`a2`) and another eye (`b`).
pub struct MiniIris {
    /// Holds every file.
    pub dir: TempDir,
    /// The model.
    pub zkm: PathBuf,
}

/// Writes the [`MiniIris`] fixture into a new temp dir.
pub fn mini_iris() -> MiniIris {
    let dir = TempDir::new();
    let zkm = write_mini_iris(&dir);
    MiniIris { dir, zkm }
}

/// Writes the mini iris model and the captures into `dir`; returns the model's path.
pub fn write_mini_iris(dir: &TempDir) -> PathBuf {
    let zkm = dir.path("iris.zkm");
    std::fs::write(&zkm, zkid_core::zkm::to_bytes(&zkid_tests::mini_iris_model()).unwrap()).unwrap();
    for capture in zkid_tests::mini_iris_captures() {
        let as_f32 = |v: &[u8]| v.iter().map(|&x| f32::from(x)).collect::<Vec<f32>>();
        for (what, data) in [("image", as_f32(&capture.image)), ("mask", as_f32(&capture.mask))] {
            let t = zkid_core::FTensor::new(vec![16, 64], data).unwrap();
            std::fs::write(dir.path(&format!("{}_{what}.npy", capture.name)), zkid_core::npy::to_bytes(&t).unwrap())
                .unwrap();
        }
    }
    zkm
}
