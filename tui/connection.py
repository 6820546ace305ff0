"""The app's connection: open the Explorer in a worker after the first paint, close it on quit, even mid-open."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.worker import Worker

from .messages import ExplorerFailed, ExplorerReady
from .schema_placeholder import SchemaPlaceholder
from .status_bar import StatusBar

# How long quitting waits for a connection still being opened, so it can be closed properly. Cancelling
# an open half-way leaves aiosqlite's thread or asyncpg's socket to a clean-up task that can outlive the
# app (and keep the process from exiting); an open that takes longer than this is cancelled anyway.
OPEN_GRACE_S = 5.0


class Connection:
    """Mixin for ExplorerApp: `open_explorer`, `close_explorer` and the labels that name the database."""

    explorer: Any = None
    connect_error: str | None = None
    _opened: Any = None  # the Explorer the worker opened, before (or without) ExplorerReady being handled
    _open_worker: Worker | None = None
    closing = False  # set by close_explorer: a late ExplorerReady must not build widgets any more

    def start_connecting(self) -> None:
        self._open_worker = self.open_explorer()

    @work(group="connect", exit_on_error=False)
    async def open_explorer(self) -> None:
        from importlib import import_module

        # Importing SQLAlchemy takes a few hundred ms: do it off the loop so the screen stays live.
        await asyncio.to_thread(import_module, "sqla_explore.queries.explorer")
        from sqla_explore.queries.errors import ExploreError
        from sqla_explore.queries.explorer import Explorer

        try:
            explorer = await Explorer.open(self.target, models=self.models, read_only=self.read_only)
        except ExploreError as exc:
            self.post_message(ExplorerFailed(str(exc)))
        except Exception as exc:  # anything else is still shown, never a traceback on screen
            self.post_message(ExplorerFailed(f"{type(exc).__name__}: {exc}"))
        else:
            self._opened = explorer
            self.post_message(ExplorerReady(explorer))

    def on_explorer_failed(self, message: ExplorerFailed) -> None:
        self.connect_error = message.message
        self.query_one(SchemaPlaceholder).show_message("not connected")
        self.query_one(StatusBar).set_connection("✖ not connected")
        self._show_notes(Text(f"{message.message}\n(ctrl+q quits)", style="bold red"))

    async def close_explorer(self) -> None:
        """Dispose of the engine; an open still running gets OPEN_GRACE_S to finish so it is closed too."""
        self.closing = True
        opening = self._open_worker
        if opening is not None and opening.is_running:
            try:
                await asyncio.wait_for(opening.wait(), OPEN_GRACE_S)
            except Exception:  # timed out (cancelled below), or failed: the open already reported why
                pass
        explorer = self.explorer or self._opened
        self.explorer = self._opened = None
        self.workers.cancel_all()
        if explorer is not None:
            await explorer.close()

    def _short_target(self, target: str) -> str:
        if self.snapshot and "://" not in target:
            return Path(target).name
        if "://" in target:
            from sqlalchemy.engine import make_url  # only for URLs; paths need no import

            try:
                return make_url(target).render_as_string(hide_password=True)
            except Exception:
                return "the database"
        return target

    def _connection_label(self) -> str:
        target = self.explorer.target
        if target.is_sqlite:
            path = (target.url.database or "").removeprefix("file:")
            return f"SQLite {Path(path).name if self.snapshot else path}"
        from sqla_explore.queries.connect import unix_socket_dir

        url = target.url
        backend = {"postgresql": "PostgreSQL"}.get(url.get_backend_name(), url.get_backend_name())
        socket = unix_socket_dir(url)
        where = url.host or (f"socket {socket}" if socket else "localhost")
        port = f":{url.port}" if url.port else ""
        user = f"{url.username}@" if url.username else ""
        # The database first: on a narrow bar the end is cut (with an ellipsis). Never the password.
        return f"{backend} /{url.database or ''} · {user}{where}{port}"
