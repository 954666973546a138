"""The agency head's page: where the agency stands, confirm its list, or file its nil report."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from common.errors import FieldError, SaoLuuError, ValidationFailed, field_error
from common.schemas import DEFAULT_NIL_STATEMENT
from sync_server.domain import dashboard, reporting
from sync_server.web.deps import HeadPage, PageError, SignedInPage

router = APIRouter(include_in_schema=False)
FIELD_LABELS = {
    "statement": "field.statement",
    "signer_name": "field.signer_name",
    "signer_position": "field.signer_position",
    "doc_number": "nil.doc_number",
    "doc_date": "field.doc_date",
    "scan": "nil.scan",
}
FORM_FIELDS = ("statement", "signer_name", "signer_position", "doc_number", "doc_date")


def _agency_code(page: SignedInPage) -> str:
    codes = page.principal.agency_codes
    if not codes:
        raise PageError(403, "agency.none")
    return sorted(codes)[0]


def _render(
    page: SignedInPage,
    status: int = 200,
    errors: list[FieldError] | None = None,
    refused: bool = False,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    standing = reporting.agency_report(page.db, _agency_code(page))
    shown = (
        {"statement": DEFAULT_NIL_STATEMENT}
        | (standing.report.data if standing.report else {})
        | (form or {})
    )
    return page.render(
        "agency.html",
        status=status,
        agency=standing.agency,
        campaign=standing.campaign,
        line=standing.line,
        files=standing.files,
        confirmation=standing.confirmation,
        blockers=standing.blockers,
        report=standing.report,
        comments=standing.comments,
        refused=refused,
        field_labels=FIELD_LABELS,
        form={name: shown.get(name, "") for name in FORM_FIELDS},
        errors={e.field: e.message.get(page.lang) for e in errors or []},
        max_mb=page.request.app.state.settings.max_photo_bytes // (1024 * 1024),
    )


@router.get("/web/agency")
def agency_page(page: HeadPage) -> HTMLResponse:
    return _render(page)


@router.post("/web/agency/confirm")
def confirm(page: HeadPage) -> Response:
    """The head confirms the list of files the surveyors made for the agency."""
    campaign = dashboard.pick_campaign(page.db)
    if campaign is None:
        raise PageError(409, "agency.no_campaign")
    try:
        row = reporting.confirm_list(
            page.db, page.principal, _agency_code(page), campaign.id, page.field("note")[:2000]
        )
    except reporting.ListNotReady:
        page.db.rollback()
        return _render(page, 409, refused=True)
    return page.redirect("/web/agency", "agency.confirmed", n=row.file_count)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@router.post("/web/agency/nil-report")
def file_nil_report(page: HeadPage) -> Response:
    """File (or correct) the agency's nil report, with the scan of the signed paper."""
    campaign = dashboard.pick_campaign(page.db)
    if campaign is None:
        raise PageError(409, "agency.no_campaign")
    values = {name: page.field(name) for name in FORM_FIELDS}
    settings = page.request.app.state.settings
    errors: list[FieldError] = []
    scan = None
    upload = page.form.get("scan") if page.form is not None else None
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read(settings.max_photo_bytes + 1)
        try:
            scan = reporting.store_scan(
                page.db, page.request.app.state.photos, page.principal, content, settings.max_photo_bytes
            )
        except SaoLuuError as exc:
            page.db.rollback()
            errors.extend(exc.details or [field_error("scan", "not_an_image")])
    form = reporting.NilReportForm(
        statement=values["statement"],
        signer_name=values["signer_name"],
        signer_position=values["signer_position"],
        doc_number=values["doc_number"],
        doc_date=_date(values["doc_date"]),
    )
    try:
        if errors:
            raise ValidationFailed(errors)
        reporting.file_nil_report(page.db, page.principal, _agency_code(page), campaign.id, form, scan)
    except ValidationFailed as exc:
        page.db.rollback()
        return _render(page, 422, [*errors, *(d for d in exc.details if d not in errors)], form=values)
    return page.redirect("/web/agency", "nil.filed")
