#!/usr/bin/env bash
# Set everything up and start SaoLuu on embedded defaults: SQLite and photos under ./data,
# demo agencies and demo accounts (printed with their passwords).
# Environment: SAOLUU_DATA_DIR (default ./data), SAOLUU_HOST (127.0.0.1), SAOLUU_PORT (8000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh server,tablet
exec .venv/bin/python -m sync_server serve --demo \
    --data-dir "${SAOLUU_DATA_DIR:-data}" \
    --host "${SAOLUU_HOST:-127.0.0.1}" \
    --port "${SAOLUU_PORT:-8000}"
