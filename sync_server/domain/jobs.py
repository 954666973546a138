"""Background jobs for long exports: an in-process registry with result files on disk.

A job runs in its own daemon thread; a semaphore lets one job run at a time per registry (the
server has two cores to share with requests), the others wait as ``queued``. Each job's state is
also written to ``<root>/<id>.json`` (at most once a second while it runs) beside its result file.

Limits, by design until jobs get a database table: the registry lives in one server process. Another
process that shares the same data folder sees a job's state and can serve its file (it reads the
JSON), but a job whose process died shows as ``failed`` (``interrupted``) and is not restarted.
Finished files are deleted after ``keep`` (24 hours by default).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Literal

from common.errors import SaoLuuError

log = logging.getLogger("saoluu.jobs")

JobStatus = Literal["queued", "running", "done", "failed"]
Work = Callable[[IO[bytes], "JobProgress"], None]
SAVE_EVERY = 1.0
STALE_AFTER = 600.0
"""A running job on another host whose state has not been saved for this long has died."""
HOST = socket.gethostname()


@dataclass
class Job:
    """A job's state as the API shows it; ``done``/``total`` count rows (or labels)."""

    id: str
    kind: str
    owner_id: int
    filename: str
    media_type: str
    status: JobStatus = "queued"
    done: int = 0
    total: int | None = None
    error: str | None = None
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    saved_at: float = 0.0
    pid: int = field(default_factory=os.getpid)
    host: str = HOST

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class JobProgress:
    """The :class:`~sync_server.domain.exports.base.Progress` a job's work reports to."""

    def __init__(self, registry: JobRegistry, job: Job) -> None:
        self._registry = registry
        self._job = job

    def set_total(self, total: int) -> None:
        self._job.total = total
        self._registry.save(self._job, force=True)

    def advance(self, rows: int) -> None:
        self._job.done += rows
        self._registry.save(self._job)


class JobRegistry:
    """Start jobs, follow them, find their result files."""

    def __init__(self, root: Path, *, concurrency: int = 1, keep_hours: float = 24) -> None:
        self.root = root
        self.keep_seconds = keep_hours * 3600
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(concurrency)
        self._threads: dict[str, threading.Thread] = {}

    def submit(self, kind: str, owner_id: int, filename: str, media_type: str, work: Work) -> Job:
        """Queue ``work(out, progress)``; it writes the result to ``out``."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.purge()
        job = Job(id=uuid.uuid4().hex, kind=kind, owner_id=owner_id, filename=filename, media_type=media_type)
        with self._lock:
            self._jobs[job.id] = job
        self.save(job, force=True)
        thread = threading.Thread(target=self._run, args=(job, work), name=f"job-{job.id[:8]}", daemon=True)
        self._threads[job.id] = thread
        thread.start()
        return job

    def _run(self, job: Job, work: Work) -> None:
        with self._slots:
            job.status = "running"
            self.save(job, force=True)
            part = self.root / f"{job.id}.part"
            try:
                with part.open("wb") as out:
                    work(out, JobProgress(self, job))
                part.replace(self.result_path(job))
                job.status = "done"
                if job.total is None or job.done > job.total:
                    job.total = job.done
            except Exception as exc:
                log.exception("job %s (%s) failed", job.id, job.kind)
                job.status = "failed"
                job.error = exc.code if isinstance(exc, SaoLuuError) else "server_error"
                part.unlink(missing_ok=True)
            finally:
                job.finished_at = time.time()
                self.save(job, force=True)
                self._threads.pop(job.id, None)

    def wait(self, job_id: str, timeout: float | None = None) -> Job | None:
        """Block until the job has finished (for small exports and tests)."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.get(job_id)

    def get(self, job_id: str) -> Job | None:
        """A job of this process, or one another process sharing the folder saved."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            return job
        return self._load(job_id)

    def for_owner(self, owner_id: int) -> list[Job]:
        """This process's jobs of ``owner_id``, newest first."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.owner_id == owner_id]
        return sorted(jobs, key=lambda j: j.created_at, reverse=True)

    def result_path(self, job: Job) -> Path:
        return self.root / f"{job.id}{Path(job.filename).suffix}"

    def save(self, job: Job, *, force: bool = False) -> None:
        now = time.time()
        if not force and now - job.saved_at < SAVE_EVERY:
            return
        job.saved_at = now
        target = self.root / f"{job.id}.json"
        tmp = target.with_suffix(f".{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(asdict(job)), encoding="utf-8")
        tmp.replace(target)

    def _load(self, job_id: str) -> Job | None:
        if not job_id.isalnum():
            return None
        path = self.root / f"{job_id}.json"
        try:
            job = Job(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        if not job.finished and not _alive(job):
            job.status, job.error = "failed", "interrupted"
        return job

    def purge(self) -> None:
        """Delete job files older than ``keep`` (results, states, leftovers)."""
        limit = time.time() - self.keep_seconds
        for path in self.root.iterdir():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()
                    with self._lock:
                        self._jobs.pop(path.name.split(".", 1)[0], None)


def _alive(job: Job) -> bool:
    """Whether the process running ``job`` (saved by another registry) still exists."""
    if job.host != HOST:
        return time.time() - job.saved_at < STALE_AFTER
    try:
        os.kill(job.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return job.pid != os.getpid()
