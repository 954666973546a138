"""The digitization plan 2026–2033: files of approved lists assigned to plan years and batches.

A **suggestion** orders the files of approved lists not yet in digitization by risk and fills each
year up to a capacity in pages. It is deterministic and every step can be told:

1. a file's risk is, most urgent first: its worst damage severity (4 → 0), its worst readability
   (partly readable before fully), rare, damaged (the criteria), older (its start year; unknown
   last). A file hard to read is left out and counted: conservation comes before its digitization
   (staff put it in the plan with a move once it is conserved);
2. the files of one box travel together (the box leaves the repository whole): a box's risk is its
   most urgent file's, its pages their sum; a file outside any box travels alone;
3. boxes, most urgent first (ties: agency, fonds, box), each go to the earliest year, from the first
   year asked, that still has room for all their pages next to what is already planned there; a box
   that fits no year stays out of the plan (reported as not placed).

Pages are the record's pages, else two per leaf; a file with neither counts none (reported).
Applying a suggestion computes it again under the change lock and writes it: each placed file gets a
``planned`` digitization row with its year, audited. Staff then move files, or every listed file of
a fonds, between years and batches; a file that has gone out, been scanned or accepted stays where
it is.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from common.errors import NotFound, ValidationFailed, field_error
from common.tables import saved_id, table_of
from common.vocab import STAFF, BoxPlace, Criterion, DigitizationState, Lang, Readability, Role, Severity
from sync_server.auth import Principal
from sync_server.domain.audit import audit, audit_many
from sync_server.domain.bulk import bulk_insert
from sync_server.domain.exports import tables as t
from sync_server.domain.exports.plan_figures import (
    FIRST_YEAR,
    LAST_YEAR,
    PLAN_YEARS,
    PlanProgress,
    plan_progress,
)
from sync_server.domain.sequence import lock_changes
from sync_server.models import ApprovedListItem, BoxCustody, FileDigitization, FileRecord, PlanBatch, utcnow

BATCH_READERS = STAFF | {Role.DIGITIZATION_OPERATOR}
"""Who sees the batches (the scan station checks boxes out to them)."""
MAX_IDS = 1000
READABILITY_RANK = {Readability.FULL.value: 0, Readability.PARTIAL.value: 1, Readability.DIFFICULT.value: 2}
READABILITY_BY_RANK = {rank: Readability(code) for code, rank in READABILITY_RANK.items()}
UNKNOWN_AGE = 10_000
S = DigitizationState

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "PLAN_YEARS",
    "BatchView",
    "Candidate",
    "MoveResult",
    "PlanProgress",
    "Suggestion",
    "YearLoad",
    "apply",
    "batches",
    "create_batch",
    "listed_fonds",
    "move",
    "progress",
    "suggest",
]


class Candidate(NamedTuple):
    """A file of an approved list not yet in digitization, with what decides its risk (a tuple: a
    hundred thousand of them are made per suggestion)."""

    record_id: str
    agency_code: str
    fonds_id: str
    box_id: str | None
    version: int
    file_no: str
    pages: int
    pages_known: bool
    severity: int
    readability: int
    """0 fully readable, 1 partly, 2 hard to read (the worst of its damages)."""
    rare: bool
    damaged: bool
    start_year: int | None
    conservation: bool = False
    """Hard to read: conservation comes first, the suggestion leaves it out."""
    fonds_no: str = ""
    box_code: str = ""

    @property
    def risk(self) -> tuple[int, int, int, int, int]:
        """Sorts most urgent first."""
        return (
            -self.severity,
            -self.readability,
            -self.rare,
            -self.damaged,
            UNKNOWN_AGE if self.start_year is None else self.start_year,
        )

    def reasons(self, lang: Lang = "vi") -> list[str]:
        """Why the file ranks where it does, in words."""
        out = []
        if self.severity:
            out.append(f"{Severity(self.severity).label(lang)} ({self.severity}/4)")
        if self.readability:
            out.append(READABILITY_BY_RANK[self.readability].label(lang))
        if self.rare:
            out.append("Quý, hiếm" if lang == "vi" else "Rare")
        if self.damaged:
            out.append(Criterion.DAMAGED.label(lang))
        if self.start_year is not None:
            out.append(f"{'từ năm' if lang == 'vi' else 'from'} {self.start_year}")
        return out


class SuggestedFile(NamedTuple):
    candidate: Candidate
    year: int | None
    """None: it fitted no year."""
    rank: int
    """Its box's place in the risk order (1 = most urgent)."""


@dataclass(frozen=True)
class YearLoad:
    """A plan year: its capacity, what was planned before, what the suggestion adds."""

    year: int
    capacity: int
    planned_files: int
    planned_pages: int
    new_files: int = 0
    new_pages: int = 0

    @property
    def free(self) -> int:
        return max(self.capacity - self.planned_pages - self.new_pages, 0)


@dataclass(frozen=True)
class Suggestion:
    years: list[YearLoad]
    files: list[SuggestedFile]
    """Every candidate in risk order, with the year it goes to."""
    unplaced_files: int
    unplaced_pages: int
    unknown_pages: int
    """Candidates with neither pages nor leaves recorded (counted as no pages)."""
    conservation: int = 0
    """Listed files left out because they are hard to read (conservation first)."""

    @property
    def placed(self) -> list[SuggestedFile]:
        return [f for f in self.files if f.year is not None]


def _check_year(year: int, name: str = "year") -> None:
    if year not in PLAN_YEARS:
        raise ValidationFailed([field_error(name, "plan_year", ge=FIRST_YEAR, le=LAST_YEAR)])


def _candidates_query() -> Select[Any]:
    f, i, d = t.file_record.c, t.approved_list_item.c, t.file_digitization.c
    return (
        select(
            f.id,
            f.agency_code,
            f.fonds_id,
            f.box_id,
            f.version,
            f.file_no,
            t.estimated_pages,
            f.pages.is_not(None) | f.leaves.is_not(None),
            f.max_severity,
            f.conservation,
            f.criteria,
            f.data["start_date"].as_string(),
        )
        .select_from(
            t.approved_list_item.join(t.file_record, f.id == i.record_id).outerjoin(
                t.file_digitization, d.record_id == f.id
            )
        )
        .where(d.record_id.is_(None), f.deleted.is_(False))
    )


def _worst_readability(session: Session) -> dict[str, int]:
    """Per file with a damage not fully readable, its worst readability rank (no row: fully)."""
    d = t.file_damage.c
    worst: dict[str, int] = {}
    query = select(d.record_id, d.readability).where(d.readability != Readability.FULL.value)
    for rid, readability in session.connection().execute(query).all():
        rank = READABILITY_RANK.get(readability, 0)
        if rank > worst.get(rid, 0):
            worst[rid] = rank
    return worst


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a hundred thousand tuples are made (they hold no cycles):
    each collection walks every live object, and made the work three times longer."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def candidates(session: Session) -> list[Candidate]:
    """Files of approved lists that have not entered digitization (no digitization row). The
    query reads the file records only; readability, fonds numbers and box codes come from their
    own small reads (a join or a subquery per file cost more than the rest together)."""
    worst = _worst_readability(session)
    fonds = dict(session.execute(select(t.fonds.c.id, t.fonds.c.number)).all())
    boxes = dict(session.execute(select(t.box.c.id, t.box.c.code)).all())
    damaged, rare = Criterion.DAMAGED.value, Criterion.RARE.value
    out = []
    for row in session.connection().execute(_candidates_query()).all():
        rid, agency, fonds_id, box, version, file_no, pages, known, severity, conservation, codes, start = row
        codes = codes or ""  # "damaged,permanent": no code is part of another
        year = int(start[:4]) if start and start[:4].isdigit() else None
        out.append(
            Candidate(
                rid,
                agency,
                fonds_id,
                box,
                version,
                file_no,
                pages or 0,
                bool(known),
                severity or 0,
                worst.get(rid, 0),
                rare in codes,
                damaged in codes,
                year,
                bool(conservation),
                fonds.get(fonds_id, ""),
                boxes.get(box, "") if box else "",
            )
        )
    return out


def _planned_per_year(session: Session) -> dict[int, tuple[int, int]]:
    d, f = t.file_digitization.c, t.file_record.c
    query = (
        select(d.plan_year, func.count(), func.sum(t.estimated_pages))
        .select_from(t.file_digitization.join(t.file_record, f.id == d.record_id))
        .where(d.plan_year.is_not(None))
        .group_by(d.plan_year)
    )
    return {y: (int(n), int(p or 0)) for y, n, p in session.execute(query)}


def _capacities(capacity: int, overrides: Mapping[int, int] | None, first: int) -> dict[int, int]:
    if capacity < 0:
        raise ValidationFailed([field_error("capacity", "too_small", ge=0)])
    out = {y: capacity for y in PLAN_YEARS if y >= first}
    for year, pages in (overrides or {}).items():
        _check_year(year, "capacities")
        if pages < 0:
            raise ValidationFailed([field_error("capacities", "too_small", ge=0)])
        if year >= first:
            out[year] = pages
    return out


def place(
    files: Iterable[Candidate], capacities: Mapping[int, int], planned: Mapping[int, tuple[int, int]]
) -> Suggestion:
    """The suggestion for ``files`` (pure: no database), given each year's capacity in pages and
    what is already planned there (files, pages). See the module docstring for the rule."""
    units: dict[tuple[str, str, str], list[tuple[tuple[int, ...], str, Candidate]]] = {}
    conservation = 0
    for c in files:
        if c.conservation:
            conservation += 1
            continue
        key = (c.agency_code, c.fonds_id, c.box_id or "~" + c.record_id)  # "~": loose files after boxes
        members = units.get(key)
        if members is None:
            members = units[key] = []
        members.append((c.risk, c.record_id, c))
    for members in units.values():
        members.sort()
    order = sorted(units.items(), key=lambda unit: (unit[1][0][0], unit[0]))  # its most urgent file
    years = sorted(capacities)
    free = {y: capacities[y] - planned.get(y, (0, 0))[1] for y in years}
    added = {y: [0, 0] for y in years}
    out: list[SuggestedFile] = []
    unplaced = [0, 0]
    for rank, (_, members) in enumerate(order, 1):
        pages = sum(c.pages for _, _, c in members)
        year = next((y for y in years if free[y] >= pages), None)
        if year is None:
            unplaced[0] += len(members)
            unplaced[1] += pages
        else:
            free[year] -= pages
            added[year][0] += len(members)
            added[year][1] += pages
        out.extend(SuggestedFile(c, year, rank) for _, _, c in members)
    loads = [
        YearLoad(y, capacities[y], *planned.get(y, (0, 0)), new_files=added[y][0], new_pages=added[y][1])
        for y in years
    ]
    unknown = sum(1 for f in out if not f.candidate.pages_known)
    return Suggestion(loads, out, unplaced[0], unplaced[1], unknown, conservation)


def suggest(
    session: Session,
    principal: Principal,
    capacity: int,
    *,
    capacities: Mapping[int, int] | None = None,
    from_year: int | None = None,
) -> Suggestion:
    """A plan for the files of approved lists not yet in it: ``capacity`` pages a year (``capacities``
    overrides single years), from ``from_year`` (default: this year, at least 2026) to 2033.
    Nothing is written."""
    principal.require_role(STAFF)
    first = from_year if from_year is not None else min(max(dt.date.today().year, FIRST_YEAR), LAST_YEAR)
    _check_year(first, "from_year")
    caps = _capacities(capacity, capacities, first)
    planned = _planned_per_year(session)
    with _gc_paused():
        return place(candidates(session), caps, planned)


def apply(
    session: Session,
    principal: Principal,
    capacity: int,
    *,
    capacities: Mapping[int, int] | None = None,
    from_year: int | None = None,
) -> Suggestion:
    """Compute the suggestion again under the change lock and put its placed files in the plan."""
    principal.require_role(STAFF)
    lock_changes(session)
    result = suggest(session, principal, capacity, capacities=capacities, from_year=from_year)
    now = utcnow()
    rows = [
        {
            "record_id": f.candidate.record_id,
            "agency_code": f.candidate.agency_code,
            "state": S.PLANNED.value,
            "plan_year": f.year,
            "planned_at": now,
            "planned_by": principal.user_id,
            "updated_at": now,
        }
        for f in result.placed
    ]
    bulk_insert(session.connection(), table_of(FileDigitization), rows)
    audit_many(
        session,
        principal,
        "file_record",
        "digitization:planned",
        (
            (f.candidate.record_id, f.candidate.version, {"year": f.year, "suggested": True})
            for f in result.placed
        ),
    )
    session.commit()
    return result


@dataclass(frozen=True)
class MoveResult:
    added: int
    """Files that entered the plan."""
    moved: int
    unchanged: int
    skipped: int
    """Files already out, scanned or accepted (they stay where they are)."""


def _batch(session: Session, batch_id: int | None, year: int) -> PlanBatch | None:
    if batch_id is None:
        return None
    batch = session.get(PlanBatch, batch_id)
    if batch is None:
        raise ValidationFailed([field_error("batch_id", "unknown_reference", input=batch_id)])
    if batch.year != year:
        raise ValidationFailed(
            [field_error("batch_id", "batch_other_year", input=batch.name, year=batch.year)]
        )
    return batch


def move(
    session: Session,
    principal: Principal,
    year: int,
    *,
    record_ids: list[str] | None = None,
    fonds_id: str | None = None,
    batch_id: int | None = None,
) -> MoveResult:
    """Put files of approved lists — ``record_ids``, or every listed file of ``fonds_id`` — in plan
    year ``year`` (and batch ``batch_id``, else none). Files not yet in the plan enter it; files
    planned elsewhere move; files already out, scanned or accepted are skipped."""
    principal.require_role(STAFF)
    _check_year(year)
    if (record_ids is None) == (fonds_id is None):
        raise ValidationFailed([field_error("ids", "missing")])
    wanted = list(dict.fromkeys(record_ids or []))
    if record_ids is not None and not wanted:
        raise ValidationFailed([field_error("ids", "missing")])
    if len(wanted) > MAX_IDS:
        raise ValidationFailed([field_error("ids", "too_many_items", max_length=MAX_IDS)])
    lock_changes(session)
    batch = _batch(session, batch_id, year)
    i, f = table_of(ApprovedListItem).c, table_of(FileRecord).c
    query = select(i.record_id, f.agency_code, f.version).join_from(
        table_of(ApprovedListItem),
        table_of(FileRecord),
        f.id == i.record_id,
    )
    query = (
        query.where(i.record_id.in_(wanted))
        if record_ids is not None
        else query.where(i.fonds_id == fonds_id)
    )
    files = {r.record_id: r for r in session.execute(query.where(f.deleted.is_(False)))}
    missing = [rid for rid in wanted if rid not in files]
    if missing or not files:
        where, what = ("ids", missing[0]) if missing else ("fonds_id", fonds_id)
        raise ValidationFailed([field_error(where, "not_in_approved_list", input=what)])
    rows = {
        r.record_id: r
        for r in session.execute(
            select(FileDigitization).where(col(FileDigitization.record_id).in_(list(files)))
        ).scalars()
    }
    now, counts = utcnow(), {"added": 0, "moved": 0, "unchanged": 0, "skipped": 0}
    new_batch = batch.id if batch else None
    for rid, file in files.items():
        row = rows.get(rid)
        was = row.plan_year if row is not None else None
        if row is None:
            row = FileDigitization(record_id=rid, agency_code=file.agency_code, state=S.PLANNED.value)
            counts["added"] += 1
        elif row.state != S.PLANNED:
            counts["skipped"] += 1
            continue
        elif (row.plan_year, row.batch_id) == (year, new_batch):
            counts["unchanged"] += 1
            continue
        else:
            counts["moved"] += 1
        row.plan_year, row.batch_id = year, new_batch
        row.planned_at = row.updated_at = now
        row.planned_by = principal.user_id
        session.add(row)
        detail = {"year": year, "batch": new_batch, "was": was}
        audit(
            session,
            principal,
            "file_record",
            rid,
            "digitization:planned",
            before=file.version,
            after=file.version,
            detail=detail,
        )
    session.commit()
    return MoveResult(**counts)


@dataclass(frozen=True)
class BatchView:
    id: int
    year: int
    name: str
    note: str
    files: int
    """Files of the batch (planned into it, or gone out with it)."""
    boxes_out: int
    created_at: dt.datetime


def create_batch(session: Session, principal: Principal, year: int, name: str, note: str = "") -> BatchView:
    """A named batch of a plan year (the boxes of a batch go to the scanning room together)."""
    principal.require_role(STAFF)
    _check_year(year)
    name = name.strip()
    if not name:
        raise ValidationFailed([field_error("name", "missing")])
    row = PlanBatch(year=year, name=name[:100], note=note.strip()[:2000], created_by=principal.user_id)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed([field_error("name", "batch_taken", input=name, year=year)]) from None
    assert row.id is not None
    audit(session, principal, "plan_batch", str(row.id), "create", detail={"year": year, "name": row.name})
    session.commit()
    return _batches(session, [row])[0]


def batches(session: Session, principal: Principal, year: int | None = None) -> list[BatchView]:
    """The batches (of a year), by year and name."""
    principal.require_role(BATCH_READERS)
    query = select(PlanBatch).order_by(col(PlanBatch.year), col(PlanBatch.name))
    if year is not None:
        query = query.where(col(PlanBatch.year) == year)
    return _batches(session, list(session.execute(query).scalars()))


def get_batch(session: Session, batch_id: int) -> PlanBatch:
    batch = session.get(PlanBatch, batch_id)
    if batch is None:
        raise NotFound(details=[field_error("batch_id", "unknown_reference", input=batch_id)])
    return batch


def _batches(session: Session, rows: list[PlanBatch]) -> list[BatchView]:
    ids = [r.id for r in rows]
    d, c = table_of(FileDigitization).c, table_of(BoxCustody).c
    files = dict(
        session.execute(
            select(d.batch_id, func.count()).where(d.batch_id.in_(ids)).group_by(d.batch_id)
        ).all()
    )
    out = select(c.batch_id, func.count()).where(c.batch_id.in_(ids), c.place == BoxPlace.OUT.value)
    boxes = dict(session.execute(out.group_by(c.batch_id)).all())
    return [
        BatchView(
            saved_id(r),
            r.year,
            r.name,
            r.note,
            int(files.get(r.id, 0)),
            int(boxes.get(r.id, 0)),
            r.created_at,
        )
        for r in rows
    ]


def progress(session: Session, principal: Principal) -> PlanProgress:
    """Plan against done per year 2026–2033 and in total (the dashboard's figures)."""
    principal.require_role(STAFF)
    return plan_progress(session.connection())


@dataclass(frozen=True)
class ListedFonds:
    """A fonds with files in approved lists: what a whole-fonds move offers."""

    id: str
    agency_code: str
    agency_name: str
    number: str
    name: str
    files: int


def listed_fonds(session: Session, principal: Principal) -> list[ListedFonds]:
    """The fonds holding files of approved lists, by agency and fonds number."""
    principal.require_role(STAFF)
    i, fo, a = t.approved_list_item.c, t.fonds.c, t.agency.c
    query = (
        select(fo.id, fo.agency_code, a.name, fo.number, fo.name, func.count())
        .select_from(
            t.approved_list_item.join(t.fonds, fo.id == i.fonds_id).join(t.agency, a.code == fo.agency_code)
        )
        .group_by(fo.id, fo.agency_code, a.name, fo.number, fo.name)
        .order_by(fo.agency_code, fo.number)
    )
    return [ListedFonds(r[0], r[1], r[2], r[3] or "", r[4] or "", int(r[5])) for r in session.execute(query)]
