"""The in-process job registry: progress, failures, and what another process sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from sync_server.domain.jobs import JobProgress, JobRegistry


def _wait(registry: JobRegistry, job_id: str) -> None:
    job = registry.wait(job_id, timeout=10)
    assert job is not None and job.finished


def test_job_reports_progress_and_keeps_its_file(tmp_path: Path) -> None:
    registry = JobRegistry(tmp_path)
    seen: list[tuple[int, int | None]] = []
    submitted = threading.Event()  # the job's thread may start before ``job`` below is assigned

    def work(out: IO[bytes], progress: JobProgress) -> None:
        assert submitted.wait(10)
        progress.set_total(3)
        for _ in range(3):
            out.write(b"x")
            progress.advance(1)
            seen.append((job.done, job.total))

    job = registry.submit("test", 1, "out.txt", "text/plain", work)
    submitted.set()
    _wait(registry, job.id)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert job.status == "done" and job.finished_at is not None
    assert registry.result_path(job).read_bytes() == b"xxx"
    assert not list(tmp_path.glob("*.part"))
    assert registry.for_owner(1) == [job] and registry.for_owner(2) == []


def test_failed_job_keeps_no_partial_file(tmp_path: Path) -> None:
    registry = JobRegistry(tmp_path)

    def work(out: IO[bytes], progress: JobProgress) -> None:
        out.write(b"half")
        raise RuntimeError("boom")

    job = registry.submit("test", 1, "out.xlsx", "x", work)
    _wait(registry, job.id)
    assert (job.status, job.error) == ("failed", "server_error")
    assert not registry.result_path(job).exists()
    assert not list(tmp_path.glob("*.part"))


def test_jobs_run_one_at_a_time(tmp_path: Path) -> None:
    registry = JobRegistry(tmp_path)
    running: list[int] = []
    overlap: list[int] = []

    def work(out: IO[bytes], progress: JobProgress) -> None:
        running.append(1)
        overlap.append(len(running))
        time.sleep(0.05)
        running.pop()

    jobs = [registry.submit("test", 1, "o.txt", "x", work) for _ in range(3)]
    for job in jobs:
        _wait(registry, job.id)
    assert overlap == [1, 1, 1]


def test_another_process_sees_finished_and_dead_jobs(tmp_path: Path) -> None:
    first = JobRegistry(tmp_path)
    done = first.submit("test", 7, "o.txt", "x", lambda out, p: out.write(b"ok") and None)
    _wait(first, done.id)
    other = JobRegistry(tmp_path)  # as a second server process on the same data folder would
    seen = other.get(done.id)
    assert seen is not None and seen.status == "done" and seen.owner_id == 7
    assert other.result_path(seen).read_bytes() == b"ok"

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    state = json.loads((tmp_path / f"{done.id}.json").read_text())
    state.update(id="f" * 32, status="running", pid=int(dead.stdout), finished_at=None)
    (tmp_path / f"{'f' * 32}.json").write_text(json.dumps(state))
    crashed = other.get("f" * 32)
    assert crashed is not None and (crashed.status, crashed.error) == ("failed", "interrupted")
    assert other.get("../../etc/passwd") is None and other.get("0" * 32) is None


def test_old_files_are_purged(tmp_path: Path) -> None:
    registry = JobRegistry(tmp_path, keep_hours=1)
    old = tmp_path / "abc.xlsx"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    job = registry.submit("test", 1, "o.txt", "x", lambda out, p: None)
    _wait(registry, job.id)
    assert not old.exists() and registry.result_path(job).exists()
