"""The CLI end to end, and a tablet enrollment against the real server over a socket."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import zxingcpp
from PIL import Image

from common.enroll import parse_enroll_uri
from sync_server.demo import AGENCIES_CSV

ROOT = Path(__file__).resolve().parents[2]


def cli(
    data_dir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync_server", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A data dir prepared with the CLI, then the real server started on it (SQLite)."""
    data = tmp_path / "data"
    r = cli(data, "import-agencies", str(AGENCIES_CSV))
    assert r.returncode == 0, r.stderr
    assert re.search(r"created: \d+", r.stdout)
    first_department = next(
        line.split(",")[0]
        for line in AGENCIES_CSV.read_text(encoding="utf-8").splitlines()
        if ",department," in line and ",active," in line
    )
    assert cli(data, "create-user", "quantri", "--role", "admin", stdin="mat-khau-quan-tri\n").returncode == 0
    r = cli(
        data,
        "create-user",
        "khaosat",
        "--role",
        "surveyor",
        "--agency",
        first_department,
        stdin="mat-khau-khao-sat\n",
    )
    assert r.returncode == 0, r.stderr
    port = _free_port()
    env = {**os.environ, "SAOLUU_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync_server", "serve", "--port", str(port), "--data-dir", str(data)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start")
        yield data, base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cli_refuses_bad_input_without_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind\nA1,Một,department\nA1,Hai,department\n", encoding="utf-8")
    r = cli(data, "import-agencies", str(bad))
    assert r.returncode == 2
    assert "rows[2].code" in r.stderr and "bị trùng" in r.stderr
    r = cli(data, "create-user", "ks", "--role", "surveyor", stdin="ngan\n")
    assert r.returncode == 2
    for common in ("12345678", "password", "matkhau123", "ks-12345"):
        r = cli(data, "create-user", "ks", "--role", "surveyor", stdin=f"{common}\n")
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert "Mật khẩu quá phổ biến hoặc dễ đoán" in r.stderr and "too common or easy to guess" in r.stderr
    r = cli(data, "enroll-code", "--user", "nobody")
    assert r.returncode == 2
    assert "Không tìm thấy" in r.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SAOLUU_ENVIRONMENT": "production"}, "SAOLUU_SECRET_KEY must be set"),
        ({"SAOLUU_DB_SESSIONS": "0"}, "SAOLUU_DB_SESSIONS: Input should be greater than or equal to 1"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(tmp_path: Path, env: dict[str, str], named: str) -> None:
    r = cli(tmp_path / "data", "serve", "--port", "1", env=env)
    assert r.returncode == 2
    assert r.stderr.startswith("Cấu hình sai / Bad configuration:") and named in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "data").exists()


def test_enroll_code_becomes_a_revocable_device_token(served: tuple[Path, str], tmp_path: Path) -> None:
    data, base = served
    png = tmp_path / "enroll.png"
    r = cli(data, "enroll-code", "--user", "khaosat", "--png", str(png), "--server", base)
    assert r.returncode == 0, r.stderr
    code = re.search(r"([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", r.stdout)
    assert code
    decoded = [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.read_bytes())))]
    server, scanned_code = parse_enroll_uri(decoded[0])
    assert (server, scanned_code) == (base, code.group(1))

    with httpx.Client(base_url=server, timeout=10) as http:
        r = http.post("/api/v1/devices/enroll", json={"code": scanned_code.lower(), "device_name": "Tab A9"})
        assert r.status_code == 200, r.text
        token, device_id = r.json()["token"], r.json()["device_id"]
        device = {"Authorization": f"Bearer {token}"}
        me = http.get("/api/v1/me", headers=device).json()
        assert me["username"] == "khaosat" and me["device_id"] == device_id

        again = http.post("/api/v1/devices/enroll", json={"code": scanned_code, "device_name": "Tab 2"})
        assert again.status_code == 403
        assert again.json()["error"]["details"][0]["reason"] == "code_invalid"

        login = http.post("/api/v1/auth/token", data={"username": "quantri", "password": "mat-khau-quan-tri"})
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        devices = http.get("/api/v1/admin/devices", headers=admin).json()
        assert [d["id"] for d in devices] == [device_id]
        assert http.post(f"/api/v1/admin/devices/{device_id}/revoke", headers=admin).status_code == 204
        assert http.get("/api/v1/me", headers=device).status_code == 401
