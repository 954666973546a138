"""Box labels on the tablet: one label, or every box of a fonds on A4 sheets, as PDF files.

Drawn by :mod:`common.labels`, the same renderer and layout table as the server's label sheets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from common.labels import LAYOUTS, BoxLabel, label_pdf, sheets_pdf

TABLET_LAYOUT = LAYOUTS["3x7"]  # the common 21-label A4 sheet


class LabelService:
    """Writes labels under ``<data>/labels`` (printing or sharing starts from those files)."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = Path(data_dir) / "labels"

    def save_label(self, label: BoxLabel) -> tuple[Path, bytes]:
        """One label on a page of its own size."""
        pdf = label_pdf(label, TABLET_LAYOUT)
        return self._write(f"{label.code}.pdf", pdf), pdf

    def save_sheet(self, name: str, labels: Sequence[BoxLabel]) -> tuple[Path, bytes]:
        """A4 pages of 3 × 7 labels, in the order given."""
        if not labels:
            raise ValueError("no labels")
        pdf = sheets_pdf(labels, TABLET_LAYOUT)
        return self._write(f"{name}.pdf", pdf), pdf

    def _write(self, name: str, content: bytes) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
        return path
