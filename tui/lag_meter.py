"""The event-loop lag meter: a 50 ms ticker and a sparkline of how late it fires (one loop for all).

Drawn by one `render()` and refreshed without a layout pass, so the meter itself costs next to nothing.
"""

from __future__ import annotations

import time
from collections import deque

from rich.text import Text
from textual.widget import Widget

TICK_S = 0.05
SAMPLES = 16
BLOCKS = " ▁▂▃▄▅▆▇█"
TOP_MS = 100.0  # a full block: 100 ms late or more


class LagMeter(Widget):
    """`frozen=True` (snapshot mode) keeps the line flat and hides the numbers."""

    DEFAULT_CSS = "LagMeter { width: 34; height: 1; }"

    def __init__(self, frozen: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.frozen = frozen
        self.samples: deque[float] = deque([0.0] * SAMPLES, maxlen=SAMPLES)
        self.worst_ms = 0.0
        self.ticks = 0
        self._expected = 0.0

    def on_mount(self) -> None:
        if not self.frozen:
            self._expected = time.perf_counter() + TICK_S
            self.set_interval(TICK_S, self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        late_ms = max(0.0, (now - self._expected) * 1000)
        self._expected = now + TICK_S
        self.samples.append(late_ms)
        self.ticks += 1
        self.worst_ms = max(self.worst_ms, late_ms)
        # Repaint only when the picture changes: an idle loop then costs no frames at all, and the meter's
        # corner never widens the region another widget's repaint covers (Textual repaints their union).
        shown = self._picture()
        if shown != getattr(self, "_shown", None):
            self._shown = shown
            self.refresh()

    def _picture(self) -> tuple:
        levels = tuple(self._level(sample) for sample in self.samples)
        worst = max(self.samples)
        return levels, "<10" if worst < 10 else f"{worst:.0f}"

    @staticmethod
    def _level(sample: float) -> tuple[int, str]:
        level = min(len(BLOCKS) - 1, max(1, round(sample / TOP_MS * (len(BLOCKS) - 1))))
        return level, "green" if sample < 20 else "yellow" if sample < 50 else "red"

    def render(self) -> Text:
        text = Text("loop lag ", style="dim")
        if self.frozen:
            text.append(BLOCKS[1] * SAMPLES, style="green")
            text.append("  ‹lag›", style="dim")
            return text
        levels, worst = self._picture()
        for level, style in levels:
            text.append(BLOCKS[level], style=style)
        text.append(f" {worst:>4} ms", style="dim")
        return text
