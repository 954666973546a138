"""Load: 200 simulated tablets syncing at once against the real server (SQLite and PostgreSQL).

Each device enrolls with a one-time code, then runs sync rounds as the tablet app does: push a batch of
file records, upload a photo (HEAD, PATCH), pull. Prints throughput, p50/p95/p99 latency per request
kind and the error count. Target: zero errors, p95 push latency under 1 s.

    .venv/bin/python bench/load_bench.py [--devices 200] [--rounds 3] [--records 20] [--engine both]
        [--client raw|httpx]

``--client raw`` (the default) drives the devices with a lean asyncio HTTP client (bench/rawhttp.py):
httpx costs the generator about 3 ms of CPU per request on the same two cores as the server, and its
own queueing then shows up as server latency. ``--client httpx`` gives the httpx figures to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rawhttp import Connection, HTTPError  # noqa: E402
from sync_bench import bench_database, free_port, make_records, start_server, stop_server  # noqa: E402

from common.protocol import PROTOCOL_VERSION  # noqa: E402
from sync_server.config import Settings  # noqa: E402
from tests.images import noise_jpeg  # noqa: E402


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.reasons: Counter[str] = Counter()
        self.records = 0
        self.photo_bytes = 0

    def timed(self, kind: str, start: float, error: str | None) -> None:
        self.latency[kind].append(time.perf_counter() - start)
        if error is not None:
            self.errors[kind] += 1
            self.reasons[f"{kind}: {error}"] += 1


PER_AGENCY = 4
"""Tablets per agency: a province's 50 agencies with a few surveyors' tablets each."""


def agency_of(idx: int) -> str:
    return f"LOAD.{idx // PER_AGENCY:03d}"


Work = list[tuple[bytes, bytes]]
"""Per device and round: the push body (JSON) and a photo."""


def make_work(idx: int, rounds: int, n: int) -> Work:
    """A device's pushes and photos, made before the clock starts: the load generator's own CPU must
    not run while requests are timed."""
    rng = random.Random(idx)
    agency = agency_of(idx)
    fonds = {"id": str(uuid.uuid4()), "agency_code": agency, "number": str(idx % 900 + 1), "name": "Phông"}
    work = []
    for r in range(rounds):
        changes = [{"type": "fonds", "id": fonds["id"], "rev": 1, "data": fonds}] if r == 0 else []
        for rec in make_records(n, fonds["id"], rng):
            rec["agency_code"] = agency
            changes.append({"type": "file_record", "id": rec["id"], "rev": 1, "data": rec})
        body = json.dumps({"batch_id": str(uuid.uuid4()), "changes": changes}).encode()
        work.append((body, noise_jpeg(rng, 50_000)))
    return work


Client = httpx.AsyncClient | Connection


async def device(http: Client, token: str, work: Work, n: int, stats: Stats, start: asyncio.Event) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    as_json = {**headers, "Content-Type": "application/json"}
    cursor = 0
    await start.wait()
    for body, photo in work:
        push = "/api/v1/sync/push"
        resp = await call(http, stats, "push", "POST", push, (200,), content=body, headers=as_json)
        if resp is not None and all(x["status"] == "applied" for x in resp.json()["results"]):
            stats.records += n
        elif resp is not None:
            stats.errors["push"] += 1
            stats.reasons["push: not applied"] += 1

        sha = hashlib.sha256(photo).hexdigest()
        await call(http, stats, "photo HEAD", "HEAD", f"/api/v1/photos/{sha}", (200, 404), headers=headers)
        upload = {**headers, "Upload-Offset": "0", "Upload-Length": str(len(photo))}
        path = f"/api/v1/photos/{sha}"
        if await call(http, stats, "photo PATCH", "PATCH", path, (200, 201), content=photo, headers=upload):
            stats.photo_bytes += len(photo)

        while True:
            params = {"cursor": cursor, "limit": 500, "protocol": PROTOCOL_VERSION}
            resp = await call(
                http, stats, "pull", "GET", "/api/v1/sync/pull", (200,), params=params, headers=headers
            )
            if resp is None:
                break
            page = resp.json()
            cursor = page["cursor"]
            if not page["has_more"]:
                break


async def call(
    http: Client, stats: Stats, kind: str, method: str, url: str, ok: tuple[int, ...], **kw: Any
) -> Any:
    """One timed request; the answer when its status is one of ``ok``, else None (counted, with why)."""
    t = time.perf_counter()
    try:
        resp = await http.request(method, url, **kw)
    except (httpx.HTTPError, HTTPError) as exc:
        stats.timed(kind, t, f"{type(exc).__name__} {exc}"[:100])
        return None
    if resp.status_code in ok:
        stats.timed(kind, t, None)
        return resp
    stats.timed(kind, t, f"HTTP {resp.status_code} {resp.text[:80]}")
    return None


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its children (``serve --workers N``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return own + sum(cpu_seconds(int(child)) for child in children)


def database_cpu(cluster: Any) -> float:
    """CPU time so far of a test PostgreSQL cluster (postmaster and its backends); 0 for SQLite,
    whose work runs inside the server processes."""
    if cluster is None:
        return 0.0
    pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    reaped = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # backends that exited
    return cpu_seconds(pid) + reaped


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


def make_client(base: str, kind: str) -> Client:
    if kind == "httpx":
        return httpx.AsyncClient(base_url=base, timeout=60)
    host, port = base.removeprefix("http://").split(":")
    return Connection(host, int(port), timeout=60)


async def load(base: str, tokens: list[str], work: list[Work], n: int, client: str) -> tuple[Stats, float]:
    stats = Stats()
    start = asyncio.Event()
    # one client (one keep-alive connection) per device, as on the tablets; a single client's pool
    # of 200 connections costs the load generator more CPU per request than the server spends
    clients = [make_client(base, client) for _ in tokens]
    try:
        tasks = [
            asyncio.create_task(device(clients[i], tok, work[i], n, stats, start))
            for i, tok in enumerate(tokens)
        ]
        await asyncio.sleep(0.1)  # every device is waiting at the start line
        t0 = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        return stats, time.perf_counter() - t0
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def run(engine: str, devices: int, rounds: int, n: int, workdir: Path, client: str) -> None:
    with bench_database(engine, workdir) as db:
        if db is None:
            return
        settings, cluster = db
        add_world(settings, devices)
        port = free_port()
        proc = start_server(settings, port)
        try:
            base = f"http://127.0.0.1:{port}"
            tokens = enroll_all(base, devices)
            work = [make_work(i, rounds, n) for i in range(devices)]
            server_cpu, client_cpu = cpu_seconds(proc.pid), resource.getrusage(resource.RUSAGE_SELF)
            db_cpu = database_cpu(cluster)
            stats, elapsed = asyncio.run(load(base, tokens, work, n, client))
            server_cpu = cpu_seconds(proc.pid) - server_cpu
            db_cpu = database_cpu(cluster) - db_cpu
            after = resource.getrusage(resource.RUSAGE_SELF)
            client_cpu = after.ru_utime + after.ru_stime - client_cpu.ru_utime - client_cpu.ru_stime
        finally:
            stop_server(proc, timeout=10)
    requests = sum(len(v) for v in stats.latency.values())
    errors = sum(stats.errors.values())
    print(
        f"[{engine}] {devices} devices x {rounds} rounds ({client} client; server "
        f"SAOLUU_WORKERS={os.environ.get('SAOLUU_WORKERS', '1')} "
        f"SAOLUU_DB_SESSIONS={os.environ.get('SAOLUU_DB_SESSIONS', 'default')}) in {elapsed:.1f} s: "
        f"{requests / elapsed:,.0f} requests/s, "
        f"{stats.records / elapsed:,.0f} records/s, {stats.photo_bytes / elapsed / 1e6:.1f} MB/s photos, "
        f"errors {errors}"
    )
    print(
        f"[{engine}]   CPU: server {server_cpu:.1f} s ({server_cpu / requests * 1000:.1f} ms/request), "
        + (f"database {db_cpu:.1f} s, " if cluster is not None else "")
        + f"load generator {client_cpu:.1f} s, of {elapsed * os.cpu_count():.0f} s on {os.cpu_count()} cores"
    )
    for reason, count in stats.reasons.most_common(5):
        print(f"[{engine}]   error x{count}: {reason}")
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
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw")
    args = ap.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory(prefix="saoluu-load-") as tmp:
        for engine in engines:
            run(engine, args.devices, args.rounds, args.records, Path(tmp), args.client)


if __name__ == "__main__":
    main()
