"""A three-line chart of event-loop lag on a fixed scale, redrawn only when its picture changes.

Textual's Sparkline rescales to its own maximum (idle noise of 0.5 ms then looks like a spike) and
re-renders every bar on each update; this chart keeps 100 ms as full height, so an idle loop is a flat line.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widget import Widget

ROWS = 3
BLOCKS = " ▁▂▃▄▅▆▇█"
TOP_MS = 100.0  # full height: 100 ms late or more


def _level(lag_ms: float) -> int:
    """0 (on time, or late by less than one step of ~4 ms) .. ROWS * 8 (TOP_MS late or worse)."""
    return max(0, min(ROWS * 8, int(lag_ms / TOP_MS * ROWS * 8)))


def _style(lag_ms: float) -> str:
    return "green" if lag_ms < 20 else "yellow" if lag_ms < 50 else "red"


class LagChart(Widget):
    """`chart.show(samples)` with the newest sample last; the rightmost columns are the newest."""

    DEFAULT_CSS = "LagChart { height: 3; width: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._picture: tuple[tuple[int, str], ...] = ()

    def show(self, samples: Iterable[float]) -> None:
        width = max(1, self.size.width)
        recent = list(samples)[-width:]
        picture = tuple((_level(s), _style(s)) for s in recent)
        if picture != self._picture:
            self._picture = picture
            self.refresh()

    def render(self) -> Text:
        width = max(1, self.size.width)
        columns = [(0, "green")] * (width - len(self._picture)) + list(self._picture)
        lines = []
        for row in range(ROWS - 1, -1, -1):  # top row first
            line = Text(no_wrap=True, end="")
            run, run_style = [], None
            for level, style in columns:  # one span per run of one colour: a flat line is one span
                if style != run_style and run:
                    line.append("".join(run), style=run_style)
                    run = []
                run_style = style
                run.append("▁" if row == 0 and level == 0 else BLOCKS[max(0, min(8, level - row * 8))])
            line.append("".join(run), style=run_style)
            lines.append(line)
        return Text("\n", end="").join(lines)
