"""WAL checkpoints for SQLite off the request path.

In WAL mode SQLite copies the log back into the database file ("checkpoint") from inside whichever
commit crosses ``wal_autocheckpoint`` pages, so that one push pays for everybody's writes. The server
runs a passive checkpoint from a background thread instead, every second; the per-connection
threshold stays, set high, as the safety net when no checkpointer runs (CLI tools, tests).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger(__name__)

AUTOCHECKPOINT_PAGES = 8000
"""Per-connection threshold (about 32 MB of log) when the background checkpointer is not running."""


class Checkpointer:
    """A daemon thread that checkpoints an SQLite engine's WAL every ``interval`` seconds."""

    def __init__(self, engine: Engine, interval: float = 1.0) -> None:
        self.engine = engine
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)

    def start(self) -> Checkpointer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def checkpoint(self) -> None:
        """A passive checkpoint, on the driver's connection: it writes no table, so neither the
        write gate nor the sign-in cache must take it for a write (see :mod:`sync_server.statements`)."""
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None  # a checked-out connection
            driver.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.checkpoint()
            except Exception:  # a busy or closed database: try again next time
                log.debug("WAL checkpoint skipped", exc_info=True)
