"""Dependency aliases every route uses, and the per-route role declaration.

Each route states who may call it with ``**allow(Role.X, ...)`` (or ``**public()``); the roles are
also written into the OpenAPI schema as ``x-roles`` so a test can check that no route lacks a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from common.errors import SaoLuuError
from common.vocab import Role
from sync_server.auth import Principal, resolve_token
from sync_server.config import Settings, get_settings
from sync_server.storage.base import PhotoStore

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
ROLES_KEY = "x-roles"
PUBLIC = "public"
AUTHENTICATED = "authenticated"


def get_session(request: Request) -> Iterator[Session]:
    """A session per request. Sync on purpose: closing it hands the connection back to the pool,
    which must never wait on the event loop (an async teardown deadlocks once the pool runs dry)."""
    with Session(request.app.state.engine) as session:
        yield session


# Dependencies that do no I/O are ``async``: FastAPI runs sync ones in a worker thread, and each such
# hop costs more than the work.
async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_photo_store(request: Request) -> PhotoStore:
    return request.app.state.photos  # type: ignore[no-any-return]


SESSION_SLOTS = get_settings().db_sessions
"""Requests that may hold a database session at once (``SAOLUU_DB_SESSIONS``, default 4): fewer than
the connection pool (40) and the worker threads (40). More requests wait for a slot without a thread,
so a request always finds a connection and a session's teardown always finds a thread. Few slots
also keep the thread that holds the write lock from queueing for the interpreter behind dozens of
others: with 30, a 200-tablet burst ran 30-40 % slower (bench/load_bench.py)."""

# One Depends object for every route, so the slots are shared. ``scope="function"``: the session
# closes (its connection goes back to the pool) as soon as the route returns, before the answer is
# sent to a client that may be slow to take it.
_session = Depends(get_session, scope="function", max_concurrency=SESSION_SLOTS)
SessionDep = Annotated[Session, _session]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
PhotoStoreDep = Annotated[PhotoStore, Depends(get_photo_store)]


def get_principal(session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    principal = resolve_token(session, token) if token else None
    # Hand the connection back before the route waits for a worker thread: a request holding one
    # while queued behind requests that wait for one is how a busy server deadlocks its pool.
    session.commit()
    if principal is None:
        raise SaoLuuError("not_authenticated", 401)
    return principal


CurrentUser = Annotated[Principal, Depends(get_principal)]


def _role_checker(roles: frozenset[Role]) -> Callable[[Principal], Coroutine[Any, Any, None]]:
    async def check(principal: CurrentUser) -> None:
        if roles and principal.role not in roles:
            raise SaoLuuError("forbidden", 403)

    return check


def allow(*roles: Role) -> dict[str, Any]:
    """Route keyword arguments: only signed-in users with one of ``roles`` (any role if none)."""
    declared = [r.value for r in roles] or [AUTHENTICATED]
    return {
        "dependencies": [Depends(_role_checker(frozenset(roles)))],
        "openapi_extra": {ROLES_KEY: declared},
    }


def public() -> dict[str, Any]:
    """Route keyword arguments for an endpoint anyone may call (health, login, enroll)."""
    return {"openapi_extra": {ROLES_KEY: [PUBLIC]}}


STAFF = (Role.ADMIN, Role.REVIEWER)
FIELD = (Role.ADMIN, Role.SURVEYOR, Role.AGENCY_HEAD)
