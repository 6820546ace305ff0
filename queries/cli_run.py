"""`sqla-explore run`: open the database, run one cell, print the layers (Rich text or JSON)."""

from __future__ import annotations

import asyncio
import sys

from rich.console import Console
from rich.markup import escape

from .encode import dumps
from .errors import ExploreError
from .explorer import Explorer
from .render import render_report
from .report import Report

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


async def run_once(
    database: str,
    cell: str,
    *,
    models: str | None = None,
    commit: bool = False,
    limit: int = 1000,
    timeout: float | None = None,
    read_only: bool = False,
) -> tuple[Report, list[str]]:
    explorer = await Explorer.open(database, models=models, read_only=read_only)
    try:
        report = await explorer.run(cell, limit=limit, commit=commit, timeout=timeout)
        return report, explorer.notes
    finally:
        await explorer.close()


def run_run_command(
    database: str,
    cell: str,
    *,
    models: str | None = None,
    as_json: bool = False,
    commit: bool = False,
    limit: int = 1000,
    timeout: float | None = None,
) -> int:
    err = Console(stderr=True)
    try:
        report, notes = asyncio.run(
            run_once(database, cell, models=models, commit=commit, limit=limit, timeout=timeout)
        )
    except ExploreError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("[yellow]cancelled[/]")
        return EXIT_FAILED
    for note in notes:
        err.print(f"[dim]note: {escape(note)}[/]", highlight=False)
    if as_json:
        sys.stdout.write(dumps(report) + "\n")
    else:
        Console().print(render_report(report))
    return EXIT_OK if report.ok else EXIT_FAILED
