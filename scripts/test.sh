#!/usr/bin/env bash
# Set everything up and run the whole test suite (lint + tests on SQLite and PostgreSQL).
# Extra arguments go to pytest, e.g. scripts/test.sh -k scoping -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh server,tablet,test

# System packages the suite needs: PostgreSQL server binaries (the suite starts its own throwaway
# cluster with them), Debian's Chromium (browser tests; Playwright never downloads a browser) and the
# DejaVu fonts (the document pages drawn to test photo legibility; the only ones with Vietnamese).
need=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ]; then
        echo "==> Cài / installing (apt): ${need[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "Missing system packages: run 'sudo apt-get install ${need[*]}' once" >&2
        exit 1
    fi
fi

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
echo "==> mypy"
.venv/bin/mypy
echo "==> pytest"
export SAOLUU_REQUIRE_PG=1
exec .venv/bin/python -m pytest "$@"
