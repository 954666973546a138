"""Agencies: scoped reads, import and edit by administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from common.errors import Refused, ValidationFailed, field_error
from common.schemas import AgencyIn
from common.vocab import Role
from sync_server.api.deps import CurrentUser, SessionDep, SettingsDep, allow
from sync_server.domain import agencies as domain
from sync_server.models import Agency

router = APIRouter(tags=["agencies"])


class AgencyOut(AgencyIn):
    pass


class ImportOut(BaseModel):
    created: int
    updated: int
    unchanged: int


def _out(row: Agency) -> AgencyOut:
    return AgencyOut.model_validate(row.model_dump(include=set(domain.FIELDS)))


@router.get("/agencies", response_model=list[AgencyOut], **allow())
def list_agencies(principal: CurrentUser, session: SessionDep) -> list[AgencyOut]:
    """The agencies the caller may see: all for staff, own/assigned ones for others."""
    return [_out(a) for a in domain.list_agencies(session, principal.agency_codes)]


@router.get("/agencies/{code}", response_model=AgencyOut, **allow())
def get_agency(code: str, principal: CurrentUser, session: SessionDep) -> AgencyOut:
    agency = domain.get_agency(session, code)
    principal.require_agency(agency.code)
    return _out(agency)


@router.post("/admin/agencies/import", response_model=ImportOut, **allow(Role.ADMIN))
async def import_agencies(
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or .xlsx")],
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> ImportOut:
    """Import or update the agency list; a file with any bad row imports nothing."""
    content = await file.read(settings.max_import_bytes + 1)
    if len(content) > settings.max_import_bytes:
        raise Refused("payload_too_large")
    result = await run_in_threadpool(  # database work off the event loop
        domain.import_agencies, session, principal, file.filename or "upload.csv", content
    )
    return ImportOut(created=result.created, updated=result.updated, unchanged=result.unchanged)


@router.put("/admin/agencies/{code}", response_model=AgencyOut, **allow(Role.ADMIN))
def put_agency(code: str, body: AgencyIn, principal: CurrentUser, session: SessionDep) -> AgencyOut:
    """Create or edit one agency; the code in the path must match the body."""
    if body.code != code.strip().upper():
        raise ValidationFailed([field_error("code", "invalid")])
    for field in ("parent_code", "successor_code"):
        ref = getattr(body, field)
        if ref and ref != body.code and session.get(Agency, ref) is None:
            raise ValidationFailed([field_error(field, "unknown_agency", input=ref)])
    domain.upsert_agencies(session, principal, [body], source="edit")
    session.commit()
    return _out(domain.get_agency(session, body.code))
