//! `enroll` and `match` end to end through the prover API: a small iris-code model (same
//! operator as open-iris's, smaller geometry so the proofs are quick) and the digits
//! network as an embedding model (squared-L2 matching).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use ark_ff::One;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use zkid_circuits::statement::MatchSpec;
use zkid_core::onnx::{CompileOptions, compile};
use zkid_core::{QTensor, zkm};
use zkid_prover::biometric::{Enrollment, match_public, prove_enroll, prove_match};
use zkid_prover::{Fr, LoadedModel, NoObserver, ProverError, RangeMode, Statement, setup, verify_envelope};
use zkid_tests::{load_npy, onnx_bytes};

const H: usize = 16;
const W: usize = 64;

fn mini_iris() -> LoadedModel {
    LoadedModel::from_bytes(&zkm::to_bytes(&zkid_tests::mini_iris_model()).unwrap()).unwrap()
}

/// A textured eye: `shift` rolls the angle axis (pixels), `noise` perturbs pixels, the
/// mask marks one corner invalid.
fn eye(seed: u64, shift: usize, noise: u64) -> QTensor {
    let mut base = ChaCha20Rng::seed_from_u64(seed);
    let tex: Vec<i64> = (0..H * W).map(|_| (base.next_u32() % 200) as i64 + 20).collect();
    let mut jitter = ChaCha20Rng::seed_from_u64(seed ^ noise ^ 0x55);
    let mut x = vec![0i64; H * W];
    for r in 0..H {
        for c in 0..W {
            let v = tex[r * W + (c + W - shift) % W];
            let n = if noise > 0 { (jitter.next_u64() % (2 * noise + 1)) as i64 - noise as i64 } else { 0 };
            let valid = i64::from(!(r < 3 && c < 6));
            x[r * W + c] = (v + n).clamp(0, 255) + 256 * valid;
        }
    }
    QTensor::new(vec![1, H, W], x).unwrap()
}

/// Honest witness satisfied, recorded rows equal to the matrices, and no witness column that
/// can change alone.
fn assert_pinned(cs: ark_relations::gr1cs::ConstraintSystemRef<Fr>, rows: zkid_circuits::rows::Rows, what: &str) {
    use zkid_circuits::r1cs::{R1cs, TamperChecker};
    cs.finalize();
    let r = R1cs::from_cs(&cs).unwrap();
    assert!(r.is_satisfied(), "{what}: honest witness");
    zkid_tests::assert_rows_agree(&r, &rows, what);
    let free = TamperChecker::new(&r).free_witness_columns(Fr::from(1u64));
    assert!(free.is_empty(), "{what}: witness columns {free:?} can change alone");
}

#[test]
fn iris_enroll_then_match_same_and_other_eye() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let model = mini_iris();
    let spec = MatchSpec { max_shift: 3, min_bits: 16 };
    let (epk, evk) = setup(&model, Statement::Enroll, &mut rng).unwrap();
    let (mpk, mvk) = setup(&model, Statement::Match(spec), &mut rng).unwrap();

    let nonce = Fr::from(11u64);
    let e = prove_enroll(&model, &epk, &eye(1, 0, 0), nonce, &mut rng, &mut NoObserver).unwrap();
    assert_eq!(e.envelope.public_signals.len(), 3);
    assert!(verify_envelope(&evk, &e.envelope, Some(nonce)).unwrap());
    assert!(matches!(verify_envelope(&evk, &e.envelope, Some(Fr::from(12u64))), Err(ProverError::NonceMismatch)));
    let c_tpl = e.envelope.public_signals[1];
    assert_eq!(e.enrollment.commitment(&model), c_tpl);

    // The enrollment survives serialization (what gets sealed on the device).
    let bytes = e.enrollment.to_bytes(&model);
    let enrolled = Enrollment::from_bytes(&model, &bytes).unwrap();
    assert_eq!(enrolled, e.enrollment);
    assert_eq!(bytes.len(), 8 + 4 + 512 / 8 + 32, "one bit per template bit");
    assert!(Enrollment::from_bytes(&model, &bytes[..bytes.len() - 1]).is_err());
    assert!(Enrollment::from_bytes(&model, &[]).is_err());
    let mut wrong = bytes.to_vec();
    wrong[0] ^= 1;
    assert!(Enrollment::from_bytes(&model, &wrong).is_err());
    let mut huge_salt = bytes.to_vec();
    let n = huge_salt.len();
    huge_salt[n - 32..].fill(0xff);
    assert!(Enrollment::from_bytes(&model, &huge_salt).is_err(), "a salt above the modulus is refused");

    let tau = 22_938; // HD 0.35
    // Same eye, rotated by 2 probe columns (4 pixels), with noise: accepted.
    let m = prove_match(&model, &mpk, &eye(1, 4, 6), &enrolled, tau, nonce, &mut rng, &mut NoObserver).unwrap();
    assert!(m.public.verdict, "same eye: {:?}", m.distance.shifts);
    assert!(verify_envelope(&mvk, &m.envelope, Some(nonce)).unwrap());
    let p = match_public(&m.envelope.public_signals).unwrap();
    assert_eq!((p.template_commitment, p.tau, p.verdict), (c_tpl, tau, true));
    // The verdict and threshold are bound: flipping either invalidates the proof.
    for i in [2usize, 3] {
        let mut bad = m.envelope.clone();
        bad.public_signals[i] = if i == 3 { Fr::from(0u64) } else { Fr::from(tau + 1) };
        assert!(!verify_envelope(&mvk, &bad, None).unwrap(), "signal {i}");
    }
    // A proof against another enrolled template does not verify for this one.
    let mut other_tpl = m.envelope.clone();
    other_tpl.public_signals[1] += Fr::one();
    assert!(!verify_envelope(&mvk, &other_tpl, None).unwrap());
    let mut other_img = m.envelope.clone();
    other_img.public_signals[0] += Fr::one();
    assert!(!verify_envelope(&mvk, &other_img, None).unwrap());

    // Another eye: a valid proof of "no match".
    let o = prove_match(&model, &mpk, &eye(2, 0, 0), &enrolled, tau, nonce, &mut rng, &mut NoObserver).unwrap();
    assert!(!o.public.verdict);
    assert!(verify_envelope(&mvk, &o.envelope, Some(nonce)).unwrap());
    // Claiming a match for it fails verification.
    let mut forged = o.envelope.clone();
    forged.public_signals[3] = Fr::from(1u64);
    assert!(!verify_envelope(&mvk, &forged, None).unwrap());

    // Keys are not interchangeable between statements.
    assert!(prove_enroll(&model, &mpk, &eye(1, 0, 0), nonce, &mut rng, &mut NoObserver).is_err());
    assert!(prove_match(&model, &epk, &eye(1, 0, 0), &enrolled, tau, nonce, &mut rng, &mut NoObserver).is_err());
    // A threshold above 1.0 is refused up front.
    assert!(prove_match(&model, &mpk, &eye(1, 0, 0), &enrolled, 70_000, nonce, &mut rng, &mut NoObserver).is_err());
}

/// Lookup mode (`RangeMode::Lookup`) proves the same statements with fewer constraints: the
/// proofs carry a commitment, verify with zkid's verifier, and every binding of the plain
/// mode still holds (flipped verdict, other template, other image, nonce).
#[test]
fn iris_enroll_and_match_in_lookup_mode() {
    use zkid_prover::statement::{RangeMode, constraint_count_with, setup_with};
    let mut rng = ChaCha20Rng::seed_from_u64(17);
    let model = mini_iris();
    let spec = MatchSpec { max_shift: 3, min_bits: 16 };
    let (epk, evk) = setup_with(&model, Statement::Enroll, RangeMode::Lookup, &mut rng).unwrap();
    let (mpk, mvk) = setup_with(&model, Statement::Match(spec), RangeMode::Lookup, &mut rng).unwrap();
    assert!(epk.key.is_lookup() && evk.key.is_lookup() && mvk.key.is_lookup());
    for st in [Statement::Enroll, Statement::Match(spec)] {
        let bits = constraint_count_with(&model, st, RangeMode::Bits).unwrap();
        let lookups = constraint_count_with(&model, st, RangeMode::Lookup).unwrap();
        assert!(lookups < bits, "{st:?}: {lookups} lookup-mode constraints vs {bits}");
    }

    let nonce = Fr::from(21u64);
    let e = prove_enroll(&model, &epk, &eye(1, 0, 0), nonce, &mut rng, &mut NoObserver).unwrap();
    assert_eq!(e.envelope.public_signals.len(), 3, "the challenge is derived, not a signal");
    assert!(e.envelope.proof.commitment().is_some());
    assert!(verify_envelope(&evk, &e.envelope, Some(nonce)).unwrap());
    // The envelope's JSON keeps the commitment.
    let back = zkid_prover::ProofEnvelope::from_json_str(&e.envelope.to_json_string()).unwrap();
    assert_eq!(back, e.envelope);
    let mut other = e.envelope.clone();
    other.public_signals[1] += Fr::one();
    assert!(!verify_envelope(&evk, &other, None).unwrap());

    let tau = 22_938;
    let m = prove_match(&model, &mpk, &eye(1, 4, 6), &e.enrollment, tau, nonce, &mut rng, &mut NoObserver).unwrap();
    assert!(m.public.verdict);
    assert!(verify_envelope(&mvk, &m.envelope, Some(nonce)).unwrap());
    let o = prove_match(&model, &mpk, &eye(2, 0, 0), &e.enrollment, tau, nonce, &mut rng, &mut NoObserver).unwrap();
    assert!(!o.public.verdict);
    assert!(verify_envelope(&mvk, &o.envelope, Some(nonce)).unwrap());
    let mut forged = o.envelope.clone();
    forged.public_signals[3] = Fr::from(1u64);
    assert!(!verify_envelope(&mvk, &forged, None).unwrap());
    // A plain-mode key and a lookup-mode key are not interchangeable.
    let (_, plain_vk) = setup(&model, Statement::Enroll, &mut rng).unwrap();
    assert!(verify_envelope(&plain_vk, &e.envelope, None).is_err());
}

/// The lookup-mode circuits pin every witness too, and their recorded rows equal their
/// matrices (the prover's matrix-free path).
#[test]
fn lookup_mode_circuits_pin_every_witness() {
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, SynthesisError};
    use zkid_circuits::lookup::{CommittedWitness, Committer, WithLookups};
    use zkid_circuits::statement::{InferCircuit, InferPublic, InferWitness};
    use zkid_prover::statement::ENROLL_SPEC;

    struct Fixed;
    impl Committer for Fixed {
        fn commit(&mut self, w: CommittedWitness<'_>) -> Result<Option<Fr>, SynthesisError> {
            assert!(!w.indices.is_empty());
            Ok(w.values.map(|_| Fr::from(0x5eed_1234_5678_9abcu64)))
        }
    }
    let model = mini_iris();
    let m = &model.model;
    let x = eye(3, 0, 0);
    let trace = m.infer(&x).unwrap();
    let w = InferWitness { input: &x, trace: &trace, input_salt: Fr::from(3u64), output_salt: Fr::from(4u64) };
    let public = InferPublic::from_witness(m, ENROLL_SPEC, &w, Fr::from(9u64));
    let enroll = || {
        let w = InferWitness { input: &x, trace: &trace, input_salt: Fr::from(3u64), output_salt: Fr::from(4u64) };
        InferCircuit { model: m, spec: ENROLL_SPEC, witness: Some((w, public.clone())) }
    };
    let (mut c1, mut c2) = (Fixed, Fixed);
    let cs = ConstraintSystem::<Fr>::new_ref();
    WithLookups { circuit: enroll(), committer: Some(&mut c1) }.generate_constraints(cs.clone()).unwrap();
    let rows = zkid_circuits::rows::record(WithLookups { circuit: enroll(), committer: Some(&mut c2) }).unwrap();
    assert_pinned(cs, rows, "lookup-mode iris enroll");

    // An ML model: input bytes as limbs, the fused requantize-and-clamp stages.
    let opts = CompileOptions { name: "digits".into(), ..Default::default() };
    let c = compile(&onnx_bytes("digits"), vec![load_npy("digits", "calib.npy")], &opts, &mut |_, _| {}).unwrap();
    let x = c.model.quantize_input(&load_npy("digits", "sample.npy")).unwrap();
    let trace = c.model.infer(&x).unwrap();
    let spec = zkid_circuits::statement::InferSpec::default();
    let infer = || {
        let w = InferWitness { input: &x, trace: &trace, input_salt: Fr::from(3u64), output_salt: Fr::from(4u64) };
        let public = InferPublic::from_witness(&c.model, spec, &w, Fr::from(9u64));
        InferCircuit { model: &c.model, spec, witness: Some((w, public)) }
    };
    let (mut c1, mut c2) = (Fixed, Fixed);
    let cs = ConstraintSystem::<Fr>::new_ref();
    WithLookups { circuit: infer(), committer: Some(&mut c1) }.generate_constraints(cs.clone()).unwrap();
    let rows = zkid_circuits::rows::record(WithLookups { circuit: infer(), committer: Some(&mut c2) }).unwrap();
    assert_pinned(cs, rows, "lookup-mode digits infer");
}

#[test]
fn embedding_match_uses_squared_l2() {
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let opts = CompileOptions { name: "digits".into(), ..Default::default() };
    let c = compile(&onnx_bytes("digits"), vec![load_npy("digits", "calib.npy")], &opts, &mut |_, _| {}).unwrap();
    let model = LoadedModel::from_bytes(&zkm::to_bytes(&c.model).unwrap()).unwrap();
    let spec = MatchSpec::default();
    let (epk, _) = setup(&model, Statement::Enroll, &mut rng).unwrap();
    let (mpk, mvk) = setup(&model, Statement::Match(spec), &mut rng).unwrap();
    let x = model.model.quantize_input(&load_npy("digits", "sample.npy")).unwrap();
    let nonce = Fr::from(5u64);
    let e = prove_enroll(&model, &epk, &x, nonce, &mut rng, &mut NoObserver).unwrap();
    // Same input: distance 0, accepted even at τ = 0.
    let m = prove_match(&model, &mpk, &x, &e.enrollment, 0, nonce, &mut rng, &mut NoObserver).unwrap();
    assert!(m.public.verdict);
    assert_eq!(m.distance.l2, Some(0));
    assert!(verify_envelope(&mvk, &m.envelope, Some(nonce)).unwrap());
    // A perturbed input: its distance decides; τ just below rejects, τ at it accepts.
    let mut y = x.clone();
    for v in y.data_mut().iter_mut().take(20) {
        *v = (*v + 40).min(127);
    }
    let d =
        prove_match(&model, &mpk, &y, &e.enrollment, 0, nonce, &mut rng, &mut NoObserver).unwrap().distance.l2.unwrap();
    assert!(d > 0);
    for (tau, want) in [(d - 1, false), (d, true)] {
        let r = prove_match(&model, &mpk, &y, &e.enrollment, tau, nonce, &mut rng, &mut NoObserver).unwrap();
        assert_eq!(r.public.verdict, want, "tau {tau}, distance {d}");
        assert!(verify_envelope(&mvk, &r.envelope, Some(nonce)).unwrap());
    }
}

/// The audit the reliability issue asks for, on both statements: with an honest witness,
/// no witness variable of the enroll or match circuit can change alone (every one is pinned
/// by a constraint: pixels by the filter bank and the commitment, template bits by the
/// opening, counts and verdict by the matching gadgets); the match circuit is satisfied
/// with the native verdict and unsatisfied with the opposite one.
#[test]
fn enroll_and_match_circuits_pin_every_witness() {
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
    use zkid_circuits::r1cs::R1cs;
    use zkid_circuits::statement::commit;
    use zkid_circuits::statement::matching::native_verdict;
    use zkid_circuits::statement::{InferCircuit, InferPublic, InferWitness, MatchCircuit, MatchPublic, MatchWitness};
    use zkid_prover::statement::ENROLL_SPEC;

    let model = mini_iris();
    let m = &model.model;
    let spec = MatchSpec { max_shift: 3, min_bits: 16 };

    let x = eye(1, 0, 0);
    let trace = m.infer(&x).unwrap();
    let w = InferWitness { input: &x, trace: &trace, input_salt: Fr::from(3u64), output_salt: Fr::from(4u64) };
    let public = InferPublic::from_witness(m, ENROLL_SPEC, &w, Fr::from(9u64));
    let enroll = || {
        let w = InferWitness { input: &x, trace: &trace, input_salt: Fr::from(3u64), output_salt: Fr::from(4u64) };
        InferCircuit { model: m, spec: ENROLL_SPEC, witness: Some((w, public.clone())) }
    };
    let cs = ConstraintSystem::<Fr>::new_ref();
    enroll().generate_constraints(cs.clone()).unwrap();
    assert_pinned(cs, zkid_circuits::rows::record(enroll()).unwrap(), "enroll");

    let enrolled = trace.output().data().to_vec();
    let q = m.tensor(m.output()).quant;
    for (probe, flip) in [(eye(1, 4, 6), false), (eye(2, 0, 0), false), (eye(1, 4, 6), true)] {
        let t = m.infer(&probe).unwrap();
        let native = native_verdict(m, spec, t.output().data(), &enrolled, 22_938).unwrap();
        let qi = m.tensor(m.input()).quant;
        let public = MatchPublic {
            image_commitment: commit::commit(probe.data(), qi.lo, qi.hi, Fr::from(5u64)),
            template_commitment: commit::commit(&enrolled, q.lo, q.hi, Fr::from(4u64)),
            tau: 22_938,
            verdict: native.verdict ^ flip,
            nonce: Fr::from(9u64),
        };
        let circuit = || MatchCircuit {
            model: m,
            spec,
            witness: Some((
                MatchWitness {
                    input: &probe,
                    trace: &t,
                    image_salt: Fr::from(5u64),
                    enrolled: &enrolled,
                    template_salt: Fr::from(4u64),
                },
                public.clone(),
            )),
        };
        let cs = ConstraintSystem::<Fr>::new_ref();
        circuit().generate_constraints(cs.clone()).unwrap();
        let rows = zkid_circuits::rows::record(circuit()).unwrap();
        if flip {
            cs.finalize();
            let r = R1cs::from_cs(&cs).unwrap();
            assert!(!r.is_satisfied(), "a flipped verdict must be unsatisfiable");
            zkid_tests::assert_rows_agree(&r, &rows, "flipped match");
        } else {
            assert_pinned(cs, rows, "match");
        }
    }
}

#[test]
fn captures_from_plain_buffers_are_checked_and_quantized() {
    use zkid_prover::{Capture, tau_units};
    let model = mini_iris();
    assert!(model.is_iris());
    assert_eq!(model.capture_len(), H * W);
    let capture = &zkid_tests::mini_iris_captures()[0];
    let q = model.quantize_capture(Capture::Iris { image: &capture.image, mask: &capture.mask }).unwrap();
    // Pixel + 256 · valid, as `zkid_core::iris::input` encodes it.
    let want: Vec<i64> =
        capture.image.iter().zip(&capture.mask).map(|(&p, &m)| i64::from(p) + 256 * i64::from(m)).collect();
    assert_eq!(q.data(), want.as_slice());
    let msg = |r: Result<QTensor, ProverError>| r.unwrap_err().to_string();
    let short = msg(model.quantize_capture(Capture::Iris { image: &capture.image[1..], mask: &capture.mask }));
    assert!(short.contains("1023") && short.contains("1024"), "{short}");
    let wrong_kind = msg(model.quantize_capture(Capture::Raw(&[0.0; H * W])));
    assert!(wrong_kind.contains("iris-code model"), "{wrong_kind}");
    // Thresholds: iris fraction in [0, 1], default 0.35.
    assert_eq!(tau_units(&model, None).unwrap(), 22_938);
    assert_eq!(tau_units(&model, Some(0.5)).unwrap(), 32_768);
    for bad in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
        assert!(matches!(tau_units(&model, Some(bad)), Err(ProverError::InvalidInput(_))), "{bad}");
    }

    let opts = CompileOptions { name: "digits".into(), ..Default::default() };
    let c = compile(&onnx_bytes("digits"), vec![load_npy("digits", "calib.npy")], &opts, &mut |_, _| {}).unwrap();
    let digits = LoadedModel::from_bytes(&zkm::to_bytes(&c.model).unwrap()).unwrap();
    assert!(!digits.is_iris());
    let n = digits.capture_len();
    let sample = load_npy("digits", "sample.npy");
    assert_eq!(sample.data().len(), n);
    let q = digits.quantize_capture(Capture::Raw(sample.data())).unwrap();
    assert_eq!(q, digits.model.quantize_input(&sample).unwrap());
    let mut nan = sample.data().to_vec();
    nan[5] = f32::NAN;
    let e = msg(digits.quantize_capture(Capture::Raw(&nan)));
    assert!(e.contains('5'), "{e}");
    let e = msg(digits.quantize_capture(Capture::Iris { image: &[0; 64], mask: &[1; 64] }));
    assert!(e.contains("not an iris-code model"), "{e}");
    assert!(matches!(tau_units(&digits, None), Err(ProverError::InvalidInput(_))));
    assert!(matches!(tau_units(&digits, Some(2.5)), Err(ProverError::InvalidInput(_))));
}

/// The device facade the bindings wrap: the mini fixture's captures from plain buffers,
/// enroll → sealed enrollment → match → verify, and a tampered proof.
#[test]
fn device_prover_enrolls_and_matches_from_plain_buffers() {
    use zkid_prover::{
        Capture, DeviceProver, ProvingKeyFile, SealingKey, VerifyingKeyFile, dev_setup, verify_proof_json,
    };
    let mut rng = ChaCha20Rng::seed_from_u64(21);
    let model_bytes = std::fs::read(zkid_tests::model_file("iris", "mini/model.zkm")).unwrap();
    let model = LoadedModel::from_bytes(&model_bytes).unwrap();
    let keys = |id: &str, rng: &mut ChaCha20Rng| {
        let (pk, vk) = dev_setup(&model, id, RangeMode::Bits, rng).unwrap();
        let prover = DeviceProver::new(model.clone(), ProvingKeyFile::from_bytes(&pk).unwrap()).unwrap();
        (prover, VerifyingKeyFile::from_bytes(&vk).unwrap())
    };
    let (enroller, evk) = keys("enroll", &mut rng);
    let (matcher, mvk) = keys("match(max_shift=3,min_bits=16)", &mut rng);
    let captures = zkid_tests::mini_iris_captures();
    let capture = |i: usize| Capture::Iris { image: &captures[i].image, mask: &captures[i].mask };
    let key = SealingKey::from_bytes(&[7; 32]).unwrap();
    let e = enroller.enroll(capture(0), &key, Some("42"), &mut rng, &mut NoObserver).unwrap();
    let v = verify_proof_json(&evk, &e.proof.proof_json, Some("42")).unwrap();
    assert!(v.valid && v.verdict.is_none());
    assert_eq!(v.public_signals, [e.image_commitment.clone(), e.template_commitment.clone(), "42".into()]);
    for (i, want) in [(1, true), (2, false)] {
        let m = matcher
            .match_enrolled(capture(i), &e.sealed_enrollment, &key, None, None, &mut rng, &mut NoObserver)
            .unwrap();
        assert_eq!(m.verdict, want, "capture {}", captures[i].name);
        assert_eq!(m.template_commitment, e.template_commitment);
        let v = verify_proof_json(&mvk, &m.proof.proof_json, None).unwrap();
        assert!(v.valid);
        assert_eq!(v.verdict, Some(want));
        // Flip the verdict in the envelope: the proof no longer verifies.
        let flipped = m.proof.proof_json.replacen(
            &format!("\"{}\",\n    \"{}\"", m.tau, u8::from(want)),
            &format!("\"{}\",\n    \"{}\"", m.tau, u8::from(!want)),
            1,
        );
        assert_ne!(flipped, m.proof.proof_json, "the verdict is in the envelope");
        assert!(!verify_proof_json(&mvk, &flipped, None).unwrap().valid);
    }
    // Another sealing key, another model's key, a statement mix-up: typed errors.
    let other = SealingKey::from_bytes(&[8; 32]).unwrap();
    let r = matcher.match_enrolled(capture(1), &e.sealed_enrollment, &other, None, None, &mut rng, &mut NoObserver);
    assert!(matches!(r, Err(ProverError::SealAuthFailed)), "{r:?}");
    let r = enroller.match_enrolled(capture(1), &e.sealed_enrollment, &key, None, None, &mut rng, &mut NoObserver);
    assert!(matches!(r, Err(ProverError::StatementMismatch { .. })), "{r:?}");
    assert!(matches!(verify_proof_json(&evk, &e.proof.proof_json, Some("43")), Err(ProverError::NonceMismatch)));
    assert!(matches!(verify_proof_json(&mvk, &e.proof.proof_json, None), Err(ProverError::EnvelopeMismatch { .. })));
}

/// One loaded prover shared by several threads proves correctly (issue 8's concurrency
/// check), and a seeded RNG gives byte-identical proofs while other seeds differ (sealing
/// always uses the OS CSPRNG).
#[test]
fn one_device_prover_serves_parallel_calls_and_seeds_are_deterministic() {
    use zkid_prover::{
        Capture, DeviceProver, ProvingKeyFile, SealingKey, VerifyingKeyFile, dev_setup, verify_proof_json,
    };
    let mut rng = ChaCha20Rng::seed_from_u64(33);
    let model =
        LoadedModel::from_bytes(&std::fs::read(zkid_tests::model_file("iris", "mini/model.zkm")).unwrap()).unwrap();
    let pair = |id: &str, rng: &mut ChaCha20Rng| {
        let (pk, vk) = dev_setup(&model, id, RangeMode::Bits, rng).unwrap();
        (
            DeviceProver::new(model.clone(), ProvingKeyFile::from_bytes(&pk).unwrap()).unwrap(),
            VerifyingKeyFile::from_bytes(&vk).unwrap(),
        )
    };
    let (enroller, _) = pair("enroll", &mut rng);
    let (matcher, mvk) = pair("match(max_shift=3,min_bits=16)", &mut rng);
    let captures = zkid_tests::mini_iris_captures();
    let capture = |i: usize| Capture::Iris { image: &captures[i].image, mask: &captures[i].mask };
    let key = SealingKey::from_bytes(&[9; 32]).unwrap();
    let enroll = |seed: u64| {
        enroller.enroll(capture(0), &key, Some("5"), &mut ChaCha20Rng::seed_from_u64(seed), &mut NoObserver).unwrap()
    };
    let (first, again, other) = (enroll(1), enroll(1), enroll(2));
    assert_eq!(first.proof.proof_json, again.proof.proof_json, "same seed, same proof");
    assert_eq!(first.template_commitment, again.template_commitment);
    // Sealing draws its AES-GCM nonce from the OS, never from the caller's RNG.
    assert_ne!(first.sealed_enrollment, again.sealed_enrollment);
    assert_ne!(first.proof.proof_json, other.proof.proof_json);
    assert_ne!(first.template_commitment, other.template_commitment, "fresh salt per seed");

    let sealed = &first.sealed_enrollment;
    let verdicts: Vec<(usize, bool)> = std::thread::scope(|s| {
        let handles: Vec<_> = [1usize, 2, 1, 2]
            .into_iter()
            .enumerate()
            .map(|(t, i)| {
                let (matcher, mvk, key) = (&matcher, &mvk, &key);
                let capture = capture(i);
                s.spawn(move || {
                    let mut rng = ChaCha20Rng::seed_from_u64(100 + t as u64);
                    let m =
                        matcher.match_enrolled(capture, sealed, key, None, None, &mut rng, &mut NoObserver).unwrap();
                    assert!(verify_proof_json(mvk, &m.proof.proof_json, None).unwrap().valid);
                    (i, m.verdict)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(verdicts, [(1, true), (2, false), (1, true), (2, false)]);
}
