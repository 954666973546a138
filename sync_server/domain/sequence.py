"""The server change sequence behind pull cursors.

``UPDATE … RETURNING`` on one counter row takes a row lock held until commit, so writers take
sequence numbers in commit order on PostgreSQL too: a pull cursor can never skip a change that
commits later with a smaller number.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

CHANGE_SEQ = "change_seq"


def next_seq(session: Session, count: int = 1) -> int:
    """Reserve ``count`` numbers; returns the last one (the first is ``last - count + 1``)."""
    value = session.execute(
        text("UPDATE counter SET value = value + :n WHERE name = :name RETURNING value"),
        {"n": count, "name": CHANGE_SEQ},
    ).scalar_one()
    return int(value)
