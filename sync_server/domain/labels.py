"""Box label sheets of the chosen boxes: which boxes, in which order (the drawing is
:mod:`common.labels`, shared with the tablet).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import Connection, Select, func, select
from sqlmodel import Session

from common.boxcode import make_box_code, parse_box_code
from common.labels import DEFAULT_LAYOUT, LAYOUTS, BoxLabel, write_sheets
from sync_server.auth import Principal
from sync_server.domain.exports import tables as t
from sync_server.domain.exports.base import ExportFilters, Progress, Scope, scoped


def _query(filters: ExportFilters, scope: Scope) -> Any:
    b, fo, a = t.box.c, t.fonds.c, t.agency.c
    query: Select[Any] = (
        select(b.code, a.name, fo.number, fo.name, b.data)
        .select_from(t.box.join(t.fonds, fo.id == b.fonds_id).join(t.agency, a.code == b.agency_code))
        .where(b.deleted.is_(False))
    )
    query = scoped(query, b.agency_code, filters, scope)
    if filters.fonds_id:
        query = query.where(b.fonds_id == filters.fonds_id)
    if filters.box_ids:
        query = query.where(b.id.in_(list(filters.box_ids)))
    inventory = func.coalesce(b.data["inventory_no"].as_string(), "")
    return query.order_by(
        b.agency_code, func.length(fo.number), fo.number, func.length(inventory), inventory, b.code
    )


def count(conn: Connection, filters: ExportFilters, scope: Scope) -> int:
    """How many labels the sheet will hold."""
    return int(conn.execute(select(func.count()).select_from(_query(filters, scope).subquery())).scalar_one())


def boxes(conn: Connection, filters: ExportFilters, scope: Scope) -> Iterator[BoxLabel]:
    for code, agency_name, fonds_number, fonds_name, data in conn.execute(_query(filters, scope)):
        yield BoxLabel(
            code, agency_name, fonds_number, fonds_name, data.get("inventory_no"), str(data.get("box_no", ""))
        )


def write(conn: Connection, filters: ExportFilters, scope: Scope, out: IO[bytes], progress: Progress) -> None:
    """Write the label sheets PDF of the chosen boxes to ``out``."""
    layout = LAYOUTS.get(filters.layout or DEFAULT_LAYOUT, LAYOUTS[DEFAULT_LAYOUT])
    progress.set_total(count(conn, filters, scope))
    write_sheets(out, boxes(conn, filters, scope), layout, on_page=progress.advance)


def box_ids(session: Session, principal: Principal, text: str) -> tuple[list[str], list[str]]:
    """The ids of the live boxes whose codes are pasted in ``text`` (one per line) that ``principal``
    may see, and the lines that name no such box."""
    wanted: dict[str, str] = {}
    bad: list[str] = []
    for line in text.splitlines():
        raw = line.strip()
        if not raw:
            continue
        try:
            code = parse_box_code(raw)
            wanted[make_box_code(code.agency, code.fonds, code.inventory, code.box)] = raw
        except ValueError:
            bad.append(raw)
    found: dict[str, str] = {}
    if wanted:
        b = t.box.c
        query = select(b.code, b.id, b.agency_code).where(b.code.in_(list(wanted)), b.deleted.is_(False))
        found = {c: i for c, i, agency in session.execute(query) if principal.can_access(agency)}
    bad += [raw for code, raw in wanted.items() if code not in found]
    return list(found.values()), bad
