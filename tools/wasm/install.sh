#!/usr/bin/env bash
# Installs wasm-bindgen-cli into <repo>/.tools/wasm-bindgen at exactly the version of the
# wasm-bindgen crate in Cargo.lock (root Cargo.toml pins `wasm-bindgen = "=0.2.130"`): the CLI
# and the crate must be the same version or the generated glue does not match the module.
# Idempotent: does nothing when the installed `wasm-bindgen --version` already says that
# version. A clean install compiles the CLI: about 4.5 min on 2 cores.
#
# Usage: tools/wasm/install.sh        (prints the binary's path on stdout)
# Not `--locked`: the CLI's own lock file pins crates this registry no longer serves.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The version cargo resolved for the crate (the line after `name = "wasm-bindgen"`).
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "tools/wasm: no wasm-bindgen version in $root/Cargo.lock" >&2; exit 1; }
dest="$root/.tools/wasm-bindgen"
bin="$dest/bin/wasm-bindgen"

installed() { [[ -x $bin ]] && [[ $("$bin" --version 2>/dev/null) == "wasm-bindgen $version" ]]; }

installed && { echo "$bin"; exit 0; }
mkdir -p "$dest"
# One installer at a time (two test processes may race).
exec 9>"$dest/.install.lock"
flock 9
installed && { echo "$bin"; exit 0; }
command -v cargo >/dev/null || { echo "tools/wasm: cargo is not installed" >&2; exit 1; }
echo "tools/wasm: installing wasm-bindgen-cli $version into $dest" >&2
start=$(date +%s)
cargo install wasm-bindgen-cli --version "$version" --root "$dest" --force >&2
installed || { echo "tools/wasm: $bin does not report version $version after the install" >&2; exit 1; }
echo "tools/wasm: wasm-bindgen-cli $version installed in $(( $(date +%s) - start )) s" >&2
echo "$bin"
