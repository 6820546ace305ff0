"""Start the TUI: pick the database (argument, $DATABASE_URL, embedded PostgreSQL or the sample)."""

from __future__ import annotations

import os


def open_explorer(database: str | None, *, models: str | None, read_only: bool, embedded_postgres: bool) -> int:
    from sqla_explore.tui.app import run_app

    target = database or os.environ.get("DATABASE_URL")
    return run_app(target, models=models, read_only=read_only)
