"""The server change sequence behind pull cursors.

``UPDATE … RETURNING`` on one counter row takes a row lock held until commit, so writers take
sequence numbers in commit order on PostgreSQL too: a pull cursor can never skip a change that
commits later with a smaller number.
"""

from __future__ import annotations

from sqlalchemy import Table, bindparam, select, update
from sqlmodel import Session

from common.tables import table_of
from sync_server.models import Counter

CHANGE_SEQ = "change_seq"
_COUNTER: Table = table_of(Counter)
_RESERVE = (
    update(_COUNTER)
    .where(_COUNTER.c.name == CHANGE_SEQ)
    .values(value=_COUNTER.c.value + bindparam("n"))
    .returning(_COUNTER.c.value)
)
_COMMITTED = select(_COUNTER.c.value).where(_COUNTER.c.name == CHANGE_SEQ)


def next_seq(session: Session, count: int = 1) -> int:
    """Reserve ``count`` numbers; returns the last one (the first is ``last - count + 1``)."""
    return int(session.execute(_RESERVE, {"n": count}).scalar_one())


def committed_seq(session: Session) -> int:
    """The highest number whose change is committed: every row with ``seq`` up to it is visible.

    Read first, in its own statement: later statements (each may see a newer snapshot under READ
    COMMITTED) then bound their rows by it, so a pull never mixes in a change that commits while it
    reads and whose smaller-numbered companions it missed.
    """
    return int(session.execute(_COMMITTED).scalar_one())


def lock_changes(session: Session) -> None:
    """Take the change-sequence lock now; it is held until the transaction ends.

    Every writer of synced records takes it before writing, so what a transaction reads after this
    call (a record's current version, say) no other writer can change before it commits: a decision
    made on it can't overwrite a concurrent edit. Reserving zero numbers takes the lock without
    spending one.
    """
    next_seq(session, 0)
