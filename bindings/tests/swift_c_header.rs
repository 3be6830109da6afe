//! The C interface Swift sees: generates the Swift bindings (header `zkid_ffiFFI.h`,
//! modulemap, `zkid_ffi.swift`) with the pinned uniffi from the library this test build made,
//! compiles `tests/c/ffi_test.c` against the header with `clang` (installed by
//! `tools/apt/install.sh clang` when missing) and links it with the staticlib, as an
//! XCFramework would; the program checks the contract version and checksums the Swift code
//! expects, calls `version()` and `generate_sealing_key()` through the raw symbols, and one
//! failing constructor. No Swift toolchain is needed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

mod common;

use std::process::Command;

use common::{artifact, cdylib, generate, root, run, scratch};

/// The integer in `let <name> = N` / `!= N` on the line of the generated Swift that mentions
/// `needle`.
fn swift_constant(swift: &str, needle: &str) -> u32 {
    let line =
        swift.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}` in the Swift bindings"));
    let digits: String = line
        .rsplit(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .unwrap_or_else(|| panic!("no number on `{line}`"))
        .to_owned();
    digits.parse().unwrap()
}

#[test]
fn swift_c_header_links_and_calls_the_staticlib() {
    let root = root();
    run(Command::new("bash").arg(root.join("tools/apt/install.sh")).arg("clang"), "tools/apt/install.sh clang");

    let dir = scratch("swift-c");
    generate(uniffi::TargetLanguage::Swift, &cdylib(), &dir);
    for file in ["zkid_ffiFFI.h", "zkid_ffiFFI.modulemap", "zkid_ffi.swift"] {
        assert!(dir.join(file).is_file(), "the Swift generator wrote no {file}");
    }
    let swift = std::fs::read_to_string(dir.join("zkid_ffi.swift")).unwrap();
    let contract = swift_constant(&swift, "let bindings_contract_version =");
    let version_sum = swift_constant(&swift, "uniffi_zkid_ffi_checksum_func_version()");
    let from_bytes_sum = swift_constant(&swift, "uniffi_zkid_ffi_checksum_constructor_zkidmodel_from_bytes()");

    let exe = dir.join("ffi_test");
    run(
        Command::new("clang")
            .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-nullability-extension"])
            .arg(format!("-DEXPECTED_CONTRACT_VERSION={contract}"))
            .arg(format!("-DEXPECTED_CHECKSUM_VERSION={version_sum}"))
            .arg(format!("-DEXPECTED_CHECKSUM_FROM_BYTES={from_bytes_sum}"))
            .arg("-I")
            .arg(&dir)
            .arg(root.join("bindings/tests/c/ffi_test.c"))
            .arg(artifact("libzkid_ffi.a"))
            .args(["-lpthread", "-ldl", "-lm", "-o"])
            .arg(&exe),
        "clang ffi_test.c + libzkid_ffi.a",
    );
    let out = run(&mut Command::new(&exe), "ffi_test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(stdout.contains(&format!("version: {}", env!("CARGO_PKG_VERSION"))), "{stdout}");
    assert!(stdout.trim_end().ends_with("ok"), "{stdout}");
    // Kept for inspection when the test fails.
    std::fs::remove_dir_all(&dir).unwrap();
}
