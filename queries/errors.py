"""Errors a user can cause, and how any exception becomes an `ErrorInfo` worth showing."""

from __future__ import annotations

import difflib
import inspect
import traceback
from collections.abc import Coroutine, Iterable

from sqlalchemy import exc as sa_exc

from .report import (
    ERR_DATABASE,
    ERR_NAME,
    ERR_READ_ONLY,
    ERR_RUNTIME,
    ERR_SYNTAX,
    ErrorInfo,
)

CELL_FILENAME = "<cell>"


class ExploreError(Exception):
    """Base of the errors sqla-explore raises itself; the message is meant for the user as is."""


class ConnectError(ExploreError):
    """The database could not be reached or the target makes no sense (missing file, bad URL...)."""


class ReadOnlyError(ExploreError):
    """A statement that would change data or schema, refused because the explorer is read-only."""


HINTS: dict[str, str] = {
    "MissingGreenlet": (
        "An attribute was loaded lazily outside of an await: async sessions cannot do hidden I/O. "
        "Load it up front with .options(selectinload(...)) or joinedload(...), "
        "or use AsyncAttrs and `await obj.awaitable_attrs.name`."
    ),
    "MultipleResultsFound": "one() / scalar_one() want exactly one row; use first() or add a filter.",
    "NoResultFound": "one() / scalar_one() want exactly one row; use one_or_none() / scalar_one_or_none() or first().",
    "ResourceClosedError": "A Result can be consumed only once; keep the list you fetched, or freeze() the result.",
}


def short_message(exc: BaseException) -> str:
    """The exception's message without SQLAlchemy's trailing background link and SQL echo."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        text = str(exc.orig)
    else:
        text = str(exc)
    lines = [ln for ln in text.splitlines() if not ln.startswith("(Background on this error")]
    # SQLAlchemy appends "[SQL: ...]" and "[parameters: ...]"; the SQL pane already shows them.
    kept = [ln for ln in lines if not ln.startswith(("[SQL:", "[parameters:"))]
    return "\n".join(kept).strip() or type(exc).__name__


def cell_location(exc: BaseException) -> int | None:
    """The line of the cell where the exception happened, if the cell's code is on the traceback."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == CELL_FILENAME:
            line = frame.lineno
    return line


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    return close[0] if close else None


def close_abandoned_awaitables(exc: BaseException) -> None:
    """Close the driver awaitables SQLAlchemy made but never awaited on the way to `exc`.

    A lazy load on an AsyncSession makes aiosqlite's `cursor()` awaitable, then fails with MissingGreenlet
    before awaiting it; SQLAlchemy closes only the inner `__aenter__()`, so Python later warns
    "coroutine 'Connection.cursor' was never awaited", which reads like the user's own missing await.
    Only unstarted coroutines held by SQLAlchemy's own frames in the traceback are closed.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            if str(frame.f_globals.get("__name__", "")).startswith("sqlalchemy."):
                for value in frame.f_locals.values():
                    _close_if_unstarted(value)
            tb = tb.tb_next
        exc = exc.__cause__ or exc.__context__


def _close_if_unstarted(value: object) -> None:
    if not isinstance(value, Coroutine):
        return
    inner = getattr(value, "_coro", value)  # aiosqlite wraps its coroutines in a Result
    if inspect.iscoroutine(inner) and inspect.getcoroutinestate(inner) == inspect.CORO_CREATED:
        inner.close()


def error_info(exc: BaseException, names: Iterable[str] = ()) -> ErrorInfo:
    """Turn any exception raised by a cell or a consumer into an ErrorInfo with a helpful hint."""
    close_abandoned_awaitables(exc)
    kind = type(exc).__name__
    message = short_message(exc)
    hint = HINTS.get(kind)
    category = ERR_RUNTIME
    if isinstance(exc, SyntaxError):
        return ErrorInfo(
            kind, exc.msg or message, "Check the cell's Python syntax.", ERR_SYNTAX, exc.lineno, exc.offset
        )
    if isinstance(exc, NameError) and getattr(exc, "name", None):
        category = ERR_NAME
        guess = suggest(exc.name, names)
        hint = f"Did you mean {guess!r}?" if guess else "Names a cell sees: mapped classes, `tables.NAME`, SQLAlchemy's constructs, `db`."
    elif isinstance(exc, AttributeError) and getattr(exc, "name", None) and getattr(exc, "obj", None) is not None:
        category = ERR_NAME
        attrs = [a for a in dir(exc.obj) if not a.startswith("_")]
        guess = suggest(exc.name, attrs)
        if guess:
            hint = f"Did you mean {guess!r}?"
        if type(exc.obj).__name__ == "AsyncSession" and exc.name == "query":
            hint = (
                "AsyncSession has no legacy query(); write "
                "(await db.execute(select(Model).where(...))).scalars().first() instead."
            )
    elif isinstance(exc, TypeError) and "can't be used in 'await' expression" in message:
        hint = (
            "Only awaitables can be awaited. A sync Session's query() returns a Query, which is not one; with "
            ".first() or .all() the query has already run, blocking, and the await fails on its result. On an "
            "AsyncSession, await execute(): (await db.execute(select(Model).where(...))).scalars().first()."
        )
    elif isinstance(exc, ReadOnlyError):
        category = ERR_READ_ONLY
    elif isinstance(exc, sa_exc.DBAPIError):
        category = ERR_DATABASE
        kind = type(exc.orig).__name__ if exc.orig is not None else kind
    if hint is None and isinstance(exc, sa_exc.StatementError) and exc.orig is not None:
        hint = HINTS.get(type(exc.orig).__name__)  # e.g. a lazy load's MissingGreenlet, wrapped by the driver
    return ErrorInfo(kind, message, hint, category, cell_location(exc))
