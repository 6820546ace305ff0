"""Messages that workers post to the app; only their handlers touch widgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class ExplorerReady(Message):
    """The Explorer opened on the app's loop."""

    explorer: Any


@dataclass
class ExplorerFailed(Message):
    """The Explorer could not open (bad target, server down, broken models module)."""

    message: str


@dataclass
class RunFinished(Message):
    """A run finished; `window` pages through a big result when the report was cut at its limit."""

    run_id: int
    report: Any
    window: Any = None


@dataclass
class RunFailed(Message):
    """A run raised something the engine did not turn into a report (a bug, not a user mistake)."""

    run_id: int
    message: str


@dataclass
class RunCancelled(Message):
    run_id: int
