"""What a delivered PDF holds: its pages and the effective resolution of each page's images.

Read with PDFium (pypdfium2; Chromium's PDF engine, fuzzed continuously) through its C API, without
decoding any image: an image's resolution is its pixel size (from its dictionary) divided by the
size it is drawn at on the page (its transform, composed through every form XObject it sits in),
in inches of 72 points. Work is bounded before it is done: page sizes are read without loading the
page, and a page of absurd size, an image of absurd pixel count, too many pages or objects are
refused as such. The rest of the defence (time, memory, a crash of the engine) is the child process
of :mod:`sync_server.domain.scans.reader`.

This module imports nothing of the server (it runs in that child process).
"""

from __future__ import annotations

import ctypes
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # noqa: F401  (importing the package initialises the library)
import pypdfium2.raw as c

MIN_PPI = 200
"""Circular 02/2019/TT-BNV: digitized paper documents as PDF of at least 200 ppi."""
MAX_PAGES = 10_000
MAX_PAGE_POINTS = 14_400
"""200 inches (5.08 m): the largest page PDF allows; anything larger is not a scanned sheet."""
MAX_IMAGE_PIXELS = 600_000_000
"""An A0 sheet at 600 ppi is 558 megapixels."""
MAX_OBJECTS = 10_000
"""Objects on one page, counting those inside form XObjects."""
MAX_FORM_DEPTH = 8
_POINTS_PER_CM = 72 / 2.54


class PdfRefused(Exception):
    """The PDF cannot be a master; ``reason`` is a field error reason (:mod:`common.words.errors`)."""

    def __init__(self, reason: str, **ctx: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.ctx = ctx

    def __reduce__(self) -> tuple[Any, ...]:  # travels back from the reader process
        return (_refused, (self.reason, self.ctx))


def _refused(reason: str, ctx: dict[str, Any]) -> PdfRefused:
    return PdfRefused(reason, **ctx)


@dataclass(frozen=True)
class PdfFacts:
    """Pages of a PDF and, per page, the lowest effective resolution of its images (None: no image)."""

    pages: int
    page_ppi: tuple[float | None, ...] = field(repr=False)

    @property
    def min_ppi(self) -> int:
        """The lowest resolution of any page's images, rounded (0 if a page has none)."""
        return round(min((p or 0.0 for p in self.page_ppi), default=0.0))

    def refusal(self, expected_pages: int | None) -> PdfRefused | None:
        """Why these facts cannot make a master of a file recorded with ``expected_pages``."""
        for n, ppi in enumerate(self.page_ppi, 1):
            if ppi is None:
                return PdfRefused("scan_no_image", page=n)
        for n, ppi in enumerate(self.page_ppi, 1):
            if ppi is not None and ppi < MIN_PPI - 0.5:  # 199.6 ppi is a 200 ppi scan drawn with rounding
                return PdfRefused("scan_low_ppi", page=n, ppi=round(ppi), min=MIN_PPI)
        if expected_pages is not None and expected_pages != self.pages:
            return PdfRefused("scan_page_count", pages=self.pages, expected=expected_pages)
        return None


PAGES_PER_OPEN = 8
"""PDFium keeps every object it has parsed, a page's image data included, until the document is
closed: reading a few pages per opening keeps memory flat on a 500 MB master (the cross-reference
table is read again each time, a millisecond)."""


@contextmanager
def _document(path: Path) -> Iterator[Any]:
    doc = c.FPDF_LoadDocument(os.fsencode(path) + b"\x00", None)
    if not doc:
        error = c.FPDF_GetLastError()
        raise PdfRefused("scan_encrypted" if error == c.FPDF_ERR_PASSWORD else "scan_not_pdf")
    try:
        yield doc
    finally:
        c.FPDF_CloseDocument(doc)


def inspect_pdf(path: Path) -> PdfFacts:
    """Open ``path`` and measure it; raises :class:`PdfRefused`."""
    with _document(path) as doc:
        if c.FPDF_GetSecurityHandlerRevision(doc) != -1:
            raise PdfRefused("scan_encrypted")  # opens without a password, but still encrypted
        pages = c.FPDF_GetPageCount(doc)
    if pages < 1:
        raise PdfRefused("scan_empty")
    if pages > MAX_PAGES:
        raise PdfRefused("scan_too_many_pages", pages=pages, max=MAX_PAGES)
    ppi: list[float | None] = []
    for start in range(0, pages, PAGES_PER_OPEN):
        with _document(path) as doc:
            ppi.extend(_page_ppi(doc, i) for i in range(start, min(start + PAGES_PER_OPEN, pages)))
    return PdfFacts(pages, tuple(ppi))


def _page_ppi(doc: Any, index: int) -> float | None:
    size = c.FS_SIZEF()
    if not c.FPDF_GetPageSizeByIndexF(doc, index, size):
        raise PdfRefused("scan_not_pdf")
    if not (0 < size.width <= MAX_PAGE_POINTS and 0 < size.height <= MAX_PAGE_POINTS):
        raise PdfRefused(
            "scan_page_too_large",
            page=index + 1,
            width=round(size.width / _POINTS_PER_CM),
            height=round(size.height / _POINTS_PER_CM),
        )
    page = c.FPDF_LoadPage(doc, index)
    if not page:
        raise PdfRefused("scan_not_pdf")
    try:
        walk = _Walk(index + 1)
        walk.objects(page, _IDENTITY, depth=0)
        return walk.lowest
    finally:
        c.FPDF_ClosePage(page)


_Matrix = tuple[float, float, float, float]
"""The linear part (a, b, c, d) of a PDF transform; translation does not change sizes."""
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0)


def _then(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """``inner`` applied first, then ``outer`` (PDF's row-vector convention)."""
    a, b, cc, d = inner
    pa, pb, pc, pd = outer
    return (a * pa + b * pc, a * pb + b * pd, cc * pa + d * pc, cc * pb + d * pd)


class _Walk:
    """Visits every object of a page, into form XObjects, keeping the lowest image resolution."""

    def __init__(self, page_no: int) -> None:
        self.page_no = page_no
        self.seen = 0
        self.lowest: float | None = None
        self._fs = c.FS_MATRIX()
        self._w, self._h = ctypes.c_uint(), ctypes.c_uint()

    def objects(self, parent: Any, outer: _Matrix, depth: int) -> None:
        in_form = depth > 0
        count = (c.FPDFFormObj_CountObjects if in_form else c.FPDFPage_CountObjects)(parent)
        get = c.FPDFFormObj_GetObject if in_form else c.FPDFPage_GetObject
        self.seen += max(count, 0)
        if self.seen > MAX_OBJECTS:
            raise PdfRefused("scan_too_complex", page=self.page_no, max=MAX_OBJECTS)
        for i in range(count):
            obj = get(parent, i)
            kind = c.FPDFPageObj_GetType(obj)
            if kind not in (c.FPDF_PAGEOBJ_IMAGE, c.FPDF_PAGEOBJ_FORM):
                continue
            if not c.FPDFPageObj_GetMatrix(obj, self._fs):
                continue
            m = _then((self._fs.a, self._fs.b, self._fs.c, self._fs.d), outer)
            if kind == c.FPDF_PAGEOBJ_FORM:
                if depth + 1 >= MAX_FORM_DEPTH:
                    raise PdfRefused("scan_too_complex", page=self.page_no, max=MAX_OBJECTS)
                self.objects(obj, m, depth + 1)
            else:
                self._image(obj, m)

    def _image(self, obj: Any, m: _Matrix) -> None:
        if not c.FPDFImageObj_GetImagePixelSize(obj, self._w, self._h):
            return
        width, height = self._w.value, self._h.value
        if width * height > MAX_IMAGE_PIXELS:
            raise PdfRefused("scan_image_too_large", page=self.page_no, width=width, height=height)
        drawn_w, drawn_h = math.hypot(m[0], m[1]), math.hypot(m[2], m[3])
        if drawn_w <= 0 or drawn_h <= 0 or not width or not height:
            return  # drawn at no size, or no pixels: nothing anyone can see
        ppi = min(width * 72 / drawn_w, height * 72 / drawn_h)
        self.lowest = ppi if self.lowest is None else min(self.lowest, ppi)
