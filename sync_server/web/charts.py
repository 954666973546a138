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
class Column:
    """One rectangle of a column chart (a series' value in a group)."""

    x: float
    y: float
    width: float
    height: float
    value: int
    colour: str
    series: str


@dataclass(frozen=True)
class ColumnGroup:
    label: str
    x: float
    """The centre of the group."""
    columns: list[Column]
    mark_y: float | None
    """Where the group's mark (a capacity) is drawn, if it has one."""


@dataclass(frozen=True)
class ColumnChart:
    groups: list[ColumnGroup]
    ticks: list[tuple[float, int]]
    """Gridlines: (y, value)."""
    legend: list[tuple[str, str]]
    """(series name, colour)."""
    width: int
    height: int
    left: int
    bottom: float


def column_chart(
    labels: list[str],
    series: list[tuple[str, str, list[int]]],
    *,
    stacked: bool = False,
    marks: list[int] | None = None,
    width: int = 960,
    height: int = 300,
) -> ColumnChart:
    """Vertical columns per group (a year): each series side by side, or stacked; ``marks`` (a
    capacity per group) drawn as a line across the group. Series are (name, colour, values)."""
    left, top_pad, bottom_pad = 80, 12, 34
    plot_h = height - top_pad - bottom_pad
    bottom = top_pad + plot_h
    sums = [sum(vals[i] for _, _, vals in series) for i in range(len(labels))]
    peak = (
        max([*(sums if stacked else [v for _, _, vals in series for v in vals]), *(marks or [])], default=0)
        or 1
    )
    group_w = (width - left) / max(len(labels), 1)

    def y_of(value: float) -> float:
        return round(bottom - plot_h * value / peak, 1)

    groups = []
    for i, label in enumerate(labels):
        x0 = left + i * group_w
        columns = []
        if stacked:
            w, base = group_w * 0.5, 0
            for name, colour, vals in series:
                v = vals[i]
                columns.append(
                    Column(
                        round(x0 + group_w * 0.25, 1),
                        y_of(base + v),
                        round(w, 1),
                        round(plot_h * v / peak, 1),
                        v,
                        colour,
                        name,
                    )
                )
                base += v
        else:
            w = group_w * 0.8 / max(len(series), 1)
            for j, (name, colour, vals) in enumerate(series):
                v = vals[i]
                columns.append(
                    Column(
                        round(x0 + group_w * 0.1 + j * w, 1),
                        y_of(v),
                        round(w - 2, 1),
                        round(plot_h * v / peak, 1),
                        v,
                        colour,
                        name,
                    )
                )
        mark = y_of(marks[i]) if marks is not None else None
        groups.append(ColumnGroup(label, round(x0 + group_w / 2, 1), columns, mark))
    ticks = [(y_of(peak * k / 4), round(peak * k / 4)) for k in range(5)]
    return ColumnChart(
        groups, ticks, [(name, colour) for name, colour, _ in series], width, height, left, bottom
    )


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
