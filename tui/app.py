"""`ExplorerApp`: the one-screen explorer (schema, cell, SQL, tray, boxes, food, plate) and `run_app` for the CLI."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Static

from .boxes_view import BoxesView
from .commands import ExplorerCommands
from .connection import Connection
from .editor import CellEditor
from .explore_extras import ExploreExtras
from .food_pane import FoodPane
from .formatting import plural
from .history import History, default_history_path
from .key_bar import KeyBar
from .messages import ExplorerReady, RunCancelled, RunFailed, RunFinished
from .plate_pane import PlatePane
from .rosetta_panel import RosettaPanel
from .run_display import RunDisplay
from .schema_placeholder import SchemaPlaceholder
from .sql_pane import SqlPane
from .status_bar import StatusBar
from .tab_deck import TabDeck
from .tabs import EXTRA_TABS
from .tray_pane import TrayPane

WIDE = 160
ROW_LIMIT = 200  # rows the engine keeps for tray / food / plate; Boxes pages through everything
FIRST_CELL = "select(User).where(User.id < 4)"


class ExplorerApp(Connection, RunDisplay, ExploreExtras, App[int]):
    """Open with `ExplorerApp(target, models, read_only).run()`; `snapshot=True` freezes timings for screenshots."""

    TITLE = "sqla-explore"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS = App.COMMANDS | {ExplorerCommands}
    # Screen classes by terminal size (app.tcss): -wide puts the four layers side by side.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (130, "-normal"), (WIDE, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (48, "-tall")]
    BINDINGS = [
        Binding("f5", "run", "Run"),
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("ctrl+o", "commit", "Commit"),
        Binding("f1", "help", "Help"),
        Binding("f2", "next_tab", "Next tab", show=False),
        Binding("f3", "examples", "Examples", show=False),
        Binding("f4", "load_modern", "2.0 form", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        target: str,
        models: str | None = None,
        read_only: bool = False,
        *,
        snapshot: bool = False,
        history_path: Path | None = None,
        first_cell: str = FIRST_CELL,
        row_limit: int = ROW_LIMIT,
    ) -> None:
        super().__init__()
        self.target = target
        self.models = models
        self.read_only = read_only
        self.snapshot = snapshot
        self.explorer: Any = None
        self.cell_history = History(history_path if history_path is not None else default_history_path())
        self.first_cell = first_cell
        self.row_limit = row_limit
        self.last_report: Any = None
        self.shown_report: Any = None
        self._tabs_built: set[str] = set()
        self.connect_error: str | None = None
        self._run_id = 0
        self._query_running = False
        self._pending: tuple[str, bool] | None = None  # a run asked for before the database was open

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        tabs = [("tab-explore", "Explore")] + [(f"tab-{tab.id}", tab.title) for tab in EXTRA_TABS]
        with TabDeck(tabs, self._make_tab_pane, id="tabs"):
            with Vertical(id="tab-explore", classes="deck-pane"):
                with Horizontal(id="main"):
                    yield SchemaPlaceholder(id="schema-wait")  # the Tree comes with the database
                    with Vertical(id="work"):
                        yield CellEditor(self.first_cell, history=self.cell_history, id="editor")
                        yield Static(Text("connecting…", style="italic"), id="notes")
                        yield SqlPane(id="sql")
                        yield RosettaPanel(id="rosetta")
                        with Grid(id="layers"):
                            yield TrayPane(id="tray")
                            yield BoxesView(id="boxes")
                            yield FoodPane(id="food")
                            yield PlatePane(id="plate")
        yield StatusBar(self.snapshot, id="status")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        editor = self.query_one(CellEditor)
        if self.snapshot:
            editor.cursor_blink = False
        editor.focus()
        editor.move_cursor(editor.document.end)
        self.query_one(SchemaPlaceholder).show_message("connecting…")
        self.query_one(StatusBar).set_connection(f"connecting to {self._short_target(self.target)}…")
        # Paint first; open the database once the screen is up.
        self.call_after_refresh(self.start_connecting)

    # -- the explorer's life -----------------------------------------------------------------------
    def on_explorer_ready(self, message: ExplorerReady) -> None:
        if self.closing:  # quitting: close_explorer closes it
            return
        self.explorer = message.explorer
        from .schema_tree import SchemaTree

        waiting = self.query_one(SchemaPlaceholder)
        waiting.display = False
        self.query_one("#main").mount(SchemaTree(self.explorer.mapping, id="schema"), before=waiting)
        waiting.remove()
        where = self._connection_label()
        self.sub_title = where
        mode = " · read-only" if self.read_only else ""
        self.query_one(StatusBar).set_connection(f"● {where}{mode}")
        self.query_one(StatusBar).set_transaction("read-only" if self.read_only else "no transaction open")
        notes = "; ".join(self.explorer.notes)
        self._show_notes(Text(notes or "connected: type a cell and press F5", style="cyan"))
        self.call_later(self._show_active_tab)
        self.warm_up()
        if self._pending is not None:
            cell, commit = self._pending
            self._pending = None
            self.start_run(cell, commit)

    @work(group="warmup", exit_on_error=False)
    async def warm_up(self) -> None:
        """What the first run would load on the loop, loaded in a thread now; then the heap is frozen."""
        from .warmup import freeze_heap, warm_imports

        freeze_heap()  # at once (the mapping and the widgets are there now), and again after the imports
        await asyncio.to_thread(warm_imports)
        freeze_heap()

    def _make_tab_pane(self, pane_id: str) -> Vertical:
        """An extra tab's pane, created when the tab is first shown (filled by `_fill_active_tab`)."""
        return Vertical(Static("connecting…", classes="connecting-placeholder"), id=pane_id, classes="deck-pane")

    async def on_tab_deck_tab_activated(self, event: TabDeck.TabActivated) -> None:
        await self._show_active_tab()

    async def _show_active_tab(self) -> None:
        """Build the active tab if needed, then focus into it, so its keys (the lab's 1-4, a...) work at once."""
        await self._fill_active_tab()
        active = self.query_one("#tabs", TabDeck).active
        pane = self.query_one(f"#{active}")
        focused = self.focused
        if focused is not None and pane in focused.ancestors:
            return
        if active == "tab-explore":
            self.query_one(CellEditor).focus()
            return
        target = next((widget for widget in self.screen.focus_chain if pane in widget.ancestors), None)
        if target is not None:
            target.focus()
        elif focused is not None:
            focused.blur()  # a hidden tab's widget must not keep the keys

    async def _fill_active_tab(self) -> None:
        """An extra tab's widget is imported and mounted the first time the tab is shown (and the database open)."""
        if self.explorer is None:
            return
        active = self.query_one("#tabs", TabDeck).active
        for tab in EXTRA_TABS:
            if active != f"tab-{tab.id}" or tab.id in self._tabs_built:
                continue
            self._tabs_built.add(tab.id)
            pane = self.query_one(f"#{active}")
            await pane.remove_children()
            try:
                widget = tab.factory(self.explorer)
            except Exception as exc:
                widget = Static(f"{tab.title} could not start: {type(exc).__name__}: {exc}")
            await pane.mount(widget)

    async def action_quit(self) -> None:
        await self.close_explorer()
        self.exit(1 if self.connect_error else 0)

    async def on_unmount(self) -> None:
        await self.close_explorer()
        from .warmup import thaw

        thaw()

    # -- running cells -----------------------------------------------------------------------------
    def on_cell_editor_run_requested(self, message: CellEditor.RunRequested) -> None:
        self.start_run(message.cell)

    def on_cell_editor_cancel_requested(self, message: CellEditor.CancelRequested) -> None:
        if self._query_running:
            self.action_cancel()
        else:
            self.screen.focus_next()

    def action_run(self) -> None:
        self.start_run(self.query_one(CellEditor).text)

    def start_run(self, cell: str, commit: bool = False) -> None:
        if self.explorer is None:
            if self.connect_error:
                self.notify(self.connect_error, severity="error")
            else:
                self._pending = (cell, commit)
                self._show_notes(Text("still connecting: the cell runs as soon as the database is open", style="italic"))
            return
        self._run_id += 1
        self._query_running = True
        self.query_one(CellEditor).remember(cell)
        what = "running and committing" if commit else "running"
        self._show_notes(Text(f"{what}… (Esc cancels)", style="italic"))
        # Next frame: the notes (top) and the status bar (bottom) in one frame repaint the box around both.
        self.call_after_refresh(self.query_one(StatusBar).set_run, "running…")
        self.run_cell(self._run_id, cell, commit)

    @work(exclusive=True, group="query", exit_on_error=False)
    async def run_cell(self, run_id: int, cell: str, commit: bool) -> None:
        """On the app's loop: the engine awaits the database; the UI keeps drawing between awaits."""
        try:
            report = await self.explorer.run(cell, limit=self.row_limit, commit=commit)
            window = None
            if report.ok and report.truncated and report.returns_rows:
                from sqla_explore.queries.window import RowWindow, statement_for_cell

                statement = await statement_for_cell(self.explorer.namespace, cell)
                if statement is not None:
                    window = RowWindow(self.explorer.session_factory, statement)
                    window.seed(report.keys, report.rows, complete=False)
            self.post_message(RunFinished(run_id, report, window))
        except asyncio.CancelledError:
            self.post_message(RunCancelled(run_id))
            raise
        except Exception as exc:  # an engine bug: say so plainly, keep the app alive
            self.post_message(RunFailed(run_id, f"{type(exc).__name__}: {exc}"))

    def on_run_cancelled(self, message: RunCancelled) -> None:
        if message.run_id == self._run_id:
            self._query_running = False
            self._show_notes(Text("cancelled: the query was stopped and rolled back", style="bold yellow"))
            self.query_one(StatusBar).set_run("cancelled")

    def on_run_failed(self, message: RunFailed) -> None:
        if message.run_id == self._run_id:
            self._query_running = False
            self._show_notes(Text(f"internal error: {message.message}", style="bold red"))
            self.query_one(StatusBar).set_run("failed")

    def _show_notes(self, text: Text) -> None:
        # A fixed height: the line never pushes the panes around (no layout pass for the whole screen).
        self.query_one("#notes", Static).update(text, layout=False)

    # -- actions ---------------------------------------------------------------------------------------
    def action_cancel(self) -> None:
        if self._query_running:
            self.workers.cancel_group(self, "query")

    def action_commit(self) -> None:
        if self.read_only:
            self.notify("read-only: commit refused", severity="error")
            return
        cell = self.query_one(CellEditor).text

        from .confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_run(cell, commit=True)

        self.push_screen(ConfirmScreen(f"Run this cell again and COMMIT its changes?\n\n{cell}", "Commit"), answered)

    def action_rollback(self) -> None:
        self.notify("Nothing to roll back: every run rolls back unless you commit it (ctrl+o).")

    def action_copy_sql(self) -> None:
        if self.last_report is None or not self.last_report.sql:
            self.notify("no SQL yet: run a cell first", severity="warning")
            return
        self.copy_to_clipboard(";\n".join(s.statement.strip() for s in self.last_report.sql))
        self.notify(f"copied {plural(len(self.last_report.sql), 'statement')}")

    def action_screenshot(self) -> None:
        path = self.save_screenshot()
        self.notify(f"saved {path}", markup=False)

    # -- mount points for other panes ---------------------------------------------------------------
    def set_cell(self, source: str, run: bool = False) -> None:
        """Put `source` in the editor on the Explore tab (and run it): for pickers and other tabs."""
        self.query_one("#tabs", TabDeck).active = "tab-explore"
        editor = self.query_one(CellEditor)
        editor.text = source
        editor.move_cursor(editor.document.end)
        editor.focus()
        if run:
            self.start_run(source)

    def on_vector_pane_open_statement(self, message: Any) -> None:
        """The Vector tab's "open in layers" (VectorPane.OpenStatement)."""
        self.set_cell(message.cell_source, run=True)

    def action_examples(self) -> None:
        try:
            from .examples_picker import ExamplesPicker
        except ImportError as exc:
            self.notify(f"no examples available: {exc}", severity="warning", markup=False)
            return
        self.push_screen(ExamplesPicker(), lambda source: self.set_cell(source) if source else None)

    def action_next_tab(self) -> None:
        tabs = self.query_one("#tabs", TabDeck)
        panes = tabs.tab_ids
        if len(panes) > 1 and tabs.active in panes:
            tabs.active = panes[(panes.index(tabs.active) + 1) % len(panes)]

    def action_help(self) -> None:
        from .help_screen import HelpScreen  # Markdown is slow to import: not on the startup path

        self.push_screen(HelpScreen())

    def on_schema_tree_insert_name(self, message: Any) -> None:
        self.query_one(CellEditor).insert_name(message.name)


def _console_progress(stage: str, done: int, total: int) -> None:
    sys.stderr.write(f"\rbuilding the sample database: {stage} {done:,}/{total:,}        ")
    sys.stderr.flush()


def default_target() -> str:
    """The built-in sample's path, built first (with progress on stderr) when it does not exist yet."""
    from sqla_explore.sample_db.build import default_sample_path, ensure_default_sample

    path = default_sample_path()
    if not path.exists():
        sys.stderr.write(f"first run: building the sample database at {path}\n")
        path = asyncio.run(ensure_default_sample(_console_progress))
        sys.stderr.write("\n")
    return str(path)


def run_app(target: str | None, models: str | None = None, read_only: bool = False) -> int:
    """Entry point for the CLI: returns the process exit code (2 for a missing database file)."""
    if target is None or not target.strip():
        target = default_target()
    elif "://" not in target and not Path(target).expanduser().exists():
        sys.stderr.write(f"no such database file: {target} (create the sample with: sqla-explore sample {target})\n")
        return 2
    app = ExplorerApp(target, models, read_only)
    from .warmup import freeze_heap

    freeze_heap()  # the modules just imported are there for good: the first frame's collections skip them
    result = app.run()
    return int(result or 0) if app.return_code in (None, 0) else app.return_code
