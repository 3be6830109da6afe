//! `zkid attest`: capture-device keys, and attestations over the image commitment `c_img`.
//!
//! `zkid attest keygen` writes a device signing key (`device.key`, secret, mode 0600 on
//! unix) and its public key (`device.pub`, what verifiers pin). `zkid attest sign` signs
//! `c_img`, public signal 0 of a proof whose input is committed (`enroll`, `match`,
//! `infer --input committed`), or a commitment given on the command line.
//!
//! `device.key` holds `ed25519:<hex PKCS#8>` or `p256:<hex PKCS#8>`, so the algorithm
//! travels with the key; `device.pub` holds `ed25519:<hex>` or `p256:<hex>`.

use super::keydir::AtomicFiles;
use super::read_input;
use crate::BadInput;
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use zkid_circuits::statement::{InferSpec, InputMode};
use zkid_prover::attest::{DeviceKeyAlg, DeviceSigningKey};
use zkid_prover::json::field_to_decimal;
use zkid_prover::statement::{ProofEnvelope, Statement};
use zkid_prover::{Fr, Zeroizing, public_inputs_from_json};

/// File name of the device signing key written by `keygen`.
pub const DEVICE_KEY: &str = "device.key";
/// File name of the device public key written by `keygen`.
pub const DEVICE_PUB: &str = "device.pub";

/// Arguments of `zkid attest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The `zkid attest` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Make a capture-device key: DIR/device.key (secret, mode 0600) and DIR/device.pub.
    Keygen(KeygenArgs),
    /// Sign a proof's `c_img` (public signal 0) with a device key; writes an attestation.
    Sign(SignArgs),
}

/// Signature algorithm of a device key.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AlgArg {
    /// Ed25519.
    Ed25519,
    /// ECDSA P-256 with SHA-256 (fixed-length signatures).
    P256,
}

impl From<AlgArg> for DeviceKeyAlg {
    fn from(a: AlgArg) -> Self {
        match a {
            AlgArg::Ed25519 => DeviceKeyAlg::Ed25519,
            AlgArg::P256 => DeviceKeyAlg::EcdsaP256,
        }
    }
}

/// Arguments of `zkid attest keygen`.
#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Signature algorithm.
    #[arg(long, value_enum, default_value = "ed25519")]
    pub alg: AlgArg,
    /// Directory for `device.key` and `device.pub` (created if missing).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite an existing `device.key` / `device.pub`.
    #[arg(long)]
    pub force: bool,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `zkid attest sign`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("c_img").required(true).args(["proof", "commitment"])))]
pub struct SignArgs {
    /// The device key written by `zkid attest keygen`.
    #[arg(long, value_name = "DIR/device.key")]
    pub key: PathBuf,
    /// A proof file (`zkid prove`) whose public signal 0 is `c_img`.
    #[arg(long, value_name = "PROOF.json")]
    pub proof: Option<PathBuf>,
    /// `c_img` itself, a decimal integer below the BN254 scalar-field modulus.
    #[arg(long, value_name = "C_IMG")]
    pub commitment: Option<String>,
    /// Output attestation file (`{"alg": ..., "signature": ...}`).
    #[arg(short = 'o', long = "output", value_name = "ATTESTATION.json")]
    pub output: PathBuf,
    /// Print one JSON object instead of the human-readable report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct KeygenReport {
    alg: &'static str,
    public_key: String,
    key_file: String,
    public_key_file: String,
}

#[derive(Serialize)]
struct SignReport {
    attestation: String,
    alg: &'static str,
    public_key: String,
    c_img: String,
    statement: Option<String>,
}

/// Runs `zkid attest`.
pub fn run(args: &Args) -> Result<()> {
    match &args.command {
        Command::Keygen(a) => keygen(a),
        Command::Sign(a) => sign(a),
    }
}

/// Creates `dir` if missing (removed again if `files` are not committed); refuses a path
/// that is not a directory.
fn prepare_dir(dir: &Path, files: &mut AtomicFiles) -> Result<()> {
    let ctx = || BadInput(format!("cannot use key directory {}", dir.display()));
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => Err(anyhow!("it exists and is not a directory")).with_context(ctx),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => files.create_dir(dir).with_context(ctx),
        Err(e) => Err(e).with_context(ctx),
    }
}

/// Writes a secret to a fresh file readable by its owner only (mode 0600 on unix).
fn write_secret(path: &Path, secret: &[u8]) -> Result<()> {
    let ctx = || format!("cannot write {}", path.display());
    // A stale temporary file would keep its old permissions: start from a new file.
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e).with_context(ctx),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(ctx)?;
    file.write_all(secret).with_context(ctx)?;
    file.write_all(b"\n").with_context(ctx)?;
    file.sync_all().with_context(ctx)
}

fn keygen(args: &KeygenArgs) -> Result<()> {
    let mut files = AtomicFiles::default();
    prepare_dir(&args.out, &mut files)?;
    let key_path = args.out.join(DEVICE_KEY);
    let pub_path = args.out.join(DEVICE_PUB);
    if !args.force {
        for path in [&key_path, &pub_path] {
            if path.exists() {
                return Err(anyhow!(BadInput(format!(
                    "{} already exists; pass --force to overwrite it (the old key is then lost)",
                    path.display()
                ))));
            }
        }
    }
    let key = DeviceSigningKey::generate(args.alg.into()).context("cannot make a device key")?;
    let public = key.public_key();

    let key_tmp = files.add(&key_path);
    write_secret(&key_tmp, key.to_pkcs8_text().as_bytes())?;
    files.write(&pub_path, format!("{public}\n").as_bytes())?;
    files.commit()?;

    if args.json {
        let report = KeygenReport {
            alg: public.alg().name(),
            public_key: public.to_string(),
            key_file: key_path.display().to_string(),
            public_key_file: pub_path.display().to_string(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("{public}");
    eprintln!("wrote {} (secret: keep it on the capture device)", key_path.display());
    eprintln!("wrote {} (give it to verifiers)", pub_path.display());
    Ok(())
}

/// Reads `c_img` from a proof: public signal 0 of a statement with a committed input.
fn commitment_from_proof(path: &Path) -> Result<(Fr, String)> {
    let ctx = || BadInput(format!("cannot read proof {}", path.display()));
    let text =
        String::from_utf8(read_input(path, "proof")?).map_err(|_| anyhow!("not UTF-8 text")).with_context(ctx)?;
    let envelope = ProofEnvelope::from_json_str(&text).with_context(ctx)?;
    let statement = Statement::from_id(&envelope.statement).with_context(ctx)?;
    // Every statement with a committed input (`enroll`, `match`, `infer --input committed`)
    // has that commitment as public signal 0; a private-input `infer` has none.
    if matches!(statement, Statement::Infer(InferSpec { input: InputMode::Private, .. })) {
        return Err(anyhow!(BadInput(format!(
            "proof {} is for statement {}, whose input is not committed: it has no c_img to attest",
            path.display(),
            envelope.statement
        ))));
    }
    let c_img = envelope
        .public_signals
        .first()
        .copied()
        .ok_or_else(|| anyhow!("it has no public signals"))
        .with_context(ctx)?;
    Ok((c_img, envelope.statement))
}

fn parse_commitment(text: &str) -> Result<Fr> {
    public_inputs_from_json(&serde_json::json!([text.trim()])).ok().and_then(|mut v| v.pop()).ok_or_else(|| {
        anyhow!(BadInput("--commitment must be a decimal integer below the BN254 scalar-field modulus".into()))
    })
}

fn sign(args: &SignArgs) -> Result<()> {
    let ctx = || BadInput(format!("cannot use device key {}", args.key.display()));
    let bytes = Zeroizing::new(read_input(&args.key, "device key")?);
    let text = std::str::from_utf8(&bytes).map_err(|_| anyhow!("not UTF-8 text")).with_context(ctx)?;
    let key = DeviceSigningKey::from_pkcs8_text(text).with_context(ctx)?;

    let (c_img, statement) = match (&args.proof, &args.commitment) {
        (Some(proof), _) => {
            let (c, s) = commitment_from_proof(proof)?;
            (c, Some(s))
        }
        (None, Some(c)) => (parse_commitment(c)?, None),
        // clap's group requires one of them.
        (None, None) => return Err(anyhow!(BadInput("pass --proof or --commitment".into()))),
    };
    let attestation = key.sign(&c_img).context("cannot sign c_img")?;

    let mut files = AtomicFiles::default();
    files.write(&args.output, format!("{}\n", attestation.to_json_string()).as_bytes())?;
    files.commit()?;

    let public = key.public_key();
    if args.json {
        let report = SignReport {
            attestation: args.output.display().to_string(),
            alg: public.alg().name(),
            public_key: public.to_string(),
            c_img: field_to_decimal(&c_img),
            statement,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    match &statement {
        Some(s) => println!("signed c_img of the {s} proof with {public}"),
        None => println!("signed c_img {} with {public}", field_to_decimal(&c_img)),
    }
    println!("wrote {}", args.output.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use zkid_prover::attest::{Attestation, DevicePublicKey, verify_attestation};

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zkid-attest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn keygen_args(alg: AlgArg, out: &Path, force: bool) -> KeygenArgs {
        KeygenArgs { alg, out: out.to_path_buf(), force, json: true }
    }

    #[test]
    fn keygen_then_sign_a_commitment_verifies() {
        for alg in [AlgArg::Ed25519, AlgArg::P256] {
            let dir = temp_dir(&format!("{alg:?}"));
            keygen(&keygen_args(alg, &dir, false)).unwrap();
            let public: DevicePublicKey = std::fs::read_to_string(dir.join(DEVICE_PUB)).unwrap().parse().unwrap();
            assert_eq!(public.alg(), alg.into());

            let out = dir.join("att.json");
            let c = Fr::from(123_456_789u64);
            let args = SignArgs {
                key: dir.join(DEVICE_KEY),
                proof: None,
                commitment: Some(field_to_decimal(&c)),
                output: out.clone(),
                json: true,
            };
            sign(&args).unwrap();
            let att = Attestation::from_json_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
            verify_attestation(&public, &c, &att).unwrap();
            assert!(verify_attestation(&public, &Fr::from(1u64), &att).is_err());
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    #[cfg(unix)]
    #[test]
    fn device_key_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("mode");
        keygen(&keygen_args(AlgArg::Ed25519, &dir, false)).unwrap();
        let mode = std::fs::metadata(dir.join(DEVICE_KEY)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn keygen_refuses_to_overwrite_without_force() {
        let dir = temp_dir("force");
        keygen(&keygen_args(AlgArg::Ed25519, &dir, false)).unwrap();
        let first = std::fs::read_to_string(dir.join(DEVICE_PUB)).unwrap();
        let e = keygen(&keygen_args(AlgArg::Ed25519, &dir, false)).unwrap_err();
        assert!(e.downcast_ref::<BadInput>().is_some(), "{e:#}");
        assert_eq!(std::fs::read_to_string(dir.join(DEVICE_PUB)).unwrap(), first);
        keygen(&keygen_args(AlgArg::P256, &dir, true)).unwrap();
        assert!(std::fs::read_to_string(dir.join(DEVICE_PUB)).unwrap().starts_with("p256:"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn malformed_inputs_are_bad_input() {
        let dir = temp_dir("bad");
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join(DEVICE_KEY);
        std::fs::write(&key, "ed25519:abcd\n").unwrap();
        let args = |commitment: &str| SignArgs {
            key: key.clone(),
            proof: None,
            commitment: Some(commitment.into()),
            output: dir.join("att.json"),
            json: true,
        };
        let e = sign(&args("1")).unwrap_err();
        assert!(e.downcast_ref::<BadInput>().is_some(), "{e:#}");
        assert!(!format!("{e:#}").contains("abcd"), "{e:#}");

        keygen(&keygen_args(AlgArg::Ed25519, &dir, true)).unwrap();
        for bad in ["", "-1", "0x10", "21888242871839275222246405745257275088548364400416034343698204186575808495617"] {
            let e = sign(&args(bad)).unwrap_err();
            assert!(e.downcast_ref::<BadInput>().is_some(), "{bad:?}: {e:#}");
        }
        assert!(!dir.join("att.json").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
