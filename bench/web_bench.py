"""Web pages at scale: generate 1,000,000 file records in a migrated SQLite database, then time the
server side of the dashboard, the inventory (first and 100th page, two filters) and a
diacritics-insensitive title search.

    .venv/bin/python bench/web_bench.py [--records 1000000] [--db PATH] [--keep]

``--db PATH`` reuses (or creates) the database there, so a second run skips the generation.
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
CRITERIA = ["permanent", "collected", "damaged"]
CARRIERS = ["paper"] * 17 + ["photo", "maps", "microfilm"]
STATES = ["pending"] * 6 + ["approved"] * 3 + ["sent_back"]
NOW = "2026-11-25 08:00:00.000000"


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    cols = _columns(conn, table)
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    conn.executemany(sql, ([r.get(c) for c in cols] for r in rows))


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
        damages = [
            {"type": d, "severity": rng.randint(1, 4), "readability": "full"}
            for d in rng.sample(DAMAGES, k=rng.choice((0, 0, 1, 1, 2, 3)))
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
            "rare": False,
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
            rare=0,
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
                "readability": "full",
                "campaign_id": campaign,
            }
            for d in damages
        ]
        yield row, dmg


def generate(path: Path, n: int, seed: int = 71) -> None:
    """A migrated database at ``path`` holding ``n`` file records spread over ~600 agencies."""
    from sync_server.db import make_engine, migrate

    engine = make_engine(Settings(data_dir=path.parent, database_url=f"sqlite:///{path}"))
    migrate(engine)
    engine.dispose()
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        "AND tbl_name IN ('filerecord', 'filedamage', 'auditlog')"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _ in indexes:  # build them once, after the rows: much faster than row by row
        conn.execute(f"DROP INDEX {name}")
    agencies = _agencies(rng)
    _insert(conn, "agency", agencies)
    for cid, year in ((OLD_CAMPAIGN, 2025), (CAMPAIGN, 2026)):
        _insert(
            conn,
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
    _insert(conn, "app_user", users)
    devices = [
        {
            "id": str(uuid.UUID(int=i + 1)),
            "user_id": 2 + i,
            "name": f"Máy tính bảng {i + 1}",
            "created_at": NOW,
        }
        for i in range(20)
    ]
    _insert(conn, "device", devices)
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
    _insert(conn, "fonds", fonds_rows)
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
    _insert(conn, "visit", visits)
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
    _insert(conn, "nilreport", nils)
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
            _insert(conn, "filerecord", batch)
            _insert(conn, "filedamage", damage_batch)
            _insert(conn, "auditlog", audit_batch)
            batch, damage_batch, audit_batch = [], [], []
    _insert(conn, "filerecord", batch)
    _insert(conn, "filedamage", damage_batch)
    _insert(conn, "auditlog", audit_batch)
    conn.execute("UPDATE counter SET value = ? WHERE name = 'change_seq'", (seq + n,))
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


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


def _sign_in(path: Path) -> Any:
    from fastapi.testclient import TestClient

    from sync_server.app import create_app
    from sync_server.auth import hash_password

    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE app_user SET password_hash = ? WHERE username = 'reviewer'", (hash_password(PASSWORD),)
    )
    conn.commit()
    conn.close()
    app = create_app(Settings(data_dir=path.parent, database_url=f"sqlite:///{path}"))
    client = TestClient(app)
    form = client.get("/web/login").text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/web/login", data={"username": "reviewer", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 200, r.status_code
    return client


PASSWORD = "bench-password"
TWO_FILTERS = "/web/inventory?state=pending&carrier=paper"


def run(path: Path) -> None:
    """Time the pages through the real app (in-process ASGI), at the size the database holds."""
    client = _sign_in(path)
    rows = sqlite3.connect(path).execute("SELECT count(*) FROM filerecord").fetchone()[0]
    url = TWO_FILTERS
    for _ in range(99):  # follow "next page" 99 times: the 100th page of the two filters
        html = client.get(url).text
        url = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    cases = [
        ("dashboard (current campaign)", "/web/dashboard"),
        ("inventory, 2 filters, page 1", TWO_FILTERS),
        ("inventory, 2 filters, page 100", url),
        ("title search 'truong dang' (509 hits)", "/web/inventory?q=truong+dang"),
        ("title search 'mủn' (~12,000 hits)", "/web/inventory?q=m%E1%BB%A7n"),
        ("title search 'xyzzy' (no hit)", "/web/inventory?q=xyzzy"),
        ("compliance tracker (all agencies)", "/web/compliance"),
    ]
    print(f"{rows:,} file records; median of 7 requests, in-process ASGI, SQLite")
    print(f"{'page':42} {'server ms':>10} {'wall ms':>9}")
    for label, target in cases:
        server, wall, _ = measure(client, target)
        print(f"{label:42} {server:10.1f} {wall:9.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=None, help="reuse (or create) the database here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="saoluu-web-bench-") as tmp:
        path = args.db or Path(tmp) / "saoluu.db"
        if not path.exists():
            start = time.perf_counter()
            generate(path, args.records)
            print(f"generated {args.records:,} file records in {time.perf_counter() - start:.0f} s")
        run(path)


if __name__ == "__main__":
    main()
