"""Every mistake a user can make in a cell gives a structured error, never a traceback."""

from __future__ import annotations

import asyncio

import pytest

from engine_helpers import run_cell
from sqla_explore.queries.errors import ConnectError
from sqla_explore.queries.explorer import Explorer


async def test_syntax_error_has_line_and_column(sqlite_sample):
    report = await run_cell(str(sqlite_sample), "x = 1\nselect(User.id,, User.email)")
    assert report.kind == "error"
    assert report.error.category == "syntax"
    assert report.error.type == "SyntaxError"
    assert report.error.line == 2 and report.error.column is not None
    assert report.sql == []


async def test_unclosed_python_call_is_python_not_sql(sqlite_sample):
    report = await run_cell(str(sqlite_sample), "select(User")
    assert report.error.category == "syntax"


async def test_empty_cell(sqlite_sample):
    report = await run_cell(str(sqlite_sample), "   \n")
    assert report.error.category == "syntax" and "empty" in report.error.message


async def test_unknown_name_suggests_mapped_class(sqlite_sample):
    report = await run_cell(str(sqlite_sample), "select(Usr)")
    assert report.error.type == "NameError" and report.error.category == "name"
    assert "User" in report.error.hint


async def test_unknown_column_suggests_attribute(sqlite_sample):
    report = await run_cell(str(sqlite_sample), "select(User).where(User.emial == 'x')")
    assert report.error.type == "AttributeError"
    assert "'email'" in report.error.hint
    assert report.error.line == 1


async def test_database_error_carries_driver_message(sample_url):
    report = await run_cell(sample_url, "SELECT no_such_column FROM users")
    assert report.error.category == "database"
    assert "no_such_column" in report.error.message
    assert "[SQL:" not in report.error.message


async def test_async_session_has_no_query(sample_url):
    report = await run_cell(sample_url, "await db.query(User).filter(User.id == 1).first()")
    assert report.error.type == "AttributeError"
    assert report.error.message == "'AsyncSession' object has no attribute 'query'"
    assert "select" in report.error.hint


async def test_runtime_error_in_cell_is_located(sqlite_sample):
    report = await run_cell(str(sqlite_sample), "a = 1\nb = 1 / 0\nselect(User)")
    assert report.error.type == "ZeroDivisionError" and report.error.line == 2


async def test_timeout(pg_sample_url):
    report = await run_cell(pg_sample_url, "select(func.pg_sleep(5))", timeout=0.3)
    assert report.error.category == "timeout"


async def test_cancellation_propagates_and_leaves_the_explorer_usable(pg_sample_url):
    explorer = await Explorer.open(pg_sample_url)
    try:
        task = asyncio.create_task(explorer.run("select(func.pg_sleep(10))"))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        report = await explorer.run("select(User).where(User.id == 1)")
        assert report.ok and report.scalars[0].id == 1
    finally:
        await explorer.close()


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("/nonexistent/dir/x.db", "no such database file"),
        ("oracle+cx://scott@host/db", "unknown database scheme"),
        ("sqlite+aiosqlite:////nonexistent/y.db", "no such database file"),
        ("postgresql+asyncpg://postgres@127.0.0.1:1/postgres", "cannot connect"),
        ("", "no database given"),
    ],
)
async def test_connect_errors_are_clear(target, fragment):
    with pytest.raises(ConnectError, match=fragment):
        await Explorer.open(target)


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        # A unix-socket directory with no server in it: Python only says "No such file or directory".
        ("postgresql+asyncpg://postgres@/postgres?host=/nonexistent/socket-dir",
         "no PostgreSQL server is listening in /nonexistent/socket-dir"),
        ("postgresql+asyncpg://postgres@127.0.0.1:1/postgres", "nothing is listening on 127.0.0.1:1"),
    ],
)
async def test_an_unreachable_server_says_what_to_check(target, fragment):
    with pytest.raises(ConnectError, match=fragment):
        await Explorer.open(target)


async def test_not_a_sqlite_file(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    with pytest.raises(ConnectError, match="not a SQLite database"):
        await Explorer.open(str(bogus))


async def test_missing_file_is_never_created(tmp_path):
    target = tmp_path / "new.db"
    with pytest.raises(ConnectError):
        await Explorer.open(str(target))
    assert not target.exists()


async def test_sync_url_is_upgraded_with_a_note(sqlite_sample, pg_sample_url):
    explorer = await Explorer.open(f"sqlite:///{sqlite_sample}")
    try:
        assert explorer.engine.url.drivername == "sqlite+aiosqlite"
        assert any("async" in note for note in explorer.notes)
    finally:
        await explorer.close()
    sync_pg = pg_sample_url.replace("postgresql+asyncpg://", "postgresql://")
    explorer = await Explorer.open(sync_pg)
    try:
        assert explorer.dialect_name == "postgresql" and explorer.engine.url.drivername == "postgresql+asyncpg"
    finally:
        await explorer.close()


async def test_password_is_hidden():
    from sqla_explore.queries.connect import resolve_target

    target = resolve_target("postgresql://bob:s3cret@db.example/app")
    assert "s3cret" not in target.display and "***" in target.display
