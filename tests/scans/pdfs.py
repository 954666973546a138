"""Real PDFs made for the tests: scanned pages at a chosen resolution (JPEG pages wrapped by img2pdf,
as scanner software does), and every kind of bad PDF a delivery can hold (made with pikepdf)."""

from __future__ import annotations

import io
import random
import zlib
from functools import lru_cache
from pathlib import Path

import img2pdf
import pikepdf
from pikepdf import Array, Dictionary, Name
from PIL import Image, ImageDraw

PAGE_INCHES = (2.0, 3.0)
"""Small pages keep the tests fast; the resolution is what the rules look at."""


@lru_cache(maxsize=64)
def page_jpeg(ppi: int, seed: int, inches: tuple[float, float] = PAGE_INCHES, quality: int = 75) -> bytes:
    """A scanned-looking page: paper-coloured noise with dark text-like strokes, tagged ``ppi``."""
    rng = random.Random(seed)
    size = (round(inches[0] * ppi), round(inches[1] * ppi))
    noise = Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).point(lambda v: 215 + v // 10)
    draw = ImageDraw.Draw(noise)
    line = max(2, ppi // 20)
    for y in range(line * 2, size[1] - line, line * 2):
        x = rng.randrange(line, line * 3)
        while x < size[0] - line * 4:
            w = rng.randrange(line, line * 5)
            draw.rectangle((x, y, x + w, y + line // 2), fill=rng.randrange(20, 80))
            x += w + line
    out = io.BytesIO()
    noise.convert("RGB").save(out, "JPEG", quality=quality, dpi=(ppi, ppi))
    return out.getvalue()


def scan_pdf(path: Path, pages: int = 2, ppi: int | list[int] = 300, seed: int = 0) -> Path:
    """A PDF of ``pages`` scanned pages at ``ppi`` (one value, or one per page)."""
    each = ppi if isinstance(ppi, list) else [ppi] * pages
    return pages_pdf(path, [page_jpeg(p, seed * 1000 + i) for i, p in enumerate(each)])


def pages_pdf(path: Path, jpegs: list[bytes]) -> Path:
    """A PDF of these JPEG pages, each drawn at the resolution it is tagged with."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(img2pdf.convert(jpegs))
    return path


def _edit(path: Path, source: Path | None = None) -> pikepdf.Pdf:
    return pikepdf.open(source) if source else pikepdf.new()


def encrypted_pdf(path: Path, *, user_password: str = "secret") -> Path:
    """A good scan, saved encrypted (with an empty user password it opens, but is still encrypted)."""
    good = scan_pdf(path.with_suffix(".src"), 1)
    with pikepdf.open(good) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=user_password, owner="owner-secret"))
    good.unlink()
    return path


def zero_page_pdf(path: Path) -> Path:
    with pikepdf.new() as pdf:
        pdf.save(path)
    return path


def truncated_pdf(path: Path) -> Path:
    data = scan_pdf(path.with_suffix(".src"), 2).read_bytes()
    path.with_suffix(".src").unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


def _one_page(
    path: Path, media_box: list[float], content: bytes, xobjects: dict[str, pikepdf.Object]
) -> Path:
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[0]
        page.MediaBox = Array(media_box)
        page.Resources = Dictionary(
            XObject=Dictionary({f"/{k}": pdf.copy_foreign(v) for k, v in xobjects.items()})
        )
        page.Contents = pdf.make_stream(content)
        pdf.save(path)
    return path


def huge_page_pdf(path: Path) -> Path:
    """A page a kilometre wide (its size alone is absurd)."""
    return _one_page(path, [0, 0, 2_834_645, 2_834_645], b"", {})


def huge_image_pdf(path: Path) -> Path:
    """An image declaring 200,000 × 200,000 pixels in a few bytes: decoding it would need 40 GB."""
    with pikepdf.new() as scratch:
        image = scratch.make_stream(
            zlib.compress(b"\x00" * 1024),
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=200_000,
            Height=200_000,
            ColorSpace=Name.DeviceGray,
            BitsPerComponent=8,
            Filter=Name.FlateDecode,
        )
        return _one_page(path, [0, 0, 595, 842], b"q 595 0 0 842 0 0 cm /Im0 Do Q", {"Im0": image})


def content_bomb_pdf(path: Path, megabytes: int = 300) -> Path:
    """A page whose 1 MB content stream inflates to ``megabytes`` of drawing operators."""
    chunk = b"0 0 m 1 1 l S " * 75_000
    packer = zlib.compressobj(6)
    data = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        stream = pikepdf.Stream(pdf, data)
        stream.Filter = Name.FlateDecode
        pdf.pages[0].Contents = pdf.make_indirect(stream)
        pdf.save(path)
    return path


def with_blank_page(path: Path) -> Path:
    """A good scanned page followed by a page with no image at all."""
    good = scan_pdf(path.with_suffix(".src"), 1)
    with pikepdf.open(good) as pdf:
        pdf.add_blank_page(page_size=(144, 216))
        pdf.save(path)
    good.unlink()
    return path


def form_wrapped_pdf(path: Path, ppi: int, scale: float) -> Path:
    """A scan at ``ppi`` drawn through a form XObject at ``scale``: effectively ``ppi / scale``."""
    good = scan_pdf(path.with_suffix(".src"), 1, ppi=ppi)
    with pikepdf.open(good) as src, pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(PAGE_INCHES[0] * 72, PAGE_INCHES[1] * 72))
        form = pdf.copy_foreign(src.pages[0].as_form_xobject())
        pdf.pages[0].Resources = Dictionary(XObject=Dictionary(F0=form))
        pdf.pages[0].Contents = pdf.make_stream(f"q {scale} 0 0 {scale} 0 0 cm /F0 Do Q".encode())
        pdf.save(path)
    good.unlink()
    return path
