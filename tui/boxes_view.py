"""Boxes: the raw Rows as a table of any length, drawn line by line (only what is visible) from a window
of pages that `sqla_explore.queries.window.RowWindow` fetches on demand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .line_views import set_virtual_size

CAPTION = "Boxes: the Row tuples, one column per key"
MAX_WIDTH = 40
PREFETCH = 200


class StaticRows:
    """The report's rows (already fetched) behind the same reading API as a RowWindow."""

    def __init__(self, keys: list[str], rows: list[tuple]) -> None:
        from sqla_explore.queries.window import row_text

        self.keys = list(keys)
        self._rows = [row_text(r) for r in rows]
        self.total: int | None = len(self._rows)

    def row(self, index: int) -> tuple[str, ...] | None:
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def missing(self, first: int, last: int) -> list[int]:
        return []


class BoxesView(ScrollView, can_focus=True):
    """`show(source)` with a StaticRows or a RowWindow; scrolling fetches pages in a worker."""

    BORDER_TITLE = CAPTION
    BINDINGS = [
        Binding("end,G", "jump_end", "Last row", show=False),
        Binding("home,g", "jump_home", "First row", show=False),
    ]

    @dataclass
    class Counted(Message):
        """The full row count is known (the app updates the tray)."""

        total: int

    @dataclass
    class PagesLoaded(Message):
        """A fetch finished (posted by the worker; the handler repaints)."""

        error: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source: Any = None
        self.widths: list[int] = []
        self.note = ""

    # -- content -----------------------------------------------------------------------------
    def show(self, source: Any, note: str = "") -> None:
        self.source = source
        self.note = note
        self._measure()
        self._resize()
        self.scroll_to(0, 0, animate=False)
        self.refresh()
        if source is not None and source.total is None:
            self.run_worker(self._count(), group="boxes-count", exclusive=True, exit_on_error=False)
        self._fetch_visible()

    def clear(self, message: str = "") -> None:
        self.show(None, message)

    @property
    def total_rows(self) -> int:
        if self.source is None:
            return 0
        if self.source.total is not None:
            return self.source.total
        return max(len(getattr(self.source, "pages", {})) * getattr(self.source, "page_size", 0), 1)

    def _measure(self) -> None:
        if self.source is None:
            self.widths = []
            return
        cap = MAX_WIDTH if len(self.source.keys) > 1 else MAX_WIDTH * 4  # one entity column may be wide
        widths = [min(cap, max(3, len(k))) for k in self.source.keys]
        for index in range(200):
            row = self.source.row(index)
            if row is None:
                break
            for col, cell in enumerate(row[: len(widths)]):
                widths[col] = min(cap, max(widths[col], len(cell)))
        self.widths = widths

    def _resize(self) -> None:
        width = self._number_width() + sum(w + 1 for w in self.widths) + 1
        set_virtual_size(self, Size(width, self.total_rows + 1))  # no layout pass of the whole screen
        self._update_title()

    def _update_title(self) -> None:
        if self.source is None:
            self.border_title = CAPTION
            return
        total = self.source.total
        count = f"{total:,} rows" if total is not None else "counting rows…"
        self.border_title = f"{CAPTION} · {count}{self.note}"

    def _number_width(self) -> int:
        return len(f"{max(self.total_rows, 1):,}") + 1

    # -- drawing -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self.source is None:
            text = self.note.strip(" ·") if y == 0 else ""
            return Strip([Segment(text[:width].ljust(width), Style(dim=True))])
        scroll_x, scroll_y = self.scroll_offset
        number_width = self._number_width()
        if y == 0:
            cells = [" " * number_width] + [k[:w].ljust(w) for k, w in zip(self.source.keys, self.widths)]
            style = Style(bold=True, underline=True)
        else:
            index = scroll_y + y - 1
            if index >= self.total_rows:
                return Strip.blank(width)
            row = self.source.row(index)
            number = f"{index + 1:,}".rjust(number_width - 1) + " "
            if row is None:
                cells = [number, "…"]
            else:
                cells = [number] + [c[:w].ljust(w) for c, w in zip(row, self.widths)]
            style = Style(dim=row is None)
        line = cells[0] + " ".join(cells[1:])
        strip = Strip([Segment(line[:number_width], Style(dim=True)), Segment(line[number_width:], style)])
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width)

    # -- fetching ------------------------------------------------------------------------------
    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._fetch_visible()

    def on_resize(self) -> None:
        self._fetch_visible()

    def _fetch_visible(self) -> None:
        if self.source is None:
            return
        first = int(self.scroll_offset.y)
        last = first + self.size.height + PREFETCH
        if self.source.missing(first, last):
            self.run_worker(self._fetch(first, last), group="boxes-fetch", exclusive=True, exit_on_error=False)

    async def _fetch(self, first: int, last: int) -> None:
        source = self.source
        try:
            await source.ensure(first, last)
        except Exception as exc:  # shown in the caption; the view stays usable
            self.post_message(self.PagesLoaded(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.PagesLoaded())

    async def _count(self) -> None:
        source = self.source
        try:
            total = await source.count()
        except Exception as exc:
            self.post_message(self.PagesLoaded(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.PagesLoaded())
            if source is self.source:
                self.post_message(self.Counted(total))

    def on_boxes_view_pages_loaded(self, message: PagesLoaded) -> None:
        message.stop()
        if message.error:
            self.note = f" · fetch failed: {message.error[:80]}"
        if not self.widths and self.source is not None:
            self._measure()
        self._resize()
        self.refresh()
        if getattr(self, "_end_wanted", False):
            self._end_wanted = False
            self.call_after_refresh(self.scroll_end, animate=False)

    # -- keys ----------------------------------------------------------------------------------
    def action_jump_end(self) -> None:
        if self.source is not None and self.source.total is None:
            self.run_worker(self._count_then_end(), group="boxes-count", exclusive=True, exit_on_error=False)
        else:
            self.scroll_end(animate=False)

    async def _count_then_end(self) -> None:
        self._end_wanted = True
        await self._count()

    def action_jump_home(self) -> None:
        self.scroll_home(animate=False)

    # Pages jump at once: an animated scroll repaints the view a dozen times per key.
    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)
