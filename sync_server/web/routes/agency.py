"""The agency head's page: where the agency stands, confirm its list, or file its nil report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from common.errors import FieldError, SaoLuuError, ValidationFailed, field_error
from common.schemas import DEFAULT_NIL_STATEMENT
from sync_server.domain import dashboard, inventory
from sync_server.models import Agency, ReviewComment
from sync_server.web.deps import HeadPage, Page, PageError

router = APIRouter(include_in_schema=False)
FIELD_LABELS = {
    "statement": "nil.statement",
    "signer_name": "nil.signer_name",
    "signer_position": "nil.signer_position",
    "doc_number": "nil.doc_number",
    "doc_date": "nil.doc_date",
    "scan": "nil.scan",
}


def _agency_code(page: Page) -> str:
    codes = page.principal.agency_codes if page.principal else None
    if not codes:
        raise PageError(403, "agency.none")
    return sorted(codes)[0]


def _render(
    page: Page,
    status: int = 200,
    errors: list[FieldError] | None = None,
    refused: bool = False,
    **form: str,
) -> HTMLResponse:
    assert page.db is not None
    code = _agency_code(page)
    campaign = dashboard.pick_campaign(page.db)
    context: dict[str, Any] = {
        "agency": page.db.get(Agency, code),
        "campaign": campaign,
        "errors": {},
        "field_labels": FIELD_LABELS,
    }
    if campaign is not None:
        lines = dashboard.compliance(page.db, campaign.id, scope=frozenset({code}))
        report = inventory.agency_nil_report(page.db, code, campaign.id)
        data = report.data if report else {}
        context.update(
            line=lines[0] if lines else None,
            files=inventory.live_file_count(page.db, code, campaign.id),
            confirmation=inventory.latest_confirmation(page.db, code, campaign.id),
            blockers=inventory.confirm_blockers(page.db, code, campaign.id),
            refused=refused,
            report=report,
            comments=list(
                page.db.execute(
                    select(ReviewComment)
                    .where(ReviewComment.entity_id == report.id)
                    .order_by(ReviewComment.seq.desc())  # type: ignore[attr-defined]
                ).scalars()
            )
            if report
            else [],
            form={
                "statement": form.get("statement", data.get("statement", DEFAULT_NIL_STATEMENT)),
                "signer_name": form.get("signer_name", data.get("signer_name", "")),
                "signer_position": form.get("signer_position", data.get("signer_position", "")),
                "doc_number": form.get("doc_number", data.get("doc_number", "")),
                "doc_date": form.get("doc_date", data.get("doc_date", "")),
            },
            errors={e.field: e.message.get(page.lang) for e in errors or []},
            max_mb=page.request.app.state.settings.max_photo_bytes // (1024 * 1024),
        )
    return page.render("agency.html", status=status, **context)


@router.get("/web/agency")
def agency_page(page: HeadPage) -> HTMLResponse:
    return _render(page)


@router.post("/web/agency/confirm")
def confirm(page: HeadPage) -> Response:
    """The head confirms the list of files the surveyors made for the agency."""
    assert page.db is not None and page.principal is not None
    campaign = dashboard.pick_campaign(page.db)
    if campaign is None:
        raise PageError(409, "agency.no_campaign")
    try:
        row = inventory.confirm_list(
            page.db, page.principal, _agency_code(page), campaign.id, page.field("note")[:2000]
        )
    except inventory.ListNotReady:
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
    assert page.db is not None and page.principal is not None
    campaign = dashboard.pick_campaign(page.db)
    if campaign is None:
        raise PageError(409, "agency.no_campaign")
    values = {
        k: page.field(k) for k in ("statement", "signer_name", "signer_position", "doc_number", "doc_date")
    }
    settings = page.request.app.state.settings
    errors: list[FieldError] = []
    scan = None
    upload = page.form.get("scan") if page.form is not None else None
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read(settings.max_photo_bytes + 1)
        try:
            scan = inventory.store_scan(
                page.db, page.request.app.state.photos, page.principal, content, settings.max_photo_bytes
            )
        except SaoLuuError as exc:
            page.db.rollback()
            errors.extend(exc.details or [field_error("scan", "not_an_image")])
    form = inventory.NilReportForm(
        statement=values["statement"],
        signer_name=values["signer_name"],
        signer_position=values["signer_position"],
        doc_number=values["doc_number"],
        doc_date=_date(values["doc_date"]),
    )
    try:
        if errors:
            raise ValidationFailed(errors)
        inventory.file_nil_report(page.db, page.principal, _agency_code(page), campaign.id, form, scan)
    except ValidationFailed as exc:
        page.db.rollback()
        return _render(page, 422, [*errors, *(d for d in exc.details if d not in errors)], **values)
    return page.redirect("/web/agency", "nil.filed")
