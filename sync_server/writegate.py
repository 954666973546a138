"""One SQLite writer at a time per process, queued in Python rather than by SQLite's busy polling.

SQLite lets one connection write at a time. A connection that finds the write lock taken sleeps
and retries (1, 2, 5 … up to 100 ms between tries), so under a burst of pushes a writer may sleep
through many free moments and wait seconds while the database sits idle. The gate makes writers
of this process wait on a lock instead and go in as soon as the previous one returns its
connection. Other processes on the same file still meet SQLite's own busy wait.

A connection takes the gate at its first writing statement and gives it back when it returns to
the pool (after its commit or rollback). If the gate can't be had in ``timeout`` seconds, the
statement goes ahead anyway and SQLite's busy handling decides, so a stuck holder can delay other
writers but never block them for good.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

_HELD = "saoluu_write_gate"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class WriteGate:
    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()

    def install(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before_execute)
        for name in ("checkin", "invalidate", "close"):
            event.listen(engine.pool, name, self._release)

    def _before_execute(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        info = conn.info
        if info.get(_HELD) or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        if self._lock.acquire(timeout=self.timeout):
            info[_HELD] = True
        else:
            log.warning("SQLite write gate busy for %.0f s; writing without it", self.timeout)

    def _release(self, _dbapi_conn: Any, record: Any, *_args: Any) -> None:
        if record is not None and record.info.pop(_HELD, False):
            self._lock.release()
