"""Scanned masters through the API: resumable upload and ingest (staff and digitization operators),
the quality check of a file's master — its PDF, its pages, accept or send back (staff)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from common.protocol import MAX_INT64
from common.schemas import NoNul
from common.vocab import STAFF, Role
from sync_server.api.deps import CurrentUser, MasterStoreDep, SessionDep, SettingsDep, allow
from sync_server.domain import digitization
from sync_server.domain.photos import OffsetConflict
from sync_server.domain.scans import check, report, upload
from sync_server.errors import error_response
from sync_server.models import IngestRun
from sync_server.responses import IMMUTABLE, DeferredResponse, content_disposition, pdf_download

router = APIRouter(tags=["scanned masters"])
UPLOADERS = allow(*STAFF, Role.DIGITIZATION_OPERATOR)
CHECKERS = allow(*STAFF)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Name = Annotated[str, Query(min_length=1, max_length=1000, description="The PDF's name (naming rule)")]
Size = Annotated[int, Query(ge=1, le=MAX_INT64, description="The PDF's whole size in bytes")]


def _offset(held: int) -> dict[str, str]:
    return {"Upload-Offset": str(held), "Cache-Control": "no-store"}


@router.head("/scans/uploads", summary="Where an upload of a PDF resumes", **UPLOADERS)
def upload_state(
    name: Name, size: Size, principal: CurrentUser, store: MasterStoreDep, settings: SettingsDep
) -> Response:
    """``Upload-Offset``: the bytes of the caller's upload of this PDF (name and size) held."""
    item = upload.upload(name, size, settings.max_scan_bytes)
    return Response(status_code=200, headers=_offset(upload.held(store, principal, item)))


async def chunk_body(request: Request) -> bytes:
    """The chunk, read before the route runs (its writing to the store is not on the event loop)."""
    return await request.body()


@router.patch(
    "/scans/uploads",
    summary="Append a chunk to a PDF's upload",
    status_code=204,
    responses={409: {"description": "Wrong `Upload-Offset`; the header has the right one"}},
    **UPLOADERS,
)
def upload_chunk(
    chunk: Annotated[bytes, Depends(chunk_body)],
    name: Name,
    size: Size,
    principal: CurrentUser,
    store: MasterStoreDep,
    settings: SettingsDep,
    upload_offset: Annotated[int, Header(ge=0, le=MAX_INT64)],
) -> Response:
    """Append the body (at most 8 MiB) at ``Upload-Offset``, which must equal the bytes held; the
    answer's ``Upload-Offset`` is the new size. The PDF is complete when it reaches ``size``."""
    item = upload.upload(name, size, settings.max_scan_bytes)
    try:
        held = upload.append(store, principal, item, upload_offset, chunk)
    except OffsetConflict as exc:
        return error_response(exc, {"Upload-Offset": str(exc.held)})
    return Response(status_code=204, headers=_offset(held))


class UploadedFile(NoNul):
    name: str = Field(min_length=1, max_length=1000)
    size: int = Field(ge=1, le=MAX_INT64)


class IngestIn(NoNul):
    files: list[UploadedFile] = Field(min_length=1, max_length=upload.MAX_FILES)


class ReportLine(BaseModel):
    n: int
    name: str
    outcome: str
    reason: str | None
    """Why, in Vietnamese (the report's words)."""
    code: str | None
    pages: int | None
    min_ppi: int | None


class RunOut(BaseModel):
    id: int
    total: int
    stored: int
    held: int
    refused: int
    lines: list[ReportLine]


def _run_out(session: SessionDep, run_id: int) -> RunOut:
    run = session.get(IngestRun, run_id)
    assert run is not None
    rows = report.lines(session, run_id)
    return RunOut(
        id=run_id,
        total=run.total,
        stored=run.stored,
        held=run.held,
        refused=run.refused,
        lines=[
            ReportLine(n=r[0], name=r[1], outcome=r[2], reason=r[3], code=r[4], pages=r[6], min_ppi=r[7])
            for r in rows
        ],
    )


@router.post("/scans/ingest", response_model=RunOut, status_code=201, **UPLOADERS)
def ingest_uploads(
    body: IngestIn, principal: CurrentUser, session: SessionDep, store: MasterStoreDep, settings: SettingsDep
) -> RunOut:
    """Ingest the caller's completed uploads as one run, as the command line ingests a folder; the
    answer is the run's report."""
    items = [upload.upload(f.name, f.size, settings.max_scan_bytes) for f in body.files]
    run = upload.ingest_uploads(session, store, principal, items)
    assert run.id is not None
    return _run_out(session, run.id)


@router.get("/scans/runs/{run_id}", response_model=RunOut, **UPLOADERS)
def get_run(run_id: int, principal: CurrentUser, session: SessionDep) -> RunOut:
    """An ingest run's report (staff; an operator their own runs)."""
    report.run_of(session, principal, run_id)
    return _run_out(session, run_id)


@router.get(
    "/scans/runs/{run_id}/report",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
    **UPLOADERS,
)
def run_report(run_id: int, principal: CurrentUser, session: SessionDep) -> Response:
    """The run's report as an Excel sheet."""
    report.run_of(session, principal, run_id)
    out = io.BytesIO()
    report.write_xlsx(session, run_id, out)
    name = f"bao-cao-nhan-ban-so-hoa-{run_id}.xlsx"
    return Response(
        out.getvalue(), media_type=XLSX, headers={"Content-Disposition": content_disposition(name)}
    )


class MasterOut(BaseModel):
    sha256: str
    size: int
    pages: int
    min_ppi: int
    state: str


@router.get("/digitization/{record_id}/master", response_model=MasterOut, **CHECKERS)
def get_master(record_id: str, principal: CurrentUser, session: SessionDep) -> MasterOut:
    """What the file's master is: its hash, size, pages, lowest resolution, and the file's state."""
    view = check.held_master(session, principal, record_id)
    row = digitization.state_of(session, record_id)
    assert row is not None
    return MasterOut(
        sha256=view.sha256, size=view.size, pages=view.pages, min_ppi=view.min_ppi, state=row.state
    )


@router.get(
    "/digitization/{record_id}/master.pdf",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}}}},
    **CHECKERS,
)
def get_master_pdf(
    record_id: str, principal: CurrentUser, session: SessionDep, store: MasterStoreDep
) -> StreamingResponse:
    """The master's bytes, streamed from the master store."""
    view = check.held_master(session, principal, record_id)
    return pdf_download(check.open_pdf(store, view), view.size, f"{record_id}.pdf")


@router.get(
    "/digitization/{record_id}/master/pages/{page_no}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
    **CHECKERS,
)
def get_master_page(
    record_id: str, page_no: int, principal: CurrentUser, session: SessionDep, store: MasterStoreDep
) -> Response:
    """One page of the master as a small JPEG (rendered on demand, cacheable: a master never changes)."""
    view = check.held_master(session, principal, record_id)
    sha = view.sha256
    return DeferredResponse(
        lambda: check.thumbnail(store, sha, page_no), "image/jpeg", error_response, IMMUTABLE
    )


class AcceptIn(NoNul):
    on: dt.date = Field(default_factory=dt.date.today)
    """The day of acceptance (default today)."""


class RescanIn(NoNul):
    reason: str = Field(min_length=1, max_length=2000)


class StateOut(BaseModel):
    state: str
    accepted_on: dt.date | None
    reason: str | None


def _state(session: SessionDep, record_id: str) -> StateOut:
    row = digitization.state_of(session, record_id)
    assert row is not None
    return StateOut(state=row.state, accepted_on=row.accepted_on, reason=row.check_reason)


@router.post("/digitization/{record_id}/accept", response_model=StateOut, **CHECKERS)
def accept(record_id: str, body: AcceptIn, principal: CurrentUser, session: SessionDep) -> StateOut:
    """The quality check accepts the file's master on ``on``."""
    check.held_master(session, principal, record_id)
    digitization.mark_digitized(session, principal, [record_id], body.on)
    return _state(session, record_id)


@router.post("/digitization/{record_id}/rescan", response_model=StateOut, **CHECKERS)
def rescan(record_id: str, body: RescanIn, principal: CurrentUser, session: SessionDep) -> StateOut:
    """The quality check sends the file back to be scanned again, with the reason."""
    digitization.send_for_rescan(session, principal, record_id, body.reason)
    return _state(session, record_id)
