"""The digitization plan's suggestion over 100,000 approved files.

Generates agencies, fonds, boxes of 10–30 files, file records (pages or leaves, damages with
severity and readability, rare, start dates) approved and frozen into one approved list, straight
into a migrated database; then times :func:`sync_server.domain.plan.suggest` — the database read of
the candidates and the placement by risk and yearly capacity — and :func:`plan.apply` (which writes
every planned file and its audit row).

    .venv/bin/python bench/plan_bench.py [--files 100000] [--engine sqlite|postgres] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.vocab import Role  # noqa: E402
from sync_server.auth import Principal  # noqa: E402
from sync_server.config import Settings  # noqa: E402
from sync_server.db import make_engine, migrate  # noqa: E402
from sync_server.domain import plan  # noqa: E402
from sync_server.domain.bulk import bulk_insert  # noqa: E402
from sync_server.models import (  # noqa: E402
    Agency,
    ApprovedList,
    ApprovedListItem,
    Box,
    Campaign,
    FileDamage,
    FileDigitization,
    FileRecord,
    Fonds,
    utcnow,
)

CAMPAIGN = "5a1f0e52-2026-4000-8000-000000000071"
DAMAGES = ["crumbling", "brittle", "torn", "stained", "faded", "mould", "pests", "water"]
READABILITY = ["full"] * 6 + ["partial"] * 3 + ["difficult"]
STAFF = Principal(user_id=1, username="bench", role=Role.REVIEWER, agency_codes=None)


def _load(table: Any, rows: list[dict[str, Any]], session: Session) -> None:
    """Rows (dicts with the same keys) straight into the table with the driver's executemany."""
    start = time.perf_counter()
    bulk_insert(session.connection(), table.__table__, rows)
    print(f"  {len(rows):,} rows of {table.__tablename__} in {time.perf_counter() - start:.0f} s", flush=True)


def generate(session: Session, files: int, seed: int = 71) -> None:
    """``files`` approved file records in boxes, frozen into approved list 1."""
    rnd = random.Random(seed)
    now = utcnow()
    session.add(Campaign(id=CAMPAIGN, year=2026, name="Khảo sát 2026"))
    agencies = [f"000.00.{i:02d}.H47" for i in range(1, 41)]
    for code in agencies:
        session.add(Agency(code=code, name=f"Cơ quan {code}", kind="department"))
    session.flush()
    synced = {"version": 1, "rev": 1, "deleted": False, "conflicted": False, "seq": 1, "created_at": now}
    synced |= {"updated_at": now, "updated_by": None, "device_id": None}
    fonds, boxes, records, damages, items = [], [], [], [], []
    box: dict[str, Any] | None = None
    left = 0
    for n in range(files):
        if left == 0:
            agency = agencies[n * len(agencies) // files]
            if not fonds or fonds[-1]["agency_code"] != agency or rnd.random() < 0.05:
                number = str(len(fonds) + 1)
                fonds.append(
                    {"id": str(uuid.uuid4()), "agency_code": agency, "number": number, "name": "Phông",
                     "kind": "fonds", "data": {}, **synced}
                )  # fmt: skip
            f = fonds[-1]
            code = f"{agency}-P{f['number']}-H{len(boxes) + 1:04d}"
            box = {
                "id": str(uuid.uuid4()),
                "agency_code": agency,
                "fonds_id": f["id"],
                "code": code,
                "data": {},
            }
            box.update(synced)
            boxes.append(box)
            left = rnd.randint(10, 30)
        assert box is not None
        left -= 1
        rid = str(uuid.uuid4())
        severity = rnd.choice([0, 0, 1, 2, 3, 4])
        start = rnd.randint(1890, 2015)
        pages = rnd.choice([None, rnd.randint(2, 400)])
        leaves = rnd.randint(1, 200) if pages is None and rnd.random() < 0.9 else None
        record = {
            "id": rid,
            "agency_code": box["agency_code"],
            "campaign_id": CAMPAIGN,
            "fonds_id": box["fonds_id"],
            "box_id": box["id"],
            "file_no": str(n + 1),
            "title": f"Hồ sơ {n + 1}",
            "title_folded": f"ho so {n + 1}",
            "carrier": "paper",
            "criteria": ("damaged,permanent" if severity else "permanent")
            + (",rare" if rnd.random() < 0.03 else ""),
            "pages": pages,
            "leaves": leaves,
            "max_severity": severity,
            "review_state": "approved",
            "data": {"file_no": str(n + 1), "start_date": f"{start}-01"},
            "conservation": False,
            **synced,
        }
        records.append(record)
        if severity:
            for kind in rnd.sample(DAMAGES, rnd.randint(1, 3)):
                readability = rnd.choice(READABILITY)
                record["conservation"] |= readability == "difficult"
                damages.append(
                    {"record_id": rid, "damage_type": kind, "agency_code": record["agency_code"],
                     "severity": rnd.randint(1, severity), "readability": readability,
                     "campaign_id": CAMPAIGN}
                )  # fmt: skip
        items.append(
            {"record_id": rid, "list_number": 1, "n": n + 1, "agency_code": record["agency_code"],
             "fonds_id": record["fonds_id"], "version": 1, "data": record["data"]}
        )  # fmt: skip
    _load(Fonds, fonds, session)
    _load(Box, boxes, session)
    _load(FileRecord, records, session)
    _load(FileDamage, damages, session)
    session.add(
        ApprovedList(
            number=1, campaign_id=CAMPAIGN, agency_codes=[], decision_number="125/QĐ-SNV",
            decision_date=now.date(), signer_name="Nguyễn Văn Bình", signer_position="Giám đốc",
            scan_sha256="0" * 64, scan_size=0, scan_mime="application/pdf", files=files, pages=0,
        )
    )  # fmt: skip
    session.flush()
    _load(ApprovedListItem, items, session)
    session.commit()
    print(f"{files:,} files in {len(boxes):,} boxes, {len(fonds):,} fonds, {len(damages):,} damage rows")


def timed(label: str, rounds: int, work: Any) -> Any:
    """Run ``work`` ``rounds`` times; print the median wall and CPU time (the machine is shared:
    under load the wall time grows, the process's CPU time much less)."""
    wall, cpu, result = [], [], None
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(
        f"{label}: median {statistics.median(wall):.2f} s wall (min {min(wall):.2f}), "
        f"{statistics.median(cpu):.2f} s CPU — load average {os.getloadavg()[0]:.1f}"
    )
    return result


def run(settings: Settings, files: int, rounds: int, *, fresh: bool = True, apply: bool = True) -> None:
    engine = make_engine(settings)
    migrate(engine)
    if fresh:
        with Session(engine) as session:
            start = time.perf_counter()
            generate(session, files)
            print(f"generated in {time.perf_counter() - start:.0f} s ({settings.database_url.split(':')[0]})")
    with Session(engine) as session:
        pages = sum(c.pages for c in plan.candidates(session))
        capacity = pages // 6  # the work of about six years
        result = timed(
            f"suggest, {files:,} files (read + placement)",
            rounds,
            lambda: plan.suggest(session, STAFF, capacity, from_year=2026),
        )
        session.rollback()
    placed = len(result.placed)
    years = len({f.year for f in result.placed})
    print(f"  {placed:,} placed in {years} years at {capacity:,} pages a year", end="")
    print(f"; {result.conservation:,} hard to read (conservation first)")
    if not apply:
        return
    with Session(engine) as session:
        start = time.perf_counter()
        plan.apply(session, STAFF, capacity, from_year=2026)
        print(
            f"apply (writes {placed:,} plan rows and their audit rows): {time.perf_counter() - start:.2f} s"
        )
        assert session.execute(select(FileDigitization).limit(1)).first() is not None
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--db", type=Path, help="SQLite: reuse (or create) the database here; nothing is applied")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a stopped bench stops its cluster too
    with tempfile.TemporaryDirectory(prefix="saoluu-plan-bench-") as tmp:
        cluster = None
        settings = Settings(data_dir=Path(tmp))
        if args.db is not None:
            fresh = not args.db.exists()
            settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{args.db.resolve()}")
            return run(settings, args.files, args.rounds, fresh=fresh, apply=False)
        if args.engine == "postgres":
            from tests.pgcluster import PgCluster, find_bindir

            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL binaries not found")
            cluster = PgCluster(bindir).start()
            settings = Settings(data_dir=Path(tmp), database_url=cluster.url())
        try:
            run(settings, args.files, args.rounds)
        finally:
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
