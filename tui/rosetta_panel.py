"""The Rosetta panel of the Explore tab: shown only after a legacy `db.query(...)` run, with "load the 2.0 form"."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button

from .rosetta_view import RosettaView


class RosettaPanel(Vertical):
    """`panel.show(report.rosetta)`: None hides it. Posts `LoadModern(source)` for the 2.0 form (button or F4)."""

    DEFAULT_CSS = """
    RosettaPanel { height: auto; max-height: 16; display: none; }
    RosettaPanel.-shown { display: block; }
    RosettaPanel #rosetta-actions { height: auto; }
    RosettaPanel #rosetta-load { min-width: 30; height: 1; border: none; margin: 0 1; }
    """

    class LoadModern(Message):
        def __init__(self, source: str) -> None:
            super().__init__()
            self.source = source

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rosetta: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield RosettaView(id="rosetta-view")
        with Horizontal(id="rosetta-actions"):
            yield Button("Load the 2.0 form into the editor (F4)", id="rosetta-load", compact=True)

    def show(self, rosetta: dict[str, Any] | None) -> None:
        self.rosetta = rosetta
        self.set_class(bool(rosetta), "-shown")
        self.query_one(RosettaView).show(rosetta)
        self.query_one("#rosetta-load", Button).display = bool(rosetta and rosetta.get("modern"))

    @property
    def modern(self) -> str | None:
        return (self.rosetta or {}).get("modern")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.request_modern()

    def request_modern(self) -> bool:
        if not self.modern:
            return False
        self.post_message(self.LoadModern(self.modern))
        return True
