#!/usr/bin/env bash
# Makes the ezkl environment of `cargo xtask bench --compare`, idempotently: a venv at
# tools/ezkl/.venv with the pinned packages of requirements.txt (ezkl from PyPI, plus numpy
# and onnx). Nothing else is downloaded, here or when run.py runs: run.py generates its
# structured reference string locally (ezkl.gen_srs), never fetches one.
#
# Usage: tools/ezkl/install.sh        (then tools/ezkl/.venv/bin/python tools/ezkl/run.py ...)
# Needs: python3 (3.9+) with the venv module.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
req="$here/requirements.txt"
stamp="$venv/.requirements.installed"

# One installer at a time.
exec 9>"$here/.install.lock"
flock 9

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "tools/ezkl: $python not found: install Python 3 (with venv)" >&2
  exit 1
fi
echo "tools/ezkl: creating $venv with $("$python" --version 2>&1)" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
"$venv/bin/python" -c "import ezkl, numpy, onnx" >&2
cp "$req" "$stamp"
