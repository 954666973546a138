"""User administration."""

from __future__ import annotations

from fastapi import APIRouter

from common.vocab import Role
from sync_server.api.deps import CurrentUser, SessionDep, allow
from sync_server.domain import users as domain

router = APIRouter(tags=["users"])
ADMIN = allow(Role.ADMIN)


@router.get("/admin/users", response_model=list[domain.UserPublic], **ADMIN)
def list_users(session: SessionDep) -> list[domain.UserPublic]:
    return domain.list_users(session)


@router.post("/admin/users", response_model=domain.UserPublic, status_code=201, **ADMIN)
def create_user(body: domain.UserCreate, principal: CurrentUser, session: SessionDep) -> domain.UserPublic:
    return domain.to_public(session, domain.create_user(session, principal, body))


@router.get("/admin/users/{username}", response_model=domain.UserPublic, **ADMIN)
def get_user(username: str, session: SessionDep) -> domain.UserPublic:
    return domain.to_public(session, domain.get_user(session, username))


@router.patch("/admin/users/{username}", response_model=domain.UserPublic, **ADMIN)
def update_user(
    username: str, body: domain.UserUpdate, principal: CurrentUser, session: SessionDep
) -> domain.UserPublic:
    """Change role, binding, assignments, active flag or password (this revokes their tokens)."""
    return domain.to_public(session, domain.update_user(session, principal, username, body))
