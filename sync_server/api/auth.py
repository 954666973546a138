"""Sign in (OAuth2 password flow), sign out, who am I."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from common.errors import SaoLuuError
from common.vocab import Role
from sync_server.api.deps import CurrentUser, SessionDep, SettingsDep, allow, public
from sync_server.auth import issue_token, revoke_tokens
from sync_server.domain.audit import audit
from sync_server.domain.users import authenticate

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


@router.post("/auth/token", response_model=TokenOut, **public())
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep
) -> TokenOut:
    user = authenticate(session, form.username, form.password)
    if user is None:
        raise SaoLuuError("bad_credentials", 401)
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
