"""What one request costs the server: CPU per request by kind, one request at a time (no queueing).

The load bench (bench/load_bench.py) gives the figures under a 200-tablet burst; this one says where
they come from. One device sends each kind of request ``--count`` times in a row — the same kinds as a
tablet's sync round — and the server's CPU time (and PostgreSQL's) is divided by the count.

    .venv/bin/python bench/request_cost.py [--count 300] [--engine sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load_bench import add_world, cpu_seconds, database_cpu, enroll_all, make_work  # noqa: E402
from rawhttp import Connection  # noqa: E402
from sync_bench import bench_database, free_port, start_server, stop_server  # noqa: E402

from common.protocol import PROTOCOL_VERSION  # noqa: E402
from tests.images import noise_jpeg  # noqa: E402

Request = tuple[str, str, dict[str, Any]]
"""Method, path and keyword arguments of one request."""


def kinds(token: str, count: int) -> dict[str, Callable[[int], Request]]:
    """The i-th request of each kind: those of a tablet's sync round, and a health check as the floor
    of any request (no authentication; one trivial query)."""
    auth = {"Authorization": f"Bearer {token}"}
    pushes = [body for body, _ in make_work(0, count, 20)]
    photos = [noise_jpeg(random.Random(i), 50_000) for i in range(count)]
    digests = [hashlib.sha256(p).hexdigest() for p in photos]
    return {
        "health": lambda i: ("GET", "/api/v1/health", {}),
        "push 20": lambda i: (
            "POST",
            "/api/v1/sync/push",
            {"content": pushes[i], "headers": {**auth, "Content-Type": "application/json"}},
        ),
        "pull 100": lambda i: (
            "GET",
            "/api/v1/sync/pull",
            {"params": {"cursor": 0, "limit": 100, "protocol": PROTOCOL_VERSION}, "headers": auth},
        ),
        "pull empty": lambda i: (
            "GET",
            "/api/v1/sync/pull",
            {"params": {"cursor": 10**12, "limit": 100, "protocol": PROTOCOL_VERSION}, "headers": auth},
        ),
        "photo HEAD": lambda i: ("HEAD", f"/api/v1/photos/{digests[i]}", {"headers": auth}),
        "photo PATCH": lambda i: (
            "PATCH",
            f"/api/v1/photos/{digests[i]}",
            {
                "content": photos[i],
                "headers": {**auth, "Upload-Offset": "0", "Upload-Length": str(len(photos[i]))},
            },
        ),
    }


async def measure(port: int, pid: int, cluster: Any, token: str, count: int, engine: str) -> None:
    conn = Connection("127.0.0.1", port, timeout=60)
    try:
        for label, make in kinds(token, count).items():
            requests = [make(i) for i in range(count)]
            server, database, start = cpu_seconds(pid), database_cpu(cluster), time.perf_counter()
            for method, path, kw in requests:
                resp = await conn.request(method, path, **kw)
                if resp.status_code >= 300 and resp.status_code != 404:
                    raise SystemExit(f"{label}: HTTP {resp.status_code} {resp.text[:200]}")
            wall = (time.perf_counter() - start) / count * 1000
            server = (cpu_seconds(pid) - server) / count * 1000
            db = f", database {(database_cpu(cluster) - database) / count * 1000:5.2f} ms" if cluster else ""
            print(
                f"[{engine}]   {label:12s} server CPU {server:5.2f} ms{db}, wall {wall:5.2f} ms per request"
            )
    finally:
        await conn.aclose()


def run(engine: str, count: int, workdir: Path) -> None:
    with bench_database(engine, workdir) as db:
        if db is None:
            return
        settings, cluster = db
        add_world(settings, 1)
        port = free_port()
        proc = start_server(settings, port)
        try:
            token = enroll_all(f"http://127.0.0.1:{port}", 1)[0]
            print(f"[{engine}] {count} requests of each kind, one at a time, one server process:")
            asyncio.run(measure(port, proc.pid, cluster, token, count, engine))
        finally:
            stop_server(proc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    args = ap.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory(prefix="saoluu-cost-") as tmp:
        for engine in engines:
            run(engine, args.count, Path(tmp))


if __name__ == "__main__":
    main()
