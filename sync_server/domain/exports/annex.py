"""The annex of an approved list (*phụ lục kèm theo quyết định phê duyệt*): the catalogue's workbook
(summary sheet, one sheet per agency, the catalogue's columns with criteria and damage) made of the
files as they were when the list was frozen, in the list's order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import Connection, func, select

from common.vocab import Criterion, Readability, ReviewState
from sync_server.domain.exports import tables as t
from sync_server.domain.exports.base import Progress
from sync_server.domain.exports.catalogue import CHUNK, write_workbook
from sync_server.domain.exports.xlsx import today_text

TITLE = "DANH MỤC TÀI LIỆU LƯU TRỮ ĐƯỢC PHÊ DUYỆT SỐ HÓA PHỤC VỤ LẬP BẢN SAO BẢO HIỂM"
DIRECT_LIMIT = 5000
"""Up to this many files the annex is made during the request; above, by a background job."""


def list_title(number: int, supplement_to: int | None) -> str:
    """``Danh mục số 3``, or ``Danh mục số 4 (bổ sung cho danh mục số 3)``."""
    extra = f" (bổ sung cho danh mục số {supplement_to})" if supplement_to else ""
    return f"Danh mục số {number}{extra}"


def filename(number: int) -> str:
    return f"phu-luc-danh-muc-duoc-phe-duyet-so-{number}.xlsx"


def count(conn: Connection, number: int) -> int:
    """Files of list ``number``."""
    i = t.approved_list_item.c
    return int(conn.execute(select(func.count()).where(i.list_number == number)).scalar_one())


def _items(conn: Connection, number: int) -> Any:
    i, fo, a = t.approved_list_item.c, t.fonds.c, t.agency.c
    query = (
        select(i.agency_code, fo.number, fo.name, i.data, a.name)
        .select_from(
            t.approved_list_item.join(t.fonds, fo.id == i.fonds_id).join(t.agency, a.code == i.agency_code)
        )
        .where(i.list_number == number)
        .order_by(i.n)
    )
    return conn.execution_options(yield_per=CHUNK).execute(query)


def _catalogue_row(agency: str, fonds_no: str, fonds_name: str, data: dict[str, Any]) -> tuple[Any, ...]:
    """A frozen file in the shape of the catalogue's rows (see ``catalogue._rows_query``)."""
    damages = data.get("damages") or ()
    severity = max((int(d.get("severity") or 0) for d in damages), default=0)
    return (
        agency,
        fonds_no,
        fonds_name,
        data.get("file_no"),
        data.get("title"),
        data.get("carrier"),
        ",".join(sorted(data.get("criteria") or ())),
        _conservation(damages),
        data.get("leaves"),
        data.get("pages"),
        severity,
        ReviewState.APPROVED.value,
        data,
    )


def _conservation(damages: Any) -> bool:
    """A damage leaves the file hard to read (``FileRecord.conservation_first``)."""
    return any(d.get("readability") == Readability.DIFFICULT.value for d in damages)


def _rows(conn: Connection, number: int) -> Iterator[tuple[Any, ...]]:
    for agency, fonds_no, fonds_name, data, _ in _items(conn, number):
        yield _catalogue_row(agency, fonds_no, fonds_name, data)


def _summary(conn: Connection, number: int) -> list[tuple[Any, ...]]:
    """Per agency, in the list's order, the catalogue's summary: code, name, fonds, files, leaves,
    pages, rare, damaged, hard to read, approved (every file of the list was)."""
    per: dict[str, list[Any]] = {}
    fonds: dict[str, set[str]] = {}
    for agency, fonds_no, _, data, name in _items(conn, number):
        row = per.setdefault(agency, [agency, name, 0, 0, 0, 0, 0, 0, 0, 0])
        fonds.setdefault(agency, set()).add(fonds_no)
        damages = data.get("damages") or ()
        row[3] += 1
        row[4] += data.get("leaves") or 0
        row[5] += data.get("pages") or 0
        row[6] += Criterion.RARE.value in (data.get("criteria") or ())
        row[7] += bool(damages)
        row[8] += _conservation(damages)
        row[9] += 1
    for agency, row in per.items():
        row[2] = len(fonds[agency])
    return [tuple(r) for r in per.values()]


def write(conn: Connection, number: int, out: str | IO[bytes], progress: Progress) -> None:
    """Write the annex of list ``number`` to ``out``."""
    header = conn.execute(select(t.approved_list).where(t.approved_list.c.number == number)).one()
    summary = _summary(conn, number)
    progress.set_total(sum(r[3] for r in summary))
    decision = (
        f"kèm theo văn bản phê duyệt số {header.decision_number} ngày {today_text(header.decision_date)}"
    )
    subtitle = f"{list_title(number, header.supplement_to)} — {decision}"
    write_workbook(out, summary, _rows(conn, number), progress, (TITLE, subtitle))
