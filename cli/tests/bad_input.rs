//! The table-driven bad-input suite through the real `zkid` binary (issue 8): every row is a
//! command on an unusable input — wrong sizes, NaN and infinities, an empty file of every
//! kind, keys of another model, truncated or corrupt keys and proofs, work over the memory
//! budget — and must fail with its exit code and an error line a user can act on, print no
//! panic, and leave its output directory exactly as it was (no outputs, no temporary
//! files). Cancellation (SIGINT/SIGTERM during a proof or a setup) has its own tests below.
//!
//! (The library-level bad-input tests live in `tests/tests/bad_input.rs`; this suite needs
//! the binary, which cargo builds only for this package's tests.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

mod common;
use common::*;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// Everything the rows use, made once: compiled models, dev keys, a proof, an enrollment.
struct Fixture {
    dir: TempDir,
    linreg: PathBuf,
    linreg_keys: PathBuf,
    linreg_proof: PathBuf,
    digits: PathBuf,
    mini: PathBuf,
    mini_enroll_keys: PathBuf,
    mini_match_keys: PathBuf,
    enrollment: PathBuf,
    sealing_key: PathBuf,
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}{}", stdout(o), stderr(o));
}

fn fixture() -> &'static Fixture {
    static FIX: OnceLock<Fixture> = OnceLock::new();
    FIX.get_or_init(|| {
        let dir = TempDir::new();
        let p = |n: &str| dir.path(n);
        let compile = |name: &str| {
            let out = p(&format!("{name}.zkm"));
            ok(&zkid(&["compile", s(&models().join(format!("{name}/model.onnx"))), "-o", s(&out)]));
            out
        };
        let (linreg, digits) = (compile("linreg"), compile("digits"));
        ok(&zkid(&["setup", "--dev", s(&linreg), "-o", s(&p("linreg-keys"))]));
        ok(&zkid(&[
            "prove",
            s(&linreg),
            "--keys",
            s(&p("linreg-keys")),
            "--input",
            s(&models().join("linreg/sample.npy")),
            "-o",
            s(&p("linreg-proof.json")),
        ]));
        let mini = write_mini_iris(&dir);
        for (statement, keys) in [("enroll", "mini-enroll-keys"), ("match", "mini-match-keys")] {
            ok(&zkid(&[
                "setup",
                "--dev",
                s(&mini),
                "--statement",
                statement,
                "--max-shift",
                "3",
                "--min-bits",
                "16",
                "-o",
                s(&p(keys)),
            ]));
        }
        ok(&zkid(&[
            "enroll",
            s(&mini),
            "--keys",
            s(&p("mini-enroll-keys")),
            "--image",
            s(&p("a1_image.npy")),
            "--mask",
            s(&p("a1_mask.npy")),
            "--enrollment",
            s(&p("a1.sealed")),
            "--sealing-key",
            s(&p("seal.key")),
            "-o",
            s(&p("a1-enroll.json")),
        ]));
        Fixture {
            linreg,
            linreg_keys: p("linreg-keys"),
            linreg_proof: p("linreg-proof.json"),
            digits,
            mini,
            mini_enroll_keys: p("mini-enroll-keys"),
            mini_match_keys: p("mini-match-keys"),
            enrollment: p("a1.sealed"),
            sealing_key: p("seal.key"),
            dir,
        }
    })
}

/// Writes a `.npy` of float32 values with `shape`.
fn npy(path: &Path, shape: Vec<usize>, values: Vec<f32>) {
    let t = zkid_core::FTensor::new(shape, values).unwrap();
    std::fs::write(path, zkid_core::npy::to_bytes(&t).unwrap()).unwrap();
}

/// The mini iris capture `a2` with one pixel replaced.
fn iris_image_with(pixel: f32) -> Vec<f32> {
    let t = zkid_core::npy::from_bytes(&std::fs::read(fixture().dir.path("a2_image.npy")).unwrap()).unwrap();
    let mut v = t.data().to_vec();
    v[100] = pixel;
    v
}

/// A copy of a keys directory with `proving.key` replaced (and the manifest's pin dropped
/// when `keep_manifest` is false, so the key itself is what gets checked).
fn keys_with(from: &Path, to: &Path, proving_key: &[u8], keep_manifest: bool) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if keep_manifest || e.file_name() != "keys.json" {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    std::fs::write(to.join("proving.key"), proving_key).unwrap();
}

/// One row of the table.
struct Row {
    name: &'static str,
    /// Arguments; `{out}` is replaced by the row's (initially empty) output directory and
    /// `{in}` by its input directory.
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
    /// Prepares the row's inputs in the input directory.
    prepare: Box<dyn Fn(&Path)>,
    code: i32,
    /// Each must appear (case-insensitive) in the `error:` line.
    needles: Vec<&'static str>,
}

fn row(name: &'static str, code: i32, needles: &[&'static str], args: &[&str]) -> Row {
    Row {
        name,
        args: args.iter().map(|a| (*a).to_string()).collect(),
        env: Vec::new(),
        prepare: Box::new(|_| {}),
        code,
        needles: needles.to_vec(),
    }
}

impl Row {
    fn prepare(mut self, f: impl Fn(&Path) + 'static) -> Self {
        self.prepare = Box::new(f);
        self
    }
    fn env(mut self, key: &'static str, value: &'static str) -> Self {
        self.env.push((key, value));
        self
    }
}

/// Panic or backtrace text: never acceptable in a user-facing error.
const PANIC_TEXT: [&str; 4] = ["panicked", "RUST_BACKTRACE", "stack backtrace", "thread 'main'"];

/// Runs one row in fresh directories and checks exit code, message, no panic, no outputs.
fn check(r: &Row) -> Result<(), String> {
    let root = TempDir::new();
    let (input, out) = (root.path("in"), root.path("out"));
    std::fs::create_dir_all(&input).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    (r.prepare)(&input);
    let args: Vec<String> = r.args.iter().map(|a| a.replace("{out}", s(&out)).replace("{in}", s(&input))).collect();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zkid"));
    cmd.args(&args).env_remove(memory_env()).env("RUST_BACKTRACE", "1");
    for (k, v) in &r.env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let (so, se) = (stdout(&o), stderr(&o));
    let fail =
        |why: String| Err(format!("{}: {why}\n  zkid {}\n  stdout: {so}\n  stderr: {se}", r.name, args.join(" ")));
    if o.status.code() != Some(r.code) {
        return fail(format!("exit code {:?}, expected {}", o.status.code(), r.code));
    }
    if let Some(t) = PANIC_TEXT.iter().find(|t| so.contains(*t) || se.contains(*t)) {
        return fail(format!("panic text {t:?}"));
    }
    let Some(line) = se.lines().find(|l| l.starts_with("error: ")) else { return fail("no `error:` line".into()) };
    if let Some(n) = r.needles.iter().find(|n| !line.to_lowercase().contains(&n.to_lowercase())) {
        return fail(format!("{n:?} missing from the error line"));
    }
    let left: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    if !left.is_empty() {
        return fail(format!("the output directory is not empty: {left:?}"));
    }
    Ok(())
}

fn memory_env() -> &'static str {
    "ZKID_MEMORY_BUDGET"
}

fn table() -> Vec<Row> {
    let f = fixture();
    let linreg = s(&f.linreg).to_string().leak() as &str;
    let lkeys = s(&f.linreg_keys).to_string().leak() as &str;
    let digits = s(&f.digits).to_string().leak() as &str;
    let mini = s(&f.mini).to_string().leak() as &str;
    let ekeys = s(&f.mini_enroll_keys).to_string().leak() as &str;
    let mkeys = s(&f.mini_match_keys).to_string().leak() as &str;
    let sealed = s(&f.enrollment).to_string().leak() as &str;
    let skey = s(&f.sealing_key).to_string().leak() as &str;
    let proof = s(&f.linreg_proof).to_string().leak() as &str;
    let fx = |n: &str| s(&f.dir.path(n)).to_string().leak() as &str;
    let (a2i, a2m) = (fx("a2_image.npy"), fx("a2_mask.npy"));
    let sample = s(&models().join("linreg/sample.npy")).to_string().leak() as &str;
    let linreg_len = zkid_core::npy::from_bytes(&std::fs::read(sample).unwrap()).unwrap().data().len();
    let linreg_shape = zkid_core::npy::from_bytes(&std::fs::read(sample).unwrap()).unwrap().shape().to_vec();
    let prove = |input: &str| -> Vec<&'static str> {
        vec!["prove", linreg, "--keys", lkeys, "--input", input.to_string().leak(), "-o", "{out}/proof.json"]
    };
    let enroll = |image: &str, mask: &str| -> Vec<&'static str> {
        vec![
            "enroll",
            mini,
            "--keys",
            ekeys,
            "--image",
            image.to_string().leak(),
            "--mask",
            mask.to_string().leak(),
            "--enrollment",
            "{out}/a.sealed",
            "--sealing-key",
            "{out}/seal.key",
            "-o",
            "{out}/enroll.json",
        ]
    };
    let matching = |sealed: &str, key: &str| -> Vec<&'static str> {
        vec![
            "match",
            mini,
            "--keys",
            mkeys,
            "--image",
            a2i,
            "--mask",
            a2m,
            "--enrollment",
            sealed.to_string().leak(),
            "--sealing-key",
            key.to_string().leak(),
            "-o",
            "{out}/match.json",
        ]
    };
    let nonfinite = move |value: f32| {
        let shape = linreg_shape.clone();
        move |dir: &Path| {
            let mut v = vec![0.5f32; linreg_len];
            v[linreg_len / 2] = value;
            npy(&dir.join("x.npy"), shape.clone(), v);
        }
    };
    let pk = std::fs::read(f.linreg_keys.join("proving.key")).unwrap();
    let empty = |name: &'static str| move |dir: &Path| std::fs::write(dir.join(name), b"").unwrap();
    vec![
        // Wrong sizes.
        row(
            "input of the wrong shape",
            2,
            &["input shape mismatch", "sample.npy"],
            &prove(s(&models().join("digits/sample.npy"))),
        ),
        row("iris image of the wrong size", 2, &["img.npy", "16"], &enroll("{in}/img.npy", a2m))
            .prepare(|d| npy(&d.join("img.npy"), vec![16, 63], vec![100.0; 16 * 63])),
        // Non-finite floats.
        row("NaN in the .npy input", 2, &["not finite", "x.npy"], &prove("{in}/x.npy")).prepare(nonfinite(f32::NAN)),
        row("+inf in the .npy input", 2, &["not finite", "x.npy"], &prove("{in}/x.npy"))
            .prepare(nonfinite(f32::INFINITY)),
        row("-inf in the .npy input", 2, &["not finite", "x.npy"], &prove("{in}/x.npy"))
            .prepare(nonfinite(f32::NEG_INFINITY)),
        row("NaN in an iris image", 2, &["img.npy"], &enroll("{in}/img.npy", a2m))
            .prepare(|d| npy(&d.join("img.npy"), vec![16, 64], iris_image_with(f32::NAN))),
        row("+inf in an iris image", 2, &["img.npy"], &enroll("{in}/img.npy", a2m))
            .prepare(|d| npy(&d.join("img.npy"), vec![16, 64], iris_image_with(f32::INFINITY))),
        // An empty file of every kind.
        row(
            "empty model",
            2,
            &["model", "empty"],
            &["prove", "{in}/m.zkm", "--keys", lkeys, "--input", sample, "-o", "{out}/p.json"],
        )
        .prepare(empty("m.zkm")),
        row(
            "empty ONNX model",
            2,
            &["m.onnx"],
            &[
                "compile",
                "{in}/m.onnx",
                "--calibration",
                s(&models().join("linreg/calib.npy")).to_string().leak(),
                "-o",
                "{out}/m.zkm",
            ],
        )
        .prepare(empty("m.onnx")),
        row(
            "empty proving key",
            2,
            &["proving key", "proving.key"],
            &["prove", linreg, "--keys", "{in}/k", "--input", sample, "-o", "{out}/p.json"],
        )
        .prepare(move |d| keys_with(&fixture().linreg_keys, &d.join("k"), b"", false)),
        row("empty verifying key", 2, &["verifying key"], &["verify", "--keys", "{in}/k", proof]).prepare(|d| {
            keys_with(
                &fixture().linreg_keys,
                &d.join("k"),
                &std::fs::read(fixture().linreg_keys.join("proving.key")).unwrap(),
                false,
            );
            std::fs::write(d.join("k/verifying.key"), b"").unwrap();
        }),
        row("empty proof", 2, &["proof", "p.json"], &["verify", "--keys", lkeys, "{in}/p.json"])
            .prepare(empty("p.json")),
        row("empty .npy input", 2, &["input", "x.npy", "empty"], &prove("{in}/x.npy")).prepare(empty("x.npy")),
        row("empty iris image", 2, &["image", "img.npy", "empty"], &enroll("{in}/img.npy", a2m))
            .prepare(empty("img.npy")),
        row("empty iris mask", 2, &["mask", "m.npy", "empty"], &enroll(a2i, "{in}/m.npy")).prepare(empty("m.npy")),
        row("empty sealed enrollment", 2, &["enrollment", "e.sealed", "empty"], &matching("{in}/e.sealed", skey))
            .prepare(empty("e.sealed")),
        row("empty sealing key", 2, &["sealing key", "s.key", "empty"], &matching(sealed, "{in}/s.key"))
            .prepare(empty("s.key")),
        // Keys of another model, truncated or corrupt keys.
        row(
            "keys of another model",
            2,
            &["do not belong"],
            &[
                "prove",
                digits,
                "--keys",
                lkeys,
                "--input",
                s(&models().join("digits/sample.npy")).to_string().leak(),
                "-o",
                "{out}/p.json",
            ],
        ),
        row(
            "iris keys of another model",
            2,
            &["do not belong"],
            &[
                "enroll",
                linreg,
                "--keys",
                ekeys,
                "--image",
                sample,
                "--enrollment",
                "{out}/a.sealed",
                "--sealing-key",
                "{out}/s.key",
                "-o",
                "{out}/e.json",
            ],
        ),
        row(
            "truncated proving key",
            2,
            &["truncated"],
            &["prove", linreg, "--keys", "{in}/k", "--input", sample, "-o", "{out}/p.json"],
        )
        .prepare({
            let pk = pk.clone();
            move |d| keys_with(&fixture().linreg_keys, &d.join("k"), &pk[..pk.len() / 2], false)
        }),
        row(
            "corrupted proving key",
            2,
            &["digest mismatch"],
            &["prove", linreg, "--keys", "{in}/k", "--input", sample, "-o", "{out}/p.json"],
        )
        .prepare({
            let mut pk = pk.clone();
            let mid = pk.len() / 2;
            pk[mid] ^= 0x40;
            move |d| keys_with(&fixture().linreg_keys, &d.join("k"), &pk, false)
        }),
        row(
            "another valid proving key under the manifest",
            2,
            &["not the pinned one"],
            &["prove", linreg, "--keys", "{in}/k", "--input", sample, "-o", "{out}/p.json"],
        )
        .prepare(|d| {
            let other = std::fs::read(fixture().mini_enroll_keys.join("proving.key")).unwrap();
            keys_with(&fixture().linreg_keys, &d.join("k"), &other, true);
        }),
        row(
            "corrupted proof (a point off the curve)",
            2,
            &["malformed proof"],
            &["verify", "--keys", lkeys, "{in}/p.json"],
        )
        .prepare(|d| {
            let mut v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&fixture().linreg_proof).unwrap()).unwrap();
            let x = v["proof"]["pi_a"][0].as_str().unwrap().to_string();
            let flipped =
                if x.ends_with('1') { format!("{}2", &x[..x.len() - 1]) } else { format!("{}1", &x[..x.len() - 1]) };
            v["proof"]["pi_a"][0] = serde_json::Value::String(flipped);
            std::fs::write(d.join("p.json"), v.to_string()).unwrap();
        }),
        row("proof with a changed public signal", 1, &["invalid proof"], &["verify", "--keys", lkeys, "{in}/p.json"])
            .prepare(|d| {
                let mut v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&fixture().linreg_proof).unwrap()).unwrap();
                v["publicSignals"][0] = serde_json::Value::String("12345".into());
                std::fs::write(d.join("p.json"), v.to_string()).unwrap();
            }),
        row("truncated proof", 2, &["malformed proof"], &["verify", "--keys", lkeys, "{in}/p.json"]).prepare(|d| {
            let text = std::fs::read_to_string(&fixture().linreg_proof).unwrap();
            std::fs::write(d.join("p.json"), &text[..text.len() / 2]).unwrap();
        }),
        row("sealed enrollment under another key", 2, &["cannot unseal"], &matching(sealed, "{in}/s.key"))
            .prepare(|d| std::fs::write(d.join("s.key"), [7u8; 32]).unwrap()),
        row("garbage sealed enrollment", 2, &["e.sealed", "sealed blob"], &matching("{in}/e.sealed", skey))
            .prepare(|d| std::fs::write(d.join("e.sealed"), [0x5au8; 100]).unwrap()),
        // The memory budget, refused before anything is written.
        row(
            "setup over the memory budget",
            2,
            &["refusing to set up", "needs an estimated", "memory budget of 16.00 MiB", "--memory-budget"],
            &["setup", "--dev", digits, "-o", "{out}/keys", "--memory-budget", "16MiB"],
        ),
        row(
            "prove over the memory budget",
            2,
            &["needs an estimated", "memory budget of 1.00 MiB", "--memory-budget"],
            &["prove", linreg, "--keys", lkeys, "--input", sample, "-o", "{out}/p.json", "--memory-budget", "1MiB"],
        ),
        row(
            "proving key too large to load within the budget",
            2,
            &["refusing to load proving key", "needs an estimated", "memory budget of 20.00 MiB"],
            &{
                let mut a = enroll(a2i, a2m);
                a.extend(["--memory-budget", "20MiB"]);
                a
            },
        ),
        row(
            "match over the memory budget",
            2,
            &["refusing to load proving key", "needs an estimated", "memory budget of 30.00 MiB"],
            &{
                let mut a = matching(sealed, skey);
                a.extend(["--memory-budget", "30MiB"]);
                a
            },
        ),
        row(
            "budget from ZKID_MEMORY_BUDGET",
            2,
            &["refusing to set up", "memory budget of 10.00 MiB"],
            &["setup", "--dev", linreg, "--statement", "enroll", "-o", "{out}/keys"],
        )
        .env("ZKID_MEMORY_BUDGET", "10MiB"),
        row(
            "malformed --memory-budget",
            2,
            &["--memory-budget", "512MiB"],
            &["setup", "--dev", linreg, "-o", "{out}/keys", "--memory-budget", "lots"],
        ),
        row("malformed ZKID_MEMORY_BUDGET", 2, &["ZKID_MEMORY_BUDGET", "512MiB"], &prove(sample))
            .env("ZKID_MEMORY_BUDGET", "-3G"),
    ]
}

#[test]
fn every_bad_input_row_fails_cleanly() {
    let rows = table();
    let failures: Vec<String> = rows.iter().filter_map(|r| check(r).err()).collect();
    eprintln!("{} rows, {} failed", rows.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The harness itself: a row that succeeds, or writes its output, is reported.
#[test]
fn the_table_catches_a_row_that_writes_or_succeeds() {
    let f = fixture();
    let sample = s(&models().join("linreg/sample.npy")).to_string();
    let good = row(
        "a good proof",
        2,
        &[],
        &["prove", s(&f.linreg), "--keys", s(&f.linreg_keys), "--input", &sample, "-o", "{out}/p.json"],
    );
    let e = check(&good).unwrap_err();
    assert!(e.contains("exit code Some(0)"), "{e}");
    let mut good = good;
    good.code = 0;
    let e = check(&good).unwrap_err();
    assert!(e.contains("no `error:` line"), "{e}");
}

// ---- cancellation ---------------------------------------------------------------------

/// `mnist` (106k constraints) set up once: its setup and its proof's phases take long
/// enough (tens to hundreds of milliseconds) for a signal to land inside them.
fn mnist() -> &'static (TempDir, PathBuf, PathBuf) {
    static FIX: OnceLock<(TempDir, PathBuf, PathBuf)> = OnceLock::new();
    FIX.get_or_init(|| {
        let dir = TempDir::new();
        let zkm = dir.path("mnist.zkm");
        ok(&zkid(&["compile", s(&models().join("mnist/model.onnx")), "-o", s(&zkm)]));
        let keys = dir.path("keys");
        ok(&zkid(&["setup", "--dev", s(&zkm), "-o", s(&keys)]));
        (dir, zkm, keys)
    })
}

fn signal(pid: u32, sig: &str) {
    let st = Command::new("kill").args([&format!("-{sig}"), &pid.to_string()]).status().unwrap();
    assert!(st.success(), "kill -{sig} {pid}");
}

/// Spawns `args` with `ZKID_PROGRESS=lines` and sends `sig` as soon as a progress line on
/// stderr contains `trigger`: the signal lands inside that step however fast the machine
/// is. Returns the exit code and all of stderr.
fn interrupted(args: &[&str], sig: &str, trigger: &str) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zkid"))
        .args(args)
        .env_remove("ZKID_MEMORY_BUDGET")
        .env("ZKID_PROGRESS", "lines")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = String::new();
    let mut sent = false;
    for l in BufReader::new(child.stderr.take().unwrap()).lines() {
        let l = l.unwrap();
        if !sent && l.contains(trigger) {
            signal(child.id(), sig);
            sent = true;
        }
        err.push_str(&l);
        err.push('\n');
    }
    let status = child.wait().unwrap();
    assert!(sent, "no progress line contained `{trigger}`:\n{err}");
    (status.code(), err)
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// Ctrl-C (and SIGTERM) during a proof: the prover stops at the next phase, the command
/// exits 130 and writes nothing, not even a temporary file.
#[test]
fn a_cancelled_proof_exits_130_and_leaves_nothing() {
    let (_dir, zkm, keys) = mnist();
    let input = models().join("mnist/sample.npy");
    let out = TempDir::new();
    let proof = out.path("proof.json");
    let args = ["prove", s(zkm), "--keys", s(keys), "--input", s(&input), "-o", s(&proof), "--json"];
    // Phases with at least ~200 ms of proving after their start (witness map and all MSMs).
    for (sig, phase) in [("INT", "synthesis"), ("TERM", "witness_map"), ("INT", "msm_h")] {
        let (code, err) = interrupted(&args, sig, &format!("proving: {phase} started"));
        assert_eq!(code, Some(130), "SIG{sig} at the start of {phase}: {err}");
        assert!(!PANIC_TEXT.iter().any(|t| err.contains(t)), "{err}");
        assert!(err.contains("cancelling: the proof stops at the next phase"), "SIG{sig} at {phase}: {err}");
        assert!(err.contains("error: ") && err.contains("cancelled"), "{err}");
        assert!(!err.contains("proving: msm_b_g2 finished"), "the proof ran to its end: {err}");
        assert!(entries(&out.0).is_empty(), "left behind: {:?}", entries(&out.0));
    }
}

/// `ZKID_PROGRESS` is checked up front: a typo is a usage error, not silently `auto`.
#[test]
fn a_malformed_progress_mode_is_a_usage_error() {
    let o = Command::new(env!("CARGO_BIN_EXE_zkid"))
        .args(["infer", "missing.zkm", "--input", "missing.npy"])
        .env("ZKID_PROGRESS", "verbose")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("ZKID_PROGRESS must be `auto`, `lines` or `off`, not `verbose`"), "{err}");
}

/// Ctrl-C during a setup (which cannot stop half-way): the process stops at once, and
/// the keys directory it would have created does not exist.
#[test]
fn a_cancelled_setup_exits_130_and_leaves_no_keys() {
    let (_dir, zkm, _) = mnist();
    let out = TempDir::new();
    let keys = out.path("keys");
    let (code, err) = interrupted(&["setup", "--dev", s(zkm), "-o", s(&keys)], "INT", "zkid: dev setup");
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("cancelled: nothing was written"), "{err}");
    assert!(entries(&out.0).is_empty(), "left behind: {:?}", entries(&out.0));
}
