"""Sync throughput: push 100,000 file records (batches of 500) and 200 photos of 1 MB to the real
server over loopback; compare with the raw sqlite3/psycopg ``executemany`` upsert of the same rows.

    .venv/bin/python bench/sync_bench.py [--records 100000] [--photos 200] [--engine sqlite|postgres|both]
        [--clients 1]   (with SAOLUU_WORKERS=N the server runs N processes)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.protocol import PushRequest  # noqa: E402
from common.text import fold  # noqa: E402
from sync_server.config import Settings  # noqa: E402
from tests.images import noise_jpeg  # noqa: E402

T = TypeVar("T")
AGENCY = "000.00.01.H47"
CAMPAIGN = "5a0e3c55-71a0-4d71-9d2e-2026aa000071"
"""Every record belongs to the year's campaign, as on the tablets."""
BATCH = 500
DAMAGES = ["crumbling", "brittle", "torn", "stained", "faded", "mould", "pests", "water"]
WORDS = [
    "Tập",
    "công",
    "văn",
    "báo",
    "cáo",
    "quyết",
    "định",
    "tờ",
    "trình",
    "hồ",
    "sơ",
    "về",
    "việc",
    "xây",
    "dựng",
    "đê",
    "điều",
    "thủy",
    "lợi",
    "ruộng",
    "đất",
    "năm",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_records(n: int, fonds_id: str, rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        year = rng.randint(1945, 2000)
        out.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "agency_code": AGENCY,
                "campaign_id": CAMPAIGN,
                "fonds_id": fonds_id,
                "inventory_no": str(rng.randint(1, 9)),
                "box_no": str(i // 40 + 1),
                "file_no": str(i + 1),
                "title": " ".join(rng.choices(WORDS, k=12)) + f" {year}",
                "start_date": f"{year}-{rng.randint(1, 12):02d}",
                "end_date": f"{year + rng.randint(0, 3)}",
                "leaves": rng.randint(1, 300),
                "criteria": rng.sample(["permanent", "collected", "damaged", "rare"], k=rng.randint(1, 2)),
                "carrier": "paper",
                "damages": [
                    {"type": d, "severity": rng.randint(1, 4), "readability": "partial"}
                    for d in rng.sample(DAMAGES, k=rng.randint(0, 3))
                ],
            }
        )
    return out


def prepare(settings: Settings) -> None:
    from sqlmodel import Session

    from common.schemas import AgencyIn, Campaign
    from common.vocab import Role
    from sync_server.db import make_engine, migrate
    from sync_server.domain.agencies import upsert_agencies
    from sync_server.domain.campaigns import save_campaign
    from sync_server.domain.users import UserCreate, create_user

    engine = make_engine(settings)
    migrate(engine)
    with Session(engine) as s:
        upsert_agencies(s, None, [AgencyIn(code=AGENCY, name="Sở Nội vụ", kind="department")])
        save_campaign(s, None, Campaign(id=uuid.UUID(CAMPAIGN), year=2026, name="Khảo sát 2026"))
        s.commit()
        create_user(
            s,
            None,
            UserCreate(
                username="bench", password="bench-password", role=Role.SURVEYOR, assigned_agencies=[AGENCY]
            ),
        )
    engine.dispose()


@contextmanager
def bench_database(engine: str, workdir: Path) -> Iterator[tuple[Settings, Any] | None]:
    """Settings for a fresh database of ``engine`` ("sqlite" or "postgres") under ``workdir``, made
    ready by :func:`prepare`, and the throwaway PostgreSQL cluster behind it (None for SQLite),
    stopped on exit; None (said on the console) when PostgreSQL's binaries are not installed."""
    if engine != "postgres":
        url = f"sqlite:///{workdir / engine / 'saoluu.db'}"
        settings = Settings(data_dir=workdir / engine, database_url=url)
        prepare(settings)
        yield settings, None
        return
    from tests.pgcluster import PgCluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        print("postgres: PostgreSQL binaries not found, skipped")
        yield None
        return
    cluster = PgCluster(bindir).start()
    try:
        settings = Settings(data_dir=workdir / engine, database_url=cluster.url())
        prepare(settings)
        yield settings, cluster
    finally:
        cluster.stop()


def start_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    """``serve`` in a child process (``BENCH_SERVER_LOG=FILE`` keeps its log; ``SAOLUU_WORKERS=N``)."""
    path = os.environ.get("BENCH_SERVER_LOG")
    log: Any = open(path, "ab") if path else subprocess.DEVNULL  # noqa: SIM115 (the child writes it)
    env = {**os.environ, "SAOLUU_DATA_DIR": str(settings.data_dir), "DATABASE_URL": settings.database_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync_server", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def stop_server(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGTERM, and SIGKILL if the server has not stopped within ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def timed_over_connections(
    http: httpx.Client, clients: int, items: list[T], send: Callable[[httpx.Client, T], None]
) -> float:
    """Seconds to ``send`` every item once, from ``clients`` connections at once (each its own
    client with ``http``'s address and headers, taking every ``clients``-th item)."""

    def share(k: int) -> None:
        with httpx.Client(base_url=http.base_url, headers=http.headers, timeout=http.timeout) as own:
            for item in items[k::clients]:
                send(own, item)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for done in [pool.submit(share, k) for k in range(clients)]:
            done.result()
    return time.perf_counter() - start


def push_all(
    http: httpx.Client, records: list[dict[str, Any]], fonds: dict[str, Any], clients: int = 1
) -> float:
    """Push the records in batches of ``BATCH``; ``clients`` > 1 sends batches from that many
    connections at once (as several tablets do), each batch still sent once and checked."""
    http.post(
        "/api/v1/sync/push",
        json={
            "batch_id": str(uuid.uuid4()),
            "changes": [{"type": "fonds", "id": fonds["id"], "rev": 1, "data": fonds}],
        },
    ).raise_for_status()
    bodies = []
    for i in range(0, len(records), BATCH):
        changes = [
            {"type": "file_record", "id": r["id"], "rev": 1, "data": r} for r in records[i : i + BATCH]
        ]
        bodies.append(json.dumps({"batch_id": str(uuid.uuid4()), "changes": changes}).encode())

    def send(own: httpx.Client, body: bytes) -> None:
        r = own.post("/api/v1/sync/push", content=body, headers={"Content-Type": "application/json"})
        r.raise_for_status()
        statuses = {x["status"] for x in r.json()["results"]}
        assert statuses == {"applied"}, statuses

    return timed_over_connections(http, clients, bodies, send)


def upload_photos(
    http: httpx.Client, count: int, size: int, chunk: int, rng: random.Random, clients: int = 1
) -> float:
    photos = [noise_jpeg(rng, size) for _ in range(count)]
    hashes = [hashlib.sha256(data).hexdigest() for data in photos]  # the tablet hashes at capture

    def send(own: httpx.Client, photo: tuple[bytes, str]) -> None:
        data, sha = photo
        for off in range(0, len(data), chunk):
            r = own.patch(
                f"/api/v1/photos/{sha}",
                content=data[off : off + chunk],
                headers={"Upload-Offset": str(off), "Upload-Length": str(len(data))},
            )
            assert r.status_code in (201, 204), r.text

    return timed_over_connections(http, clients, list(zip(photos, hashes, strict=True)), send)


def raw_rows(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows the server writes for these records, as plain tuples (for the raw ceiling)."""
    rows = []
    for i, r in enumerate(records):
        rows.append(
            (
                r["id"],
                AGENCY,
                1,
                1,
                0,
                0,
                i,
                "2026-11-24",
                "2026-11-24",
                json.dumps(r),
                r["fonds_id"],
                r["file_no"],
                r["title"],
                fold(r["title"]),
                "paper",
                ",".join(r["criteria"]),
                0,
                r["leaves"],
                max((d["severity"] for d in r["damages"]), default=0),
                "pending",
            )
        )
    return rows


RAW_TABLE = """CREATE TABLE rec (id TEXT PRIMARY KEY, agency_code TEXT, version INT, rev INT,
 deleted INT, conflicted INT, seq BIGINT, created_at TEXT, updated_at TEXT, data TEXT, fonds_id TEXT,
 file_no TEXT, title TEXT, title_folded TEXT, carrier TEXT, criteria TEXT, conservation INT, leaves INT,
 max_severity INT, review_state TEXT)"""
RAW_UPSERT = (
    "INSERT INTO rec VALUES ({}) ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
    "data = excluded.data, seq = excluded.seq"
)


def raw_sqlite(rows: list[tuple[Any, ...]], path: Path) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(RAW_TABLE)
    sql = RAW_UPSERT.format(",".join("?" * len(rows[0])))
    start = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        conn.executemany(sql, rows[i : i + BATCH])
        conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def raw_postgres(rows: list[tuple[Any, ...]], url: str) -> float:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(RAW_TABLE)
        conn.commit()
        sql = RAW_UPSERT.format(",".join(["%s"] * len(rows[0])))
        start = time.perf_counter()
        with conn.cursor() as cur:
            for i in range(0, len(rows), BATCH):
                cur.executemany(sql, rows[i : i + BATCH])
                conn.commit()
        return time.perf_counter() - start


def schema_ceiling(settings: Settings) -> float:
    """Seconds to write again the rows the server wrote for the pushed file records (the records, their
    damage rows, their audit rows) with the driver's own ``executemany`` and no server at all, into the
    same tables with their indexes and triggers, in batches of ``BATCH`` records (a commit each).

    The floor of SaoLuu's own schema on this machine: no ingest can be faster than the writes alone.
    The rows are read out, deleted (not timed) and written back, through a connection set up as the
    server's are (SQLite's cache size and journal settings).
    """
    from sqlalchemy import JSON

    from sync_server.db import make_engine
    from sync_server.models import AuditLog, FileDamage, FileRecord

    engine = make_engine(settings)
    postgres = engine.dialect.name == "postgresql"
    mark = "%s" if postgres else "?"
    conn = engine.raw_connection()
    try:
        cur = conn.cursor()
        tables: list[tuple[str, str, list[str], str]] = []  # (table, SELECT, columns, INSERT)
        for model, where in (
            (FileRecord, "ORDER BY seq"),
            (FileDamage, ""),
            (AuditLog, "WHERE entity_type = 'file_record'"),
        ):
            table = model.__table__  # type: ignore[attr-defined]
            cols = [c for c in table.columns if not (c.primary_key and c.autoincrement is True)]
            names = [c.name for c in cols]
            text_of = [f"{c.name}::text" if postgres and isinstance(c.type, JSON) else c.name for c in cols]
            marks = [f"{mark}::json" if postgres and isinstance(c.type, JSON) else mark for c in cols]
            select = f"SELECT {', '.join(text_of)} FROM {table.name} {where}"
            insert = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(marks)})"
            tables.append((table.name, select, names, insert))
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for name, select, _, _ in tables:
            cur.execute(select)
            rows[name] = [tuple(r) for r in cur.fetchall()]
        keys = ("id", "record_id", "entity_id")  # the file record each row belongs to
        owner = {name: names.index(key) for (name, _, names, _), key in zip(tables, keys, strict=True)}
        by_owner: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
        for name, _, _, _ in tables[1:]:
            groups: dict[str, list[tuple[Any, ...]]] = {}
            for row in rows[name]:
                groups.setdefault(row[owner[name]], []).append(row)
            by_owner[name] = groups
        cur.execute("DELETE FROM filedamage")
        cur.execute("DELETE FROM auditlog WHERE entity_type = 'file_record'")
        cur.execute("DELETE FROM filerecord")
        conn.commit()
        records = rows["filerecord"]
        start = time.perf_counter()
        for i in range(0, len(records), BATCH):
            batch = records[i : i + BATCH]
            ids = [r[owner["filerecord"]] for r in batch]
            cur.executemany(tables[0][3], batch)
            for name, _, _, insert in tables[1:]:
                children = [row for rid in ids for row in by_owner[name].get(rid, [])]
                if children:
                    cur.executemany(insert, children)
            conn.commit()
        return time.perf_counter() - start
    finally:
        conn.close()
        engine.dispose()


def run(engine: str, n: int, photos: int, workdir: Path, clients: int = 1) -> None:
    rng = random.Random(71)
    with bench_database(engine, workdir) as db:
        if db is None:
            return
        settings, cluster = db
        port = free_port()
        proc = start_server(settings, port)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
                token = http.post(
                    "/api/v1/auth/token", data={"username": "bench", "password": "bench-password"}
                )
                http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
                fonds = {
                    "id": str(uuid.uuid4()),
                    "agency_code": AGENCY,
                    "number": "12",
                    "name": "Phông bench",
                }
                records = make_records(n, fonds["id"], rng)
                PushRequest.model_validate({"batch_id": str(uuid.uuid4()), "changes": []})
                push_s = push_all(http, records, fonds, clients)
                mb = 1024 * 1024
                photo_s = upload_photos(http, photos, mb, mb, rng, clients) if photos else 0.0
        finally:
            stop_server(proc)
        rows = raw_rows(records)
        if cluster is not None:
            raw_s = raw_postgres(rows, cluster.url())
        else:
            raw_s = raw_sqlite(rows, workdir / engine / "raw.db")
        schema_s = schema_ceiling(settings)
    rate, ceiling = n / push_s, n / raw_s
    workers = os.environ.get("SAOLUU_WORKERS", "1")
    print(
        f"[{engine}] records: {n} in {push_s:.2f} s = {rate:,.0f} records/s (incl. audit, damage rows; "
        f"{clients} client(s), SAOLUU_WORKERS={workers})"
    )
    print(f"[{engine}] raw executemany upsert ceiling: {ceiling:,.0f} rows/s; ratio {rate / ceiling:.2f}")
    print(
        f"[{engine}] floor of SaoLuu's schema: the same records' rows (record, damage, audit) written "
        f"again by raw executemany into its own tables, indexes and triggers: {n / schema_s:,.0f} records/s; "
        f"ratio {rate * schema_s / n:.2f}"
    )
    if photos:
        print(f"[{engine}] photos: {photos} x 1 MB in {photo_s:.2f} s = {photos / photo_s:,.1f} MB/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--clients", type=int, default=1, help="connections pushing batches at once")
    args = ap.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory(prefix="saoluu-bench-") as tmp:
        for engine in engines:
            run(engine, args.records, args.photos, Path(tmp), args.clients)


if __name__ == "__main__":
    main()
