"""Passwords, bearer tokens and the signed-in principal with its agency scope.

Tokens are opaque random strings; the database keeps only their SHA-256, and every request looks
the token up, so revoking a token (or a device, or deactivating a user) takes effect at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from common.errors import SaoLuuError
from common.vocab import Role
from sync_server.models import ApiToken, Device, SurveyorAssignment, User, utcnow

_hasher = PasswordHasher()  # argon2id, memory-hard
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; spends the same time whether or not the user exists."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
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

    def can_access(self, agency_code: str) -> bool:
        return self.agency_codes is None or agency_code in self.agency_codes

    def require_agency(self, agency_code: str) -> None:
        if not self.can_access(agency_code):
            raise SaoLuuError("forbidden", 403)


def agency_scope(session: Session, user: User) -> frozenset[str] | None:
    """The agencies a user may read and write: all for staff, own for heads, assigned for surveyors."""
    role = Role(user.role)
    if role in (Role.ADMIN, Role.REVIEWER):
        return None
    if role == Role.AGENCY_HEAD:
        return frozenset([user.agency_code] if user.agency_code else [])
    rows = session.exec(
        select(SurveyorAssignment.agency_code).where(SurveyorAssignment.user_id == user.id)
    ).all()
    return frozenset(rows)


def principal_for(session: Session, user: User, token: ApiToken | None = None) -> Principal:
    assert user.id is not None
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        agency_codes=agency_scope(session, user),
        token_id=token.id if token else None,
        device_id=token.device_id if token else None,
    )


def issue_token(
    session: Session, user: User, ttl: dt.timedelta, device_id: str | None = None
) -> tuple[str, ApiToken]:
    """Create a bearer token for ``user``; returns the secret (shown once) and its row."""
    assert user.id is not None
    secret = new_secret()
    row = ApiToken(
        token_hash=token_digest(secret),
        user_id=user.id,
        device_id=device_id,
        expires_at=utcnow() + ttl,
    )
    session.add(row)
    session.flush()
    return secret, row


def resolve_token(session: Session, secret: str) -> Principal | None:
    """The principal behind a live token, or None if unknown, expired, revoked or disabled."""
    now = utcnow()
    found = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(ApiToken.token_hash == token_digest(secret))
    ).first()
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or token.expires_at <= now or not user.active:
        return None
    if token.device_id is not None:
        device = session.get(Device, token.device_id)
        if device is None or device.revoked_at is not None:
            return None
    return principal_for(session, user, token)


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
