#!/usr/bin/env bash
# Set everything up and start SaoLuu on embedded defaults: the sync server (SQLite and photos under
# ./data, demo agencies and demo accounts, printed with their passwords) and, beside it, the tablet
# app in web mode, already enrolled to the demo surveyor khaosat1. Ctrl-C stops both; if the tablet
# app stops on its own, the server keeps running.
# Environment: SAOLUU_DATA_DIR (./data), SAOLUU_HOST (127.0.0.1), SAOLUU_PORT (8000),
#              SAOLUU_TABLET_PORT (8550), SAOLUU_TABLET_DATA_DIR (<data dir>/tablet-khaosat1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh server,tablet

data="${SAOLUU_DATA_DIR:-data}"
host="${SAOLUU_HOST:-127.0.0.1}"
port="${SAOLUU_PORT:-8000}"
tablet_port="${SAOLUU_TABLET_PORT:-8550}"
tablet_data="${SAOLUU_TABLET_DATA_DIR:-$data/tablet-khaosat1}"
py=.venv/bin/python
local_host="$host"
[ "$host" = "0.0.0.0" ] && local_host=127.0.0.1
server_url="http://$local_host:$port"
tablet_url="http://$local_host:$tablet_port"

pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap 'stop; exit 130' INT TERM
trap stop EXIT

wait_for() {  # wait_for URL NAME PID
    "$py" - "$1" "$2" "$3" <<'PYWAIT'
import os, sys, time, urllib.request
url, name, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(600):
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"{name} đã dừng / stopped")
    try:
        urllib.request.urlopen(url, timeout=2)
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit(f"{name}: không trả lời / no answer at {url}")
PYWAIT
}

"$py" -m sync_server serve --demo --data-dir "$data" --host "$host" --port "$port" &
pids+=($!)
wait_for "$server_url/api/v1/health" "máy chủ / server" "${pids[0]}"

enroll=()
if ! "$py" -c "import sys; from mobile_app.container import build_container
sys.exit(0 if build_container('$tablet_data').prefs.enrolled else 1)" 2>/dev/null; then
    code_output="$("$py" -m sync_server enroll-code --user khaosat1 --data-dir "$data" \
        --server "$server_url" --png "$data/enroll-khaosat1.png")"
    code="$(printf '%s\n' "$code_output" | grep -oE '[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}' | head -n 1)"
    enroll=(--enroll-server "$server_url" --enroll-code "$code")
fi
"$py" -m mobile_app --web --host "$host" --port "$tablet_port" --data-dir "$tablet_data" "${enroll[@]}" &
pids+=($!)
wait_for "$tablet_url/" "ứng dụng máy tính bảng / tablet app" "${pids[1]}"

cat <<EOF
========================================================================
 SaoLuu đang chạy / is running   (Ctrl-C để dừng cả hai / stops both)
  Ứng dụng máy tính bảng dừng thì máy chủ vẫn chạy / the server outlives the tablet app
  Máy chủ / server:            $server_url   (API docs: $server_url/docs)
  Máy tính bảng / tablet app:  $tablet_url   (khaosat1, dữ liệu / data: $tablet_data)
========================================================================
EOF
# The first to stop: the tablet app alone leaves the server running (other tablets and the web
# pages still use it); the server stopping ends everything.
wait -n "${pids[@]}" || true
if kill -0 "${pids[0]}" 2>/dev/null; then
    echo "Ứng dụng máy tính bảng đã dừng; máy chủ vẫn chạy ở $server_url (Ctrl-C để dừng)." >&2
    echo "The tablet app stopped; the server keeps running at $server_url (Ctrl-C stops it)." >&2
    wait "${pids[0]}" || true
fi
echo "Máy chủ đã dừng / the server stopped." >&2
