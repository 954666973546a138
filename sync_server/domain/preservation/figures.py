"""What the dashboard and the yearly report count of copies, fixity and handovers.

A master is *verified on a set* when the latest verification of a copy of that set holding it found
it intact; a file is protected once its accepted master is verified on two sets or more (Circular
02/2019 asks for at least two backup sets). A file is *handed over* once it is in a handover
whose package was produced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlmodel import Session, col

from common.tables import table_of
from common.vocab import CheckResult, CopyState, DigitizationState
from sync_server.domain.exports.tables import verified_sets
from sync_server.domain.preservation import fixity
from sync_server.models import (
    CopyCheck,
    CopySet,
    CopyWrite,
    FileDigitization,
    FileRecord,
    Fonds,
    Handover,
    HandoverItem,
)

SETS_WANTED = 2


@dataclass(frozen=True)
class Figures:
    sets: int
    copies_written: int
    copies_verified: int
    """Copies whose latest verification found them intact."""
    masters: int
    """Files accepted with a master."""
    protected: int
    """Of those, verified on at least two sets."""
    handovers: int
    handed_over: int
    fixity_problems: int
    fixity_last: dt.datetime | None
    """When the latest fixity run started (None: never run)."""

    @property
    def unprotected(self) -> int:
        return self.masters - self.protected


def _accepted() -> Select[Any]:
    d, f = table_of(FileDigitization).c, table_of(FileRecord).c
    return (
        select(d.record_id, d.master_sha256)
        .join_from(table_of(FileDigitization), table_of(FileRecord), f.id == d.record_id)
        .where(
            d.state == DigitizationState.ACCEPTED.value, d.master_sha256.is_not(None), f.deleted.is_(False)
        )
    )


def unprotected_files(session: Session, limit: int = 100) -> list[tuple[str, int]]:
    """Files accepted with a master verified on fewer than two sets: (record id, sets), fewest first."""
    accepted = _accepted().subquery()
    sets = verified_sets(accepted.c.master_sha256).label("sets")
    query = select(accepted.c.record_id, sets).where(sets < SETS_WANTED).order_by(sets, accepted.c.record_id)
    return [(rid, n) for rid, n in session.execute(query.limit(limit))]


def _copies_verified(session: Session) -> int:
    c = table_of(CopyCheck).c
    latest = select(func.max(c.id)).group_by(c.write_id).scalar_subquery()
    return int(
        session.execute(
            select(func.count()).where(c.id.in_(latest), c.result == CheckResult.OK.value)
        ).scalar_one()
    )


def _masters(session: Session) -> tuple[int, int]:
    """Files accepted with a master, and how many of them are verified on two sets or more."""
    accepted = _accepted().subquery()
    per_file = select(verified_sets(accepted.c.master_sha256).label("sets")).select_from(accepted).subquery()
    protected = func.sum(case((per_file.c.sets >= SETS_WANTED, 1), else_=0))
    masters, n = session.execute(
        select(func.count(), func.coalesce(protected, 0)).select_from(per_file)
    ).one()
    return int(masters), int(n)


def figures(session: Session) -> Figures:
    """Every figure, read from the tables (a few aggregate queries)."""
    masters, protected = _masters(session)
    packaged = col(Handover.package_sha256).is_not(None)
    handed = select(func.count(func.distinct(HandoverItem.record_id))).join(
        Handover, col(Handover.id) == col(HandoverItem.handover_id)
    )
    last = fixity.last_run(session)
    return Figures(
        sets=int(session.execute(select(func.count()).select_from(CopySet)).scalar_one()),
        copies_written=int(
            session.execute(
                select(func.count()).where(col(CopyWrite.state) == CopyState.WRITTEN.value)
            ).scalar_one()
        ),
        copies_verified=_copies_verified(session),
        masters=masters,
        protected=protected,
        handovers=int(session.execute(select(func.count()).select_from(Handover)).scalar_one()),
        handed_over=int(session.execute(handed.where(packaged)).scalar_one()),
        fixity_problems=fixity.problem_count(session),
        fixity_last=last.started_at if last else None,
    )


@dataclass(frozen=True)
class ShortFile:
    """A file accepted with a master verified on fewer than two sets, as a page lists it."""

    record_id: str
    agency_code: str
    fonds_number: str
    file_no: str
    title: str
    sets: int


def short_files(session: Session, limit: int = 100) -> list[ShortFile]:
    """:func:`unprotected_files` with what names each file (agency, fonds, file number, title)."""
    found = unprotected_files(session, limit)
    f, fo = table_of(FileRecord).c, table_of(Fonds).c
    rows = {
        r.id: r
        for r in session.execute(
            select(f.id, f.agency_code, fo.number, f.file_no, f.title)
            .join_from(table_of(FileRecord), table_of(Fonds), fo.id == f.fonds_id)
            .where(f.id.in_([rid for rid, _ in found]))
        )
    }
    return [
        ShortFile(rid, r.agency_code, r.number, r.file_no, r.title, n)
        for rid, n in found
        if (r := rows.get(rid)) is not None
    ]


def by_verified_sets(session: Session) -> dict[int, int]:
    """Files accepted with a master by how many sets hold it verified: ``{0: …, 1: …, 2: …}`` (2: or more)."""
    accepted = _accepted().subquery()
    n = verified_sets(accepted.c.master_sha256)
    bucket = case((n >= SETS_WANTED, SETS_WANTED), else_=n).label("bucket")
    per_file = select(bucket).select_from(accepted).subquery()
    counts = dict(session.execute(select(per_file.c.bucket, func.count()).group_by(per_file.c.bucket)).all())
    return {k: int(counts.get(k, 0)) for k in range(SETS_WANTED + 1)}
