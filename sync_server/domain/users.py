"""Users, roles, agency bindings and surveyor assignments."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import delete
from sqlmodel import Session, col, select

from common.errors import Conflict, NotFound, ValidationFailed, field_error
from common.schemas import NoNul
from common.vocab import Role
from sync_server.auth import (
    MIN_PASSWORD,
    Principal,
    hash_password,
    password_weakness,
    revoke_tokens,
    verify_password,
)
from sync_server.domain.audit import audit
from sync_server.domain.sequence import next_seq
from sync_server.models import Agency, SurveyorAssignment, User


class UserCreate(NoNul):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(min_length=3, max_length=80, pattern=r"^[a-z0-9._-]+$")
    password: str = Field(min_length=MIN_PASSWORD, max_length=200)
    role: Role
    full_name: str = Field(default="", max_length=200)
    agency_code: str | None = None
    assigned_agencies: list[str] = Field(default_factory=list)

    @field_validator("password")
    @classmethod
    def _strong(cls, password: str, info: ValidationInfo) -> str:
        return _strong_password(password, info.data.get("username", ""))


def _strong_password(password: str, *context: str) -> str:
    """Refuse a common or guessable password (see :func:`sync_server.auth.password_weakness`)."""
    reason = password_weakness(password, *context)
    if reason == "weak_password":
        raise PydanticCustomError(reason, "password too easy to guess")
    return password


class UserUpdate(NoNul):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str | None = Field(default=None, max_length=200)
    role: Role | None = None
    agency_code: str | None = None
    assigned_agencies: list[str] | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=MIN_PASSWORD, max_length=200)

    @field_validator("password")
    @classmethod
    def _strong(cls, password: str | None) -> str | None:
        return None if password is None else _strong_password(password)


class UserPublic(BaseModel):
    username: str
    full_name: str
    role: Role
    agency_code: str | None
    assigned_agencies: list[str]
    active: bool


def _check_agencies(session: Session, field: str, codes: Sequence[str]) -> list[str]:
    wanted = [c.strip().upper() for c in codes]
    known = set(session.exec(select(col(Agency.code)).where(col(Agency.code).in_(wanted))).all())
    bad = [field_error(field, "unknown_agency", input=c) for c in wanted if c not in known]
    if bad:
        raise ValidationFailed(bad)
    return wanted


def _apply_binding(session: Session, user: User, agency_code: str | None, assigned: list[str] | None) -> None:
    role = Role(user.role)
    if role == Role.AGENCY_HEAD:
        if not agency_code:
            raise ValidationFailed([field_error("agency_code", "missing")])
        user.agency_code = _check_agencies(session, "agency_code", [agency_code])[0]
    else:
        user.agency_code = None
    if assigned is not None:
        codes = _check_agencies(session, "assigned_agencies", assigned) if role == Role.SURVEYOR else []
        session.exec(delete(SurveyorAssignment).where(col(SurveyorAssignment.user_id) == user.id))
        if codes:
            seq = next_seq(session)
            for code in dict.fromkeys(codes):
                assert user.id is not None
                session.add(SurveyorAssignment(user_id=user.id, agency_code=code, seq=seq))


def get_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound()
    return user


def list_users(session: Session) -> list[UserPublic]:
    """Every account, by user name."""
    return [to_public(session, u) for u in session.exec(select(User).order_by(col(User.username))).all()]


def to_public(session: Session, user: User) -> UserPublic:
    assigned = session.exec(
        select(SurveyorAssignment.agency_code).where(SurveyorAssignment.user_id == user.id)
    ).all()
    return UserPublic(
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        agency_code=user.agency_code,
        assigned_agencies=sorted(assigned),
        active=user.active,
    )


def create_user(session: Session, actor: Principal | None, data: UserCreate) -> User:
    if session.exec(select(User).where(User.username == data.username)).first() is not None:
        raise Conflict("already_exists", [field_error("username", "username_taken", input=data.username)])
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role.value,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    _apply_binding(session, user, data.agency_code, data.assigned_agencies)
    session.add(user)
    audit(
        session,
        actor,
        "user",
        user.username,
        "create",
        detail={
            "role": user.role,
            "agency_code": user.agency_code,
            "assigned_agencies": data.assigned_agencies,
        },
    )
    session.commit()
    return user


def update_user(session: Session, actor: Principal | None, username: str, data: UserUpdate) -> User:
    user = get_user(session, username)
    changes = data.model_dump(exclude_unset=True)
    if "full_name" in changes and data.full_name is not None:
        user.full_name = data.full_name
    if data.role is not None:
        user.role = data.role.value
    if data.active is not None:
        user.active = data.active
    if data.password is not None:
        user.password_hash = hash_password(data.password)
    if {"role", "agency_code", "assigned_agencies"} & changes.keys():
        _apply_binding(session, user, data.agency_code or user.agency_code, data.assigned_agencies)
    if data.password is not None or data.active is False or data.role is not None:
        assert user.id is not None
        revoke_tokens(session, user.id)  # a reset, disable or role change ends every session at once
    session.add(user)
    changes.pop("password", None)
    audit(
        session,
        actor,
        "user",
        user.username,
        "update",
        detail={**changes, "password_reset": data.password is not None},
    )
    session.commit()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok and user is not None and user.active else None
