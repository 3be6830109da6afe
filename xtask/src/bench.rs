//! `cargo xtask bench [--compare] [--quick]`: zkid's benchmark suite, one table of ratios.
//!
//! Builds the release CLI, compiles the suite's models into `target/bench/models/`, then
//! runs `zkid bench --json --stock` on each row: zkid's prover and stock ark-groth16 on the
//! same statement, key and machine, in the same process. With `--compare` it also installs
//! (idempotently, project-local) and runs the peers on the same inputs:
//!
//! * **snarkjs** (tools/npm, pinned): zkid's dev key exported as a `.zkey` and the
//!   statement's witness as a `.wtns` (`zkid export zkey|wtns`), proved with
//!   `snarkjs groth16 prove` as a subprocess (wall time and peak RSS, polled from
//!   `/proc/PID/status`), and once more inside one node process through snarkjs's API
//!   (`groth16.prove`, node start-up and module loading excluded: snarkjs's own time);
//! * **ezkl** (tools/ezkl: a venv with a pinned ezkl from PyPI) on the same ONNX models and
//!   inputs through `tools/ezkl/run.py` (SRS generated locally, prove timed in a child).
//!
//! Writes `target/bench/results.json` (machine, every row's raw output, the ratios) and
//! `target/bench/prove.svg` (prove time per row and prover, log scale), and prints the
//! table. `--quick` runs each row once and skips the full iris model (minutes, not half an
//! hour). Timings on a shared 2-core machine are noisy: the load average before and after
//! is recorded next to the results.

use crate::Ctx;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Constraints of the synthetic row: a full 2^20 domain (1,048,000 + 2 instance rows).
const SYNTHETIC_CONSTRAINTS: &str = "1048000";

/// One row of the suite.
struct Row {
    /// Row name in the table.
    name: &'static str,
    /// `Some(folder)` for an ONNX model under `models/` (compiled first), else a `.zkm` path
    /// or `None` for the synthetic circuit.
    source: Source,
    /// Extra `zkid bench` arguments (statement flags).
    args: &'static [&'static str],
    /// Skipped with `--quick`.
    slow: bool,
    /// Compared with snarkjs under `--compare`.
    snarkjs: bool,
    /// Compared with ezkl under `--compare`.
    ezkl: bool,
}

enum Source {
    Onnx(&'static str),
    Zkm(&'static str),
    Synthetic,
}

const SUITE: &[Row] = &[
    Row { name: "digits infer", source: Source::Onnx("digits"), args: &[], slow: false, snarkjs: true, ezkl: false },
    Row { name: "mnist infer", source: Source::Onnx("mnist"), args: &[], slow: false, snarkjs: true, ezkl: true },
    Row { name: "facecnn infer", source: Source::Onnx("facecnn"), args: &[], slow: false, snarkjs: true, ezkl: true },
    Row {
        name: "face enroll",
        source: Source::Onnx("face"),
        args: &["--statement", "enroll"],
        slow: false,
        snarkjs: false,
        ezkl: false,
    },
    Row {
        name: "face match",
        source: Source::Onnx("face"),
        args: &["--statement", "match"],
        slow: false,
        snarkjs: false,
        ezkl: false,
    },
    Row {
        name: "iris enroll",
        source: Source::Zkm("models/iris/iris.zkm"),
        args: &["--statement", "enroll"],
        slow: true,
        snarkjs: false,
        ezkl: false,
    },
    Row {
        name: "iris match",
        source: Source::Zkm("models/iris/iris.zkm"),
        args: &["--statement", "match"],
        slow: true,
        snarkjs: false,
        ezkl: false,
    },
    Row {
        name: "mini iris enroll",
        source: Source::Zkm("models/iris/mini/model.zkm"),
        args: &["--statement", "enroll"],
        slow: false,
        snarkjs: false,
        ezkl: false,
    },
    Row {
        name: "mini iris match",
        source: Source::Zkm("models/iris/mini/model.zkm"),
        args: &["--statement", "match", "--max-shift", "3", "--min-bits", "16"],
        slow: false,
        snarkjs: false,
        ezkl: false,
    },
    Row {
        name: "synthetic 1,048,000",
        source: Source::Synthetic,
        args: &["--synthetic", SYNTHETIC_CONSTRAINTS],
        slow: false,
        snarkjs: false,
        ezkl: false,
    },
];

/// Options of `cargo xtask bench`.
struct Options {
    compare: bool,
    quick: bool,
}

/// `cargo xtask bench [--compare] [--quick]`.
pub fn command(ctx: &Ctx, args: &[String]) -> Result<(), String> {
    let mut opts = Options { compare: false, quick: false };
    for a in args {
        match a.as_str() {
            "--compare" => opts.compare = true,
            "--quick" => opts.quick = true,
            other => return Err(format!("unknown bench option `{other}` (expected --compare, --quick)")),
        }
    }
    run(ctx, &opts)
}

fn run(ctx: &Ctx, opts: &Options) -> Result<(), String> {
    let started = Instant::now();
    let out_dir = ctx.target_dir().join("bench");
    let models_dir = out_dir.join("models");
    std::fs::create_dir_all(&models_dir).map_err(|e| format!("cannot create {}: {e}", models_dir.display()))?;
    let load_before = load_average();

    eprintln!("\n==> [bench] release build of the CLI");
    ctx.run(ctx.cargo().args(["build", "--release", "-p", "zkid-cli"]))?;
    let zkid = ctx.target_dir().join("release").join("zkid");
    if opts.compare {
        eprintln!("\n==> [bench] installing the peers (idempotent)");
        ctx.install("tools/npm/install.sh", &[])?;
        ctx.install("tools/ezkl/install.sh", &[])?;
    }

    let runs = if opts.quick { "1" } else { "3" };
    let mut rows = Vec::new();
    for row in SUITE.iter().filter(|r| !(opts.quick && r.slow)) {
        eprintln!("\n==> [bench] {}", row.name);
        let zkm = match row.source {
            Source::Onnx(folder) => Some(compile(ctx, &zkid, folder, &models_dir)?),
            Source::Zkm(path) => Some(ctx.root.join(path)),
            Source::Synthetic => None,
        };
        // The big rows run once: they take minutes each on 2 cores.
        let row_runs = if row.slow || matches!(row.source, Source::Synthetic) { "1" } else { runs };
        let mut cmd = Command::new(&zkid);
        cmd.current_dir(&ctx.root).arg("bench");
        if let Some(m) = &zkm {
            cmd.arg(m);
        }
        cmd.args(["--json", "--stock", "--runs", row_runs]).args(row.args);
        let zkid_json = json_of(&capture(&mut cmd)?)?;
        // The same statement in lookup mode (its own key; stock cannot prove it).
        let lookup_json = match &zkm {
            Some(m) => {
                let mut cmd = Command::new(&zkid);
                cmd.current_dir(&ctx.root).arg("bench").arg(m);
                cmd.args(["--json", "--lookup", "--runs", row_runs]).args(row.args);
                json_of(&capture(&mut cmd)?)?
            }
            None => Value::Null,
        };

        let mut snarkjs = Value::Null;
        let mut ezkl = Value::Null;
        if opts.compare {
            if let (true, Some(m)) = (row.snarkjs, &zkm) {
                snarkjs = run_snarkjs(ctx, &zkid, m, row, &out_dir)?;
            }
            if let (true, Source::Onnx(folder)) = (row.ezkl, &row.source) {
                ezkl = run_ezkl(ctx, folder, &out_dir)?;
            }
        }
        let ratios = ratios(&zkid_json, &lookup_json, &snarkjs, &ezkl);
        rows.push(json!({
            "name": row.name,
            "zkid": zkid_json,
            "zkid_lookup": lookup_json,
            "snarkjs": snarkjs,
            "ezkl": ezkl,
            "ratios": ratios,
        }));
    }

    let doc = json!({
        "suite": "cargo xtask bench",
        "options": { "compare": opts.compare, "quick": opts.quick },
        "machine": machine(load_before),
        "duration_s": started.elapsed().as_secs_f64(),
        "note": "zkid and stock ark-groth16 run in the same process on the same key; snarkjs proves zkid's \
                 exported key and witness; ezkl proves the same ONNX model and input with its own key. \
                 Timings on a shared machine are noisy: see machine.load_average_*.",
        "rows": rows,
    });
    let results = out_dir.join("results.json");
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    std::fs::write(&results, text + "\n").map_err(|e| format!("cannot write {}: {e}", results.display()))?;
    let svg = out_dir.join("prove.svg");
    std::fs::write(&svg, prove_svg(&rows)).map_err(|e| format!("cannot write {}: {e}", svg.display()))?;
    print_table(&rows);
    eprintln!("\n  wrote {} and {}", results.display(), svg.display());
    Ok(())
}

/// `zkid compile models/FOLDER/model.onnx -o DIR/FOLDER.zkm` (calibration next to it).
fn compile(ctx: &Ctx, zkid: &Path, folder: &str, dir: &Path) -> Result<PathBuf, String> {
    let out = dir.join(format!("{folder}.zkm"));
    let onnx = ctx.root.join("models").join(folder).join("model.onnx");
    let mut cmd = Command::new(zkid);
    cmd.arg("compile").arg(&onnx).arg("-o").arg(&out).arg("--json").current_dir(&ctx.root);
    capture(&mut cmd)?;
    Ok(out)
}

/// Runs `cmd` (stderr inherited), returns its stdout.
fn capture(cmd: &mut Command) -> Result<String, String> {
    let shown = crate::describe(cmd);
    eprintln!("  $ {shown}");
    let out = cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{shown}` failed ({})", out.status));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("`{shown}` printed non-UTF-8"))
}

/// The last JSON object a command printed (tools may log lines before it).
fn json_of(stdout: &str) -> Result<Value, String> {
    let start = stdout.find('{').ok_or_else(|| format!("no JSON in the output:\n{stdout}"))?;
    serde_json::from_str(&stdout[start..]).map_err(|e| format!("unreadable JSON ({e}):\n{stdout}"))
}

/// What a subprocess cost: wall time, peak RSS (polled `VmHWM`), its stdout.
struct Measured {
    wall: Duration,
    peak_rss: Option<u64>,
    stdout: String,
}

/// Runs `cmd` to completion, polling its peak RSS every 10 ms (Linux).
fn measure(cmd: &mut Command) -> Result<Measured, String> {
    let shown = crate::describe(cmd);
    eprintln!("  $ {shown}");
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = None;
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut out) = stdout {
            let _ = std::io::Read::read_to_string(&mut out, &mut s);
        }
        s
    });
    let status = loop {
        if let Some(kb) = std::fs::read_to_string(&status_path).ok().and_then(|s| status_kb(&s, "VmHWM:")) {
            peak = peak.max(Some(kb * 1024));
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("cannot wait for `{shown}`: {e}")),
        }
    };
    let wall = start.elapsed();
    let stdout = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("`{shown}` failed ({status})"));
    }
    Ok(Measured { wall, peak_rss: peak, stdout })
}

fn status_kb(status: &str, key: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.trim_start_matches(key).trim().trim_end_matches("kB").trim().parse().ok()
}

/// snarkjs on zkid's circuit: dev keys, `export zkey`, `export wtns`, then `snarkjs groth16
/// prove` (timed subprocess) and snarkjs's API inside one node process (its own time).
fn run_snarkjs(ctx: &Ctx, zkid: &Path, zkm: &Path, row: &Row, out_dir: &Path) -> Result<Value, String> {
    let dir = out_dir.join("snarkjs").join(row.name.replace(' ', "-"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let input = match row.source {
        Source::Onnx(folder) => ctx.root.join("models").join(folder).join("sample.npy"),
        _ => return Err(format!("{}: snarkjs rows need an ONNX model with a sample", row.name)),
    };
    let keys = dir.join("keys");
    capture(Command::new(zkid).arg("setup").arg(zkm).arg("--dev").arg("-o").arg(&keys).args(row.args))?;
    let zkey = dir.join("circuit.zkey");
    let wtns = dir.join("witness.wtns");
    capture(Command::new(zkid).args(["export", "zkey", "--keys"]).arg(&keys).arg(zkm).arg("-o").arg(&zkey))?;
    capture(Command::new(zkid).args(["export", "wtns"]).arg(zkm).arg("--input").arg(&input).arg("-o").arg(&wtns))?;
    let snarkjs = ctx.root.join("tools/npm/node_modules/.bin/snarkjs");
    let cli = measure(Command::new(&snarkjs).current_dir(&dir).args([
        "groth16",
        "prove",
        "circuit.zkey",
        "witness.wtns",
        "proof.json",
        "public.json",
    ]))?;
    let verified = capture(Command::new(&snarkjs).current_dir(&dir).args([
        "groth16",
        "verify",
        "keys/verification_key.json",
        "public.json",
        "proof.json",
    ]))
    .map(|out| out.contains("OK"))
    .unwrap_or(false);
    // snarkjs's own time: groth16.prove inside a running node (no start-up, modules loaded).
    let script = "const s = require('snarkjs'); const t = process.hrtime.bigint(); \
                  s.groth16.prove(process.argv[1], process.argv[2]).then(() => { \
                  console.log(JSON.stringify({ own_ms: Number(process.hrtime.bigint() - t) / 1e6 })); \
                  process.exit(0); }).catch(e => { console.error(e); process.exit(1); });";
    let own = measure(
        Command::new("node").current_dir(ctx.root.join("tools/npm")).arg("-e").arg(script).arg(&zkey).arg(&wtns),
    )?;
    let own_ms = json_of(&own.stdout)?.get("own_ms").and_then(Value::as_f64);
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).ok();
    Ok(json!({
        "tool": "snarkjs",
        "prove_ms": cli.wall.as_secs_f64() * 1e3,
        "prove_own_ms": own_ms,
        "prove_peak_rss_bytes": cli.peak_rss,
        "zkey_bytes": size(&zkey),
        "wtns_bytes": size(&wtns),
        "verified": verified,
        "stdout": cli.stdout.trim(),
    }))
}

/// ezkl on the same ONNX model and input (`tools/ezkl/run.py`).
fn run_ezkl(ctx: &Ctx, folder: &str, out_dir: &Path) -> Result<Value, String> {
    let dir = out_dir.join("ezkl").join(folder);
    let _ = std::fs::remove_dir_all(&dir);
    let python = ctx.root.join("tools/ezkl/.venv/bin/python");
    let model = ctx.root.join("models").join(folder);
    let measured = measure(
        Command::new(python)
            .arg(ctx.root.join("tools/ezkl/run.py"))
            .arg(model.join("model.onnx"))
            .arg(model.join("sample.npy"))
            .arg(&dir),
    )?;
    let mut v = json_of(&measured.stdout)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("pipeline_wall_ms".into(), json!(measured.wall.as_secs_f64() * 1e3));
    }
    Ok(v)
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// Peer ÷ zkid for time, key size and peak RSS (> 1: zkid is better).
/// Peer (or stock) figure over zkid's, for the plain (`bits`) and the lookup-mode proofs.
fn ratios(zkid: &Value, lookup: &Value, snarkjs: &Value, ezkl: &Value) -> Value {
    let (t, pk, rss) = (num(zkid, "prove_ms"), num(zkid, "proving_key_bytes"), num(zkid, "prove_peak_rss_bytes"));
    let (lt, lpk, lrss) =
        (num(lookup, "prove_ms"), num(lookup, "proving_key_bytes"), num(lookup, "prove_peak_rss_bytes"));
    json!({
        "lookup_stock_prove_time": ratio(num(zkid, "stock_prove_ms"), lt),
        "lookup_zkid_prove_time": ratio(t, lt),
        "lookup_ezkl_prove_time": ratio(num(ezkl, "prove_ms"), lt),
        "lookup_ezkl_proving_key": ratio(num(ezkl, "proving_key_bytes"), lpk),
        "lookup_ezkl_peak_rss": ratio(num(ezkl, "prove_peak_rss_bytes"), lrss),
        "stock_prove_time": ratio(num(zkid, "stock_prove_ms"), t),
        "stock_peak_rss": ratio(num(zkid, "stock_peak_rss_bytes"), rss),
        "snarkjs_prove_time": ratio(num(snarkjs, "prove_ms"), t),
        "snarkjs_own_prove_time": ratio(num(snarkjs, "prove_own_ms"), t),
        "snarkjs_proving_key": ratio(num(snarkjs, "zkey_bytes"), pk),
        "snarkjs_peak_rss": ratio(num(snarkjs, "prove_peak_rss_bytes"), rss),
        "ezkl_prove_time": ratio(num(ezkl, "prove_ms"), t),
        "ezkl_proving_key": ratio(num(ezkl, "proving_key_bytes"), pk),
        "ezkl_peak_rss": ratio(num(ezkl, "prove_peak_rss_bytes"), rss),
    })
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|s| s.trim().to_owned()).unwrap_or_default()
}

/// CPU model, cores, memory, kernel, rustc, load.
fn machine(load_before: String) -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |key: &str| {
        cpuinfo.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_once(':')).map(|(_, v)| v.trim().to_owned())
    };
    let flags = field("flags").unwrap_or_default();
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    json!({
        "cpu_model": field("model name").or_else(|| field("CPU part")),
        "nproc": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "adx_bmi2": flags.contains(" adx") && flags.contains(" bmi2"),
        "mem_total_kb": status_kb(&meminfo, "MemTotal:"),
        "kernel": std::fs::read_to_string("/proc/sys/kernel/osrelease").map(|s| s.trim().to_owned()).ok(),
        "arch": std::env::consts::ARCH,
        "rustc": rustc,
        "load_average_before": load_before,
        "load_average_after": load_average(),
    })
}

fn fmt_ms(v: Option<f64>) -> String {
    match v {
        Some(ms) if ms >= 10_000.0 => format!("{:.1} s", ms / 1e3),
        Some(ms) if ms >= 1000.0 => format!("{:.2} s", ms / 1e3),
        Some(ms) => format!("{ms:.0} ms"),
        None => "-".into(),
    }
}

fn fmt_mib(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |b| format!("{:.0} MiB", b / 1048576.0))
}

fn fmt_x(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{x:.1}x"))
}

/// One table: per row zkid's figures and each peer's, with peer ÷ zkid ratios.
fn print_table(rows: &[Value]) {
    let header = [
        "row",
        "constraints",
        "zkid",
        "stock",
        "×",
        "lookup",
        "× stock",
        "snarkjs",
        "×",
        "ezkl",
        "×",
        "× lookup",
        "pk zkid",
        "pk snarkjs",
        "pk ezkl",
        "RSS zkid",
        "RSS stock",
        "RSS snarkjs",
        "RSS ezkl",
    ];
    let mut table: Vec<Vec<String>> = Vec::new();
    for r in rows {
        let (z, s, e, x) = (&r["zkid"], &r["snarkjs"], &r["ezkl"], &r["ratios"]);
        table.push(vec![
            r["name"].as_str().unwrap_or_default().to_owned(),
            num(z, "constraints").map_or_else(|| "-".into(), |c| format!("{c:.0}")),
            fmt_ms(num(z, "prove_ms")),
            fmt_ms(num(z, "stock_prove_ms")),
            fmt_x(num(x, "stock_prove_time")),
            fmt_ms(num(&r["zkid_lookup"], "prove_ms")),
            fmt_x(num(x, "lookup_stock_prove_time")),
            fmt_ms(num(s, "prove_ms")),
            fmt_x(num(x, "snarkjs_prove_time")),
            fmt_ms(num(e, "prove_ms")),
            fmt_x(num(x, "ezkl_prove_time")),
            fmt_x(num(x, "lookup_ezkl_prove_time")),
            fmt_mib(num(z, "proving_key_bytes")),
            fmt_mib(num(s, "zkey_bytes")),
            fmt_mib(num(e, "proving_key_bytes")),
            fmt_mib(num(z, "prove_peak_rss_bytes")),
            fmt_mib(num(z, "stock_peak_rss_bytes")),
            fmt_mib(num(s, "prove_peak_rss_bytes")),
            fmt_mib(num(e, "prove_peak_rss_bytes")),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| table.iter().map(|r| r[i].chars().count()).chain([header[i].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths[i].saturating_sub(c.chars().count());
                if i == 0 { format!("{c}{}", " ".repeat(pad)) } else { format!("{}{c}", " ".repeat(pad)) }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    println!("\nprove time, proving key and peak RSS while proving (× = peer ÷ zkid; > 1: zkid is ahead)");
    println!("{}", line(header.iter().map(|s| (*s).to_owned()).collect()));
    println!("{}", "-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
    for r in table {
        println!("{}", line(r));
    }
}

/// Prove time per row and prover as horizontal bars on a log scale (hand-written SVG: the
/// CLI's plotters draws single runs; this file needs no dependency).
fn prove_svg(rows: &[Value]) -> String {
    const PROVERS: [(&str, &str, &str); 4] = [
        ("zkid", "zkid", "#1f77b4"),
        ("stock", "stock ark-groth16", "#7f7f7f"),
        ("snarkjs", "snarkjs", "#ff7f0e"),
        ("ezkl", "ezkl", "#2ca02c"),
    ];
    let value = |r: &Value, key: &str| match key {
        "zkid" => num(&r["zkid"], "prove_ms"),
        "stock" => num(&r["zkid"], "stock_prove_ms"),
        "snarkjs" => num(&r["snarkjs"], "prove_ms"),
        _ => num(&r["ezkl"], "prove_ms"),
    };
    let all: Vec<f64> = rows.iter().flat_map(|r| PROVERS.iter().filter_map(|p| value(r, p.0))).collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min).max(0.1).log10().floor();
    let hi = all.iter().copied().fold(1.0, f64::max).log10().ceil().max(lo + 1.0);
    let (left, width, bar, gap) = (190.0, 620.0, 12.0, 14.0);
    let x = |ms: f64| left + (ms.max(10f64.powf(lo)).log10() - lo) / (hi - lo) * width;
    let mut body = String::new();
    let mut y = 60.0;
    for r in rows {
        let present: Vec<_> = PROVERS.iter().filter_map(|p| value(r, p.0).map(|v| (p, v))).collect();
        let h = present.len() as f64 * bar;
        body.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"13\">{}</text>\n",
            left - 8.0,
            y + h / 2.0 + 4.0,
            r["name"].as_str().unwrap_or_default()
        ));
        for (i, ((_, _, colour), v)) in present.iter().enumerate() {
            let top = y + i as f64 * bar;
            body.push_str(&format!(
                "<rect x=\"{left}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{colour}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>\n",
                x(*v) - left,
                bar - 1.0,
                x(*v) + 4.0,
                top + bar - 2.5,
                fmt_ms(Some(*v))
            ));
        }
        y += h + gap;
    }
    let height = y + 40.0;
    let mut axis = String::new();
    for e in (lo as i32)..=(hi as i32) {
        let px = x(10f64.powi(e));
        axis.push_str(&format!(
            "<line x1=\"{px:.1}\" y1=\"50\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{}</text>\n",
            height - 35.0,
            height - 20.0,
            fmt_ms(Some(10f64.powi(e)))
        ));
    }
    let legend: String = PROVERS
        .iter()
        .enumerate()
        .map(|(i, (_, label, colour))| {
            let lx = left + i as f64 * 150.0;
            format!(
                "<rect x=\"{lx}\" y=\"30\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
                 <text x=\"{}\" y=\"41\" font-size=\"12\">{label}</text>\n",
                lx + 16.0
            )
        })
        .collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"{height:.0}\" \
         font-family=\"DejaVu Sans, sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"450\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">prove time per statement \
         (log scale; cargo xtask bench)</text>\n{legend}{axis}{body}</svg>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_peer_over_zkid_and_absent_peers_are_null() {
        let z = json!({"prove_ms": 100.0, "stock_prove_ms": 250.0, "proving_key_bytes": 10.0,
                       "prove_peak_rss_bytes": 4.0, "stock_peak_rss_bytes": 8.0});
        let e = json!({"prove_ms": 20000.0, "proving_key_bytes": 1000.0, "prove_peak_rss_bytes": 400.0});
        let l = json!({"prove_ms": 50.0, "proving_key_bytes": 5.0, "prove_peak_rss_bytes": 2.0});
        let r = ratios(&z, &l, &Value::Null, &e);
        assert_eq!(r["lookup_stock_prove_time"], json!(5.0));
        assert_eq!(r["lookup_zkid_prove_time"], json!(2.0));
        assert_eq!(r["lookup_ezkl_prove_time"], json!(400.0));
        assert_eq!(r["lookup_ezkl_proving_key"], json!(200.0));
        assert_eq!(r["stock_prove_time"], json!(2.5));
        assert_eq!(r["ezkl_prove_time"], json!(200.0));
        assert_eq!(r["ezkl_proving_key"], json!(100.0));
        assert_eq!(r["ezkl_peak_rss"], json!(100.0));
        assert_eq!(r["snarkjs_prove_time"], Value::Null);
    }

    #[test]
    fn json_after_log_lines_and_svg_of_rows() {
        assert_eq!(json_of("log line\n{\"a\": 1}\n").unwrap(), json!({"a": 1}));
        assert!(json_of("no json").is_err());
        let rows = vec![json!({"name": "digits infer", "zkid": {"prove_ms": 250.0, "stock_prove_ms": 500.0},
                               "snarkjs": null, "ezkl": {"prove_ms": 25000.0}})];
        let svg = prove_svg(&rows);
        assert!(svg.starts_with("<svg") && svg.contains("digits infer") && svg.contains("25.0 s"), "{svg}");
    }
}
