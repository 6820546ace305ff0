"""The Rosetta panel of the Explore tab: shown only after a legacy `db.query(...)` run, with "load the 2.0 form".
Its widgets (and pygments, for the side-by-side code) are built on the first legacy run, not at startup."""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.message import Message


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

    def show(self, rosetta: dict[str, Any] | None) -> None:
        self.rosetta = rosetta
        self.set_class(bool(rosetta), "-shown")
        built = self.query("#rosetta-view")
        if not built:
            if rosetta:
                self._build(rosetta)
            return
        built.first().show(rosetta)
        self.query_one("#rosetta-load").display = bool(rosetta and rosetta.get("modern"))

    def _build(self, rosetta: dict[str, Any]) -> None:
        """The first legacy run: mount the side-by-side view and the button (they show `rosetta` on mount)."""
        from textual.containers import Horizontal
        from textual.widgets import Button

        from .rosetta_view import RosettaView

        button = Button("Load the 2.0 form into the editor (F4)", id="rosetta-load", compact=True)
        button.display = bool(rosetta.get("modern"))
        self.mount(RosettaView(rosetta, id="rosetta-view"), Horizontal(button, id="rosetta-actions"))

    @property
    def modern(self) -> str | None:
        return (self.rosetta or {}).get("modern")

    def on_button_pressed(self, event: Any) -> None:
        event.stop()
        self.request_modern()

    def request_modern(self) -> bool:
        if not self.modern:
            return False
        self.post_message(self.LoadModern(self.modern))
        return True
