//! `onProgress` as a [`ProveObserver`]: phase boundaries to `(phase, fraction)` calls, and a
//! `true` answer to cancellation.

use std::time::Duration;

use wasm_bindgen::JsValue;
use zkid_prover::{ProveObserver, ProvePhase};

/// The phase name of the last call, made once the whole operation succeeded.
pub const DONE: &str = "done";

/// Fractions go to JavaScript rounded to 1e-4 so that the phase weights (`f32`) sum to
/// exactly 1 and read cleanly; rounding keeps them monotone. `+ 0.0` turns the `-0.0` of an
/// empty float sum (the first phase) into `0`.
pub fn rounded(fraction: f64) -> f64 {
    (fraction.clamp(0.0, 1.0) * 1e4).round() / 1e4 + 0.0
}

/// The share of the proof done when `phase` starts, as reported (monotone over
/// [`ProvePhase::ALL`], in `[0, 1)`).
pub fn fraction_at_start(phase: ProvePhase) -> f64 {
    rounded(f64::from(phase.progress_at_start()))
}

/// Where the callback's answers go. The callback itself is abstract so that the logic runs
/// in native tests; on wasm it is a JavaScript function.
pub trait Report {
    /// Calls back with `(phase, fraction)`; `Ok(true)` asks to cancel, `Err` is an exception
    /// the callback threw.
    fn report(&mut self, phase: &str, fraction: f64) -> Result<bool, JsValue>;
}

impl Report for js_sys::Function {
    fn report(&mut self, phase: &str, fraction: f64) -> Result<bool, JsValue> {
        let answer = self.call2(&JsValue::NULL, &JsValue::from_str(phase), &JsValue::from_f64(fraction))?;
        // Only a literal `true` cancels: a callback that returns nothing (or a number from
        // an arrow function's last expression) must not stop the proof by accident.
        Ok(answer.as_bool() == Some(true))
    }
}

/// Observes one proving call for an optional callback.
pub struct Progress<R> {
    callback: Option<R>,
    last: f64,
    cancel: bool,
    thrown: Option<JsValue>,
}

impl<R: Report> Progress<R> {
    /// An observer calling `callback`, if any.
    pub fn new(callback: Option<R>) -> Self {
        Self { callback, last: 0.0, cancel: false, thrown: None }
    }

    fn call(&mut self, phase: &str, fraction: f64) {
        // Monotone even if the prover ever reorders its phases.
        let fraction = fraction.max(self.last);
        self.last = fraction;
        let Some(callback) = self.callback.as_mut() else { return };
        if self.cancel {
            return;
        }
        match callback.report(phase, fraction) {
            Ok(cancel) => self.cancel = cancel,
            Err(thrown) => {
                self.cancel = true;
                self.thrown = Some(thrown);
            }
        }
    }

    /// The final `("done", 1)` call after a successful operation.
    pub fn done(&mut self) {
        self.call(DONE, 1.0);
    }

    /// Why the operation must fail although the prover finished: the callback asked to
    /// cancel (`Ok(true)`: fail with `Cancelled`) or threw (`Err`: rethrow its exception).
    pub fn outcome(&mut self) -> Result<bool, JsValue> {
        match self.thrown.take() {
            Some(thrown) => Err(thrown),
            None => Ok(self.cancel),
        }
    }
}

impl<R: Report> ProveObserver for Progress<R> {
    fn cancelled(&self) -> bool {
        self.cancel
    }

    fn phase_started(&mut self, phase: ProvePhase) {
        self.call(phase.name(), fraction_at_start(phase));
    }

    fn phase_finished(&mut self, _phase: ProvePhase, _elapsed: Duration) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder(Vec<(String, f64)>, Option<&'static str>);

    impl Report for &mut Recorder {
        fn report(&mut self, phase: &str, fraction: f64) -> Result<bool, JsValue> {
            self.0.push((phase.to_string(), fraction));
            Ok(self.1 == Some(phase))
        }
    }

    #[test]
    fn fractions_are_monotone_from_zero_and_end_at_one() {
        let mut rec = Recorder(Vec::new(), None);
        let mut p = Progress::new(Some(&mut rec));
        for phase in ProvePhase::ALL {
            p.phase_started(phase);
            p.phase_finished(phase, Duration::ZERO);
        }
        p.done();
        assert_eq!(p.outcome().ok(), Some(false));
        let fractions: Vec<f64> = rec.0.iter().map(|(_, f)| *f).collect();
        assert!(fractions[0] == 0.0 && fractions[0].is_sign_positive(), "{fractions:?}");
        assert_eq!(fractions.last(), Some(&1.0));
        assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
        assert_eq!(rec.0.len(), ProvePhase::ALL.len() + 1);
    }

    #[test]
    fn true_cancels_before_the_next_phase() {
        let mut rec = Recorder(Vec::new(), Some("witness_map"));
        let mut p = Progress::new(Some(&mut rec));
        assert!(!p.cancelled());
        p.phase_started(ProvePhase::Synthesis);
        p.phase_started(ProvePhase::WitnessMap);
        assert!(p.cancelled());
        assert_eq!(p.outcome().ok(), Some(true));
    }
}
