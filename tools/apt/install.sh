#!/usr/bin/env bash
# Installs the Debian packages zkid's cross-target tests need, idempotently: packages that are
# already installed are skipped, so a second run costs one `dpkg-query`.
#
#   clang                 C compiler for ring's C/asm on wasm32 and for the C test of the
#                         Swift-facing FFI header
#   gcc-aarch64-linux-gnu cross linker (and ring's C compiler) for aarch64-unknown-linux-gnu
#   qemu-user-static      runs aarch64 test binaries on this x86_64 host
#   chromium, chromium-driver   headless browser for the wasm tests
#   libjna-java           JNA, which UniFFI's Kotlin bindings load the library with
#
# Usage: tools/apt/install.sh [package ...]   (default: all of the above)
set -euo pipefail

packages=("$@")
if [ ${#packages[@]} -eq 0 ]; then
  packages=(clang gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static chromium chromium-driver libjna-java)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
# One installer at a time (tests may call this concurrently).
exec 9>/tmp/zkid-apt.lock
flock 9
echo "tools/apt: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2 || echo "tools/apt: apt-get update failed, trying the cached lists" >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
