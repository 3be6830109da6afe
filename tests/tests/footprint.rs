//! What the phone and browser libraries are made of: `zkid-ffi` and `zkid-wasm` must not
//! depend on the desktop-only crates (ONNX import, circom interop and its wasm runtime,
//! terminal UI, plotting). Heavy dependencies live behind features (ARCHITECTURE.md); this
//! test fails when one of them leaks into a front end's normal or build dependencies, on any
//! platform (`cargo tree --target all`: wasm32, aarch64, iOS and Android included). `cargo
//! tree` resolves the package alone, as `cargo build -p` does, so the CLI's features do not
//! count. `cargo xtask size` measures what is left.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use std::process::Command;

/// The libraries that ship to devices.
const DEVICE_LIBRARIES: &[&str] = &["zkid-ffi", "zkid-wasm"];

/// Crate name prefixes that have no place on a device, and why.
const FORBIDDEN: &[(&str, &str)] = &[
    ("tract-", "ONNX import and float reference: build time, desktop only (zkid-core `onnx`)"),
    ("ark-circom", "zkey/r1cs interop: desktop only (zkid-prover `interop`)"),
    ("wasmer", "ark-circom's wasm runtime"),
    ("cranelift", "wasmer's compiler"),
    ("clap", "command-line parsing: the CLI (or uniffi's `cli` feature, the generator only)"),
    ("indicatif", "progress bars: the CLI"),
    ("plotters", "charts: never on a device"),
];

/// Allowed only where a dependency we cannot drop brings it: `anyhow` is part of UniFFI's
/// runtime (uniffi, uniffi_core) and its macros, but no zkid crate may use it (libraries
/// return typed errors, STYLE.md).
const ONLY_THROUGH: &[(&str, &str)] = &[("anyhow", "uniffi")];

fn cargo_tree(package: &str, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .current_dir(zkid_tests::repo_root())
        .args(["tree", "-p", package, "-e", "normal,build", "--target", "all", "--prefix", "none", "--format", "{p}"])
        .args(extra)
        .output()
        .expect("cannot run cargo tree");
    assert!(out.status.success(), "cargo tree -p {package} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("cargo tree printed non-UTF-8")
}

/// Crate names (one per line of `{p}`: `name vX.Y.Z [(path)] [(proc-macro)] [(*)]`).
fn crate_names(tree: &str) -> Vec<&str> {
    let mut names: Vec<&str> = tree.lines().filter_map(|l| l.split_whitespace().next()).collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[test]
fn device_libraries_have_no_desktop_dependencies() {
    let mut found = Vec::new();
    for package in DEVICE_LIBRARIES {
        let tree = cargo_tree(package, &[]);
        let names = crate_names(&tree);
        assert!(names.len() > 10, "cargo tree -p {package} listed almost nothing:\n{tree}");
        for name in names {
            if let Some((_, why)) = FORBIDDEN.iter().find(|(prefix, _)| name.starts_with(prefix)) {
                found.push(format!("{package} depends on {name} ({why}); see `cargo tree -p {package} -i {name}`"));
            }
        }
    }
    assert!(found.is_empty(), "desktop-only crates in a device library:\n{}", found.join("\n"));
}

#[test]
fn tolerated_crates_come_only_from_their_known_source() {
    for package in DEVICE_LIBRARIES {
        for (name, source) in ONLY_THROUGH {
            if !crate_names(&cargo_tree(package, &[])).contains(name) {
                continue;
            }
            // The crate itself and what depends on it directly.
            let dependents = cargo_tree(package, &["--invert", name, "--depth", "1"]);
            for dependent in crate_names(&dependents).into_iter().filter(|d| d != name) {
                assert!(
                    dependent.starts_with(source),
                    "{package}: {dependent} depends on {name}, which a device library may only get through {source}"
                );
            }
        }
    }
}

/// The check itself: a tree that contains a forbidden crate is caught (names are matched by
/// prefix, so `tract-onnx`, `wasmer-vm` and `clap_builder` all count).
#[test]
fn forbidden_names_are_matched_by_prefix() {
    let tree = "zkid-ffi v0.1.0 (/x)\nwasmer-vm v6.1.0\nclap_builder v4.5.0\nring v0.17.14\n";
    let hits: Vec<&str> =
        crate_names(tree).into_iter().filter(|n| FORBIDDEN.iter().any(|(prefix, _)| n.starts_with(prefix))).collect();
    assert_eq!(hits, ["clap_builder", "wasmer-vm"]);
}
