"""SVG snapshots of the main screen after a run on the sample (timings and the lag meter frozen)."""

from __future__ import annotations

import pytest

from tui_helpers import make_app, run_cell, wait_ready

CELL = "select(User).where(User.id < 4)"


def _app(sqlite_sample, tmp_path):
    return make_app(sqlite_sample, tmp_path, first_cell=CELL)


async def _run(pilot):
    await wait_ready(pilot)
    await run_cell(pilot, CELL)
    pilot.app.query_one("#editor").move_cursor((0, len(CELL)))
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (200, 50)], ids=["120x40", "200x50"])
def test_main_screen_after_a_run(snap_compare, sqlite_sample, tmp_path, size):
    assert snap_compare(_app(sqlite_sample, tmp_path), terminal_size=size, run_before=_run)


def test_main_screen_with_an_error(snap_compare, sqlite_sample, tmp_path):
    async def failing(pilot):
        await wait_ready(pilot)
        await run_cell(pilot, "(await db.execute(select(User))).scalar_one()")
        await pilot.pause()

    assert snap_compare(_app(sqlite_sample, tmp_path), terminal_size=(120, 40), run_before=failing)
