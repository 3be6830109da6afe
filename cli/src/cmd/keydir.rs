//! What `setup`, `prove`, `verify` and `bench` share: the statement flags, the layout of a
//! keys directory and its `keys.json` manifest, key loading with exit-code-aware errors,
//! and all-or-nothing file writes.
//!
//! A keys directory holds:
//!
//! | file | what |
//! |---|---|
//! | `proving.key` | zkid proving key file (uncompressed, SHA-256 trailer) — for the device |
//! | `verifying.key` | zkid verifying key file — for verifiers using zkid |
//! | `verification_key.json` | the same verifying key in snarkjs layout |
//! | `keys.json` | manifest: model digest, statement, SHA-256 of each file, circuit size |
//!
//! When `keys.json` is present, the key files are loaded *pinned* to the digests it lists,
//! so a swapped key file is refused even if it is a well-formed key.

use crate::BadInput;
use anyhow::{Context, Result, anyhow};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zkid_circuits::statement::{InferSpec, InputMode, OutputMode};
use zkid_prover::keys::{file_digest, hex};
use zkid_prover::statement::LoadedModel;
use zkid_prover::{ProvingKeyFile, Statement, VerifyingKeyFile};

/// File name of the proving key in a keys directory.
pub const PROVING_KEY: &str = "proving.key";
/// File name of the verifying key in a keys directory.
pub const VERIFYING_KEY: &str = "verifying.key";
/// File name of the snarkjs-layout verifying key.
pub const VERIFICATION_KEY_JSON: &str = "verification_key.json";
/// File name of the manifest.
pub const MANIFEST: &str = "keys.json";
/// Manifest format version this build writes and reads.
pub const MANIFEST_VERSION: u64 = 2;

/// Which statement to prove.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StatementKind {
    /// `y = model(x)`: the input stays private.
    Infer,
    /// Enrollment: public commitments to the capture and the template (`zkid enroll`).
    Enroll,
    /// Match against an enrolled template: public verdict (`zkid match`).
    Match,
}

/// Whether the input is only private or also committed to publicly.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum InputArg {
    /// Private; nothing about it is public.
    Private,
    /// Private, with a public Poseidon commitment to it.
    Committed,
}

/// Whether the output is revealed or committed to.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutputArg {
    /// The output integers are public signals.
    Public,
    /// Only a Poseidon commitment to the output is public.
    Committed,
}

/// Statement flags of `setup` and `bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct StatementArgs {
    /// The statement the keys prove.
    #[arg(long, value_enum, default_value = "infer")]
    pub statement: StatementKind,
    /// Input visibility (`infer`).
    #[arg(long = "input", value_enum, default_value = "private", value_name = "MODE")]
    pub input: InputArg,
    /// Output visibility (`infer`).
    #[arg(long = "output", value_enum, default_value = "public", value_name = "MODE")]
    pub output: OutputArg,
    /// Largest rotation shift in probe columns (`match` on iris codes; open-iris: 15).
    #[arg(long, default_value_t = 15, value_name = "N")]
    pub max_shift: u32,
    /// Fewest jointly valid bits a rotation needs to count (`match` on iris codes).
    #[arg(long, default_value_t = 4096, value_name = "N")]
    pub min_bits: u32,
}

impl StatementArgs {
    /// The prover's statement.
    pub fn statement(&self) -> Statement {
        match self.statement {
            StatementKind::Infer => {}
            StatementKind::Enroll => return Statement::Enroll,
            StatementKind::Match => {
                return Statement::Match(zkid_circuits::statement::MatchSpec {
                    max_shift: self.max_shift,
                    min_bits: self.min_bits,
                });
            }
        }
        Statement::Infer(InferSpec {
            input: match self.input {
                InputArg::Private => InputMode::Private,
                InputArg::Committed => InputMode::Committed,
            },
            output: match self.output {
                OutputArg::Public => OutputMode::Public,
                OutputArg::Committed => OutputMode::Committed,
            },
        })
    }
}

/// Size and digest of one file of a keys directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    /// BLAKE3 of the whole file, lower-case hex (what `b3sum` prints; the digest key files
    /// are pinned with).
    pub blake3: String,
    /// File size in bytes.
    pub bytes: u64,
}

/// The files of a keys directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestFiles {
    /// `proving.key`.
    #[serde(rename = "proving.key")]
    pub proving_key: FileEntry,
    /// `verifying.key`.
    #[serde(rename = "verifying.key")]
    pub verifying_key: FileEntry,
    /// `verification_key.json`.
    #[serde(rename = "verification_key.json")]
    pub verification_key_json: FileEntry,
}

/// Circuit size recorded at setup.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct CircuitCounts {
    /// R1CS constraints.
    pub constraints: u64,
    /// Variables, the constant one included (instance + witness).
    pub variables: u64,
    /// Public inputs (constant one excluded).
    pub public_inputs: u64,
    /// Evaluation domain size (a power of two).
    pub domain_size: u64,
}

/// `keys.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Manifest format version ([`MANIFEST_VERSION`]).
    pub version: u64,
    /// How the keys were made: `dev` (insecure, local) or `ceremony` (`zkid import-zkey`).
    pub setup: String,
    /// SHA-256 of the `.zkm` the keys are for, hex.
    pub model_digest: String,
    /// Model name from the `.zkm` metadata.
    pub model_name: String,
    /// Statement id (`Statement::id`).
    pub statement: String,
    /// Digest of the verifying key (as in key headers and proof envelopes), hex.
    pub vk_digest: String,
    /// Circuit size.
    pub circuit: CircuitCounts,
    /// The key files.
    pub files: ManifestFiles,
}

/// Parses a 64-digit hex digest.
pub fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Reads `KEYS_DIR/keys.json` if present. A manifest that is present but unreadable is
/// unusable input: silently ignoring it would also drop the digest pins.
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>> {
    let path = dir.join(MANIFEST);
    if !path.exists() {
        return Ok(None);
    }
    let ctx = || BadInput(format!("cannot use key manifest {}", path.display()));
    let text = std::fs::read_to_string(&path).with_context(ctx)?;
    let m: Manifest = serde_json::from_str(&text).with_context(ctx)?;
    if m.version != MANIFEST_VERSION {
        return Err(anyhow!(
            "unsupported manifest version {} (this build reads {MANIFEST_VERSION}); run `zkid setup` again with this build",
            m.version
        ))
            .with_context(ctx);
    }
    Ok(Some(m))
}

fn pin(entry: &FileEntry, path: &Path) -> Result<[u8; 32]> {
    parse_hex32(&entry.blake3)
        .ok_or_else(|| anyhow!("its blake3 for {} is not 64 hex digits", path.display()))
        .context(BadInput("cannot use key manifest keys.json".into()))
}

/// Loads `KEYS_DIR/proving.key`, pinned to `keys.json` when present.
pub fn load_proving_key(dir: &Path, manifest: Option<&Manifest>) -> Result<ProvingKeyFile> {
    let path = dir.join(PROVING_KEY);
    let ctx = || BadInput(format!("cannot load proving key {}", path.display()));
    match manifest {
        Some(m) => ProvingKeyFile::load_pinned(&path, &pin(&m.files.proving_key, &path)?).with_context(ctx),
        None => ProvingKeyFile::load(&path).with_context(ctx),
    }
}

/// Loads `KEYS_DIR/verifying.key`, pinned to `keys.json` when present.
pub fn load_verifying_key(dir: &Path, manifest: Option<&Manifest>) -> Result<VerifyingKeyFile> {
    let path = dir.join(VERIFYING_KEY);
    let ctx = || BadInput(format!("cannot load verifying key {}", path.display()));
    match manifest {
        Some(m) => VerifyingKeyFile::load_pinned(&path, &pin(&m.files.verifying_key, &path)?).with_context(ctx),
        None => VerifyingKeyFile::load(&path).with_context(ctx),
    }
}

/// Loads a `.zkm` model, marking failure as unusable input.
pub fn load_model(path: &Path) -> Result<LoadedModel> {
    let bytes = super::read_input(path, "model")?;
    LoadedModel::from_bytes(&bytes).with_context(|| BadInput(format!("cannot load model {}", path.display())))
}

/// Number of R1CS constraints of `statement` over `model` in a range-check mode (for
/// `keys.json` and `bench`).
pub fn count_constraints_with(model: &LoadedModel, statement: Statement, mode: zkid_prover::RangeMode) -> Result<u64> {
    Ok(zkid_prover::statement::constraint_count_with(model, statement, mode)? as u64)
}

/// A set of files written all-or-nothing: each is written to a temporary name in its
/// final directory, and [`AtomicFiles::commit`] renames them into place. Dropped without
/// a commit — an error, a cancelled proof — it removes the temporary files and the
/// directories it created. Its paths are also registered with [`crate::interrupt`], which
/// removes them if a signal stops the process, and the commit is refused once a signal
/// asked to stop.
#[derive(Default)]
pub struct AtomicFiles {
    pending: Vec<(PathBuf, PathBuf)>,
    created_dirs: Vec<PathBuf>,
}

impl AtomicFiles {
    /// The temporary path for `target` (same directory, so the rename does not cross
    /// file systems). Register it with [`AtomicFiles::add`] *before* writing to it.
    pub fn temp_path(target: &Path) -> PathBuf {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        target.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
    }

    /// Registers `target`; returns the temporary path to write.
    pub fn add(&mut self, target: &Path) -> PathBuf {
        let tmp = Self::temp_path(target);
        crate::interrupt::track_file(tmp.clone());
        self.pending.push((tmp.clone(), target.to_path_buf()));
        tmp
    }

    /// Writes `bytes` for `target`.
    pub fn write(&mut self, target: &Path, bytes: &[u8]) -> Result<()> {
        let tmp = self.add(target);
        std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))
    }

    /// Creates `dir` (and missing parents) for outputs; they are removed again, if still
    /// empty, when the files are not committed.
    pub fn create_dir(&mut self, dir: &Path) -> Result<()> {
        let missing: Vec<PathBuf> =
            dir.ancestors().take_while(|d| !d.as_os_str().is_empty() && !d.exists()).map(Path::to_path_buf).collect();
        // Outermost first, so that the innermost is removed first.
        for d in missing.into_iter().rev() {
            crate::interrupt::track_dir(d.clone());
            self.created_dirs.push(d);
        }
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create directory {}", dir.display()))
    }

    /// Renames every temporary file to its target; fails with
    /// [`zkid_prover::ProverError::Cancelled`] (writing nothing) if a signal asked to stop.
    pub fn commit(mut self) -> Result<()> {
        if crate::interrupt::begin_commit().is_err() {
            return Err(anyhow!(zkid_prover::ProverError::Cancelled)).context("interrupted; nothing was written");
        }
        let pending = std::mem::take(&mut self.pending);
        let temps: Vec<PathBuf> = pending.iter().map(|(tmp, _)| tmp.clone()).collect();
        let result = pending.iter().try_for_each(|(tmp, target)| {
            std::fs::rename(tmp, target).with_context(|| format!("cannot write {}", target.display()))
        });
        crate::interrupt::untrack(&temps);
        if result.is_ok() {
            crate::interrupt::untrack(&std::mem::take(&mut self.created_dirs));
        } else {
            // Whatever was not renamed goes; `Drop` removes the directories if empty.
            for tmp in &temps {
                let _ = std::fs::remove_file(tmp);
            }
        }
        result
    }
}

impl Drop for AtomicFiles {
    fn drop(&mut self) {
        for (tmp, _) in &self.pending {
            let _ = std::fs::remove_file(tmp);
        }
        for d in self.created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        let temps: Vec<PathBuf> = self.pending.iter().map(|(tmp, _)| tmp.clone()).collect();
        crate::interrupt::untrack(&temps);
        crate::interrupt::untrack(&self.created_dirs);
    }
}

/// Refuses a path that is not a directory, or a non-empty directory without `--force`;
/// returns whether the directory is missing (the writer creates it, see
/// [`AtomicFiles::create_dir`]).
pub fn prepare_dir(dir: &Path, force: bool) -> Result<bool> {
    let ctx = || BadInput(format!("cannot use keys directory {}", dir.display()));
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => Err(anyhow!("it exists and is not a directory")).with_context(ctx),
        Ok(_) => {
            let non_empty = std::fs::read_dir(dir).with_context(ctx)?.next().is_some();
            if non_empty && !force {
                return Err(anyhow!("it is not empty; pass --force to overwrite its key files")).with_context(ctx);
            }
            Ok(false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e).with_context(ctx),
    }
}

/// Writes `proving.key`, `verifying.key`, `verification_key.json` and `keys.json` into
/// `dir` all-or-nothing, the layout `zkid setup` writes; `setup` is the manifest's
/// `setup` field. Returns the manifest.
pub fn write_keys_dir(
    dir: &Path,
    pk: &ProvingKeyFile,
    vk: &VerifyingKeyFile,
    model: &LoadedModel,
    statement: Statement,
    constraints: u64,
    setup: &str,
) -> Result<Manifest> {
    let mut files = AtomicFiles::default();
    files.create_dir(dir)?;
    let entry = |path: &Path, digest: [u8; 32]| -> Result<FileEntry> {
        Ok(FileEntry {
            blake3: hex(&digest),
            bytes: std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len(),
        })
    };
    let pk_tmp = files.add(&dir.join(PROVING_KEY));
    let pk_entry = entry(&pk_tmp, pk.save(&pk_tmp).with_context(|| format!("cannot write {}", pk_tmp.display()))?)?;
    let vk_tmp = files.add(&dir.join(VERIFYING_KEY));
    let vk_entry = entry(&vk_tmp, vk.save(&vk_tmp).with_context(|| format!("cannot write {}", vk_tmp.display()))?)?;
    let json = vk.key.to_snarkjs_string();
    let json_entry = FileEntry { blake3: hex(&file_digest(json.as_bytes())), bytes: json.len() as u64 };
    files.write(&dir.join(VERIFICATION_KEY_JSON), json.as_bytes())?;

    let manifest = Manifest {
        version: MANIFEST_VERSION,
        setup: setup.into(),
        model_digest: model.digest.to_hex(),
        model_name: model.model.meta().name.clone(),
        statement: statement.id(),
        vk_digest: hex(&pk.header.vk_digest),
        circuit: CircuitCounts {
            constraints,
            variables: pk.key.num_variables() as u64,
            public_inputs: pk.key.num_public_inputs() as u64,
            domain_size: pk.key.domain_size() as u64,
        },
        files: ManifestFiles { proving_key: pk_entry, verifying_key: vk_entry, verification_key_json: json_entry },
    };
    let text = serde_json::to_string_pretty(&manifest)?;
    files.write(&dir.join(MANIFEST), text.as_bytes())?;
    files.commit()?;
    Ok(manifest)
}

/// Prints a keys directory's circuit line, file table and verifying-key digest (what
/// `setup` and `import-zkey` report).
pub fn print_keys(manifest: &Manifest) {
    let c = &manifest.circuit;
    println!(
        "circuit: {} constraints, {} variables, {} public inputs, domain 2^{} = {}",
        crate::ui::thousands(c.constraints),
        crate::ui::thousands(c.variables),
        c.public_inputs,
        c.domain_size.trailing_zeros(),
        crate::ui::thousands(c.domain_size)
    );
    let files = [
        (PROVING_KEY, &manifest.files.proving_key),
        (VERIFYING_KEY, &manifest.files.verifying_key),
        (VERIFICATION_KEY_JSON, &manifest.files.verification_key_json),
    ];
    let rows: Vec<Vec<String>> =
        files.iter().map(|(name, e)| vec![(*name).to_string(), crate::ui::bytes(e.bytes), e.blake3.clone()]).collect();
    print!("{}", crate::ui::table(&["file", "size", "blake3"], &rows, &[false, true, false]));
    println!("verifying key digest: {}", manifest.vk_digest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex32_round_trip_and_rejects() {
        let d = [0xabu8; 32];
        let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(parse_hex32(&hex), Some(d));
        assert_eq!(parse_hex32(&hex[1..]), None);
        assert_eq!(parse_hex32(&format!("{}zz", &hex[..62])), None);
        assert_eq!(parse_hex32(&"é".repeat(32)), None);
    }

    #[test]
    fn atomic_files_leave_nothing_without_commit() {
        let dir = std::env::temp_dir().join(format!("zkid-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("a.json");
        {
            let mut files = AtomicFiles::default();
            files.write(&target, b"{}").unwrap();
            assert!(AtomicFiles::temp_path(&target).exists());
        }
        assert!(!AtomicFiles::temp_path(&target).exists());
        assert!(!target.exists());
        let mut files = AtomicFiles::default();
        files.write(&target, b"{}").unwrap();
        files.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"{}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
