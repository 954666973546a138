"""What the API and the pages both depend on: the request's database session, the caller's address."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlmodel import Session

from sync_server.config import get_settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request, without a worker-thread hop of its own (each costs more than a small
    request's work). Opening one does no I/O: it connects on first use, in the route's thread. Closing
    one whose transaction the route ended, or a SQLite one (a rollback there touches no disk or
    network), is done on the event loop; a PostgreSQL session still in a transaction is rolled back in
    a thread of its own, never waiting for a worker thread (that deadlocks once the pool runs dry)."""
    session = Session(request.app.state.engine)
    try:
        yield session
    finally:
        if session.in_transaction() and not request.app.state.settings.is_sqlite:
            await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))
        else:
            session.close()


SESSION_SLOTS = get_settings().db_sessions
"""Requests that may hold a database session at once (``SAOLUU_DB_SESSIONS``, default 1): fewer than
the connection pool (40) and the worker threads (40). More requests wait for a slot without a thread,
so a request always finds a connection and a session's teardown always finds a thread. One slot
keeps the thread that holds the write lock from queueing for the interpreter behind others: a
200-tablet burst on two cores and two processes (bench/load_bench.py) ran 357 requests/s with 1,
293 with 2 and 274 with 4 on SQLite, 261 / 165 / 179 on PostgreSQL; with 30, 30-40 % slower still."""

# One Depends object for every route, so the slots are shared. ``scope="function"``: the session
# closes (its connection goes back to the pool) as soon as the route returns, before the answer is
# sent to a client that may be slow to take it.
_session = Depends(get_session, scope="function", max_concurrency=SESSION_SLOTS)
SessionDep = Annotated[Session, _session]


def client_address(request: Request) -> str:
    """The caller's address (the client's own behind a proxy run with ``--proxy-headers``)."""
    return request.client.host if request.client else "unknown"
