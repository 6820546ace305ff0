"""The status bar: connection (password hidden), last run, transaction state and the loop lag meter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from .lag_meter import LagMeter


class StatusBar(Horizontal):
    def __init__(self, frozen: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.frozen = frozen

    def compose(self) -> ComposeResult:
        yield Label("connecting…", id="status-connection")
        yield Label("", id="status-run")
        yield Label("", id="status-tx")
        yield LagMeter(self.frozen, id="lag-meter")

    # Fixed widths (see app.tcss), so updates repaint without a layout pass.
    def set_connection(self, text: str) -> None:
        self.query_one("#status-connection", Label).update(text, layout=False)

    def set_run(self, text: str) -> None:
        self.query_one("#status-run", Label).update(text, layout=False)

    def set_transaction(self, text: str) -> None:
        self.query_one("#status-tx", Label).update(text, layout=False)
