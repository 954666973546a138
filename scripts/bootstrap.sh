#!/usr/bin/env bash
# Make .venv (Python >= 3.11) and install SaoLuu with the given extras; reinstalls only when
# pyproject.toml changed. Usage: scripts/bootstrap.sh server,tablet,test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-server,tablet}"
PY="${PYTHON:-python3}"
"$PY" - <<'PYCHECK'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"SaoLuu cần Python >= 3.11 / needs Python >= 3.11 (found {sys.version.split()[0]})")
PYCHECK
if [ ! -x .venv/bin/python ]; then
    echo "==> Tạo môi trường ảo / creating .venv"
    "$PY" -m venv .venv
fi
stamp=".venv/.installed-${extras//,/_}"
want="$(sha256sum pyproject.toml | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "==> Cài thư viện / installing dependencies ($extras)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
    echo "$want" > "$stamp"
fi
