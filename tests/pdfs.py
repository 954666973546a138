"""Reading PDFs back in tests: pages as images (pypdfium2), their text, the QR codes on them (zxing-cpp)."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image


def render(pdf: bytes, dpi: int = 150) -> list[Image.Image]:
    """Each page as a greyscale image; the page sizes (points) are checked by :func:`page_sizes`."""
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in doc:
            pages.append(page.render(scale=dpi / 72).to_pil().convert("L"))
            page.close()
        return pages
    finally:
        doc.close()


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [tuple(page.get_size()) for page in doc]  # type: ignore[misc]
    finally:
        doc.close()


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page as a PDF reader extracts it (lines joined with spaces)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in doc]
    finally:
        doc.close()


def qr_codes(pages: list[Image.Image]) -> list[list[str]]:
    """The QR codes found on each page."""
    return [[b.text for b in zxingcpp.read_barcodes(p, formats=zxingcpp.BarcodeFormat.QRCode)] for p in pages]
