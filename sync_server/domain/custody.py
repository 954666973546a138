"""Custody of the originals (*giao nhận tài liệu*): boxes leave the repository for a batch of the
digitization plan and come back, by the code on their printed QR label.

The scan station reads a code (a USB scanner types the label's QR payload, ``SAOLUU:BOX:<code>``,
and Enter; or staff type the code) and checks the box out to a batch or back in. Every movement is a
row of the append-only register (:class:`~sync_server.models.BoxMovement`: who, when, from where to
where, the batch, the other party) and of the audit trail; :class:`~sync_server.models.BoxCustody`
says where each box is now (a box that never moved is in the repository).

Checking a box out sends its files that are planned (state ``planned``) out with it, to the batch;
checking it in changes no file's state: a file stays "out for scanning" until its master arrives.
A code that is malformed, matches no box of the survey, or asks for a box out that is already out (or
in that is not out) is refused with a message that says which.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from common.boxcode import parse_box_code
from common.dates import show_date
from common.errors import Conflict, NotFound, ValidationFailed, field_error
from common.tables import saved_id, table_of
from common.vocab import STAFF, BoxPlace, DigitizationState, Role
from sync_server.auth import Principal
from sync_server.domain.audit import audit, audit_many
from sync_server.domain.plan import get_batch
from sync_server.domain.sequence import lock_changes
from sync_server.models import (
    Agency,
    Box,
    BoxCustody,
    BoxMovement,
    FileDigitization,
    FileRecord,
    PlanBatch,
    User,
    utcnow,
)

CUSTODY_ROLES = STAFF | {Role.DIGITIZATION_OPERATOR}
OVERDUE_DAYS = 30
"""Boxes out longer than this are listed as overdue unless told otherwise."""
HISTORY = 20
TEXT_MAX = 200
NOTE_MAX = 2000


@dataclass(frozen=True)
class Movement:
    """One line of the register."""

    id: int
    code: str
    at: dt.datetime
    user: str | None
    from_place: BoxPlace
    to_place: BoxPlace
    batch_id: int | None
    batch_name: str | None
    counterpart: str
    note: str
    files: int


@dataclass(frozen=True)
class BoxWhere:
    """Where one box is now."""

    code: str
    agency_code: str
    agency_name: str
    place: BoxPlace
    batch_id: int | None
    batch_name: str | None
    since: dt.datetime | None
    """When it went where it is (None: it never moved)."""
    user: str | None
    counterpart: str
    days_out: int | None
    """Whole days out of the repository (None when in it)."""


@dataclass(frozen=True)
class BoxStatus:
    """A box as the scan station shows it after a scan: where it is, its files by digitization
    state, its last movements (latest first)."""

    box: BoxWhere
    files: int
    by_state: dict[str, int]
    movements: list[Movement]


def _code(text: str) -> str:
    """The box code of what was typed or scanned; refused if it cannot be one."""
    try:
        return str(parse_box_code(text))
    except ValueError:
        raise ValidationFailed([field_error("code", "bad_box_code", input=text.strip()[:80])]) from None


def _boxes(session: Session, code: str) -> list[Box]:
    """The survey's live boxes with this code (one, unless a box was recorded twice)."""
    rows = session.execute(
        select(Box).where(col(Box.code) == code, col(Box.deleted).is_(False)).order_by(col(Box.id))
    ).scalars()
    boxes = list(rows)
    if not boxes:
        raise NotFound(details=[field_error("code", "box_unknown", input=code)])
    return boxes


def _text(value: str, limit: int) -> str:
    return value.strip()[:limit]


def _move(
    session: Session,
    principal: Principal,
    code: str,
    boxes: list[Box],
    to: BoxPlace,
    batch: PlanBatch | None,
    counterpart: str,
    note: str,
    files: int,
) -> Movement:
    custody = session.get(BoxCustody, code)
    was = BoxPlace(custody.place) if custody is not None else BoxPlace.REPOSITORY
    now = utcnow()
    custody = custody or BoxCustody(code=code, place=to.value)
    custody.place, custody.batch_id, custody.since = to.value, batch.id if batch else None, now
    custody.user_id, custody.counterpart = principal.user_id, counterpart
    session.add(custody)
    row = BoxMovement(
        code=code,
        at=now,
        user_id=principal.user_id,
        from_place=was.value,
        to_place=to.value,
        batch_id=batch.id if batch else None,
        counterpart=counterpart,
        note=note,
        files=files,
    )
    session.add(row)
    session.flush()
    detail = {
        "from": was.value,
        "to": to.value,
        "batch": batch.id if batch else None,
        "code": code,
        "files": files,
    }
    for box in boxes:
        audit(
            session,
            principal,
            "box",
            box.id,
            f"custody:{to.value}",
            before=box.version,
            after=box.version,
            detail=detail,
        )
    session.commit()
    return _movements(session, [row])[0]


def check_out(
    session: Session, principal: Principal, code: str, batch_id: int, *, counterpart: str = "", note: str = ""
) -> Movement:
    """The box leaves the repository for batch ``batch_id``; its planned files go out with it."""
    principal.require_role(CUSTODY_ROLES)
    box_code = _code(code)
    lock_changes(session)
    boxes = _boxes(session, box_code)
    batch = get_batch(session, batch_id)
    custody = session.get(BoxCustody, box_code)
    if custody is not None and custody.place == BoxPlace.OUT:
        held = session.get(PlanBatch, custody.batch_id) if custody.batch_id else None
        since = show_date(custody.since, day_only=True)
        detail = field_error(
            "code", "box_already_out", input=box_code, batch=held.name if held else "?", since=since
        )
        raise Conflict(details=[detail])
    f, d = table_of(FileRecord).c, table_of(FileDigitization).c
    planned = session.execute(
        select(f.id, f.version)
        .join_from(table_of(FileRecord), table_of(FileDigitization), d.record_id == f.id)
        .where(
            f.box_id.in_([b.id for b in boxes]),
            f.deleted.is_(False),
            d.state == DigitizationState.PLANNED.value,
        )
    ).all()
    if planned:
        session.execute(
            update(table_of(FileDigitization))
            .where(d.record_id.in_([r.id for r in planned]))
            .values(state=DigitizationState.OUT.value, batch_id=batch.id, updated_at=utcnow())
        )
        moved = {"batch": batch.id, "box": box_code}
        audit_many(
            session,
            principal,
            "file_record",
            "digitization:out",
            ((r.id, r.version, moved) for r in planned),
        )
    files = len(planned)
    return _move(
        session,
        principal,
        box_code,
        boxes,
        BoxPlace.OUT,
        batch,
        _text(counterpart, TEXT_MAX),
        _text(note, NOTE_MAX),
        files,
    )


def check_in(
    session: Session, principal: Principal, code: str, *, counterpart: str = "", note: str = ""
) -> Movement:
    """The box is back in the repository."""
    principal.require_role(CUSTODY_ROLES)
    box_code = _code(code)
    lock_changes(session)
    boxes = _boxes(session, box_code)
    custody = session.get(BoxCustody, box_code)
    if custody is None or custody.place != BoxPlace.OUT:
        raise Conflict(details=[field_error("code", "box_not_out", input=box_code)])
    batch = session.get(PlanBatch, custody.batch_id) if custody.batch_id else None
    return _move(
        session,
        principal,
        box_code,
        boxes,
        BoxPlace.REPOSITORY,
        batch,
        _text(counterpart, TEXT_MAX),
        _text(note, NOTE_MAX),
        0,
    )


def _names(session: Session, key: Any, value: Any, ids: set[Any]) -> dict[Any, str]:
    ids.discard(None)
    if not ids:
        return {}
    return dict(session.execute(select(key, value).where(key.in_(sorted(ids)))).all())


def _movements(session: Session, rows: list[BoxMovement]) -> list[Movement]:
    users = _names(session, User.id, User.username, {r.user_id for r in rows})
    batches = _names(session, PlanBatch.id, PlanBatch.name, {r.batch_id for r in rows})
    return [
        Movement(
            id=saved_id(r),
            code=r.code,
            at=r.at,
            user=users.get(r.user_id),
            from_place=BoxPlace(r.from_place),
            to_place=BoxPlace(r.to_place),
            batch_id=r.batch_id,
            batch_name=batches.get(r.batch_id),
            counterpart=r.counterpart,
            note=r.note,
            files=r.files,
        )
        for r in rows
    ]


def _where_query() -> Any:
    b, c, a = table_of(Box).c, table_of(BoxCustody).c, table_of(Agency).c
    boxes = (
        select(b.code, func.min(b.agency_code).label("agency_code"))
        .where(b.deleted.is_(False))
        .group_by(b.code)
        .subquery()
    )
    return (
        (
            select(
                boxes.c.code,
                boxes.c.agency_code,
                a.name,
                c.place,
                c.batch_id,
                c.since,
                c.user_id,
                c.counterpart,
            ).select_from(
                boxes.outerjoin(table_of(BoxCustody), c.code == boxes.c.code).join(
                    table_of(Agency), a.code == boxes.c.agency_code
                )
            )
        ),
        boxes,
        c,
    )


def _where_rows(session: Session, query: Any, now: dt.datetime | None = None) -> list[BoxWhere]:
    rows = session.execute(query).all()
    now = now or utcnow()
    users = _names(session, User.id, User.username, {r.user_id for r in rows})
    batches = _names(session, PlanBatch.id, PlanBatch.name, {r.batch_id for r in rows})
    return [
        BoxWhere(
            code=r.code,
            agency_code=r.agency_code,
            agency_name=r.name,
            place=BoxPlace(r.place or BoxPlace.REPOSITORY.value),
            batch_id=r.batch_id,
            batch_name=batches.get(r.batch_id),
            since=r.since,
            user=users.get(r.user_id),
            counterpart=r.counterpart or "",
            days_out=(now - r.since).days if r.place == BoxPlace.OUT.value else None,
        )
        for r in rows
    ]


def where(
    session: Session,
    principal: Principal,
    *,
    place: BoxPlace | None = None,
    agency_code: str | None = None,
    batch_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[BoxWhere]:
    """Where every box is, by code (filtered by place, agency, batch)."""
    principal.require_role(CUSTODY_ROLES)
    query, boxes, c = _where_query()
    if place == BoxPlace.OUT:
        query = query.where(c.place == BoxPlace.OUT.value)
    elif place == BoxPlace.REPOSITORY:
        query = query.where((c.place.is_(None)) | (c.place == BoxPlace.REPOSITORY.value))
    if agency_code:
        query = query.where(boxes.c.agency_code == agency_code)
    if batch_id is not None:
        query = query.where(c.batch_id == batch_id, c.place == BoxPlace.OUT.value)
    return _where_rows(session, query.order_by(boxes.c.code).limit(limit).offset(offset))


def overdue(
    session: Session, principal: Principal, days: int = OVERDUE_DAYS, now: dt.datetime | None = None
) -> list[BoxWhere]:
    """Boxes out for longer than ``days``, the longest out first."""
    principal.require_role(CUSTODY_ROLES)
    query, boxes, c = _where_query()
    now = now or utcnow()
    query = query.where(c.place == BoxPlace.OUT.value, c.since < now - dt.timedelta(days=days))
    return _where_rows(session, query.order_by(c.since, boxes.c.code), now)


def status(session: Session, principal: Principal, code: str) -> BoxStatus:
    """One box: where it is, its files by digitization state, its last movements."""
    principal.require_role(CUSTODY_ROLES)
    box_code = _code(code)
    boxes = _boxes(session, box_code)
    query, found, _ = _where_query()
    box = _where_rows(session, query.where(found.c.code == box_code))[0]
    f, d = table_of(FileRecord).c, table_of(FileDigitization).c
    counts = session.execute(
        select(d.state, func.count())
        .select_from(table_of(FileRecord).outerjoin(table_of(FileDigitization), d.record_id == f.id))
        .where(f.box_id.in_([b.id for b in boxes]), f.deleted.is_(False))
        .group_by(d.state)
    ).all()
    by_state = {state or "": int(n) for state, n in counts}
    last = (
        select(BoxMovement)
        .where(col(BoxMovement.code) == box_code)
        .order_by(col(BoxMovement.id).desc())
        .limit(HISTORY)
    )
    movements = _movements(session, list(session.execute(last).scalars()))
    return BoxStatus(box, sum(by_state.values()), by_state, movements)


def box_agencies(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """The agencies that have boxes (code, name), by code: what the station's list filters by."""
    principal.require_role(CUSTODY_ROLES)
    b, a = table_of(Box).c, table_of(Agency).c
    query = (
        select(a.code, a.name)
        .where(a.code.in_(select(b.agency_code).where(b.deleted.is_(False)).distinct()))
        .order_by(a.code)
    )
    return [(code, name) for code, name in session.execute(query).all()]
