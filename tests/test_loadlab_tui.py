"""The loop lab widget in a minimal app: keys start modes, bars fill in, mode 2 comes back, errors show."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

pytest.importorskip("psycopg")

from sqla_explore.tui.loop_lab import LoopLab  # noqa: E402
from tui_helpers import wait_until  # noqa: E402


class LabApp(App):
    def __init__(self, source, **kwargs) -> None:
        super().__init__()
        self.source = source
        self.kwargs = kwargs

    def compose(self) -> ComposeResult:
        yield LoopLab(self.source, **self.kwargs)


async def _wait_idle(pilot, lab: LoopLab) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_lab_runs_modes_from_keys(sqlite_sample):
    app = LabApp(str(sqlite_sample), clients=5, delay_ms=1)
    async with app.run_test(size=(150, 60)) as pilot:
        lab = app.query_one(LoopLab)
        lab.query_one("#lab-run-1").focus()
        await pilot.press("4")
        await _wait_idle(pilot, lab)
        stats = lab.results[4]
        assert stats.finished and stats.done == 25 and stats.errors == 0
        bars = str(lab.query_one("#lab-bars-4", Static).render())
        assert "req/s" in bars and "lag max" in bars
        await pilot.press("2")
        await _wait_idle(pilot, lab)
        assert lab.results[2].finished and lab.running_mode is None
        status = str(lab.query_one("#lab-status", Static).render())
        assert "done on SQLite" in status
        # The meter kept ticking: the probe has samples and the spinner moved.
        assert len(lab.probe.history) > 3


async def test_lab_knobs(sqlite_sample):
    app = LabApp(str(sqlite_sample))
    async with app.run_test(size=(150, 60)) as pilot:
        lab = app.query_one(LoopLab)
        lab.query_one("#lab-run-1").focus()
        assert lab.clients == 100 and lab.delay_ms == 5
        await pilot.press("minus", "right_square_bracket")
        assert lab.clients == 50 and lab.delay_ms == 10
        await pilot.press("plus", "plus", "left_square_bracket", "left_square_bracket", "left_square_bracket")
        assert lab.clients == 200 and lab.delay_ms == 1
        assert "N = 200" in str(lab.query_one("#lab-settings", Static).render())
        await pilot.click("#lab-clients--1")
        await pilot.click("#lab-delay-1")
        assert lab.clients == 100 and lab.delay_ms == 2


async def test_lab_run_all_with_button_on_postgresql(pg_sample_url):
    app = LabApp(pg_sample_url, clients=4, delay_ms=1)
    async with app.run_test(size=(150, 60)) as pilot:
        lab = app.query_one(LoopLab)
        await pilot.click("#lab-run-all")
        await _wait_idle(pilot, lab)
        assert sorted(lab.results) == [1, 2, 3, 4]
        assert all(s.finished and s.errors == 0 and s.done == 20 for s in lab.results.values())
        assert "article's ordering" in str(lab.query_one("#lab-status", Static).render())


async def test_lab_takes_an_explorer(sqlite_sample):
    from sqla_explore.queries.explorer import Explorer

    explorer = await Explorer.open(str(sqlite_sample), read_only=True)
    try:
        app = LabApp(explorer, clients=2, delay_ms=0)
        async with app.run_test(size=(150, 60)) as pilot:
            lab = app.query_one(LoopLab)
            lab.query_one("#lab-run-1").focus()
            await pilot.press("3")
            await _wait_idle(pilot, lab)
            assert lab.results[3].done == 10
    finally:
        await explorer.close()


async def test_lab_shows_a_bad_target(tmp_path):
    app = LabApp("sqlite+aiosqlite:///:memory:", clients=2)
    async with app.run_test(size=(150, 60)) as pilot:
        lab = app.query_one(LoopLab)
        lab.query_one("#lab-run-1").focus()
        await pilot.press("4")
        await _wait_idle(pilot, lab)
        assert "in-memory" in str(lab.query_one("#lab-status", Static).render())
        assert not lab.results


async def test_the_meter_stops_while_the_lab_is_hidden(sqlite_sample):
    """A hidden lab (another tab shown) neither probes the loop nor redraws; shown again, it resumes."""
    app = LabApp(str(sqlite_sample))
    async with app.run_test(size=(150, 60)) as pilot:
        lab = app.query_one(LoopLab)
        await wait_until(pilot, lambda: lab.meter_running and len(lab.probe.history) > 2)
        lab.display = False
        await wait_until(pilot, lambda: not lab.meter_running)
        samples = lab.probe.mark()
        await pilot.pause(0.2)
        assert lab.probe.mark() == samples
        lab.display = True
        await wait_until(pilot, lambda: lab.meter_running and lab.probe.mark() > samples)


async def test_the_lag_chart_is_flat_when_idle_and_spikes_on_a_stall():
    from sqla_explore.tui.lag_chart import LagChart

    class ChartApp(App):
        def compose(self) -> ComposeResult:
            yield LagChart()

    app = ChartApp()
    async with app.run_test(size=(20, 5)) as pilot:
        chart = app.query_one(LagChart)
        chart.show([0.5, 1.0, 3.0] * 10)  # the noise of an idle loop: under one step (~4 ms)
        await pilot.pause()
        top, middle, bottom = str(chart.render()).split("\n")
        assert set(top) == set(middle) == {" "} and set(bottom) == {"▁"} and len(bottom) == 20
        chart.show([0.5] * 19 + [250.0])  # a quarter-second stall: a full red column at the right
        await pilot.pause()
        rendered = chart.render()
        assert [line[-1] for line in str(rendered).split("\n")] == ["█", "█", "█"]
        assert any(span.style == "red" for span in rendered.spans)


async def test_a_threaded_mode_that_lagged_the_loop_says_why(sqlite_sample):
    from sqla_explore.queries.loadlab.modes import MODES
    from sqla_explore.queries.loadlab.stats import ModeStats

    app = LabApp(str(sqlite_sample))
    async with app.run_test(size=(150, 60)):
        lab = app.query_one(LoopLab)
        by_number = {mode.number: mode for mode in MODES}
        lab.results[1] = ModeStats("sync", rps=500, lag_p99_ms=120, lag_max_ms=200, finished=True)
        lab.results[4] = ModeStats("async", rps=600, lag_p99_ms=120, lag_max_ms=200, finished=True)
        assert "GIL" in lab._bars(by_number[1]).plain
        assert "GIL" not in lab._bars(by_number[4]).plain  # no threads there
        lab.results[1] = ModeStats("sync", rps=500, lag_p99_ms=3, lag_max_ms=5, finished=True)
        assert "GIL" not in lab._bars(by_number[1]).plain
