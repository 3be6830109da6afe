#!/usr/bin/env bash
# Compile check of the Android static library on a Linux host without the NDK (not part of
# CI; the real build is build-android.sh with the NDK).
#
# What it needs and why:
# * Rust's standard library for the Android targets (`rustup target add
#   aarch64-linux-android`). On a host that cannot reach the Rust distribution server this
#   component cannot be installed; the script then still checks the C half (step 1) and says
#   so.
# * A C compiler for ring's C and assembly: without the NDK, Debian's clang cross-compiles
#   for `aarch64-linux-android` (the `cc` crate passes `--target`), but there are no bionic
#   headers. We point clang at a stub sysroot holding only the three libc headers ring
#   includes (assert.h, string.h, stdlib.h) with bionic's declarations; clang's own
#   stddef.h/stdint.h cover the rest. Only a static library can be made this way: linking
#   the .so needs the NDK's bionic and linker.
#
# Usage: android/check-staticlib.sh [rust-target]   (default aarch64-linux-android; also
#        armv7-linux-androideabi, x86_64-linux-android)
# Env:   CHECK_TARGET_DIR  cargo target dir (default target/android-check, apart from the
#        main one so a concurrent build of the workspace is not blocked)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=${1:-aarch64-linux-android}
target_dir=${CHECK_TARGET_DIR:-$PWD/target/android-check}
command -v clang >/dev/null || { echo "check-staticlib: clang is missing (tools/apt/install.sh clang)" >&2; exit 1; }
ar=$(command -v llvm-ar || true)
[[ -n $ar ]] || { echo "check-staticlib: llvm-ar is missing (Debian package llvm)" >&2; exit 1; }
case $target in
  aarch64-linux-android | armv7-linux-androideabi | x86_64-linux-android | i686-linux-android) ;;
  *) echo "check-staticlib: unsupported target $target" >&2; exit 2 ;;
esac

# --- the stub sysroot -----------------------------------------------------------------------
sysroot="$target_dir/stub-sysroot"
inc="$sysroot/usr/include"
mkdir -p "$inc"
cat > "$inc/assert.h" <<'H'
/* Stub of bionic's header (release builds define NDEBUG). */
#pragma once
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
void __assert2(const char *, int, const char *, const char *) __attribute__((noreturn));
#define assert(e) ((e) ? (void)0 : __assert2(__FILE__, __LINE__, __func__, #e))
#endif
H
cat > "$inc/string.h" <<'H'
/* Stub of bionic's header: the declarations ring uses. */
#pragma once
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
H
cat > "$inc/stdlib.h" <<'H'
/* Stub of bionic's header: the declarations ring uses. */
#pragma once
#include <stddef.h>
void abort(void) __attribute__((noreturn));
H

env_target=${target//-/_}
# API level 24 (Android 7), the NDK's default minimum for 64-bit apps built by cargo-ndk.
clang_target=$target
[[ $target == armv7-linux-androideabi ]] && clang_target=armv7a-linux-androideabi
export "CC_${env_target}=clang" "AR_${env_target}=$ar"
export "CFLAGS_${env_target}=--target=${clang_target}24 --sysroot=$sysroot"

# --- step 1: ring's C and assembly for the target -------------------------------------------
echo "== step 1: ring's C/asm for $target (clang + stub sysroot)" >&2
log="$target_dir/step1.log"
mkdir -p "$target_dir"
set +e
cargo build -p ring --release --target "$target" --target-dir "$target_dir" --keep-going >"$log" 2>&1
set -e
ring_a=$(find "$target_dir/$target/release/build" -name 'libring_core_*.a' -path '*ring-*' 2>/dev/null | head -1)
if [[ -z $ring_a ]]; then
  echo "check-staticlib: ring's C did not build for $target; log: $log" >&2
  grep -E 'error|warning: ring' "$log" | head -20 >&2
  exit 1
fi
echo "ring's C/asm archive: $ring_a ($(stat -c %s "$ring_a") bytes, $("$ar" t "$ring_a" | wc -l) objects)" >&2

# --- step 2: the Rust static library ---------------------------------------------------------
if [[ ! -d $(rustc --print sysroot)/lib/rustlib/$target ]]; then
  rustup target add "$target" >&2 || true
fi
if [[ ! -d $(rustc --print sysroot)/lib/rustlib/$target ]]; then
  echo "check-staticlib: Rust's standard library for $target is not installed" \
    "(rustup target add $target); only ring's C was checked" >&2
  exit 3
fi
echo "== step 2: cargo rustc --release -p zkid-ffi --target $target --crate-type staticlib" >&2
# Only the static library: the cdylib would need the NDK's linker.
cargo rustc --release -p zkid-ffi --lib --target "$target" --target-dir "$target_dir" --crate-type staticlib
lib="$target_dir/$target/release/libzkid_ffi.a"
echo "$lib: $(stat -c %s "$lib") bytes" >&2
