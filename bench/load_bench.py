"""Load: 200 simulated tablets syncing at once against the real server (SQLite and PostgreSQL).

Each device enrolls with a one-time code, then runs sync rounds as the tablet app does: push a batch of
file records, upload a photo (HEAD, PATCH), pull. Prints throughput, p50/p95/p99 latency per request
kind and the error count. Target: zero errors, p95 push latency under 1 s.

    .venv/bin/python bench/load_bench.py [--devices 200] [--rounds 3] [--records 20] [--engine both]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sync_bench import free_port, make_records, prepare, start_server  # noqa: E402

from sync_server.config import Settings  # noqa: E402
from tests.images import noise_jpeg  # noqa: E402


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.records = 0
        self.photo_bytes = 0

    def timed(self, kind: str, start: float, ok: bool) -> None:
        self.latency[kind].append(time.perf_counter() - start)
        if not ok:
            self.errors[kind] += 1


PER_AGENCY = 4
"""Tablets per agency: a province's 50 agencies with a few surveyors' tablets each."""


def agency_of(idx: int) -> str:
    return f"LOAD.{idx // PER_AGENCY:03d}"


async def device(
    http: httpx.AsyncClient, token: str, idx: int, rounds: int, n: int, stats: Stats, start: asyncio.Event
) -> None:
    rng = random.Random(idx)
    headers = {"Authorization": f"Bearer {token}"}
    agency = agency_of(idx)
    fonds = {"id": str(uuid.uuid4()), "agency_code": agency, "number": str(idx % 900 + 1), "name": "Phông"}
    work = []  # made before the clock starts: the client's own CPU must not count as server latency
    for r in range(rounds):
        changes = [{"type": "fonds", "id": fonds["id"], "rev": 1, "data": fonds}] if r == 0 else []
        for rec in make_records(n, fonds["id"], rng):
            rec["agency_code"] = agency
            changes.append({"type": "file_record", "id": rec["id"], "rev": 1, "data": rec})
        work.append((changes, noise_jpeg(rng, 50_000)))
    cursor = 0
    await start.wait()
    for changes, photo in work:
        t = time.perf_counter()
        try:
            resp = await http.post(
                "/api/v1/sync/push", json={"batch_id": str(uuid.uuid4()), "changes": changes}, headers=headers
            )
            ok = resp.status_code == 200 and all(x["status"] == "applied" for x in resp.json()["results"])
        except httpx.HTTPError:
            ok = False
        stats.timed("push", t, ok)
        stats.records += n if ok else 0

        sha = hashlib.sha256(photo).hexdigest()
        t = time.perf_counter()
        try:
            resp = await http.head(f"/api/v1/photos/{sha}", headers=headers)
            ok = resp.status_code in (200, 404)
        except httpx.HTTPError:
            ok = False
        stats.timed("photo HEAD", t, ok)
        t = time.perf_counter()
        try:
            resp = await http.patch(
                f"/api/v1/photos/{sha}",
                content=photo,
                headers={**headers, "Upload-Offset": "0", "Upload-Length": str(len(photo))},
            )
            ok = resp.status_code in (200, 201)
        except httpx.HTTPError:
            ok = False
        stats.timed("photo PATCH", t, ok)
        stats.photo_bytes += len(photo) if ok else 0

        while True:
            t = time.perf_counter()
            try:
                resp = await http.get(
                    "/api/v1/sync/pull", params={"cursor": cursor, "limit": 500}, headers=headers
                )
                ok = resp.status_code == 200
            except httpx.HTTPError:
                ok = False
            stats.timed("pull", t, ok)
            if not ok:
                break
            page = resp.json()
            cursor = page["cursor"]
            if not page["has_more"]:
                break


def enroll_all(base: str, count: int) -> list[str]:
    with httpx.Client(base_url=base, timeout=60) as http:
        admin = http.post(
            "/api/v1/auth/token", data={"username": "admin", "password": "bench-admin-password"}
        )
        admin.raise_for_status()
        auth = {"Authorization": f"Bearer {admin.json()['access_token']}"}
        tokens = []
        for i in range(count):
            user = f"load{i // PER_AGENCY:03d}"
            code = http.post(f"/api/v1/admin/users/{user}/enroll-codes", headers=auth).json()["code"]
            resp = http.post("/api/v1/devices/enroll", json={"code": code, "device_name": f"tablet-{i:03d}"})
            resp.raise_for_status()
            tokens.append(resp.json()["token"])
        return tokens


def add_world(settings: Settings, devices: int) -> None:
    """An admin, one agency per ``PER_AGENCY`` tablets and a surveyor assigned to it."""
    from sqlmodel import Session

    from common.schemas import AgencyIn
    from common.vocab import Role
    from sync_server.db import make_engine
    from sync_server.domain.agencies import upsert_agencies
    from sync_server.domain.users import UserCreate, create_user

    engine = make_engine(settings)
    agencies = sorted({agency_of(i) for i in range(devices)})
    with Session(engine) as s:
        create_user(s, None, UserCreate(username="admin", password="bench-admin-password", role=Role.ADMIN))
        upsert_agencies(s, None, [AgencyIn(code=a, name=f"Cơ quan {a}", kind="department") for a in agencies])
        s.commit()
        for a in agencies:
            user = UserCreate(
                username=f"load{a[-3:]}", password="load-password", role=Role.SURVEYOR, assigned_agencies=[a]
            )
            create_user(s, None, user)
    engine.dispose()


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


async def load(base: str, tokens: list[str], rounds: int, n: int) -> tuple[Stats, float]:
    stats = Stats()
    start = asyncio.Event()
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        tasks = [
            asyncio.create_task(device(http, tok, i, rounds, n, stats, start)) for i, tok in enumerate(tokens)
        ]
        t0 = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        return stats, time.perf_counter() - t0


def run(engine: str, devices: int, rounds: int, n: int, workdir: Path) -> None:
    cluster = None
    if engine == "postgres":
        from tests.pgcluster import PgCluster, find_bindir

        bindir = find_bindir()
        if bindir is None:
            print("postgres: PostgreSQL binaries not found, skipped")
            return
        cluster = PgCluster(bindir).start()
        url = cluster.url()
    else:
        url = f"sqlite:///{workdir / engine / 'saoluu.db'}"
    settings = Settings(data_dir=workdir / engine, database_url=url)
    try:
        prepare(settings)
        add_world(settings, devices)
        port = free_port()
        proc = start_server(settings, port)
        try:
            base = f"http://127.0.0.1:{port}"
            tokens = enroll_all(base, devices)
            stats, elapsed = asyncio.run(load(base, tokens, rounds, n))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    finally:
        if cluster is not None:
            cluster.stop()
    requests = sum(len(v) for v in stats.latency.values())
    errors = sum(stats.errors.values())
    print(
        f"[{engine}] {devices} devices x {rounds} rounds in {elapsed:.1f} s: "
        f"{requests / elapsed:,.0f} requests/s, "
        f"{stats.records / elapsed:,.0f} records/s, {stats.photo_bytes / elapsed / 1e6:.1f} MB/s photos, "
        f"errors {errors}"
    )
    for kind, values in stats.latency.items():
        print(
            f"[{engine}]   {kind:12s} n={len(values):5d}  p50 {pct(values, 50) * 1000:7.1f} ms  "
            f"p95 {pct(values, 95) * 1000:7.1f} ms  p99 {pct(values, 99) * 1000:7.1f} ms  "
            f"errors {stats.errors.get(kind, 0)}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--devices", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--records", type=int, default=20, help="file records per push")
    ap.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    args = ap.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory(prefix="saoluu-load-") as tmp:
        for engine in engines:
            run(engine, args.devices, args.rounds, args.records, Path(tmp))


if __name__ == "__main__":
    main()
