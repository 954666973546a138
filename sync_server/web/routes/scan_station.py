"""The scan station (staff and digitization operators): a box goes out to a batch or comes back in by
the code on its label — a USB scanner types the label's QR payload and Enter into the one field, or
staff type the code — then where every box is, and the boxes out too long.

Each scan is a plain form post: a movement answers with a redirect to the station showing the box
(post/redirect/get), a refusal with the station and the reason; either way the field comes back
empty and focused for the next box, the mode and batch kept.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from common.errors import NotFound, SaoLuuError, ValidationFailed
from common.vocab import BoxPlace
from sync_server.domain import custody, plan
from sync_server.errors import http_status
from sync_server.web.deps import SignedInPage, page_user

router = APIRouter(include_in_schema=False)
KeeperPage = Annotated[SignedInPage, Depends(page_user(*custody.CUSTODY_ROLES))]
CHECK_OUT, CHECK_IN = "out", "in"
MAX_DAYS = 36500
PAGE_SIZE = 100
STATION = "/web/scan-station"


def _number(text: str | None, default: int | None = None, top: int = 2**31 - 1) -> int | None:
    """A whole number from a form or the URL, within 0..``top`` (else ``default``)."""
    try:
        value = int(text or "")
    except ValueError:
        return default
    return value if 0 <= value <= top else default


def _mode(text: str | None) -> str:
    return CHECK_IN if text == CHECK_IN else CHECK_OUT


def _station(
    page: SignedInPage,
    status: int = 200,
    *,
    mode: str,
    batch_id: int | None,
    error: str | None = None,
    typed: str = "",
) -> HTMLResponse:
    query = page.request.query_params
    days = _number(query.get("days"), custody.OVERDUE_DAYS, MAX_DAYS)
    shown = None
    if error is None and query.get("box"):
        try:
            shown = custody.status(page.db, page.principal, query["box"])
        except (NotFound, ValidationFailed):
            shown = None
    return page.render(
        "scan_station.html",
        status=status,
        mode=mode,
        batch_id=batch_id,
        batches=plan.batches(page.db, page.principal),
        shown=shown,
        error=error,
        typed=typed,
        days=days,
        overdue=custody.overdue(page.db, page.principal, days or 0),
    )


@router.get("/web/scan-station")
def station(page: KeeperPage) -> HTMLResponse:
    query = page.request.query_params
    return _station(page, mode=_mode(query.get("mode")), batch_id=_number(query.get("batch")))


@router.post("/web/scan-station")
def scan(page: KeeperPage) -> Response:
    """Check the scanned box out to the chosen batch, or back in."""
    mode, batch_id, code = _mode(page.field("mode")), _number(page.field("batch_id")), page.field("code")
    if mode == CHECK_OUT and batch_id is None:
        return _station(page, 422, mode=mode, batch_id=None, error=page.t("scan.need_batch"), typed=code)
    try:
        if mode == CHECK_OUT:
            assert batch_id is not None
            moved = custody.check_out(page.db, page.principal, code, batch_id)
        else:
            moved = custody.check_in(page.db, page.principal, code)
    except SaoLuuError as exc:
        page.db.rollback()
        return _station(
            page, http_status(exc), mode=mode, batch_id=batch_id, error=page.refusal(exc), typed=code
        )
    done = "scan.checked_out" if mode == CHECK_OUT else "scan.checked_in"
    target = page.url(STATION, mode=mode, batch=batch_id, box=moved.code)
    return page.redirect(target, done, code=moved.code, files=moved.files, batch=moved.batch_name or "")


@router.get("/web/scan-station/boxes")
def boxes(page: KeeperPage) -> HTMLResponse:
    """Where every box is, filtered by place, agency and batch, a page of boxes at a time."""
    query = page.request.query_params
    place = next((p for p in BoxPlace if p.value == query.get("place")), None)
    agency = query.get("agency") or None
    batch_id = _number(query.get("batch"))
    offset = _number(query.get("offset"), 0) or 0
    found = custody.where(
        page.db,
        page.principal,
        place=place,
        agency_code=agency,
        batch_id=batch_id,
        limit=PAGE_SIZE + 1,
        offset=offset,
    )
    return page.render(
        "scan_boxes.html",
        boxes=found[:PAGE_SIZE],
        more=len(found) > PAGE_SIZE,
        offset=offset,
        page_size=PAGE_SIZE,
        place=place,
        places=list(BoxPlace),
        agency=agency,
        agencies=custody.box_agencies(page.db, page.principal),
        batch_id=batch_id,
        batches=plan.batches(page.db, page.principal),
    )
