"""The exports page: choose an export and its filters, follow the job's progress, download the file;
box label sheets by agency, fonds or a list of box codes.

The job page polls by reloading itself (a ``Refresh`` header) until the file is ready, so it works
without JavaScript under the pages' strict content security policy.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import ValidationError

from common.errors import NotFound, SaoLuuError, field_error, field_errors
from common.labels import DEFAULT_LAYOUT, LAYOUTS
from common.vocab import STAFF, ReviewState, Role
from sync_server.db import engine_of
from sync_server.domain import labels
from sync_server.domain.exports import registry as exports
from sync_server.domain.exports.choices import choices
from sync_server.domain.jobs import Job, JobRegistry
from sync_server.errors import http_status
from sync_server.web.deps import PageError, SignedInPage, page_user

router = APIRouter(include_in_schema=False)
ExportPage = Annotated[SignedInPage, Depends(page_user(*STAFF, Role.AGENCY_HEAD))]
REFRESH_SECONDS = 2
MAX_BOX_CODES = 2000
FORM_FIELDS = (
    "kind",
    "agency_code",
    "campaign_id",
    "review_state",
    "year",
    "fonds_id",
    "layout",
    "box_codes",
)


def _jobs(page: SignedInPage) -> JobRegistry:
    return page.request.app.state.export_jobs


def _render(
    page: SignedInPage, status: int = 200, errors: list[str] | None = None, **form: str
) -> HTMLResponse:
    offer = choices(page.db, page.principal)
    return page.render(
        "exports/index.html",
        status=status,
        kinds=offer.reports,
        can_label=offer.can_label,
        agencies=offer.agencies,
        fonds_groups=offer.fonds_groups,
        campaigns=offer.campaigns,
        states=list(ReviewState),
        layouts=list(LAYOUTS.values()),
        default_layout=DEFAULT_LAYOUT,
        jobs=_jobs(page).for_owner(page.principal.user_id)[:20],
        errors=errors or [],
        form=form,
        scoped=offer.scoped,
    )


@router.get("/web/exports")
def exports_page(page: ExportPage) -> HTMLResponse:
    return _render(page)


def _params(page: SignedInPage, kind: str) -> dict[str, Any]:
    fields = {
        name: page.field(name) or None for name in ("agency_code", "campaign_id", "review_state", "year")
    }
    if kind == "labels":
        fields = {
            "agency_code": page.field("agency_code") or None,
            "fonds_id": page.field("fonds_id") or None,
        }
        fields["layout"] = page.field("layout") or None
    elif kind != "yearly_report":
        fields.pop("year")
    return {k: v for k, v in fields.items() if v is not None}


@router.post("/web/exports")
def start_export(page: ExportPage) -> Response:
    """Check the choice, start the job, go to its page."""
    kind_name = page.field("kind")
    form = {name: page.field(name) for name in FORM_FIELDS}
    params = _params(page, kind_name)
    if kind_name == "labels":
        codes = page.field("box_codes")
        if len(codes.splitlines()) > MAX_BOX_CODES:
            return _render(page, 422, [page.t("exp.too_many_boxes", n=MAX_BOX_CODES)], **form)
        if codes:
            params["box_ids"], bad = labels.box_ids(page.db, page.principal, codes)
            if bad:
                return _render(page, 422, [page.t("exp.unknown_boxes", codes=", ".join(bad[:20]))], **form)
        if not (params.get("agency_code") or params.get("fonds_id") or params.get("box_ids")):
            return _render(page, 422, [page.t("exp.need_choice")], **form)
    try:
        export_params = exports.ExportParams.model_validate(params)
    except ValidationError as exc:
        return _render(
            page, 422, [f"{e.field}: {e.message.get(page.lang)}" for e in field_errors(exc)], **form
        )
    try:
        kind, filters = exports.prepare(kind_name, export_params, page.principal)
    except SaoLuuError as exc:
        if isinstance(exc, NotFound):
            return _render(page, 422, [field_error("kind", "invalid").message.get(page.lang)], **form)
        raise PageError(http_status(exc), "error.403") from None
    job = exports.start_job(
        _jobs(page), engine_of(page.db), page.principal.user_id, page.principal.agency_codes, kind, filters
    )
    return page.redirect(f"/web/exports/jobs/{job.id}", "exp.started")


def _own_job(page: SignedInPage, job_id: str) -> Job:
    job = _jobs(page).get(job_id)
    if job is None or job.owner_id != page.principal.user_id:
        raise PageError(404, "error.404")
    return job


@router.get("/web/exports/jobs/{job_id}")
def job_page(job_id: str, page: ExportPage) -> HTMLResponse:
    """Progress of one export; reloads itself until done, then offers the file."""
    job = _own_job(page, job_id)
    kind = exports.kinds().get(job.kind)
    response = page.render("exports/job.html", job=job, kind=kind, refresh=REFRESH_SECONDS)
    if not job.finished:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@router.get("/web/exports/jobs/{job_id}/file")
def job_file(job_id: str, page: ExportPage) -> FileResponse:
    job = _own_job(page, job_id)
    path = _jobs(page).result_path(job)
    if job.status != "done" or not path.is_file():
        raise PageError(404, "error.404")
    return FileResponse(path, media_type=job.media_type, filename=job.filename)
