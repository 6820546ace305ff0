"""Showing a finished run, mixed into ExplorerApp: the panes are filled over several frames (Boxes and Tray
first, then SQL, Food, Plate), so no single repaint of the whole screen stalls the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .boxes_view import BoxesView, StaticRows
from .formatting import ms, plural, report_notes
from .messages import RunFinished
from .status_bar import StatusBar
from .tray_pane import TrayPane


class RunDisplay:
    """Needs the app's `snapshot`, `read_only`, `_run_id`, `query_one`, `call_after_refresh` and `_show_notes`.

    `last_report` is set when every pane shows the run (tests and "copy SQL" read it); `shown_report` as soon
    as the Boxes and the Tray do.
    """

    last_report: Any = None
    shown_report: Any = None
    _window: Any = None

    def on_run_finished(self, message: RunFinished) -> None:
        if message.run_id != self._run_id:
            return  # a superseded run: its results are stale
        self._query_running = False
        report = self.shown_report = message.report
        # Frame 1: the rows (what the user waits for); then the tray, the notes line and the status bar.
        boxes = self.query_one(BoxesView)
        if message.window is not None:
            boxes.show(message.window)
        elif report.returns_rows:
            note = f" · first {len(report.rows):,} only" if report.truncated else ""
            boxes.show(StaticRows(report.keys, report.rows), note)
        else:
            boxes.clear(" · no rows: this run returned none")
        self._window = message.window
        # One stage per region: Textual repaints the box around all regions changed in a frame, so the notes
        # line (top) and the status bar (bottom) in one frame would repaint nearly the whole screen.
        stages = [self._show_tray, self._show_report_notes, self._show_status, self._show_sql, self._show_food,
                  self._show_food_detail, self._show_plate, self._finish_display]
        self._next_stage(message.run_id, stages, report)

    def _show_tray(self, report: Any) -> None:
        total = None if self._window is None else self._window.total  # known once the window has counted
        self.query_one(TrayPane).show(report, total, self.snapshot)

    def _show_report_notes(self, report: Any) -> None:
        self._show_notes(report_notes(report))

    def _show_status(self, report: Any) -> None:
        total = None if self._window is None else self._window.total
        if total is not None:
            rows = f" · {plural(total, 'row')}"
        else:
            rows = "" if report.row_count is None else f" · {plural(report.row_count, 'row')}{'+' if report.truncated else ''}"
        status = self.query_one(StatusBar)
        status.set_run(f"last run {ms(report.ms, self.snapshot)}{rows}")
        tx = "read-only" if self.read_only else "committed" if report.committed else "rolled back" if report.rolled_back else "no transaction open"
        status.set_transaction(tx)

    def _next_stage(self, run_id: int, stages: list[Callable[[Any], None]], report: Any) -> None:
        """Run the next stage after the screen has painted the previous one (dropped if a newer run started).

        The stage runs from the asyncio loop's queue, not straight from the refresh: other tasks (the lag meter,
        key presses, the database) get their turn between two stages."""

        def step() -> None:
            if run_id != self._run_id or not stages:
                return
            try:
                stages.pop(0)(report)
            except Exception as exc:  # outside Textual's dispatch here: hand it to the app like any handler error
                self._handle_exception(exc)
                return
            if stages:
                self._next_stage(run_id, stages, report)

        self.call_after_refresh(lambda: asyncio.get_running_loop().call_soon(step))

    def _show_sql(self, report: Any) -> None:
        from .sql_pane import SqlPane

        self.query_one(SqlPane).show(report, self.snapshot)

    def _show_food(self, report: Any) -> None:
        from .food_pane import FoodPane

        self.query_one(FoodPane).show(report, detail=False)

    def _show_food_detail(self, report: Any) -> None:
        from .food_pane import FoodPane

        self.query_one(FoodPane).show_detail()

    def _show_plate(self, report: Any) -> None:
        from .plate_pane import PlatePane
        from .rosetta_panel import RosettaPanel

        self.query_one(PlatePane).show(report)
        self.query_one(RosettaPanel).show(report.rosetta)

    def _finish_display(self, report: Any) -> None:
        from .editor import CellEditor

        if report.error is not None and report.error.line:
            editor = self.query_one(CellEditor)
            line = max(0, min(report.error.line - 1, editor.document.line_count - 1))
            editor.move_cursor((line, max(0, (report.error.column or 1) - 1)))
        self.last_report = report

    def on_boxes_view_counted(self, message: BoxesView.Counted) -> None:
        report = self.shown_report
        if report is not None:
            self.query_one(TrayPane).show(report, message.total, self.snapshot)
            status = f"last run {ms(report.ms, self.snapshot)} · {plural(message.total, 'row')}"
            self.call_after_refresh(self.query_one(StatusBar).set_run, status)  # its own frame (see above)
