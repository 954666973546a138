"""Insurance copy sets (*bộ sao bảo hiểm*): registered by staff with their number, medium and
place; Circular 02/2019 asks for at least two, kept apart. Every change is audited (``copy_set``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, StringConstraints
from sqlalchemy import func, select
from sqlmodel import Session, col

from common.errors import NotAllowed, NotFound, ValidationFailed, field_error
from common.schemas import NoNul
from common.tables import table_of
from common.vocab import STAFF, CheckResult, CopyMedium, CopyState
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.models import CopyCheck, CopyItem, CopySet, CopyWrite

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


def require_staff(principal: Principal | None) -> None:
    """The command line (None) and staff may act on copies and handovers."""
    if principal is not None and principal.role not in STAFF:
        raise NotAllowed()


class CopySetIn(NoNul):
    """A set as staff register or correct it."""

    number: Annotated[int, Field(ge=1, le=999)]
    name: Text
    """e.g. "Bộ 1 — ổ cứng, kho A"."""
    medium: CopyMedium
    location: Place
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


@dataclass(frozen=True)
class SetLine:
    """A set with what it holds: copies written, masters on it and how many verified intact."""

    set: CopySet
    copies: int
    masters: int
    verified: int
    last_written: dt.datetime | None
    last_checked: dt.datetime | None


def get_set(session: Session, number: int) -> CopySet:
    found = session.execute(select(CopySet).where(col(CopySet.number) == number)).scalars().first()
    if found is None:
        raise NotFound(details=[field_error("set", "unknown_reference", input=str(number))])
    return found


def register_set(session: Session, principal: Principal | None, data: CopySetIn) -> CopySet:
    """Register a new set under a number no other set has."""
    require_staff(principal)
    if session.execute(select(col(CopySet.id)).where(col(CopySet.number) == data.number)).first():
        raise ValidationFailed([field_error("number", "copy_set_taken", input=str(data.number))])
    row = CopySet(**data.model_dump(), created_by=principal.user_id if principal else None)
    session.add(row)
    session.flush()
    audit(session, principal, "copy_set", str(row.id), "create", detail=data.model_dump(mode="json"))
    session.commit()
    session.refresh(row)
    return row


def edit_set(session: Session, principal: Principal | None, number: int, data: CopySetIn) -> CopySet:
    """Correct a set's name, medium, place or note (its number stays)."""
    require_staff(principal)
    row = get_set(session, number)
    if data.number != number:
        raise ValidationFailed([field_error("number", "invalid", input=str(data.number))])
    was = {k: getattr(row, k) for k in ("name", "medium", "location", "note")}
    wanted = data.model_dump(exclude={"number"})
    if was != wanted:
        for key, value in wanted.items():
            setattr(row, key, value)
        session.add(row)
        changed = {k: v for k, v in was.items() if wanted[k] != v}
        audit(session, principal, "copy_set", str(row.id), "update", detail={"was": changed})
        session.commit()
        session.refresh(row)
    return row


def list_sets(session: Session) -> list[SetLine]:
    """Every set, by number, with its figures."""
    w, i = table_of(CopyWrite).c, table_of(CopyItem).c
    written = w.state == CopyState.WRITTEN.value
    copies = dict(session.execute(select(w.set_id, func.count()).where(written).group_by(w.set_id)).all())
    last = dict(
        session.execute(select(w.set_id, func.max(w.finished_at)).where(written).group_by(w.set_id)).all()
    )
    on_set = (
        select(
            w.set_id,
            func.count(func.distinct(i.sha256)),
            func.max(i.checked_at),
        )
        .join_from(table_of(CopyItem), table_of(CopyWrite), w.id == i.write_id)
        .where(written)
        .group_by(w.set_id)
    )
    masters = {s: (n, at) for s, n, at in session.execute(on_set)}
    verified = dict(
        session.execute(
            select(w.set_id, func.count(func.distinct(i.sha256)))
            .join_from(table_of(CopyItem), table_of(CopyWrite), w.id == i.write_id)
            .where(i.result == CheckResult.OK.value)
            .group_by(w.set_id)
        ).all()
    )
    out = []
    for row in session.execute(select(CopySet).order_by(col(CopySet.number))).scalars():
        n, checked = masters.get(row.id, (0, None))
        out.append(SetLine(row, copies.get(row.id, 0), n, verified.get(row.id, 0), last.get(row.id), checked))
    return out


@dataclass(frozen=True)
class CopyLine:
    """One copy written (or being written) to a set, with its latest verification, if any."""

    id: int
    set_id: int
    target: str
    state: str
    files: int
    bytes: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    checked_at: dt.datetime | None
    result: str | None
    """:class:`common.vocab.CheckResult` of the latest verification; None: never verified."""
    problems: int


def copies_by_set(session: Session) -> dict[int, list[CopyLine]]:
    """Every copy by set id, the latest first, each with what its latest verification found."""
    c = table_of(CopyCheck).c
    latest_ids = select(func.max(c.id)).group_by(c.write_id).scalar_subquery()
    checks = {
        ch.write_id: ch for ch in session.execute(select(CopyCheck).where(c.id.in_(latest_ids))).scalars()
    }
    out: dict[int, list[CopyLine]] = {}
    for w in session.execute(select(CopyWrite).order_by(col(CopyWrite.id).desc())).scalars():
        assert w.id is not None
        ch = checks.get(w.id)
        out.setdefault(w.set_id, []).append(
            CopyLine(
                w.id,
                w.set_id,
                w.target,
                w.state,
                w.files,
                w.bytes,
                w.started_at,
                w.finished_at,
                ch.at if ch else None,
                ch.result if ch else None,
                len(ch.problems or []) if ch else 0,
            )
        )
    return out
