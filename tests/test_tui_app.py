"""Pilot tests of the explorer TUI on the real SQLite sample: run, panes, errors, schema tree, help, history."""

from __future__ import annotations

import json
import shutil
import sqlite3

from sqla_explore.tui.app import ExplorerApp, run_app
from sqla_explore.tui.boxes_view import BoxesView
from sqla_explore.tui.confirm import ConfirmScreen
from sqla_explore.tui.food_pane import FoodPane
from sqla_explore.tui.help_screen import HelpScreen
from sqla_explore.tui.schema_tree import SchemaTree

from tui_helpers import make_app, plain, run_cell, wait_ready, wait_until


async def test_select_fills_every_pane(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        assert app.focused is app.query_one("#editor")  # typing can start at once
        assert app.query_one("#editor").language == "python"  # highlighting arrives after the first paint
        report = await run_cell(pilot, "select(User).where(User.id < 4)")
        assert report.ok and report.row_count == 3
        sql = plain(app, "#sql")
        assert "FROM users" in sql and "params (4,)" in sql
        assert "1 statement" in app.query_one("#sql").border_title
        tray = plain(app, "#tray")
        assert "ChunkedIteratorResult" in tray and "rows" in tray and "3" in tray
        boxes = app.query_one(BoxesView)
        assert boxes.source.total == 3 and boxes.source.keys == ["User"]
        assert boxes.source.row(0)[0].startswith("User(id=1")
        food = app.query_one(FoodPane)
        assert food.query_one("#food-list").option_count == 3
        detail = plain(app, "#food-detail")
        assert "email" in detail and "loaded" in detail
        assert "posts" in detail and "not loaded" in detail  # a relationship never touched: no lazy load
        assert len(report.sql) == 1  # showing the attributes did not emit SQL
        plate = plain(app, "#plate")
        assert "MultipleResultsFound" in plate  # one() on three rows
        assert "scalars().first()" in plate
        status = plain(app, "#status-run")
        assert "3 rows" in status


async def test_chained_consumer_is_marked_and_its_exception_shown(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_ready(pilot)
        report = await run_cell(pilot, "(await db.execute(select(User).where(User.id < 3))).scalar_one()")
        assert report.chain is not None and report.chain.consumer == "scalar_one()"
        plate = plain(app, "#plate")
        assert "▶ scalar_one()" in plate
        assert "MultipleResultsFound: Multiple rows were found when exactly one was required" in plate
        notes = plain(app, "#notes")
        assert "MultipleResultsFound" in notes


async def test_syntax_error_shows_line_and_column_and_app_keeps_running(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        report = await run_cell(pilot, "x = 1\nselect(User.id,, User.name)")
        assert report.error is not None and report.error.type == "SyntaxError"
        notes = plain(app, "#notes")
        assert "SyntaxError" in notes and "line 2, column" in notes
        assert app.query_one("#editor").cursor_location[0] == 1  # the cursor went to the error
        report = await run_cell(pilot, "select(User.name).where(User.id == 1)", key="ctrl+j")
        assert report.ok and report.rows == [("Ada Lovelace",)]


async def test_unknown_name_gets_a_hint_not_a_traceback(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_cell(pilot, "select(Usr)")
        notes = plain(app, "#notes")
        assert "NameError" in notes and "User" in notes and "Traceback" not in notes


async def test_schema_tree_inserts_names(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path, first_cell="")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        tree = app.query_one(SchemaTree)
        users = next(n for n in tree.root.children if str(n.label).startswith("users"))
        assert "User" in str(users.label)
        tree.focus()
        tree.move_cursor(users)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#editor").text == "User"
        labels = [str(c.label) for c in users.children]
        assert any(label.startswith("id") and "PK" in label for label in labels)
        assert any("posts" in label and "list[Post]" in label for label in labels)
        email = next(c for c in users.children if str(c.label).startswith("email"))
        tree.focus()
        users.expand()
        await pilot.pause()
        tree.move_cursor(email)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#editor").text == "UserUser.email"
        posts = next(n for n in tree.root.children if str(n.label).startswith("posts"))
        assert any("FK→users.id" in str(c.label) for c in posts.children)


async def test_f1_opens_help_and_escape_closes_it(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text")._markdown
        for word in ("Tray", "Boxes", "Food", "Plate"):
            assert word in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_dml_rolled_back_then_committed_after_confirmation(sqlite_sample, tmp_path):
    db = tmp_path / "writable.db"
    shutil.copy(sqlite_sample, db)
    app = make_app(db, tmp_path)
    cell = "update(User).where(User.id == 1).values(name='Ada K.')"
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        report = await run_cell(pilot, cell)
        assert report.kind == "dml" and report.rowcount == 1 and report.rolled_back
        notes = plain(app, "#notes")
        assert "1 row(s) affected" in notes and "rolled back" in notes
        assert "rolled back" in plain(app, "#status-tx")
        with sqlite3.connect(db) as conn:
            assert conn.execute("select name from users where id = 1").fetchone() == ("Ada Lovelace",)
        # Commit asks first; "n" keeps everything as it was.
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.last_report is report
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: app.last_report is not report and not app._query_running)
        await pilot.pause()
        assert app.last_report.committed
        assert "committed" in plain(app, "#status-tx")
    with sqlite3.connect(db) as conn:
        assert conn.execute("select name from users where id = 1").fetchone() == ("Ada K.",)


async def test_read_only_refuses_dml_with_a_clear_message(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        report = await run_cell(pilot, "delete(User)")
        assert report.error is not None and report.error.category == "read-only"
        assert "read-only" in plain(app, "#notes")
        assert "read-only" in plain(app, "#status-connection")


async def test_history_walks_with_up_and_is_saved(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_cell(pilot, "select(User.id).limit(1)")
        await run_cell(pilot, "select(Post.id).limit(1)")
        editor = app.query_one("#editor")
        editor.text = ""
        editor.move_cursor((0, 0))
        await pilot.press("up")
        assert editor.text == "select(Post.id).limit(1)"
        await pilot.press("up")
        assert editor.text == "select(User.id).limit(1)"
        await pilot.press("down")
        assert editor.text == "select(Post.id).limit(1)"
    saved = json.loads((tmp_path / "history.json").read_text())
    assert saved[-2:] == ["select(User.id).limit(1)", "select(Post.id).limit(1)"]
    # A new app starts with that history.
    again = make_app(sqlite_sample, tmp_path, first_cell="")
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.press("up")
        assert again.query_one("#editor").text == "select(Post.id).limit(1)"


async def test_big_result_pages_and_jumps_to_the_last_row(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path, row_limit=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        report = await run_cell(pilot, "select(User)")
        assert report.truncated and len(report.rows) == 50
        boxes = app.query_one(BoxesView)
        window = boxes.source
        assert type(window).__name__ == "RowWindow"
        await wait_until(pilot, lambda: window.total == 1000)
        assert "1,000 rows" in boxes.border_title
        boxes.focus()
        await pilot.press("end")
        await wait_until(pilot, lambda: window.row(999) is not None)
        await pilot.pause()
        assert window.row(999)[0].startswith("User(id=1000,")
        assert boxes.scroll_offset.y > 900
        assert window.rows_held <= window.page_size * window.max_pages
        await pilot.press("home")
        await pilot.pause()
        assert boxes.scroll_offset.y == 0


async def test_missing_database_file(tmp_path, capsys):
    missing = tmp_path / "nope.db"
    assert run_app(str(missing)) == 2
    err = capsys.readouterr().err
    assert f"no such database file: {missing}" in err and "sqla-explore sample" in err
    assert not missing.exists()  # never an empty database by accident


async def test_bad_url_is_shown_in_the_app(tmp_path):
    app = ExplorerApp("nosuchdb://user:secret@host/db", snapshot=True, history_path=tmp_path / "h.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        assert app.connect_error and "unknown database scheme" in app.connect_error
        notes = plain(app, "#notes")
        assert "unknown database scheme" in notes and "secret" not in notes
        assert "secret" not in plain(app, "#status-connection")
        await pilot.press("f5")  # running without a database: a message, no crash
        await pilot.pause()


async def test_palette_commands_and_clean_quit(sqlite_sample, tmp_path, monkeypatch):
    from sqla_explore.tui.commands import COMMANDS, ExplorerCommands

    monkeypatch.chdir(tmp_path)
    app = make_app(sqlite_sample, tmp_path)
    assert ExplorerCommands in app.COMMANDS
    assert {a for _, a, _ in COMMANDS} >= {"run", "cancel", "commit", "rollback", "copy_sql", "screenshot", "change_theme"}
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await run_cell(pilot, "select(User.id).where(User.id == 1)")
        await app.run_action("copy_sql")
        assert "FROM users" in app.clipboard
        await app.run_action("screenshot")
        await pilot.pause()
        assert list(tmp_path.glob("*.svg"))
        await app.run_action("rollback")  # says there is nothing pending; no crash
        explorer = app.explorer
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.explorer is None and explorer.engine.pool.checkedout() == 0
    assert app.return_code == 0


async def test_run_pressed_before_the_database_is_open_runs_once_open(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path, first_cell="")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"select(User.name).where(User.id == 2)", "f5")
        await wait_until(pilot, lambda: app.last_report is not None)
        assert app.last_report.input == "select(User.name).where(User.id == 2)"
        assert app.last_report.rows == [("Grace Hopper",)], app.last_report


async def test_extra_tabs_mount_when_first_shown(sqlite_sample, tmp_path, monkeypatch):
    from textual.widgets import Static

    from sqla_explore.tui.tab_deck import TabBar, TabDeck

    import sqla_explore.tui.app as app_module
    from sqla_explore.tui.tabs import ExtraTab

    def broken(explorer):
        raise RuntimeError("no model here")

    monkeypatch.setattr(
        app_module,
        "EXTRA_TABS",
        [ExtraTab("Probe", "probe", lambda explorer: Static(f"probe on {explorer.dialect_name}", id="probe")),
         ExtraTab("Broken", "broken", broken)],
    )
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.pause()
        assert not app.query("#probe")  # built the first time the tab is shown, not at startup
        bar = app.query_one(TabBar)
        assert [title for _, title in bar.tabs] == ["Explore", "Probe", "Broken"]
        await pilot.click(TabBar, offset=(bar.label_offset("tab-probe") + 1, 0))
        await pilot.pause()
        assert app.query_one(TabDeck).active == "tab-probe"
        assert plain(app, "#probe").strip() == "probe on sqlite"
        await pilot.press("f2")
        await pilot.pause()
        assert app.query_one(TabDeck).active == "tab-broken"
        broken_pane = app.query_one("#tab-broken")
        assert "could not start: RuntimeError: no model here" in str(broken_pane.query_one(Static).content)
        await pilot.press("f2")
        await pilot.pause()
        assert app.query_one(TabDeck).active == "tab-explore"


async def test_set_cell_is_the_mount_point_for_pickers(sqlite_sample, tmp_path):
    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        app.set_cell("select(Post.title).where(Post.id == 1)", run=True)
        await wait_until(pilot, lambda: app.last_report is not None and not app._query_running)
        assert app.query_one("#editor").text == "select(Post.title).where(Post.id == 1)"
        assert app.last_report.ok and len(app.last_report.rows) == 1
        await pilot.press("f3")  # the examples picker (another helper's screen), if present
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.query_one("#editor").text == "select(Post.title).where(Post.id == 1)"


async def test_lag_meter_ticks_on_the_app_loop(sqlite_sample, tmp_path):
    from sqla_explore.tui.lag_meter import LagMeter

    app = make_app(sqlite_sample, tmp_path, snapshot=False)
    async with app.run_test(size=(120, 40)) as pilot:
        meter = app.query_one(LagMeter)
        await wait_until(pilot, lambda: meter.ticks >= 3)
        assert "loop lag" in str(meter.render()) and "ms" in str(meter.render())


async def test_a_tab_gets_the_keys_as_soon_as_it_is_shown(sqlite_sample, tmp_path):
    """Switching tabs moves the focus into the new tab: the loop lab's keys work with no click first."""
    from sqla_explore.tui.loop_lab import LoopLab
    from sqla_explore.tui.tab_deck import TabDeck

    app = make_app(sqlite_sample, tmp_path)
    async with app.run_test(size=(150, 50)) as pilot:
        await wait_ready(pilot)
        deck = app.query_one(TabDeck)
        for pane_id in ("tab-loop-lab", "tab-pitfalls", "tab-explore"):
            deck.active = pane_id
            await wait_until(pilot, lambda: app.focused is not None and app.query_one(f"#{pane_id}") in app.focused.ancestors)
        assert app.focused is app.query_one("#editor")
        deck.active = "tab-loop-lab"
        await wait_until(pilot, lambda: app.focused is not None and app.query_one(LoopLab) in app.focused.ancestors)
        await pilot.press("minus", "right_square_bracket")  # N and delay knobs, straight after the switch
        lab = app.query_one(LoopLab)
        assert (lab.clients, lab.delay_ms) == (50, 10)
