//! The Rust surface of `zkid-ffi` end to end on the mini iris fixture: enroll → match →
//! verify, typed errors, cancellation, a listener that panics, and the privacy walk (nothing
//! returned holds the capture, the template, the salt, the sealing key or the proving key).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use ark_ff::{BigInteger, PrimeField};
use common::{mini, root};
use zkid_ffi::{
    Capture, DevKeys, EnrollResult, MatchResult, ProgressListener, ProofResult, VerifyResult, ZkidError, ZkidModel,
    ZkidProver, ZkidVerifier, dev_setup, generate_sealing_key, seal, unseal, version,
};
use zkid_prover::{Enrollment, LoadedModel, SealingKey};

const MATCH: &str = "match(max_shift=3,min_bits=16)";
const INFER: &str = "infer(input=committed,output=committed)";

struct Fixture {
    model: Arc<ZkidModel>,
    enroll: DevKeys,
    matching: DevKeys,
    infer: DevKeys,
}

/// The model and dev keys for the three statements, made once per test binary.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let model = Arc::new(ZkidModel::from_bytes(mini("model.zkm")).unwrap());
        Fixture {
            enroll: dev_setup(model.clone(), "enroll".into(), false).unwrap(),
            matching: dev_setup(model.clone(), MATCH.into(), false).unwrap(),
            infer: dev_setup(model.clone(), INFER.into(), false).unwrap(),
            model,
        }
    })
}

fn eye(name: &str) -> Capture {
    Capture::Iris { image: mini(&format!("{name}.image")), mask: mini(&format!("{name}.mask")) }
}

fn prover(keys: &DevKeys) -> ZkidProver {
    ZkidProver::new(fixture().model.clone(), keys.proving_key.clone(), None, None).unwrap()
}

fn verifier(keys: &DevKeys) -> ZkidVerifier {
    ZkidVerifier::new(keys.verifying_key.clone()).unwrap()
}

/// Flips the last decimal digit of the first public signal inside the proof JSON.
fn tamper(proof: &ProofResult) -> String {
    let first = &proof.public_signals[0];
    let last = first.chars().last().unwrap();
    let flipped = format!("{}{}", &first[..first.len() - 1], if last == '1' { '2' } else { '1' });
    let quoted = format!("\"{first}\"");
    assert!(proof.proof_json.contains(&quoted), "public signal not found in the proof JSON");
    proof.proof_json.replacen(&quoted, &format!("\"{flipped}\""), 1)
}

#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<(String, f32)>>,
    cancel: AtomicBool,
    panic_on_progress: bool,
}

impl ProgressListener for Recorder {
    fn on_progress(&self, phase: String, fraction: f32) {
        self.events.lock().unwrap().push((phase, fraction));
        if self.panic_on_progress {
            panic!("listener bug");
        }
    }
    fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// A listener the test keeps a handle on (the API takes ownership of a `Box`).
struct Shared(Arc<Recorder>);

impl ProgressListener for Shared {
    fn on_progress(&self, phase: String, fraction: f32) {
        self.0.on_progress(phase, fraction)
    }
    fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

#[test]
fn model_reports_its_shape_and_digest() {
    let f = fixture();
    assert!(f.model.is_iris());
    assert_eq!(f.model.capture_len(), 1024);
    assert_eq!(f.model.digest().len(), 64);
    let from_path =
        ZkidModel::from_path(root().join("models/iris/mini/model.zkm").to_string_lossy().into_owned()).unwrap();
    assert_eq!(from_path.digest(), f.model.digest());
    assert_eq!(from_path.name(), f.model.name());
    assert!(!version().is_empty());
}

#[test]
fn enroll_then_match_same_eye_and_reject_other_eye() {
    let f = fixture();
    let key = generate_sealing_key().unwrap();
    assert_eq!(key.len(), 32);
    let enrolled = prover(&f.enroll).enroll(eye("a1"), key.clone(), Some("42".into()), None).unwrap();
    assert_eq!(enrolled.proof.statement, "enroll");
    assert_eq!(enrolled.proof.public_signals.len(), 3);
    let v = verifier(&f.enroll).verify(enrolled.proof.proof_json.clone(), Some("42".into())).unwrap();
    assert!(v.valid);
    assert_eq!(v.verdict, None);

    let matcher = prover(&f.matching);
    assert_eq!(matcher.statement(), MATCH);
    let same = matcher.match_enrolled(eye("a2"), enrolled.sealed_enrollment.clone(), key.clone(), None, None, None);
    let same = same.unwrap();
    assert!(same.verdict, "a2 is a1 rotated: it must match");
    assert_eq!(same.template_commitment, enrolled.template_commitment);
    let other = matcher.match_enrolled(eye("b"), enrolled.sealed_enrollment.clone(), key, Some(0.35), None, None);
    let other = other.unwrap();
    assert!(!other.verdict, "b is another eye");

    let mv = verifier(&f.matching);
    for (m, verdict) in [(&same, true), (&other, false)] {
        let v = mv.verify(m.proof.proof_json.clone(), None).unwrap();
        assert!(v.valid);
        assert_eq!(v.verdict, Some(verdict));
        assert_eq!(v.public_signals, m.proof.public_signals);
        match mv.verify(tamper(&m.proof), None) {
            Ok(v) => assert!(!v.valid, "a tampered public signal must not verify"),
            Err(e) => assert!(matches!(e, ZkidError::Proof(_) | ZkidError::InvalidInput(_)), "{e:?}"),
        }
    }
    // A proof answers its own challenge only.
    assert!(matches!(
        verifier(&f.enroll).verify(enrolled.proof.proof_json, Some("43".into())),
        Err(ZkidError::Proof(_))
    ));
    // A proof for another statement is refused by the verifier.
    assert!(mv.verify(tamper(&same.proof).replace("match(", "nomatch("), None).is_err());
}

#[test]
fn lookup_mode_keys_enroll_match_and_verify() {
    let f = fixture();
    let setup = |statement: &str| dev_setup(f.model.clone(), statement.into(), true).unwrap();
    let (enroll, matching) = (setup("enroll"), setup(MATCH));
    let key = generate_sealing_key().unwrap();
    let enrolled = prover(&enroll).enroll(eye("a1"), key.clone(), Some("5".into()), None).unwrap();
    let plain = prover(&f.enroll).enroll(eye("a1"), key.clone(), Some("5".into()), None).unwrap();
    assert!(enrolled.proof.constraints < plain.proof.constraints, "lookup mode is the smaller circuit");
    assert!(enrolled.proof.proof_json.contains("zkid_commitment"));
    assert!(verifier(&enroll).verify(enrolled.proof.proof_json.clone(), Some("5".into())).unwrap().valid);
    // Plain and lookup keys do not accept each other's proofs.
    assert!(!matches!(verifier(&f.enroll).verify(enrolled.proof.proof_json.clone(), None), Ok(v) if v.valid));
    assert!(!matches!(verifier(&enroll).verify(plain.proof.proof_json, None), Ok(v) if v.valid));

    let matcher = prover(&matching);
    let same = matcher.match_enrolled(eye("a2"), enrolled.sealed_enrollment.clone(), key.clone(), None, None, None);
    let other = matcher.match_enrolled(eye("b"), enrolled.sealed_enrollment, key, None, None, None);
    let mv = verifier(&matching);
    for (m, verdict) in [(same.unwrap(), true), (other.unwrap(), false)] {
        assert_eq!(m.verdict, verdict);
        let v = mv.verify(m.proof.proof_json.clone(), None).unwrap();
        assert!(v.valid && v.verdict == Some(verdict));
        match mv.verify(tamper(&m.proof), None) {
            Ok(v) => assert!(!v.valid, "a tampered public signal must not verify"),
            Err(e) => assert!(matches!(e, ZkidError::Proof(_) | ZkidError::InvalidInput(_)), "{e:?}"),
        }
    }
}

#[test]
fn infer_proof_verifies_and_progress_is_monotone_to_one() {
    let f = fixture();
    let rec = Arc::new(Recorder::default());
    let p = prover(&f.infer).prove(eye("a1"), None, Some(Box::new(Shared(rec.clone())))).unwrap();
    assert_eq!(p.statement, INFER);
    assert!(p.constraints > 0);
    assert!(verifier(&f.infer).verify(p.proof_json.clone(), None).unwrap().valid);
    let events = rec.events.lock().unwrap();
    assert!(events.len() > 2, "{events:?}");
    assert!(events.windows(2).all(|w| w[0].1 <= w[1].1), "not monotone: {events:?}");
    assert_eq!(events.last().unwrap(), &("done".to_owned(), 1.0));
}

#[test]
fn cancelling_listener_stops_the_proof() {
    let f = fixture();
    let rec = Arc::new(Recorder::default());
    rec.cancel.store(true, Ordering::SeqCst);
    let r = prover(&f.infer).prove(eye("a1"), None, Some(Box::new(Shared(rec.clone()))));
    assert!(matches!(r, Err(ZkidError::Cancelled(_))), "{r:?}");
    assert!(rec.events.lock().unwrap().iter().all(|(p, _)| p != "done"));
}

#[test]
fn panicking_listener_becomes_an_internal_error() {
    let f = fixture();
    let rec = Arc::new(Recorder { panic_on_progress: true, ..Recorder::default() });
    let key = generate_sealing_key().unwrap();
    let r = prover(&f.enroll).enroll(eye("a1"), key, None, Some(Box::new(Shared(rec.clone()))));
    assert!(matches!(r, Err(ZkidError::Internal(_))), "{r:?}");
    assert_eq!(rec.events.lock().unwrap().len(), 1, "a failed listener is not called again");
}

#[test]
fn errors_are_typed() {
    let f = fixture();
    let key = generate_sealing_key().unwrap();
    let enroller = prover(&f.enroll);
    let short = Capture::Iris { image: vec![0; 1023], mask: vec![1; 1023] };
    assert!(matches!(enroller.enroll(short, key.clone(), None, None), Err(ZkidError::InvalidInput(_))));
    let raw = Capture::Raw { values: vec![0.0; 1024] };
    assert!(matches!(enroller.enroll(raw, key.clone(), None, None), Err(ZkidError::InvalidInput(_))));
    assert!(matches!(enroller.enroll(eye("a1"), key.clone(), Some("x".into()), None), Err(ZkidError::InvalidInput(_))));
    assert!(matches!(enroller.enroll(eye("a1"), vec![0; 31], None, None), Err(ZkidError::Sealing(_))));

    assert!(matches!(ZkidModel::from_bytes(b"not a model".to_vec()), Err(ZkidError::Model(_))));
    assert!(matches!(
        ZkidModel::from_path("/nonexistent/model.zkm".into()),
        Err(ZkidError::Io(_) | ZkidError::Model(_))
    ));

    let model = f.model.clone();
    let pk = f.enroll.proving_key.clone();
    // A key for another model.
    let big = Arc::new(ZkidModel::from_bytes(std::fs::read(root().join("models/iris/iris.zkm")).unwrap()).unwrap());
    assert!(matches!(ZkidProver::new(big, pk.clone(), None, None), Err(ZkidError::Key(_))));
    // A verifying key where a proving key belongs, and the other way round.
    assert!(matches!(
        ZkidProver::new(model.clone(), f.enroll.verifying_key.clone(), None, None),
        Err(ZkidError::Key(_))
    ));
    assert!(matches!(ZkidVerifier::new(pk.clone()), Err(ZkidError::Key(_))));
    // Corrupted and truncated key bytes.
    let mut corrupt = pk.clone();
    let mid = corrupt.len() / 2;
    corrupt[mid] ^= 1;
    assert!(matches!(ZkidProver::new(model.clone(), corrupt, None, None), Err(ZkidError::Key(_))));
    assert!(matches!(ZkidProver::new(model.clone(), pk[..100].to_vec(), None, None), Err(ZkidError::Key(_))));
    // Pinning: the right digest loads, another is refused, a malformed one is invalid input.
    let digest = zkid_prover::keys::hex(&zkid_prover::keys::file_digest(&pk));
    assert!(ZkidProver::new(model.clone(), pk.clone(), Some(digest.to_uppercase()), None).is_ok());
    assert!(matches!(ZkidProver::new(model.clone(), pk.clone(), Some("00".repeat(32)), None), Err(ZkidError::Key(_))));
    assert!(matches!(
        ZkidProver::new(model.clone(), pk.clone(), Some("xyz".into()), None),
        Err(ZkidError::InvalidInput(_))
    ));
    assert!(matches!(
        ZkidProver::from_path(model.clone(), "/nonexistent/pk".into(), None, None),
        Err(ZkidError::Io(_))
    ));
    // A key whose proofs would not fit the memory budget, refused up front; a roomy budget.
    for budget in [1 << 20, 24 << 20] {
        match ZkidProver::new(model.clone(), pk.clone(), None, Some(budget)) {
            Err(ZkidError::InvalidInput(m)) => {
                assert!(m.contains("needs an estimated") && m.contains("memory budget"), "{m}")
            }
            other => panic!("budget {budget}: {:?}", other.map(|_| ())),
        }
    }
    assert!(ZkidProver::new(model.clone(), pk.clone(), None, Some(1 << 30)).is_ok());
    assert!(matches!(
        dev_setup(model.clone(), "prove-anything".into(), false),
        Err(ZkidError::InvalidInput(_) | ZkidError::Key(_))
    ));

    let matcher = prover(&f.matching);
    let garbage = vec![7u8; 80];
    assert!(matches!(
        matcher.match_enrolled(eye("a2"), garbage, key.clone(), None, None, None),
        Err(ZkidError::Sealing(_))
    ));
    let enrolled = enroller.enroll(eye("a1"), key.clone(), None, None).unwrap();
    let sealed = enrolled.sealed_enrollment;
    let other_key = generate_sealing_key().unwrap();
    let r = matcher.match_enrolled(eye("a2"), sealed.clone(), other_key, None, None, None);
    assert!(matches!(r, Err(ZkidError::Sealing(_))), "{r:?}");
    for tau in [-0.1, 1.5, f64::NAN] {
        let r = matcher.match_enrolled(eye("a2"), sealed.clone(), key.clone(), Some(tau), None, None);
        assert!(matches!(r, Err(ZkidError::InvalidInput(_))), "tau {tau}: {r:?}");
    }
    assert!(matches!(
        verifier(&f.matching).verify("{".into(), None),
        Err(ZkidError::Proof(_) | ZkidError::InvalidInput(_))
    ));
}

#[test]
fn seal_round_trips_and_binds_key_model_and_label() {
    let f = fixture();
    let key = generate_sealing_key().unwrap();
    let blob = seal(key.clone(), f.model.clone(), "pin".into(), b"secret".to_vec()).unwrap();
    assert_eq!(unseal(key.clone(), f.model.clone(), "pin".into(), blob.clone()).unwrap(), b"secret");
    assert!(matches!(unseal(key.clone(), f.model.clone(), "other".into(), blob.clone()), Err(ZkidError::Sealing(_))));
    let other = generate_sealing_key().unwrap();
    assert!(matches!(unseal(other, f.model.clone(), "pin".into(), blob), Err(ZkidError::Sealing(_))));
    assert!(matches!(seal(vec![1; 16], f.model.clone(), "pin".into(), vec![]), Err(ZkidError::Sealing(_))));
}

// ---- privacy walk ----

/// Every byte string a result holds, recursively (strings as their UTF-8 bytes).
trait Walk {
    fn walk(&self, out: &mut Vec<Vec<u8>>);
}

impl Walk for String {
    fn walk(&self, out: &mut Vec<Vec<u8>>) {
        out.push(self.as_bytes().to_vec());
    }
}
impl Walk for Vec<u8> {
    fn walk(&self, out: &mut Vec<Vec<u8>>) {
        out.push(self.clone());
    }
}
impl Walk for Vec<String> {
    fn walk(&self, out: &mut Vec<Vec<u8>>) {
        self.iter().for_each(|s| s.walk(out));
    }
}
impl Walk for ProofResult {
    fn walk(&self, out: &mut Vec<Vec<u8>>) {
        let ProofResult { proof_json, public_signals, statement, constraints: _, prove_ms: _ } = self;
        proof_json.walk(out);
        public_signals.walk(out);
        statement.walk(out);
    }
}
impl Walk for EnrollResult {
    fn walk(&self, out: &mut Vec<Vec<u8>>) {
        let EnrollResult { proof, image_commitment, template_commitment, sealed_enrollment } = self;
        proof.walk(out);
        image_commitment.walk(out);
        template_commitment.walk(out);
        sealed_enrollment.walk(out);
    }
}
impl Walk for MatchResult {
    fn walk(&self, out: &mut Vec<Vec<u8>>) {
        let MatchResult { proof, verdict: _, tau: _, image_commitment, template_commitment } = self;
        proof.walk(out);
        image_commitment.walk(out);
        template_commitment.walk(out);
    }
}
impl Walk for VerifyResult {
    fn walk(&self, out: &mut Vec<Vec<u8>>) {
        let VerifyResult { valid: _, statement, public_signals, verdict: _ } = self;
        statement.walk(out);
        public_signals.walk(out);
    }
}
impl Walk for ZkidError {
    fn walk(&self, out: &mut Vec<Vec<u8>>) {
        self.to_string().walk(out);
    }
}

const W: usize = 16;

/// Fails if any `W`-byte window of `secret` occurs in the outputs (`skip` excludes windows
/// that are public by construction).
fn assert_absent(outputs: &HashSet<[u8; W]>, what: &str, secret: &[u8], skip: impl Fn(&[u8]) -> bool) {
    assert!(secret.len() >= W, "{what}: shorter than a window");
    for (i, w) in secret.windows(W).enumerate() {
        if !skip(w) {
            assert!(
                !outputs.contains(<&[u8; W]>::try_from(w).unwrap()),
                "{what}: bytes {i}..{} appear in an output",
                i + W
            );
        }
    }
}

#[test]
fn results_hold_no_capture_template_salt_or_key() {
    let f = fixture();
    let sealing_key = generate_sealing_key().unwrap();
    let mut outputs: Vec<Vec<u8>> = Vec::new();

    let enrolled = prover(&f.enroll).enroll(eye("a1"), sealing_key.clone(), None, None).unwrap();
    enrolled.walk(&mut outputs);
    let matcher = prover(&f.matching);
    for probe in ["a2", "b"] {
        let m = matcher.match_enrolled(
            eye(probe),
            enrolled.sealed_enrollment.clone(),
            sealing_key.clone(),
            None,
            None,
            None,
        );
        let m = m.unwrap();
        m.walk(&mut outputs);
        verifier(&f.matching).verify(m.proof.proof_json.clone(), None).unwrap().walk(&mut outputs);
    }
    verifier(&f.enroll).verify(enrolled.proof.proof_json.clone(), None).unwrap().walk(&mut outputs);
    let inferred = prover(&f.infer).prove(eye("a1"), None, None).unwrap();
    inferred.walk(&mut outputs);
    verifier(&f.infer).verify(inferred.proof_json.clone(), None).unwrap().walk(&mut outputs);
    // Error messages cross too.
    let wrong_key = generate_sealing_key().unwrap();
    let e = matcher.match_enrolled(eye("a2"), enrolled.sealed_enrollment.clone(), wrong_key, None, None, None);
    e.unwrap_err().walk(&mut outputs);
    let mut bad_image = mini("a1.image");
    bad_image.pop();
    let e = matcher.match_enrolled(
        Capture::Iris { image: bad_image, mask: mini("a1.mask") },
        enrolled.sealed_enrollment.clone(),
        sealing_key.clone(),
        None,
        None,
        None,
    );
    e.unwrap_err().walk(&mut outputs);

    let windows: HashSet<[u8; W]> =
        outputs.iter().flat_map(|o| o.windows(W).map(|w| <[u8; W]>::try_from(w).unwrap())).collect();
    assert!(!windows.is_empty());

    // The secrets, natively: the enrolled template and salt come out of the sealed blob.
    let model = LoadedModel::from_bytes(&mini("model.zkm")).unwrap();
    let enrollment =
        Enrollment::unseal(&model, &SealingKey::from_bytes(&sealing_key).unwrap(), &enrolled.sealed_enrollment)
            .unwrap();
    let record = enrollment.to_bytes(&model);
    let salt = &record[record.len() - 32..];
    let packed_template = &record[12..record.len() - 32];
    let template_text: String = enrollment.template().iter().map(|v| v.to_string()).collect();
    let salt_decimal = zkid_prover::Fr::from_le_bytes_mod_order(salt).into_bigint().to_string();
    assert_eq!(zkid_prover::Fr::from_le_bytes_mod_order(salt).into_bigint().to_bytes_le(), salt);

    let keep = |_: &[u8]| false;
    for name in ["a1", "a2", "b"] {
        assert_absent(&windows, &format!("{name}.image"), &mini(&format!("{name}.image")), keep);
    }
    assert_absent(&windows, "template (bit-packed)", packed_template, keep);
    assert_absent(&windows, "template (as digits)", template_text.as_bytes(), keep);
    assert_absent(&windows, "salt", salt, keep);
    assert_absent(&windows, "salt (decimal)", salt_decimal.as_bytes(), keep);
    assert_absent(&windows, "sealing key", &sealing_key, keep);
    let key_hex = zkid_prover::keys::hex(&sealing_key);
    assert_absent(&windows, "sealing key (hex)", key_hex.as_bytes(), keep);
    // Key files carry public metadata as text (the statement id, which proofs repeat).
    let text = |w: &[u8]| w.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
    for keys in [&f.enroll, &f.matching, &f.infer] {
        assert_absent(&windows, "proving key", &keys.proving_key, text);
    }
}
