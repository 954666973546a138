"""The yearly report's sheet of insurance copies and handovers: per agency, its files accepted
with a master, on a copy written, verified intact on two sets or more, and handed over; then each
copy set with its copies and masters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, case, exists, func, select

from common.vocab import CheckResult, CopyState
from sync_server.domain.exports import tables as t
from sync_server.domain.exports.base import ExportFilters, Scope, scoped
from sync_server.domain.exports.xlsx import Column, SheetWriter, safe_text, totals

TITLE = "Bản sao, bàn giao"
SETS_WANTED = 2
COLUMNS = (
    Column("STT", 6),
    Column("Mã cơ quan", 18),
    Column("Tên cơ quan, đơn vị", 40),
    Column("Hồ sơ đã số hóa (đã nghiệm thu)", 14),
    Column("Hồ sơ có trong bản sao đã ghi", 14),
    Column(f"Hồ sơ có đủ {SETS_WANTED} bộ sao nguyên vẹn", 14),
    Column("Hồ sơ đã bàn giao", 12),
    Column("Trang đã bàn giao", 12),
)


def _per_agency(conn: Connection, filters: ExportFilters, scope: Scope) -> list[Any]:
    f, d, a = t.file_record.c, t.file_digitization.c, t.agency.c
    i, w, hi, h = t.copy_item.c, t.copy_write.c, t.handover_item.c, t.handover.c
    on_copy = exists().where(
        i.sha256 == d.master_sha256, w.id == i.write_id, w.state == CopyState.WRITTEN.value
    )
    handed = exists().where(hi.record_id == f.id, h.id == hi.handover_id, h.package_sha256.is_not(None))
    query = (
        select(
            f.agency_code,
            func.min(a.name),
            func.count(),
            func.sum(case((on_copy, 1), else_=0)),
            func.sum(case((t.verified_sets(d.master_sha256) >= SETS_WANTED, 1), else_=0)),
            func.sum(case((handed, 1), else_=0)),
            func.sum(case((handed, t.digitized_pages), else_=0)),
        )
        .select_from(t.files_with_digitization.join(t.agency, a.code == f.agency_code))
        .where(f.deleted.is_(False), t.digitized, d.master_sha256.is_not(None))
        .group_by(f.agency_code)
        .order_by(f.agency_code)
    )
    if filters.campaign_id:
        query = query.where(f.campaign_id == filters.campaign_id)
    return list(conn.execute(scoped(query, f.agency_code, filters, scope)))


def _sets(conn: Connection) -> list[Any]:
    s, w, i = t.copy_set.c, t.copy_write.c, t.copy_item.c
    written = w.state == CopyState.WRITTEN.value
    query = (
        select(
            s.number,
            s.name,
            func.count(func.distinct(case((written, w.id)))),
            func.count(func.distinct(case((written, i.sha256)))),
            func.count(func.distinct(case((i.result == CheckResult.OK.value, i.sha256)))),
        )
        .select_from(
            t.copy_set.outerjoin(t.copy_write, w.set_id == s.id).outerjoin(t.copy_item, i.write_id == w.id)
        )
        .group_by(s.number, s.name)
        .order_by(s.number)
    )
    return list(conn.execute(query))


def write_sheet(conn: Connection, wb: Any, heading: Any, filters: ExportFilters, scope: Scope) -> None:
    """Add the sheet to the yearly report's workbook."""
    sheet = SheetWriter(wb, TITLE, COLUMNS, heading)
    rows = _per_agency(conn, filters, scope)
    for n, (code, name, *counts) in enumerate(rows, 1):
        sheet.append([n, code, safe_text(name), *(c or 0 for c in counts)])
    sheet.append_total([None, "Tổng cộng", None, *totals((r[2:] for r in rows), 5)])
    for number, name, copies, masters, verified in _sets(conn):
        held = f"{copies} bản sao đã ghi, {masters} bản số hóa, {verified} kiểm tra nguyên vẹn"
        sheet.note(f"Bộ sao {number} — {name}: {held}.")
