"""The report of an ingest run: one line per delivered PDF — stored, already held, or refused with
the reason — as an Excel sheet or a CSV file (UTF-8 with BOM, which Excel opens in Vietnamese)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlmodel import Session, col

from common.dates import show_date
from common.errors import NotAllowed, NotFound, field_error
from common.tables import table_of
from common.vocab import STAFF, IngestOutcome, Lang
from sync_server.auth import Principal
from sync_server.domain.exports.xlsx import Column, SheetWriter, new_workbook, safe_text, save
from sync_server.domain.scans.ingest import INGEST_ROLES
from sync_server.models import FileRecord, IngestItem, IngestRun

COLUMNS = (
    Column("STT", 6),
    Column("Tệp PDF", 44),
    Column("Kết quả", 14),
    Column("Lý do, ghi chú", 60),
    Column("Hồ sơ (cơ quan/phông/mục lục/hồ sơ số)", 30),
    Column("Tiêu đề hồ sơ", 44),
    Column("Số trang", 9),
    Column("Độ phân giải thấp nhất (ppi)", 13),
    Column("Dung lượng (byte)", 14),
    Column("SHA-256", 66),
)


def reason_text(reason: str | None, detail: dict[str, Any] | None, lang: str = "vi") -> str | None:
    """The reason of a report line in words (``reason`` is a field error reason)."""
    if not reason:
        return None
    return field_error("", reason, **(detail or {})).message.get(lang)


def run_of(session: Session, principal: Principal, run_id: int) -> IngestRun:
    """An ingest run, for staff or for whoever ran it."""
    run = session.get(IngestRun, run_id)
    if principal.role not in INGEST_ROLES:
        raise NotAllowed()
    if run is None or (principal.role not in STAFF and run.user_id != principal.user_id):
        raise NotFound()
    return run


def recent_runs(session: Session, principal: Principal, limit: int = 10) -> list[IngestRun]:
    """The latest runs, newest first: every run for staff, their own for anyone else."""
    if principal.role not in INGEST_ROLES:
        raise NotAllowed()
    query = select(IngestRun).order_by(col(IngestRun.id).desc()).limit(limit)
    if principal.role not in STAFF:
        query = query.where(col(IngestRun.user_id) == principal.user_id)
    return list(session.execute(query).scalars())


def lines(session: Session, run_id: int, lang: Lang = "vi") -> Iterator[list[Any]]:
    """The report's rows, in delivery order (outcome and reason in ``lang``)."""
    i, f = table_of(IngestItem).c, table_of(FileRecord).c
    rows = session.execute(
        select(i.n, i.name, i.outcome, i.reason, i.detail, f.title, i.pages, i.min_ppi, i.size, i.sha256)
        .outerjoin_from(table_of(IngestItem), table_of(FileRecord), f.id == i.record_id)
        .where(i.run_id == run_id)
        .order_by(i.n)
    )
    for n, name, outcome, reason, detail, title, pages, ppi, size, sha in rows:
        code = (detail or {}).get("code")
        yield [
            n,
            safe_text(name),
            IngestOutcome(outcome).label(lang),
            safe_text(reason_text(reason, detail, lang)),
            safe_text(code),
            safe_text(title),
            pages,
            ppi,
            size,
            sha,
        ]


def _when(moment: dt.datetime | None) -> str:
    return show_date(moment) or "—"


def heading(run: IngestRun) -> list[str]:
    """The title lines: which run, which folder, when, how many of each outcome."""
    started, ended = _when(run.started_at), _when(run.finished_at)
    return [
        f"BÁO CÁO NHẬN BẢN SỐ HÓA (PDF) — LẦN NHẬN SỐ {run.id}",
        f"Thư mục: {run.source} — bắt đầu {started}, kết thúc {ended}",
        f"{run.total} tệp: {run.stored} {IngestOutcome.STORED.vi.lower()}, "
        f"{run.held} {IngestOutcome.HELD.vi.lower()}, {run.refused} {IngestOutcome.REFUSED.vi.lower()}",
    ]


def write_xlsx(session: Session, run_id: int, out: str | Path | IO[bytes]) -> None:
    run = session.get(IngestRun, run_id)
    assert run is not None
    wb = new_workbook()
    sheet = SheetWriter(wb, "Báo cáo nhận", COLUMNS, heading(run))
    for row in lines(session, run_id):
        sheet.append(row)
    save(wb, str(out) if isinstance(out, Path) else out)


def write_csv(session: Session, run_id: int, out: Path) -> None:
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in COLUMNS])
        writer.writerows(lines(session, run_id))


def write_report(session: Session, run_id: int, out: Path) -> Path:
    """Write the report to ``out``: CSV if it ends in ``.csv``, else Excel (``.xlsx``)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        write_csv(session, run_id, out)
    else:
        write_xlsx(session, run_id, out)
    return out
