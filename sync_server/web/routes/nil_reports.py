"""Nil reports: the list for reviewers, one report with its scan, accept or send back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import false, select

from common.errors import ValidationFailed
from common.vocab import ReviewState
from sync_server.domain import dashboard, review
from sync_server.domain import records as record_domain
from sync_server.models import Agency, NilReport
from sync_server.web.deps import AnyUserPage, Page, PageError, StaffPage
from sync_server.web.routes.records import record_context

router = APIRouter(include_in_schema=False)
DECISIONS = (ReviewState.APPROVED, ReviewState.SENT_BACK)


@router.get("/web/nil-reports")
def nil_reports(page: StaffPage) -> HTMLResponse:
    assert page.db is not None
    campaign = dashboard.pick_campaign(page.db, page.request.query_params.get("campaign"))
    state = next((s for s in ReviewState if s.value == page.request.query_params.get("state")), None)
    query = (
        select(NilReport, Agency.name)
        .join(Agency, Agency.code == NilReport.agency_code)  # type: ignore[arg-type]
        .where(NilReport.deleted == false())
        .order_by(NilReport.seq.desc())  # type: ignore[attr-defined]
    )
    if campaign is not None:
        query = query.where(NilReport.campaign_id == campaign.id)
    if state is not None:
        query = query.where(NilReport.review_state == state.value)
    return page.render(
        "nil_reports.html",
        reports=page.db.execute(query.limit(1000)).all(),
        campaign=campaign,
        campaigns=dashboard.campaigns(page.db),
        state=state,
        states=list(ReviewState),
    )


def _render(page: Page, rid: str, status: int = 200, **extra: Any) -> HTMLResponse:
    assert page.db is not None and page.principal is not None
    row = record_domain.get_record(page.db, page.principal, "nil_report", rid)
    return page.render(
        "nil_report.html",
        status=status,
        scan=(row.data or {}).get("scan"),
        can_review=page.is_staff,
        states=list(DECISIONS),
        review_error=extra.pop("review_error", None),
        review_text=extra.pop("review_text", ""),
        **record_context(page, "nil_report", row),
    )


@router.get("/web/nil-reports/{rid}")
def nil_report(rid: str, page: AnyUserPage) -> HTMLResponse:
    return _render(page, rid)


@router.post("/web/nil-reports/{rid}/review")
def review_nil_report(rid: str, page: StaffPage) -> Response:
    """Accept the report, or send it back to the agency with what to add or correct."""
    assert page.db is not None and page.principal is not None
    state = next((s for s in DECISIONS if s.value == page.field("state")), None)
    if state is None:
        raise PageError(400, "error.title")
    text = page.field("text")[:2000]
    try:
        review.review(page.db, page.principal, "nil_report", rid, state, text)
    except ValidationFailed as exc:
        page.db.rollback()
        message = exc.details[0].message.get(page.lang) if exc.details else exc.message.get(page.lang)
        return _render(page, rid, status=422, review_error=message, review_text=text)
    return page.redirect(f"/web/nil-reports/{rid}", f"nil.reviewed.{state.value}")
