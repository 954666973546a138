"""Digitization plan against what was done: per plan year 2026–2033, and per agency and fonds for
one year and in total. The dashboard and the yearly report (two sheets) read these figures.

* *planned* — files of the plan's year (``plan_year``), their pages as the plan counts them (the
  record's pages, else two per leaf);
* *scanned* — files whose master was taken in that year, the master's pages;
* *accepted* — files accepted by the quality check that year, the master's pages (the record's for
  a file accepted without one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, extract, func, select

from common.vocab import DigitizationState
from sync_server.domain.exports import tables as t
from sync_server.domain.exports.base import ExportFilters, Scope, scoped
from sync_server.domain.exports.xlsx import Column, SheetWriter, safe_text, totals

FIRST_YEAR, LAST_YEAR = 2026, 2033
PLAN_YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
"""The years of the plan (Decision 71's digitization phase)."""

_d, _f, _m = t.file_digitization.c, t.file_record.c, t.scan_master.c
_SCANNED = _d.master_sha256.is_not(None)
_ACCEPTED = _d.state == DigitizationState.ACCEPTED.value
_PLANNED = _d.plan_year.is_not(None)


@dataclass(frozen=True)
class Progress:
    """Files and pages planned, scanned and accepted (in a year, or in total)."""

    year: int | None
    planned_files: int = 0
    planned_pages: int = 0
    scanned_files: int = 0
    scanned_pages: int = 0
    accepted_files: int = 0
    accepted_pages: int = 0

    @property
    def figures(self) -> tuple[int, int, int, int, int, int]:
        return (
            self.planned_files,
            self.planned_pages,
            self.scanned_files,
            self.scanned_pages,
            self.accepted_files,
            self.accepted_pages,
        )

    @property
    def done_share(self) -> float | None:
        """Accepted pages as a share of planned pages (None when nothing is planned)."""
        return self.accepted_pages / self.planned_pages if self.planned_pages else None


@dataclass(frozen=True)
class PlanProgress:
    years: list[Progress]
    """2026–2033, each year's own figures."""
    total: Progress
    """Every year's, the years outside the plan too."""


def _base(query: Any, filters: ExportFilters, scope: Scope) -> Any:
    query = query.select_from(t.files_with_digitization).where(_f.deleted.is_(False))
    query = scoped(query, _f.agency_code, filters, scope)
    return query.where(_f.campaign_id == filters.campaign_id) if filters.campaign_id else query


def _by_year(
    conn: Connection, year: Any, cond: Any, pages: Any, filters: ExportFilters, scope: Scope
) -> dict[Any, tuple[int, int]]:
    query = _base(select(year, func.count(), func.sum(pages)).where(cond), filters, scope).group_by(year)
    return {y: (int(n), int(p or 0)) for y, n, p in conn.execute(query)}


def plan_progress(
    conn: Connection, filters: ExportFilters | None = None, scope: Scope = None
) -> PlanProgress:
    """Planned, scanned and accepted per year of the plan, and in total."""
    filters = filters or ExportFilters()
    planned = _by_year(conn, _d.plan_year, _PLANNED, t.estimated_pages, filters, scope)
    scanned = _by_year(conn, extract("year", _d.ingested_at), _SCANNED, _m.pages, filters, scope)
    accepted = _by_year(conn, extract("year", _d.accepted_on), _ACCEPTED, t.digitized_pages, filters, scope)

    def at(year: int | None) -> Progress:
        def of(found: dict[Any, tuple[int, int]]) -> tuple[int, int]:
            if year is None:
                return sum(n for n, _ in found.values()), sum(p for _, p in found.values())
            return found.get(year, (0, 0))

        return Progress(year, *of(planned), *of(scanned), *of(accepted))

    return PlanProgress([at(y) for y in PLAN_YEARS], at(None))


def _sum_if(cond: Any, value: Any = 1) -> Any:
    return func.sum(case((cond, value), else_=0))


def fonds_progress(
    conn: Connection, year: int, filters: ExportFilters, scope: Scope
) -> list[tuple[Any, ...]]:
    """Per agency and fonds holding files in digitization: agency code and name, fonds number and
    name, then files and pages planned, scanned and accepted in ``year`` and in total."""
    fo, a = t.fonds.c, t.agency.c
    in_year = {
        "scanned": extract("year", _d.ingested_at) == year,
        "accepted": extract("year", _d.accepted_on) == year,
    }
    figures = (
        _sum_if(_d.plan_year == year),
        _sum_if(_d.plan_year == year, t.estimated_pages),
        _sum_if(_PLANNED),
        _sum_if(_PLANNED, t.estimated_pages),
        _sum_if(_SCANNED & in_year["scanned"]),
        _sum_if(_SCANNED & in_year["scanned"], _m.pages),
        _sum_if(_SCANNED),
        _sum_if(_SCANNED, _m.pages),
        _sum_if(_ACCEPTED & in_year["accepted"]),
        _sum_if(_ACCEPTED & in_year["accepted"], t.digitized_pages),
        _sum_if(_ACCEPTED),
        _sum_if(_ACCEPTED, t.digitized_pages),
    )
    per_fonds = _base(select(_f.fonds_id.label("fonds_id"), *figures), filters, scope)
    per_fonds = per_fonds.where(_d.record_id.is_not(None)).group_by(_f.fonds_id).subquery()
    query = (
        select(fo.agency_code, a.name, fo.number, fo.name, *list(per_fonds.c)[1:])
        .select_from(
            t.fonds.join(per_fonds, per_fonds.c.fonds_id == fo.id).join(t.agency, a.code == fo.agency_code)
        )
        .order_by(fo.agency_code, func.length(fo.number), fo.number)
    )
    return [tuple(r[:4]) + tuple(int(v or 0) for v in r[4:]) for r in conn.execute(query)]


FIGURE_COLUMNS = (
    Column("Số hồ sơ kế hoạch", 11),
    Column("Số trang kế hoạch", 11),
    Column("Số hồ sơ đã số hóa", 11),
    Column("Số trang đã số hóa", 11),
    Column("Số hồ sơ đã nghiệm thu", 12),
    Column("Số trang đã nghiệm thu", 12),
)


def write_sheets(
    conn: Connection, wb: Any, heading: Any, filters: ExportFilters, scope: Scope, year: int
) -> None:
    """The yearly report's two digitization sheets: plan against done per year, and per fonds."""
    progress = plan_progress(conn, filters, scope)
    columns = (Column("Năm", 10), *FIGURE_COLUMNS, Column("Tỷ lệ trang đã nghiệm thu / kế hoạch", 14))
    sheet = SheetWriter(wb, "Kế hoạch số hóa", columns, heading)
    for p in progress.years:
        share = round(100 * p.done_share, 1) if p.done_share is not None else None
        sheet.append([p.year, *p.figures, share])
    sheet.append_total(["Tổng cộng", *progress.total.figures, None])
    sheet.note(
        "Kế hoạch: hồ sơ được xếp vào năm, số trang (chưa ghi số trang thì tính 2 trang một tờ); đã số "
        "hóa: bản số hóa được nhận trong năm; đã nghiệm thu: được kiểm tra chất lượng trong năm. Tổng "
        "cộng tính mọi năm."
    )
    halves = (f"năm {year}", "lũy kế")
    per_fonds = (
        Column("STT", 6),
        Column("Mã cơ quan", 18),
        Column("Tên cơ quan, đơn vị", 32),
        Column("Số phông", 9),
        Column("Tên phông", 32),
        *(
            Column(f"{c.header} ({half})", c.width)
            for pair in (0, 2, 4)
            for half in halves
            for c in FIGURE_COLUMNS[pair : pair + 2]
        ),
    )
    sheet = SheetWriter(wb, "Số hóa theo phông", per_fonds, heading)
    rows = fonds_progress(conn, year, filters, scope)
    for i, (code, agency, number, name, *counts) in enumerate(rows, 1):
        sheet.append([i, code, safe_text(agency), number, safe_text(name), *counts])
    sheet.append_total([None, "Tổng cộng", None, None, None, *totals((r[4:] for r in rows), 12)])
    if not rows:
        sheet.note("Chưa có hồ sơ nào được đưa vào kế hoạch hoặc số hóa.")
