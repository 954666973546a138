"""What the file record and nil report pages share: the record's dossier for the templates, the review
form's answer, and the two routes of a record (its page, its review)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from common.errors import ValidationFailed
from common.vocab import ReviewState
from sync_server.domain import review
from sync_server.domain.dossier import Dossier
from sync_server.web.deps import AnyUserPage, PageError, SignedInPage, StaffPage

MAX_COMMENT = 2000
Render = Callable[..., HTMLResponse]
"""``render(page, record_id, status=…, review_error=…, review_text=…)``: the record's page."""


def record_context(
    page: SignedInPage, d: Dossier, decisions: Mapping[ReviewState, str], extra: dict[str, Any]
) -> dict[str, Any]:
    """The names ``_record_parts.html`` and the record pages read: the record's dossier and its
    review form (the ``decisions`` it offers; a refused decision's why and comment, taken out of
    ``extra``)."""
    return {
        "row": d.row,
        "data": d.data,
        "agency": d.agency,
        "campaign": d.campaign,
        "history": d.history,
        "users": d.users,
        "devices": d.devices,
        "comments": d.comments,
        "today": dt.date.today(),
        "can_review": page.is_staff,
        "states": list(decisions),
        "review_error": extra.pop("review_error", None),
        "review_text": extra.pop("review_text", ""),
    }


def answer_review(
    page: SignedInPage,
    kind: str,
    record_id: str,
    decisions: Mapping[ReviewState, str],
    render: Render,
    back: str,
) -> Response:
    """Apply the decision the review form sent (one of ``decisions``) with its comment, then go
    ``back`` with the decision's message; a refused decision shows the page again with why."""
    state = next((s for s in decisions if s.value == page.field("state")), None)
    if state is None:
        raise PageError(400, "error.title")
    text = page.field("text")[:MAX_COMMENT]
    try:
        review.review(page.db, page.principal, kind, record_id, state, text)
    except ValidationFailed as exc:
        page.db.rollback()
        return render(page, record_id, status=422, review_error=page.refusal(exc), review_text=text)
    return page.redirect(back, decisions[state])


def add_record_routes(
    router: APIRouter, path: str, kind: str, decisions: Mapping[ReviewState, str], render: Render
) -> None:
    """``GET {path}/{rid}``, the record's page for whoever may read it, and ``POST
    {path}/{rid}/review``, a reviewer's decision on it (one of ``decisions``) with a comment."""

    @router.get(path + "/{rid}")
    def record_page(rid: str, page: AnyUserPage) -> HTMLResponse:
        return render(page, rid)

    @router.post(path + "/{rid}/review")
    def review_record(rid: str, page: StaffPage) -> Response:
        return answer_review(page, kind, rid, decisions, render, f"{path}/{rid}")
