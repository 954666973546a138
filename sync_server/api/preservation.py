"""After digitization: a file's Circular 02/2019 metadata, insurance copy sets, what copies and
fixity checks found, and handovers (recorded, their package streamed as a tar, their minutes).

Writing and verifying copies and fixity runs are command-line work on the machine that holds the
media (``write-copy``, ``verify-copy``, ``fixity``); these routes register sets and read results.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from common.protocol import MAX_INT64
from common.vocab import STAFF
from sync_server.api.deps import CurrentUser, SessionDep, SettingsDep, allow
from sync_server.domain import file_metadata
from sync_server.domain.exports.registry import XLSX
from sync_server.domain.file_metadata import MetadataView
from sync_server.domain.preservation import figures, fixity, handover, minutes, sets
from sync_server.responses import content_disposition
from sync_server.storage import PhotoStore, make_master_store

router = APIRouter(tags=["preservation"])
STAFF_ONLY = allow(*STAFF)
HandoverId = Annotated[int, Path(ge=1, le=MAX_INT64)]
SetNumber = Annotated[int, Path(ge=1, le=999)]


def masters_of(request: Request) -> PhotoStore:
    """The app's master store, made on first use."""
    state = request.app.state
    store: PhotoStore | None = getattr(state, "masters", None)
    if store is None:
        store = state.masters = make_master_store(state.settings)
    return store


@router.get("/records/file_record/{record_id}/metadata", response_model=MetadataView, **STAFF_ONLY)
def read_metadata(record_id: str, principal: CurrentUser, session: SessionDep) -> MetadataView:
    """A file's metadata after Circular 02/2019: the staff fields, the file code, every field by key."""
    return file_metadata.read_metadata(session, principal, record_id)


@router.put("/records/file_record/{record_id}/metadata", response_model=MetadataView, **STAFF_ONLY)
def edit_metadata(
    record_id: str, body: file_metadata.MetadataIn, principal: CurrentUser, session: SessionDep
) -> MetadataView:
    """Set the staff fields (all replaced; null clears); the record and its version do not change."""
    return file_metadata.edit_metadata(session, principal, record_id, body)


class CopySetOut(BaseModel):
    number: int
    name: str
    medium: str
    location: str
    note: str | None
    copies: int
    masters: int
    verified: int
    last_written: dt.datetime | None
    last_checked: dt.datetime | None


def _set_out(line: sets.SetLine) -> CopySetOut:
    s = line.set
    return CopySetOut(
        number=s.number,
        name=s.name,
        medium=s.medium,
        location=s.location,
        note=s.note,
        copies=line.copies,
        masters=line.masters,
        verified=line.verified,
        last_written=line.last_written,
        last_checked=line.last_checked,
    )


@router.get("/copy-sets", response_model=list[CopySetOut], **STAFF_ONLY)
def list_copy_sets(session: SessionDep) -> list[CopySetOut]:
    """Every insurance copy set with its copies written, masters held and masters verified intact."""
    return [_set_out(line) for line in sets.list_sets(session)]


def _one_set(session: SessionDep, number: int) -> CopySetOut:
    return next(_set_out(line) for line in sets.list_sets(session) if line.set.number == number)


@router.post("/copy-sets", response_model=CopySetOut, status_code=201, **STAFF_ONLY)
def register_copy_set(body: sets.CopySetIn, principal: CurrentUser, session: SessionDep) -> CopySetOut:
    """Register a set (e.g. "Bộ 1 — ổ cứng, kho A") under a new number."""
    row = sets.register_set(session, principal, body)
    return _one_set(session, row.number)


@router.put("/copy-sets/{number}", response_model=CopySetOut, **STAFF_ONLY)
def edit_copy_set(
    number: int, body: sets.CopySetIn, principal: CurrentUser, session: SessionDep
) -> CopySetOut:
    """Correct a set's name, medium, place or note."""
    sets.edit_set(session, principal, number, body)
    return _one_set(session, number)


class FixityProblemOut(BaseModel):
    sha256: str
    result: str
    found: str | None
    detail: str | None
    at: dt.datetime


class StatusOut(BaseModel):
    """Copies, fixity and handovers in figures, with the files and masters that need attention."""

    sets: int
    copies_written: int
    copies_verified: int
    masters: int
    protected: int
    unprotected: int
    handovers: int
    handed_over: int
    fixity_problems: int
    fixity_last: dt.datetime | None
    unprotected_files: list[dict[str, Any]]
    """Up to ``limit`` files accepted with a master verified on fewer than two sets."""
    problems: list[FixityProblemOut]


@router.get("/preservation", response_model=StatusOut, **STAFF_ONLY)
def status(session: SessionDep, limit: Annotated[int, Query(ge=0, le=1000)] = 100) -> StatusOut:
    f = figures.figures(session)
    return StatusOut(
        **{k: getattr(f, k) for k in StatusOut.model_fields if hasattr(f, k)},
        unprotected_files=[
            {"record_id": rid, "sets": n} for rid, n in figures.unprotected_files(session, limit)
        ],
        problems=[
            FixityProblemOut.model_validate(p, from_attributes=True)
            for p in fixity.latest_problems(session, limit)
        ],
    )


class HandoverOut(BaseModel):
    id: int
    number: str
    handed_on: dt.date
    recipient: str
    note: str | None
    partial: bool
    fonds: list[dict[str, Any]]
    files: int
    documents: int
    pages: int
    bytes: int
    missing: int
    package_sha256: str | None
    package_size: int | None
    packaged_at: dt.datetime | None
    created_at: dt.datetime
    package_url: str
    minutes_url: str


def _handover_out(row: Any) -> HandoverOut:
    base = f"/api/v1/handovers/{row.id}"
    data = {k: getattr(row, k) for k in HandoverOut.model_fields if hasattr(row, k)}
    return HandoverOut(**data, package_url=f"{base}/package", minutes_url=f"{base}/minutes")


class PlanOut(BaseModel):
    """What a handover of these fonds would hold, and the files it would lack."""

    files: int
    pages: int
    bytes: int
    missing: list[dict[str, Any]]


@router.get("/handovers", response_model=list[HandoverOut], **STAFF_ONLY)
def list_handovers(principal: CurrentUser, session: SessionDep) -> list[HandoverOut]:
    return [_handover_out(h) for h in handover.list_handovers(session, principal)]


@router.get("/handovers/plan", response_model=PlanOut, **STAFF_ONLY)
def plan_handover(
    principal: CurrentUser,
    session: SessionDep,
    fonds: Annotated[list[str], Query(min_length=1, max_length=500)],
) -> PlanOut:
    """Preview a handover of ``fonds`` (``AGENCY/NUMBER`` or ids): nothing is recorded."""
    selection = handover.plan(session, principal, fonds)
    return PlanOut(
        files=len(selection.packed),
        pages=sum(p.pages for p in selection.packed),
        bytes=sum(p.size for p in selection.packed),
        missing=[
            {"record_id": m.record_id, "file_code": m.code, "state": m.state} for m in selection.missing
        ],
    )


@router.post("/handovers", response_model=HandoverOut, status_code=201, **STAFF_ONLY)
def create_handover(
    body: handover.HandoverIn, request: Request, principal: CurrentUser, session: SessionDep
) -> HandoverOut:
    """Record a handover; a fonds with files not accepted is refused (422 ``handover_incomplete``,
    one detail per file) unless ``partial``."""
    return _handover_out(handover.create_handover(session, masters_of(request), principal, body))


@router.get("/handovers/{handover_id}", response_model=HandoverOut, **STAFF_ONLY)
def get_handover(handover_id: HandoverId, session: SessionDep) -> HandoverOut:
    return _handover_out(handover.get_handover(session, handover_id))


@router.get(
    "/handovers/{handover_id}/package",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-tar": {}}}},
    **STAFF_ONLY,
)
def download_package(
    handover_id: HandoverId,
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> StreamingResponse:
    """The handover's BagIt bag as a tar, streamed (its size is known: ``Content-Length``)."""
    engine = request.app.state.engine
    pkg = handover.package(
        session, engine, masters_of(request), principal, handover_id, organization=settings.organization
    )
    headers = {"Content-Length": str(pkg.size), "Content-Disposition": content_disposition(pkg.filename)}
    return StreamingResponse(pkg.chunks(), media_type="application/x-tar", headers=headers)


@router.get(
    "/handovers/{handover_id}/minutes",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
    **STAFF_ONLY,
)
def download_minutes(handover_id: HandoverId, session: SessionDep, settings: SettingsDep) -> Response:
    """The minutes of the handover (*biên bản bàn giao*, .xlsx)."""
    row = handover.get_handover(session, handover_id)
    buf = io.BytesIO()
    minutes.write_minutes(row, settings.organization, buf)
    headers = {"Content-Disposition": content_disposition(minutes.minutes_filename(row))}
    return Response(buf.getvalue(), media_type=XLSX, headers=headers)
