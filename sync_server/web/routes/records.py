"""One file record: every field, damage, photos, history, conflicts; review decisions; photos."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from common.errors import SaoLuuError, ValidationFailed
from common.vocab import ReviewState
from sync_server.api.photos import IMMUTABLE
from sync_server.api.responses import DeferredResponse
from sync_server.domain import conflicts, digitization, review, thumbnails
from sync_server.domain import photos as photo_domain
from sync_server.domain import records as record_domain
from sync_server.domain.audit import history
from sync_server.errors import http_status
from sync_server.models import Agency, Campaign, Device, Fonds, Photo, ReviewComment, SyncedRow, User
from sync_server.web.deps import AnyUserPage, Page, PageError, StaffPage, error_page
from sync_server.web.i18n import fmt_date

router = APIRouter(include_in_schema=False)
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
FIELD_ORDER = (
    ("inventory_no", "rec.inventory_no"),
    ("box_no", "rec.box_no"),
    ("file_no", "rec.file_no"),
    ("title", "rec.file_title"),
    ("start_date", "rec.start_date"),
    ("end_date", "rec.end_date"),
    ("leaves", "rec.leaves"),
    ("pages", "rec.pages"),
    ("retention", "rec.retention"),
    ("access", "rec.access"),
    ("languages", "rec.languages"),
    ("carrier", "rec.carrier"),
    ("criteria", "rec.criteria"),
    ("notes", "rec.notes"),
    ("damages", "rec.damages"),
    ("photos", "rec.photos"),
)


def show_value(page: Page, key: str, data: dict[str, Any]) -> str:
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
        return fmt_date(value)
    if key in ("leaves", "pages"):
        return page.num(value)
    if key == "damages":
        return "; ".join(f"{page.label('damage_type', d['type'])} ({d['severity']})" for d in value)
    if key == "photos":
        return page.num(len(value))
    return str(value)


def _names(
    page: Page, user_ids: set[int | None], device_ids: set[str | None]
) -> tuple[dict[Any, str], dict[Any, str]]:
    assert page.db is not None
    users = {
        u.id: u.full_name or u.username
        for u in page.db.execute(select(User).where(User.id.in_([i for i in user_ids if i]))).scalars()  # type: ignore[union-attr]
    }
    devices = dict(
        page.db.execute(
            select(Device.id, Device.name).where(Device.id.in_([d for d in device_ids if d]))
        ).all()  # type: ignore[attr-defined]
    )
    return users, devices


def record_context(page: Page, kind: str, row: SyncedRow) -> dict[str, Any]:
    """What the record and nil report pages share: history, review comments, names, campaign."""
    assert page.db is not None
    trail = history(page.db, kind, row.id)
    comments = list(
        page.db.execute(
            select(ReviewComment).where(ReviewComment.entity_id == row.id).order_by(ReviewComment.seq)  # type: ignore[arg-type]
        ).scalars()
    )
    people = {h.user_id for h in trail} | {c.updated_by for c in comments}
    users, devices = _names(page, people, {h.device_id for h in trail})
    campaign_id = getattr(row, "campaign_id", None)
    return {
        "row": row,
        "data": row.data,
        "agency": page.db.get(Agency, row.agency_code),
        "campaign": page.db.get(Campaign, campaign_id) if campaign_id else None,
        "history": trail,
        "users": users,
        "devices": devices,
        "comments": comments,
        "today": dt.date.today(),
    }


def _render(page: Page, rid: str, status: int = 200, **extra: Any) -> HTMLResponse:
    assert page.db is not None and page.principal is not None
    row = record_domain.get_record(page.db, page.principal, "file_record", rid)
    data = row.data
    refs = data.get("photos") or []
    stored = set(
        page.db.execute(select(Photo.sha256).where(Photo.sha256.in_([p["sha256"] for p in refs]))).scalars()  # type: ignore[attr-defined]
    )
    digitized = digitization.state_of(page.db, rid)
    view = None
    if page.is_staff and (row.conflicted or conflicts.open_revisions(page.db, "file_record", rid)):
        view = conflicts.conflict_view(page.db, page.principal, "file_record", rid)
    return page.render(
        "record.html",
        status=status,
        fonds=page.db.get(Fonds, row.fonds_id),  # type: ignore[attr-defined]
        fields=[(label_key, key, show_value(page, key, data)) for key, label_key in FIELD_ORDER],
        photos=[(p, p["sha256"] in stored) for p in refs],
        conflict=view,
        compare=_compare(page, view) if view else [],
        states=[ReviewState.APPROVED, ReviewState.SENT_BACK, ReviewState.REJECTED],
        can_review=page.is_staff,
        review_error=extra.pop("review_error", None),
        review_text=extra.pop("review_text", ""),
        digitization=digitized,
        digitized_on=digitization.accepted_day(digitized),
        **record_context(page, "file_record", row),
        **extra,
    )


def _compare(page: Page, view: conflicts.ConflictView) -> list[dict[str, Any]]:
    rows = []
    for key, label_key in FIELD_ORDER:
        current = show_value(page, key, view.current)
        others = [show_value(page, key, r.data) for r in view.revisions]
        rows.append({"label_key": label_key, "current": current, "others": others,
                     "changed": [o != current for o in others]})  # fmt: skip
    return rows


@router.get("/web/records/{rid}")
def record_page(rid: str, page: AnyUserPage) -> HTMLResponse:
    return _render(page, rid)


@router.post("/web/records/{rid}/review")
def review_record(rid: str, page: StaffPage) -> Response:
    """Approve, send back with a comment (reaches the tablet on its next pull) or reject."""
    assert page.db is not None and page.principal is not None
    state = next((s for s in ReviewState if s.value == page.field("state")), None)
    text = page.field("text")[:2000]
    if state is None or state == ReviewState.PENDING:
        raise PageError(400, "error.title")
    try:
        review.review(page.db, page.principal, "file_record", rid, state, text)
    except ValidationFailed as exc:
        page.db.rollback()
        message = exc.details[0].message.get(page.lang) if exc.details else exc.message.get(page.lang)
        return _render(page, rid, status=422, review_error=message, review_text=text)
    return page.redirect(f"/web/records/{rid}", f"rec.reviewed.{state.value}")


@router.post("/web/records/{rid}/digitized")
def mark_digitized(rid: str, page: StaffPage) -> Response:
    """Record the day the file was digitized, or clear it."""
    assert page.db is not None and page.principal is not None
    on: dt.date | None = None
    if not page.field("clear"):
        try:
            on = dt.date.fromisoformat(page.field("on"))
        except ValueError:
            return _render(page, rid, status=422, digitized_error=page.t("dig.bad_date"))
    try:
        digitization.mark_digitized(page.db, page.principal, [rid], on)
    except ValidationFailed as exc:
        page.db.rollback()
        message = exc.details[0].message.get(page.lang) if exc.details else exc.message.get(page.lang)
        return _render(page, rid, status=422, digitized_error=message)
    return page.redirect(f"/web/records/{rid}", "dig.saved")


@router.post("/web/records/{rid}/resolve")
def resolve_conflict(rid: str, page: StaffPage) -> Response:
    """Keep the server's copy or one incoming revision; the choice becomes the next version."""
    assert page.db is not None and page.principal is not None
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
    assert page.db is not None and page.principal is not None
    if not SHA_RE.match(sha256):
        raise PageError(404, "error.404")
    stored = page.db.get(Photo, sha256)
    if stored is None or not photo_domain.can_read(page.db, page.principal, sha256):
        raise PageError(404, "error.404")
    store, request = page.request.app.state.photos, page.request

    def failed(exc: SaoLuuError) -> Response:
        return error_page(request, http_status(exc), "error.title", [exc.message.get(page.lang)])

    if page.request.query_params.get("size") == "thumb":
        return DeferredResponse(lambda: thumbnails.thumbnail(store, sha256), "image/jpeg", failed, IMMUTABLE)
    return DeferredResponse(lambda: store.get(sha256), stored.mime, failed, IMMUTABLE)
