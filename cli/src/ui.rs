//! Terminal output: progress bars, aligned tables and number formatting.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use zkid_core::fidelity::Fidelity;
use zkid_core::report::LayerRow;
use zkid_prover::{ProveObserver, ProvePhase};

/// Name of the environment variable that chooses how progress is shown ([`ProgressMode`]).
pub const PROGRESS_ENV: &str = "ZKID_PROGRESS";

/// How long-running work reports progress on stderr, from `ZKID_PROGRESS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    /// `auto` (the default): bars and spinners when stderr is a terminal, nothing otherwise.
    Auto,
    /// `lines`: one plain line per step and per proving phase, also when stderr is a pipe
    /// or a log file (CI logs, an ARM board's serial console, scripts), also with `--json`.
    Lines,
    /// `off`: nothing.
    Off,
}

impl std::str::FromStr for ProgressMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "" | "auto" => Ok(Self::Auto),
            "lines" => Ok(Self::Lines),
            "off" => Ok(Self::Off),
            _ => Err(format!("{PROGRESS_ENV} must be `auto`, `lines` or `off`, not `{s}`")),
        }
    }
}

static MODE: std::sync::OnceLock<ProgressMode> = std::sync::OnceLock::new();

/// Reads `ZKID_PROGRESS` once at start-up; a malformed value is an error the user can fix.
pub fn init_progress_mode() -> Result<(), String> {
    let mode = match std::env::var(PROGRESS_ENV) {
        Ok(v) => v.parse()?,
        Err(std::env::VarError::NotPresent) => ProgressMode::Auto,
        Err(std::env::VarError::NotUnicode(_)) => return Err(format!("{PROGRESS_ENV} is not valid UTF-8")),
    };
    // Set once, before any command runs; a second call keeps the first value.
    let _ = MODE.set(mode);
    Ok(())
}

fn mode() -> ProgressMode {
    MODE.get().copied().unwrap_or(ProgressMode::Auto)
}

/// Whether bars and spinners are drawn: not when `quiet`, not unless `auto` on a terminal.
fn drawn(quiet: bool) -> bool {
    !quiet && mode() == ProgressMode::Auto && std::io::stderr().is_terminal()
}

/// In `lines` mode, prints `zkid: {message}` on stderr.
fn line(message: std::fmt::Arguments<'_>) {
    if mode() == ProgressMode::Lines {
        eprintln!("zkid: {message}");
    }
}

/// A progress bar on stderr, hidden when `quiet` or when stderr is not a terminal
/// ([`ProgressMode`]; in `lines` mode the step is announced on one line).
pub fn progress(message: &str, quiet: bool) -> ProgressBar {
    line(format_args!("{message}"));
    if !drawn(quiet) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    // The template is a constant known to parse; fall back to the default style otherwise.
    let style = ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos}/{len} {elapsed}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(message.to_string());
    bar
}

/// A spinner on stderr for a step of unknown length, hidden (or a line) like [`progress`].
pub fn spinner(message: &str, quiet: bool) -> ProgressBar {
    line(format_args!("{message}"));
    if !drawn(quiet) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    // The template is a constant known to parse; fall back to the default style otherwise.
    let style =
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

/// A progress bar over the phases of one proof ([`ProvePhase::ALL`]), showing the name of
/// the running phase (in `lines` mode, a line as each phase starts and finishes). Ticks on its own while a long phase (an MSM) runs. While it lives, a
/// Ctrl-C or SIGTERM cancels the proof at the next phase ([`crate::interrupt`]).
pub struct ProveProgress {
    bar: ProgressBar,
    _cancellable: crate::interrupt::CancellableGuard,
}

impl ProveProgress {
    /// A bar on stderr, hidden when `quiet` or when stderr is not a terminal.
    pub fn new(quiet: bool) -> Self {
        let bar = progress("proving", quiet);
        bar.set_length(ProvePhase::ALL.len() as u64);
        if !bar.is_hidden() {
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
        }
        Self { bar, _cancellable: crate::interrupt::cancellable() }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ProveObserver for ProveProgress {
    fn cancelled(&self) -> bool {
        crate::interrupt::cancelled()
    }
    fn phase_started(&mut self, phase: ProvePhase) {
        line(format_args!("proving: {} started", phase.name()));
        self.bar.set_message(phase.name());
    }
    fn phase_finished(&mut self, phase: ProvePhase, elapsed: std::time::Duration) {
        line(format_args!("proving: {} finished in {:.1} ms", phase.name(), elapsed.as_secs_f64() * 1e3));
        self.bar.inc(1);
    }
}

/// A byte count: `812 B`, `12.4 KiB`, `3.21 MiB`.
pub fn bytes(n: u64) -> String {
    let f = n as f64;
    if f < 1024.0 {
        format!("{n} B")
    } else if f < 1024.0 * 1024.0 {
        format!("{:.1} KiB", f / 1024.0)
    } else if f < 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} MiB", f / (1024.0 * 1024.0))
    } else {
        format!("{:.2} GiB", f / (1024.0 * 1024.0 * 1024.0))
    }
}

/// Groups thousands: `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A shape as `1x8x8x8`.
pub fn shape(s: &[usize]) -> String {
    s.iter().map(ToString::to_string).collect::<Vec<_>>().join("x")
}

/// Renders rows as left-aligned text columns (numeric columns right-aligned).
pub fn table(header: &[&str], rows: &[Vec<String>], numeric: &[bool]) -> String {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let w = width.get(i).copied().unwrap_or(0);
                if numeric.get(i).copied().unwrap_or(false) { format!("{c:>w$}") } else { format!("{c:<w$}") }
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let head: Vec<String> = header.iter().map(|h| (*h).to_string()).collect();
    let mut out = line(&head);
    out.push('\n');
    out.push_str(&"-".repeat(width.iter().sum::<usize>() + 2 * width.len().saturating_sub(1)));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

/// The per-layer table of a compiled model.
pub fn layer_table(rows: &[LayerRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let op = if r.label.is_empty() || r.label == r.op {
                r.op.to_string()
            } else {
                format!("{} ({})", r.op, r.label)
            };
            vec![
                r.name.clone(),
                op,
                shape(&r.shape),
                thousands(r.params as u64),
                r.acc_bits.map_or_else(|| "-".to_string(), |b| b.to_string()),
                thousands(r.constraints),
            ]
        })
        .collect();
    table(
        &["layer", "op (fused ONNX ops)", "output", "params", "acc bits", "constraints"],
        &body,
        &[false, false, false, true, true, true],
    )
}

/// Fidelity summary lines.
pub fn fidelity(f: &Fidelity) -> String {
    let mut s = format!(
        "fidelity vs float model ({} samples): max abs err {:.4}, mean abs err {:.4}, cosine min {:.5} / mean {:.5}",
        f.samples, f.max_abs_err, f.mean_abs_err, f.cosine_min, f.cosine_mean
    );
    if let Some(t) = f.top1_agreement {
        s.push_str(&format!(", top-1 agreement {:.2}%", t * 100.0));
    }
    s
}

/// A short human duration: `850 µs`, `12.3 ms`, `1.52 s`.
pub fn duration(d: std::time::Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1e3 {
        format!("{us:.1} µs")
    } else if us < 1e6 {
        format!("{:.1} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

/// Milliseconds of a duration, as a float.
pub fn millis(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn table_aligns_columns() {
        let t = table(&["a", "n"], &[vec!["xyz".into(), "5".into()], vec!["b".into(), "100".into()]], &[false, true]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "a      n");
        assert_eq!(lines[2], "xyz    5");
        assert_eq!(lines[3], "b    100");
    }
}
