"""Nil reports: the list for reviewers, one report with its scan, accept or send back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from common.vocab import ReviewState
from sync_server.domain import dashboard, reporting
from sync_server.domain.dossier import dossier
from sync_server.web.deps import SignedInPage, StaffPage
from sync_server.web.reviewing import add_record_routes, record_context

router = APIRouter(include_in_schema=False)
DECISIONS = {ReviewState.APPROVED: "nil.reviewed.approved", ReviewState.SENT_BACK: "nil.reviewed.sent_back"}
"""The review decisions on a nil report, and the message each leaves."""


@router.get("/web/nil-reports")
def nil_reports(page: StaffPage) -> HTMLResponse:
    campaign = dashboard.pick_campaign(page.db, page.request.query_params.get("campaign"))
    state = next((s for s in ReviewState if s.value == page.request.query_params.get("state")), None)
    return page.render(
        "nil_reports.html",
        reports=reporting.nil_reports(page.db, campaign.id if campaign else None, state),
        campaign=campaign,
        campaigns=dashboard.campaigns(page.db),
        state=state,
        states=list(ReviewState),
    )


def _render(page: SignedInPage, rid: str, status: int = 200, **extra: Any) -> HTMLResponse:
    d = dossier(page.db, page.principal, "nil_report", rid)
    return page.render(
        "nil_report.html",
        status=status,
        scan=(d.data or {}).get("scan"),
        **record_context(page, d, DECISIONS, extra),
    )


# a reviewer accepts the report, or sends it back to the agency with what to add or correct
add_record_routes(router, "/web/nil-reports", "nil_report", DECISIONS, _render)
