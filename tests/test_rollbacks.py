"""Connections go back to the pool clean: one rollback per run, and a real one whenever a transaction is open."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sqla_explore.queries.connect import create_engine_for, resolve_target
from sqla_explore.queries.rollbacks import driver_in_transaction


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request, tmp_path, pg_database_factory) -> str:
    if request.param == "sqlite":
        import sqlite3

        path = tmp_path / "t.db"
        sqlite3.connect(path).close()
        return str(path)
    return pg_database_factory("reset")


async def test_a_transaction_the_pool_did_not_know_about_is_rolled_back(empty_db):
    engine = create_engine_for(resolve_target(empty_db))
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x integer)"))
        async with engine.connect() as conn:
            await conn.commit()  # SQLAlchemy now thinks no transaction is open
            raw = await conn.get_raw_connection()
            assert driver_in_transaction(raw.dbapi_connection) is False

            def write_behind_sqlalchemys_back(_):
                cursor = raw.dbapi_connection.cursor()
                cursor.execute("INSERT INTO t (x) VALUES (1)")
                cursor.close()

            await conn.run_sync(write_behind_sqlalchemys_back)
            assert driver_in_transaction(raw.dbapi_connection) is True
        # Checked in with the driver inside a transaction: the reset listener must roll it back.
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert driver_in_transaction(raw.dbapi_connection) is False
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 0
    finally:
        await engine.dispose()


async def test_a_run_leaves_no_transaction_open_and_dml_stays_rolled_back(empty_db):
    from sqla_explore.queries.explorer import Explorer

    async with await Explorer.open(empty_db) as explorer:
        async with explorer.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x integer)"))
        report = await explorer.run("text('INSERT INTO t (x) VALUES (1)')")
        assert report.ok and report.rolled_back
        report = await explorer.run("text('SELECT count(*) FROM t')")
        assert report.rows == [(0,)]
        async with explorer.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert driver_in_transaction(raw.dbapi_connection) is False


async def test_a_read_only_run_on_sqlite_makes_no_rollback_trip(sqlite_sample, monkeypatch):
    """Each aiosqlite call is a trip to its thread; a SELECT run needs no rollback there at all."""
    import aiosqlite.core

    from sqla_explore.queries.explorer import Explorer

    calls: list[str] = []
    original = aiosqlite.core.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    async with await Explorer.open(str(sqlite_sample), read_only=True) as explorer:
        await explorer.run("select(Post).where(Post.id == 42)")  # warm: connection and caches
        monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
        report = await explorer.run("select(Post).where(Post.id == 42)")
        during_run = list(calls)
    assert report.ok and report.row_count == 1
    assert "rollback" not in during_run
    assert len(during_run) <= 5, during_run  # cursor, execute, two fetches, close
