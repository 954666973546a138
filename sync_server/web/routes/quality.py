"""The quality check of a file's master on the record page (staff): its state, its pages as
thumbnails made on demand, the PDF. The decision's forms (accept, send back) are the record page's."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse

from common.errors import SaoLuuError
from common.vocab import DigitizationState
from sync_server.domain import digitization
from sync_server.domain.scans import check
from sync_server.errors import http_status
from sync_server.responses import IMMUTABLE, DeferredResponse, pdf_download
from sync_server.storage.base import PhotoStore
from sync_server.web.deps import PageError, SignedInPage, StaffPage, error_page

router = APIRouter(include_in_schema=False)
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
STEPS = (DigitizationState.PLANNED, DigitizationState.OUT, DigitizationState.SCANNED)
"""The way a file goes before its check; it then ends accepted or sent back for rescanning."""


def _masters(page: SignedInPage) -> PhotoStore:
    return page.request.app.state.masters


def context(page: SignedInPage, rid: str) -> dict[str, Any]:
    """What the record page shows of the quality check: the file's state and steps, its master and
    the window of pages (``?from=``) shown as thumbnails. Empty for anyone but staff."""
    if not page.is_staff:
        return {}
    view = check.master(page.db, page.principal, rid)
    first = page.request.query_params.get("from", "1")
    window = view.window(int(first) if first.isdigit() else 1) if view else range(0)
    row = digitization.state_of(page.db, rid)
    return {
        "master": view,
        "pages_shown": window,
        "pages_at_once": check.PAGES_AT_ONCE,
        "dig_steps": STEPS,
        "dig_state": row.state if row else None,
        "check_reason": row.check_reason if row else None,
        "accepted_on": digitization.accepted_day(row),
    }


@router.get("/web/masters/{sha256}/pages/{page_no}.jpg")
def page_thumbnail(sha256: str, page_no: int, page: StaffPage) -> Response:
    """Page ``page_no`` of a master as a small JPEG, made after the route returned (no database
    session held); a master never changes, so the browser keeps it."""
    if not SHA_RE.match(sha256) or not check.is_master(page.db, page.principal, sha256):
        raise PageError(404, "error.404")
    store, request, lang = _masters(page), page.request, page.lang

    def failed(exc: SaoLuuError) -> Response:
        return error_page(request, http_status(exc), "error.title", [exc.message.get(lang)])

    return DeferredResponse(lambda: check.thumbnail(store, sha256, page_no), "image/jpeg", failed, IMMUTABLE)


@router.get("/web/records/{rid}/master.pdf")
def master_pdf(rid: str, page: StaffPage) -> StreamingResponse:
    """The master, streamed from the store."""
    try:
        view = check.held_master(page.db, page.principal, rid)
        stream = check.open_pdf(_masters(page), view)
    except SaoLuuError:
        raise PageError(404, "error.404") from None
    return pdf_download(stream, view.size, f"{rid}.pdf")
