"""The Explore tab's issue-4 extras, mixed into ExplorerApp: the Rosetta panel's "load the 2.0 form" and
opening a not-loaded Food attribute for real (through queries/lazyload.py) with its fixes."""

from __future__ import annotations

from typing import Any

from textual import work

from .food_pane import FoodPane
from .rosetta_panel import RosettaPanel


class ExploreExtras:
    """Needs the app's `explorer`, `set_cell`, `notify` and `push_screen`."""

    explorer: Any
    lazy_attempt: Any = None  # the last LazyLoadAttempt (for tests and the screen)

    def on_rosetta_panel_load_modern(self, message: RosettaPanel.LoadModern) -> None:
        self.set_cell(message.source, run=False)
        self.notify("the 2.0 form is in the editor: F5 runs it")

    def action_load_modern(self) -> None:
        if not self.query_one(RosettaPanel).request_modern():
            self.notify("no 2.0 form yet: run a cell that uses db.query(...)", severity="warning")

    def on_food_pane_open_attribute(self, message: FoodPane.OpenAttribute) -> None:
        if self.explorer is None:
            return
        self.notify(f"opening .{message.attr} as app code would…")
        self.open_lazy_attribute(message.obj, message.attr)

    @work(exclusive=True, group="lazyload", exit_on_error=False)
    async def open_lazy_attribute(self, obj: Any, attr: str) -> None:
        from sqla_explore.queries.lazyload import try_lazy_load

        try:
            attempt = await try_lazy_load(self.explorer, obj, attr)
        except Exception as exc:  # not a mapped attribute, or the database went away
            self.notify(f"could not open .{attr}: {type(exc).__name__}: {exc}", severity="error", markup=False)
            return
        self.lazy_attempt = attempt
        from .lazy_load_screen import LazyLoadScreen

        self.push_screen(LazyLoadScreen(attempt), lambda source: self.set_cell(source) if source else None)
