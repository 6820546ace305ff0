"""Food: `.scalars()`, the objects themselves; the selected one shows which attributes are loaded, and its
not-loaded ones can be opened for real (`OpenAttribute`: the app asks queries/lazyload.py)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.containers import Vertical
from textual.message import Message

from .formatting import short
from .line_views import LineList, RenderedView

CAPTION = "Food: .scalars(), the objects in the boxes"
MAX_LISTED = 100  # the Boxes pane shows every row; this list stays cheap to build


def attribute_states(obj: Any) -> Table | Text:
    """Loaded and not-loaded attributes of a mapped object, read without triggering any load."""
    from sqlalchemy import inspect
    from sqlalchemy.orm.base import NO_VALUE

    state = inspect(obj, raiseerr=False)
    if state is None or not hasattr(state, "attrs"):
        return Text(f"{type(obj).__name__}: {short(obj, 300)}\n(not a mapped object: nothing lazy here)", style="dim")
    unloaded = state.unloaded
    # Columns in table order, then relationships by name (automap's relationship order varies run to run).
    columns = [a for a in state.attrs if a.key in state.mapper.column_attrs]
    others = sorted((a for a in state.attrs if a.key not in state.mapper.column_attrs), key=lambda a: a.key)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, min_width=max((len(a.key) for a in columns + others), default=1))
    grid.add_column(no_wrap=True, min_width=len("not loaded"))
    grid.add_column(no_wrap=True, overflow="ellipsis")  # one line per attribute: long values are cut
    for attr in columns + others:
        if attr.key in unloaded:
            grid.add_row(Text(attr.key), Text("not loaded", style="yellow"), Text("touching it would need a query", style="dim"))
            continue
        value = attr.loaded_value
        shown = "(not loaded)" if value is NO_VALUE else short(value, 80)
        grid.add_row(Text(attr.key, style="bold"), Text("loaded", style="green"), Text(shown))
    return grid


def unloaded_attributes(obj: Any) -> list[str]:
    """Not-loaded attributes, relationships first (what app code trips over), without loading anything."""
    from sqlalchemy import inspect

    state = inspect(obj, raiseerr=False)
    if state is None or not hasattr(state, "attrs"):
        return []
    unloaded = state.unloaded
    relations = sorted(k for k in unloaded if k in state.mapper.relationships)
    return relations + sorted(k for k in unloaded if k not in state.mapper.relationships)


class FoodPane(Vertical):
    BORDER_TITLE = CAPTION

    class OpenAttribute(Message):
        """Open `obj.<attr>` for real, as app code would (Enter on a not-loaded attribute)."""

        def __init__(self, obj: Any, attr: str) -> None:
            super().__init__()
            self.obj = obj
            self.attr = attr

    def compose(self):
        yield LineList(id="food-list")
        yield RenderedView(Text("Select an object to see its attributes: loaded or not.", style="dim"), id="food-detail")
        yield LineList(id="food-lazy")

    def _show_lazy(self, obj: Any | None) -> None:
        self._lazy = [] if obj is None else [(obj, attr) for attr in unloaded_attributes(obj)]
        lazy = self.query_one("#food-lazy", LineList)
        lazy.set_items([f"▸ open .{attr} for real" for _, attr in self._lazy])

    def open_attribute(self, attr: str) -> bool:
        """Ask for `attr` of the highlighted object (for keys, commands and tests)."""
        for obj, name in getattr(self, "_lazy", []):
            if name == attr:
                self.post_message(self.OpenAttribute(obj, attr))
                return True
        return False

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        event.stop()
        if event.line_list.id != "food-lazy":
            return
        if 0 <= event.index < len(self._lazy):
            obj, attr = self._lazy[event.index]
            self.post_message(self.OpenAttribute(obj, attr))

    def show(self, report: Any, detail: bool = True) -> None:
        """List the objects; `detail=False` leaves the attributes of the first one to `show_detail()` (the app
        fills the pane over two frames)."""
        self._objects = list(report.scalars[:MAX_LISTED])
        options = self.query_one("#food-list", LineList)
        with options.prevent(LineList.Highlighted):
            options.set_items([Text(short(obj, 200)) for obj in self._objects])
            if self._objects:
                options.highlighted = 0
        note = ""
        if report.truncated or len(report.scalars) > len(self._objects):
            note = f" (the first {len(self._objects):,})"
        self.border_title = CAPTION + note
        if detail:
            self.show_detail()

    def show_detail(self) -> None:
        """The attributes of the highlighted object (or "no objects")."""
        index = self.query_one("#food-list", LineList).highlighted
        lazy = self.query_one("#food-lazy", LineList)
        lazy.empty = "" if index is None else "nothing not-loaded to open here"
        if index is None:
            self.query_one("#food-detail", RenderedView).update(Text("no objects", style="dim"))
            self._show_lazy(None)
        else:
            self._show_object(index)

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        event.stop()
        if event.line_list.id == "food-list":
            self._show_object(event.index)

    def _show_object(self, index: int) -> None:
        if 0 <= index < len(getattr(self, "_objects", [])):
            self.query_one("#food-detail", RenderedView).update(attribute_states(self._objects[index]))
            self._show_lazy(self._objects[index])
