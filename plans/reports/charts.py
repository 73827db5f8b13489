"""Horizontal bar charts for the report's groups, as numbers for an SVG template.

A hidden count (suppression.py) gets no bar, only its words, so the picture cannot tell more
than the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from .figures import Group

WIDTH = 720
LABEL_WIDTH = 300
VALUE_WIDTH = 130
ROW = 28
BAR = 18


@dataclass(frozen=True)
class BarRow:
    y: float
    text_y: float
    width: float
    label: str
    value: str


@dataclass(frozen=True)
class BarChart:
    height: int
    rows: list[BarRow]
    bar_x: int = LABEL_WIDTH
    value_x: int = WIDTH - VALUE_WIDTH + 8
    width: int = WIDTH


def bar_chart(group: Group) -> BarChart:
    shown = [cell.value for cell in group.cells if cell.shown]
    top = max(shown + [1])
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    for n, cell in enumerate(group.cells):
        y = n * ROW + (ROW - BAR) / 2
        width = round(span * cell.value / top, 1) if cell.shown else 0
        if cell.shown and cell.value:
            width = max(width, 2)
        rows.append(
            BarRow(
                y=y,
                text_y=n * ROW + ROW / 2,
                width=width,
                label=cell.label[:34],
                value=cell.display,
            )
        )
    return BarChart(height=max(len(rows), 1) * ROW, rows=rows)
