"""Approved lists (staff): preview a scope, freeze it with the signed decision, read lists, their
files, the decision's scan and the annex (.xlsx; a large one as a background export job)."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError

from common.errors import (
    Conflict,
    Localized,
    Refused,
    ValidationFailed,
    field_error,
    field_errors,
)
from common.protocol import MAX_INT64
from common.schemas import AgencyCode
from common.vocab import STAFF
from sync_server.api.deps import CurrentUser, MasterStoreDep, SessionDep, SettingsDep, allow
from sync_server.api.exports import JobOut, job_out, jobs
from sync_server.domain import approved_lists as domain
from sync_server.domain.exports.annex import DIRECT_LIMIT
from sync_server.responses import content_disposition, stream_chunks

router = APIRouter(tags=["approved lists"])
STAFF_ONLY = allow(*STAFF)


@router.get("/approved-lists", response_model=list[domain.ListView], **STAFF_ONLY)
def list_lists(
    principal: CurrentUser, session: SessionDep, campaign_id: str | None = None
) -> list[domain.ListView]:
    """Every approved list (of a campaign), by number."""
    return domain.lists(session, principal, campaign_id)


@router.get("/approved-lists/preview", response_model=domain.Preview, **STAFF_ONLY)
def preview(
    principal: CurrentUser,
    session: SessionDep,
    campaign_id: str,
    agency_code: Annotated[list[AgencyCode], Query(max_length=5000)] = [],  # noqa: B006 (FastAPI reads it)
) -> domain.Preview:
    """The approved files a freeze of this scope (no agency: the whole province) would take now."""
    return domain.preview(session, principal, campaign_id, list(agency_code))


@router.post("/approved-lists", response_model=domain.ListView, status_code=201, **STAFF_ONLY)
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
) -> domain.ListView:
    """Freeze the approved files of the scope (no agency: the whole province) that are in no list
    yet into the next numbered list, with the approving decision and its signed scan."""
    if scan.size is not None and scan.size > settings.max_decision_scan_bytes:
        raise Refused(
            "payload_too_large",
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
    return domain.freeze(session, store, principal, spec, scan.file)


@router.get("/approved-lists/{number}", response_model=domain.ListDetail, **STAFF_ONLY)
def get_list(number: int, principal: CurrentUser, session: SessionDep) -> domain.ListDetail:
    """A list's header and its files and pages per agency."""
    return domain.get_list(session, principal, number)


@router.get("/approved-lists/{number}/items", response_model=list[domain.ListItemView], **STAFF_ONLY)
def list_items(
    number: int,
    principal: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_INT64)] = 0,
) -> list[domain.ListItemView]:
    """The files of a list in its order, as they were when it was frozen."""
    return domain.items(session, principal, number, limit, offset)


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
        stream_chunks(stream),
        media_type=view.scan_mime,
        headers={"Content-Disposition": content_disposition(name)},
    )


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
        raise Conflict(
            "use_job",
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
    return job_out(domain.annex_job(session, jobs(request), principal, number))
