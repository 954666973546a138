"""No secret ever reaches the server's log: passwords, tokens, enrollment codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.faults.conftest import admin_headers, enroll


def test_server_log_holds_no_secrets(server_factory: Any) -> None:
    server = server_factory()
    admin = admin_headers(server.url)
    code = httpx.post(f"{server.url}/api/v1/admin/users/surveyor_a/enroll-codes", headers=admin).json()[
        "code"
    ]
    token = httpx.post(f"{server.url}/api/v1/devices/enroll", json={"code": code, "device_name": "t"}).json()[
        "token"
    ]
    device_token = enroll(server.url, admin, "surveyor_b", "t2")
    bad = httpx.post(
        f"{server.url}/api/v1/auth/token", data={"username": "admin", "password": "sai-mat-khau-99"}
    )
    assert bad.status_code == 401
    httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    httpx.get(f"{server.url}/api/v1/me?token={device_token}")  # even a token put in a URL by mistake
    server.stop()
    log = "\n".join(p.read_text(errors="replace") for p in Path(server.data_dir).glob("server-*.log"))
    assert "GET /api/v1/me" in log  # the log is really there and written
    secrets = ["matkhau-admin", "sai-mat-khau-99", code, token, device_token, admin["Authorization"][7:]]
    leaked = [s[:6] + "…" for s in secrets if s in log]
    assert leaked == []
