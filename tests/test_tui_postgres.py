"""Pilot tests on the PostgreSQL sample: a run, and Esc cancelling a slow query on the server too."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from sqla_explore.tui.boxes_view import BoxesView

from tui_helpers import make_app, plain, run_cell, wait_ready, wait_until

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

SLEEPING = "select count(*) from pg_stat_activity where state = 'active' and query like '%pg_sleep(%' and pid <> pg_backend_pid()"


async def _sleepers(url: str) -> int:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(SLEEPING))).scalar_one()
    finally:
        await engine.dispose()


async def test_run_on_postgresql(pg_sample_url, tmp_path):
    app = make_app(pg_sample_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        assert app.explorer is not None, app.connect_error
        report = await run_cell(pilot, "select(User).where(User.id < 4)")
        assert report.ok and report.row_count == 3
        assert "FROM users" in plain(app, "#sql")
        # A short label on the bar's one line (a long socket URL used to wrap out of sight), never a password.
        from sqlalchemy.engine import make_url

        database = make_url(pg_sample_url).database
        shown = app.query_one("#status-connection").render_line(0).text
        assert shown.startswith("● PostgreSQL /sample"), shown  # 120 columns: cut with an ellipsis, not wrapped
        assert f"PostgreSQL /{database} · postgres@" in plain(app, "#status-connection")
        assert app.query_one(BoxesView).source.total == 3


async def test_escape_cancels_a_slow_query_on_the_server(pg_sample_url, tmp_path):
    app = make_app(pg_sample_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        editor = app.query_one("#editor")
        editor.text = "select pg_sleep(60)"
        await pilot.press("f5")
        # Wait until the server really runs it.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while await _sleepers(pg_sample_url) == 0:
            assert loop.time() < deadline, "pg_sleep never started"
            await pilot.pause(0.1)
        assert app._query_running
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app._query_running)
        assert "cancelled" in plain(app, "#notes")
        # The server statement stops too (asyncpg cancels it when the task is cancelled).
        deadline = loop.time() + 20
        while await _sleepers(pg_sample_url) != 0:
            assert loop.time() < deadline, "the server kept sleeping after Esc"
            await pilot.pause(0.1)
        # The app is still usable.
        report = await run_cell(pilot, "select(User.name).where(User.id == 1)")
        assert report.rows == [("Ada Lovelace",)]


async def test_new_run_supersedes_a_running_one(pg_sample_url, tmp_path):
    app = make_app(pg_sample_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        editor = app.query_one("#editor")
        editor.text = "select pg_sleep(60)"
        await pilot.press("f5")
        await pilot.pause(0.3)
        report = await run_cell(pilot, "select(User.id).where(User.id == 2)")
        assert report.rows == [(2,)]
        assert app.last_report.input == "select(User.id).where(User.id == 2)"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while await _sleepers(pg_sample_url) != 0:
            assert loop.time() < deadline
            await pilot.pause(0.1)


async def test_boxes_page_through_a_big_result_on_postgresql(pg_sample_url, tmp_path):
    app = make_app(pg_sample_url, tmp_path, row_limit=40)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        report = await run_cell(pilot, "select(User).order_by(User.id)")
        assert report.truncated
        boxes = app.query_one(BoxesView)
        await wait_until(pilot, lambda: boxes.source.total == 1000)
        boxes.focus()
        await pilot.press("end")
        await wait_until(pilot, lambda: boxes.source.row(999) is not None)
        assert boxes.source.row(999)[0].startswith("User(id=1000,")
