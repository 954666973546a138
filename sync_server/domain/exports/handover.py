"""The handover catalogue (bàn giao theo phông / công trình / sưu tập lưu trữ): one row per fonds,
work or collection that holds listed files, with its counts of files, leaves and pages."""

from __future__ import annotations

from typing import IO, Any

from sqlalchemy import Connection, case, func, select

from common.vocab import FondsKind
from sync_server.domain.exports import tables as t
from sync_server.domain.exports import wording as w
from sync_server.domain.exports.base import ExportFilters, Progress, Scope, scoped
from sync_server.domain.exports.xlsx import (
    Column,
    SheetWriter,
    new_workbook,
    safe_text,
    save,
    today_text,
    totals,
)

TITLE = "DANH MỤC THỐNG KÊ PHÔNG, CÔNG TRÌNH, SƯU TẬP LƯU TRỮ VÀ SỐ LƯỢNG TÀI LIỆU"
COLUMNS = (
    Column("STT", 6),
    Column("Mã cơ quan", 18),
    Column("Tên cơ quan, đơn vị", 36),
    Column("Loại", 16),
    Column("Số phông", 9),
    Column("Tên phông / công trình / sưu tập", 44),
    Column("Thời gian", 12),
    Column("Mét giá", 9),
    Column("Số hồ sơ", 10),
    Column("Số hồ sơ đã duyệt", 10),
    Column("Số tờ", 10),
    Column("Số trang", 10),
    Column("Số hồ sơ đã số hóa", 11),
    Column("Số trang đã số hóa", 11),
)
COUNTS = 6
"""Files, approved files, leaves, pages, digitized files, digitized pages."""
KIND_ORDER = {k.value: i for i, k in enumerate(FondsKind)}


def _query(filters: ExportFilters, scope: Scope) -> Any:
    f, fo, a = t.file_record.c, t.fonds.c, t.agency.c
    per_fonds = select(
        f.fonds_id.label("fonds_id"),
        func.count().label("files"),
        func.sum(case((f.review_state == "approved", 1), else_=0)).label("approved"),
        func.sum(func.coalesce(f.leaves, 0)).label("leaves"),
        func.sum(func.coalesce(f.pages, 0)).label("pages"),
        func.sum(case((t.digitized, 1), else_=0)).label("digitized"),
        func.sum(t.digitized_pages).label("digitized_pages"),
    ).where(f.deleted.is_(False))
    per_fonds = per_fonds.select_from(t.files_with_digitization)
    per_fonds = scoped(per_fonds, f.agency_code, filters, scope)
    if filters.campaign_id:
        per_fonds = per_fonds.where(f.campaign_id == filters.campaign_id)
    if filters.review_state:
        per_fonds = per_fonds.where(f.review_state == filters.review_state)
    if filters.fonds_id:
        per_fonds = per_fonds.where(f.fonds_id == filters.fonds_id)
    counts = per_fonds.group_by(f.fonds_id).subquery()
    return (
        select(fo.agency_code, a.name, fo.kind, fo.number, fo.name, fo.data, counts)
        .select_from(
            t.fonds.join(counts, counts.c.fonds_id == fo.id).join(t.agency, a.code == fo.agency_code)
        )
        .where(fo.deleted.is_(False))
        .order_by(fo.agency_code, fo.kind, func.length(fo.number), fo.number)
    )


def count(conn: Connection, filters: ExportFilters, scope: Scope) -> int:
    return int(conn.execute(select(func.count()).select_from(_query(filters, scope).subquery())).scalar_one())


def _years(data: dict[str, Any]) -> str | None:
    start, end = data.get("start_year"), data.get("end_year")
    if start and end and start != end:
        return f"{start}–{end}"
    return str(start or end) if start or end else None


def write(
    conn: Connection, filters: ExportFilters, scope: Scope, out: str | IO[bytes], progress: Progress
) -> None:
    """Write the handover catalogue workbook to ``out``."""
    rows = list(conn.execute(_query(filters, scope)))
    rows.sort(key=lambda r: (r[0], KIND_ORDER.get(r[2], 99)))
    progress.set_total(len(rows))
    wb = new_workbook()
    heading = (TITLE, f"Theo phông / công trình / sưu tập lưu trữ — lập ngày {today_text()}")
    sheet = SheetWriter(wb, "Bàn giao", COLUMNS, heading)
    by_kind: dict[str, list[tuple[int, ...]]] = {}
    for i, (code, agency_name, kind, number, name, data, _, *numbers) in enumerate(rows, 1):
        metres = data.get("shelf_metres")
        counts = tuple(n or 0 for n in numbers)
        by_kind.setdefault(kind, []).append(counts)
        sheet.append(
            [
                i,
                code,
                safe_text(agency_name),
                w.label(w.FONDS_KIND, kind),
                number,
                safe_text(name),
                _years(data),
                metres,
                *counts,
            ]
        )
    progress.advance(len(rows))
    for kind in FondsKind:
        if kind.value in by_kind:
            sheet.append_total(
                [None, None, None, f"Cộng: {kind.vi}", *([None] * 4), *totals(by_kind[kind.value], COUNTS)]
            )
    all_counts = [c for group in by_kind.values() for c in group]
    sheet.append_total([None, "Tổng cộng", None, None, None, None, None, None, *totals(all_counts, COUNTS)])
    if not rows:
        sheet.note("Không có phông, công trình, sưu tập nào có hồ sơ phù hợp điều kiện lọc.")
    save(wb, out)
