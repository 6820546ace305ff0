"""Rosetta in the Explore tab and opening a not-loaded Food attribute for real, on the SQLite sample."""

from __future__ import annotations

from tui_helpers import make_app, plain, run_cell, wait_ready, wait_until

from sqla_explore.tui.food_pane import FoodPane
from sqla_explore.tui.lazy_load_screen import LazyLoadScreen
from sqla_explore.tui.rosetta_panel import RosettaPanel
from sqla_explore.tui.rosetta_view import SAME


async def test_legacy_cell_shows_both_forms_and_loads_the_modern_one(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        panel = app.query_one(RosettaPanel)
        assert not panel.display  # hidden until a legacy run
        report = await run_cell(pilot, "db.query(User).filter(User.id == 1).first()")
        assert report.rosetta is not None
        assert panel.display
        assert "db.query(User).filter(User.id == 1).first()" in plain(app, "#rosetta-legacy")
        modern = plain(app, "#rosetta-modern")
        assert "select(User)" in modern and "User.id == 1" in modern
        assert SAME in plain(app, "#rosetta-verdict")
        await pilot.press("f4")
        await pilot.pause()
        assert app.query_one("#editor").text == report.rosetta["modern"]
        # A modern cell: no Rosetta, the panel goes away.
        await run_cell(pilot, "select(User).where(User.id == 1)")
        assert not panel.display


async def test_await_query_shows_the_real_error_and_offers_the_modern_form(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        report = await run_cell(pilot, "await db.query(User).first()")
        assert report.error is not None and report.error.type == "AttributeError"
        notes = plain(app, "#notes")
        assert "AttributeError" in notes and "query" in notes
        panel = app.query_one(RosettaPanel)
        assert panel.display
        assert "select(User)" in plain(app, "#rosetta-modern")
        await pilot.click("#rosetta-load")
        await pilot.pause()
        assert app.query_one("#editor").text == report.rosetta["modern"]


async def test_opening_a_lazy_relationship_shows_missing_greenlet_and_the_fixes(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        await run_cell(pilot, "select(User).where(User.id < 4)")
        food = app.query_one(FoodPane)
        lazy = food.query_one("#food-lazy")
        assert lazy.display and lazy.option_count >= 1
        lazy.focus()
        lazy.highlighted = 0  # relationships come first, by name: comments, events, posts
        assert food.open_attribute("posts")
        await wait_until(pilot, lambda: isinstance(app.screen, LazyLoadScreen))
        await pilot.pause()
        attempt = app.lazy_attempt
        assert attempt.error is not None and "MissingGreenlet" in (attempt.error.type, attempt.cause)
        outcome = str(app.screen.query_one("#lazy-outcome").content)
        assert "MissingGreenlet" in outcome and "greenlet_spawn" in outcome
        labels = [fix.label for fix in attempt.fixes]
        assert labels == ["selectinload", "joinedload + unique()", "awaitable_attrs"]
        await pilot.click("#lazy-fix-0")  # selectinload into the editor
        await pilot.pause()
        assert not isinstance(app.screen, LazyLoadScreen)
        cell = app.query_one("#editor").text
        assert "selectinload(User.posts)" in cell
        report = await run_cell(pilot, cell)
        assert report.ok and len(report.sql) == 2
        sql = plain(app, "#sql")
        assert "FROM users" in sql and "FROM posts" in sql
        assert "2 statements" in app.query_one("#sql").border_title
