"""Approved lists (staff): every list, what a freeze would take (a campaign, chosen agencies or the
whole province), the freeze with the signed decision, and a list's page with its decision's scan and
its annex (made now, or as an export job when it is large)."""

from __future__ import annotations

from io import BytesIO

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from common.errors import FieldError, ValidationFailed, field_error, field_errors
from sync_server.domain import approved_lists as domain
from sync_server.domain import dashboard
from sync_server.domain.exports.annex import DIRECT_LIMIT
from sync_server.responses import chunks, content_disposition
from sync_server.web.deps import PageError, SignedInPage, StaffPage

router = APIRouter(include_in_schema=False)
FORM_FIELDS = ("decision_number", "decision_date", "signer_name", "signer_position", "supplement_to")
FIELD_LABELS = {
    "campaign_id": "dash.campaign",
    "agency_codes": "comp.agency",
    "supplement_to": "al.supplement_to",
    "decision_number": "al.decision_number",
    "decision_date": "al.decision_date",
    "signer_name": "field.signer_name",
    "signer_position": "field.signer_position",
    "scan": "al.scan",
}
PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/web/approved-lists")
def approved_lists(page: StaffPage) -> HTMLResponse:
    return page.render("approved_lists.html", lists=domain.lists(page.db, page.principal))


def _freeze_form(
    page: SignedInPage,
    campaign_id: str | None,
    agencies: list[str],
    status: int = 200,
    errors: list[FieldError] | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    campaign = dashboard.pick_campaign(page.db, campaign_id)
    province = chosen = None
    if campaign is not None:
        province = domain.preview(page.db, page.principal, campaign.id, [])
        known = {a.code for a in province.agencies}
        agencies = [a for a in agencies if a in known]
        chosen = domain.preview(page.db, page.principal, campaign.id, agencies) if agencies else province
    mains = [
        lst
        for lst in domain.lists(page.db, page.principal, campaign.id if campaign else None)
        if lst.supplement_to is None
    ]
    return page.render(
        "approved_list_new.html",
        status=status,
        campaign=campaign,
        campaigns=dashboard.campaigns(page.db),
        province=province,
        chosen=chosen,
        agencies=agencies,
        mains=mains,
        field_labels=FIELD_LABELS,
        errors=[(e.field, e.message.get(page.lang)) for e in errors or []],
        form={name: (form or {}).get(name, "") for name in FORM_FIELDS},
        max_mb=page.request.app.state.settings.max_decision_scan_bytes // (1024 * 1024),
    )


@router.get("/web/approved-lists/new")
def new_list(page: StaffPage) -> HTMLResponse:
    """Preview what a freeze of the chosen scope would take, and the freeze form."""
    query = page.request.query_params
    return _freeze_form(page, query.get("campaign"), query.getlist("agency"))


@router.post("/web/approved-lists")
def freeze(page: StaffPage) -> Response:
    """Freeze the scope with the signed decision; refused input changes nothing."""
    campaign_id, agencies = page.field("campaign_id"), page.fields("agency_codes")
    values = {name: page.field(name) for name in FORM_FIELDS}
    settings = page.request.app.state.settings
    errors: list[FieldError] = []
    upload = page.form.get("scan") if page.form is not None else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.append(field_error("scan", "missing"))
    elif upload.size is not None and upload.size > settings.max_decision_scan_bytes:
        errors.append(field_error("scan", "body_too_large", max_bytes=settings.max_decision_scan_bytes))
    spec = None
    try:
        spec = domain.ListIn(
            campaign_id=campaign_id,
            agency_codes=agencies,
            supplement_to=values["supplement_to"] or None,  # pydantic parses the text
            decision_number=values["decision_number"],
            decision_date=values["decision_date"],  # pydantic parses the text
            signer_name=values["signer_name"],
            signer_position=values["signer_position"],
        )
    except ValidationError as exc:
        errors.extend(field_errors(exc))
    try:
        if errors or spec is None:
            raise ValidationFailed(errors)
        assert isinstance(upload, UploadFile)
        made = domain.freeze(page.db, page.request.app.state.masters, page.principal, spec, upload.file)
    except ValidationFailed as exc:
        page.db.rollback()
        found = [*errors, *(d for d in exc.details if d not in errors)]
        return _freeze_form(page, campaign_id, agencies, 422, found, values)
    return page.redirect(f"/web/approved-lists/{made.number}", "al.frozen", n=made.number, files=made.files)


def _number(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise PageError(404, "error.404")
    return int(text)


@router.get("/web/approved-lists/{number}")
def approved_list(number: str, page: StaffPage) -> HTMLResponse:
    """A list's decision, its files and pages per agency, its files in their order."""
    n = _number(number)
    offset = page.request.query_params.get("offset", "0")
    start = int(offset) if offset.isdigit() and len(offset) < 12 else 0
    detail = domain.get_list(page.db, page.principal, n)
    found = domain.items(page.db, page.principal, n, PAGE_SIZE + 1, start)
    return page.render(
        "approved_list.html",
        detail=detail,
        h=detail.header,
        items=found[:PAGE_SIZE],
        more=len(found) > PAGE_SIZE,
        offset=start,
        page_size=PAGE_SIZE,
        large=detail.header.files > DIRECT_LIMIT,
    )


@router.get("/web/approved-lists/{number}/scan")
def decision_scan(number: str, page: StaffPage) -> StreamingResponse:
    """The scan of the signed decision."""
    n = _number(number)
    view, stream = domain.open_scan(page.db, page.request.app.state.masters, page.principal, n)
    return StreamingResponse(
        chunks(stream),
        media_type=view.scan_mime,
        headers={"Content-Disposition": content_disposition(domain.scan_filename(view))},
    )


@router.get("/web/approved-lists/{number}/annex")
def annex(number: str, page: StaffPage) -> Response:
    """The annex (.xlsx) made now; a large list goes through an export job instead."""
    n = _number(number)
    if domain.annex_rows(page.db, page.principal, n) > DIRECT_LIMIT:
        return page.redirect(f"/web/approved-lists/{n}", "al.annex_use_job")
    buf = BytesIO()
    name = domain.write_annex(page.db, page.principal, n, buf)
    return Response(
        buf.getvalue(), media_type=XLSX, headers={"Content-Disposition": content_disposition(name)}
    )


@router.post("/web/approved-lists/{number}/annex")
def annex_job(number: str, page: StaffPage) -> Response:
    """Make the annex in the background and follow it on the export job's page."""
    job = domain.annex_job(page.db, page.request.app.state.export_jobs, page.principal, _number(number))
    return page.redirect(f"/web/exports/jobs/{job.id}", "exp.started")
