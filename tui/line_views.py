"""Light line-drawn views for the panes a run fills: `RenderedView` (a Rich renderable rendered once, scrolled
line by line) and `LineList` (one line per item, with a highlight). Neither asks for a screen layout when its
content changes, so filling a pane repaints only that pane."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


def set_virtual_size(widget: ScrollView, size: Size) -> None:
    """Change a scroll view's virtual size without a layout pass of the whole screen (as Textual does inside
    its own layout); a scrollbar that appears or disappears still asks for one."""
    if size == widget.virtual_size:
        return
    widget.set_reactive(Widget.virtual_size, size)
    widget._scroll_update(size)
    widget.refresh()


class RenderedView(ScrollView, can_focus=True):
    """`update(renderable)`: rendered once at the view's width into lines; `content` is the last renderable."""

    DEFAULT_CSS = "RenderedView { scrollbar-gutter: stable; overflow-x: hidden; }"

    def __init__(self, renderable: Any = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._renderable = renderable
        self._strips: list[Strip] = []
        self._width = 0

    @property
    def content(self) -> Any:
        return self._renderable

    def update(self, renderable: Any) -> None:
        self._renderable = renderable
        self._width = 0  # render again at the next draw
        self._render_strips()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def _render_strips(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or not self.is_mounted:
            return
        console = self.app.console
        options = console.options.update_width(width).update(highlight=False)
        lines = console.render_lines(self._renderable, options, style=self.rich_style, pad=True, new_lines=False)
        self._strips = [Strip(line, width) for line in lines]
        self._width = width
        set_virtual_size(self, Size(width, len(self._strips)))

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            self._render_strips()

    def notify_style_update(self) -> None:
        self._width = 0
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        if self._width != self.scrollable_content_region.width:
            self._render_strips()
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(width, self.rich_style)


class LineList(ScrollView, can_focus=True):
    """One line per item (Rich Text or str, cropped); up/down move the highlight, Enter or a click selects.

    Like OptionList: `option_count`, `highlighted` (settable), messages `Highlighted` and `Selected`."""

    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "move(-10)", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("home", "move(-1000000)", show=False),
        Binding("end", "move(1000000)", show=False),
        Binding("enter", "select", show=False),
    ]
    COMPONENT_CLASSES = {"line-list--highlight"}
    DEFAULT_CSS = """
    LineList { overflow-x: hidden; }
    LineList > .line-list--highlight { background: $block-cursor-blurred-background; }
    LineList:focus > .line-list--highlight { background: $block-cursor-background; color: $block-cursor-foreground; }
    """

    class Highlighted(Message):
        def __init__(self, line_list: LineList, index: int) -> None:
            super().__init__()
            self.line_list = line_list
            self.index = index

        @property
        def control(self) -> LineList:
            return self.line_list

    class Selected(Highlighted):
        pass

    def __init__(self, empty: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._items: list[Text] = []
        self._highlighted: int | None = None
        self.empty = empty  # a dim line shown when there are no items

    @property
    def option_count(self) -> int:
        return len(self._items)

    def set_items(self, items: list[Text | str]) -> None:
        self._items = [item if isinstance(item, Text) else Text(item) for item in items]
        self._highlighted = None
        set_virtual_size(self, Size(self.scrollable_content_region.width, len(self._items)))
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    @property
    def highlighted(self) -> int | None:
        return self._highlighted

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        if index is not None:
            if not self._items:
                index = None
            else:
                index = max(0, min(index, len(self._items) - 1))
        if index == self._highlighted:
            return
        self._highlighted = index
        self.refresh()
        if index is not None:
            self.scroll_to_region_line(index)
            self.post_message(self.Highlighted(self, index))

    def scroll_to_region_line(self, index: int) -> None:
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif height and index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def action_move(self, step: int) -> None:
        if self._items:
            self.highlighted = (self._highlighted if self._highlighted is not None else -1 if step > 0 else 0) + step

    def action_select(self) -> None:
        if self._highlighted is not None:
            self.post_message(self.Selected(self, self._highlighted))

    def on_click(self, event: Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self._items):
            event.stop()
            self.highlighted = index
            self.post_message(self.Selected(self, index))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        if not self._items and index == 0 and self.empty:
            text = Text(self.empty, style="dim", no_wrap=True, overflow="ellipsis")
            text.truncate(width, overflow="ellipsis", pad=True)
            return Strip(list(text.render(self.app.console, ""))).apply_style(self.rich_style).crop(0, width)
        if not 0 <= index < len(self._items):
            return Strip.blank(width, self.rich_style)
        style = self.rich_style
        if index == self._highlighted:
            style += self.get_component_rich_style("line-list--highlight")
        text = self._items[index].copy()
        text.no_wrap = True
        text.overflow = "ellipsis"
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(text.render(self.app.console, ""))
        return Strip(segments).apply_style(style).crop(0, width)
