"""Rich renderables of a report for the headless `sqla-explore run` (captioned: SQL, tray, boxes, food, plate)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .report import Report

MAX_ROWS_SHOWN = 20
MAX_CELL = 60


def short(value: Any, width: int = MAX_CELL) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def sql_panel(report: Report) -> Panel:
    body = Table.grid(padding=(0, 1))
    for number, stmt in enumerate(report.sql, 1):
        params = "" if stmt.parameters in ((), {}, None, []) else f"  params={short(stmt.parameters, 80)}"
        rows = "" if stmt.rowcount is None else f", rowcount {stmt.rowcount}"
        body.add_row(Text(f"{number}.", style="dim"), Text(stmt.statement.strip()))
        body.add_row("", Text(f"{stmt.ms:.2f} ms{rows}{params}", style="dim"))
    title = f"SQL emitted ({len(report.sql)} statement{'s' if len(report.sql) != 1 else ''})"
    return Panel(body if report.sql else Text("no SQL was sent", style="dim"), title=title, title_align="left")


def tray_panel(report: Report) -> Panel:
    lines = [
        f"class        {report.result_class or '-'}",
        f"keys()       {report.keys}",
        f"returns rows {report.returns_rows}",
    ]
    if report.returns_rows:
        count = f"first {report.row_count} of at least {report.row_count + 1}" if report.truncated else str(report.row_count)
        lines.append(f"rows         {count}")
    if report.rowcount is not None:
        lines.append(f"rowcount     {report.rowcount}")
    lines.append(f"time         {report.ms:.1f} ms")
    return Panel("\n".join(lines), title="Tray: the Result that execute() returns", title_align="left")


def boxes_panel(report: Report) -> Panel:
    table = Table(*report.keys or ["(row)"], show_lines=False, expand=False)
    for row in report.rows[:MAX_ROWS_SHOWN]:
        table.add_row(*(short(v) for v in row))
    more = len(report.rows) - MAX_ROWS_SHOWN
    caption = f"… {more} more rows" if more > 0 else None
    table.caption = caption
    return Panel(table, title="Boxes: the Row objects, one tuple each", title_align="left")


def food_panel(report: Report) -> Panel:
    lines = [short(v, 100) for v in report.scalars[:MAX_ROWS_SHOWN]]
    if len(report.scalars) > MAX_ROWS_SHOWN:
        lines.append(f"… {len(report.scalars) - MAX_ROWS_SHOWN} more")
    return Panel("\n".join(lines) or "(nothing)", title=".scalars(): the food, first column of each box", title_align="left")


def plate_panel(report: Report) -> Panel:
    table = Table("consumer", "value or exception", box=None, show_header=False)
    chained = report.chain.consumer if report.chain else None
    for name, entry in report.plate.items():
        style = "bold reverse" if name == chained else ""
        if entry.ok:
            table.add_row(Text(name, style=style), Text(short(entry.value, 90)))
        else:
            table.add_row(Text(name, style=style), Text(f"{entry.error.type}: {entry.error.message}", style="red"))
    return Panel(table, title="Plate: what each consumer gives (or raises)", title_align="left")


def error_panel(report: Report) -> Panel:
    err = report.error
    where = f" (line {err.line}, column {err.column})" if err.line and err.column else f" (line {err.line})" if err.line else ""
    body = Text(f"{err.type}: {err.message}{where}", style="bold red")
    if err.hint:
        body.append(f"\nhint: {err.hint}", style="yellow")
    return Panel(body, title="Error", title_align="left", border_style="red")


def render_report(report: Report) -> RenderableType:
    parts: list[RenderableType] = [sql_panel(report)]
    if report.result_class or report.returns_rows:
        parts.append(tray_panel(report))
    if report.returns_rows:
        parts += [boxes_panel(report), food_panel(report), plate_panel(report)]
    if report.chain is not None:
        value = f"{report.chain.error.type}: {report.chain.error.message}" if report.chain.error else short(report.chain.value, 100)
        parts.append(Panel(value, title=f"Your chain: {report.chain.expression}", title_align="left"))
    elif report.kind == "value":
        parts.append(Panel(short(report.value, 200), title="Value", title_align="left"))
    status = []
    if report.rolled_back:
        status.append("rolled back (pass --commit to keep the change)")
    if report.commit_requested:
        status.append("the cell asked to commit: held back (pass --commit to allow it)")
    if report.committed:
        status.append("committed")
    for note in report.notes:
        status.append(note)
    if status:
        parts.append(Text("\n".join(f"• {s}" for s in status), style="cyan"))
    if report.error is not None:
        parts.append(error_panel(report))
    return Group(*parts)
