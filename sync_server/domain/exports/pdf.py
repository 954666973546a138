"""A minimal streaming PDF writer for black-and-white page images.

Each page is a 1-bit image (Pillow mode ``"1"``) drawn over the whole page and compressed with
Flate; pages are written as they come, so only one page is ever held in memory. Any PDF reader or
printer reads the result.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import IO

from PIL import Image

POINTS_PER_INCH = 72


class _Out:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.pos = 0
        self.offsets: dict[int, int] = {}

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.pos += len(data)

    def obj(self, num: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[num] = self.pos
        self.write(b"%d 0 obj\n" % num + body)
        if stream is not None:
            self.write(b"\nstream\n" + stream + b"\nendstream")
        self.write(b"\nendobj\n")


def write_pdf(out: IO[bytes], pages: Iterable[Image.Image], dpi: int, title: str = "") -> int:
    """Write ``pages`` (mode ``"1"`` images at ``dpi``) as a PDF to ``out``; returns the page count."""
    w = _Out(out)
    w.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    catalog, pages_id, info = 1, 2, 3
    next_id = 4
    kids: list[int] = []
    for page in pages:
        bitmap = page if page.mode == "1" else page.convert("1")
        width_pt = bitmap.width * POINTS_PER_INCH / dpi
        height_pt = bitmap.height * POINTS_PER_INCH / dpi
        image_id, content_id, page_id = next_id, next_id + 1, next_id + 2
        next_id += 3
        data = zlib.compress(bitmap.tobytes(), 6)
        w.obj(
            image_id,
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
            b" /BitsPerComponent 1 /Filter /FlateDecode /Length %d >>"
            % (bitmap.width, bitmap.height, len(data)),
            data,
        )
        content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (width_pt, height_pt)
        w.obj(content_id, b"<< /Length %d >>" % len(content), content)
        w.obj(
            page_id,
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R"
            b" /Resources << /XObject << /Im0 %d 0 R >> >> >>"
            % (pages_id, width_pt, height_pt, content_id, image_id),
        )
        kids.append(page_id)
    w.obj(
        pages_id,
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)),
    )
    w.obj(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    w.obj(info, b"<< /Title %s /Producer (SaoLuu) >>" % _pdf_text(title))
    xref_at = w.pos
    count = next_id
    lines = [b"xref\n0 %d\n" % count, b"0000000000 65535 f \n"]
    lines += [b"%010d 00000 n \n" % w.offsets[n] for n in range(1, count)]
    w.write(b"".join(lines))
    w.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (count, catalog, info, xref_at)
    )
    return len(kids)


def _pdf_text(text: str) -> bytes:
    """A PDF text string (UTF-16 with byte order mark, so Vietnamese titles survive)."""
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().encode() + b">"
