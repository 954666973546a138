"""The catalogue (danh mục hồ sơ thuộc diện số hóa): a summary sheet, then one sheet per agency.

A file a damage leaves hard to read is listed with what it needs first (*Xử lý*: conservation
before digitization) and counted apart on the summary sheet.

Rows are read in archival order (fonds, inventory, box, file number; numbers compared as numbers
where they are numbers) in chunks through a streaming cursor, and written to a write-only workbook,
so memory does not grow with the number of files.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from sqlalchemy import Connection, case, func, select

from common.vocab import Criterion
from sync_server.domain.exports import tables as t
from sync_server.domain.exports import wording as w
from sync_server.domain.exports.base import ExportFilters, Progress, Scope, scoped
from sync_server.domain.exports.xlsx import (
    Column,
    SheetWriter,
    new_workbook,
    safe_text,
    save,
    sheet_title,
    today_text,
    totals,
)

CHUNK = 500
SUMMARY_SHEET = "Tổng hợp"
TITLE = "DANH MỤC HỒ SƠ, TÀI LIỆU THUỘC DIỆN SỐ HÓA PHỤC VỤ LẬP BẢN SAO BẢO HIỂM"

COLUMNS = (
    Column("STT", 6),
    Column("Số phông", 9),
    Column("Tên phông", 30),
    Column("Mục lục số", 9),
    Column("Hộp số", 8),
    Column("Hồ sơ số", 9),
    Column("Tiêu đề hồ sơ", 60),
    Column("Thời gian bắt đầu", 12),
    Column("Thời gian kết thúc", 12),
    Column("Số tờ", 8),
    Column("Số trang", 8),
    Column("Thời hạn bảo quản", 12),
    Column("Chế độ sử dụng", 14),
    Column("Ngôn ngữ", 14),
    Column("Vật mang tin", 14),
    Column("Tình trạng vật lý", 40),
    Column("Mức độ hư hỏng nặng nhất", 14),
    Column("Tiêu chí", 40),
    Column("Xử lý", 22),
    Column("Trạng thái duyệt", 14),
    Column("Ghi chú", 30),
)

SUMMARY_COLUMNS = (
    Column("STT", 6),
    Column("Mã cơ quan", 18),
    Column("Tên cơ quan, đơn vị", 45),
    Column("Số phông", 10),
    Column("Số hồ sơ", 10),
    Column("Số tờ", 10),
    Column("Số trang", 10),
    Column("Hồ sơ quý, hiếm", 10),
    Column("Hồ sơ có hư hỏng", 10),
    Column("Hồ sơ khó đọc (tu bổ trước)", 12),
    Column("Hồ sơ đã duyệt", 10),
    Column("Trang tính", 18),
)


def _filtered(query: Any, filters: ExportFilters, scope: Scope) -> Any:
    f = t.file_record.c
    query = scoped(query.where(f.deleted.is_(False)), f.agency_code, filters, scope)
    if filters.fonds_id:
        query = query.where(f.fonds_id == filters.fonds_id)
    if filters.campaign_id:
        query = query.where(f.campaign_id == filters.campaign_id)
    if filters.review_state:
        query = query.where(f.review_state == filters.review_state)
    return query


def count(conn: Connection, filters: ExportFilters, scope: Scope) -> int:
    """How many file rows the catalogue will hold."""
    query = _filtered(select(func.count()).select_from(t.file_record), filters, scope)
    return int(conn.execute(query).scalar_one())


def _summary(conn: Connection, filters: ExportFilters, scope: Scope) -> list[tuple[Any, ...]]:
    f, a = t.file_record.c, t.agency.c
    query = (
        select(
            f.agency_code,
            func.min(a.name),
            func.count(func.distinct(f.fonds_id)),
            func.count(),
            func.sum(func.coalesce(f.leaves, 0)),
            func.sum(func.coalesce(f.pages, 0)),
            func.sum(case((f.criteria.like(f"%{Criterion.RARE.value}%"), 1), else_=0)),
            func.sum(case((f.max_severity > 0, 1), else_=0)),
            func.sum(case((f.conservation.is_(True), 1), else_=0)),
            func.sum(case((f.review_state == "approved", 1), else_=0)),
        )
        .select_from(t.file_record.join(t.agency, a.code == f.agency_code))
        .group_by(f.agency_code)
        .order_by(f.agency_code)
    )
    return [tuple(r) for r in conn.execute(_filtered(query, filters, scope))]


def _rows_query(filters: ExportFilters, scope: Scope) -> Any:
    f, fo = t.file_record.c, t.fonds.c
    query = (
        select(
            f.agency_code,
            fo.number,
            fo.name,
            f.file_no,
            f.title,
            f.carrier,
            f.criteria,
            f.conservation,
            f.leaves,
            f.pages,
            f.max_severity,
            f.review_state,
            f.data,
        )
        .select_from(t.file_record.join(t.fonds, fo.id == f.fonds_id))
        .order_by(*t.archival_order(f, fo))
    )
    return _filtered(query, filters, scope)


def write(
    conn: Connection, filters: ExportFilters, scope: Scope, out: str | IO[bytes], progress: Progress
) -> None:
    """Write the catalogue workbook to ``out``."""
    summary = _summary(conn, filters, scope)
    progress.set_total(sum(r[3] for r in summary))
    rows = conn.execution_options(yield_per=CHUNK).execute(_rows_query(filters, scope))
    write_workbook(out, summary, rows, progress, (TITLE, f"lập ngày {today_text()}"))


def write_workbook(
    out: str | IO[bytes],
    summary: list[tuple[Any, ...]],
    rows: Iterable[Any],
    progress: Progress,
    heading: tuple[str, str],
) -> None:
    """A catalogue-shaped workbook: the ``summary`` sheet (one row per agency: code, name, fonds,
    files, leaves, pages, rare, damaged, hard to read, approved), then one sheet per agency of
    ``rows`` (in the order of :func:`_rows_query`'s columns, grouped by agency). ``heading``: the
    title and what follows the agency on each sheet's second line."""
    title, subtitle = heading
    wb = new_workbook()
    taken = {SUMMARY_SHEET.lower()}
    sheet_names = {code: sheet_title(code, taken) for code, *_ in summary}
    _write_summary(wb, summary, sheet_names, heading)
    sheet: SheetWriter | None = None
    current = None
    names = {code: name for code, name, *_ in summary}
    pending = 0
    for row in rows:
        agency_code = row[0]
        if agency_code != current:
            current = agency_code
            sheet = SheetWriter(
                wb,
                sheet_names.get(agency_code) or sheet_title(agency_code, taken),
                COLUMNS,
                (title, f"{names.get(agency_code, '')} — mã {agency_code} — {subtitle}"),
            )
        assert sheet is not None
        sheet.append(_cells(sheet, sheet.rows + 1, row))
        pending += 1
        if pending == CHUNK:
            progress.advance(pending)
            pending = 0
    progress.advance(pending)
    save(wb, out)


def _write_summary(
    wb: Any, summary: list[tuple[Any, ...]], sheet_names: dict[str, str], heading: tuple[str, str]
) -> None:
    title, subtitle = heading
    sheet = SheetWriter(
        wb, SUMMARY_SHEET, SUMMARY_COLUMNS, (title, f"Tổng hợp theo cơ quan, đơn vị — {subtitle}")
    )
    for i, (code, name, *counts) in enumerate(summary, 1):
        sheet.append([i, code, safe_text(name), *counts, sheet_names[code]])
    if not summary:
        sheet.note("Không có hồ sơ nào phù hợp điều kiện lọc.")
        return
    sheet.append_total([None, "Tổng cộng", None, *totals((r[2:] for r in summary), 8), None])


def _cells(sheet: SheetWriter, stt: int, row: Any) -> list[Any]:
    (
        _,
        fonds_no,
        fonds_name,
        file_no,
        title,
        carrier,
        criteria,
        conservation,
        leaves,
        pages,
        severity,
        state,
        data,
    ) = row
    return [
        stt,
        fonds_no,
        safe_text(fonds_name),
        data.get("inventory_no"),
        safe_text(data.get("box_no")),
        safe_text(file_no),
        safe_text(title),
        sheet.date_cell(data.get("start_date"), 8),
        sheet.date_cell(data.get("end_date"), 9, end=True),
        leaves,
        pages,
        w.retention_text(data.get("retention"), data.get("retention_years")),
        w.label(w.ACCESS, data.get("access")),
        w.languages_text(data.get("languages")),
        w.label(w.CARRIER, carrier),
        safe_text(w.damage_text(data.get("damages"))),
        w.SEVERITY.get(severity),
        w.criteria_text(criteria),
        w.CONSERVATION if conservation else None,
        w.label(w.REVIEW_STATE, state),
        safe_text(data.get("notes")),
    ]
