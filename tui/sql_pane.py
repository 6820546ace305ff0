"""The SQL pane: every statement the run sent, in order, with its parameters, time and rowcount."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text

from .formatting import ms, plural, short
from .line_views import RenderedView


class SqlPane(RenderedView):
    """`show(report)` replaces the content (`content`); the border title counts the statements."""

    BORDER_TITLE = "SQL sent"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Text("Run a cell to see the SQL it sends.", style="dim"), **kwargs)

    def show(self, report: Any, frozen: bool = False) -> None:
        from rich.syntax import Syntax  # pygments: imported on the first run, not at startup

        parts: list[Any] = []
        for number, stmt in enumerate(report.sql, 1):
            parts.append(Text(f"{number}.", style="bold"))
            parts.append(Syntax(stmt.statement.strip(), "sql", word_wrap=True, background_color="default"))
            info = ms(stmt.ms, frozen)
            if stmt.rowcount is not None and stmt.rowcount >= 0:
                info += f" · rowcount {stmt.rowcount}"
            if stmt.parameters not in ((), {}, None, []):
                info += f" · params {short(stmt.parameters, 120)}"
            if stmt.executemany:
                info += " · executemany"
            parts.append(Text(info, style="dim"))
        count = len(report.sql)
        self.border_title = f"SQL sent: {plural(count, 'statement')}" + (
            "  (more than one: lazy loads or selectinload show up here)" if count > 1 else ""
        )
        self.update(Group(*parts) if parts else Text("no SQL was sent", style="dim"))
