"""Dependency aliases every route uses, and the per-route role declaration.

Each route states who may call it with ``**allow(Role.X, ...)`` (or ``**public()``); the roles are
also written into the OpenAPI schema as ``x-roles`` so a test can check that no route lacks a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from common.errors import NotAllowed, NotAuthenticated
from common.vocab import Role
from sync_server.auth import Principal, PrincipalCache, resolve_token
from sync_server.config import Settings
from sync_server.deps import SessionDep  # shared with the pages
from sync_server.storage.base import PhotoStore

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
ROLES_KEY = "x-roles"
PUBLIC = "public"
AUTHENTICATED = "authenticated"
API_DOORS = frozenset({"api", "device"})
"""Tokens the API accepts as bearers (web sessions are for the web pages' cookie only)."""


# Dependencies that do no I/O are ``async``: FastAPI runs sync ones in a worker thread, and each such
# hop costs more than the work.
async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_photo_store(request: Request) -> PhotoStore:
    return request.app.state.photos


async def get_master_store(request: Request) -> PhotoStore:
    """The store of scanned masters and of signed decisions' scans."""
    return request.app.state.masters


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
PhotoStoreDep = Annotated[PhotoStore, Depends(get_photo_store)]
MasterStoreDep = Annotated[PhotoStore, Depends(get_master_store)]


def _resolve(session: Session, token: str) -> Principal | None:
    principal = resolve_token(session, token)
    # Hand the connection back before the route waits for a worker thread: a request holding one
    # while queued behind requests that wait for one is how a busy server deadlocks its pool.
    session.commit()
    return principal


async def get_principal(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    """The caller, from the process's recent principals or else read in a worker thread."""
    if not token:
        raise NotAuthenticated()
    cache: PrincipalCache = request.app.state.principals
    principal = cache.get(token)
    if principal is None:
        generation = cache.generation
        principal = await run_in_threadpool(_resolve, session, token)
        if principal is None:
            raise NotAuthenticated()
        cache.put(token, principal, generation)
    if principal.door not in API_DOORS:  # a web session's cookie secret is no bearer token
        raise NotAuthenticated()
    return principal


CurrentUser = Annotated[Principal, Depends(get_principal)]


def _role_checker(roles: frozenset[Role]) -> Callable[[Principal], Coroutine[Any, Any, None]]:
    async def check(principal: CurrentUser) -> None:
        if roles and principal.role not in roles:
            raise NotAllowed()

    return check


def allow(*roles: Role) -> dict[str, Any]:
    """Route keyword arguments: only signed-in users with one of ``roles`` (any role if none)."""
    declared = sorted(r.value for r in roles) or [AUTHENTICATED]
    return {
        "dependencies": [Depends(_role_checker(frozenset(roles)))],
        "openapi_extra": {ROLES_KEY: declared},
    }


def public() -> dict[str, Any]:
    """Route keyword arguments for an endpoint anyone may call (health, login, enroll)."""
    return {"openapi_extra": {ROLES_KEY: [PUBLIC]}}


FIELD = (Role.ADMIN, Role.SURVEYOR, Role.AGENCY_HEAD)
