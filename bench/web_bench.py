"""Web pages at scale: generate 1,000,000 file records straight into the migrated tables (driver-level
bulk inserts, indexes and triggers set aside during the load, counts rebuilt after), then time the
server side of the dashboard, the inventory (first and 100th page, two filters), title searches
(diacritics-insensitive) and the compliance tracker, through the real app in-process.

    .venv/bin/python bench/web_bench.py [--records 1000000] [--engine sqlite|postgres] [--db PATH]

``--db PATH`` (SQLite) reuses or creates the database there, so a second run skips the generation.
``--engine postgres`` starts a throwaway PostgreSQL cluster (as the test suite does).
Server time is each page's ``Server-Timing`` header: routing, queries and template rendering.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.text import fold  # noqa: E402
from sync_server.config import Settings  # noqa: E402

CAMPAIGN = "5a1f0e52-2026-4000-8000-000000000071"
OLD_CAMPAIGN = "5a1f0e52-2025-4000-8000-000000000071"
ORGS = ["UBND tỉnh", "Sở Nội vụ", "Sở Tài chính", "Ủy ban hành chính", "Ty Thủy lợi", "Hội đồng nhân dân"]
TOPICS = [
    "xây dựng đê điều",
    "chia tách tỉnh Quảng Nam – Đà Nẵng",
    "cải cách ruộng đất",
    "giải phóng mặt bằng",
    "công trình thủy lợi Phú Ninh",
    "tuyển sinh trường sư phạm",
    "thi đua khen thưởng",
    "tổ chức bộ máy, biên chế",
    "thành lập xã, thị trấn",
    "quy hoạch đô thị Hội An",
    "di tích lịch sử Mỹ Sơn",
    "khắc phục hậu quả bão lụt",
    "địa giới hành chính",
    "ngân sách địa phương",
    "đền bù đất đai",
    "phòng chống dịch bệnh",
]
KINDS = ["Tập công văn, báo cáo của", "Hồ sơ hội nghị của", "Quyết định của", "Tờ trình của", "Biên bản của"]
CONDITION = [", giấy mủn", ", ố vàng", ", rách nát", ", nấm mốc", ", mờ chữ"]
DAMAGES = ["crumbling", "brittle", "torn", "stained", "faded", "mould", "pests", "water", "stuck", "losses"]
CRITERIA = ["permanent", "collected", "damaged", "rare"]
CARRIERS = ["paper"] * 17 + ["photo", "maps", "microfilm"]
STATES = ["pending"] * 6 + ["approved"] * 3 + ["sent_back"]
NOW = "2026-11-25 08:00:00.000000"


BOOLEAN_COLUMNS = {"deleted", "conflicted", "conservation", "in_deposit_list", "active"}
BULK_TABLES = ("filerecord", "filedamage", "auditlog")


class SqliteLoader:
    """Bulk load into SQLite: one transaction, indexes and triggers dropped and made again after."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA cache_size=-1000000")
        tables = ", ".join(f"'{t}'" for t in BULK_TABLES)
        self.saved = self.conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            f"AND ((type = 'index' AND tbl_name IN ({tables})) OR type = 'trigger')"
        ).fetchall()
        self.conn.execute("BEGIN")
        for kind, name, _ in self.saved:
            self.conn.execute(f"DROP {kind.upper()} {name}")

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            cols = [row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")]
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            self.conn.executemany(sql, ([r.get(c) for c in cols] for r in rows))

    def finish(self, last_seq: int) -> None:
        self.conn.execute("UPDATE counter SET value = ? WHERE name = 'change_seq'", (last_seq,))
        for _, _, sql in self.saved:
            self.conn.execute(sql)
        self.conn.execute("COMMIT")
        self.conn.execute("ANALYZE")
        self.conn.close()


class PostgresLoader:
    """Bulk load into PostgreSQL with COPY; indexes dropped and made again, user triggers paused."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        self.cur = self.conn.cursor()
        tables = list(BULK_TABLES)
        self.indexes = self.cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT LIKE %s",
            (tables, "%_pkey"),
        ).fetchall()
        for name, _ in self.indexes:
            self.cur.execute(f"DROP INDEX {name}")
        for table in tables:
            self.cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        self.columns: dict[str, list[str]] = {}

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if table not in self.columns:
            self.columns[table] = [
                r[0]
                for r in self.cur.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "ORDER BY ordinal_position",
                    (table,),
                )
            ]
        cols = [c for c in self.columns[table] if c in rows[0]]  # serial ids come from their sequence
        with self.cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row([bool(r[c]) if c in BOOLEAN_COLUMNS and c in r else r.get(c) for c in cols])

    def finish(self, last_seq: int) -> None:
        self.cur.execute("UPDATE counter SET value = %s WHERE name = 'change_seq'", (last_seq,))
        for _, definition in self.indexes:
            self.cur.execute(definition)
        for table in BULK_TABLES:
            self.cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        self.conn.commit()
        self.conn.autocommit = True
        self.cur.execute("VACUUM ANALYZE")
        self.conn.close()


Loader = SqliteLoader | PostgresLoader


def _synced(rid: str, agency: str, seq: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": rid,
        "agency_code": agency,
        "version": 1,
        "rev": 1,
        "deleted": 0,
        "conflicted": 0,
        "seq": seq,
        "created_at": NOW,
        "updated_at": NOW,
        "updated_by": 3,
        "data": json.dumps(data, ensure_ascii=False),
    }


def _agencies(rng: random.Random) -> list[dict[str, Any]]:
    rows = [{"code": "000.00.00.H47", "name": "UBND tỉnh Quảng Nam", "kind": "province", "parent_code": None}]
    for i in range(1, 41):
        rows.append({"code": f"000.00.{i:02d}.H47", "name": f"Sở số {i}", "kind": "department"})
    for d in range(1, 19):
        district = f"000.{d:02d}.00.H47"
        rows.append({"code": district, "name": f"UBND huyện số {d}", "kind": "district"})
        for c in range(1, 15):
            rows.append(
                {
                    "code": f"{c:03d}.{d:02d}.00.H47",
                    "name": f"UBND xã số {c}, huyện {d}",
                    "kind": "commune",
                    "parent_code": district,
                }
            )
    for i in range(1, 301):
        rows.append(
            {"code": f"000.{i:03d}.99.H47", "name": f"Đơn vị sự nghiệp số {i}", "kind": "public_service"}
        )
    for r in rows:
        r.setdefault("parent_code", "000.00.00.H47" if r["kind"] != "province" else None)
        r.update(in_deposit_list=1, status="active", successor_code=None, seq=1, updated_at=NOW)
    rng.shuffle(rows)
    return rows


def _title(rng: random.Random) -> str:
    title = f"{rng.choice(KINDS)} {rng.choice(ORGS)} về {rng.choice(TOPICS)} năm {rng.randint(1945, 2005)}"
    if rng.random() < 0.06:
        title += rng.choice(CONDITION)
    if rng.random() < 0.0005:
        title += ", gia phả dòng họ Trương Đăng"
    return title


def _records(
    rng: random.Random, n: int, fonds: list[tuple[str, str]], first_seq: int
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    for i in range(n):
        fonds_id, agency = fonds[rng.randrange(len(fonds))]
        rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        title = _title(rng)
        hard = rng.random() < 0.005  # a few files are hard to read: conservation first
        damages = [
            {"type": d, "severity": rng.randint(1, 4), "readability": "difficult" if hard else "full"}
            for d in rng.sample(DAMAGES, k=rng.choice((1, 2) if hard else (0, 0, 1, 1, 2, 3)))
        ]
        criteria = sorted(rng.sample(CRITERIA, k=rng.choice((1, 1, 2))))
        campaign = CAMPAIGN if rng.random() < 0.9 else OLD_CAMPAIGN
        data = {
            "id": rid,
            "agency_code": agency,
            "campaign_id": campaign,
            "fonds_id": fonds_id,
            "inventory_no": str(rng.randint(1, 5)),
            "box_no": str(rng.randint(1, 400)),
            "file_no": str(i + 1),
            "title": title,
            "start_date": "1975",
            "leaves": rng.randint(1, 300),
            "retention": "permanent",
            "access": "open",
            "languages": ["vi"],
            "carrier": rng.choice(CARRIERS),
            "criteria": criteria,
            "damages": damages,
            "photos": [],
        }
        row = _synced(rid, agency, first_seq + i, data)
        row.update(
            campaign_id=campaign,
            fonds_id=fonds_id,
            box_id=None,
            file_no=data["file_no"],
            title=title,
            title_folded=fold(title),
            carrier=data["carrier"],
            criteria=",".join(criteria),
            conservation=int(hard),
            leaves=data["leaves"],
            pages=None,
            max_severity=max((d["severity"] for d in damages), default=0),
            review_state=rng.choice(STATES),
        )
        dmg = [
            {
                "record_id": rid,
                "damage_type": d["type"],
                "agency_code": agency,
                "severity": d["severity"],
                "readability": d["readability"],
                "campaign_id": campaign,
            }
            for d in damages
        ]
        yield row, dmg


def generate(settings: Settings, n: int, seed: int = 71) -> None:
    """A migrated database holding ``n`` file records spread over ~600 agencies, counts rebuilt."""
    from sqlmodel import Session

    from sync_server.db import make_engine, migrate
    from sync_server.domain.dashboard import recount

    engine = make_engine(settings)
    migrate(engine)
    loader: Loader
    if settings.is_sqlite:
        loader = SqliteLoader(Path(settings.database_url.split("///", 1)[1]))
    else:
        loader = PostgresLoader(settings.database_url)
    _load(loader, n, random.Random(seed))
    with Session(engine) as session:
        recount(session)  # the counts the triggers would have kept
    engine.dispose()


def _load(loader: Loader, n: int, rng: random.Random) -> None:
    agencies = _agencies(rng)
    loader.insert("agency", agencies)
    for cid, year in ((OLD_CAMPAIGN, 2025), (CAMPAIGN, 2026)):
        loader.insert(
            "campaign",
            [{"id": cid, "year": year, "name": f"Khảo sát năm {year}", "active": 1, "seq": 1}],
        )
    users = [
        {
            "id": 1,
            "username": "reviewer",
            "full_name": "",
            "role": "reviewer",
            "password_hash": "x",
            "active": 1,
            "created_at": NOW,
        }
    ]
    users += [
        {
            "id": 2 + i,
            "username": f"khaosat{i}",
            "full_name": f"Cán bộ {i}",
            "role": "surveyor",
            "password_hash": "x",
            "active": 1,
            "created_at": NOW,
        }
        for i in range(20)
    ]
    loader.insert("app_user", users)
    devices = [
        {
            "id": str(uuid.UUID(int=i + 1)),
            "user_id": 2 + i,
            "name": f"Máy tính bảng {i + 1}",
            "created_at": NOW,
        }
        for i in range(20)
    ]
    loader.insert("device", devices)
    codes = [a["code"] for a in agencies]
    listing = codes[: int(len(codes) * 0.7)]
    nil = codes[int(len(codes) * 0.7) : int(len(codes) * 0.8)]
    seq = 10
    fonds, fonds_rows = [], []
    for code in listing:
        for k in range(rng.randint(1, 5)):
            fid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            data = {
                "id": fid,
                "agency_code": code,
                "number": str(k + 1),
                "name": f"Phông {k + 1}",
                "kind": "fonds",
            }
            fonds_rows.append(
                {
                    **_synced(fid, code, seq, data),
                    "number": data["number"],
                    "name": data["name"],
                    "kind": "fonds",
                }
            )
            fonds.append((fid, code))
            seq += 1
    loader.insert("fonds", fonds_rows)
    visits = []
    for code in listing + nil:
        vid = str(uuid.uuid4())
        visits.append(
            {
                **_synced(vid, code, seq, {"id": vid}),
                "campaign_id": CAMPAIGN,
                "started_at": NOW,
                "updated_by": rng.randint(2, 21),
            }
        )
        seq += 1
    loader.insert("visit", visits)
    nils = []
    for code in nil:
        nid = str(uuid.uuid4())
        nils.append(
            {
                **_synced(nid, code, seq, {"id": nid}),
                "campaign_id": CAMPAIGN,
                "doc_number": "12/BC",
                "doc_date": "2026-10-01",
                "review_state": "pending",
            }
        )
        seq += 1
    loader.insert("nilreport", nils)
    batch: list[dict[str, Any]] = []
    damage_batch: list[dict[str, Any]] = []
    audit_batch: list[dict[str, Any]] = []
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for i, (row, damages) in enumerate(_records(rng, n, fonds, seq)):
        batch.append(row)
        damage_batch.extend(damages)
        device = i % len(devices)
        at = now - dt.timedelta(seconds=(n - i) * 60 * 86400 // n)  # 60 days of syncing, oldest first
        audit_batch.append(
            {
                "at": at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                "user_id": 2 + device,
                "device_id": devices[device]["id"],
                "entity_type": "file_record",
                "entity_id": row["id"],
                "action": "create",
                "version_after": 1,
                "rev": 1,
            }
        )
        if len(batch) >= 20_000:
            loader.insert("filerecord", batch)
            loader.insert("filedamage", damage_batch)
            loader.insert("auditlog", audit_batch)
            batch, damage_batch, audit_batch = [], [], []
    loader.insert("filerecord", batch)
    loader.insert("filedamage", damage_batch)
    loader.insert("auditlog", audit_batch)
    loader.finish(seq + n)


def _server_ms(response: Any) -> float:
    """The server's own time for a page, from its ``Server-Timing: app;dur=…`` header."""
    return float(response.headers["server-timing"].split("dur=")[1])


def measure(client: Any, url: str, repeat: int = 7) -> tuple[float, float, Any]:
    """Median server time and median wall time (ms) over ``repeat`` requests after one warm-up."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    server, wall = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        server.append(_server_ms(response))
    return statistics.median(server), statistics.median(wall), response


def _sign_in(settings: Settings) -> Any:
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from sync_server.app import create_app
    from sync_server.auth import hash_password

    app = create_app(settings)
    with app.state.engine.begin() as conn:
        conn.execute(
            text("UPDATE app_user SET password_hash = :h WHERE username = 'reviewer'"),
            {"h": hash_password(PASSWORD)},
        )
    client = TestClient(app)
    form = client.get("/web/login").text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/web/login", data={"username": "reviewer", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 200, r.status_code
    return client


PASSWORD = "bench-password"
TWO_FILTERS = "/web/inventory?state=pending&carrier=paper"


def run(settings: Settings) -> None:
    """Time the pages through the real app (in-process ASGI), at the size the database holds."""
    from sqlalchemy import text

    client = _sign_in(settings)
    with client.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(text("SELECT count(*) FROM filerecord")).scalar_one()
    url = TWO_FILTERS
    for _ in range(99):  # follow "next page" 99 times: the 100th page of the two filters
        html = client.get(url).text
        url = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    cases = [
        ("dashboard (current campaign)", "/web/dashboard"),
        ("inventory, 2 filters, page 1", TWO_FILTERS),
        ("inventory, 2 filters, page 100", url),
        ("title search 'truong dang' (two rare words)", "/web/inventory?q=truong+dang"),
        ("title search 'mủn' (one word, 1.2%)", "/web/inventory?q=m%E1%BB%A7n"),
        ("title search 'xyzzy' (no match)", "/web/inventory?q=xyzzy"),
        ("compliance tracker (all agencies)", "/web/compliance"),
        ("inventory, hard-to-read files (0.5%)", "/web/inventory?conservation=1"),
    ]
    engine = "SQLite" if settings.is_sqlite else "PostgreSQL"
    print(f"{rows:,} file records; median of 7 requests, in-process ASGI, {engine}")
    print(f"{'page':44} {'server ms':>10} {'wall ms':>9}  shows")
    for label, target in cases:
        server, wall, response = measure(client, target)
        shows = response.text.split('class="result-count" role="status">')[-1].split("<")[0].split("·")[0]
        shows = " ".join(shows.split()) if "inventory" in target else ""
        print(f"{label:44} {server:10.1f} {wall:9.1f}  {shows}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--db", type=Path, default=None, help="SQLite: reuse (or create) the database here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="saoluu-web-bench-") as tmp:
        cluster = None
        if args.engine == "postgres":
            from tests.pgcluster import PgCluster, find_bindir

            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL binaries not found")
            cluster = PgCluster(bindir).start()
            settings = Settings(data_dir=Path(tmp), database_url=cluster.url())
            fresh = True
        else:
            path = args.db or Path(tmp) / "saoluu.db"
            settings = Settings(data_dir=path.parent, database_url=f"sqlite:///{path.resolve()}")
            fresh = not path.exists()
        try:
            if fresh:
                start = time.perf_counter()
                generate(settings, args.records)
                print(f"generated {args.records:,} file records in {time.perf_counter() - start:.0f} s")
            run(settings)
        finally:
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
