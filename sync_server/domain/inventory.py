"""The inventory of file records across agencies: filters, three sort orders and keyset paging that
stay fast at a million file records. Every filter an index can serve goes to SQL as is (migration
0004 has an index per unselective filter in the default order). The *narrow* filters — damage type,
title words, files for conservation first — first collect the matching ids with a capped index-only
pass (the last from its partial index, migration 0009): when few match, the page is built from those
ids; when many match, the filter is checked row by row while an index walks the sort order (the
matches are then dense, so a page is found quickly).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import combinations
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, func, literal, select, true, tuple_
from sqlmodel import Session, col

from common import schemas as s
from common.errors import NotFound
from common.protocol import MAX_INT64
from common.tables import table_of
from common.text import fold
from common.vocab import Carrier, Criterion, DamageType, ReviewState
from sync_server.auth import Principal
from sync_server.domain import agencies, review
from sync_server.models import Agency, FileDamage, FileRecord, Fonds

PAGE_SIZE = 50
NARROW_CAP = 5_000
"""Up to this many matches, a narrow filter's ids drive the query; above it, rows are checked."""
COUNT_CAP = 1_000
"""Totals are counted up to here; beyond it the page says "more than". Not counted at all when a
narrow filter matched too many rows to list (counting would then check most of the table)."""

_R = table_of(FileRecord)
_D = table_of(FileDamage)
_FLAGGED = _R.c.conservation == true()  # the form of the condition of ix_filerecord_conservation
CONSERVATION_IDS = select(_R.c.id).where(_FLAGGED)
"""The files for conservation first, read from their partial index."""


class Sort(StrEnum):
    RECENT = "recent"
    TITLE = "title"
    SEVERITY = "severity"


_SORT_KEYS: dict[Sort, tuple[tuple[Any, ...], bool]] = {
    # columns of the key (unique with the last one) and whether they ascend
    Sort.RECENT: ((_R.c.seq,), False),
    Sort.TITLE: ((_R.c.title_folded, _R.c.id), True),
    Sort.SEVERITY: ((_R.c.max_severity, _R.c.seq), False),
}


def criteria_values(criterion: Criterion) -> list[str]:
    """Stored ``criteria`` values (sorted codes joined by commas) that include ``criterion``."""
    codes = sorted(c.value for c in Criterion)
    return [",".join(combo) for n in range(1, len(codes) + 1) for combo in combinations(codes, n)
            if criterion.value in combo]  # fmt: skip


@dataclass(frozen=True)
class InventoryFilter:
    """What the reviewer narrowed the inventory to (all optional)."""

    agency: str | None = None
    fonds: str | None = None
    campaign: str | None = None
    criterion: Criterion | None = None
    damage: DamageType | None = None
    severity: int | None = None
    """Worst damage level of the file (0 = no damage); of the chosen damage type if there is one."""
    carrier: Carrier | None = None
    state: ReviewState | None = None
    conflicted: bool = False
    conservation: bool = False
    """Only files a damage leaves hard to read (for conservation before digitization)."""
    q: str = ""
    """Title words, matched as folded substrings: "mun" finds "mủn"."""

    @property
    def words(self) -> list[str]:
        return fold(self.q).split()[:8]


@dataclass(frozen=True)
class InventoryRow:
    id: str
    agency_code: str
    fonds_id: str
    file_no: str
    title: str
    carrier: str
    criteria: list[str]
    max_severity: int
    review_state: str
    conflicted: bool
    conservation: bool
    leaves: int | None
    inventory_no: str | None
    box_no: str | None
    updated_at: dt.datetime


@dataclass
class InventoryPage:
    rows: list[InventoryRow]
    next_cursor: str | None
    prev_cursor: str | None
    total: int | None
    """Matching records, up to :data:`COUNT_CAP`; None when not counted."""
    total_is_lower_bound: bool
    agency_names: dict[str, str] = field(default_factory=dict)
    fonds_labels: dict[str, str] = field(default_factory=dict)


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(text: str, sort: Sort) -> list[Any] | None:
    """The key a cursor holds, or None if it is not one of ``sort``'s (a stale or edited URL)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        return None
    columns, _ = _SORT_KEYS[sort]
    if not isinstance(values, list) or len(values) != len(columns):
        return None
    for value, column in zip(values, columns, strict=True):
        expected = str if column.name in ("id", "title_folded") else int
        if not isinstance(value, expected) or isinstance(value, bool):
            return None
        if isinstance(value, int) and not -MAX_INT64 <= value <= MAX_INT64:
            return None  # no row holds it, and neither engine can compare with it
        if isinstance(value, str) and (len(value) > s.TITLE_MAX or s.has_nul(value)):
            return None
    return values


def _like(word: str) -> ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _R.c.title_folded.like(f"%{escaped}%", escape="\\")


def _narrow_ids(session: Session, query: Select[Any]) -> list[str] | None:
    """The matching ids if there are at most :data:`NARROW_CAP`, else None (too many to list)."""
    ids = list(session.execute(query.limit(NARROW_CAP + 1)).scalars())
    return ids if len(ids) <= NARROW_CAP else None


@dataclass
class _Where:
    conds: list[ColumnElement[bool]]
    countable: bool = True


def _conditions(session: Session, principal: Principal, f: InventoryFilter) -> _Where | None:
    """WHERE terms for the filter within the principal's scope; None when nothing can match."""
    conds: list[ColumnElement[bool]] = [_R.c.deleted == false()]
    if principal.agency_codes is not None:
        if not principal.agency_codes:
            return None
        conds.append(_R.c.agency_code.in_(sorted(principal.agency_codes)))
    agency = f.agency
    if f.fonds:
        fonds_agency = session.execute(
            select(col(Fonds.agency_code)).where(col(Fonds.id) == f.fonds)
        ).scalar()
        if fonds_agency is None or (agency and agency != fonds_agency):
            return None
        agency = fonds_agency  # lets the (agency, fonds) index serve the fonds filter
        conds.append(_R.c.fonds_id == f.fonds)
    if agency:
        conds.append(_R.c.agency_code == agency)
    if f.campaign:
        conds.append(_R.c.campaign_id == f.campaign)
    if f.criterion:
        conds.append(_R.c.criteria.in_(criteria_values(f.criterion)))
    if f.carrier:
        conds.append(_R.c.carrier == f.carrier.value)
    if f.state:
        conds.append(_R.c.review_state == f.state.value)
    if f.conflicted:
        conds.append(_R.c.conflicted.is_(True))
    if f.severity is not None and not f.damage:
        conds.append(_R.c.max_severity == f.severity)
    narrowed: set[str] | None = None
    countable = True
    if f.conservation:  # few files: their ids come from the partial index that holds only them
        ids = _narrow_ids(session, CONSERVATION_IDS)
        if ids is None:
            conds.append(_FLAGGED)
            countable = False
        else:
            narrowed = set(ids)
    if f.damage:
        damage = [_D.c.damage_type == f.damage.value]
        if f.severity is not None:
            damage.append(_D.c.severity == f.severity)
        ids = _narrow_ids(session, select(_D.c.record_id).where(*damage))
        if ids is None:
            conds.append(exists().where(_D.c.record_id == _R.c.id, *damage))
            countable = False
        else:
            narrowed = set(ids)
    if f.words:
        likes = [_like(w) for w in f.words]
        ids = _narrow_ids(session, select(_R.c.id).where(*likes))
        if ids is None:
            conds.extend(likes)
            countable = False
        else:
            narrowed = set(ids) if narrowed is None else narrowed & set(ids)
    if narrowed is not None:
        if not narrowed:
            return None
        conds.append(_R.c.id.in_(sorted(narrowed)))
    return _Where(conds, countable)


def list_inventory(
    session: Session,
    principal: Principal,
    f: InventoryFilter,
    sort: Sort = Sort.RECENT,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> InventoryPage:
    """One page of file records; ``after``/``before`` are cursors from a previous page."""
    where = _conditions(session, principal, f)
    if where is None:
        return InventoryPage([], None, None, 0, False)
    conds = where.conds
    columns, ascending = _SORT_KEYS[sort]
    cursor = decode_cursor(after, sort) if after else None
    backwards = False
    if cursor is None and before:
        cursor, backwards = decode_cursor(before, sort), True
    forward = ascending != backwards
    query = select(_R).where(*conds)
    if cursor is not None:
        key = tuple_(*columns) if len(columns) > 1 else columns[0]
        value = tuple_(*[literal(v) for v in cursor]) if len(columns) > 1 else cursor[0]
        query = query.where(key > value if forward else key < value)
    query = query.order_by(*[c.asc() if forward else c.desc() for c in columns]).limit(size + 1)
    rows = list(session.execute(query).mappings())
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    keys = [[r[c.name] for c in columns] for r in rows]
    has_next = more if not backwards else True
    has_prev = more if backwards else cursor is not None
    total = None
    if where.countable:
        capped = select(literal(1)).where(*conds).limit(COUNT_CAP + 1).subquery()
        total = session.execute(select(func.count()).select_from(capped)).scalar_one()
    page = InventoryPage(
        rows=[_row(r) for r in rows],
        next_cursor=encode_cursor(keys[-1]) if rows and has_next else None,
        prev_cursor=encode_cursor(keys[0]) if rows and has_prev else None,
        total=None if total is None else min(total, COUNT_CAP),
        total_is_lower_bound=total is not None and total > COUNT_CAP,
    )
    _add_names(session, page)
    return page


def _row(r: Any) -> InventoryRow:
    data = r["data"] if isinstance(r["data"], dict) else json.loads(r["data"])
    return InventoryRow(
        id=r["id"],
        agency_code=r["agency_code"],
        fonds_id=r["fonds_id"],
        file_no=r["file_no"],
        title=r["title"],
        carrier=r["carrier"],
        criteria=[c for c in r["criteria"].split(",") if c],
        max_severity=r["max_severity"],
        review_state=r["review_state"],
        conflicted=bool(r["conflicted"]),
        conservation=bool(r["conservation"]),
        leaves=r["leaves"],
        inventory_no=data.get("inventory_no"),
        box_no=data.get("box_no"),
        updated_at=r["updated_at"],
    )


def _add_names(session: Session, page: InventoryPage) -> None:
    codes = sorted({r.agency_code for r in page.rows})
    fonds_ids = sorted({r.fonds_id for r in page.rows})
    a, f = table_of(Agency).c, table_of(Fonds).c
    if codes:
        page.agency_names = {
            code: name for code, name in session.execute(select(a.code, a.name).where(a.code.in_(codes)))
        }
    if fonds_ids:
        found = session.execute(select(f.id, f.number, f.name).where(f.id.in_(fonds_ids)))
        page.fonds_labels = {fid: f"{number} – {name}" for fid, number, name in found}


@dataclass(frozen=True)
class FilterChoices:
    """What the inventory's filter offers beside the vocabularies."""

    agencies: list[tuple[str, str]]
    """``(code, name)`` of the agencies in the caller's scope, by name."""
    fonds: list[Fonds]
    """The live fonds of the chosen agency (when there is one in the caller's scope), by number."""


def filter_choices(session: Session, principal: Principal, f: InventoryFilter) -> FilterChoices:
    scope = principal.agency_codes
    fonds: list[Fonds] = []
    if f.agency and (scope is None or f.agency in scope):
        fonds = agencies.fonds_of(session, [f.agency]).get(f.agency, [])
    return FilterChoices(
        [(a.code, a.name) for a in agencies.list_agencies(session, scope, by_name=True)], fonds
    )


def approve_many(session: Session, principal: Principal, ids: list[str]) -> tuple[int, list[str]]:
    """Approve each record (as :func:`review.review` does one); returns (approved, ids not found)."""
    approved, missing = 0, []
    for rid in dict.fromkeys(ids):
        try:
            review.review(session, principal, "file_record", rid, ReviewState.APPROVED, "")
        except NotFound:
            session.rollback()
            missing.append(rid)
        else:
            approved += 1
    return approved, missing
