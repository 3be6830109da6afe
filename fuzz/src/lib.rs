//! The bodies of zkid's fuzz targets (`fuzz_targets/*.rs` are one-line wrappers), so that
//! every target is plain Rust a reader can follow and a crash input can be replayed by
//! hand.
//!
//! Each function feeds the bytes to the public parsing entry points a user's file reaches
//! and asserts the contract the parsers document: any input is a typed error or a value,
//! never a panic, an abort or unbounded memory (libFuzzer's `-rss_limit_mb` and `-timeout`
//! turn those into findings). Where a format is protected by a digest or an AEAD tag, the
//! harness also feeds a *fixed-up* copy (length fields and digest recomputed, or the bytes
//! sealed with the harness key), so the fuzzer reaches the decoder behind the check
//! instead of stopping at `Checksum` on nearly every input. Accepted values are written
//! back and read again: what zkid accepts it must be able to write and re-read unchanged.

use zkid_circuits::Fr;
use zkid_circuits::r1cs::R1cs;
use zkid_circuits::r1cs_file::R1csFile;
use zkid_core::{QTensor, npy, zkm};
use zkid_prover::keys::{file_digest, sha256};
use zkid_prover::statement::{ProofEnvelope, Statement, parse_nonce};
use zkid_prover::{
    Enrollment, LoadedModel, Proof, ProvingKeyFile, SealingKey, VerifyingKey, VerifyingKeyFile, public_inputs_from_str,
    zkey,
};

use std::sync::OnceLock;

/// The committed mini iris model (`models/iris/mini/model.zkm`): the model sealed
/// enrollments are parsed against.
const MINI_IRIS_ZKM: &[u8] = include_bytes!("../../models/iris/mini/model.zkm");

/// The sealing key of the `sealed_enrollment` target (and of its seed corpus).
pub const SEALING_KEY: [u8; 32] = [0x5a; 32];

/// ONNX import: `zkid_core::onnx::import` (tract's protobuf reader, then zkid's
/// interpretation into a float graph and fusion), what `zkid compile` runs first.
pub fn onnx_import(data: &[u8]) {
    if let Ok(graph) = zkid_core::onnx::import(data) {
        // Accepted graphs are consistent enough to ask for their input shape again.
        let _ = zkid_core::onnx::input_shape(data);
        drop(graph);
    }
}

/// `.zkm` model files: [`LoadedModel::from_bytes`] on the bytes as given and with the
/// length and SHA-256 trailer fixed up; an accepted model must write back to the same bytes
/// and (when small) run through integer inference, which the model's validation promises
/// cannot index out of bounds.
pub fn zkm(data: &[u8]) {
    let _ = LoadedModel::from_bytes(data);
    let Some(fixed) = fix_zkm(data) else { return };
    let Ok(model) = LoadedModel::from_bytes(&fixed) else { return };
    // The reader accepts only canonical encodings: writing the model back gives the same file.
    let bytes = zkm::to_bytes(&model.model).unwrap_or_else(|e| panic!("an accepted model does not serialize: {e}"));
    assert!(bytes == fixed, "an accepted .zkm is not what to_bytes writes for its model");
    run_small_model(&model);
}

/// Integer inference on a constant input, for models small enough to run in a fuzz
/// iteration.
fn run_small_model(model: &LoadedModel) {
    let m = &model.model;
    if m.activation_count() > 1 << 14 || m.param_count() > 1 << 16 {
        return;
    }
    let info = m.tensor(m.input());
    let numel = info.shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    let Some(numel) = numel.filter(|&n| n <= 1 << 14) else { return };
    let value = 0i64.clamp(info.quant.lo.min(info.quant.hi), info.quant.hi.max(info.quant.lo));
    let Ok(input) = QTensor::new(info.shape.clone(), vec![value; numel]) else { return };
    let _ = m.infer(&input);
}

/// `.zkm` layout: magic (4), version (2), payload length (8), payload, SHA-256 (32). The
/// bytes after the 14-byte header become the payload, the length and digest are rewritten.
fn fix_zkm(data: &[u8]) -> Option<Vec<u8>> {
    const HEADER: usize = 14;
    let payload = data.get(HEADER..)?;
    let mut out = Vec::with_capacity(data.len() + 32);
    out.extend_from_slice(&zkm::MAGIC);
    out.extend_from_slice(&zkm::VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let digest = sha256(&out);
    out.extend_from_slice(&digest);
    Some(out)
}

/// Proving and verifying key files (`ZKIDPKEY` / `ZKIDVKEY`): both readers on the bytes as
/// given and with the payload length and BLAKE3 trailer fixed up, so the arkworks payload
/// decoders and the VK-digest check see mutated keys.
pub fn key_file(data: &[u8]) {
    let _ = ProvingKeyFile::from_bytes(data);
    let _ = VerifyingKeyFile::from_bytes(data);
    let _ = ProvingKeyFile::from_bytes_pinned(data, &[0; 32]);
    let Some(fixed) = fix_key_file(data) else { return };
    if let Ok(pk) = ProvingKeyFile::from_bytes(&fixed) {
        let bytes = pk.to_bytes().unwrap_or_else(|e| panic!("an accepted proving key does not serialize: {e}"));
        let again = ProvingKeyFile::from_bytes(&bytes).unwrap_or_else(|e| panic!("a re-written proving key: {e}"));
        assert_eq!(again.header, pk.header);
    }
    if let Ok(vk) = VerifyingKeyFile::from_bytes(&fixed) {
        let bytes = vk.to_bytes().unwrap_or_else(|e| panic!("an accepted verifying key does not serialize: {e}"));
        let again = VerifyingKeyFile::from_bytes(&bytes).unwrap_or_else(|e| panic!("a re-written verifying key: {e}"));
        assert_eq!(again, vk);
    }
}

/// Key file layout: magic (8), version (2), model digest (32), VK digest (32), id length
/// (2), id, payload length (8), payload, BLAKE3 (32). Everything after the id becomes the
/// payload; its length and the trailer are rewritten.
fn fix_key_file(data: &[u8]) -> Option<Vec<u8>> {
    const FIXED_HEADER: usize = 76;
    let id_len = usize::from(u16::from_le_bytes([*data.get(74)?, *data.get(75)?]));
    let payload_at = FIXED_HEADER.checked_add(id_len)?.checked_add(8)?;
    let payload = data.get(payload_at..)?;
    let mut out = Vec::with_capacity(data.len() + 32);
    out.extend_from_slice(&data[..FIXED_HEADER + id_len]);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let digest = file_digest(&out);
    out.extend_from_slice(&digest);
    Some(out)
}

/// snarkjs `verification_key.json`: [`VerifyingKey::from_snarkjs_str`]; an accepted key is
/// written back and re-read.
pub fn vk_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(vk) = VerifyingKey::from_snarkjs_str(text) else { return };
    let again = VerifyingKey::from_snarkjs_str(&vk.to_snarkjs_string())
        .unwrap_or_else(|e| panic!("a re-written verification key is refused: {e}"));
    assert_eq!(again, vk);
}

/// Proofs as they arrive at a verifier: the zkid proof envelope
/// ([`ProofEnvelope::from_json_str`], then the statement id it names), snarkjs
/// `proof.json` and `public.json`, a nonce, and the 128-byte binary proof.
pub fn proof_json(data: &[u8]) {
    let _ = Proof::from_bytes(data);
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = Proof::from_snarkjs_str(text);
    let _ = public_inputs_from_str(text);
    let _ = parse_nonce(text);
    let _ = Statement::from_id(text);
    if let Ok(env) = ProofEnvelope::from_json_str(text) {
        let _ = Statement::from_id(&env.statement);
        let again = ProofEnvelope::from_json_str(&env.to_json_string())
            .unwrap_or_else(|e| panic!("a re-written envelope is refused: {e}"));
        assert_eq!(again, env);
        let bytes = env.proof.to_bytes();
        assert_eq!(Proof::from_bytes(&bytes).ok().as_ref(), Some(&env.proof), "binary proof round trip");
    }
}

fn mini_iris() -> &'static LoadedModel {
    static MODEL: OnceLock<LoadedModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        LoadedModel::from_bytes(MINI_IRIS_ZKM).unwrap_or_else(|e| panic!("models/iris/mini/model.zkm: {e}"))
    })
}

/// Sealed enrollment blobs: [`Enrollment::unseal`] with the harness key on the bytes as
/// given, and on the bytes sealed with that key (so the record parser behind the AEAD,
/// [`Enrollment::from_bytes`], sees mutated records through the real unseal path). An
/// accepted record is written back and re-read.
pub fn sealed_enrollment(data: &[u8]) {
    let model = mini_iris();
    let key = SealingKey::from_bytes(&SEALING_KEY).unwrap_or_else(|e| panic!("harness sealing key: {e}"));
    let _ = Enrollment::unseal(model, &key, data);
    let blob = zkid_prover::seal(&key, &model.digest, zkid_prover::biometric::ENROLLMENT_LABEL, data)
        .unwrap_or_else(|e| panic!("sealing: {e}"));
    let Ok(enrollment) = Enrollment::unseal(model, &key, &blob) else { return };
    let again = Enrollment::from_bytes(model, &enrollment.to_bytes(model))
        .unwrap_or_else(|e| panic!("a re-written enrollment record is refused: {e}"));
    assert!(again == enrollment, "the enrollment changed in a write/read round trip");
}

/// `.npy` inputs and calibration sets: [`npy::from_bytes`]; an accepted array is written
/// back (as float32) and re-read bit for bit.
pub fn npy(data: &[u8]) {
    let Ok(t) = npy::from_bytes(data) else { return };
    let bytes = npy::to_bytes(&t).unwrap_or_else(|e| panic!("an accepted array does not serialize: {e}"));
    let again = npy::from_bytes(&bytes).unwrap_or_else(|e| panic!("a re-written array is refused: {e}"));
    assert_eq!(again.shape(), t.shape());
    assert!(again.data().iter().map(|v| v.to_bits()).eq(t.data().iter().map(|v| v.to_bits())), "npy round trip");
}

/// The circuit the `zkey` seed `tiny.zkey` was made for: `x·x = y`, public `y` (variables
/// 1, y, x).
fn tiny_r1cs() -> &'static R1cs {
    static R1CS: OnceLock<R1cs> = OnceLock::new();
    R1CS.get_or_init(|| {
        let one = Fr::from(1u64);
        R1cs {
            a: vec![vec![(one, 2)]],
            b: vec![vec![(one, 2)]],
            c: vec![vec![(one, 1)]],
            num_instance: 2,
            num_witness: 1,
            z: vec![],
        }
    })
}

/// snarkjs Phase-2 `.zkey`: [`zkey::read_zkey`] (zkid's container validation, then
/// ark-circom's reader), and for an accepted key the comparison with a statement's circuit
/// ([`zkey::check_against`]) — together what `zkid import-zkey` does.
pub fn zkey(data: &[u8]) {
    if let Ok(z) = zkey::read_zkey(data) {
        let _ = zkey::check_against(&z, tiny_r1cs());
    }
}

/// circom `.r1cs`: [`R1csFile::from_bytes`]; an accepted file is written back and re-read.
pub fn r1cs(data: &[u8]) {
    let Ok(file) = R1csFile::from_bytes(data) else { return };
    let bytes = file.to_bytes().unwrap_or_else(|e| panic!("an accepted r1cs does not serialize: {e}"));
    let again = R1csFile::from_bytes(&bytes).unwrap_or_else(|e| panic!("a re-written r1cs is refused: {e}"));
    assert_eq!(again, file);
}
