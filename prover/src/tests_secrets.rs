//! Secret-holding types print nothing secret in `Debug` and wipe the bytes they own when
//! dropped (issue 8). One test per type; the flows that return or print values are grepped
//! for secrets by `cli/tests/secrets.rs` and the bindings' privacy walks.
//!
//! Wiping is checked by type: the field that owns the bytes must be a `ZeroizeOnDrop` type
//! (`Zeroizing<_>`). Reading freed memory would need `unsafe`, which this crate forbids.

use std::marker::PhantomData;

use zeroize::ZeroizeOnDrop;

use crate::attest::{DeviceKeyAlg, DeviceSigningKey};
use crate::biometric::Enrollment;
use crate::capture::{Capture, OwnedCapture};
use crate::seal::SealingKey;
use crate::statement::LoadedModel;
use crate::{Fr, keys::hex};

/// Compile-time: `T` wipes itself on drop.
fn wipes_on_drop<T: ZeroizeOnDrop>(_: &T) {}

/// Whether `T` implements `Debug`, for a concrete `T` (inherent methods win over the
/// blanket trait's when `T: Debug`).
struct Probe<T>(PhantomData<T>);
trait NotDebug {
    fn is_debug(&self) -> bool {
        false
    }
}
impl<T> NotDebug for Probe<T> {}
impl<T: std::fmt::Debug> Probe<T> {
    fn is_debug(&self) -> bool {
        true
    }
}

/// Fails if any of `secrets` (rendered in the usual ways) appears in `text`.
fn assert_redacted(text: &str, what: &str, secrets: &[String]) {
    assert!(!text.is_empty(), "{what}: empty Debug");
    for s in secrets {
        assert!(!text.contains(s.as_str()), "{what}: Debug `{text}` shows `{s}`");
    }
}

fn mini() -> LoadedModel {
    LoadedModel::from_bytes(include_bytes!("../../models/iris/mini/model.zkm")).unwrap()
}

#[test]
fn probe_tells_debug_types_apart() {
    assert!(Probe::<Vec<u8>>(PhantomData).is_debug());
    struct Opaque;
    assert!(!Probe::<Opaque>(PhantomData).is_debug());
}

#[test]
fn owned_capture_is_redacted_and_wiped() {
    let image: Vec<u8> = (0..1024u32).map(|i| (i * 37 % 251) as u8).collect();
    let iris = OwnedCapture::iris(image.clone(), vec![1; 1024]);
    let text = format!("{iris:?} {:?}", iris.as_capture());
    assert_redacted(&text, "OwnedCapture::Iris", &[format!("{:?}", &image[..8]), "37, 74".into(), "[1, 1".into()]);
    assert!(text.contains("1024") && text.contains("redacted"), "{text}");
    let OwnedCapture::Iris { image, mask } = &iris else { unreachable!("built as iris") };
    wipes_on_drop(image);
    wipes_on_drop(mask);

    let raw = OwnedCapture::raw(vec![0.123_456_7, -9.875, 3.25]);
    let text = format!("{raw:?} {:?}", Capture::Raw(&[0.123_456_7]));
    assert_redacted(&text, "OwnedCapture::Raw", &["0.123".into(), "9.875".into(), "3.25".into()]);
    let OwnedCapture::Raw(values) = &raw else { unreachable!("built as raw") };
    wipes_on_drop(values);
}

#[test]
fn enrollment_is_redacted_and_its_serialization_wiped() {
    let model = mini();
    let template: Vec<i64> = (0..512).map(|i| i64::from((i * 7 / 3) % 2 == 1)).collect();
    let salt = Fr::from(0x1234_5678_9abc_def0_u64) * Fr::from(0x0fed_cba9_8765_4321_u64);
    let e = Enrollment::from_template(&model, template.clone(), salt).unwrap();
    let digits: String = template.iter().map(ToString::to_string).collect();
    let text = format!("{e:?}");
    assert_redacted(
        &text,
        "Enrollment",
        &[digits[..16].to_string(), format!("{:?}", &template[..6]), crate::json::field_to_decimal(&salt)[..12].into()],
    );
    assert!(text.contains("redacted"), "{text}");
    // The record sealed, and what unsealing returns, are wiping buffers; the template and
    // salt fields are wiped by `Enrollment`'s own `Drop`.
    let record = e.to_bytes(&model);
    wipes_on_drop(&record);
    let key = SealingKey::generate().unwrap();
    let blob = e.seal(&model, &key).unwrap();
    let opened = crate::seal::unseal(&key, &model.digest, crate::biometric::ENROLLMENT_LABEL, &blob).unwrap();
    wipes_on_drop(&opened);
    assert_eq!(*opened, *record);
    assert!(std::mem::needs_drop::<Enrollment>());
}

#[test]
fn sealing_key_is_redacted_and_wiped() {
    let bytes: Vec<u8> = (1..=32).collect();
    let key = SealingKey::from_bytes(&bytes).unwrap();
    let text = format!("{key:?}");
    assert_redacted(&text, "SealingKey", &[hex(&bytes)[..8].to_string(), "[1, 2, 3".into(), "0102".into()]);
    assert_eq!(text, "SealingKey(..)");
    // The key lives in a `Zeroizing` array (private to `seal`); its copies out are wiping too.
    wipes_on_drop(&key.to_bytes());
    assert!(std::mem::needs_drop::<SealingKey>());
}

#[test]
fn device_signing_key_is_redacted_and_wiped() {
    for alg in [DeviceKeyAlg::Ed25519, DeviceKeyAlg::EcdsaP256] {
        let key = DeviceSigningKey::generate(alg).unwrap();
        let pkcs8 = key.to_pkcs8();
        wipes_on_drop(&pkcs8);
        wipes_on_drop(&key.to_pkcs8_text());
        let text = format!("{key:?}");
        // The last 16 bytes of the PKCS#8 document are key material.
        let tail = &pkcs8[pkcs8.len() - 16..];
        assert_redacted(&text, "DeviceSigningKey", &[hex(tail), format!("{:?}", &tail[..4])]);
    }
}

#[test]
fn witnesses_have_no_debug_and_what_they_borrow_is_redacted() {
    use zkid_circuits::statement::{InferWitness, MatchWitness};
    assert!(!Probe::<InferWitness<'static>>(PhantomData).is_debug(), "InferWitness must not implement Debug");
    assert!(!Probe::<MatchWitness<'static>>(PhantomData).is_debug(), "MatchWitness must not implement Debug");
    // They borrow the quantized capture and the inference record, whose Debug is redacted.
    let model = mini();
    let image: Vec<u8> = (0..1024u32).map(|i| (i * 13 % 256) as u8).collect();
    let input = model.quantize_capture(Capture::Iris { image: &image, mask: &[1; 1024] }).unwrap();
    let trace = model.model.infer(&input).unwrap();
    let text = format!("{input:?} {trace:?} {:?}", trace.output());
    assert_redacted(&text, "QTensor/Trace", &["13, 26, 39".into(), "[0, 13".into()]);
    assert!(text.contains("redacted"), "{text}");
}

#[test]
fn errors_about_a_capture_name_sizes_not_values() {
    let model = mini();
    let e = model.quantize_capture(Capture::Iris { image: &[200u8; 1023], mask: &[1; 1024] }).unwrap_err();
    assert_redacted(&format!("{e} {e:?}"), "wrong size", &["200, 200".into()]);
    assert!(e.to_string().contains("1023") && e.to_string().contains("1024"), "{e}");
    let e = model.quantize_capture(Capture::Raw(&[0.777_f32; 1024])).unwrap_err();
    assert_redacted(&format!("{e} {e:?}"), "raw for iris", &["0.777".into()]);
}
