//! Writes the seed corpora of every fuzz target (not a fuzz target itself): small real
//! files made the way a user makes them — the bundled linreg model compiled, a dev setup,
//! a proof, its envelope and snarkjs files, the statement's `.r1cs`, a sealed enrollment of
//! the mini iris model, `.npy` arrays of each accepted dtype — plus the bundled ONNX and
//! `.zkm` files, and a hand-built `.zkey` of a one-constraint circuit. (A real `.zkey` of
//! linreg, 83 kB, made the `zkey` target 50 times slower for no more coverage: the interop
//! tests read real ones.)
//!
//! Usage: `write_seeds <repo root> <output dir>`; writes `<output dir>/<target>/<name>`.
//! Deterministic (fixed-seed RNG) apart from the sealing nonce. `cargo xtask fuzz` runs it
//! before fuzzing; nothing it writes is committed.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use ark_bn254::{Fq, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use zkid_circuits::r1cs_file::R1csFile;
use zkid_circuits::statement::InferSpec;
use zkid_core::onnx::{CompileOptions, compile};
use zkid_core::{npy, zkm};
use zkid_prover::statement::ProofEnvelope;
use zkid_prover::{
    Enrollment, Fr, LoadedModel, NoObserver, SealingKey, Statement, prove_infer_raw, public_inputs_to_string, setup,
    zkey,
};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [root, out] = args.as_slice() else {
        eprintln!("usage: write_seeds <repo root> <output dir>");
        std::process::exit(2);
    };
    if let Err(e) = write_all(root, out) {
        eprintln!("write_seeds: {e}");
        std::process::exit(1);
    }
}

/// Writes `bytes` as `<out>/<target>/<name>`.
fn put(out: &Path, target: &str, name: &str, bytes: &[u8]) -> Result<()> {
    let dir = out.join(target);
    fs::create_dir_all(&dir)?;
    fs::write(dir.join(name), bytes)?;
    Ok(())
}

/// Copies `<root>/<path>` into the corpus of `target`.
fn copy(root: &Path, out: &Path, target: &str, path: &str) -> Result<()> {
    let bytes = fs::read(root.join(path)).map_err(|e| format!("{path}: {e}"))?;
    put(out, target, &path.replace('/', "_"), &bytes)
}

fn write_all(root: &Path, out: &Path) -> Result<()> {
    for path in ["models/linreg/model.onnx", "models/digits/model.onnx"] {
        copy(root, out, "onnx_import", path)?;
    }
    for path in ["models/iris/mini/model.zkm", "models/iris/iris.zkm"] {
        copy(root, out, "zkm", path)?;
    }
    for path in ["models/linreg/sample.npy", "models/linreg/sample_expected.npy", "models/digits/sample.npy"] {
        copy(root, out, "npy", path)?;
    }
    npy_seeds(out)?;

    // linreg, compiled as `zkid compile` does, and its `infer` statement end to end.
    let onnx = fs::read(root.join("models/linreg/model.onnx"))?;
    let calib = npy::load(&root.join("models/linreg/calib.npy"))?;
    let sample = npy::load(&root.join("models/linreg/sample.npy"))?;
    let opts = CompileOptions { name: "linreg".into(), ..Default::default() };
    let compiled = compile(&onnx, vec![calib], &opts, &mut |_, _| {})?;
    let zkm_bytes = zkm::to_bytes(&compiled.model)?;
    put(out, "zkm", "linreg.zkm", &zkm_bytes)?;
    let model = LoadedModel::from_bytes(&zkm_bytes)?;

    let mut rng = ChaCha20Rng::seed_from_u64(0x5eed);
    let statement = Statement::Infer(InferSpec::default());
    let (pk, vk) = setup(&model, statement, &mut rng)?;
    put(out, "key_file", "linreg.pk", &pk.to_bytes()?)?;
    put(out, "key_file", "linreg.vk", &vk.to_bytes()?)?;
    put(out, "vk_json", "verification_key.json", vk.key.to_snarkjs_string().as_bytes())?;

    let proof = prove_infer_raw(&model, &pk, &sample, Fr::from(4242u64), &mut rng, &mut NoObserver)?;
    let envelope: &ProofEnvelope = &proof.envelope;
    put(out, "proof_json", "envelope.json", envelope.to_json_string().as_bytes())?;
    put(out, "proof_json", "proof.json", envelope.proof.to_snarkjs_string().as_bytes())?;
    put(out, "proof_json", "public.json", public_inputs_to_string(&envelope.public_signals).as_bytes())?;
    put(out, "proof_json", "proof.bin", &envelope.proof.to_bytes())?;
    put(out, "proof_json", "statement.txt", b"match(max_shift=3,min_bits=16)")?;
    put(out, "proof_json", "nonce.txt", b"0x2a")?;

    let r1cs = zkey::statement_r1cs(&model, statement)?;
    put(out, "r1cs", "linreg.r1cs", &R1csFile::from_r1cs(&r1cs)?.to_bytes()?)?;
    put(out, "zkey", "tiny.zkey", &tiny_zkey())?;

    // A sealed enrollment of the mini iris model, and the record inside it.
    let mini = LoadedModel::from_bytes(&fs::read(root.join("models/iris/mini/model.zkm"))?)?;
    let q = mini.model.tensor(mini.model.output()).quant;
    let n: usize = mini.model.output_shape().iter().product();
    let template = (0..n).map(|i| if i % 3 == 0 { q.hi } else { q.lo }).collect();
    let enrollment = Enrollment::from_template(&mini, template, Fr::from(77u64))?;
    let key = SealingKey::from_bytes(&zkid_fuzz::SEALING_KEY)?;
    put(out, "sealed_enrollment", "record.bin", &enrollment.to_bytes(&mini))?;
    put(out, "sealed_enrollment", "sealed.bin", &enrollment.seal(&mini, &key)?)?;
    Ok(())
}

/// `.npy` files of each dtype the reader accepts, and two it refuses.
fn npy_seeds(out: &Path) -> Result<()> {
    let cases: [(&str, &str, &str, Vec<u8>); 9] = [
        (
            "f4.npy",
            "<f4",
            "(2, 3)",
            [1.5f32, -2.0, 0.0, 3.25, f32::NAN, 1e9].iter().flat_map(|v| v.to_le_bytes()).collect(),
        ),
        ("f8_be.npy", ">f8", "(2,)", [1.0f64, -0.5].iter().flat_map(|v| v.to_be_bytes()).collect()),
        ("i1.npy", "|i1", "(4,)", vec![0x80, 0xff, 0, 0x7f]),
        ("u1.npy", "|u1", "(1, 1, 2, 2)", vec![0, 1, 254, 255]),
        ("i2.npy", "<i2", "(2,)", [-300i16, 300].iter().flat_map(|v| v.to_le_bytes()).collect()),
        ("u2.npy", "<u2", "(2,)", [7u16, 65535].iter().flat_map(|v| v.to_le_bytes()).collect()),
        ("i8.npy", "<i8", "(2,)", [1i64 << 24, -5].iter().flat_map(|v| v.to_le_bytes()).collect()),
        ("b1.npy", "|b1", "()", vec![1]),
        ("u8.npy", "<u8", "(1,)", 9u64.to_le_bytes().to_vec()),
    ];
    for (name, descr, shape, data) in cases {
        put(out, "npy", name, &npy_file(descr, false, shape, &data))?;
    }
    put(out, "npy", "fortran.npy", &npy_file("<f4", true, "(1, 2)", &[0; 8]))?;
    Ok(())
}

/// A version-1 `.npy` file.
fn npy_file(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    let fortran = if fortran { "True" } else { "False" };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}");
    // Magic (6) + version (2) + length (2) + header, padded with spaces to 64 bytes, '\n'.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

/// Montgomery-form little-endian bytes, as snarkjs stores base-field elements.
fn fq_bytes(x: Fq) -> Vec<u8> {
    x.0.to_bytes_le()
}

fn g1_bytes(p: &G1Affine) -> Vec<u8> {
    if p.is_zero() {
        return vec![0; 64];
    }
    [fq_bytes(p.x), fq_bytes(p.y)].concat()
}

fn g2_bytes(p: &G2Affine) -> Vec<u8> {
    if p.is_zero() {
        return vec![0; 128];
    }
    [fq_bytes(p.x.c0), fq_bytes(p.x.c1), fq_bytes(p.y.c0), fq_bytes(p.y.c1)].concat()
}

/// A coefficient as snarkjs writes it: the canonical integer `v·R² mod r`.
fn coef_bytes(v: Fr) -> Vec<u8> {
    (v * Fr::from_le_bytes_mod_order(&Fr::R2.to_bytes_le())).into_bigint().to_bytes_le()
}

/// A snarkjs Groth16 `.zkey` container.
fn zkey_container(sections: Vec<(u32, Vec<u8>)>) -> Vec<u8> {
    let mut out = b"zkey".to_vec();
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    for (id, body) in sections {
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(&body);
    }
    out
}

/// The Groth16 header section: field sizes and primes, counts, then α₁ β₁ β₂ γ₂ δ₁ δ₂.
fn zkey_header(n_vars: u32, n_public: u32, domain: u32, points: [Vec<u8>; 6]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&32u32.to_le_bytes());
    h.extend_from_slice(&Fq::MODULUS.to_bytes_le());
    h.extend_from_slice(&32u32.to_le_bytes());
    h.extend_from_slice(&Fr::MODULUS.to_bytes_le());
    for v in [n_vars, n_public, domain] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    for p in points {
        h.extend_from_slice(&p);
    }
    h
}

/// The coefficient section: A and B rows, then the A rows snarkjs appends for the constant
/// one and each public input.
fn zkey_coefficients(a: &[Vec<(Fr, usize)>], b: &[Vec<(Fr, usize)>], n_public: usize) -> Vec<u8> {
    let mut entries: Vec<(u32, usize, usize, Fr)> = Vec::new();
    for (m, rows) in [(0u32, a), (1, b)] {
        for (i, row) in rows.iter().enumerate() {
            entries.extend(row.iter().map(|&(v, col)| (m, i, col, v)));
        }
    }
    entries.extend((0..=n_public).map(|j| (0, a.len() + j, j, Fr::from(1u64))));
    let mut out = (entries.len() as u32).to_le_bytes().to_vec();
    for (m, c, s, v) in entries {
        for x in [m, c as u32, s as u32] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out.extend_from_slice(&coef_bytes(v));
    }
    out
}

/// A `.zkey` for `x·x = y` with public `y` (the circuit the `zkey` target compares with),
/// generator points throughout: a valid container, not a real setup.
fn tiny_zkey() -> Vec<u8> {
    let g1 = g1_bytes(&G1Affine::generator());
    let g2 = g2_bytes(&G2Affine::generator());
    let (n_vars, n_public, domain) = (3u32, 1u32, 4u32);
    let header =
        zkey_header(n_vars, n_public, domain, [g1.clone(), g1.clone(), g2.clone(), g2.clone(), g1.clone(), g2.clone()]);
    let x = vec![(Fr::from(1u64), 2)];
    let rep = |p: &[u8], n: u32| p.repeat(n as usize);
    zkey_container(vec![
        (1, 1u32.to_le_bytes().to_vec()),
        (2, header),
        (3, rep(&g1, n_public + 1)),
        (4, zkey_coefficients(std::slice::from_ref(&x), std::slice::from_ref(&x), n_public as usize)),
        (5, rep(&g1, n_vars)),
        (6, rep(&g1, n_vars)),
        (7, rep(&g2, n_vars)),
        (8, rep(&g1, n_vars - n_public - 1)),
        (9, rep(&g1, domain)),
        (10, [vec![0u8; 64], 1u32.to_le_bytes().to_vec()].concat()),
    ])
}
