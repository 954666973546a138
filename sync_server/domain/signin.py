"""Sign-in by password, throttled per user name and client address.

The web form and the API's token endpoint both sign in here, so one lockout guards both doors.
Failed sign-ins are counted in the database, so every server process sees them: after
:data:`FREE_FAILURES` failures within :data:`WINDOW` the pair is locked, for a time that doubles with
each further failure (capped at :data:`MAX_LOCK`). A locked pair is refused before the password is
looked at; a success clears its failures.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from sync_server.domain.audit import audit
from sync_server.domain.users import authenticate
from sync_server.models import LoginThrottle, User, utcnow

FREE_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
FIRST_LOCK = dt.timedelta(minutes=1)
MAX_LOCK = dt.timedelta(hours=1)


def _key(username: str, client: str) -> tuple[str, str]:
    return username.strip().lower()[:80], client[:64]


def locked_until(session: Session, username: str, client: str) -> dt.datetime | None:
    """When the pair may try again, if it is locked now."""
    row = session.get(LoginThrottle, _key(username, client))
    if row is None or row.locked_until is None or row.locked_until <= utcnow():
        return None
    return row.locked_until


def _record_failure(session: Session, username: str, client: str) -> dt.datetime | None:
    now = utcnow()
    key = _key(username, client)
    row = session.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        row = LoginThrottle(username=key[0], client=key[1], failures=0, first_failed_at=now)
    if now - row.first_failed_at > WINDOW and (row.locked_until is None or row.locked_until <= now):
        row.failures, row.first_failed_at = 0, now
    row.failures += 1
    if row.failures >= FREE_FAILURES:
        lock = min(FIRST_LOCK * 2 ** (row.failures - FREE_FAILURES), MAX_LOCK)
        row.locked_until = now + lock
        row.first_failed_at = now  # the window restarts, so waiting the lock out is not a free pass
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # a concurrent first failure created the row: count on it instead
        session.rollback()
        return _record_failure(session, username, client)
    return row.locked_until if row.locked_until and row.locked_until > now else None


def sign_in(
    session: Session, username: str, password: str, client: str, door: str
) -> tuple[User | None, dt.datetime | None]:
    """Check a sign-in through ``door`` (``web`` or ``api``): (the user, None) on success, else
    (None, locked-until if the pair is locked now)."""
    until = locked_until(session, username, client)
    if until is not None:
        return None, until
    user = authenticate(session, username, password)
    key = _key(username, client)
    if user is None:
        audit(session, None, "user", key[0], f"{door}_sign_in_failed", detail={"client": key[1]})
        return None, _record_failure(session, username, client)
    row = session.get(LoginThrottle, key)
    if row is not None:
        session.delete(row)
        session.commit()
    return user, None
