#!/usr/bin/env bash
# Builds the native part of the zkid Android library: libzkid_ffi.so for arm64-v8a,
# armeabi-v7a and x86_64 into zkid/src/main/jniLibs/<abi>/, with cargo-ndk and the Android
# NDK, then (when Gradle is installed) the AAR.
#
#   ANDROID_NDK_HOME=/path/to/ndk android/build-android.sh
#
# Steps, each checked (a failed step stops the script with its name):
#   1. cargo-ndk (installed at the pinned version when missing) and the rustup targets;
#   2. `cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 -o zkid/src/main/jniLibs build
#      --release -p zkid-ffi`;
#   3. the generated Kotlin in zkid/src/main/kotlin (`cargo xtask bindings` when missing);
#   4. `gradle :zkid:assembleRelease` when `gradle` is on PATH (else says how).
#
# Env: ANDROID_NDK_HOME (required: the NDK, r26 or later), CARGO_NDK_PLATFORM (minimum API
#      level, default 24 as zkid/build.gradle.kts), CARGO_PROFILE (default release).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cargo_ndk_version=4.1.2
profile=${CARGO_PROFILE:-release}
export CARGO_NDK_PLATFORM=${CARGO_NDK_PLATFORM:-24}
abis=(arm64-v8a armeabi-v7a x86_64)
targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)

step() { echo "== $*" >&2; }
fail() { echo "build-android: $*" >&2; exit 1; }

[[ -n ${ANDROID_NDK_HOME:-} ]] || fail "ANDROID_NDK_HOME is not set: install the Android NDK (r26+) and point it there"
[[ -d $ANDROID_NDK_HOME/toolchains/llvm/prebuilt ]] || fail "$ANDROID_NDK_HOME does not look like an NDK (no toolchains/llvm/prebuilt)"
command -v cargo >/dev/null || fail "cargo is not installed"
command -v rustup >/dev/null || fail "rustup is not installed (needed for the Android targets)"

step "1. cargo-ndk $cargo_ndk_version and the Android targets"
if ! cargo ndk --version 2>/dev/null | grep -q "$cargo_ndk_version"; then
  cargo install cargo-ndk --version "$cargo_ndk_version" --locked || fail "cargo install cargo-ndk failed"
fi
rustup target add "${targets[@]}" || fail "rustup target add failed"

step "2. libzkid_ffi.so for ${abis[*]} (API $CARGO_NDK_PLATFORM, $profile)"
cd "$root"
jni="$here/zkid/src/main/jniLibs"
ndk_args=()
for abi in "${abis[@]}"; do ndk_args+=(-t "$abi"); done
cargo ndk "${ndk_args[@]}" -o "$jni" build --profile "$profile" -p zkid-ffi || fail "cargo ndk build failed"
for abi in "${abis[@]}"; do
  so="$jni/$abi/libzkid_ffi.so"
  [[ -f $so ]] || fail "$so was not produced"
  echo "$so: $(stat -c %s "$so" 2>/dev/null || stat -f %z "$so") bytes" >&2
done

step "3. generated Kotlin"
kt_dir="$here/zkid/src/main/kotlin"
if ! find "$kt_dir" -name zkid_ffi.kt 2>/dev/null | grep -q .; then
  cargo xtask bindings || fail "cargo xtask bindings failed"
  find "$kt_dir" -name zkid_ffi.kt | grep -q . || fail "no zkid_ffi.kt under $kt_dir after cargo xtask bindings"
fi

step "4. AAR"
if command -v gradle >/dev/null; then
  (cd "$here" && gradle --no-daemon :zkid:assembleRelease) || fail "gradle :zkid:assembleRelease failed"
  echo "built $here/zkid/build/outputs/aar/zkid-release.aar" >&2
else
  echo "gradle is not on PATH: open android/ in Android Studio, or run 'gradle :zkid:assembleRelease' there" >&2
fi
