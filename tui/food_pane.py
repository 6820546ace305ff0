"""Food: `.scalars()`, the objects themselves; the selected one shows which attributes are loaded."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from .formatting import short

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
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column()
    # Columns in table order, then relationships by name (automap's relationship order varies run to run).
    columns = [a for a in state.attrs if a.key in state.mapper.column_attrs]
    others = sorted((a for a in state.attrs if a.key not in state.mapper.column_attrs), key=lambda a: a.key)
    for attr in columns + others:
        if attr.key in unloaded:
            grid.add_row(Text(attr.key), Text("not loaded", style="yellow"), Text("touching it would need a query", style="dim"))
            continue
        value = attr.loaded_value
        shown = "(not loaded)" if value is NO_VALUE else short(value, 80)
        grid.add_row(Text(attr.key, style="bold"), Text("loaded", style="green"), Text(shown))
    return grid


class FoodPane(Vertical):
    BORDER_TITLE = CAPTION

    def compose(self):
        yield OptionList(id="food-list")
        yield Static(Text("Select an object to see its attributes: loaded or not.", style="dim"), id="food-detail")

    def show(self, report: Any) -> None:
        self._objects = list(report.scalars[:MAX_LISTED])
        options = self.query_one("#food-list", OptionList)
        options.clear_options()
        options.add_options([Option(Text(short(obj, 200), no_wrap=True, overflow="ellipsis")) for obj in self._objects])
        detail = self.query_one("#food-detail", Static)
        note = ""
        if report.truncated or len(report.scalars) > len(self._objects):
            note = f" (the first {len(self._objects):,})"
        self.border_title = CAPTION + note
        if self._objects:
            options.highlighted = 0
        else:
            detail.update(Text("no objects", style="dim"))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(getattr(self, "_objects", [])):
            self.query_one("#food-detail", Static).update(attribute_states(self._objects[index]))
