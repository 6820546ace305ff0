"""Quitting while the database is still being opened: the open finishes and is closed, nothing is left behind."""

from __future__ import annotations

import asyncio

from sqla_explore.queries.explorer import Explorer

from tui_helpers import make_app


async def test_quit_while_connecting_closes_the_explorer_it_was_opening(sample_url, tmp_path, monkeypatch):
    opened: list[Explorer] = []
    closed: list[Explorer] = []
    real_open, real_close = Explorer.open.__func__, Explorer.close

    async def slow_open(cls, *args, **kwargs):
        await asyncio.sleep(0.3)  # still opening when the user quits
        explorer = await real_open(cls, *args, **kwargs)
        opened.append(explorer)
        return explorer

    async def recorded_close(self):
        closed.append(self)
        await real_close(self)

    monkeypatch.setattr(Explorer, "open", classmethod(slow_open))
    monkeypatch.setattr(Explorer, "close", recorded_close)
    app = make_app(sample_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.explorer is None  # not connected yet
        await pilot.press("ctrl+q")
    assert len(opened) == 1 and closed == opened  # the engine was disposed, not abandoned mid-open
    assert app.explorer is None and app._opened is None
    leftovers = [t for t in asyncio.all_tasks() if "graceful_close" in repr(t)]
    assert not leftovers, leftovers
