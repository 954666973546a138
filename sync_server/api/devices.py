"""Tablet enrollment and device administration."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from common.enroll import enroll_uri
from common.schemas import NoNul
from common.vocab import Role
from sync_server.api.deps import CurrentUser, SessionDep, SettingsDep, allow, public
from sync_server.domain import devices as domain
from sync_server.domain.users import get_user

router = APIRouter(tags=["devices"])


class EnrollIn(NoNul):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=4, max_length=40)
    device_name: str = Field(min_length=1, max_length=120)


class EnrollOut(BaseModel):
    device_id: str
    token: str
    username: str
    role: Role


class EnrollCodeOut(BaseModel):
    code: str
    uri: str
    expires_in_hours: int


class DeviceOut(BaseModel):
    id: str
    username: str
    name: str
    created_at: dt.datetime
    last_seen_at: dt.datetime | None
    revoked_at: dt.datetime | None


@router.post("/devices/enroll", response_model=EnrollOut, **public())
def enroll(body: EnrollIn, session: SessionDep, settings: SettingsDep) -> EnrollOut:
    """Turn a one-time code into a device token bound to the code's user."""
    device, token, user = domain.enroll_device(
        session, body.code, body.device_name, dt.timedelta(days=settings.device_token_days)
    )
    return EnrollOut(device_id=device.id, token=token, username=user.username, role=Role(user.role))


@router.post("/admin/users/{username}/enroll-codes", response_model=EnrollCodeOut, **allow(Role.ADMIN))
def new_enroll_code(
    username: str, request: Request, principal: CurrentUser, session: SessionDep, settings: SettingsDep
) -> EnrollCodeOut:
    user = get_user(session, username)
    code = domain.create_enroll_code(session, principal, user, dt.timedelta(hours=settings.enroll_code_hours))
    server = settings.public_url or str(request.base_url).rstrip("/")
    return EnrollCodeOut(code=code, uri=enroll_uri(server, code), expires_in_hours=settings.enroll_code_hours)


@router.get("/admin/devices", response_model=list[DeviceOut], **allow(Role.ADMIN))
def list_devices(session: SessionDep) -> list[DeviceOut]:
    return [
        DeviceOut(
            id=d.id,
            username=username,
            name=d.name,
            created_at=d.created_at,
            last_seen_at=d.last_seen_at,
            revoked_at=d.revoked_at,
        )
        for d, username in domain.list_devices(session)
    ]


@router.post("/admin/devices/{device_id}/revoke", status_code=204, **allow(Role.ADMIN))
def revoke_device(device_id: str, principal: CurrentUser, session: SessionDep) -> None:
    """Revoke a device: its tokens stop working at once."""
    domain.revoke_device(session, principal, device_id)
