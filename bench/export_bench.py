"""Catalogue export benchmark: 100,000 file records in SQLite, exported to a 21-column workbook.

The records are bulk-inserted into a migrated schema with sqlite3; each export then runs in a child
process that imports only what the export needs and reports its wall and CPU time and its peak
memory (VmHWM), so the figures are the export's own; the RSS right after the imports is printed
beside it. Exporting one agency (a tenth of the rows) and all of them shows whether memory grows
with rows.

    .venv/bin/python bench/export_bench.py [--records 100000] [--agencies 10] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = tuple(
    " ".join(
        (
            "Tập công văn báo cáo quyết định tờ trình hồ sơ về việc xây dựng đê điều thủy lợi ruộng đất",
            "năm của Ủy ban hành chính tỉnh Quảng Nam Đà Nẵng huyện xã phường giao thông trường học",
        )
    ).split()
)
DAMAGES = ("crumbling", "brittle", "torn", "stained", "faded", "mould", "pests", "water")
CRITERIA = ("permanent", "collected", "damaged", "rare")
READABILITY = ("full",) * 30 + ("partial",) * 29 + ("difficult",)  # a few hard to read
CARRIERS = ("paper", "paper", "paper", "photo", "maps", "film")
NOW = "2026-11-01 00:00:00.000000"


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(db: str, out: str, agency: str | None) -> None:
    """Run one export and print its figures as JSON (runs in a fresh process)."""
    from sqlalchemy import create_engine

    from sync_server.domain.exports import catalogue
    from sync_server.domain.exports.base import ExportFilters

    class Count:
        total = 0
        done = 0

        def set_total(self, total: int) -> None:
            self.total = total

        def advance(self, rows: int) -> None:
            self.done += rows

    baseline = _status_mb("VmRSS")
    engine = create_engine(f"sqlite:///{db}")
    progress = Count()
    started, cpu = time.perf_counter(), time.process_time()
    with engine.connect() as conn:
        catalogue.write(conn, ExportFilters(agency_code=agency), None, out, progress)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "rows": progress.done,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu, 2),
                "peak_rss_mb": round(_status_mb("VmHWM"), 1),
                "rss_after_imports_mb": round(baseline, 1),
                "file_mb": round(Path(out).stat().st_size / 1e6, 1),
            }
        )
    )


def _agency_code(i: int) -> str:
    return f"000.00.{i + 10:02d}.H47"


def _record(rng: random.Random, agency: str, fonds: str, n: int) -> tuple[Any, ...]:
    rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 22)))
    year = rng.randint(1945, 2010)
    criteria = sorted(rng.sample(CRITERIA, rng.randint(1, 2)))
    damages = [
        {
            "type": d,
            "severity": rng.randint(1, 4),
            "readability": rng.choice(READABILITY),
        }
        for d in rng.sample(DAMAGES, rng.choice((0, 0, 1, 2, 3)))
    ]
    leaves = rng.randint(1, 400)
    data = {
        "id": rid,
        "agency_code": agency,
        "fonds_id": fonds,
        "inventory_no": str(rng.randint(1, 5)),
        "box_no": str(n // 20 + 1),
        "file_no": str(n + 1),
        "title": title,
        "start_date": f"{year}-{rng.randint(1, 12):02d}",
        "end_date": f"{year + rng.randint(0, 3)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "leaves": leaves,
        "retention": "permanent",
        "access": "open",
        "languages": ["vi"] if rng.random() < 0.9 else ["vi", "fr"],
        "carrier": rng.choice(CARRIERS),
        "criteria": criteria,
        "notes": "Bìa hồ sơ bị rách" if rng.random() < 0.2 else None,
        "damages": damages,
        "photos": [],
    }
    max_sev = max((d["severity"] for d in damages), default=0)
    row = (
        rid, agency, 1, 1, False, n, NOW, NOW, None, None, json.dumps(data, ensure_ascii=False), None,
        fonds, None, data["file_no"], title, title.lower(), data["carrier"], ",".join(criteria),
        any(d["readability"] == "difficult" for d in damages), leaves, None, max_sev, "pending", False,
    )  # fmt: skip
    return row, [(rid, d["type"], agency, d["severity"], d["readability"]) for d in damages]


def build(db: Path, records: int, agencies: int) -> None:
    """A migrated database with ``records`` file records spread over ``agencies`` agencies."""
    from sync_server.config import Settings
    from sync_server.db import make_engine, migrate

    engine = make_engine(Settings(data_dir=db.parent, database_url=f"sqlite:///{db}"))
    migrate(engine)
    engine.dispose()
    rng = random.Random(71)
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    codes = [_agency_code(i) for i in range(agencies)]
    con.executemany(
        "INSERT INTO agency (code, name, kind, in_deposit_list, status, seq, updated_at)"
        " VALUES (?, ?, 'department', 1, 'active', 0, ?)",
        [(c, f"Sở số {i + 1} tỉnh Quảng Nam", NOW) for i, c in enumerate(codes)],
    )
    fonds_rows = []
    for code in codes:
        for k in range(10):
            fid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            data = {
                "id": fid,
                "agency_code": code,
                "number": str(k + 1),
                "name": f"Phông số {k + 1} của {code}",
            }
            fonds_rows.append(
                (fid, code, 1, 1, False, 0, NOW, NOW, json.dumps(data), str(k + 1), data["name"], "fonds")
            )
    con.executemany(
        "INSERT INTO fonds (id, agency_code, version, rev, deleted, seq, created_at, updated_at, data,"
        " number, name, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        fonds_rows,
    )
    columns = (
        "id, agency_code, version, rev, deleted, seq, created_at, updated_at, updated_by, device_id,"
        " data, campaign_id, fonds_id, box_id, file_no, title, title_folded, carrier, criteria, conservation,"
        " leaves, pages, max_severity, review_state, conflicted"
    )
    insert = f"INSERT INTO filerecord ({columns}) VALUES ({', '.join('?' * 25)})"
    batch: list[tuple[Any, ...]] = []
    damages: list[tuple[Any, ...]] = []
    for n in range(records):
        fonds = fonds_rows[n % len(fonds_rows)]
        row, dmg = _record(rng, fonds[1], fonds[0], n)
        batch.append(row)
        damages.extend(dmg)
        if len(batch) == 5000:
            con.executemany(insert, batch)
            batch.clear()
    con.executemany(insert, batch)
    con.executemany(
        "INSERT INTO filedamage (record_id, damage_type, agency_code, severity, readability)"
        " VALUES (?, ?, ?, ?, ?)",
        damages,
    )
    con.commit()
    con.close()


def run_child(db: Path, out: Path, agency: str | None) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", str(db), str(out)] + ([agency] if agency else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="build the database and workbooks in this folder")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        child(opts.child[0], opts.child[1], opts.child[2] if len(opts.child) > 2 else None)
        return
    folder = opts.keep or Path(tempfile.mkdtemp(prefix="saoluu-export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "saoluu.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    build(db, opts.records, opts.agencies)
    print(f"built {opts.records:,} file records in {time.perf_counter() - started:.1f} s ({db})")
    head = ("export", "rows", "seconds", "CPU s", "peak RSS MB", "after imports", "MB")
    print(f"{head[0]:<26}{head[1]:>9}{head[2]:>9}{head[3]:>7}{head[4]:>13}{head[5]:>15}{head[6]:>6}")
    for label, agency in (("one agency", _agency_code(0)), ("all agencies", None)):
        r = run_child(db, folder / f"catalogue-{'one' if agency else 'all'}.xlsx", agency)
        print(
            f"{'catalogue, ' + label:<26}{r['rows']:>9,}{r['seconds']:>9}{r['cpu_seconds']:>7}"
            f"{r['peak_rss_mb']:>13}{r['rss_after_imports_mb']:>15}{r['file_mb']:>6}"
        )


if __name__ == "__main__":
    main()
