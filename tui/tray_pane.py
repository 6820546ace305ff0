"""Tray: the Result object that execute() returns (its class, keys, how many rows, how long)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from .formatting import ms

CAPTION = "Tray: the Result execute() hands you"


class TrayPane(Static):
    BORDER_TITLE = CAPTION

    def on_mount(self) -> None:
        self.update(Text("The Result object: its class, its keys and how many rows it carries.", style="dim"))

    def show(self, report: Any, total: int | None = None, frozen: bool = False) -> None:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row("kind", report.kind)
        grid.add_row("class", report.result_class or "-")
        grid.add_row("keys()", ", ".join(report.keys) if report.keys else "-")
        if report.returns_rows:
            if total is not None:
                rows = f"{total:,}"
            elif report.truncated:
                rows = f"more than {report.row_count:,} (first {report.row_count:,} kept)"
            else:
                rows = f"{report.row_count:,}"
            grid.add_row("rows", rows)
        if report.rowcount is not None:
            grid.add_row("rowcount", str(report.rowcount))
        state = "committed" if report.committed else "rolled back" if report.rolled_back else ""
        if state:
            grid.add_row("transaction", state)
        grid.add_row("time", ms(report.ms, frozen))
        self.update(grid, layout=False)  # the grid cell fixes the size: no layout pass needed
