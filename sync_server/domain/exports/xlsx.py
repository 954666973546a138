"""Styled sheets in openpyxl's write-only mode: rows stream to disk, memory stays flat.

Every sheet has title lines, one bold frozen header row, fixed column widths and print setup.
Text from users is made safe (:func:`safe_text`): control characters Excel refuses are dropped and
a leading ``= + - @`` (or tab / carriage return) is prefixed with ``'`` so no spreadsheet program
ever reads the cell as a formula. Partial dates become real dates with a display format that shows
only the part that is known (``1996``, ``01/1996``, ``06/11/1996``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from common.dates import PARTIAL_DATE_RE, partial_date_bounds, show_date

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_MAX = 31
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
DATE_FORMATS = {1: "yyyy", 2: "mm/yyyy", 3: "dd/mm/yyyy"}
ZIP_LEVEL = 3
"""Deflate level of the workbook: 2.5 times faster than zlib's default (6) for ~17% more bytes."""

TITLE_FONT = Font(bold=True, size=14)
SUBTITLE_FONT = Font(italic=True, size=10)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side(style="thin", color="808080")
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TOTAL_FONT = Font(bold=True)


def safe_text(value: str | None) -> str | None:
    """Text as it may go into a cell: no illegal control characters, never read as a formula."""
    if not value:
        return None
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value or None


@dataclass(frozen=True)
class Column:
    """A column's header (Vietnamese) and width in characters."""

    header: str
    width: float = 12


class SheetWriter:
    """One write-only sheet: title lines, a bold frozen header row, then streamed rows."""

    def __init__(
        self,
        wb: Workbook,
        title: str,
        columns: Sequence[Column],
        heading: Sequence[str] = (),
        *,
        landscape: bool = True,
    ) -> None:
        self.ws: WriteOnlyWorksheet = wb.create_sheet(title)
        self.columns = columns
        self.rows = 0
        for i, col in enumerate(columns, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.width
        self._dates: dict[tuple[int, int], WriteOnlyCell] = {}
        self.header_row = len(heading) + 1
        self.ws.freeze_panes = f"A{self.header_row + 1}"
        self.ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        self.ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        self.ws.page_setup.orientation = "landscape" if landscape else "portrait"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        for i, line in enumerate(heading):
            self.ws.append([self._cell(safe_text(line), TITLE_FONT if i == 0 else SUBTITLE_FONT)])
        self.ws.append([self._header(col.header) for col in columns])

    def _cell(self, value: Any, font: Font | None = None, number_format: str | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        if font is not None:
            cell.font = font
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def _header(self, text: str) -> WriteOnlyCell:
        cell = self._cell(text, HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = HEADER_BORDER
        return cell

    def append(self, values: Sequence[Any]) -> None:
        """One data row; strings must already be safe (see :func:`safe_text`)."""
        self.ws.append(values)
        self.rows += 1

    def append_total(self, values: Sequence[Any]) -> None:
        """A bold totals row."""
        self.ws.append([None if v is None else self._cell(v, TOTAL_FONT) for v in values])

    def date_cell(self, value: str | None, column: int, *, end: bool = False) -> WriteOnlyCell | None:
        """A partial date as a real date (its first day, or last when ``end``) showing its precision.

        Rows are serialised when appended, so one styled cell per column and precision is refilled
        for every row instead of styling a new cell each time.
        """
        if not value:
            return None
        m = PARTIAL_DATE_RE.match(value)
        if m is None:
            return WriteOnlyCell(self.ws, value=safe_text(value))
        precision = 3 if m[3] else 2 if m[2] else 1
        cell = self._dates.get((column, precision))
        if cell is None:
            cell = self._dates[(column, precision)] = self._cell(None, number_format=DATE_FORMATS[precision])
        lo, hi = partial_date_bounds(value)
        cell.value = hi if end else lo
        return cell

    def note(self, text: str) -> None:
        """A line of text after the rows (e.g. how to read the figures)."""
        self.ws.append([])
        self.ws.append([self._cell(safe_text(text), SUBTITLE_FONT)])


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet title (31 characters, none of ``[]:*?/\\``) made from ``text``."""
    base = (text.translate(_BAD_SHEET_CHARS).strip("'") or "Sheet")[:SHEET_TITLE_MAX]
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
    taken.add(title.lower())
    return title


def new_workbook() -> Workbook:
    """A write-only workbook (never normal mode: it keeps every cell in memory)."""
    return Workbook(write_only=True)


def save(wb: Workbook, out: str | IO[bytes]) -> None:
    """Write the workbook (what ``Workbook.save`` does, with a faster deflate level)."""
    if not wb.worksheets:
        wb.create_sheet()
    wb.properties.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ExcelWriter(wb, ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=ZIP_LEVEL)).save()


def today_text(today: dt.date | None = None) -> str:
    return show_date(today or dt.date.today())


def totals(rows: Iterable[Sequence[int | None]], width: int) -> list[int]:
    """Column sums of integer rows (None counts as 0)."""
    out = [0] * width
    for row in rows:
        for i, v in enumerate(row):
            out[i] += v or 0
    return out
