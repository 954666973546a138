"""A package's metadata: the catalogue (.xlsx, the circular's column names) and the same rows as
JSON Lines, one object per file whose keys are the circular's Vietnamese field names
(:data:`common.circular02.PACKAGE_FIELDS`), in a package's payload beside the masters.

JSON Lines rather than METS: the circular names fields, not an XML schema, so METS would wrap them
in a schema of our own making (descriptive metadata METS leaves to other standards), while one JSON
object per file carries the circular's names as they are, is read by any tool, and is written row
by row in flat memory (``metsrw`` builds the whole document in memory).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from sqlmodel import Session

from common import circular02 as c02
from sync_server.domain.exports.xlsx import Column, SheetWriter, new_workbook, safe_text, save, today_text
from sync_server.domain.preservation.content import file_rows, folders_of, packed
from sync_server.models import Fonds

WIDTHS = {c02.TITLE: 60, c02.ANNOTATION: 40, c02.CONDITION: 40, c02.MASTER_FILE: 44, c02.MASTER_SHA256: 30}


@dataclass(frozen=True)
class Written:
    """How many files the metadata lists."""

    files: int


def write_metadata(
    session: Session, fonds: Sequence[Fonds], title: str, catalogue: IO[bytes], lines: IO[bytes]
) -> Written:
    """Write the catalogue and the JSON Lines of the accepted masters of ``fonds``."""
    wb = new_workbook()
    columns = (Column("STT", 6), *(Column(f.vi, WIDTHS.get(f, 14)) for f in c02.PACKAGE_FIELDS))
    names = "; ".join(f"{f.agency_code}/{f.number} {f.name}" for f in fonds)
    sheet = SheetWriter(wb, "Danh mục", columns, (title, f"{names} — lập ngày {today_text()}"))
    folders = folders_of(fonds)
    n = 0
    for row in file_rows(session, fonds):
        item = packed(row, folders)
        if item is None:
            continue
        values: dict[c02.CircularField, Any] = row.facts.values()
        values[c02.MASTER_FILE], values[c02.MASTER_SHA256] = item.path, item.sha256
        n += 1
        sheet.append([n, *(safe_text(v) if isinstance(v, str) else v for v in values.values())])
        record = {f.vi: values[f] for f in c02.PACKAGE_FIELDS}
        lines.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    if not n:
        sheet.note("Không có hồ sơ nào đã nghiệm thu bản số hóa.")
    save(wb, catalogue)
    return Written(n)
