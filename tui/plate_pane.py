"""Plate: what each consumer (first(), all(), one(), scalars()...) gives, or the exact exception it raises."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from .formatting import summary
from .line_views import RenderedView

CAPTION = "Plate: what each consumer gives you (or raises)"


class PlatePane(RenderedView):
    """`show(report)` replaces the content (`content`)."""

    BORDER_TITLE = CAPTION

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Text("first(), all(), one(), scalars()... tried on the same result.", style="dim"), **kwargs)

    def show(self, report: Any) -> None:
        body = self
        chained = report.chain.consumer if report.chain else None
        if not report.plate:
            body.update(Text("no rows to consume" if report.ok else "nothing: the run failed", style="dim"))
            return
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True, min_width=22)
        table.add_column(no_wrap=True, overflow="ellipsis")
        for name, entry in report.plate.items():
            mark = "▶ " if name == chained else "  "
            label = Text(mark + name, style="bold reverse" if name == chained else "bold")
            if entry.ok:
                value = Text(summary(entry.value, 160))
            else:
                value = Text(f"{entry.error.type}: {entry.error.message}", style="red")
            table.add_row(label, value)
        if report.chain is not None:
            table.add_row(Text(""), Text(""))
            result = (
                Text(f"{report.chain.error.type}: {report.chain.error.message}", style="red")
                if report.chain.error
                else Text(summary(report.chain.value, 160))
            )
            table.add_row(Text("your chain", style="bold underline"), Text(report.chain.expression, style="italic"))
            table.add_row(Text("  gave"), result)
        body.update(table)
