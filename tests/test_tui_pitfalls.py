"""The Pitfalls tab on the SQLite sample: MissingGreenlet reproduced for real, and the loop-blocking demo."""

from __future__ import annotations

from textual.widgets import OptionList

from tui_helpers import make_app, plain, wait_ready, wait_until

from sqla_explore.tui.lag_meter import LagMeter
from sqla_explore.tui.pitfalls_pane import PitfallsPane
from sqla_explore.tui.tab_deck import TabDeck


async def _choose(pilot, key: str) -> PitfallsPane:
    app = pilot.app
    app.query_one("#tabs", TabDeck).active = "tab-pitfalls"
    await wait_until(pilot, lambda: bool(app.query(PitfallsPane)))
    pane = app.query_one(PitfallsPane)
    options = pane.query_one("#pitfalls-list", OptionList)
    options.focus()
    options.highlighted = [p.key for p in pane.pitfalls].index(key)
    await pilot.press("enter")
    await pilot.pause()
    await wait_until(pilot, lambda: pane.reproduction is not None and pane.reproduction.pitfall.key == key
                     and bool(pane.query(".pitfall-step")), seconds=60)
    await pilot.pause()
    return pane


async def test_lazy_load_pitfall_shows_missing_greenlet_and_loads_a_fix(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        pane = await _choose(pilot, "lazy-load")
        mistake = str(pane.query_one("#pitfall-outcome-0").content)
        assert "MissingGreenlet" in mistake and "greenlet_spawn" in mistake
        assert "selectinload" in plain(pane, "#pitfalls-status") or len(pane.attempts) == 4
        fix = str(pane.query_one("#pitfall-outcome-1").content)
        assert fix.startswith("gave") and "2 SQL statements" in fix
        assert "joinedload" in pane.attempts[2].step.source
        await pilot.click("#pitfall-load-1")
        await pilot.pause()
        assert app.query_one("#tabs", TabDeck).active == "tab-explore"
        assert "selectinload(User.posts)" in app.query_one("#editor").text


async def test_blocking_pitfall_freezes_the_loop_and_the_meter_sees_it(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path, snapshot=False)  # a live lag meter
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        meter = app.query_one(LagMeter)
        app.query_one("#tabs", TabDeck).active = "tab-pitfalls"
        await wait_until(pilot, lambda: bool(app.query(PitfallsPane)))
        app.query_one(PitfallsPane).blocking_seconds = 0.3
        meter.worst_ms = 0.0  # forget the startup's lag
        pane = await _choose(pilot, "blocking-loop")
        mistake, thread, driver = pane.attempts
        assert "sync on the loop" in str(pane.query_one("#pitfall-outcome-0").content)
        assert "the loop froze" in str(pane.query_one("#pitfall-outcome-0").content)
        assert "sync in asyncio.to_thread" in str(pane.query_one("#pitfall-outcome-1").content)
        assert "async driver" in str(pane.query_one("#pitfall-outcome-2").content)
        assert mistake.value.max_lag_ms >= 0.8 * mistake.value.wall_ms  # blocked for the whole query
        # The app's own meter (a 50 ms timer on the same loop) fired late by about the freeze.
        await wait_until(pilot, lambda: meter.worst_ms >= mistake.value.wall_ms / 2)


async def test_load_key_and_an_unreproducible_state_are_handled(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        pane = await _choose(pilot, "one-no-row")
        assert "NoResultFound" in str(pane.query_one("#pitfall-outcome-0").content)
        pane.query_one("#pitfall-load-0").focus()
        await pilot.press("l")
        await pilot.pause()
        assert app.query_one("#editor").text == pane.attempts[0].step.source


async def test_a_sync_step_loads_runnable_and_fails_as_shown(sqlite_sample, tmp_path):
    """The sync-Session mistake, loaded into the editor and run there, raises the TypeError the tab showed."""
    from tui_helpers import run_cell

    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        pane = await _choose(pilot, "await-query-sync")
        pane.query_one("#pitfall-load-0").focus()
        await pilot.press("l")
        await wait_until(pilot, lambda: app.query_one("#editor").text.startswith("with sync_session(db) as s:"))
        report = await run_cell(pilot, app.query_one("#editor").text)
        assert report.error.type == "TypeError" and "Query" in report.error.message
        assert report.rosetta is None
