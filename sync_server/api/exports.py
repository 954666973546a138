"""Exports: catalogue, yearly report, handover catalogue (Excel) and box label sheets (PDF).

A small export is made during the request (``GET /exports/{kind}/file``); any export can run as a
background job (``POST /exports/{kind}/jobs``), whose progress ``GET /exports/jobs/{id}`` shows
until its file is ready at ``GET /exports/jobs/{id}/file``. Reviewers and administrators export
every agency; an agency head only their own agency, and not the province's yearly report.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel

from common.errors import Conflict, NotFound, field_error, localized
from common.labels import LAYOUTS
from common.vocab import STAFF, Role
from sync_server.api.deps import CurrentUser, SessionDep, allow
from sync_server.auth import Principal
from sync_server.db import engine_of
from sync_server.domain.exports import registry as exports
from sync_server.domain.exports.registry import ExportParams, NoProgress, kinds, prepare
from sync_server.domain.jobs import Job, JobRegistry
from sync_server.responses import content_disposition

router = APIRouter(tags=["exports"])
EXPORTERS = allow(*STAFF, Role.AGENCY_HEAD)


class KindOut(BaseModel):
    name: str
    vi: str
    en: str
    media_type: str
    direct_limit: int


class JobOut(BaseModel):
    """A background export: ``done`` of ``total`` rows (labels for label sheets) are written."""

    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    done: int
    total: int | None
    filename: str
    error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download_url: str | None


class LayoutOut(BaseModel):
    name: str
    vi: str
    en: str
    per_page: int


def jobs(request: Request) -> JobRegistry:
    """The app's export job registry (results under ``data_dir/exports``)."""
    return request.app.state.export_jobs


def _stamp(seconds: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(seconds, dt.UTC) if seconds is not None else None


def job_out(job: Job) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        status=job.status,
        done=job.done,
        total=job.total,
        filename=job.filename,
        error=job.error,
        created_at=_stamp(job.created_at) or dt.datetime.now(dt.UTC),
        finished_at=_stamp(job.finished_at),
        download_url=f"/api/v1/exports/jobs/{job.id}/file" if job.status == "done" else None,
    )


def _own_job(request: Request, principal: Principal, job_id: str) -> Job:
    job = jobs(request).get(job_id)
    if job is None or job.owner_id != principal.user_id:
        raise NotFound()
    return job


@router.get("/exports", response_model=list[KindOut], **EXPORTERS)
def list_kinds(principal: CurrentUser) -> list[KindOut]:
    """The exports the caller may run."""
    return [
        KindOut(name=k.name, vi=k.vi, en=k.en, media_type=k.media_type, direct_limit=k.direct_limit)
        for k in kinds().values()
        if principal.role in k.roles
    ]


@router.get("/exports/label-layouts", response_model=list[LayoutOut], **EXPORTERS)
def label_layouts() -> list[LayoutOut]:
    """The label sheet layouts (A4)."""
    return [LayoutOut(name=x.name, vi=x.vi, en=x.en, per_page=x.per_page) for x in LAYOUTS.values()]


@router.get("/exports/jobs", response_model=list[JobOut], **EXPORTERS)
def list_jobs(request: Request, principal: CurrentUser) -> list[JobOut]:
    """The caller's export jobs in this server process, newest first."""
    return [job_out(j) for j in jobs(request).for_owner(principal.user_id)]


@router.get("/exports/jobs/{job_id}", response_model=JobOut, **EXPORTERS)
def get_job(job_id: str, request: Request, principal: CurrentUser) -> JobOut:
    """Progress of one of the caller's jobs; ``download_url`` once it is done."""
    return job_out(_own_job(request, principal, job_id))


@router.get(
    "/exports/jobs/{job_id}/file",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
    **EXPORTERS,
)
def download_job(job_id: str, request: Request, principal: CurrentUser) -> FileResponse:
    """The file of a finished job."""
    job = _own_job(request, principal, job_id)
    path = jobs(request).result_path(job)
    if job.status != "done" or not path.is_file():
        raise NotFound()
    return FileResponse(path, media_type=job.media_type, filename=job.filename)


@router.post("/exports/{kind}/jobs", response_model=JobOut, status_code=202, **EXPORTERS)
def start_job(
    kind: str, params: ExportParams, request: Request, principal: CurrentUser, session: SessionDep
) -> JobOut:
    """Start making an export in the background; poll the job, then download its file."""
    export, filters = prepare(kind, params, principal)
    job = exports.start_job(
        jobs(request), engine_of(session), principal.user_id, principal.agency_codes, export, filters
    )
    return job_out(job)


@router.get(
    "/exports/{kind}/file",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}},
        409: {"description": "Too large to make during the request: start a job"},
    },
    **EXPORTERS,
)
def download_now(
    kind: str, params: Annotated[ExportParams, Query()], principal: CurrentUser, session: SessionDep
) -> Response:
    """Make a small export during the request; a larger one answers 409 ``use_job``."""
    export, filters = prepare(kind, params, principal)
    conn = session.connection()
    rows = export.count(conn, filters, principal.agency_codes)
    if rows > export.direct_limit:
        raise Conflict(
            "use_job",
            [field_error("rows", "too_large", le=export.direct_limit)],
            message=localized("error.use_job", rows=rows),
        )
    buf = io.BytesIO()
    export.write(conn, filters, principal.agency_codes, buf, NoProgress())
    name = export.filename(filters)
    return Response(
        buf.getvalue(),
        media_type=export.media_type,
        headers={"Content-Disposition": content_disposition(name)},
    )
