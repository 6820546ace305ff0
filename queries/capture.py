"""Record every SQL statement a run emits (lazy loads and selectinload's second query included)."""

from __future__ import annotations

import contextvars
import time
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from .report import SqlStatement

# The list the current run appends to. A context variable, so concurrent runs on one engine
# (the layers pane and the vector pane, say) never see each other's statements.
_current: contextvars.ContextVar[list[SqlStatement] | None] = contextvars.ContextVar(
    "sqla_explore_capture", default=None
)
_INSTALLED = "_sqla_explore_capture_installed"
_START = "_sqla_explore_t0"


def _before(conn, cursor, statement, parameters, context, executemany):
    if _current.get() is not None and context is not None:
        setattr(context, _START, time.perf_counter())


def _after(conn, cursor, statement, parameters, context, executemany):
    sink = _current.get()
    if sink is None:
        return
    started = getattr(context, _START, None) if context is not None else None
    ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    rowcount = getattr(cursor, "rowcount", -1)
    sink.append(
        SqlStatement(
            statement=statement,
            parameters=parameters,
            ms=ms,
            rowcount=rowcount if isinstance(rowcount, int) and rowcount >= 0 else None,
            executemany=bool(executemany),
        )
    )


def install(engine: AsyncEngine) -> None:
    """Attach the listeners once per engine; they cost nothing when no capture is active."""
    sync_engine = engine.sync_engine
    if getattr(sync_engine, _INSTALLED, False):
        return
    event.listen(sync_engine, "before_cursor_execute", _before)
    event.listen(sync_engine, "after_cursor_execute", _after)
    setattr(sync_engine, _INSTALLED, True)


@contextmanager
def capturing(sink: list[SqlStatement]):
    """Within the block (and tasks and greenlets started from it), statements go into `sink`."""
    token = _current.set(sink)
    try:
        yield sink
    finally:
        _current.reset(token)
