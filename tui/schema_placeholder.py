"""What the first frame shows where the schema tree goes: a Tree costs a good part of the first frame, and it
has nothing to show before the database is open (the app swaps in `SchemaTree` then)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class SchemaPlaceholder(Static):
    BORDER_TITLE = "Schema"

    def show_message(self, message: str) -> None:
        self.update(Text(message, style="dim italic"))
