"""Tablet enrollment: one-time codes become revocable device tokens."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from common.enroll import new_code, normalise_code
from common.errors import NotAllowed, NotFound, field_error
from common.tables import table_of
from sync_server.auth import Principal, issue_token, principal_for, revoke_tokens, token_digest
from sync_server.domain.audit import audit
from sync_server.models import ApiToken, Device, EnrollCode, User, utcnow


def create_enroll_code(session: Session, actor: Principal | None, user: User, ttl: dt.timedelta) -> str:
    """A fresh one-time code for ``user``'s next tablet; only its hash is stored."""
    assert user.id is not None
    code = new_code()
    session.add(EnrollCode(code_hash=token_digest(code), user_id=user.id, expires_at=utcnow() + ttl))
    audit(
        session,
        actor,
        "user",
        user.username,
        "enroll_code",
        detail={"expires_in_h": ttl.total_seconds() / 3600},
    )
    session.commit()
    return code


def enroll_device(
    session: Session, code: str, device_name: str, ttl: dt.timedelta
) -> tuple[Device, str, User]:
    """Redeem ``code``: a new device and its token. A used, unknown or expired code is refused.

    The code is marked used by one conditional update (still unused, not expired) whose row count
    is checked: of concurrent requests with the same code, in any number of server processes, only
    the one whose update matched goes on."""
    digest, now = token_digest(normalise_code(code)), utcnow()
    c = table_of(EnrollCode).c
    claimed = session.execute(
        update(table_of(EnrollCode))
        .where(c.code_hash == digest, c.used_at.is_(None), c.expires_at > now)
        .values(used_at=now)
    )
    assert isinstance(claimed, CursorResult)  # an UPDATE's result, which counts its rows
    row = session.get(EnrollCode, digest)
    user = session.get(User, row.user_id) if row is not None else None
    if claimed.rowcount != 1 or user is None or not user.active:
        session.rollback()
        raise NotAllowed(details=[field_error("code", "code_invalid")])
    assert row is not None
    device = Device(id=str(uuid.uuid4()), user_id=row.user_id, name=device_name)
    session.add(device)
    session.flush()
    secret, _ = issue_token(session, user, ttl, device_id=device.id)
    audit(session, None, "device", device.id, "enroll", detail={"user": user.username, "name": device_name})
    session.commit()
    return device, secret, user


def revoke_device(session: Session, actor: Principal | None, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound()
    device.revoked_at = device.revoked_at or utcnow()
    session.add(device)
    for token in session.exec(select(ApiToken).where(ApiToken.device_id == device_id)).all():
        assert token.id is not None
        revoke_tokens(session, token.user_id, token_id=token.id)
    audit(session, actor, "device", device_id, "revoke")
    session.commit()
    return device


__all__ = ["create_enroll_code", "enroll_device", "principal_for", "revoke_device"]


def list_devices(
    session: Session, user_id: int | None = None, *, newest_first: bool = False
) -> list[tuple[Device, str]]:
    """Enrolled tablets with their owner's user name (of one user, or everyone's), by enrollment."""
    query = select(Device, User.username).join(User, col(User.id) == col(Device.user_id))
    if user_id is not None:
        query = query.where(col(Device.user_id) == user_id)
    enrolled = col(Device.created_at)
    return [
        (d, name) for d, name in session.exec(query.order_by(enrolled.desc() if newest_first else enrolled))
    ]
