"""A small streaming PDF writer: filled and stroked rectangles, and text in the bundled fonts.

Pure Python, so the tablet and the server write the same documents. Coordinates are millimetres
from the page's top-left corner; text sizes are points. Pages are written as they are finished, so
only one page is held in memory; the fonts, subset to the glyphs used, are written at the end and
carry a ``ToUnicode`` map, so the text can be searched and copied (Vietnamese included).
"""

from __future__ import annotations

import hashlib
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from common.ttf import FONT_FILES, TrueTypeFont, load

POINTS_PER_MM = 72 / 25.4
FONT_OBJECTS = 5  # Type0 font, CID font, descriptor, font program, ToUnicode map


def _num(value: float) -> bytes:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode()


def pdf_text(text: str) -> bytes:
    """A PDF text string (UTF-16 with byte order mark, so Vietnamese titles survive)."""
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().encode() + b">"


class _Font:
    """One embedded font: its resource name, object ids and the glyphs used so far."""

    def __init__(self, resource: str, font: TrueTypeFont, first_id: int) -> None:
        self.resource = resource
        self.font = font
        self.first_id = first_id
        self.used: dict[int, str] = {}  # glyph id -> the text it stands for

    def encode(self, text: str) -> bytes:
        glyphs = []
        for char in text:
            glyph = self.font.glyph(char)
            self.used.setdefault(glyph, char)
            glyphs.append(glyph)
        return b"<" + b"".join(b"%04X" % g for g in glyphs) + b">"


class Page:
    """Drawing operations of one page (millimetres from the top-left corner)."""

    def __init__(self, width: float, height: float, fonts: dict[str, _Font]) -> None:
        self.width = width
        self.height = height
        self._fonts = fonts
        self._ops: list[bytes] = []

    def _x(self, x: float) -> bytes:
        return _num(x * POINTS_PER_MM)

    def _y(self, y: float) -> bytes:
        return _num((self.height - y) * POINTS_PER_MM)

    def fill_rect(self, x: float, y: float, width: float, height: float) -> None:
        """A black rectangle."""
        self._ops.append(
            self._x(x) + b" " + self._y(y + height) + b" " + _num(width * POINTS_PER_MM) + b" "
            + _num(height * POINTS_PER_MM) + b" re f"
        )  # fmt: skip

    def stroke_rect(self, x: float, y: float, width: float, height: float, line: float = 0.1) -> None:
        """A rectangle's outline, ``line`` millimetres wide."""
        self._ops.append(
            _num(line * POINTS_PER_MM) + b" w " + self._x(x) + b" " + self._y(y + height) + b" "
            + _num(width * POINTS_PER_MM) + b" " + _num(height * POINTS_PER_MM) + b" re S"
        )  # fmt: skip

    def text(self, x: float, baseline: float, text: str, style: str, size: float) -> None:
        """``text`` in the font of ``style`` at ``size`` points, starting at ``x`` on ``baseline``."""
        font = self._fonts[style]
        encoded = font.encode(unicodedata.normalize("NFC", text))
        self._ops.append(
            b"BT /" + font.resource.encode() + b" " + _num(size) + b" Tf " + self._x(x) + b" "
            + self._y(baseline) + b" Td " + encoded + b" Tj ET"
        )  # fmt: skip

    def content(self) -> bytes:
        return b"\n".join(self._ops)


class PdfWriter:
    """Write pages to ``out`` one at a time; :meth:`close` adds the fonts and the cross-reference."""

    def __init__(self, out: IO[bytes], title: str = "") -> None:
        self.out = out
        self.title = title
        self.pos = 0
        self.offsets: dict[int, int] = {}
        self.kids: list[int] = []
        self.catalog, self.pages_id, self.info = 1, 2, 3
        self.fonts: dict[str, _Font] = {}
        next_id = 4
        for i, style in enumerate(FONT_FILES):
            self.fonts[style] = _Font(f"F{i + 1}", load(style), next_id)
            next_id += FONT_OBJECTS
        self.next_id = next_id
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.pos += len(data)

    def _obj(self, num: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[num] = self.pos
        self._write(b"%d 0 obj\n" % num + body)
        if stream is not None:
            self._write(b"\nstream\n" + stream + b"\nendstream")
        self._write(b"\nendobj\n")

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    @contextmanager
    def page(self, width: float, height: float) -> Iterator[Page]:
        """``with writer.page(210, 297) as page:`` draw on an A4 page; it is written when the block ends."""
        page = Page(width, height, self.fonts)
        yield page
        content = zlib.compress(page.content(), 6)
        content_id, page_id = self._new_id(), self._new_id()
        self._obj(content_id, b"<< /Length %d /Filter /FlateDecode >>" % len(content), content)
        fonts = b" ".join(b"/%s %d 0 R" % (f.resource.encode(), f.first_id) for f in self.fonts.values())
        self._obj(
            page_id,
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Contents %d 0 R"
            b" /Resources << /Font << %s >> >> >>"
            % (
                self.pages_id,
                _num(width * POINTS_PER_MM),
                _num(height * POINTS_PER_MM),
                content_id,
                fonts,
            ),
        )
        self.kids.append(page_id)

    def close(self) -> int:
        """Write the fonts, the page tree and the trailer; returns the page count."""
        for font in self.fonts.values():
            self._write_font(font)
        kids = b" ".join(b"%d 0 R" % k for k in self.kids)
        self._obj(self.pages_id, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.kids)))
        self._obj(self.catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % self.pages_id)
        self._obj(self.info, b"<< /Title %s /Producer (SaoLuu) >>" % pdf_text(self.title))
        xref_at = self.pos
        count = self.next_id
        lines = [b"xref\n0 %d\n" % count, b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, count)]
        self._write(b"".join(lines))
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (count, self.catalog, self.info, xref_at)
        )
        return len(self.kids)

    def _write_font(self, f: _Font) -> None:
        font, used = f.font, dict(sorted(f.used.items()))
        type0, cid, descriptor, program, to_unicode = range(f.first_id, f.first_id + FONT_OBJECTS)
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(repr(sorted(used)).encode()).digest()[:6])
        name = f"{tag}+{font.name}".encode()
        widths = b" ".join(b"%d [%d]" % (g, font.width(g)) for g in used)
        m = font.metrics
        subset = font.subset(used)
        packed = zlib.compress(subset, 6)
        self._obj(
            type0,
            b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H"
            b" /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (name, cid, to_unicode),
        )
        self._obj(
            cid,
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
            b" /FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 1000 /W [%s] >>"
            % (name, descriptor, widths),
        )
        self._obj(
            descriptor,
            b"<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%d %d %d %d] /ItalicAngle %s"
            b" /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>"
            % (name, *m.bbox, _num(m.italic_angle), m.ascent, m.descent, m.cap_height, program),
        )
        self._obj(
            program, b"<< /Length %d /Length1 %d /Filter /FlateDecode >>" % (len(packed), len(subset)), packed
        )
        cmap = _to_unicode(used)
        self._obj(to_unicode, b"<< /Length %d >>" % len(cmap), cmap)


def _to_unicode(used: dict[int, str]) -> bytes:
    """The CMap that maps each glyph id back to its character (what text extraction reads)."""
    entries = [b"<%04X> <%s>" % (g, t.encode("utf-16-be").hex().upper().encode()) for g, t in used.items()]
    chunks = [entries[i : i + 100] for i in range(0, len(entries), 100)]
    body = b"".join(b"%d beginbfchar\n%s\nendbfchar\n" % (len(c), b"\n".join(c)) for c in chunks)
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + body + b"endcmap\n"
        b"CMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
