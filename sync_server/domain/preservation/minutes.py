"""The minutes of a handover (*biên bản bàn giao*, .xlsx): its number, day and parties, then each
fonds, work or collection with its numbers of files, documents and pages digitized."""

from __future__ import annotations

from typing import IO

from sync_server.domain.exports import wording as w
from sync_server.domain.exports.xlsx import (
    Column,
    SheetWriter,
    new_workbook,
    safe_text,
    save,
    today_text,
    totals,
)
from sync_server.models import Handover

TITLE = "BIÊN BẢN BÀN GIAO CƠ SỞ DỮ LIỆU TÀI LIỆU LƯU TRỮ SỐ HÓA"
COLUMNS = (
    Column("STT", 6),
    Column("Mã cơ quan", 18),
    Column("Số phông", 9),
    Column("Tên phông / công trình / sưu tập", 44),
    Column("Loại", 16),
    Column("Số hồ sơ đã số hóa", 12),
    Column("Số văn bản", 12),
    Column("Số trang đã số hóa", 12),
    Column("Số hồ sơ chưa bàn giao", 12),
)


def minutes_filename(row: Handover) -> str:
    from sync_server.domain.preservation.handover import bag_name

    return f"bien-ban-ban-giao_{bag_name(row.number)}.xlsx"


def write_minutes(row: Handover, organization: str, out: str | IO[bytes]) -> None:
    """Write the minutes of ``row`` to ``out``."""
    wb = new_workbook()
    day = today_text(row.handed_on)
    heading = (
        TITLE,
        f"Số: {row.number} — ngày {day}",
        f"Bên giao: {organization} — Bên nhận: {row.recipient}",
    )
    sheet = SheetWriter(wb, "Biên bản", COLUMNS, heading)
    counts = []
    for i, f in enumerate(row.fonds, 1):
        numbers = (f["files"], f["documents"], f["pages"], f["missing"])
        counts.append(numbers)
        kind = w.label(w.FONDS_KIND, f["kind"])
        sheet.append([i, f["agency_code"], f["number"], safe_text(f["name"]), kind, *numbers])
    sheet.append_total([None, "Tổng cộng", None, None, None, *totals(counts, 4)])
    if row.partial:
        sheet.note(f"Bàn giao một phần: {row.missing} hồ sơ chưa nghiệm thu bản số hóa không có trong gói.")
    if row.package_sha256:
        size = f"{row.package_size:,} byte".replace(",", ".")
        sheet.note(f"Gói dữ liệu (BagIt, .tar): {size}, mã SHA-256 {row.package_sha256}.")
    else:
        sheet.note("Gói dữ liệu chưa được tạo: mã SHA-256 của gói ghi khi tải gói lần đầu.")
    if row.note:
        sheet.note(f"Ghi chú: {row.note}")
    sheet.note("ĐẠI DIỆN BÊN GIAO                                        ĐẠI DIỆN BÊN NHẬN")
    sheet.note("(Ký, ghi rõ họ tên)                                          (Ký, ghi rõ họ tên)")
    save(wb, out)
