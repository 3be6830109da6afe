//! Progress and cancellation: the foreign [`ProgressListener`] seen by the prover as a
//! [`ProveObserver`].

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use zkid_prover::{ProveObserver, ProvePhase};

use crate::error::ZkidError;

/// Implemented by the app (Kotlin interface, Swift protocol, Python class) to follow a proof
/// and to stop it. Called on the proving thread, between phases: keep both methods cheap and
/// do not block (post to the UI thread instead).
#[uniffi::export(callback_interface)]
pub trait ProgressListener: Send + Sync {
    /// `phase` (a stable short name such as `msm_h`, or `done`) with the estimated fraction of
    /// the proof done, in `[0, 1]`. Fractions never decrease; a successful call ends with
    /// `("done", 1.0)`.
    fn on_progress(&self, phase: String, fraction: f32);
    /// Asked before every phase: `true` stops the proof, which then fails with
    /// `ZkidError.Cancelled` (a phase already running finishes first).
    fn is_cancelled(&self) -> bool;
}

/// Adapts an optional listener to the prover's observer. A listener that panics or throws
/// (a foreign exception arrives as a Rust panic) is not called again, the proof is stopped
/// at the next phase boundary and the call fails with [`ZkidError::Internal`]: the unwind
/// never runs through the prover.
pub(crate) struct ListenerObserver<'a> {
    listener: Option<&'a dyn ProgressListener>,
    last: f32,
    failed: Cell<bool>,
}

impl<'a> ListenerObserver<'a> {
    pub(crate) fn new(listener: Option<&'a dyn ProgressListener>) -> Self {
        Self { listener, last: 0.0, failed: Cell::new(false) }
    }

    /// Calls the listener unless it already failed; a panic marks it failed.
    fn call<T>(&self, f: impl FnOnce(&dyn ProgressListener) -> T) -> Option<T> {
        let listener = self.listener?;
        if self.failed.get() {
            return None;
        }
        match catch_unwind(AssertUnwindSafe(|| f(listener))) {
            Ok(v) => Some(v),
            Err(_) => {
                self.failed.set(true);
                None
            }
        }
    }

    fn report(&mut self, phase: &str, fraction: f32) {
        // Monotone and within [0, 1] whatever the float sums of the phase weights give.
        let fraction = fraction.clamp(self.last, 1.0);
        self.last = fraction;
        self.call(|l| l.on_progress(phase.to_owned(), fraction));
    }

    /// Turns the outcome of the proving call into the exported result: reports `done` on
    /// success, and names a failed listener instead of the cancellation it caused (a listener
    /// that fails after the proof is complete does not discard the proof).
    pub(crate) fn finish<T>(mut self, result: Result<T, zkid_prover::ProverError>) -> Result<T, ZkidError> {
        match result {
            Err(zkid_prover::ProverError::Cancelled) if self.failed.get() => {
                Err(ZkidError::Internal("the progress listener threw or panicked; the proof was stopped".into()))
            }
            Err(e) => Err(e.into()),
            Ok(value) => {
                self.report("done", 1.0);
                Ok(value)
            }
        }
    }
}

impl ProveObserver for ListenerObserver<'_> {
    fn cancelled(&self) -> bool {
        // No listener never cancels; a failed listener (now or before) stops the proof: its
        // state is unknown.
        self.listener.is_some() && self.call(|l| l.is_cancelled()).unwrap_or(true)
    }

    fn phase_started(&mut self, phase: ProvePhase) {
        self.report(phase.name(), phase.progress_at_start());
    }

    fn phase_finished(&mut self, phase: ProvePhase, _elapsed: Duration) {
        // Just below 1 until the whole call (sealing included) has succeeded.
        self.report(phase.name(), (phase.progress_at_start() + phase.weight()).min(0.999));
    }
}
