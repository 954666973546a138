"""Geometry of the server-rendered SVG charts (the templates in ``_charts.html`` draw it).

Charts carry no script and no inline style (the pages' CSP forbids both): sizes and colours are
SVG attributes. Each chart comes with its numbers as a table for screen readers and print.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 640
PALETTE = ("#0b5cad", "#1e6b34", "#b36200", "#6a3d9a", "#a1162a", "#2b7a78", "#5c6670", "#8c6d1f", "#3f51b5")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float
    colour: str


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    bar_x: int
    bar_max: int
    total: int


def bar_chart(items: list[tuple[str, int]], *, colour: str = PALETTE[0], row: int = 52) -> BarChart:
    """Horizontal bars, each with its label above it and its value after it."""
    bar_x, bar_max = 0, WIDTH - 110
    top = max((v for _, v in items), default=0) or 1
    bars = [
        Bar(label, value, i * row, round(bar_max * value / top, 1) if value else 0, colour)
        for i, (label, value) in enumerate(items)
    ]
    return BarChart(bars, WIDTH, row * len(items) + 4, bar_x, bar_max, sum(v for _, v in items))


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: int
    x: float
    width: float
    colour: str


def stacked_bar(items: list[tuple[str, str, int, str]], width: int = WIDTH) -> list[Segment]:
    """One bar split into (key, label, value, colour) segments proportional to their values."""
    total = sum(v for _, _, v, _ in items) or 1
    out, x = [], 0.0
    for key, label, value, colour in items:
        w = width * value / total
        out.append(Segment(key, label, value, round(x, 2), round(w, 2), colour))
        x += w
    return out


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    value: int
    opacity: float


@dataclass(frozen=True)
class Matrix:
    rows: list[str]
    columns: list[str]
    cells: list[Cell]
    cell_w: int
    cell_h: int
    label_w: int
    width: int
    height: int
    top: int


def heat_matrix(rows: list[str], columns: list[str], values: list[list[int]]) -> Matrix:
    """A grid of cells shaded by value (darkest = largest), rows labelled on the left."""
    label_w, cell_w, cell_h, top = 240, 110, 30, 46
    peak = max((v for line in values for v in line), default=0) or 1
    cells = [
        Cell(label_w + j * cell_w, top + i * cell_h, v, round(0.08 + 0.92 * v / peak, 3) if v else 0.0)
        for i, line in enumerate(values)
        for j, v in enumerate(line)
    ]
    width = label_w + cell_w * len(columns)
    return Matrix(rows, columns, cells, cell_w, cell_h, label_w, width, top + cell_h * len(rows) + 2, top)


@dataclass(frozen=True)
class Arc:
    key: str
    label: str
    value: int
    path: str
    """The ring segment as an SVG path ("" when the segment is empty or the whole ring)."""
    colour: str
    whole: bool


@dataclass(frozen=True)
class Donut:
    arcs: list[Arc]
    size: int
    radius: float
    thickness: int
    total: int


def donut(items: list[tuple[str, str, int, str]], *, size: int = 180, thickness: int = 32) -> Donut:
    """A ring split into (key, label, value, colour) arcs proportional to their values, clockwise
    from the top; a segment that is the whole ring is drawn as a circle (``whole``)."""
    total = sum(v for _, _, v, _ in items)
    r = (size - thickness) / 2
    c = size / 2
    arcs, start = [], 0.0
    for key, label, value, colour in items:
        share = value / total if total else 0.0
        end = start + share
        path = ""
        if 0 < share < 1:
            x0, y0 = c + r * math.sin(2 * math.pi * start), c - r * math.cos(2 * math.pi * start)
            x1, y1 = c + r * math.sin(2 * math.pi * end), c - r * math.cos(2 * math.pi * end)
            large = 1 if share > 0.5 else 0
            path = f"M {x0:.2f} {y0:.2f} A {r:.2f} {r:.2f} 0 {large} 1 {x1:.2f} {y1:.2f}"
        arcs.append(Arc(key, label, value, path, colour, share == 1))
        start = end
    return Donut(arcs, size, r, thickness, total)
