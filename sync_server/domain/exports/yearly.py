"""The yearly report (báo cáo hằng năm, due before 15 December) of the Department of Home Affairs.

Per agency: where it stands (:mod:`sync_server.domain.standing`, the dashboard's and tracker's
definition), its fonds, shelf metres, files, leaves and pages, files by criterion, files for
conservation first; then the province's files by criterion, by carrier and by damage type and
severity. Figures are cumulative to the day of the export, or for one campaign when a campaign is
chosen (the standing too). Every query aggregates in the database.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from sqlalchemy import Connection, case, func, or_, select

from common.dates import show_date
from common.vocab import Criterion, DamageType, Severity
from sync_server.domain import standing
from sync_server.domain.exports import copies_sheet, plan_figures
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

CRITERIA = [c.value for c in Criterion]

AGENCY_COLUMNS = (
    Column("STT", 6),
    Column("Mã cơ quan", 18),
    Column("Tên cơ quan, đơn vị", 40),
    Column("Loại cơ quan", 18),
    Column("Tình trạng cơ quan", 14),
    Column("Tình hình báo cáo", 18),
    Column("Văn bản báo cáo", 22),
    Column("Số phông", 9),
    Column("Mét giá", 9),
    Column("Số hồ sơ", 9),
    Column("Số tờ", 9),
    Column("Số trang", 9),
    *(Column(f"Tiêu chí: {w.CRITERION[c]}", 16) for c in CRITERIA),
    Column("Hồ sơ có hư hỏng", 10),
    Column(f"Hồ sơ khó đọc: {w.CONSERVATION.lower()}", 14),
    Column("Hồ sơ đã duyệt", 10),
    Column("Hồ sơ đã số hóa", 10),
    Column("Trang đã số hóa", 10),
    Column("Ghi chú", 30),
)
COUNT_COLUMNS = (Column("Số hồ sơ", 12), Column("Số tờ", 12), Column("Số trang", 12))


def _files(query: Any, filters: ExportFilters, scope: Scope) -> Any:
    f = t.file_record.c
    query = scoped(query.where(f.deleted.is_(False)), f.agency_code, filters, scope)
    if filters.campaign_id:
        query = query.where(f.campaign_id == filters.campaign_id)
    return query


def _has(criterion: str) -> Any:
    return t.file_record.c.criteria.like(f"%{criterion}%")


def _sum_if(cond: Any) -> Any:
    return func.sum(case((cond, 1), else_=0))


def _per_agency_files(conn: Connection, filters: ExportFilters, scope: Scope) -> dict[str, tuple[Any, ...]]:
    f = t.file_record.c
    query = select(
        f.agency_code,
        func.count(),
        func.sum(func.coalesce(f.leaves, 0)),
        func.sum(func.coalesce(f.pages, 0)),
        *(_sum_if(_has(c)) for c in CRITERIA),
        _sum_if(f.max_severity > 0),
        _sum_if(f.conservation.is_(True)),
        _sum_if(f.review_state == "approved"),
        _sum_if(t.digitized),
        func.sum(t.digitized_pages),
    ).group_by(f.agency_code)
    query = query.select_from(t.files_with_digitization)
    return {r[0]: tuple(r[1:]) for r in conn.execute(_files(query, filters, scope))}


def _per_agency_fonds(conn: Connection, filters: ExportFilters, scope: Scope) -> dict[str, tuple[int, float]]:
    fo = t.fonds.c
    query = select(
        fo.agency_code, func.count(), func.sum(func.coalesce(fo.data["shelf_metres"].as_float(), 0.0))
    ).where(fo.deleted.is_(False))
    query = scoped(query, fo.agency_code, filters, scope).group_by(fo.agency_code)
    return {code: (n, float(m or 0)) for code, n, m in conn.execute(query)}


def _agencies(conn: Connection, filters: ExportFilters, scope: Scope, reported: set[str]) -> list[Any]:
    a = t.agency.c
    query = select(a.code, a.name, a.kind, a.status).where(
        or_(a.in_deposit_list.is_(True), a.code.in_(sorted(reported)))
    )
    return list(conn.execute(scoped(query, a.code, filters, scope).order_by(a.code)))


def _campaign_text(conn: Connection, campaign_id: str | None) -> str:
    c = t.campaign.c
    name = conn.execute(select(c.name).where(c.id == campaign_id)).scalar() if campaign_id else None
    return f"đợt: {name}" if name else "cộng dồn mọi đợt khảo sát"


def count(conn: Connection, filters: ExportFilters, scope: Scope) -> int:
    """Rows of the per-agency sheet."""
    return len(_agencies(conn, filters, scope, set()))


def write(
    conn: Connection, filters: ExportFilters, scope: Scope, out: str | IO[bytes], progress: Progress
) -> None:
    """Write the yearly report workbook to ``out``."""
    files = _per_agency_files(conn, filters, scope)
    fonds = _per_agency_fonds(conn, filters, scope)
    facts = standing.agency_facts(conn, filters.campaign_id)
    agencies = _agencies(conn, filters, scope, set(files) | {c for c, f in facts.items() if f.nil_report_id})
    progress.set_total(len(agencies))
    year = filters.year or dt.date.today().year
    heading = (
        f"BÁO CÁO KẾT QUẢ THỐNG KÊ TÀI LIỆU THUỘC DIỆN SỐ HÓA LẬP BẢN SAO BẢO HIỂM NĂM {year}",
        f"Thực hiện Quyết định số 71/QĐ-TTg — báo cáo trước ngày 15/12/{year}"
        f" — số liệu đến ngày {today_text()} — {_campaign_text(conn, filters.campaign_id)}",
    )
    wb = new_workbook()
    _agency_sheet(wb, heading, agencies, files, fonds, facts, progress)
    _criteria_sheet(conn, wb, heading, filters, scope)
    _carrier_sheet(conn, wb, heading, filters, scope)
    _damage_sheet(conn, wb, heading, filters, scope)
    plan_figures.write_sheets(conn, wb, heading, filters, scope, year)
    copies_sheet.write_sheet(conn, wb, heading, filters, scope)
    save(wb, out)


def _agency_sheet(
    wb: Any,
    heading: tuple[str, str],
    agencies: list[Any],
    files: dict[str, tuple[Any, ...]],
    fonds: dict[str, tuple[int, float]],
    facts: dict[str, standing.AgencyFacts],
    progress: Progress,
) -> None:
    sheet = SheetWriter(wb, "Theo cơ quan", AGENCY_COLUMNS, heading)
    empty = (0,) * (8 + len(CRITERIA))
    sums: list[tuple[Any, ...]] = []
    statuses = dict.fromkeys(standing.ComplianceStatus, 0)
    for i, (code, name, kind, agency_status) in enumerate(agencies, 1):
        counts = files.get(code, empty)
        agency = facts.get(code) or standing.AgencyFacts()
        status = standing.status_of(agency)
        statuses[status] += 1
        doc = None
        if agency.nil_doc is not None:
            number, date = agency.nil_doc
            state = w.REVIEW_STATE.get(agency.nil_state, agency.nil_state)
            doc = f"Số {number} ngày {show_date(date)} ({state})"
        note = "Có cả báo cáo không có tài liệu" if counts[0] and doc else None
        fonds_count, metres = fonds.get(code, (0, 0.0))
        row = (fonds_count, round(metres, 2), *counts)
        sums.append(row)
        sheet.append(
            [
                i,
                code,
                safe_text(name),
                w.label(w.AGENCY_KIND, kind),
                w.label(w.AGENCY_STATUS, agency_status),
                status.vi,
                safe_text(doc),
                *row,
                note,
            ]
        )
    progress.advance(len(agencies))
    total = totals(sums, 2 + len(empty))
    total[1] = round(total[1], 2)
    sheet.append_total([None, "Tổng cộng", None, None, None, None, None, *total, None])
    reported = sum(n for status, n in statuses.items() if status.reported)
    sheet.note(
        " — ".join(f"{status.vi}: {n}" for status, n in statuses.items())
        + f" (trên {len(agencies)} cơ quan, đơn vị; đã báo cáo: {reported})."
    )
    sheet.note(f"Hồ sơ khó đọc được thống kê để {w.CONSERVATION.lower()}, chưa đưa vào số hóa.")


def _count_cols() -> list[Any]:
    f = t.file_record.c
    return [func.count(), func.sum(func.coalesce(f.leaves, 0)), func.sum(func.coalesce(f.pages, 0))]


def _criteria_sheet(conn: Connection, wb: Any, heading: Any, filters: ExportFilters, scope: Scope) -> None:
    f = t.file_record.c
    sheet = SheetWriter(
        wb, "Theo tiêu chí", (Column("Tiêu chí", 60), *COUNT_COLUMNS), heading, landscape=False
    )
    rows = [(w.CRITERION[code], _has(code)) for code in CRITERIA]
    rows.append((f"Trong đó: hồ sơ khó đọc, {w.CONSERVATION.lower()}", f.conservation.is_(True)))
    for label, cond in rows:
        n, leaves, pages = conn.execute(_files(select(*_count_cols()).where(cond), filters, scope)).one()
        sheet.append([label, n, leaves or 0, pages or 0])
    sheet.note("Một hồ sơ có thể đáp ứng nhiều tiêu chí nên các dòng không cộng dồn.")


def _carrier_sheet(conn: Connection, wb: Any, heading: Any, filters: ExportFilters, scope: Scope) -> None:
    f = t.file_record.c
    sheet = SheetWriter(
        wb, "Theo vật mang tin", (Column("Vật mang tin", 30), *COUNT_COLUMNS), heading, landscape=False
    )
    query = _files(select(f.carrier, *_count_cols()).group_by(f.carrier), filters, scope)
    found = {carrier: (n, leaves or 0, pages or 0) for carrier, n, leaves, pages in conn.execute(query)}
    rows = [found.get(code, (0, 0, 0)) for code in w.CARRIER]
    for code, row in zip(w.CARRIER, rows, strict=True):
        sheet.append([w.CARRIER[code], *row])
    sheet.append_total(["Tổng cộng", *totals(rows, 3)])


def _damage_sheet(conn: Connection, wb: Any, heading: Any, filters: ExportFilters, scope: Scope) -> None:
    d, f = t.file_damage.c, t.file_record.c
    levels = [int(s) for s in Severity]
    columns = (Column("Loại hư hỏng", 34), *(Column(f"Mức {s}: {w.SEVERITY[s]}", 14) for s in levels))
    sheet = SheetWriter(wb, "Theo hư hỏng", (*columns, Column("Tổng số hồ sơ", 12)), heading)
    query = (
        select(d.damage_type, d.severity, func.count())
        .select_from(t.file_damage.join(t.file_record, f.id == d.record_id))
        .group_by(d.damage_type, d.severity)
    )
    found = {(kind, sev): n for kind, sev, n in conn.execute(_files(query, filters, scope))}
    rows = []
    for kind in DamageType:
        row = [found.get((kind.value, s), 0) for s in levels]
        rows.append([*row, sum(row)])
        sheet.append([kind.vi, *rows[-1]])
    sheet.append_total(["Tổng cộng", *totals(rows, len(levels) + 1)])
    sheet.note("Số hồ sơ theo loại hư hỏng và mức độ; một hồ sơ có thể có nhiều loại hư hỏng.")
