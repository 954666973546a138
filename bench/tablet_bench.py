"""Tablet view-models on a full local database: 10,000 file records and 2,000 photos, against an empty one.

Measures what a surveyor waits for: the first screen's data (home: agencies, status, pending
counts; then an agency's visit screen), searching and filtering (agencies; files by words without
accents; files of a box) and saving a record (validation, record + outbox, photo queue, fsync).
Each figure is the median of several runs on a fresh container (the app just opened).

    .venv/bin/python bench/tablet_bench.py [--records 10000] [--photos 2000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.protocol import PulledChange  # noqa: E402
from mobile_app.container import Container, build_container  # noqa: E402
from mobile_app.store import LocalPhoto, LocalRecord, OutboxEntry, search_text  # noqa: E402

AGENCIES = {
    "000.00.01.H47": "Sở Nội vụ",
    "000.00.02.H47": "Sở Tài chính",
    "000.00.03.H47": "Sở Xây dựng",
    "000.00.04.H47": "Sở Nông nghiệp và Môi trường",
    "000.00.05.H47": "Sở Y tế",
    "000.00.06.H47": "Sở Giáo dục và Đào tạo",
}
BUSY = "000.00.01.H47"  # 60 % of the files: the agency whose screen we open
CAMPAIGN = str(uuid.uuid5(uuid.NAMESPACE_URL, "bench-campaign"))
WORDS = [
    "tập",
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
    "hội",
    "nghị",
    "địa",
    "giới",
    "hành",
    "chính",
    "đất",
    "đai",
]
DAMAGES = ["crumbling", "brittle", "torn", "stained", "faded", "mould", "pests", "water"]


def _pull_world(c: Container) -> None:
    changes = [
        PulledChange(
            seq=1, type="campaign", id=CAMPAIGN, data={"id": CAMPAIGN, "year": 2026, "name": "Khảo sát 2026"}
        )
    ]
    for i, (code, name) in enumerate(AGENCIES.items()):
        changes.append(
            PulledChange(
                seq=2 + i, type="agency", id=code, agency_code=code, data={"code": code, "name": name}
            )
        )
    c.store.apply_pulled(changes, 100)
    c.prefs.save_enrollment("http://127.0.0.1:9", "bench-device", "token", "khaosat1")


def _fill(c: Container, records: int, photos: int, rng: random.Random) -> dict[str, Any]:
    """Bulk-load a surveyed province: fonds and boxes per agency, files, photos; 20 % still unsynced."""
    codes = list(AGENCIES)
    fonds: dict[str, dict[str, Any]] = {}
    boxes: dict[str, list[dict[str, Any]]] = {}
    rows: list[Any] = []
    for code in codes:
        f = {"id": str(uuid.uuid4()), "agency_code": code, "number": "12", "name": f"Phông {AGENCIES[code]}"}
        fonds[code] = f
        rows.append(LocalRecord(type="fonds", id=f["id"], agency_code=code, data=f, rev=1, version=1))
        boxes[code] = []
        for n in range(1, 81):
            box_no = f"{n:04d}"
            b = {
                "id": str(uuid.uuid4()),
                "agency_code": code,
                "fonds_id": f["id"],
                "fonds_number": "12",
                "inventory_no": "1",
                "box_no": box_no,
                "code": f"{code}-P12-M1-H{box_no}",
            }
            boxes[code].append(b)
            rows.append(
                LocalRecord(
                    type="box",
                    id=b["id"],
                    agency_code=code,
                    data=b,
                    rev=1,
                    version=1,
                    search=search_text("box", b),
                )
            )
    photo_dir = c.store.photo_dir
    for i in range(records):
        code = BUSY if rng.random() < 0.6 else rng.choice(codes)
        box = rng.choice(boxes[code])
        refs = []
        if i < photos:
            content = rng.randbytes(2048)
            sha = hashlib.sha256(content).hexdigest()
            (photo_dir / sha).write_bytes(content)
            refs = [{"sha256": sha, "size": len(content), "mime": "image/jpeg"}]
            state = "queued" if i % 4 == 0 else "done"
            rows.append(
                LocalPhoto(
                    sha256=sha, path=str(photo_dir / sha), size=len(content), mime="image/jpeg", state=state
                )
            )
        data = {
            "id": str(uuid.uuid4()),
            "agency_code": code,
            "campaign_id": CAMPAIGN,
            "fonds_id": fonds[code]["id"],
            "box_id": box["id"],
            "inventory_no": "1",
            "box_no": box["box_no"],
            "file_no": str(i + 1),
            "title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize(),
            "start_date": str(rng.randint(1945, 2000)),
            "leaves": rng.randint(1, 300),
            "criteria": ["permanent"],
            "damages": [
                {"type": d, "severity": rng.randint(1, 4)} for d in rng.sample(DAMAGES, rng.randint(0, 3))
            ],
            "photos": refs,
        }
        pending = i % 5 == 0
        rows.append(
            LocalRecord(
                type="file_record", id=data["id"], agency_code=code, data=data, rev=1,
                version=None if pending else 1, search=search_text("file_record", data),
            )
        )  # fmt: skip
        if pending:
            rows.append(OutboxEntry(type="file_record", id=data["id"], rev=1, data=data))
    with c.store.session() as s:
        s.add_all(rows)
        s.commit()
    return {"box": boxes[BUSY][3]["id"]}


def _median(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(data_dir: Path, box_id: str | None, repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}

    def first_screen() -> None:
        c = build_container(data_dir)
        home = c.home()
        assert home.all_rows and home.campaign
        c.store.engine.dispose()

    out["home: first screen data (open app)"] = _median(first_screen, repeat)

    def visit_screen() -> None:
        c = build_container(data_dir)
        v = c.visit(BUSY)
        assert v.fonds
        c.store.engine.dispose()

    out["visit: agency screen data"] = _median(visit_screen, repeat)

    c = build_container(data_dir, autosave_delay=0)
    home = c.home()
    v = c.visit(BUSY)

    def search_agencies() -> None:
        home.set_query("so noi vu")
        assert len(home.rows) == 1

    out["home: search agencies 'so noi vu'"] = _median(search_agencies, repeat)

    def search_files() -> None:
        v.select_box(None)
        v.set_files_query("cong van dia gioi")

    out["visit: search files 'cong van dia gioi'"] = _median(search_files, repeat)

    def filter_box() -> None:
        v.set_files_query("")
        v.select_box(box_id or (v.boxes[0]["id"] if v.boxes else None))

    out["visit: files of one box"] = _median(filter_box, repeat)

    counter = iter(range(10**6))

    def save_record() -> None:
        form = c.file_form(BUSY, v.new_file())
        form.set("file_no", f"B{next(counter)}")
        form.set("title", "Tập công văn về việc chia tách tỉnh, giấy mủn")
        form.toggle("criteria", "damaged", True)
        form.set_damage("crumbling", True)
        form.update_damage("crumbling", severity=3)
        assert form.save(), form.errors.errors

    out["form: new file record, type, save"] = _median(save_record, repeat)
    c.store.engine.dispose()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--photos", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(71)
    with tempfile.TemporaryDirectory(prefix="saoluu-tablet-bench-") as tmp:
        empty_dir, full_dir = Path(tmp) / "empty", Path(tmp) / "full"
        empty = build_container(empty_dir)
        _pull_world(empty)
        v = empty.visit(BUSY)
        v.fonds_form.values.update(number="12", name="Phông Sở Nội vụ")
        v.add_fonds()
        empty.store.engine.dispose()
        full = build_container(full_dir)
        _pull_world(full)
        t0 = time.perf_counter()
        extra = _fill(full, args.records, args.photos, rng)
        load = time.perf_counter() - t0
        pending, photos = full.store.pending_count(), full.store.pending_photo_totals()[0]
        full.store.engine.dispose()
        size = sum(p.stat().st_size for p in full_dir.glob("saoluu-tablet.db*"))
        print(
            f"Local database: {args.records} file records ({pending} unsynced), {args.photos} photos "
            f"({photos} to upload), {size / 1e6:.1f} MB; loaded in {load:.1f} s. "
            f"Median of {args.repeat} runs."
        )
        base = measure(empty_dir, None, args.repeat)
        big = measure(full_dir, extra["box"], args.repeat)
    width = max(len(k) for k in base)
    print(f"{'':{width}}  {'empty':>10}  {'full':>10}  {'ratio':>7}")
    for key, t_empty in base.items():
        t_full = big[key]
        print(f"{key:{width}}  {t_empty * 1000:8.1f} ms  {t_full * 1000:8.1f} ms  {t_full / t_empty:6.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
