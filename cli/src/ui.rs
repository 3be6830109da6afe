//! Terminal output: progress bars, aligned tables and number formatting.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use zkid_core::fidelity::Fidelity;
use zkid_core::report::LayerRow;
use zkid_prover::{ProveObserver, ProvePhase};

/// A progress bar on stderr, hidden when `quiet` or when stderr is not a terminal.
pub fn progress(message: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
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

/// A spinner on stderr for a step of unknown length, hidden like [`progress`].
pub fn spinner(message: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
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
/// the running phase. Ticks on its own while a long phase (an MSM) runs. While it lives, a
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
        self.bar.set_message(phase.name());
    }
    fn phase_finished(&mut self, _phase: ProvePhase, _elapsed: std::time::Duration) {
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
