"""One file record: every field, damage, photos, history, conflicts; review decisions; photos."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from common.dates import show_date
from common.errors import SaoLuuError, ValidationFailed
from common.vocab import ReviewState
from sync_server.domain import conflicts, digitization, thumbnails
from sync_server.domain import photos as photo_domain
from sync_server.domain.dossier import dossier
from sync_server.errors import http_status
from sync_server.responses import IMMUTABLE, DeferredResponse
from sync_server.web.deps import AnyUserPage, PageError, SignedInPage, StaffPage, error_page
from sync_server.web.metadata_form import add_metadata_routes, metadata_context
from sync_server.web.reviewing import add_record_routes, record_context
from sync_server.web.routes import quality

router = APIRouter(include_in_schema=False)
DECISIONS = {
    ReviewState.APPROVED: "rec.reviewed.approved",
    ReviewState.SENT_BACK: "rec.reviewed.sent_back",
    ReviewState.REJECTED: "rec.reviewed.rejected",
}
"""The review decisions on a file record, and the message each leaves."""
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
FIELD_ORDER = (
    ("inventory_no", "field.inventory_no"),
    ("box_no", "field.box_no"),
    ("file_no", "rec.file_no"),
    ("title", "rec.file_title"),
    ("start_date", "field.start_date"),
    ("end_date", "field.end_date"),
    ("leaves", "field.leaves"),
    ("pages", "field.pages"),
    ("retention", "field.retention"),
    ("access", "field.access"),
    ("languages", "field.languages"),
    ("carrier", "field.carrier"),
    ("criteria", "rec.criteria"),
    ("notes", "field.notes"),
    ("damages", "field.damages"),
    ("photos", "field.photos"),
)


def show_value(page: SignedInPage, key: str, data: dict[str, Any]) -> str:
    """A field of a file record as the page shows it (labels in the page's language)."""
    value = data.get(key)
    if value is None or value == "" or value == []:
        return "—"
    if key == "retention":
        years = data.get("retention_years")
        return (
            page.t("rec.retention_years", n=years)
            if value == "years" and years
            else page.label("retention", value)
        )
    if key in ("access", "carrier"):
        return page.label("access_regime" if key == "access" else key, value)
    if key == "languages":
        return ", ".join(page.label("language", v) for v in value)
    if key == "criteria":
        return "; ".join(page.label("criterion", v) for v in value)
    if key in ("start_date", "end_date"):
        return show_date(value)
    if key in ("leaves", "pages"):
        return page.num(value)
    if key == "damages":
        return "; ".join(f"{page.label('damage_type', d['type'])} ({d['severity']})" for d in value)
    if key == "photos":
        return page.num(len(value))
    return str(value)


def _render(page: SignedInPage, rid: str, status: int = 200, **extra: Any) -> HTMLResponse:
    d = dossier(page.db, page.principal, "file_record", rid)
    refs = d.data.get("photos") or []
    stored = photo_domain.stored(page.db, (p["sha256"] for p in refs))
    digitized = digitization.state_of(page.db, rid)
    view = None
    if page.is_staff and (d.row.conflicted or conflicts.open_revisions(page.db, "file_record", rid)):
        view = conflicts.conflict_view(page.db, page.principal, "file_record", rid)
    return page.render(
        "record.html",
        status=status,
        fonds=d.fonds,
        fields=[(label_key, key, show_value(page, key, d.data)) for key, label_key in FIELD_ORDER],
        photos=[(p, p["sha256"] in stored) for p in refs],
        conflict=view,
        compare=_compare(page, view) if view else [],
        digitization=digitized,
        digitized_on=digitization.accepted_day(digitized),
        **quality.context(page, rid),
        **record_context(page, d, DECISIONS, extra),
        **metadata_context(page, rid),
        **extra,
    )


def _compare(page: SignedInPage, view: conflicts.ConflictView) -> list[dict[str, Any]]:
    rows = []
    for key, label_key in FIELD_ORDER:
        current = show_value(page, key, view.current)
        others = [show_value(page, key, r.data) for r in view.revisions]
        rows.append({"label_key": label_key, "current": current, "others": others,
                     "changed": [o != current for o in others]})  # fmt: skip
    return rows


# a reviewer approves, sends back with a comment (it reaches the tablet on its next pull) or rejects
add_record_routes(router, "/web/records", "file_record", DECISIONS, _render)
add_metadata_routes(router, _render)


@router.post("/web/records/{rid}/digitized")
def mark_digitized(rid: str, page: StaffPage) -> Response:
    """Record the day the file was digitized, or clear it."""
    on: dt.date | None = None
    if not page.field("clear"):
        on = _day(page.field("on"))
        if on is None:
            return _render(page, rid, status=422, digitized_error=page.t("dig.bad_date"))
    return _accept(page, rid, on, "digitized_error", "dig.saved")


@router.post("/web/records/{rid}/accept")
def accept_master(rid: str, page: StaffPage) -> Response:
    """The quality check accepts the master on the day given (today unless another is chosen)."""
    on = _day(page.field("on") or dt.date.today().isoformat())
    if on is None:
        return _render(page, rid, status=422, check_error=page.t("dig.bad_date"))
    if quality.check.master(page.db, page.principal, rid) is None:
        raise PageError(404, "error.404")
    return _accept(page, rid, on, "check_error", "check.accepted")


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _accept(page: SignedInPage, rid: str, on: dt.date | None, error: str, done: str) -> Response:
    """Accept the file as digitized on ``on`` (None: withdraw); a refusal is shown as ``error``."""
    try:
        digitization.mark_digitized(page.db, page.principal, [rid], on)
    except ValidationFailed as exc:
        page.db.rollback()
        return _render(page, rid, status=422, **{error: page.refusal(exc)})
    return page.redirect(f"/web/records/{rid}", done)


@router.post("/web/records/{rid}/rescan")
def send_for_rescan(rid: str, page: StaffPage) -> Response:
    """The quality check sends the file back to be scanned again; the reason is required."""
    reason = page.field("reason")
    try:
        digitization.send_for_rescan(page.db, page.principal, rid, reason)
    except ValidationFailed as exc:
        page.db.rollback()
        return _render(page, rid, status=422, check_error=page.refusal(exc), rescan_reason=reason)
    return page.redirect(f"/web/records/{rid}", "check.sent_back")


@router.post("/web/records/{rid}/resolve")
def resolve_conflict(rid: str, page: StaffPage) -> Response:
    """Keep the server's copy or one incoming revision; the choice becomes the next version."""
    choice = page.field("revision")
    revision_id = int(choice) if choice.isdigit() else None
    if revision_id is None and choice != "server":
        raise PageError(400, "error.title")
    conflicts.resolve(page.db, page.principal, "file_record", rid, revision_id, None)
    return page.redirect(f"/web/records/{rid}", "rec.resolved")


@router.get("/web/photos/{sha256}")
def photo(sha256: str, page: AnyUserPage) -> Response:
    """A photo (or ``?size=thumb``, a small JPEG) for whoever may read it. The bytes are read and
    the thumbnail made after the route returned, without a database session."""
    if not SHA_RE.match(sha256):
        raise PageError(404, "error.404")
    stored = photo_domain.readable(page.db, page.principal, sha256)
    if stored is None:
        raise PageError(404, "error.404")
    store, request = page.request.app.state.photos, page.request

    def failed(exc: SaoLuuError) -> Response:
        return error_page(request, http_status(exc), "error.title", [exc.message.get(page.lang)])

    if page.request.query_params.get("size") == "thumb":
        return DeferredResponse(lambda: thumbnails.thumbnail(store, sha256), "image/jpeg", failed, IMMUTABLE)
    return DeferredResponse(lambda: store.get(sha256), stored.mime, failed, IMMUTABLE)
