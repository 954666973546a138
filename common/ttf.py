"""Just enough of TrueType to lay text out and embed it in a PDF: the character map, advance widths,
vertical metrics, and a subset that keeps only the glyphs a document uses.

Pure Python (the tablet's embedded interpreter has no font library). The subset keeps glyph ids, so
text can be written as glyph ids (``Identity-H``) straight away; unused glyphs are left empty.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).with_name("fonts")
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
# What a CIDFontType2 program needs (PDF 32000-1 §9.9); hinting tables kept for the glyphs' programs.
SUBSET_TABLES = (b"head", b"hhea", b"maxp", b"cvt ", b"fpgm", b"prep", b"hmtx", b"loca", b"glyf")
# Composite glyph flags (OpenType 'glyf' table).
ARG_WORDS, HAVE_SCALE, MORE_COMPONENTS, HAVE_XY_SCALE, HAVE_2X2 = 0x1, 0x8, 0x20, 0x40, 0x80


def _u16(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">H", data, at)[0])


def _i16(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">h", data, at)[0])


def _u32(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">I", data, at)[0])


@dataclass(frozen=True)
class Metrics:
    """Vertical metrics in thousandths of the font size (PDF glyph space)."""

    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    italic_angle: float


class TrueTypeFont:
    """A TrueType font file: glyph ids of characters, widths, and subsets of it."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.name = name
        count = _u16(data, 4)
        self.tables: dict[bytes, tuple[int, int]] = {}
        for i in range(count):
            at = 12 + 16 * i
            self.tables[data[at : at + 4]] = (_u32(data, at + 8), _u32(data, at + 12))
        head = self.table(b"head")
        self.units_per_em = _u16(head, 18)
        self.long_loca = _i16(head, 50) == 1
        self.num_glyphs = _u16(self.table(b"maxp"), 4)
        hhea = self.table(b"hhea")
        metrics_count = _u16(hhea, 34)
        hmtx = self.table(b"hmtx")
        widths = [_u16(hmtx, 4 * i) for i in range(metrics_count)]
        self.advances = widths + [widths[-1]] * (self.num_glyphs - metrics_count)
        self.cmap = self._read_cmap()
        self.metrics = self._read_metrics(head, hhea)  # needs the character map

    def table(self, tag: bytes) -> bytes:
        offset, length = self.tables[tag]
        return self.data[offset : offset + length]

    def _scaled(self, value: int) -> int:
        return round(value * 1000 / self.units_per_em)

    def _read_metrics(self, head: bytes, hhea: bytes) -> Metrics:
        bbox = (_i16(head, 36), _i16(head, 38), _i16(head, 40), _i16(head, 42))
        cap = self._cap_height(hhea)
        post = self.table(b"post")
        angle = _i16(post, 4) + _u16(post, 6) / 65536
        return Metrics(
            ascent=self._scaled(_i16(hhea, 4)),
            descent=self._scaled(_i16(hhea, 6)),
            cap_height=self._scaled(cap),
            bbox=(self._scaled(bbox[0]), self._scaled(bbox[1]), self._scaled(bbox[2]), self._scaled(bbox[3])),
            italic_angle=angle,
        )

    def _cap_height(self, hhea: bytes) -> int:
        """OS/2's capital height (version 2 on), else the top of "H"."""
        os2 = self.table(b"OS/2") if b"OS/2" in self.tables else b""
        if len(os2) >= 90:
            return _i16(os2, 88)
        start, end = self._glyph_range(self.table(b"loca"), self.cmap.get(ord("H"), 0))
        return _i16(self.table(b"glyf"), start + 8) if end > start else _i16(hhea, 4)

    def _read_cmap(self) -> dict[int, int]:
        """Unicode code point -> glyph id, from a format 12 (full) or 4 (BMP) Unicode subtable."""
        cmap = self.table(b"cmap")
        subtables = {}
        for i in range(_u16(cmap, 2)):
            at = 4 + 8 * i
            platform, encoding = _u16(cmap, at), _u16(cmap, at + 2)
            subtables[(platform, encoding)] = _u32(cmap, at + 4)
        for key in ((3, 10), (0, 4), (0, 6)):
            if key in subtables and _u16(cmap, subtables[key]) == 12:
                return self._cmap12(cmap, subtables[key])
        for key in ((3, 1), (0, 3), (0, 1), (0, 0)):
            if key in subtables and _u16(cmap, subtables[key]) == 4:
                return self._cmap4(cmap, subtables[key])
        raise ValueError(f"{self.name}: no Unicode character map")

    @staticmethod
    def _cmap12(cmap: bytes, at: int) -> dict[int, int]:
        out = {}
        for i in range(_u32(cmap, at + 12)):
            start, end, glyph = struct.unpack_from(">III", cmap, at + 16 + 12 * i)
            for code in range(start, end + 1):
                out[code] = glyph + code - start
        return out

    @staticmethod
    def _cmap4(cmap: bytes, at: int) -> dict[int, int]:
        segments = _u16(cmap, at + 6) // 2
        ends, starts = at + 14, at + 16 + 2 * segments
        deltas, offsets = starts + 2 * segments, starts + 4 * segments
        out = {}
        for i in range(segments):
            start, end = _u16(cmap, starts + 2 * i), _u16(cmap, ends + 2 * i)
            delta, range_offset = _i16(cmap, deltas + 2 * i), _u16(cmap, offsets + 2 * i)
            for code in range(start, min(end, 0xFFFE) + 1):
                if range_offset == 0:
                    glyph = (code + delta) & 0xFFFF
                else:
                    glyph = _u16(cmap, offsets + 2 * i + range_offset + 2 * (code - start))
                    glyph = (glyph + delta) & 0xFFFF if glyph else 0
                if glyph:
                    out[code] = glyph
        return out

    # --- text ----------------------------------------------------------------------------------

    def glyph(self, char: str) -> int:
        """The glyph id of ``char`` (0, the missing-glyph box, if the font lacks it)."""
        return self.cmap.get(ord(char), 0)

    def width(self, glyph: int) -> int:
        """Advance width of ``glyph`` in thousandths of the font size."""
        return self._scaled(self.advances[glyph])

    def text_width(self, text: str, size: float) -> float:
        """Width of ``text`` set in this font at ``size`` (same unit as ``size``)."""
        return sum(self.width(self.glyph(c)) for c in text) * size / 1000

    # --- subsetting ----------------------------------------------------------------------------

    def _glyph_range(self, loca: bytes, glyph: int) -> tuple[int, int]:
        if self.long_loca:
            return _u32(loca, 4 * glyph), _u32(loca, 4 * glyph + 4)
        return 2 * _u16(loca, 2 * glyph), 2 * _u16(loca, 2 * glyph + 2)

    def _components(self, glyf: bytes, start: int, end: int) -> list[int]:
        """Glyph ids a composite glyph is made of (empty for a simple glyph)."""
        if end - start < 10 or _i16(glyf, start) >= 0:
            return []
        out, at = [], start + 10
        while True:
            flags, component = _u16(glyf, at), _u16(glyf, at + 2)
            out.append(component)
            at += 4 + (4 if flags & ARG_WORDS else 2)
            if flags & HAVE_SCALE:
                at += 2
            elif flags & HAVE_XY_SCALE:
                at += 4
            elif flags & HAVE_2X2:
                at += 8
            if not flags & MORE_COMPONENTS:
                return out

    def subset(self, glyphs: Iterable[int]) -> bytes:
        """A font program holding only ``glyphs`` (and the glyphs they are built from), ids unchanged."""
        loca, glyf = self.table(b"loca"), self.table(b"glyf")
        keep = {0}
        todo = list(glyphs)
        while todo:
            glyph = todo.pop()
            if glyph in keep or glyph >= self.num_glyphs:
                continue
            keep.add(glyph)
            todo += self._components(glyf, *self._glyph_range(loca, glyph))
        new_glyf = bytearray()
        offsets = []
        for glyph in range(self.num_glyphs):
            offsets.append(len(new_glyf))
            if glyph in keep:
                start, end = self._glyph_range(loca, glyph)
                new_glyf += glyf[start:end]
                new_glyf += b"\0" * (-len(new_glyf) % 4)
        offsets.append(len(new_glyf))
        tables = {tag: self.table(tag) for tag in SUBSET_TABLES if tag in self.tables}
        tables[b"glyf"] = bytes(new_glyf)
        tables[b"loca"] = struct.pack(f">{len(offsets)}I", *offsets)
        head = bytearray(tables[b"head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set below
        head[50:52] = struct.pack(">h", 1)  # long offsets
        tables[b"head"] = bytes(head)
        return _font_file(tables)


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _font_file(tables: dict[bytes, bytes]) -> bytes:
    """An sfnt file of ``tables`` with its directory, padding and checksums."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    search_range = power * 16
    selector, shift = power.bit_length() - 1, count * 16 - search_range
    header = struct.pack(">IHHHH", 0x00010000, count, search_range, selector, shift)
    offset = 12 + 16 * count
    directory, body = b"", b""
    for tag in tags:
        data = tables[tag]
        directory += tag + struct.pack(">III", _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + directory + body)
    before_head = tags[: tags.index(b"head")]
    head_at = 12 + 16 * count + sum(len(tables[t]) + (-len(tables[t]) % 4) for t in before_head)
    adjustment = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    font[head_at + 8 : head_at + 12] = struct.pack(">I", adjustment)
    return bytes(font)


@cache
def load(style: str) -> TrueTypeFont:
    """The bundled font of ``style`` (``regular`` or ``bold``): DejaVu Sans, which has Vietnamese."""
    path = FONT_DIR / FONT_FILES[style]
    return TrueTypeFont(path.read_bytes(), path.stem.replace("-", ""))
