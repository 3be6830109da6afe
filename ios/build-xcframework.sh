#!/usr/bin/env bash
# Builds ios/ZkidFFI.xcframework (the Rust static library for iOS devices and simulators,
# with the C header and module map of the generated Swift) on a macOS builder with Xcode.
#
#   ios/build-xcframework.sh
#
# Steps, each checked (a failed step stops the script with its name):
#   1. rustup targets aarch64-apple-ios, aarch64-apple-ios-sim, x86_64-apple-ios;
#   2. `cargo build --release -p zkid-ffi --target <each>` (static libraries);
#   3. lipo: one simulator library for arm64 + x86_64;
#   4. the header and module map from `cargo xtask bindings` (ios/Sources/ZkidFFI), placed in
#      Headers/<module>/ so that several UniFFI frameworks can coexist in one app;
#   5. `xcodebuild -create-xcframework`.
#
# Env (all optional):
#   XCFRAMEWORK_NAME            output name (default ZkidFFI): another app's Rust framework may
#                               already be called that
#   FFI_HEADERS_DIR             where zkid_ffiFFI.h and its .modulemap are (default: found
#                               under ios/Sources, regenerated with `cargo xtask bindings`
#                               when missing)
#   IPHONEOS_DEPLOYMENT_TARGET  minimum iOS (default 13.0, as Package.swift)
#   CARGO_PROFILE               cargo profile (default release)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
name=${XCFRAMEWORK_NAME:-ZkidFFI}
profile=${CARGO_PROFILE:-release}
module=zkid_ffiFFI
device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
export IPHONEOS_DEPLOYMENT_TARGET=${IPHONEOS_DEPLOYMENT_TARGET:-13.0}

step() { echo "== $*" >&2; }
fail() { echo "build-xcframework: $*" >&2; exit 1; }

[[ $(uname -s) == Darwin ]] || fail "needs macOS with Xcode (this is $(uname -s)); on Linux, ios/check-staticlib.sh checks what can be checked"
for tool in cargo rustup xcodebuild lipo; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

step "1. Rust targets"
rustup target add "$device" "${simulators[@]}" || fail "rustup target add failed"

step "2. static libraries ($profile)"
cd "$root"
for target in "$device" "${simulators[@]}"; do
  cargo build -p zkid-ffi --lib --profile "$profile" --target "$target" || fail "cargo build for $target failed"
  lib="target/$target/$profile/libzkid_ffi.a"
  [[ -f $lib ]] || fail "$lib was not produced"
done

out="$root/target/ios"
rm -rf "$out" && mkdir -p "$out/device" "$out/simulator"
cp "target/$device/$profile/libzkid_ffi.a" "$out/device/libzkid_ffi.a"

step "3. lipo: simulator arm64 + x86_64"
sim_libs=()
for target in "${simulators[@]}"; do sim_libs+=("target/$target/$profile/libzkid_ffi.a"); done
lipo -create "${sim_libs[@]}" -output "$out/simulator/libzkid_ffi.a" || fail "lipo failed"

step "4. header and module map"
headers=${FFI_HEADERS_DIR:-}
if [[ -z $headers ]]; then
  find_header() { find "$here/Sources" -name "$module.h" -print -quit 2>/dev/null; }
  h=$(find_header)
  if [[ -z $h ]]; then
    cargo xtask bindings || fail "cargo xtask bindings failed"
    h=$(find_header)
  fi
  [[ -n $h ]] || fail "no $module.h under ios/Sources after cargo xtask bindings"
  headers=$(dirname "$h")
fi
[[ -f $headers/$module.h ]] || fail "$headers/$module.h is missing"
modulemap=$(find "$headers" -maxdepth 1 -name '*.modulemap' -print -quit)
[[ -n $modulemap ]] || fail "no .modulemap next to $headers/$module.h"
staged="$out/headers/$module"
mkdir -p "$staged"
cp "$headers/$module.h" "$staged/"
# xcodebuild wants it named module.modulemap; in its own folder it does not clash with the
# module map of another framework in the same app.
cp "$modulemap" "$staged/module.modulemap"

step "5. xcodebuild -create-xcframework"
xcf="$here/$name.xcframework"
rm -rf "$xcf"
xcodebuild -create-xcframework \
  -library "$out/device/libzkid_ffi.a" -headers "$out/headers" \
  -library "$out/simulator/libzkid_ffi.a" -headers "$out/headers" \
  -output "$xcf" || fail "xcodebuild -create-xcframework failed"

for lib in "$out/device/libzkid_ffi.a" "$out/simulator/libzkid_ffi.a"; do
  echo "$lib: $(stat -f %z "$lib") bytes ($(lipo -archs "$lib"))" >&2
done
echo "built $xcf" >&2
