//! Ctrl-C and SIGTERM: cancel the proof, leave no output behind, exit with [`EXIT_CODE`].
//!
//! Every file a command writes goes through [`crate::cmd::keydir::AtomicFiles`], which
//! registers its temporary files (and any directory it created) here before writing them.
//! On the first signal:
//!
//! * while a proof runs ([`cancellable`]), the flag is raised and the prover stops at the
//!   next phase boundary (`ProveObserver::cancelled`); the command then fails with
//!   `Cancelled`, its `AtomicFiles` are dropped uncommitted, and `main` exits with
//!   [`EXIT_CODE`];
//! * otherwise (a setup, a key load: work that cannot stop half-way), or on a second signal,
//!   the handler removes the registered temporary files and directories and exits at once.
//!
//! Once a command has started renaming its outputs into place ([`begin_commit`]), a signal
//! no longer interrupts it: the outputs are complete and the command finishes normally.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Exit code of a cancelled command (128 + SIGINT, what shells report for Ctrl-C).
pub const EXIT_CODE: u8 = 130;

static CANCELLED: AtomicBool = AtomicBool::new(false);
static CANCELLABLE: AtomicUsize = AtomicUsize::new(0);
static COMMITTING: AtomicBool = AtomicBool::new(false);

/// Paths to remove if the process is stopped: temporary files, and directories created for
/// outputs (removed only if empty).
#[derive(Default)]
struct Pending {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

static PENDING: Mutex<Pending> = Mutex::new(Pending { files: Vec::new(), dirs: Vec::new() });

fn pending() -> std::sync::MutexGuard<'static, Pending> {
    // A poisoned lock only means a thread panicked while holding it; the list is still valid.
    PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Installs the SIGINT/SIGTERM handler (once, at start-up). A failure to install leaves the
/// default behaviour (the process dies; temporary files may remain) and is reported.
pub fn install() {
    if let Err(e) = ctrlc::set_handler(on_signal) {
        eprintln!("warning: cannot handle Ctrl-C ({e}); an interrupted command may leave temporary files");
    }
}

fn on_signal() {
    let first = !CANCELLED.swap(true, Ordering::SeqCst);
    if COMMITTING.load(Ordering::SeqCst) {
        return;
    }
    if first && CANCELLABLE.load(Ordering::SeqCst) > 0 {
        eprintln!("\ncancelling: the proof stops at the next phase (Ctrl-C again to stop now)");
        return;
    }
    // Holding the lock keeps a commit from starting (it checks the flag under the lock).
    let guard = pending();
    if COMMITTING.load(Ordering::SeqCst) {
        return;
    }
    for f in &guard.files {
        let _ = std::fs::remove_file(f);
    }
    for d in guard.dirs.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
    eprintln!("\ncancelled: nothing was written");
    std::process::exit(i32::from(EXIT_CODE));
}

/// Whether a signal asked to stop.
pub fn cancelled() -> bool {
    CANCELLED.load(Ordering::SeqCst)
}

/// Marks a proof as running for as long as the guard lives: a signal then cancels it at the
/// next phase instead of stopping the process.
pub fn cancellable() -> CancellableGuard {
    CANCELLABLE.fetch_add(1, Ordering::SeqCst);
    CancellableGuard(())
}

/// See [`cancellable`].
pub struct CancellableGuard(());

impl Drop for CancellableGuard {
    fn drop(&mut self) {
        CANCELLABLE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Registers a temporary file to remove if the process is stopped.
pub fn track_file(path: PathBuf) {
    pending().files.push(path);
}

/// Registers a directory created for outputs, removed (if empty) if the process is stopped.
pub fn track_dir(path: PathBuf) {
    pending().dirs.push(path);
}

/// Forgets `paths` (renamed into place, or removed by their owner).
pub fn untrack(paths: &[PathBuf]) {
    let mut p = pending();
    p.files.retain(|f| !paths.contains(f));
    p.dirs.retain(|d| !paths.contains(d));
}

/// Starts renaming outputs into place: fails with `Err(())` if a signal came first (the
/// caller then drops its temporary files); afterwards signals no longer stop the process.
pub fn begin_commit() -> Result<(), ()> {
    let _guard = pending();
    if cancelled() {
        return Err(());
    }
    COMMITTING.store(true, Ordering::SeqCst);
    Ok(())
}
