"""Box label sheets: A4 pages of labels, each a QR code of the box plus the same code in text.

A label shows the agency, the fonds (number and name), the inventory and box numbers in large type
and the box code, with a QR code holding :func:`common.boxcode.qr_payload` — what the tablet scans.
Pages are drawn at 300 dpi in black and white with a TrueType font that has Vietnamese letters
(DejaVu Sans from Debian's ``fonts-dejavu-core``) and streamed into a PDF one page at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import Connection, func, select

from common.boxcode import label_png
from sync_server.domain.exports import tables as t
from sync_server.domain.exports.base import ExportFilters, Progress, Scope, scoped
from sync_server.domain.exports.pdf import write_pdf

DPI = 300
A4_MM = (210.0, 297.0)
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono-Bold.ttf"}


@dataclass(frozen=True)
class LabelLayout:
    """A sheet of labels in millimetres (label size, grid, page margins to the first label)."""

    name: str
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


LAYOUTS = {
    layout.name: layout
    for layout in (
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
DEFAULT_LAYOUT = "2x7"
MAX_TEXT_SCALE = 1.3


@dataclass(frozen=True)
class BoxLabel:
    code: str
    agency_name: str
    fonds_number: str
    fonds_name: str
    inventory_no: str | None
    box_no: str


def px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def pt(points: float) -> int:
    """Font size in pixels for a size in typographic points."""
    return round(points / 72 * DPI)


class FontMissing(RuntimeError):
    """No TrueType font with Vietnamese letters was found on this machine."""


@cache
def font_path(style: str) -> Path:
    name = FONT_FILES[style]
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise FontMissing(f"{name} not found in {', '.join(map(str, FONT_DIRS))}: install fonts-dejavu-core")


@cache
def font(style: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style)), size)


def _query(filters: ExportFilters, scope: Scope) -> Any:
    b, fo, a = t.box.c, t.fonds.c, t.agency.c
    query = (
        select(b.code, a.name, fo.number, fo.name, b.data)
        .select_from(t.box.join(t.fonds, fo.id == b.fonds_id).join(t.agency, a.code == b.agency_code))
        .where(b.deleted.is_(False))
    )
    query = scoped(query, b.agency_code, filters, scope)
    if filters.fonds_id:
        query = query.where(b.fonds_id == filters.fonds_id)
    if filters.box_ids:
        query = query.where(b.id.in_(list(filters.box_ids)))
    inventory = func.coalesce(b.data["inventory_no"].as_string(), "")
    return query.order_by(
        b.agency_code, func.length(fo.number), fo.number, func.length(inventory), inventory, b.code
    )


def count(conn: Connection, filters: ExportFilters, scope: Scope) -> int:
    """How many labels the sheet will hold."""
    return int(conn.execute(select(func.count()).select_from(_query(filters, scope).subquery())).scalar_one())


def boxes(conn: Connection, filters: ExportFilters, scope: Scope) -> Iterator[BoxLabel]:
    for code, agency_name, fonds_number, fonds_name, data in conn.execute(_query(filters, scope)):
        yield BoxLabel(
            code, agency_name, fonds_number, fonds_name, data.get("inventory_no"), str(data.get("box_no", ""))
        )


def write(conn: Connection, filters: ExportFilters, scope: Scope, out: IO[bytes], progress: Progress) -> None:
    """Write the label sheets PDF of the chosen boxes to ``out``."""
    layout = LAYOUTS.get(filters.layout or DEFAULT_LAYOUT, LAYOUTS[DEFAULT_LAYOUT])
    total = count(conn, filters, scope)
    progress.set_total(total)
    write_pdf(out, pages(boxes(conn, filters, scope), layout, progress), DPI, "Nhãn hộp tài liệu — SaoLuu")


def pages(labels: Iterator[BoxLabel], layout: LabelLayout, progress: Progress) -> Iterator[Image.Image]:
    """Page images of ``labels``, ``layout.per_page`` at a time; one blank-with-a-note page if none."""
    size = (px(A4_MM[0]), px(A4_MM[1]))
    batch: list[BoxLabel] = []
    drawn = 0
    for label in labels:
        batch.append(label)
        if len(batch) == layout.per_page:
            yield render_page(batch, layout, size)
            progress.advance(len(batch))
            drawn += len(batch)
            batch = []
    if batch or not drawn:
        yield render_page(batch, layout, size)
        progress.advance(len(batch))


def render_page(labels: Sequence[BoxLabel], layout: LabelLayout, size: tuple[int, int]) -> Image.Image:
    page = Image.new("1", size, 1)
    draw = ImageDraw.Draw(page)
    if not labels:
        draw.text(
            (px(20), px(20)), "Không có hộp nào phù hợp điều kiện đã chọn.", font=font("regular", pt(12))
        )
    for i, label in enumerate(labels):
        row, col = divmod(i, layout.cols)
        x = px(layout.left + col * layout.pitch_x)
        y = px(layout.top + row * layout.pitch_y)
        draw_label(page, draw, label, (x, y, x + px(layout.width), y + px(layout.height)))
    return page


def qr_image(code: str, side: int) -> Image.Image:
    """The box's QR code (quiet zone included) scaled by a whole factor to at most ``side`` pixels."""
    small = Image.open(io.BytesIO(label_png(code, box_size=1))).convert("1")
    factor = max(1, side // small.width)
    return small.resize((small.width * factor, small.height * factor), Image.Resampling.NEAREST)


def draw_label(
    page: Image.Image, draw: ImageDraw.ImageDraw, label: BoxLabel, box: tuple[int, int, int, int]
) -> None:
    """One label: QR on the left; agency, fonds, inventory and box (large) and the code on the right."""
    left, top, right, bottom = box
    scale = min((bottom - top) / px(38.1), MAX_TEXT_SCALE)
    pad = px(2.0)
    draw.rectangle(box, outline=0, width=1)
    qr = qr_image(label.code, min(bottom - top - 2 * pad, int((right - left) * 0.42)))
    page.paste(qr, (left + pad // 2, top + (bottom - top - qr.height) // 2))
    x = left + pad // 2 + qr.width + pad // 2
    width = right - pad - x
    y = _lines(draw, (x, top + pad), label.agency_name, font("bold", pt(8 * scale)), width, 2)
    fonds = f"Phông {label.fonds_number}: {label.fonds_name}"
    y = _lines(draw, (x, y), fonds, font("regular", pt(7.5 * scale)), width, 2)
    code_font = font("mono", pt(7 * scale))
    code_height = min(2, len(_wrap(label.code, code_font, width, separators="-"))) * _line_height(code_font)
    inventory = f"Mục lục {label.inventory_no} · " if label.inventory_no else ""
    box_text = f"{inventory}Hộp {label.box_no}"
    big = _fitting(draw, box_text, "bold", 15 * scale, width)
    space = bottom - pad - code_height - y
    draw.text((x, y + max(0, (space - _line_height(big)) // 2)), box_text, font=big, fill=0)
    _lines(draw, (x, bottom - pad - code_height), label.code, code_font, width, 2, separators="-")


def _fitting(
    draw: ImageDraw.ImageDraw, text: str, style: str, points: float, width: int
) -> ImageFont.FreeTypeFont:
    """The largest font of ``style`` up to ``points`` in which ``text`` fits ``width`` (6 pt at least)."""
    while points > 6 and draw.textlength(text, font=font(style, pt(points))) > width:
        points -= 0.5
    return font(style, pt(points))


def _line_height(f: ImageFont.FreeTypeFont) -> int:
    ascent, descent = f.getmetrics()
    return int((ascent + descent) * 1.05)


def _wrap(text: str, f: ImageFont.FreeTypeFont, width: int, separators: str = " ") -> list[str]:
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
        if line and f.getlength((line + word).rstrip()) > width:
            lines.append(line.rstrip())
            line = word
        else:
            line += word
    if line:
        lines.append(line.rstrip())
    return lines


def _lines(
    draw: ImageDraw.ImageDraw,
    at: tuple[int, int],
    text: str,
    f: ImageFont.FreeTypeFont,
    width: int,
    max_lines: int,
    separators: str = " ",
) -> int:
    """Draw wrapped text (an ellipsis ends a cut last line); returns the y below it."""
    x, y = at
    lines = _wrap(text, f, width, separators)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and f.getlength(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    for line in lines:
        draw.text((x, y), line, font=f, fill=0)
        y += _line_height(f)
    return y
