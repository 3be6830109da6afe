#!/usr/bin/env bash
# Makes the Python environment of zkid's binding tests, idempotently: a venv at
# tools/python/.venv with the pinned packages of requirements.txt. A second run with an
# unchanged requirements file costs one comparison.
#
# Usage: tools/python/install.sh        (then tools/python/.venv/bin/python -m pytest ...)
# Needs: python3 (3.8+) with the venv module.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
req="$here/requirements.txt"
stamp="$venv/.requirements.installed"

# One installer at a time (tests may call this concurrently).
exec 9>"$here/.install.lock"
flock 9

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "tools/python: $python not found: install Python 3 (with venv)" >&2
  exit 1
fi
echo "tools/python: creating $venv with $("$python" --version 2>&1)" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
cp "$req" "$stamp"
