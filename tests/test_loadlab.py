"""The loop lab's engine: each mode on SQLite and PostgreSQL, the loop-lag probe, mode 2's bound."""

from __future__ import annotations

import asyncio

import pytest

from sqla_explore.queries.loadlab.lab import run_mode
from sqla_explore.queries.loadlab.labdb import LabDatabase, LabError, lab_urls
from sqla_explore.queries.loadlab.lagprobe import LagProbe
from sqla_explore.queries.loadlab.modes import MODES, mode_for
from sqla_explore.queries.loadlab.stats import percentile, summarize

pytest.importorskip("psycopg")


@pytest.mark.parametrize("delay_ms", [0, 2])
@pytest.mark.parametrize("mode", [m.number for m in MODES])
async def test_each_mode_runs_to_completion(sample_url, mode, delay_ms):
    db = await LabDatabase.open(sample_url, pool_size=4, delay_ms=delay_ms)
    seen = []
    try:
        assert db.table_name == "users" and db.high > db.low
        stats = await run_mode(db, mode, requests=24, concurrency=6, on_progress=seen.append)
    finally:
        await db.close()
    assert stats.finished and stats.done == 24 and stats.errors == 0 and stats.skipped == 0
    assert stats.rps > 0 and stats.wall_s > 0
    assert 0 < stats.p50_ms <= stats.p99_ms
    assert 0 <= stats.lag_p99_ms <= stats.lag_max_ms
    assert seen and seen[-1] is stats


async def test_sync_and_async_lookups_agree(sample_url):
    db = await LabDatabase.open(sample_url, pool_size=2)
    try:
        sync_row = await asyncio.to_thread(db.request_sync, 3)
        async_row = await db.request_async(3)
    finally:
        await db.close()
    assert sync_row == async_row and sync_row["id"] == db.uid(3)


async def test_blocking_mode_raises_loop_lag_and_async_does_not(sqlite_sample):
    db = await LabDatabase.open(str(sqlite_sample), pool_size=10, delay_ms=30)
    try:
        blocking = await run_mode(db, 2, requests=60, concurrency=20)
        async_ = await run_mode(db, 4, requests=60, concurrency=20)
    finally:
        await db.close()
    assert blocking.errors == async_.errors == 0
    # Mode 2 runs 20 x 30 ms of sleeping queries back to back on the loop; mode 4 awaits them.
    assert blocking.lag_max_ms > 2 * async_.lag_max_ms
    assert blocking.p50_ms > async_.p50_ms


async def test_blocking_mode_is_bounded(sqlite_sample):
    db = await LabDatabase.open(str(sqlite_sample), pool_size=2, delay_ms=20)
    try:
        stats = await run_mode(db, 2, requests=200, concurrency=4, block_budget_s=0.2)
    finally:
        await db.close()
    assert stats.skipped > 0 and stats.done + stats.skipped == 200
    assert "stopped after" in stats.note


async def test_lag_probe_sees_a_blocked_loop():
    import time

    probe = LagProbe(interval=0.01)
    probe.start()
    await asyncio.sleep(0.05)
    mark = probe.mark()
    time.sleep(0.15)  # block the loop on purpose
    await asyncio.sleep(0.05)
    await probe.stop()
    assert max(probe.since(mark)) > 50
    assert probe.max >= max(probe.since(mark))
    assert len(probe.history) >= 3


def test_stats_helpers():
    assert percentile([], 99) == 0.0
    assert percentile([1, 2, 3, 4], 50) == 2
    assert percentile(list(range(1, 101)), 99) == 99
    s = summarize("x", [0.001, 0.003], 0.5, errors=1)
    assert s.done == 2 and s.rps == 4.0 and s.p50_ms == 1.0 and s.errors == 1


def test_mode_lookup_and_bad_input(tmp_path):
    assert mode_for(2).slug == "async-sync" and mode_for("async").number == 4 and mode_for("3").number == 3
    with pytest.raises(ValueError, match="choose one of"):
        mode_for("fast")
    with pytest.raises(LabError, match="in-memory"):
        lab_urls("sqlite+aiosqlite:///:memory:")
    with pytest.raises(LabError, match="SQLite and PostgreSQL"):
        lab_urls("mysql+aiomysql://u@h/db")
    from sqla_explore.queries.errors import ConnectError

    with pytest.raises(ConnectError, match="no such database file"):
        lab_urls(str(tmp_path / "missing.db"))


async def test_database_without_users_table(tmp_path):
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE items (item_id INTEGER PRIMARY KEY, label TEXT)")
        conn.executemany("INSERT INTO items (label) VALUES (?)", [("a",), ("b",)])
    db = await LabDatabase.open(str(path), pool_size=2)
    try:
        assert db.table_name == "items" and "no users table" in db.notes[0]
        stats = await run_mode(db, 4, requests=6, concurrency=2)
        assert (await db.request_async(1))["label"] == "b"
    finally:
        await db.close()
    assert stats.done == 6


@pytest.mark.parametrize("mode", [1, 3, 4])
async def test_cancelled_run_returns_promptly(sqlite_sample, mode):
    import time

    db = await LabDatabase.open(str(sqlite_sample), pool_size=4, delay_ms=20)
    try:
        task = asyncio.ensure_future(run_mode(db, mode, requests=100_000, concurrency=8))
        await asyncio.sleep(0.3)
        started = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # Not 100k x 20 ms: at most the requests already in flight finish.
        assert time.perf_counter() - started < 30
    finally:
        await db.close()
