"""Digitization of file records: each file's state, its master, its acceptance.

A file moves planned → out for scanning → scanned → accepted / rescan
(:class:`common.vocab.DigitizationState`). The state is kept in :class:`FileDigitization`, beside the
synced record: it is the archive centre's own fact about the file, so it never changes the record's
version and never travels to tablets. A file without a row has not entered digitization. Every
change is in the audit trail (entity ``file_record``, the record's version before = after).

Staff accept a file (the quality check, or a file digitized before SaoLuu held its master) with the
day of acceptance: that day is what the yearly report and the handover catalogue count as
"digitized on".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from common.errors import NotAllowed, ValidationFailed, field_error
from common.tables import table_of
from common.vocab import STAFF, DigitizationState
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.sequence import lock_changes
from sync_server.models import FileDigitization, FileRecord, utcnow

MAX_IDS = 1000
S = DigitizationState


def _staff(principal: Principal) -> None:
    if principal.role not in STAFF:
        raise NotAllowed()


def state_of(session: Session, record_id: str) -> FileDigitization | None:
    """The file's digitization row, or None if it has not entered digitization."""
    return session.get(FileDigitization, record_id)


def accepted_day(row: FileDigitization | None) -> dt.date | None:
    """The day the file was accepted as digitized, if it is."""
    return row.accepted_on if row is not None and row.state == S.ACCEPTED else None


def mark_digitized(
    session: Session, principal: Principal, ids: list[str], on: dt.date | None, *, keep_earlier: bool = False
) -> int:
    """Accept live file records as digitized on ``on``, or withdraw the acceptance (None); returns
    how many changed. ``keep_earlier``: files already accepted keep their day (a bulk "digitized
    today"). Unknown ids are refused all together, and nothing is written.

    Withdrawing an acceptance returns a file with a master to "scanned" (awaiting its check), a file
    without one to its plan year (state "planned"), or out of digitization if it was never planned."""
    _staff(principal)
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise ValidationFailed([field_error("ids", "missing")])
    if len(wanted) > MAX_IDS:
        raise ValidationFailed([field_error("ids", "too_many_items", max_length=MAX_IDS)])
    if on is not None and on > dt.date.today() + dt.timedelta(days=1):
        raise ValidationFailed([field_error("on", "in_future", input=on.isoformat())])
    lock_changes(session)
    f = table_of(FileRecord).c
    records = session.execute(
        select(f.id, f.version, f.agency_code).where(col(f.id).in_(wanted), f.deleted.is_(False))
    ).all()
    found = {r.id: r for r in records}
    unknown = [rid for rid in wanted if rid not in found]
    if unknown:
        raise ValidationFailed([field_error("ids", "unknown_reference", input=unknown[0])])
    rows = {
        d.record_id: d
        for d in session.execute(
            select(FileDigitization).where(col(FileDigitization.record_id).in_(wanted))
        ).scalars()
    }
    now = utcnow()
    changed = 0
    for r in records:
        row = rows.get(r.id)
        accepted = row is not None and row.state == S.ACCEPTED
        was = row.accepted_on if row is not None and accepted else None
        if on is not None:
            if (accepted and keep_earlier) or (accepted and was == on):
                continue
            if row is None:
                row = FileDigitization(record_id=r.id, agency_code=r.agency_code, state=S.ACCEPTED.value)
            row.state, row.accepted_on = S.ACCEPTED.value, on
            row.checked_at, row.checked_by, row.check_reason = now, principal.user_id, None
            row.updated_at = now
            session.add(row)
        else:
            if row is None or not accepted:
                continue
            if row.master_sha256 is None and row.plan_year is None:
                session.delete(row)
            elif row.master_sha256 is None:  # back to its place in the plan
                row.state, row.accepted_on, row.updated_at = S.PLANNED.value, None, now
                session.add(row)
            else:
                row.state, row.accepted_on, row.updated_at = S.SCANNED.value, None, now
                session.add(row)
        changed += 1
        audit(
            session,
            principal,
            "file_record",
            r.id,
            "digitized" if on else "digitized:cleared",
            before=r.version,
            after=r.version,
            detail={"on": on.isoformat() if on else None, "was": was.isoformat() if was else None},
        )
    session.commit()
    return changed


def send_for_rescan(session: Session, principal: Principal, record_id: str, reason: str) -> FileDigitization:
    """The quality check found the master wanting: the file goes back to be scanned again, with the
    reason. Its current master stays stored; a new one replaces it when delivered."""
    _staff(principal)
    if not reason.strip():
        raise ValidationFailed([field_error("reason", "missing")])
    lock_changes(session)
    record = session.get(FileRecord, record_id)
    row = session.get(FileDigitization, record_id)
    if record is None or record.deleted:
        raise ValidationFailed([field_error("id", "unknown_reference", input=record_id)])
    if row is None or row.master_sha256 is None:
        raise ValidationFailed([field_error("id", "unknown_reference", input="master")])
    was = row.state
    now = utcnow()
    row.state, row.accepted_on, row.updated_at = S.RESCAN.value, None, now
    row.checked_at, row.checked_by, row.check_reason = now, principal.user_id, reason.strip()[:2000]
    session.add(row)
    audit(
        session,
        principal,
        "file_record",
        record_id,
        "digitization:rescan",
        before=record.version,
        after=record.version,
        detail={"reason": row.check_reason, "was": was, "master": row.master_sha256},
    )
    session.commit()
    session.refresh(row)
    return row


@dataclass(frozen=True)
class MasterDecision:
    """What a delivered master does to a file: store it (``replaces`` the master it had, if any),
    nothing (``held``: the file already has these bytes), or nothing because it is refused."""

    store: bool
    held: bool = False
    replaces: str | None = None
    refusal: str | None = None

    @property
    def refused(self) -> bool:
        return self.refusal is not None


def master_decision(row: FileDigitization | None, sha256: str) -> MasterDecision:
    """May ``sha256`` become the master of the file whose digitization row is ``row``?

    A file without a master takes it; the same bytes again are already held; a different master
    replaces the one held only after the quality check asked for a rescan."""
    if row is None or row.master_sha256 is None:
        return MasterDecision(store=True)
    if row.master_sha256 == sha256:
        return MasterDecision(store=False, held=True)
    if row.state == S.RESCAN:
        return MasterDecision(store=True, replaces=row.master_sha256)
    return MasterDecision(store=False, refusal="scan_other_master")


def attach_master(
    session: Session,
    actor: Principal | None,
    record: FileRecord,
    row: FileDigitization | None,
    sha256: str,
    run_id: int | None,
    detail: dict[str, object],
) -> FileDigitization:
    """Make ``sha256`` (a stored :class:`~sync_server.models.ScanMaster`) the file's master, in the
    caller's transaction (``master_decision`` said store). The file is then scanned, awaiting its
    quality check; a file already accepted without a master (marked digitized before masters were
    held) keeps its acceptance."""
    now = utcnow()
    if row is None:
        row = FileDigitization(record_id=record.id, agency_code=record.agency_code, state=S.SCANNED.value)
    was, replaced = row.state, row.master_sha256
    if not (row.state == S.ACCEPTED and row.master_sha256 is None):
        row.state, row.accepted_on = S.SCANNED.value, None
        row.checked_at = row.checked_by = row.check_reason = None
    row.master_sha256 = sha256
    row.ingested_at, row.ingested_by, row.ingest_run_id = now, actor.user_id if actor else None, run_id
    row.updated_at = now
    session.add(row)
    audit(
        session,
        actor,
        "file_record",
        record.id,
        "digitization:master",
        before=record.version,
        after=record.version,
        detail={**detail, "sha256": sha256, "replaces": replaced, "was": was, "state": row.state},
    )
    return row
