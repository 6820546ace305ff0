"""The statement editor: a Python-highlighted TextArea; F5 / ctrl+j / ctrl+enter run, up/down on the
first line walk the history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

from .history import History


class CellEditor(TextArea):
    """Posts `RunRequested` with the cell's text; the app decides how to run it."""

    BORDER_TITLE = "Cell  (F5 / ctrl+j / ctrl+enter run · ↑↓ on the first line: history)"
    BINDINGS = [
        Binding("f5", "run_cell", "Run", priority=True),
        Binding("ctrl+j", "run_cell", "Run", show=False, priority=True),
        Binding("ctrl+enter", "run_cell", "Run", show=False, priority=True),
    ]

    @dataclass
    class RunRequested(Message):
        cell: str

    class CancelRequested(Message):
        """Esc in the editor: the app cancels a running query, or moves focus on when idle."""

    def __init__(self, text: str = "", *, history: History | None = None, **kwargs: Any) -> None:
        # The Python grammar loads after the first paint (see on_mount): startup does not wait for tree-sitter.
        super().__init__(text, language=None, tab_behavior="indent", show_line_numbers=False, **kwargs)
        self.cell_history = history or History(None)

    def on_mount(self) -> None:
        self.call_after_refresh(self._highlight)

    def _highlight(self) -> None:
        selection = self.selection  # setting the language rebuilds the document and resets the cursor
        try:
            self.language = "python"
        except Exception:  # textual[syntax] missing: plain text still works
            return
        self.selection = selection

    def action_run_cell(self) -> None:
        self.post_message(self.RunRequested(self.text))

    def remember(self, cell: str) -> None:
        self.cell_history.add(cell)

    def _replace_all(self, text: str) -> None:
        self.text = text
        last = self.document.line_count - 1
        self.move_cursor((last, len(self.document.get_line(last))))

    async def _on_key(self, event: events.Key) -> None:
        row = self.cursor_location[0]
        if event.key == "escape":
            event.prevent_default()
            event.stop()
            self.post_message(self.CancelRequested())
            return
        if event.key == "up" and row == 0:
            previous = self.cell_history.back()
            if previous is not None:
                event.prevent_default()
                event.stop()
                self._replace_all(previous)
                self.move_cursor((0, len(self.document.get_line(0))))
                return
        elif event.key == "down" and row == self.document.line_count - 1 and self.cell_history.position < len(
            self.cell_history.entries
        ):
            following = self.cell_history.forward()
            if following is not None:
                event.prevent_default()
                event.stop()
                self._replace_all(following)
                return
        await super()._on_key(event)

    def insert_name(self, name: str) -> None:
        self.insert(name)
        self.focus()
