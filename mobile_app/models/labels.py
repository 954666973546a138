"""Box labels: QR plus the box code in text, one PNG per box or an A4 sheet of several as PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from common.boxcode import label_png, parse_box_code

A4_PX = (1654, 2339)  # A4 at 200 dpi
SHEET_COLS, SHEET_ROWS = 3, 7  # the common 21-label A4 sheet (70 × 42.3 mm)
DPI = 200


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def label_image(code: str, qr_side: int = 300):  # type: ignore[no-untyped-def]
    """A label: the QR (``SAOLUU:BOX:<code>``) with the code and its parts printed under it."""
    from PIL import Image, ImageDraw

    parts = parse_box_code(code)
    with Image.open(io.BytesIO(label_png(code))) as qr_img:
        qr = qr_img.convert("L").resize((qr_side, qr_side), Image.Resampling.NEAREST)
    big, small = _font(26), _font(22)
    inv = f"  M{parts.inventory}" if parts.inventory else ""
    lines = [(code, big), (f"P{parts.fonds}{inv}  H{parts.box}", small)]
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    widths = [int(draw.textlength(text, font=font)) for text, font in lines]
    width = max(qr_side, *widths) + 24
    height = qr_side + 16 + 34 * len(lines)
    img = Image.new("L", (width, height), 255)
    img.paste(qr, ((width - qr_side) // 2, 4))
    pen = ImageDraw.Draw(img)
    y = qr_side + 8
    for (text, font), w in zip(lines, widths, strict=True):
        pen.text(((width - w) // 2, y), text, fill=0, font=font)
        y += 34
    return img


def label_with_text_png(code: str) -> bytes:
    buf = io.BytesIO()
    label_image(code).save(buf, "PNG")
    return buf.getvalue()


def sheet_pdf(codes: Sequence[str]) -> bytes:
    """A4 pages of 3 × 7 labels, in the order given (several pages when needed)."""
    from PIL import Image

    if not codes:
        raise ValueError("no labels")
    cell_w, cell_h = A4_PX[0] // SHEET_COLS, A4_PX[1] // SHEET_ROWS
    per_page = SHEET_COLS * SHEET_ROWS
    pages = []
    for start in range(0, len(codes), per_page):
        page = Image.new("L", A4_PX, 255)
        for i, code in enumerate(codes[start : start + per_page]):
            label = label_image(code, qr_side=220)
            label.thumbnail((cell_w - 20, cell_h - 10))
            col, row = i % SHEET_COLS, i // SHEET_COLS
            x = col * cell_w + (cell_w - label.width) // 2
            y = row * cell_h + (cell_h - label.height) // 2
            page.paste(label, (x, y))
        pages.append(page)
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return buf.getvalue()


class LabelService:
    """Writes labels under ``<data>/labels`` (printing or sharing starts from those files)."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = Path(data_dir) / "labels"

    def save_png(self, code: str) -> tuple[Path, bytes]:
        png = label_with_text_png(code)
        return self._write(f"{code}.png", png), png

    def save_sheet(self, name: str, codes: Sequence[str]) -> tuple[Path, bytes]:
        pdf = sheet_pdf(codes)
        return self._write(f"{name}.pdf", pdf), pdf

    def _write(self, name: str, content: bytes) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
        return path
