"""Web sessions as revocable API tokens, and CSRF tokens bound to them.

A web session is an :class:`~sync_server.models.ApiToken` like any other (only its SHA-256 is
stored; revoking it, the user's other sessions or the user ends it at once). The browser holds the
secret in an HttpOnly cookie. A form's CSRF token is an HMAC of that secret (or, before sign-in, of
a random per-browser seed) under the server's secret key, so it cannot be forged without the cookie.

Signing in by password (throttled, shared with the API) is :mod:`sync_server.domain.signin`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from sqlmodel import Session

from sync_server.auth import Principal, issue_token, resolve_token, revoke_tokens
from sync_server.domain.audit import audit
from sync_server.models import User

WEB_DOOR = "web"


def csrf_token(secret_key: str, bound_to: str) -> str:
    """The CSRF token of forms shown to the holder of ``bound_to`` (session secret or seed)."""
    return hmac.new(secret_key.encode(), b"csrf:" + bound_to.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret_key: str, bound_to: str | None, submitted: object) -> bool:
    if not bound_to or not isinstance(submitted, str):
        return False
    return hmac.compare_digest(csrf_token(secret_key, bound_to), submitted)


def open_session(session: Session, user: User, hours: int) -> str:
    """A new web session for ``user``; returns the secret for the cookie."""
    secret, row = issue_token(session, user, dt.timedelta(hours=hours), web=True)
    audit(session, None, "user", user.username, "web_sign_in", detail={"token_id": row.id})
    session.commit()
    return secret


def current(session: Session, secret: str | None) -> Principal | None:
    """The signed-in principal behind a session cookie, or None (an API or tablet token is not a
    web session, even when sent as the cookie)."""
    principal = resolve_token(session, secret) if secret else None
    return principal if principal is not None and principal.door == WEB_DOOR else None


def close_session(session: Session, principal: Principal) -> None:
    revoke_tokens(session, principal.user_id, token_id=principal.token_id)
    audit(session, principal, "user", principal.username, "web_sign_out")
    session.commit()
