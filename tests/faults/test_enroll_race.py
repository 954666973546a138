"""One enrollment code enrolls one device, however many requests race for it across server
processes (issue #14.4: on PostgreSQL two of twelve concurrent enrolls used to get a 200)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.faults.conftest import ServerProcess, admin_headers

RACERS = 12
TRIALS = 3


def test_concurrent_enrolls_with_one_code_enroll_one_device(database_url: str, tmp_path: Path) -> None:
    servers = [ServerProcess(database_url, tmp_path / f"srv{i}") for i in range(2)]
    for srv in servers:
        srv.data_dir.mkdir()
        srv.start()
    try:
        admin = admin_headers(servers[0].url)
        for trial in range(TRIALS):
            code = httpx.post(f"{servers[0].url}/api/v1/admin/users/surveyor_a/enroll-codes", headers=admin)
            gate = threading.Barrier(RACERS)

            def enroll(
                i: int, code: str = code.json()["code"], trial: int = trial, gate: threading.Barrier = gate
            ) -> httpx.Response:
                body = {"code": code, "device_name": f"t{trial}-{i}"}
                with httpx.Client(base_url=servers[i % 2].url, timeout=30) as http:
                    gate.wait()  # all at once
                    return http.post("/api/v1/devices/enroll", json=body)

            with ThreadPoolExecutor(RACERS) as pool:
                answers = list(pool.map(enroll, range(RACERS)))
            statuses = sorted(a.status_code for a in answers)
            assert statuses == [200] + [403] * (RACERS - 1), (trial, statuses)
            refused = [a.json()["error"]["details"][0]["reason"] for a in answers if a.status_code == 403]
            assert set(refused) == {"code_invalid"}
        devices = httpx.get(f"{servers[0].url}/api/v1/admin/devices", headers=admin).json()
        assert len(devices) == TRIALS
    finally:
        for srv in servers:
            srv.stop()
