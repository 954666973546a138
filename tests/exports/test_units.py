"""Small pieces of the exports: formula safety, sheet names, wording, the Core tables' columns."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from sync_server.domain.exports import tables
from sync_server.domain.exports.wording import criteria_text, damage_text, retention_text
from sync_server.domain.exports.xlsx import Column, SheetWriter, new_workbook, safe_text, sheet_title
from sync_server.models import SQLModel


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+84 905", "'+84 905"),
        ("-Tập", "'-Tập"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("Tập công văn", "Tập công văn"),
        ("a\x00b\x0bc", "abc"),
        ("\x01=evil", "'=evil"),
        ("", None),
        (None, None),
    ],
)
def test_safe_text(raw: str | None, cell: str | None) -> None:
    assert safe_text(raw) == cell


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    long = "A" * 40
    assert sheet_title("a/b:c", taken) == "a_b_c"
    assert sheet_title(long, taken) == "A" * 31
    assert sheet_title(long, taken) == "A" * 27 + " (2)"
    assert sheet_title("A_B_C", taken) == "A_B_C (2)"


def test_sheet_writer_styles_survive_a_round_trip() -> None:
    wb = new_workbook()
    sheet = SheetWriter(wb, "S", [Column("Một", 10), Column("Hai", 25)], ["Tiêu đề"])
    sheet.append([1, sheet.date_cell("2001-02", 2)])
    sheet.append([2, sheet.date_cell("not a date", 2)])
    buf = io.BytesIO()
    wb.save(buf)
    ws = load_workbook(buf)["S"]
    assert ws.freeze_panes == "A3"
    assert ws["A2"].font.b and ws["A2"].value == "Một"
    assert ws.column_dimensions["B"].width == 25
    assert ws["B3"].number_format == "mm/yyyy"
    assert ws["B3"].value.year == 2001
    assert ws["B4"].value == "not a date"
    assert ws.print_title_rows == "$2:$2"


def test_wording() -> None:
    assert criteria_text("") is None
    assert criteria_text("permanent,unknown") == "Tài liệu có giá trị bảo quản vĩnh viễn; unknown"
    assert retention_text("years", 20) == "20 năm"
    assert retention_text(None, None) == "Vĩnh viễn"
    assert damage_text([{"type": "other", "severity": 1, "note": "bị ghim"}]) == "Khác – Nhẹ (bị ghim)"


def test_core_tables_match_the_models() -> None:
    """The lightweight tables exports query must name real columns of the real tables."""
    real = SQLModel.metadata.tables
    for t in tables.ALL:
        assert t.name in real, t.name
        missing = {c.name for c in t.columns} - {c.name for c in real[t.name].columns}
        assert not missing, (t.name, missing)
