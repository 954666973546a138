"""Passwords, bearer tokens and the signed-in principal with its agency scope.

Tokens are opaque random strings; the database keeps only their SHA-256. A server process looks a
token up at most every ``SAOLUU_AUTH_CACHE_SECONDS`` (:class:`PrincipalCache`), so revoking a token
(or a device, or deactivating a user) takes effect at once in the process that did it and within
those seconds in the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, bindparam, event
from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, col, select
from zxcvbn import zxcvbn

from common.errors import NotAllowed
from common.tables import table_of
from common.vocab import STAFF, Role
from sync_server.models import AFFECTS_PRINCIPAL, ApiToken, Device, SurveyorAssignment, User, utcnow
from sync_server.statements import written_tables

_hasher = PasswordHasher()  # argon2id, memory-hard
MIN_PASSWORD = 8
MIN_PASSWORD_SCORE = 3
"""zxcvbn's score (0-4) a password needs: 3 is about 10^8 guesses, out of reach of online guessing
(sign-ins are throttled) and costly offline against argon2id hashes (NIST SP 800-63B §5.1.1.2)."""
LOCAL_WORDS = (
    "matkhau", "mat khau", "saoluu", "sao luu", "luutru", "luu tru", "khaosat", "quantri", "admin",
    "vietnam", "hanoi", "danang", "quangnam", "anhyeuem", "emyeuanh", "123456", "qwerty",
)  # fmt: skip
"""Words of this system and common Vietnamese passwords that zxcvbn's English lists lack."""


def password_weakness(password: str, *context: str) -> str | None:
    """Why ``password`` is refused (a field error reason), or None: shorter than
    :data:`MIN_PASSWORD`, or common or guessable (a dictionary word, a keyboard or date pattern, the
    user name or one of :data:`LOCAL_WORDS` with small changes)."""
    if len(password) < MIN_PASSWORD:
        return "too_short"
    inputs = [c for c in context if c] + list(LOCAL_WORDS)
    score = zxcvbn(password[:100], user_inputs=inputs)["score"]
    return None if score >= MIN_PASSWORD_SCORE else "weak_password"


@cache
def _dummy_hash() -> str:
    """What an unknown user's password is checked against (made on first use: a hash costs 64 MB
    and most of a second, which every command and worker would otherwise pay at import)."""
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; spends the same time whether or not the user exists."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user, their role, the agencies they may see (None = all)."""

    user_id: int
    username: str
    role: Role
    agency_codes: frozenset[str] | None
    token_id: int | None = None
    device_id: str | None = None
    token_expires_at: dt.datetime | None = None
    door: str = "api"
    """Where the token was issued for: ``api``, ``device`` or ``web`` (see :class:`ApiToken`)."""

    def can_access(self, agency_code: str) -> bool:
        return self.agency_codes is None or agency_code in self.agency_codes

    def require_agency(self, agency_code: str) -> None:
        if not self.can_access(agency_code):
            raise NotAllowed()

    def require_role(self, roles: Collection[Role]) -> None:
        if self.role not in roles:
            raise NotAllowed()


def agency_scope(
    session: Session, role: Role, user_id: int, agency_code: str | None
) -> frozenset[str] | None:
    """The agencies a user may read and write: all for staff, own for heads, assigned for surveyors."""
    if role in STAFF:
        return None
    if role == Role.AGENCY_HEAD:
        return frozenset([agency_code] if agency_code else [])
    if role == Role.DIGITIZATION_OPERATOR:
        return frozenset()  # boxes and masters, never the survey's records
    a = table_of(SurveyorAssignment).c
    return frozenset(session.execute(select(a.agency_code).where(a.user_id == user_id)).scalars())


def principal_for(session: Session, user: User, token: ApiToken | None = None) -> Principal:
    assert user.id is not None
    token_id, device_id = (token.id, token.device_id) if token else (None, None)
    return _principal(session, user.id, user.username, user.role, user.agency_code, token_id, device_id)


def _principal(
    session: Session,
    user_id: int,
    username: str,
    role: str,
    agency_code: str | None,
    token_id: int | None,
    device_id: str | None,
    assigned: frozenset[str] | None = None,
    token_expires_at: dt.datetime | None = None,
    door: str = "api",
) -> Principal:
    """``assigned``: the surveyor's assigned agencies when already read (else they are looked up)."""
    scope = (
        assigned
        if assigned is not None and Role(role) == Role.SURVEYOR
        else agency_scope(session, Role(role), user_id, agency_code)
    )
    return Principal(
        user_id=user_id,
        username=username,
        role=Role(role),
        agency_codes=scope,
        token_id=token_id,
        device_id=device_id,
        token_expires_at=token_expires_at,
        door=door,
    )


def issue_token(
    session: Session, user: User, ttl: dt.timedelta, device_id: str | None = None, *, web: bool = False
) -> tuple[str, ApiToken]:
    """Create a token for ``user``: a tablet's bearer with ``device_id``, a web session's cookie
    with ``web``, else an API bearer. Returns the secret (shown once) and its row."""
    assert user.id is not None
    secret = new_secret()
    row = ApiToken(
        token_hash=token_digest(secret),
        user_id=user.id,
        device_id=device_id,
        expires_at=utcnow() + ttl,
        door="device" if device_id else "web" if web else "api",
    )
    session.add(row)
    session.flush()
    return secret, row


def _token_query() -> Any:
    t, u, d, a = (table_of(m).c for m in (ApiToken, User, Device, SurveyorAssignment))
    joined = table_of(ApiToken).join(table_of(User), u.id == t.user_id)
    joined = joined.outerjoin(table_of(Device), d.id == t.device_id)
    joined = joined.outerjoin(table_of(SurveyorAssignment), a.user_id == u.id)
    columns = (t.id, t.device_id, t.expires_at, t.revoked_at, t.door, u.id, u.username, u.role, u.active)
    return (
        core_select(*columns, u.agency_code, d.id, d.revoked_at, a.agency_code)
        .select_from(joined)
        .where(t.token_hash == bindparam("digest"))
    )


_TOKEN_QUERY = _token_query()
"""Token, user, device and the user's assigned agencies (one row each) in one statement: every
authenticated request runs it."""


PRINCIPAL_TABLES = frozenset(
    t.name for t in SQLModel.metadata.tables.values() if t.info.get(AFFECTS_PRINCIPAL)
)
"""What a principal is read from (the tables marked :data:`~sync_server.models.AFFECTS_PRINCIPAL`
in the models): a write to any of them may end or narrow a token."""
_CHANGED = "saoluu_identity_changed"


class PrincipalCache:
    """The principals of tokens seen in the last ``seconds``, per server process: a tablet's sync
    round sends a handful of requests, and each would otherwise read its token, user, device and
    assigned agencies again (a query and a worker-thread hop, a fifth of a small request's cost).

    Once installed on the engine, any transaction of this process that writes one of
    :data:`PRINCIPAL_TABLES` (a revocation, a disabled user, a password reset, new assignments, a
    sign-out) — or SQL whose tables cannot be told (:func:`sync_server.statements.written_tables`) —
    empties the cache when it ends; other server processes take it into account within ``seconds``.
    A token's own expiry is always kept to the second.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[Principal, float]] = {}
        self.generation = 0
        """Bumped by every :meth:`clear`: a principal read before one is not kept."""

    def get(self, secret: str) -> Principal | None:
        entry = self._entries.get(token_digest(secret))
        if entry is None:
            return None
        principal, until = entry
        expires = principal.token_expires_at
        if time.monotonic() >= until or (expires is not None and utcnow() >= expires):
            return None
        return principal

    def put(self, secret: str, principal: Principal, generation: int) -> None:
        """Keep ``principal``, read when :attr:`generation` was ``generation``, unless a change to
        identities has been committed since (the read may predate it)."""
        if self.seconds <= 0:
            return
        with self._lock:
            if generation != self.generation:
                return
            if len(self._entries) >= 10_000:  # bounded: at most a few seconds of distinct tokens
                self._entries.clear()
            self._entries[token_digest(secret)] = (principal, time.monotonic() + self.seconds)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.generation += 1

    def install(self, engine: Engine) -> None:
        """Empty the cache when a connection that wrote an identity table goes back to the pool
        (after its commit or rollback: never before the change is visible to a new read)."""

        def written(
            conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
        ) -> None:
            tables = written_tables(context)
            if tables is None or tables & PRINCIPAL_TABLES:
                conn.info[_CHANGED] = True

        def returned(_dbapi_conn: Any, record: Any, *_args: Any) -> None:
            if record is not None and record.info.pop(_CHANGED, False):
                self.clear()

        event.listen(engine, "after_cursor_execute", written)
        for name in ("checkin", "invalidate", "close"):
            event.listen(engine.pool, name, returned)


def resolve_token(session: Session, secret: str) -> Principal | None:
    """The principal behind a live token, or None if unknown, expired, revoked or disabled."""
    rows = session.execute(_TOKEN_QUERY, {"digest": token_digest(secret)}).all()
    if not rows:
        return None
    token_id, device_id, expires_at, revoked_at, door, user_id, username, role, active, agency = rows[0][:10]
    device, gone = rows[0][10:12]
    if revoked_at is not None or expires_at <= utcnow() or not active:
        return None
    if device_id is not None and (device is None or gone is not None):
        return None
    assigned = frozenset(row[-1] for row in rows if row[-1] is not None)
    return _principal(
        session, user_id, username, role, agency, token_id, device_id, assigned, expires_at, door
    )


def revoke_tokens(session: Session, user_id: int, *, token_id: int | None = None) -> int:
    """Revoke one token or every live token of a user; returns how many were revoked."""
    query = select(ApiToken).where(ApiToken.user_id == user_id, col(ApiToken.revoked_at).is_(None))
    if token_id is not None:
        query = query.where(ApiToken.id == token_id)
    rows = session.exec(query).all()
    now = utcnow()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    return len(rows)
