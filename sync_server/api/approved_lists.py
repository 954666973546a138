"""Approved lists (staff): preview a scope, freeze it with the signed decision, read lists, their
files, the decision's scan and the annex (.xlsx; a large one as a background export job)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Annotated, BinaryIO

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ValidationError

from common.errors import Localized, SaoLuuError, ValidationFailed, field_error, field_errors
from common.protocol import MAX_INT64
from common.schemas import AgencyCode
from sync_server.api.deps import STAFF, CurrentUser, MasterStoreDep, SessionDep, SettingsDep, allow
from sync_server.api.exports import JobOut, job_out, registry_of
from sync_server.api.responses import content_disposition
from sync_server.domain import approved_lists as domain
from sync_server.domain.exports.annex import DIRECT_LIMIT

router = APIRouter(tags=["approved lists"])
STAFF_ONLY = allow(*STAFF)


class AgencyCountOut(BaseModel):
    code: str
    name: str
    files: int
    pages: int


class ListOut(BaseModel):
    number: int
    campaign_id: str
    agency_codes: list[str]
    """Empty: the whole province."""
    supplement_to: int | None
    supplements: list[int]
    decision_number: str
    decision_date: dt.date
    signer_name: str
    signer_position: str
    scan_sha256: str
    scan_size: int
    scan_mime: str
    files: int
    pages: int
    created_at: dt.datetime
    created_by: int | None


class ListDetailOut(ListOut):
    agencies: list[AgencyCountOut]


class PreviewOut(BaseModel):
    files: int
    pages: int
    agencies: list[AgencyCountOut]


class ItemOut(BaseModel):
    n: int
    record_id: str
    agency_code: str
    fonds_id: str
    file_no: str
    title: str
    pages: int | None
    version: int


def _out(view: domain.ListView) -> ListOut:
    data = {**view.__dict__, "agency_codes": list(view.agency_codes), "supplements": list(view.supplements)}
    return ListOut.model_validate(data)


@router.get("/approved-lists", response_model=list[ListOut], **STAFF_ONLY)
def list_lists(principal: CurrentUser, session: SessionDep, campaign_id: str | None = None) -> list[ListOut]:
    """Every approved list (of a campaign), by number."""
    return [_out(v) for v in domain.lists(session, principal, campaign_id)]


@router.get("/approved-lists/preview", response_model=PreviewOut, **STAFF_ONLY)
def preview(
    principal: CurrentUser,
    session: SessionDep,
    campaign_id: str,
    agency_code: Annotated[list[AgencyCode], Query(max_length=5000)] = [],  # noqa: B006 (FastAPI reads it)
) -> PreviewOut:
    """The approved files a freeze of this scope (no agency: the whole province) would take now."""
    found = domain.preview(session, principal, campaign_id, list(agency_code))
    return PreviewOut(files=found.files, pages=found.pages, agencies=[a.__dict__ for a in found.agencies])


@router.post("/approved-lists", response_model=ListOut, status_code=201, **STAFF_ONLY)
def freeze(
    principal: CurrentUser,
    session: SessionDep,
    store: MasterStoreDep,
    settings: SettingsDep,
    scan: Annotated[UploadFile, File(description="scan of the signed decision: PDF, JPEG or PNG")],
    campaign_id: Annotated[str, Form()],
    decision_number: Annotated[str, Form()],
    decision_date: Annotated[str, Form(description="YYYY-MM-DD")],
    signer_name: Annotated[str, Form()],
    signer_position: Annotated[str, Form()],
    agency_codes: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI reads it)
    supplement_to: Annotated[int | None, Form()] = None,
) -> ListOut:
    """Freeze the approved files of the scope (no agency: the whole province) that are in no list
    yet into the next numbered list, with the approving decision and its signed scan."""
    if scan.size is not None and scan.size > settings.max_decision_scan_bytes:
        raise SaoLuuError(
            "payload_too_large",
            413,
            [field_error("scan", "body_too_large", max_bytes=settings.max_decision_scan_bytes)],
        )
    try:
        spec = domain.ListIn(
            campaign_id=campaign_id,
            agency_codes=agency_codes,
            supplement_to=supplement_to,
            decision_number=decision_number,
            decision_date=decision_date,  # type: ignore[arg-type]
            signer_name=signer_name,
            signer_position=signer_position,
        )
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from None
    return _out(domain.freeze(session, store, principal, spec, scan.file))


@router.get("/approved-lists/{number}", response_model=ListDetailOut, **STAFF_ONLY)
def get_list(number: int, principal: CurrentUser, session: SessionDep) -> ListDetailOut:
    """A list's header and its files and pages per agency."""
    found = domain.get_list(session, principal, number)
    return ListDetailOut(**_out(found.list).model_dump(), agencies=[a.__dict__ for a in found.agencies])


@router.get("/approved-lists/{number}/items", response_model=list[ItemOut], **STAFF_ONLY)
def list_items(
    number: int,
    principal: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_INT64)] = 0,
) -> list[ItemOut]:
    """The files of a list in its order, as they were when it was frozen."""
    return [ItemOut(**i.__dict__) for i in domain.items(session, principal, number, limit, offset)]


@router.get(
    "/approved-lists/{number}/scan",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}},
    **STAFF_ONLY,
)
def get_scan(
    number: int, principal: CurrentUser, session: SessionDep, store: MasterStoreDep
) -> StreamingResponse:
    """The scan of the signed decision."""
    view, stream = domain.open_scan(session, store, principal, number)
    suffix = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(view.scan_mime, "bin")
    name = f"quyet-dinh-danh-muc-so-{number}.{suffix}"
    return StreamingResponse(
        _chunks(stream), media_type=view.scan_mime, headers={"Content-Disposition": content_disposition(name)}
    )


def _chunks(stream: BinaryIO, size: int = 1024 * 1024) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(size):
            yield chunk


@router.get(
    "/approved-lists/{number}/annex",
    response_class=Response,
    responses={
        200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
        409: {"description": "Too large to make during the request: start a job"},
    },
    **STAFF_ONLY,
)
def annex(number: int, principal: CurrentUser, session: SessionDep) -> Response:
    """The list's annex (.xlsx: the catalogue's columns, one sheet per agency) made now; a list of
    more than 5,000 files answers 409 ``use_job``."""
    rows = domain.annex_rows(session, principal, number)
    if rows > DIRECT_LIMIT:
        raise SaoLuuError(
            "use_job",
            409,
            [field_error("rows", "too_large", le=DIRECT_LIMIT)],
            message=Localized(
                vi=f"Phụ lục có {rows} hồ sơ, cần chạy nền: tạo tác vụ rồi tải tệp khi xong",
                en=f"The annex has {rows} files: start a background job and download its file when done",
            ),
        )
    buf = io.BytesIO()
    name = domain.write_annex(session, principal, number, buf)
    return Response(
        buf.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": content_disposition(name)},
    )


@router.post("/approved-lists/{number}/annex/jobs", response_model=JobOut, status_code=202, **STAFF_ONLY)
def annex_job(number: int, request: Request, principal: CurrentUser, session: SessionDep) -> JobOut:
    """Make the annex in the background; poll ``/exports/jobs/{id}`` and download its file there."""
    return job_out(domain.annex_job(session, registry_of(request.app), principal, number))
