//! Unit tests of the wrapper's own logic: error mapping, the panic guard and the listener
//! adapter. Flows over real proofs are in `tests/wrapper.rs`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use zkid_prover::{KeyKind, ProveObserver, ProvePhase, ProverError};

use crate::error::{ZkidError, guard};
use crate::progress::{ListenerObserver, ProgressListener};

/// A prover error and the test its mapping must pass.
type Case = (ProverError, fn(&ZkidError) -> bool);

#[test]
fn prover_errors_map_by_kind() {
    let cases: Vec<Case> = vec![
        (ProverError::InvalidInput("x".into()), |e| matches!(e, ZkidError::InvalidInput(_))),
        (ProverError::PublicInputFormat("x".into()), |e| matches!(e, ZkidError::Proof(_))),
        (ProverError::KeyDigestMismatch, |e| matches!(e, ZkidError::Key(_))),
        (ProverError::KeyBadMagic { expected: KeyKind::Proving }, |e| matches!(e, ZkidError::Key(_))),
        (ProverError::ModelMismatch { expected: "a".into(), found: "b".into() }, |e| matches!(e, ZkidError::Key(_))),
        (ProverError::StatementMismatch { expected: "a".into(), found: "b".into() }, |e| {
            matches!(e, ZkidError::Key(_))
        }),
        (ProverError::ProofFormat("x".into()), |e| matches!(e, ZkidError::Proof(_))),
        (ProverError::NonceMismatch, |e| matches!(e, ZkidError::Proof(_))),
        (ProverError::SealAuthFailed, |e| matches!(e, ZkidError::Sealing(_))),
        (ProverError::SealBadMagic, |e| matches!(e, ZkidError::Sealing(_))),
        (ProverError::SealingKeyLength { expected: 32, got: 3 }, |e| matches!(e, ZkidError::Sealing(_))),
        (ProverError::Cancelled, |e| matches!(e, ZkidError::Cancelled(_))),
        (ProverError::Io(std::io::Error::other("gone")), |e| matches!(e, ZkidError::Io(_))),
        (ProverError::Unsatisfied { constraint: 7 }, |e| matches!(e, ZkidError::Internal(_))),
        (ProverError::Crypto("rng"), |e| matches!(e, ZkidError::Internal(_))),
    ];
    for (prover, is_expected) in cases {
        let text = prover.to_string();
        let mapped = ZkidError::from(prover);
        assert!(is_expected(&mapped), "{text} mapped to {mapped:?}");
        // The prover's message crosses unchanged (inside the variant's prefix).
        assert!(mapped.to_string().ends_with(&text), "{mapped} does not carry {text}");
    }
}

#[test]
fn guard_turns_a_panic_into_an_internal_error() {
    let r: Result<(), ZkidError> = guard("test body", || panic!("secret 0xdeadbeef"));
    match r {
        Err(ZkidError::Internal(msg)) => {
            assert!(msg.contains("test body"), "{msg}");
            // The payload may quote a value: it never crosses.
            assert!(!msg.contains("deadbeef"), "{msg}");
        }
        other => panic!("expected Internal, got {other:?}"),
    }
    assert!(matches!(guard("ok", || Ok(3)), Ok(3)));
    assert!(matches!(guard::<()>("err", || Err(ZkidError::Key("k".into()))), Err(ZkidError::Key(_))));
}

/// Records progress; cancels from the `cancel_at`-th `is_cancelled` call; panics on the
/// `panic_at`-th `on_progress` call and on the `panic_asked_at`-th `is_cancelled` call.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<(String, f32)>>,
    asked: AtomicUsize,
    cancel_at: Option<usize>,
    panic_at: Option<usize>,
    panic_asked_at: Option<usize>,
}

impl ProgressListener for Recorder {
    fn on_progress(&self, phase: String, fraction: f32) {
        let mut events = self.events.lock().unwrap();
        events.push((phase, fraction));
        if self.panic_at == Some(events.len()) {
            drop(events);
            panic!("listener bug");
        }
    }
    fn is_cancelled(&self) -> bool {
        let n = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
        if self.panic_asked_at == Some(n) {
            panic!("listener bug");
        }
        self.cancel_at.is_some_and(|at| n >= at)
    }
}

/// Drives an observer through the phases as the prover does, stopping when it cancels.
fn drive(observer: &mut ListenerObserver<'_>) -> Result<(), ProverError> {
    for phase in ProvePhase::ALL {
        if observer.cancelled() {
            return Err(ProverError::Cancelled);
        }
        observer.phase_started(phase);
        observer.phase_finished(phase, std::time::Duration::ZERO);
    }
    Ok(())
}

#[test]
fn listener_sees_monotone_progress_ending_at_one() {
    let rec = Recorder::default();
    let mut obs = ListenerObserver::new(Some(&rec));
    let r = drive(&mut obs);
    obs.finish(r).unwrap();
    let events = rec.events.lock().unwrap();
    assert_eq!(events.len(), 2 * ProvePhase::ALL.len() + 1);
    assert!(events.windows(2).all(|w| w[0].1 <= w[1].1), "{events:?}");
    assert!(events.iter().all(|(_, f)| (0.0..=1.0).contains(f)));
    assert_eq!(events.last().unwrap(), &("done".to_owned(), 1.0));
    assert!(events[..events.len() - 1].iter().all(|(_, f)| *f < 1.0), "1.0 only once done: {events:?}");
    assert_eq!(events[0], (ProvePhase::ALL[0].name().to_owned(), 0.0));
}

#[test]
fn cancelling_listener_gives_cancelled_without_done() {
    let rec = Recorder { cancel_at: Some(3), ..Recorder::default() };
    let mut obs = ListenerObserver::new(Some(&rec));
    let r = drive(&mut obs);
    assert!(matches!(obs.finish(r), Err(ZkidError::Cancelled(_))));
    assert!(rec.events.lock().unwrap().iter().all(|(p, _)| p != "done"));
}

#[test]
fn panicking_listener_stops_the_proof_as_internal_error() {
    let rec = Recorder { panic_at: Some(2), ..Recorder::default() };
    let mut obs = ListenerObserver::new(Some(&rec));
    let r = drive(&mut obs);
    assert!(matches!(r, Err(ProverError::Cancelled)), "the failed listener stops the proof");
    assert!(matches!(obs.finish(r), Err(ZkidError::Internal(_))));
    // Not called again after it failed.
    assert_eq!(rec.events.lock().unwrap().len(), 2);
}

#[test]
fn listener_panicking_when_asked_cancels_at_once() {
    let rec = Recorder { panic_asked_at: Some(1), ..Recorder::default() };
    let obs = ListenerObserver::new(Some(&rec));
    assert!(obs.cancelled(), "a listener that panics when asked stops the proof before any phase");
    assert!(obs.cancelled());
    assert_eq!(rec.asked.load(Ordering::SeqCst), 1, "not asked again after it failed");
    assert!(matches!(obs.finish::<()>(Err(ProverError::Cancelled)), Err(ZkidError::Internal(_))));
}

#[test]
fn no_listener_never_cancels() {
    let mut obs = ListenerObserver::new(None);
    let r = drive(&mut obs);
    assert!(obs.finish(r).is_ok());
}
