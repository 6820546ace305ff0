"""Helpers for the TUI tests (no fixtures here: tests/conftest.py holds those)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqla_explore.tui.app import ExplorerApp


def make_app(target, tmp_path: Path, **kwargs) -> ExplorerApp:
    kwargs.setdefault("snapshot", True)
    kwargs.setdefault("history_path", tmp_path / "history.json")
    return ExplorerApp(str(target), **kwargs)


async def wait_until(pilot, condition, seconds: float = 30.0) -> None:
    """Let the app work until `condition()` holds (a deadline against hangs, not a timing assertion)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {seconds} s")
        await pilot.pause(0.02)


async def wait_ready(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.explorer is not None or app.connect_error is not None)
    await pilot.pause()


async def run_cell(pilot, cell: str, key: str = "f5") -> object:
    """Replace the editor's text with `cell`, press the run key and wait for the report."""
    app = pilot.app
    editor = app.query_one("#editor")
    editor.text = cell
    editor.focus()
    before = app.last_report
    await pilot.press(key)
    await wait_until(pilot, lambda: app.last_report is not before and not app._query_running)
    await pilot.pause()
    return app.last_report


def plain(app, selector: str) -> str:
    """The text a Static-like widget shows (its renderable, as plain text)."""
    from rich.console import Console

    widget = app.query_one(selector)
    console = Console(width=300, record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()
