"""Insurance copies, fixity and handover packages: speed against a raw read + SHA-256 of the same
files in the same run, and the memory of a streamed handover package.

    .venv/bin/python bench/copies_bench.py [--files 16] [--mb 64] [--rounds 2] [--package-gb 1 10]
                                           [--fast-target /dev/shm] [--workdir DIR]

Ratios: each round makes a fresh SQLite database and master store of ``--files`` accepted masters of
``--mb`` MB (random bytes: a copy reads bytes, not PDFs), then times, on the same disk:

- *raw*: every master read and hashed (SHA-256, 4 MB at a time), before and after the others (the
  round's baseline is their mean);
- ``fixity`` (``run_fixity``), ``write-copy`` into a folder of the same file system, ``verify-copy``
  of that copy;
- *raw copy*: read + SHA-256 + write + fsync of the same files into the same file system — what a
  copy cannot beat on that disk — and ``write-copy`` into ``--fast-target`` (a tmpfs: a medium
  faster than the source), which shows what the copy costs besides the disk's own writing.

Package: for each ``--package-gb`` size, masters of 256 MB make up that size; a handover is
recorded and its package sent twice, each time by a child process while this one samples its
resident memory every 10 ms: ``handover-package`` writing the tar to /dev/null, and the server
(``serve``) answering ``GET /api/v1/handovers/{id}/package`` to a client that discards it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.scan_ingest_bench import AGENCY, FONDS, rss_kb, world  # noqa: E402
from common.vocab import CopyMedium, Role  # noqa: E402
from sync_server.config import Settings  # noqa: E402
from sync_server.db import make_engine  # noqa: E402
from sync_server.models import FileDigitization, FileRecord, ScanMaster  # noqa: E402
from sync_server.storage import LocalPhotoStore  # noqa: E402

CHUNK = 4 * 1024 * 1024
MB = 1e6
BLOCK = os.urandom(16 * 1024 * 1024)
PACKAGE_MASTER_MB = 256
PASSWORD = "bench-mat-khau-rat-dai-2027"


class Pattern:
    """``size`` bytes that no other master has: a random head, then a shared random block."""

    def __init__(self, size: int) -> None:
        self.head, self.left = os.urandom(4096), size

    def readinto(self, buf: bytearray | memoryview) -> int:
        view = memoryview(buf)
        n = min(len(view), self.left)
        src = self.head + BLOCK if self.head else BLOCK
        self.head = b""
        filled = 0
        while filled < n:
            take = min(n - filled, len(src))
            view[filled : filled + take] = src[:take]
            filled += take
        self.left -= n
        return n


def stock(settings: Settings, files: int, size: int) -> list[Path]:
    """``files`` accepted masters of ``size`` bytes for the world's file records; their paths."""
    assert settings.master_dir is not None
    store = LocalPhotoStore(settings.master_dir)
    engine = make_engine(settings)
    paths = []
    with Session(engine) as s:
        records = s.execute(select(FileRecord.id, FileRecord.agency_code).order_by(FileRecord.file_no)).all()
        for rid, agency in records[:files]:
            blob = store.put_file(Pattern(size))
            s.add(ScanMaster(sha256=blob.sha256, size=blob.size, pages=1, min_ppi=300))
            s.flush()
            s.add(
                FileDigitization(
                    record_id=rid,
                    agency_code=agency,
                    state="accepted",
                    master_sha256=blob.sha256,
                    accepted_on=dt.date.today(),
                )
            )
            paths.append(store.path(blob.sha256))
        s.commit()
    engine.dispose()
    return paths


def raw_read(paths: list[Path]) -> float:
    """Seconds to read and hash every file."""
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    start = time.perf_counter()
    for path in paths:
        digest = hashlib.sha256()
        with open(path, "rb", buffering=0) as fh:
            while n := fh.readinto(buf):
                digest.update(view[:n])
        digest.hexdigest()
    return time.perf_counter() - start


def raw_copy(paths: list[Path], target: Path) -> float:
    """Seconds to read, hash, write and fsync every file into ``target``."""
    from bench.scan_ingest_bench import raw_copy as copy

    return copy(paths, target)


def timed(settings: Settings, work) -> float:  # type: ignore[no-untyped-def]
    engine = make_engine(settings)
    start = time.perf_counter()
    with Session(engine) as s:
        work(s)
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def paired(paths: list[Path], work) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Seconds of ``work()`` and of a raw read + SHA-256 of ``paths`` (the mean of one just before
    and one just after: the machine's speed drifts)."""
    before = raw_read(paths)
    seconds = work()
    return seconds, (before + raw_read(paths)) / 2


def one_round(work: Path, files: int, size: int, fast: Path | None) -> dict[str, tuple[float, float]]:
    """(seconds, raw seconds) of fixity, write-copy, verify-copy, a raw copy, write-copy to tmpfs."""
    from sync_server.domain.preservation.copies import write_copy
    from sync_server.domain.preservation.fixity import run_fixity
    from sync_server.domain.preservation.sets import CopySetIn, register_set
    from sync_server.domain.preservation.verify import verify_copy

    settings = world(work / "saoluu.db", files)
    paths = stock(settings, files, size)
    assert settings.master_dir is not None
    store = LocalPhotoStore(settings.master_dir)
    one = CopySetIn(number=1, name="Bộ 1", medium=CopyMedium.HDD, location="A")
    timed(settings, lambda s: register_set(s, None, one))
    fonds, copied = [f"{AGENCY}/{FONDS}"], work / "copy"
    out = {
        "fixity": paired(paths, lambda: timed(settings, lambda s: run_fixity(s, store, None))),
        "write": paired(
            paths,
            lambda: timed(
                settings, lambda s: write_copy(s, store, None, 1, fonds, copied, organization="bench")
            ),
        ),
    }
    in_copy = sorted((copied / "data").rglob("*.pdf"))
    out["verify"] = paired(in_copy, lambda: timed(settings, lambda s: verify_copy(s, None, copied)))
    out["raw_copy"] = paired(paths, lambda: raw_copy(paths, work / "raw-copy"))
    if fast is not None:
        target = Path(tempfile.mkdtemp(dir=fast)) / "copy"
        try:
            out["write_fast"] = paired(
                paths,
                lambda: timed(
                    settings, lambda s: write_copy(s, store, None, 1, fonds, target, organization="b")
                ),
            )
        finally:
            shutil.rmtree(target.parent)
    return out


NAMES = {
    "fixity": "fixity",
    "write": "write-copy",
    "verify": "verify-copy",
    "raw_copy": "raw copy (read+SHA+write+fsync)",
    "write_fast": "write-copy to tmpfs",
}


def ratios(work: Path, files: int, mb: int, rounds: int, fast: Path | None) -> None:
    total = files * mb * 1024 * 1024
    print(f"{files} masters of {mb} MiB ({total / MB:,.0f} MB), {rounds} round(s); MB/s (÷ raw read+SHA-256)")
    seen: dict[str, list[float]] = {}
    for r in range(1, rounds + 1):
        folder = work / f"round-{r}"
        folder.mkdir()
        timings = one_round(folder, files, mb * 1024 * 1024, fast)
        parts = []
        for key, (seconds, raw) in timings.items():
            seen.setdefault(key, []).append(raw / seconds)
            parts.append(
                f"{NAMES[key]} {total / MB / seconds:,.0f} ({raw / seconds:.2f}, raw {total / MB / raw:,.0f})"
            )
        print(f"round {r}: " + " | ".join(parts), flush=True)
        shutil.rmtree(folder)
    summary = ", ".join(f"{NAMES[k]} {statistics.median(v):.2f}" for k, v in seen.items())
    print(f"median ratio to a raw read + SHA-256 of the same files: {summary}")


def sample(proc: subprocess.Popen, pid: int | None = None) -> int:  # type: ignore[type-arg]
    """Peak resident memory (kB) of ``pid`` (default the child) until the child ends."""
    peak = 0
    while proc.poll() is None:
        peak = max(peak, rss_kb(pid or proc.pid))
        time.sleep(0.01)
    return peak


def package_memory(work: Path, gigabytes: float) -> None:
    from sync_server.domain.preservation.handover import HandoverIn, create_handover
    from sync_server.domain.users import UserCreate, create_user

    files = max(1, round(gigabytes * 1e9 / (PACKAGE_MASTER_MB * 1024 * 1024)))
    settings = world(work / "saoluu.db", files)
    stock(settings, files, PACKAGE_MASTER_MB * 1024 * 1024)
    engine = make_engine(settings)
    with Session(engine) as s:
        row = create_handover(
            s,
            LocalPhotoStore(settings.master_dir),
            None,
            HandoverIn(fonds=[f"{AGENCY}/{FONDS}"], recipient="Cục"),
        )
        number, hid, size = row.number, row.id, row.bytes
        create_user(s, None, UserCreate(username="bench", password=PASSWORD, role=Role.REVIEWER))
    engine.dispose()
    env = {
        **os.environ,
        "SAOLUU_DATA_DIR": str(work),
        "DATABASE_URL": settings.database_url,
        "SAOLUU_MASTER_DIR": str(settings.master_dir),
    }
    cmd = [sys.executable, "-m", "sync_server", "handover-package", number, "--out", "-"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = sample(proc)
    seconds = time.perf_counter() - start
    print(
        f"package of {files} masters ({size / 1e9:,.1f} GB): handover-package peak RSS "
        f"{peak / 1024:,.0f} MB, {size / MB / seconds:,.0f} MB/s"
    )
    port = 8700 + os.getpid() % 200
    server = subprocess.Popen(
        [sys.executable, "-m", "sync_server", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/api/v1/health")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            token = client.post("/api/v1/auth/token", data={"username": "bench", "password": PASSWORD}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            idle = rss_kb(server.pid)
            peak, got = idle, 0
            start = time.perf_counter()
            with client.stream("GET", f"/api/v1/handovers/{hid}/package", headers=headers) as r:
                for chunk in r.iter_raw(4 * 1024 * 1024):
                    got += len(chunk)
                    peak = max(peak, rss_kb(server.pid))
            seconds = time.perf_counter() - start
        print(
            f"  server: RSS {idle / 1024:,.0f} MB idle (signed in), peak {peak / 1024:,.0f} MB while sending "
            f"{got / 1e9:,.2f} GB at {got / MB / seconds:,.0f} MB/s"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--mb", type=int, default=64, help="MiB per master for the ratios")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--package-gb", type=float, nargs="*", default=[1, 10])
    parser.add_argument(
        "--fast-target", type=Path, default=Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    )
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="copies-bench-", dir=args.workdir))
    try:
        if args.rounds:
            ratios(work, args.files, args.mb, args.rounds, args.fast_target)
        for gb in args.package_gb:
            folder = work / f"package-{gb:g}"
            folder.mkdir()
            package_memory(folder, gb)
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
