#!/usr/bin/env bash
# Set everything up and run the whole test suite (lint + tests on SQLite and PostgreSQL).
# Extra arguments go to pytest, e.g. scripts/test.sh -k scoping -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh server,tablet,test

# PostgreSQL 15 server binaries: the suite starts its own throwaway cluster with them.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    if [ "$(id -u)" = "0" ]; then
        echo "==> Cài PostgreSQL / installing PostgreSQL (apt)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
        echo "PostgreSQL server binaries are missing: run 'sudo apt-get install postgresql' once" >&2
        exit 1
    fi
fi

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
echo "==> pytest"
export SAOLUU_REQUIRE_PG=1
exec .venv/bin/python -m pytest "$@"
