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
installed() {  # an install of this pyproject.toml with at least these extras (e.g. after test.sh)
    local f have e
    for f in .venv/.installed-*; do
        [ -f "$f" ] && [ "$(cat "$f")" = "$want" ] || continue
        have="_${f#.venv/.installed-}_"
        for e in ${extras//,/ }; do [[ "$have" == *"_${e}_"* ]] || continue 2; done
        return 0
    done
    return 1
}
if ! installed; then
    echo "==> Cài thư viện / installing dependencies ($extras)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
    echo "$want" > "$stamp"
fi
