"""Digitization: the archive centre marks file records digitized (or not), one or many at a time.

The day is kept on the record (``digitized_on``) for the yearly report and the handover catalogue;
it is the centre's own fact about the file, so it is not part of the tablet's data, does not change
the record's version and does not travel to tablets. Every change is in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlmodel import Session, col

from common.errors import SaoLuuError, ValidationFailed, field_error
from common.vocab import Role
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.sequence import lock_changes
from sync_server.models import FileRecord

MAX_IDS = 1000
STAFF = frozenset({Role.ADMIN, Role.REVIEWER})


def mark_digitized(
    session: Session, principal: Principal, ids: list[str], on: dt.date | None, *, keep_earlier: bool = False
) -> int:
    """Set (``on``) or clear (None) the digitization day of live file records; returns how many
    changed. ``keep_earlier``: records already marked keep their day (a bulk "digitized today").
    Unknown ids are refused all together, and nothing is written."""
    if principal.role not in STAFF:
        raise SaoLuuError("forbidden", 403)
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise ValidationFailed([field_error("ids", "missing")])
    if len(wanted) > MAX_IDS:
        raise ValidationFailed([field_error("ids", "too_many_items", max_length=MAX_IDS)])
    if on is not None and on > dt.date.today() + dt.timedelta(days=1):
        raise ValidationFailed([field_error("on", "in_future", input=on.isoformat())])
    lock_changes(session)
    t = FileRecord.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select(t.c.id, t.c.version, t.c.digitized_on).where(col(t.c.id).in_(wanted), t.c.deleted.is_(False))
    ).all()
    found = {r.id: r for r in rows}
    unknown = [rid for rid in wanted if rid not in found]
    if unknown:
        raise ValidationFailed([field_error("ids", "unknown_reference", input=unknown[0])])
    changed = [r for r in rows if r.digitized_on != on and not (keep_earlier and r.digitized_on)]
    if changed:
        session.execute(update(t).where(col(t.c.id).in_([r.id for r in changed])).values(digitized_on=on))
    for r in changed:
        audit(
            session,
            principal,
            "file_record",
            r.id,
            "digitized" if on else "digitized:cleared",
            before=r.version,
            after=r.version,
            detail={
                "on": on.isoformat() if on else None,
                "was": r.digitized_on and r.digitized_on.isoformat(),
            },
        )
    session.commit()
    return len(changed)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
