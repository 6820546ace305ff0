"""The light widgets behind the speed work, on the real SQLite sample: the key bar, the tab deck (panes built on
first show, even before the database is open), the Food list by keyboard, the staged fill after a run, the lag
meter that repaints only on change, and the heap freeze undone on exit."""

from __future__ import annotations

import gc

from sqla_explore.tui.food_pane import FoodPane
from sqla_explore.tui.help_screen import HelpScreen
from sqla_explore.tui.key_bar import KeyBar
from sqla_explore.tui.lag_meter import LagMeter
from sqla_explore.tui.tab_deck import TabBar, TabDeck

from tui_helpers import make_app, plain, run_cell, wait_ready, wait_until


def _bar_text(app) -> str:
    return str(app.query_one(KeyBar).render())


async def test_key_bar_shows_the_main_keys_in_the_first_frame_and_clicks_run_them(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = _bar_text(app)  # before the database is open: the keys are there from the start
        for words in ("f5 Run", "^o Commit", "f1 Help", "^q Quit", "^p palette"):
            assert words in text
        await wait_ready(pilot)
        await pilot.click(KeyBar, offset=(text.index("f1 Help") + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_a_tab_chosen_while_connecting_is_built_once_the_database_opens(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        deck = app.query_one("#tabs", TabDeck)
        assert [title for _, title in app.query_one(TabBar).tabs][:1] == ["Explore"]
        assert not app.query("#tab-pitfalls")  # no pane before its tab is shown
        deck.active = "tab-pitfalls"
        await pilot.pause()
        assert app.query("#tab-pitfalls")
        await wait_ready(pilot)
        from sqla_explore.tui.pitfalls_pane import PitfallsPane

        await wait_until(pilot, lambda: bool(app.query(PitfallsPane)))
        app.action_next_tab()  # F2 wraps around to Explore
        await pilot.pause()
        assert deck.active == "tab-explore" and app.query_one("#tab-explore").display


async def test_food_list_moves_by_keyboard_and_shows_each_objects_attributes(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        await run_cell(pilot, "select(User).where(User.id < 4)")
        food = app.query_one(FoodPane)
        listing = food.query_one("#food-list")
        assert listing.option_count == 3 and listing.highlighted == 0
        assert "'ada@example.com'" in plain(app, "#food-detail")
        listing.focus()
        await pilot.press("down")
        await pilot.pause()
        assert listing.highlighted == 1
        assert "'grace@example.com'" in plain(app, "#food-detail")
        await pilot.press("end")
        await pilot.pause()
        assert listing.highlighted == 2
        # A cell without mapped objects: the lazy list stays in place and says there is nothing to open.
        await run_cell(pilot, "select(User.id).where(User.id < 3)")
        lazy = food.query_one("#food-lazy")
        assert lazy.option_count == 0 and "nothing not-loaded" in lazy.empty
        assert "not a mapped object" in plain(app, "#food-detail")


async def test_a_newer_run_drops_the_rest_of_an_older_runs_display(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        editor = app.query_one("#editor")
        editor.text = "select(User.name).where(User.id == 1)"
        await pilot.press("f5")
        editor.text = "select(User.name).where(User.id == 2)"
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.last_report is not None and not app._query_running)
        await pilot.pause(0.2)
        assert app.last_report.rows == [("Grace Hopper",)]
        assert "Grace Hopper" in plain(app, "#plate")


async def test_lag_meter_repaints_only_when_its_picture_changes(sqlite_sample, tmp_path):
    import time

    app = make_app(sqlite_sample, tmp_path, snapshot=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)  # quitting while the database opens leaves a connection task behind (engine side)
        meter = app.query_one(LagMeter)
        await wait_until(pilot, lambda: meter.ticks >= 3)
        repaints = []
        meter.refresh = lambda *a, **k: repaints.append(1)  # count instead of drawing
        meter.samples.extend([0.0] * len(meter.samples))
        meter._shown = meter._picture()
        meter._expected = time.perf_counter() + 1  # on time: the picture stays the same
        meter._tick()
        assert repaints == []
        meter._expected = time.perf_counter() - 0.2  # 200 ms late: a red bar, repainted
        meter._tick()
        assert repaints == [1]
        levels, worst = meter._picture()
        assert levels[-1] == (8, "red") and int(worst) >= 200
        assert "loop lag" in str(meter.render())


async def test_heap_freeze_after_connecting_is_undone_on_exit(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await app.workers.wait_for_complete()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
