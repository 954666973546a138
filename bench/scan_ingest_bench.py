"""Ingest of scanned masters: MB/s against a raw copy of the same files, memory on a 500 MB PDF, and
the first-page thumbnail of a 300-page PDF.

    .venv/bin/python bench/scan_ingest_bench.py [--pdfs 16] [--rounds 2] [--big-mb 500] [--workdir DIR]

PDFs of 10-50 MB are made of A4 pages scanned at 300 ppi (JPEG, as scanner software writes them).
Each round copies them raw (read + SHA-256 + write + fsync, 4 MB at a time, into the same file
system) and ingests them with ``ingest_folder`` into a fresh local master store and a fresh SQLite
database; the ratio is ingest MB/s over raw MB/s of that round. Memory: a child process ingests one
500 MB PDF while this process samples the resident memory of it and of its PDF reader every 10 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from common.schemas import AgencyIn  # noqa: E402
from sync_server.config import Settings  # noqa: E402
from sync_server.db import make_engine, migrate  # noqa: E402
from sync_server.domain.agencies import upsert_agencies  # noqa: E402
from sync_server.models import FileRecord, Fonds  # noqa: E402
from sync_server.storage import LocalPhotoStore  # noqa: E402
from tests.scans.pdfs import page_jpeg, pages_pdf  # noqa: E402

AGENCY = "000.00.01.H47"
FONDS = "12"
A4 = (8.27, 11.69)
CHUNK = 4 * 1024 * 1024
MB = 1e6


def make_pdfs(folder: Path, count: int) -> list[Path]:
    """``count`` PDFs from 10 to 50 MB of A4 pages at 300 ppi (a few distinct pages, reused)."""
    pages = [page_jpeg(300, seed, A4, quality=85) for seed in range(6)]
    per_page = statistics.mean(len(p) for p in pages)
    out = []
    for i in range(count):
        target = 10e6 + 40e6 * i / max(count - 1, 1)
        n = max(1, round(target / per_page))
        jpegs = [pages[(i + k) % len(pages)] for k in range(n)]
        out.append(pages_pdf(folder / AGENCY / FONDS / "3" / f"{i + 1}.pdf", jpegs))
    return out


def world(db: Path, files: int) -> Settings:
    """A fresh SQLite database with ``files`` approved file records 1..files in fonds 12, inventory 3."""
    settings = Settings(data_dir=db.parent, database_url=f"sqlite:///{db}")
    engine = make_engine(settings)
    migrate(engine)
    with Session(engine) as s:
        upsert_agencies(s, None, [AgencyIn(code=AGENCY, name="Sở Nội vụ", kind="department")])
        fonds_id = str(uuid.uuid4())
        s.add(Fonds(id=fonds_id, agency_code=AGENCY, number=FONDS, name="Phông Sở Nội vụ", kind="fonds"))
        for n in range(1, files + 1):
            s.add(
                FileRecord(
                    id=str(uuid.uuid4()),
                    agency_code=AGENCY,
                    fonds_id=fonds_id,
                    file_no=str(n),
                    title=f"Hồ sơ {n}",
                    title_folded=f"ho so {n}",
                    carrier="paper",
                    criteria="permanent",
                    review_state="approved",
                    data={"inventory_no": "3", "file_no": str(n)},
                )
            )
        s.commit()
    engine.dispose()
    return settings


def raw_copy(paths: list[Path], target: Path) -> float:
    """Seconds to read, hash, write and fsync every file into ``target``."""
    target.mkdir(parents=True)
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    start = time.perf_counter()
    for i, path in enumerate(paths):
        digest = hashlib.sha256()
        with open(path, "rb", buffering=0) as src:
            fd = os.open(target / f"{i}.pdf", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                while n := src.readinto(buf):
                    digest.update(view[:n])
                    os.write(fd, view[:n])
                os.fsync(fd)
            finally:
                os.close(fd)
        digest.hexdigest()
    return time.perf_counter() - start


def ingest(delivery: Path, settings: Settings, masters: Path) -> tuple[float, int, int]:
    """Seconds of one ``ingest_folder`` run; how many PDFs it stored and refused."""
    from sync_server.domain.scans.ingest import ingest_folder

    engine = make_engine(settings)
    start = time.perf_counter()
    with Session(engine) as s:
        run = ingest_folder(s, LocalPhotoStore(masters), delivery, None)
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, run.stored, run.refused


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def readers(pid: int) -> list[int]:
    """The PDF reader processes of ``pid`` (once they run the reader: a child between fork and exec
    still shares its parent's memory, which would count it twice)."""
    found = []
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            for child in fh.read().split():
                with open(f"/proc/{child}/cmdline", "rb") as cmd:
                    if b"sync_server.domain.scans.reader" in cmd.read():
                        found.append(int(child))
    except FileNotFoundError:
        pass
    return found


def measure_rss(delivery: Path, settings: Settings) -> tuple[float, float, float, float]:
    """``python -m sync_server ingest-scans`` on ``delivery``: its seconds, and the peak resident MB
    of that process, of its PDF reader, and of both together (sampled every 10 ms)."""
    cmd = [sys.executable, "-m", "sync_server", "ingest-scans", str(delivery)]
    env = {**os.environ, "SAOLUU_DATA_DIR": str(settings.data_dir), "DATABASE_URL": settings.database_url}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    main_peak = reader_peak = total_peak = 0
    while proc.poll() is None:
        main = rss_kb(proc.pid)
        reader = sum(rss_kb(c) for c in readers(proc.pid))
        main_peak, reader_peak = max(main_peak, main), max(reader_peak, reader)
        total_peak = max(total_peak, main + reader)
        time.sleep(0.01)
    if proc.returncode:
        raise SystemExit(f"ingest-scans failed ({proc.returncode})")
    return time.perf_counter() - start, main_peak / 1024, reader_peak / 1024, total_peak / 1024


def thumbnail_ms(pdf: Path, masters: Path) -> tuple[float, float]:
    """Milliseconds to render page 1 of ``pdf`` stored as a master: the first time, and the median."""
    from sync_server.domain.scans.render import render_page

    store = LocalPhotoStore(masters)
    with open(pdf, "rb") as fh:
        sha = store.put_file(fh).sha256
    times = []
    for _ in range(7):
        start = time.perf_counter()
        render_page(store, sha, 1)
        times.append((time.perf_counter() - start) * 1000)
    return times[0], statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pdfs", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--big-mb", type=int, default=500)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scan-bench-", dir=args.workdir))
    try:
        run(work, args.pdfs, args.rounds, args.big_mb)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, count: int, rounds: int, big_mb: int) -> None:
    paths = make_pdfs(work / "delivery", count)
    total = sum(p.stat().st_size for p in paths)
    sizes = [p.stat().st_size / MB for p in paths]
    print(f"{count} PDFs, {min(sizes):.0f}-{max(sizes):.0f} MB, {total / MB:,.0f} MB in all (A4, 300 ppi)")
    ratios = []
    for r in range(1, rounds + 1):
        raw = raw_copy(paths, work / f"raw{r}")
        settings = world(work / f"db{r}" / "saoluu.db", count)
        seconds, stored, refused = ingest(work / "delivery", settings, work / f"masters{r}")
        if (stored, refused) != (count, 0):
            raise SystemExit(f"round {r}: stored {stored}, refused {refused} of {count}")
        raw_rate, rate = total / MB / raw, total / MB / seconds
        ratios.append(rate / raw_rate)
        print(
            f"round {r}: raw read+SHA-256+write+fsync {raw_rate:,.0f} MB/s; "
            f"ingest {rate:,.0f} MB/s ({seconds:.2f} s) = {rate / raw_rate:.2f} × raw"
        )
        shutil.rmtree(work / f"raw{r}")
        shutil.rmtree(work / f"masters{r}")
    print(f"ingest / raw: {min(ratios):.2f}-{max(ratios):.2f}")

    pages = [page_jpeg(300, seed, A4, quality=85) for seed in range(6)]
    n = round(big_mb * MB / statistics.mean(len(p) for p in pages))
    big = pages_pdf(work / "big" / AGENCY / FONDS / "3" / "1.pdf", [pages[k % 6] for k in range(n)])
    settings = world(work / "dbbig" / "saoluu.db", 1)
    seconds, main_mb, reader_mb, both_mb = measure_rss(work / "big", settings)
    print(
        f"ingest-scans of one {big.stat().st_size / MB:,.0f} MB PDF ({n} pages, {seconds:.1f} s with "
        f"start-up): peak RSS {main_mb:.0f} MB, its PDF reader {reader_mb:.0f} MB, both {both_mb:.0f} MB"
    )

    light = [page_jpeg(300, seed, A4, quality=40) for seed in range(6)]
    thick = pages_pdf(work / "thick.pdf", [light[k % 6] for k in range(300)])
    first, median = thumbnail_ms(thick, work / "mastersthumb")
    print(
        f"first-page thumbnail of a 300-page PDF ({thick.stat().st_size / MB:,.0f} MB): "
        f"{first:.0f} ms the first time, {median:.0f} ms median of 7"
    )


if __name__ == "__main__":
    main()
