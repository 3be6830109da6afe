//! Runs the Python binding tests (`bindings/python/tests`, pytest) against the library cargo
//! built for this test run: generates the bindings with the pinned uniffi (library mode), puts
//! them with the cdylib in a `zkid` package, and runs pytest from `tools/python/.venv`
//! (made by `tools/python/install.sh`). A missing tool fails the test with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

mod common;

use std::process::Command;

use common::{cdylib, generate, mini_dir, root, run, scratch};

/// The package's `__init__.py`, as `cargo xtask bindings` writes it.
const INIT_PY: &str = include_str!("../python/zkid/__init__.py");

#[test]
fn python_bindings_pass_pytest() {
    let root = root();
    run(Command::new("bash").arg(root.join("tools/python/install.sh")), "tools/python/install.sh");
    let python = root.join("tools/python/.venv/bin/python");
    assert!(python.is_file(), "{} missing after tools/python/install.sh", python.display());

    let lib = cdylib();
    let dir = scratch("python");
    let package = dir.join("zkid");
    generate(uniffi::TargetLanguage::Python, &lib, &package);
    std::fs::write(package.join("__init__.py"), INIT_PY).unwrap();
    std::fs::copy(&lib, package.join(lib.file_name().unwrap())).unwrap();

    let out = run(
        Command::new(&python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "console_output_style=classic"])
            .arg(root.join("bindings/python/tests"))
            .current_dir(&dir)
            .env("PYTHONPATH", &dir)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("ZKID_MINI_DIR", mini_dir()),
        "pytest bindings/python/tests",
    );
    let report = String::from_utf8_lossy(&out.stdout);
    eprintln!("{report}");
    assert!(report.contains(" passed"), "pytest ran no tests:\n{report}");
    assert!(!report.contains("skipped"), "pytest skipped tests:\n{report}");
    // Kept for inspection when the test fails.
    std::fs::remove_dir_all(&dir).unwrap();
}
