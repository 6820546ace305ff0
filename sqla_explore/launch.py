"""Start the TUI: pick the database (argument, $DATABASE_URL, embedded PostgreSQL or the sample)."""

from __future__ import annotations

import os

from rich.console import Console
from rich.markup import escape


def open_explorer(database: str | None, *, models: str | None, read_only: bool, embedded_postgres: bool) -> int:
    """Exit code of the app; 2 when the database cannot be opened at all."""
    from sqla_explore.tui.app import run_app

    err = Console(stderr=True)
    if embedded_postgres:
        if database:
            err.print("[bold red]error:[/] give either a DATABASE or --embedded-postgres, not both")
            return 2
        from sqla_explore.queries.embedded_pg import EmbeddedPostgres, EmbeddedPostgresError, exit_cleanly_on_hangup

        server = EmbeddedPostgres(progress=lambda message: err.print(f"[dim]{escape(message)}[/]", highlight=False))
        with exit_cleanly_on_hangup():  # a closed terminal still stops the server
            try:
                url = server.start()
            except EmbeddedPostgresError as exc:
                err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
                return 2
            try:
                return run_app(url, models=models, read_only=read_only)
            finally:
                server.stop()
    target = database or os.environ.get("DATABASE_URL")
    return run_app(target, models=models, read_only=read_only)
