#!/usr/bin/env bash
# Installs the pinned npm-distributed tools of zkid's tests (snarkjs, circom2, circomlib,
# circomlibjs, solc, anvil, kotlin-compiler, playwright-core) into tools/npm/node_modules,
# exactly as package-lock.json says. Idempotent: does nothing when the installed tree
# matches the lock file. Needs node >= 18 and npm; fails with the reason when they are
# missing or the registry is unreachable.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
command -v node >/dev/null || { echo "zkid interop tools: node is not installed (apt install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "zkid interop tools: npm is not installed (apt install npm)" >&2; exit 1; }
stamp=node_modules/.zkid-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
  exit 0
fi
# A lock for concurrent test processes: the first installs, the others wait.
exec 9>.install.lock
flock 9
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error >&2
echo "$want" > "$stamp"
