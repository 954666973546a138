"""Box labels: the label sheets both the tablet and the server print, and how one label is drawn.

A label shows the agency's name, the fonds (number and name), the inventory and box numbers in
large type and the box code, beside a QR code holding :func:`common.boxcode.qr_payload` — what the
tablet scans. The QR is drawn as vector squares and the text in DejaVu Sans (it has Vietnamese
letters), so labels print sharp at any size and their text can be searched and copied.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Literal, get_args

from common.boxcode import qr_payload
from common.pdf import POINTS_PER_MM, Page, PdfWriter
from common.qr import qr_matrix
from common.ttf import load

A4_MM = (210.0, 297.0)
LayoutName = Literal["3x7", "2x7", "2x4"]
TITLE = "Nhãn hộp tài liệu — SaoLuu"
NOTHING_TO_PRINT = "Không có hộp nào phù hợp điều kiện đã chọn."
BASE_HEIGHT = 38.1  # text sizes below are for a label this tall (mm), scaled up to MAX_TEXT_SCALE
MAX_TEXT_SCALE = 1.3
PAD = 2.0  # mm
LINE_GAP = 1.05


@dataclass(frozen=True)
class LabelLayout:
    """A sheet of labels in millimetres (label size, grid, page margins to the first label)."""

    name: LayoutName
    vi: str
    en: str
    cols: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


LAYOUTS: dict[str, LabelLayout] = {
    layout.name: layout
    for layout in (
        LabelLayout(
            name="3x7",
            vi="21 nhãn 70 × 42,3 mm (A4, 3 cột × 7 hàng)",
            en="21 labels 70 × 42.3 mm (A4, 3 × 7)",
            cols=3,
            rows=7,
            width=70.0,
            height=42.3,
            left=0.0,
            top=0.45,
            pitch_x=70.0,
            pitch_y=42.3,
        ),
        LabelLayout(
            name="2x7",
            vi="14 nhãn 99,1 × 38,1 mm (A4, 2 cột × 7 hàng)",
            en="14 labels 99.1 × 38.1 mm (A4, 2 × 7)",
            cols=2,
            rows=7,
            width=99.1,
            height=38.1,
            left=4.65,
            top=15.15,
            pitch_x=101.6,
            pitch_y=38.1,
        ),
        LabelLayout(
            name="2x4",
            vi="8 nhãn 99,1 × 67,7 mm (A4, 2 cột × 4 hàng)",
            en="8 labels 99.1 × 67.7 mm (A4, 2 × 4)",
            cols=2,
            rows=4,
            width=99.1,
            height=67.7,
            left=4.65,
            top=13.05,
            pitch_x=101.6,
            pitch_y=67.7,
        ),
    )
}
DEFAULT_LAYOUT: LayoutName = "2x7"
assert set(LAYOUTS) == set(get_args(LayoutName))


@dataclass(frozen=True)
class BoxLabel:
    """What one box's label says."""

    code: str
    agency_name: str
    fonds_number: str
    fonds_name: str
    inventory_no: str | None
    box_no: str

    @property
    def fonds_line(self) -> str:
        return f"Phông {self.fonds_number}: {self.fonds_name}"

    @property
    def box_line(self) -> str:
        inventory = f"Mục lục {self.inventory_no} · " if self.inventory_no else ""
        return f"{inventory}Hộp {self.box_no}"


# --- writing -------------------------------------------------------------------------------------


def write_sheets(
    out: IO[bytes],
    labels: Iterable[BoxLabel],
    layout: LabelLayout,
    on_page: Callable[[int], None] | None = None,
    empty_note: str = NOTHING_TO_PRINT,
) -> int:
    """A4 pages of ``labels`` in ``layout`` (in the order given) as a PDF to ``out``, one page held at
    a time; ``on_page(n)`` after each page of ``n`` labels. No labels: one page saying so."""
    pdf = PdfWriter(out, TITLE)
    batch: list[BoxLabel] = []
    drawn = 0
    for label in labels:
        batch.append(label)
        if len(batch) == layout.per_page:
            _sheet(pdf, batch, layout, empty_note)
            drawn += len(batch)
            if on_page:
                on_page(len(batch))
            batch = []
    if batch or not drawn:
        _sheet(pdf, batch, layout, empty_note)
        if on_page:
            on_page(len(batch))
    return pdf.close()


def sheets_pdf(labels: Iterable[BoxLabel], layout: LabelLayout) -> bytes:
    buf = io.BytesIO()
    write_sheets(buf, labels, layout)
    return buf.getvalue()


def label_pdf(label: BoxLabel, layout: LabelLayout) -> bytes:
    """One label on a page of its own size (for a label printer, or to share)."""
    buf = io.BytesIO()
    pdf = PdfWriter(buf, f"{TITLE}: {label.code}")
    with pdf.page(layout.width, layout.height) as page:
        draw_label(page, label, 0, 0, layout.width, layout.height)
    pdf.close()
    return buf.getvalue()


def _sheet(pdf: PdfWriter, labels: Sequence[BoxLabel], layout: LabelLayout, empty_note: str) -> None:
    with pdf.page(*A4_MM) as page:
        if not labels:
            page.text(20, 25, empty_note, "regular", 12)
        for i, label in enumerate(labels):
            row, col = divmod(i, layout.cols)
            x = layout.left + col * layout.pitch_x
            y = layout.top + row * layout.pitch_y
            draw_label(page, label, x, y, layout.width, layout.height)


# --- one label -----------------------------------------------------------------------------------


def draw_label(page: Page, label: BoxLabel, x: float, y: float, width: float, height: float) -> None:
    """QR on the left; agency, fonds, inventory and box (large) and the code on the right."""
    scale = min(height / BASE_HEIGHT, MAX_TEXT_SCALE)
    page.stroke_rect(x, y, width, height)
    side = min(height - 2 * PAD, width * 0.42)
    draw_qr(page, qr_payload(label.code), x + PAD / 2, y + (height - side) / 2, side)
    left = x + PAD / 2 + side + PAD / 2
    room = x + width - PAD - left
    top = _lines(page, left, y + PAD, label.agency_name, "bold", 8 * scale, room, 2)
    top = _lines(page, left, top, label.fonds_line, "regular", 7.5 * scale, room, 2)
    code_size = 7 * scale
    code_lines = min(2, len(wrap(label.code, "bold", code_size, room, separators="-")))
    code_top = y + height - PAD - code_lines * line_height(code_size)
    big = fitting(label.box_line, "bold", 15 * scale, room)
    space = code_top - top
    baseline = top + max(0.0, (space - line_height(big)) / 2) + ascent(big)
    page.text(left, baseline, label.box_line, "bold", big)
    _lines(page, left, code_top, label.code, "bold", code_size, room, 2, separators="-")


def draw_qr(page: Page, payload: str, x: float, y: float, side: float) -> None:
    """The QR of ``payload`` (quiet zone included) as black squares, ``side`` mm wide."""
    matrix = qr_matrix(payload)
    module = side / len(matrix)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            page.fill_rect(x + start * module, y + r * module, (c - start) * module, module)


def text_width(text: str, style: str, size: float) -> float:
    """Width in millimetres of ``text`` at ``size`` points."""
    return load(style).text_width(text, size) / POINTS_PER_MM


def line_height(size: float) -> float:
    m = load("regular").metrics
    return (m.ascent - m.descent) / 1000 * size * LINE_GAP / POINTS_PER_MM


def ascent(size: float) -> float:
    return load("regular").metrics.ascent / 1000 * size / POINTS_PER_MM


def fitting(text: str, style: str, points: float, width: float) -> float:
    """The largest size up to ``points`` at which ``text`` fits ``width`` (6 points at least)."""
    while points > 6 and text_width(text, style, points) > width:
        points -= 0.5
    return points


def wrap(text: str, style: str, size: float, width: float, separators: str = " ") -> list[str]:
    """Greedy word wrap; breaks after any of ``separators`` (kept at the end of the line)."""
    words: list[str] = []
    current = ""
    for ch in text:
        current += ch
        if ch in separators:
            words.append(current)
            current = ""
    if current:
        words.append(current)
    lines: list[str] = []
    line = ""
    for word in words:
        if line and text_width((line + word).rstrip(), style, size) > width:
            lines.append(line.rstrip())
            line = word
        else:
            line += word
    if line:
        lines.append(line.rstrip())
    return lines


def _lines(
    page: Page,
    x: float,
    top: float,
    text: str,
    style: str,
    size: float,
    width: float,
    max_lines: int,
    separators: str = " ",
) -> float:
    """Draw wrapped text from ``top`` (an ellipsis ends a cut last line); returns the y below it."""
    lines = wrap(text, style, size, width, separators)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", style, size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    for line in lines:
        page.text(x, top + ascent(size), line, style, size)
        top += line_height(size)
    return top
