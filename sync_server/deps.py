"""What the API and the pages both depend on: the request's database session, the caller's address."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlmodel import Session

from sync_server.session_slots import SessionSlots


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request, once one of the app's session slots is free (``SAOLUU_DB_SESSIONS``,
    see :mod:`sync_server.session_slots`), without a worker-thread hop of its own (each costs more
    than a small request's work). Opening one does no I/O: it connects on first use, in the route's
    thread. Closing one whose transaction the route ended, or a SQLite one (a rollback there touches
    no disk or network), is done on the event loop; a PostgreSQL session still in a transaction is
    rolled back in a thread of its own, never waiting for a worker thread (that deadlocks once the
    pool runs dry)."""
    slots: SessionSlots = request.app.state.session_slots
    async with slots.held():
        session = Session(request.app.state.engine)
        try:
            yield session
        finally:
            if session.in_transaction() and not request.app.state.settings.is_sqlite:
                await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))
            else:
                session.close()


# ``scope="function"``: the session closes (its connection goes back to the pool, its slot to the
# next request) as soon as the route returns, before the answer is sent to a client that may be slow
# to take it.
_session = Depends(get_session, scope="function")
SessionDep = Annotated[Session, _session]


def client_address(request: Request) -> str:
    """The caller's address (the client's own behind a proxy run with ``--proxy-headers``)."""
    return request.client.host if request.client else "unknown"
