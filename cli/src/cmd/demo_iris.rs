//! The identity part of `zkid demo`: World-ID-style iris-code enrollment and matching with
//! the bundled open-iris 1.11.2 model and synthetic normalized eyes, end to end:
//!
//! dev setup (enroll, match) → a capture device key → enroll eye A (capture 1), the device
//! signs `c_img`, the enrollment is sealed → match eye A capture 2 (rotated 10 pixels, new
//! noise and occlusion: accepted) and eye B (rejected) → every proof and attestation
//! verified → what left the device, byte for byte.

use crate::ui;
use anyhow::{Context, Result, anyhow};
use std::time::Instant;
use zkid_core::{FTensor, QTensor, iris, npy};
use zkid_prover::biometric::{self, Enrollment, IRIS_TAU_DEFAULT, match_public};
use zkid_prover::json::field_to_decimal;
use zkid_prover::statement::{self, LoadedModel, ProofEnvelope, Statement};
use zkid_prover::{
    DeviceKeyAlg, DeviceSigningKey, OsRng, ProvingKeyFile, SealingKey, VerifyingKeyFile, verify_attestation,
};

macro_rules! eye {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/iris/vectors/", $name, "_image.npy"))
                .as_slice(),
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/iris/vectors/", $name, "_mask.npy"))
                .as_slice(),
        )
    };
}

const MODEL: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/iris/iris.zkm"));

fn capture(model: &LoadedModel, (name, image, mask): (&str, &[u8], &[u8])) -> Result<QTensor> {
    let read = |b: &[u8]| -> Result<FTensor> { Ok(npy::from_bytes(b)?) };
    iris::input(&model.model, &read(image)?, &read(mask)?).with_context(|| format!("bundled eye `{name}`"))
}

fn keys(model: &LoadedModel, st: Statement, label: &str) -> Result<(ProvingKeyFile, VerifyingKeyFile)> {
    let n = statement::constraint_count(model, st)?;
    let bar = ui::spinner(&format!("dev setup for `{label}` ({} constraints)", ui::thousands(n as u64)), false);
    let t = Instant::now();
    let keys = statement::setup(model, st, &mut OsRng);
    bar.finish_and_clear();
    let keys = keys?;
    println!(
        "dev setup `{}`: {} constraints, {} in {} (proving key {})",
        st.id(),
        ui::thousands(n as u64),
        if st == Statement::Enroll {
            "public [c_img, c_tpl, nonce]"
        } else {
            "public [c_img, c_tpl, τ, verdict, nonce]"
        },
        ui::duration(t.elapsed()),
        ui::bytes(keys.0.key.uncompressed_size() as u64)
    );
    Ok(keys)
}

fn check(vk: &VerifyingKeyFile, env: &ProofEnvelope, nonce: zkid_prover::Fr, what: &str) -> Result<()> {
    let t = Instant::now();
    if !statement::verify_envelope(vk, env, Some(nonce))? {
        return Err(anyhow!("the {what} proof did not verify"));
    }
    println!("  verifier: {what} proof valid ({}), nonce checked", ui::duration(t.elapsed()));
    Ok(())
}

/// Runs the iris enroll → match flow.
pub fn run() -> Result<()> {
    let start = Instant::now();
    println!("== iris: World-ID-style iris-code enrollment and matching (open-iris 1.11.2 encoder) ==");
    let model = LoadedModel::from_bytes(MODEL)?;
    println!(
        "model: {} taps, 128x512 normalized image + noise mask -> 16,384 code bits + 16,384 mask bits, digest {}",
        model.model.param_count(),
        model.digest
    );
    println!("DEVELOPMENT keys (insecure: this process knows the toxic waste); production keys come from a ceremony");
    let (epk, evk) = keys(&model, Statement::Enroll, "enroll")?;

    // The capture device (orb, phone secure enclave) and the phone's keystore.
    let device = DeviceSigningKey::generate(DeviceKeyAlg::Ed25519)?;
    let device_pub = device.public_key();
    let keystore = SealingKey::generate()?;
    println!("capture device key: {device_pub}");

    // Enrollment.
    let nonce = statement::random_nonce();
    let a1 = capture(&model, eye!("eye_a1"))?;
    let mut progress = ui::ProveProgress::new(false);
    let e = biometric::prove_enroll(&model, &epk, &a1, nonce, &mut OsRng, &mut progress);
    progress.finish();
    let e = e.context("enrollment")?;
    let c_img = e.envelope.public_signals[0];
    let c_tpl = e.envelope.public_signals[1];
    let attestation = device.sign(&c_img)?;
    println!(
        "\nenroll eye A (capture 1): proved {} constraints in {}; template has {} valid bits",
        ui::thousands(e.report.shape.num_constraints as u64),
        ui::duration(e.report.timings.total),
        iris::IrisTemplate::from_output(e.enrollment.template()).valid_bits()
    );
    verify_attestation(&device_pub, &c_img, &attestation)?;
    println!("  verifier: capture attestation valid (Ed25519 over c_img)");
    check(&evk, &e.envelope, nonce, "enroll")?;
    println!("  verifier stores c_tpl = {}", field_to_decimal(&c_tpl));
    let sealed = e.enrollment.seal(&model, &keystore)?;
    println!("  device seals the enrollment (AES-256-GCM, bound to the model): {}", ui::bytes(sealed.len() as u64));
    let enroll_json = e.envelope.to_json_string();
    // One proving key in memory at a time (each is ~0.5 GB).
    drop(epk);
    let (mpk, mvk) = keys(&model, biometric::default_match(), "match")?;

    // Matches: the same eye (another capture) and another eye.
    let enrolled = Enrollment::unseal(&model, &keystore, &sealed)?;
    let mut sent =
        vec![("enroll proof + public signals", enroll_json.len()), ("attestation", attestation.to_json_string().len())];
    for (probe, label, want) in [
        (eye!("eye_a2"), "eye A (capture 2: rotated 10 px, new noise and occlusion)", true),
        (eye!("eye_b"), "eye B (another person)", false),
    ] {
        let x = capture(&model, probe)?;
        let nonce = statement::random_nonce();
        let mut progress = ui::ProveProgress::new(false);
        let m = biometric::prove_match(&model, &mpk, &x, &enrolled, IRIS_TAU_DEFAULT, nonce, &mut OsRng, &mut progress);
        progress.finish();
        let m = m.context("match")?;
        let best = zkid_circuits::gadgets::hamming::best_shift(&m.distance.shifts);
        println!(
            "\nmatch {label}: proved {} constraints in {}",
            ui::thousands(m.report.shape.num_constraints as u64),
            ui::duration(m.report.timings.total)
        );
        if let Some(b) = best {
            println!(
                "  on the device only: best rotation {} columns, Hamming distance {:.4} over {} common bits",
                b.shift,
                b.nonmatch as f64 / b.common.max(1) as f64,
                b.common
            );
        }
        let att = device.sign(&m.public.image_commitment)?;
        verify_attestation(&device_pub, &m.public.image_commitment, &att)?;
        check(&mvk, &m.envelope, nonce, "match")?;
        let p = match_public(&m.envelope.public_signals)?;
        if p.template_commitment != c_tpl {
            return Err(anyhow!("the match proof is against another template"));
        }
        println!(
            "  verifier: c_tpl is the enrolled one; public verdict at τ = {:.4}: {}",
            p.tau as f64 / 65536.0,
            if p.verdict { "MATCH" } else { "no match" }
        );
        if p.verdict != want {
            return Err(anyhow!("unexpected verdict for {label}"));
        }
        sent.push((
            if want { "match proof (eye A)" } else { "match proof (eye B)" },
            m.envelope.to_json_string().len(),
        ));
    }
    let total: usize = sent.iter().map(|(_, n)| n).sum();
    println!("\nleft the device (everything else — images, masks, templates, salts, keys — stayed):");
    for (what, n) in &sent {
        println!("  {what}: {}", ui::bytes(*n as u64));
    }
    println!(
        "  total {}: each proof is 128 bytes compressed (snarkjs JSON shown); public signals are Poseidon \
         commitments, τ, the verdict and the verifier's nonce",
        ui::bytes(total as u64)
    );
    println!("iris flow finished in {}\n", ui::duration(start.elapsed()));
    Ok(())
}
