#!/usr/bin/env bash
# Compile check of the iOS static library on a Linux host (not part of CI; the real build is
# build-xcframework.sh on a macOS builder).
#
# What it needs and why:
# * Rust's standard library for the iOS targets (`rustup target add aarch64-apple-ios`). On
#   a host that cannot reach the Rust distribution server this component cannot be
#   installed; the script then still checks the C half (step 1) and says so.
# * A C compiler for ring's C and assembly: Debian's clang cross-compiles for
#   `arm64-apple-ios` out of the box, but the `cc` crate wants an SDK (`xcrun`, which Linux
#   lacks). We hand it a stub SDK root (`SDKROOT`) holding only the three system headers
#   ring includes (TargetConditionals.h, string.h, stdlib.h), with the declarations the SDK
#   has, and a fixed deployment target so `cc` does not ask `xcrun` for one either.
#
# Usage: ios/check-staticlib.sh [rust-target]   (default aarch64-apple-ios; also
#        aarch64-apple-ios-sim, x86_64-apple-ios)
# Env:   CHECK_TARGET_DIR  cargo target dir (default target/ios-check, apart from the main
#        one so a concurrent build of the workspace is not blocked)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=${1:-aarch64-apple-ios}
target_dir=${CHECK_TARGET_DIR:-$PWD/target/ios-check}
command -v clang >/dev/null || { echo "check-staticlib: clang is missing (tools/apt/install.sh clang)" >&2; exit 1; }
ar=$(command -v llvm-ar || true)
[[ -n $ar ]] || { echo "check-staticlib: llvm-ar is missing (Debian package llvm)" >&2; exit 1; }

case $target in
  aarch64-apple-ios) sdk_name=iPhoneOS; macro_sim=0 ;;
  aarch64-apple-ios-sim | x86_64-apple-ios) sdk_name=iPhoneSimulator; macro_sim=1 ;;
  *) echo "check-staticlib: unsupported target $target" >&2; exit 2 ;;
esac

# --- the stub SDK -------------------------------------------------------------------------
sdk="$target_dir/stub-sdk/$sdk_name.platform/Developer/SDKs/$sdk_name.sdk"
inc="$sdk/usr/include"
mkdir -p "$inc"
cat > "$inc/TargetConditionals.h" <<H
/* Stub of the SDK header: only the macros ring's base.h reads. */
#pragma once
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 0
#define TARGET_OS_IPHONE 1
#define TARGET_OS_IOS 1
#define TARGET_OS_SIMULATOR $macro_sim
H
cat > "$inc/string.h" <<'H'
/* Stub of the SDK header: the declarations ring uses, as in libSystem. */
#pragma once
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
H
cat > "$inc/assert.h" <<'H'
/* Stub of the SDK header: assert as in libSystem (release builds define NDEBUG). */
#pragma once
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
void __assert_rtn(const char *, const char *, int, const char *) __attribute__((noreturn));
#define assert(e) ((e) ? (void)0 : __assert_rtn(__func__, __FILE__, __LINE__, #e))
#endif
H
cat > "$inc/stdlib.h" <<'H'
/* Stub of the SDK header: the declarations ring uses, as in libSystem. */
#pragma once
#include <stddef.h>
void abort(void) __attribute__((noreturn));
H

env_target=${target//-/_}
export "CC_${env_target}=clang" "AR_${env_target}=$ar"
export SDKROOT="$sdk" IPHONEOS_DEPLOYMENT_TARGET=13.0

# --- step 1: ring's C and assembly for the target -------------------------------------------
# ring's build script compiles them before any Rust of the target, so this step works even
# without the target's standard library (`--keep-going` lets it run although the Rust crates
# then fail).
echo "== step 1: ring's C/asm for $target (clang + stub SDK)" >&2
log="$target_dir/step1.log"
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
# Only the static library: the cdylib would need Apple's linker.
cargo rustc --release -p zkid-ffi --lib --target "$target" --target-dir "$target_dir" --crate-type staticlib
lib="$target_dir/$target/release/libzkid_ffi.a"
echo "$lib: $(stat -c %s "$lib") bytes" >&2
