"""Web sign-in: sessions as revocable API tokens, CSRF tokens bound to them, and sign-in throttling.

A web session is an :class:`~sync_server.models.ApiToken` like any other (only its SHA-256 is
stored; revoking it, the user's other sessions or the user ends it at once). The browser holds the
secret in an HttpOnly cookie. A form's CSRF token is an HMAC of that secret (or, before sign-in, of
a random per-browser seed) under the server's secret key, so it cannot be forged without the cookie.

Failed sign-ins are counted per user name and client address in the database, so every server
process sees them: after :data:`FREE_FAILURES` failures within :data:`WINDOW` the pair is locked,
for a time that doubles with each further failure (capped at :data:`MAX_LOCK`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from sync_server.auth import Principal, issue_token, resolve_token, revoke_tokens
from sync_server.domain.audit import audit
from sync_server.domain.users import authenticate
from sync_server.models import LoginThrottle, User, utcnow

FREE_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
FIRST_LOCK = dt.timedelta(minutes=1)
MAX_LOCK = dt.timedelta(hours=1)


def csrf_token(secret_key: str, bound_to: str) -> str:
    """The CSRF token of forms shown to the holder of ``bound_to`` (session secret or seed)."""
    return hmac.new(secret_key.encode(), b"csrf:" + bound_to.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret_key: str, bound_to: str | None, submitted: object) -> bool:
    if not bound_to or not isinstance(submitted, str):
        return False
    return hmac.compare_digest(csrf_token(secret_key, bound_to), submitted)


def open_session(session: Session, user: User, hours: int) -> str:
    """A new web session for ``user``; returns the secret for the cookie."""
    secret, row = issue_token(session, user, dt.timedelta(hours=hours))
    audit(session, None, "user", user.username, "web_sign_in", detail={"token_id": row.id})
    session.commit()
    return secret


def current(session: Session, secret: str | None) -> Principal | None:
    """The signed-in principal behind a session cookie, or None."""
    return resolve_token(session, secret) if secret else None


def close_session(session: Session, principal: Principal) -> None:
    revoke_tokens(session, principal.user_id, token_id=principal.token_id)
    audit(session, principal, "user", principal.username, "web_sign_out")
    session.commit()


def _key(username: str) -> str:
    return username.strip().lower()[:80]


def locked_until(session: Session, username: str, client: str) -> dt.datetime | None:
    """When the pair may try again, if it is locked now."""
    row = session.get(LoginThrottle, (_key(username), client[:64]))
    if row is None or row.locked_until is None or row.locked_until <= utcnow():
        return None
    return row.locked_until


def _record_failure(session: Session, username: str, client: str) -> dt.datetime | None:
    now = utcnow()
    key = (_key(username), client[:64])
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
    session: Session, username: str, password: str, client: str
) -> tuple[User | None, dt.datetime | None]:
    """Check a sign-in: (the user, None) on success, else (None, locked-until if locked).

    A locked pair is refused before the password is looked at; a success clears its failures.
    """
    until = locked_until(session, username, client)
    if until is not None:
        return None, until
    user = authenticate(session, username, password)
    if user is None:
        audit(session, None, "user", _key(username), "web_sign_in_failed", detail={"client": client[:64]})
        return None, _record_failure(session, username, client)
    row = session.get(LoginThrottle, (_key(username), client[:64]))
    if row is not None:
        session.delete(row)
        session.commit()
    return user, None
