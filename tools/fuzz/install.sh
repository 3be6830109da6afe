#!/usr/bin/env bash
# Installs cargo-fuzz into <repo>/.tools/cargo-fuzz at a pinned version, idempotently: does
# nothing when the installed `cargo-fuzz --version` already says that version. cargo-fuzz
# drives libFuzzer through the `nightly` toolchain (sanitizer flags are nightly-only); nightly
# must already be installed (`rustup toolchain list`): this machine cannot download toolchains.
# A clean install compiles cargo-fuzz: about 2 min on 2 cores.
#
# Usage: tools/fuzz/install.sh        (prints the binary's path on stdout)
set -euo pipefail
version=0.13.2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="$root/.tools/cargo-fuzz"
bin="$dest/bin/cargo-fuzz"

installed() { [[ -x $bin ]] && [[ $("$bin" --version 2>/dev/null) == "cargo-fuzz $version" ]]; }

installed && { echo "$bin"; exit 0; }
rustup toolchain list | grep -q '^nightly' \
  || { echo "tools/fuzz: the nightly toolchain is not installed (cargo-fuzz needs it)" >&2; exit 1; }
mkdir -p "$dest"
# One installer at a time (two test processes may race).
exec 9>"$dest/.install.lock"
flock 9
installed && { echo "$bin"; exit 0; }
echo "tools/fuzz: installing cargo-fuzz $version into $dest" >&2
start=$(date +%s)
cargo install cargo-fuzz --version "$version" --locked --root "$dest" --force >&2
installed || { echo "tools/fuzz: $bin does not report version $version after the install" >&2; exit 1; }
echo "tools/fuzz: cargo-fuzz $version installed in $(( $(date +%s) - start )) s" >&2
echo "$bin"
