"""Sign in (OAuth2 password flow), sign out, who am I."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from common.errors import NotAuthenticated, RetryLater
from common.vocab import Role
from sync_server.api.deps import CurrentUser, SessionDep, SettingsDep, allow, public
from sync_server.auth import issue_token, revoke_tokens
from sync_server.deps import client_address
from sync_server.domain import signin
from sync_server.domain.audit import audit
from sync_server.models import utcnow

router = APIRouter(tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime


class Me(BaseModel):
    username: str
    role: Role
    agency_codes: list[str] | None
    device_id: str | None


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses={429: {"description": "Too many failed sign-ins: locked for `Retry-After` seconds"}},
    **public(),
)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenOut:
    """A bearer token for a user name and password. Failed attempts are counted with the web
    sign-in's (per user name and address): after 5 in 15 minutes both answer 429 for a while."""
    user, locked = signin.sign_in(session, form.username, form.password, client_address(request), "api")
    if locked is not None:
        wait = max(1, math.ceil((locked - utcnow()).total_seconds()))
        raise RetryLater("too_many_requests", retry_after=wait)
    if user is None:
        raise NotAuthenticated("bad_credentials")
    secret, row = issue_token(session, user, dt.timedelta(hours=settings.user_token_hours))
    session.commit()
    return TokenOut(access_token=secret, expires_at=row.expires_at)


@router.post("/auth/logout", status_code=204, **allow())
def logout(principal: CurrentUser, session: SessionDep) -> None:
    """Revoke the token this request was made with; it stops working at once."""
    revoke_tokens(session, principal.user_id, token_id=principal.token_id)
    audit(session, principal, "token", str(principal.token_id), "revoke")
    session.commit()


@router.get("/me", response_model=Me, **allow())
def me(principal: CurrentUser) -> Me:
    codes = sorted(principal.agency_codes) if principal.agency_codes is not None else None
    return Me(
        username=principal.username, role=principal.role, agency_codes=codes, device_id=principal.device_id
    )
