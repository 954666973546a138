"""One SQLite writer at a time per process, queued in Python rather than by SQLite's busy polling.

SQLite lets one connection write at a time. A connection that finds the write lock taken sleeps
and retries (1, 2, 5 … up to 100 ms between tries), so under a burst of pushes a writer may sleep
through many free moments and wait seconds while the database sits idle. The gate makes writers
wait on a lock instead and go in as soon as the previous one returns its connection: a thread lock
among the threads of a process, then an exclusive ``flock`` on a file beside the database among the
processes of ``serve --workers N`` (the kernel wakes the next waiter; a process that dies lets go).

A connection takes the gate at its first writing statement — one that writes a table, as its
compiled form says, or one whose compiled form cannot say (SQL text, DDL; see
:mod:`sync_server.statements`) — and gives it back when it returns to the pool (after its commit or
rollback). If the gate can't be had in ``timeout`` seconds, the
statement goes ahead anyway and SQLite's busy handling decides, so a stuck holder can delay other
writers but never block them for good.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from sync_server.statements import written_tables

log = logging.getLogger(__name__)

HELD = "saoluu_write_gate"
"""Key of a connection's ``info`` while the connection holds the gate."""


class WriteGate:
    def __init__(self, lock_file: Path | None = None, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._lock_file = lock_file
        self._fd: int | None = None

    def install(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before_execute)
        for name in ("checkin", "invalidate", "close"):
            event.listen(engine.pool, name, self._release)

    def _before_execute(
        self, conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        info = conn.info
        if info.get(HELD) or written_tables(context) == frozenset():
            return
        if self._lock.acquire(timeout=self.timeout):
            info[HELD] = True
            if self._lock_file is not None:
                fcntl.flock(self._file(), fcntl.LOCK_EX)  # other processes; GIL released meanwhile
        else:
            log.warning("SQLite write gate busy for %.0f s; writing without it", self.timeout)

    def _release(self, _dbapi_conn: Any, record: Any, *_args: Any) -> None:
        if record is not None and record.info.pop(HELD, False):
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            self._lock.release()

    def _file(self) -> int:
        """The lock file, opened once per process (after a fork, a worker opens its own)."""
        if self._fd is None:
            assert self._lock_file is not None
            self._fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd
