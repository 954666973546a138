"""The text a tablet record is found by: chosen fields of its data, folded (no case, no diacritics)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from common.text import fold

SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "agency": ("code", "name"),
    "fonds": ("number", "name"),
    "box": ("code", "box_no", "notes"),
    "file_record": ("inventory_no", "box_no", "file_no", "title", "notes"),
    "nil_report": ("doc_number", "signer_name"),
}
"""The fields a record is found by, per record type."""


def search_text(type_: str, data: Mapping[str, Any]) -> str:
    """The folded text a record is found by (see :func:`common.text.fold`)."""
    parts = [str(data[f]) for f in SEARCH_FIELDS.get(type_, ()) if data.get(f) not in (None, "")]
    return fold(" ".join(parts))
