"""How many requests of one app may hold a database session at once.

``create_app(settings)`` makes one :class:`SessionSlots` of ``settings.db_sessions`` (``SAOLUU_DB_SESSIONS``,
default 1) and the session dependency takes a slot for as long as the request holds its session.
Fewer slots than the connection pool (40) and the worker threads (40): more requests wait for a slot
without a thread, so a request always finds a connection and a session's teardown always finds a
thread. One slot keeps the thread that holds the write lock from queueing for the interpreter behind
others: a 200-tablet burst on two cores and two processes (bench/load_bench.py) ran 357 requests/s
with 1, 293 with 2 and 274 with 4 on SQLite, 261 / 165 / 179 on PostgreSQL; with 30, 30-40 % slower
still.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import Semaphore
from anyio.lowlevel import RunVar


class SessionSlots:
    """``count`` slots, shared by every request of one app (a semaphore per event loop, as an
    anyio semaphore belongs to the loop it was made in)."""

    def __init__(self, count: int) -> None:
        if count < 1:
            raise ValueError("at least one database session slot")
        self.count = count
        self._semaphore: RunVar[Semaphore] = RunVar(f"saoluu_session_slots_{id(self)}")

    def _current(self) -> Semaphore:
        semaphore = self._semaphore.get(None)
        if semaphore is None:
            semaphore = Semaphore(self.count)
            self._semaphore.set(semaphore)
        return semaphore

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Wait for a free slot (without a thread) and hold it until the block ends."""
        async with self._current():
            yield

    @property
    def in_use(self) -> int:
        """Slots held now (in the running event loop)."""
        return self.count - self._current().value

    @property
    def waiting(self) -> int:
        """Requests waiting for a slot now (in the running event loop)."""
        return self._current().statistics().tasks_waiting
