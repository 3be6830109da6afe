//! Runs the Kotlin binding tests on the JVM (`bindings/kotlin/src/ZkidTest.kt`, a plain `main`
//! runner) against the library cargo built for this test run: generates `zkid_ffi.kt` with the
//! pinned uniffi (library mode), compiles it with the test runner using the pinned `kotlinc`
//! (`tools/npm`), and runs it with JNA (Debian's `libjna-java`) on the mini iris fixture.
//!
//! The tools are installed on first use by the project's idempotent installers
//! (`tools/npm/install.sh`, `tools/apt/install.sh libjna-java`); a missing tool fails the test
//! with the reason, it is never skipped. The compiled jar is cached under the target
//! directory, keyed by the compiler version and both sources, so a rerun without changes
//! skips `kotlinc` (about 20 s on 2 cores).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

mod common;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{cdylib, deps_dir, generate, mini_dir, root, run};

/// The Kotlin compiler, its standard library, JNA and the JVM, installed and located.
struct Tools {
    kotlinc: PathBuf,
    kotlin_stdlib: PathBuf,
    jna: PathBuf,
    java: PathBuf,
}

impl Tools {
    fn install() -> Self {
        let root = root();
        run(Command::new("bash").arg(root.join("tools/npm/install.sh")), "installing kotlinc (tools/npm/install.sh)");
        run(
            Command::new("bash").arg(root.join("tools/apt/install.sh")).arg("libjna-java"),
            "installing JNA (tools/apt/install.sh libjna-java)",
        );
        let kotlin = root.join("tools/npm/node_modules/kotlin-compiler");
        let java = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|d| d.join("java"))
            .find(|p| p.is_file())
            .expect("java is not on PATH: the Kotlin binding test needs a JDK (17 or later) for kotlinc and java");
        let tools = Tools {
            kotlinc: kotlin.join("bin/kotlinc"),
            kotlin_stdlib: kotlin.join("lib/kotlin-stdlib.jar"),
            // Where Debian's libjna-java puts it.
            jna: PathBuf::from("/usr/share/java/jna.jar"),
            java,
        };
        for p in [&tools.kotlinc, &tools.kotlin_stdlib, &tools.jna] {
            assert!(p.is_file(), "{} is missing after running the installers", p.display());
        }
        tools
    }
}

/// Compiles the generated bindings and the test runner into `jar`, unless the jar was built
/// from the same compiler and sources (`<jar>.key`). Returns the compile time, `None` when
/// cached.
fn compile(tools: &Tools, sources: &[&Path], jar: &Path) -> Option<f64> {
    let stamp = jar.with_extension("jar.key");
    let mut h = DefaultHasher::new();
    let version = tools.kotlinc.parent().unwrap().join("../build.txt");
    for f in std::iter::once(version.as_path()).chain(sources.iter().copied()) {
        std::fs::read(f).unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display())).hash(&mut h);
    }
    let key = format!("{:016x}", h.finish());
    if jar.is_file() && std::fs::read_to_string(&stamp).is_ok_and(|k| k == key) {
        return None;
    }
    let _ = std::fs::remove_file(&stamp);
    let started = Instant::now();
    run(
        Command::new(&tools.kotlinc).arg("-nowarn").arg("-cp").arg(&tools.jna).arg("-d").arg(jar).args(sources),
        "kotlinc",
    );
    std::fs::write(&stamp, key).unwrap();
    Some(started.elapsed().as_secs_f64())
}

/// `N passed, M failed` → `(N, M)`.
fn parse_summary(line: &str) -> Option<(u32, u32)> {
    let (passed, failed) = line.trim().split_once(", ")?;
    Some((passed.strip_suffix(" passed")?.parse().ok()?, failed.strip_suffix(" failed")?.parse().ok()?))
}

/// A file named `name` anywhere under `dir` (UniFFI writes Kotlin in package folders).
fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|n| n == name) {
            return Some(path);
        }
    }
    None
}

#[test]
fn kotlin_bindings_pass_the_jvm_test_suite() {
    let tools = Tools::install();
    let lib = cdylib();
    // Not `scratch()`: the folder is kept between runs for the jar cache (one per profile,
    // since it lives in `target/<profile>`).
    let work = deps_dir().parent().unwrap().join("zkid-ffi-tests").join("kotlin");
    let generated = work.join("generated");
    let _ = std::fs::remove_dir_all(&generated);
    std::fs::create_dir_all(&generated).unwrap();

    generate(uniffi::TargetLanguage::Kotlin, &lib, &generated);
    let bindings = find_file(&generated, "zkid_ffi.kt")
        .unwrap_or_else(|| panic!("uniffi wrote no zkid_ffi.kt under {}", generated.display()));
    let test_src = root().join("bindings/kotlin/src/ZkidTest.kt");
    let jar = work.join("zkid-test.jar");
    match compile(&tools, &[&bindings, &test_src], &jar) {
        Some(secs) => println!("kotlinc: {secs:.1} s"),
        None => println!("kotlinc: cached {}", jar.display()),
    }

    // UniFFI's Kotlin loads the library by the name `zkid_ffi` (system property
    // `uniffi.component.zkid_ffi.libraryOverride` to change it); JNA finds it in
    // `jna.library.path`.
    let classpath = std::env::join_paths([&jar, &tools.kotlin_stdlib, &tools.jna]).unwrap();
    let started = Instant::now();
    let out = Command::new(&tools.java)
        .arg("-cp")
        .arg(classpath)
        .arg(format!("-Djna.library.path={}", lib.parent().unwrap().display()))
        .arg("ZkidTestKt")
        .arg(mini_dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", tools.java.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    println!("java: {:.1} s", started.elapsed().as_secs_f64());
    let summary = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    assert!(out.status.success(), "the Kotlin test runner failed ({}): {summary}", out.status);
    let (passed, failed) = parse_summary(summary)
        .unwrap_or_else(|| panic!("the Kotlin test runner did not close with `N passed, M failed`: {summary:?}"));
    assert_eq!(failed, 0, "{summary}");
    assert!(passed >= 30, "only {passed} Kotlin tests ran");
}
