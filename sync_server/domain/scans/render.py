"""Pages of a stored master as small images, for the quality check to page through.

PDFium reads the master through the store's seekable stream (ranged reads on S3), so only the
cross-reference table, the page asked for and its images are fetched, never the whole file.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium

from sync_server.storage.base import PhotoStore

THUMB_PX = 400
"""Longest side of a thumbnail, in pixels."""
JPEG_QUALITY = 80


class NoSuchPage(LookupError):
    """The master has no page of that number."""


def page_count(store: PhotoStore, sha256: str) -> int:
    with store.open(sha256) as stream:
        pdf = pdfium.PdfDocument(stream)
        try:
            return len(pdf)
        finally:
            pdf.close()


def render_page(store: PhotoStore, sha256: str, page_no: int, max_px: int = THUMB_PX) -> bytes:
    """Page ``page_no`` (from 1) of master ``sha256`` as a JPEG whose longest side is ``max_px``.
    Raises ``FileNotFoundError`` (no such master) or :class:`NoSuchPage`."""
    with store.open(sha256) as stream:
        pdf = pdfium.PdfDocument(stream)
        try:
            if not 1 <= page_no <= len(pdf):
                raise NoSuchPage(page_no)
            page = pdf[page_no - 1]
            try:
                width, height = page.get_size()
                scale = max_px / max(width, height, 1.0)
                image = page.render(scale=scale, draw_annots=False).to_pil()
            finally:
                page.close()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
