"""Execute a statement the cell evaluated to: stream the first rows, or execute DML, and fill the report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.util import immutabledict

from .layers import collector_paused, fill_layers, freeze_all, freeze_rows
from .report import Report
from .statements import streams_rows

_STREAM = immutabledict({"stream_results": True})


def _needs_buffering(exc: sa_exc.InvalidRequestError) -> bool:
    # Joined eager loading of collections must unique the whole result, which a cursor cannot stream.
    text = str(exc)
    return "unique()" in text or "yield_per" in text


async def execute_statement(session: AsyncSession, statement: Any, report: Report, names: Sequence[str]) -> None:
    """Fill `report` from running `statement`; at most `report.limit + 1` rows are fetched when streaming."""
    if streams_rows(statement):
        mark = len(report.sql)
        try:
            await _stream_head(session, statement, report, names)
            return
        except sa_exc.InvalidRequestError as exc:
            if not _needs_buffering(exc):
                raise
            del report.sql[mark:]  # the abandoned attempt's statement would show twice
            report.notes.append("joined eager loading of a collection: the whole result was fetched to unique() it")
    result = await session.execute(statement)
    result_class = type(result).__name__
    if getattr(result, "returns_rows", True):  # ORM results always have rows
        frozen = freeze_all(result)
        fill_layers(report, frozen, result_class, truncated=False, names=names)
        report.rowcount = getattr(result, "rowcount", None) if report.kind == "dml" else None
    else:
        report.result_class = result_class
        report.returns_rows = False
        rowcount = getattr(result, "rowcount", None)
        report.rowcount = rowcount if isinstance(rowcount, int) and rowcount >= 0 else None


async def _stream_head(session: AsyncSession, statement: Any, report: Report, names: Sequence[str]) -> None:
    # One greenlet for execute + fetch + close (AsyncSession.stream() and its AsyncResult take three).
    frozen, result_class, head_size = await session.run_sync(_fetch_head, statement, report.limit + 1)
    fill_layers(report, frozen, result_class, truncated=head_size > report.limit, names=names)


def _fetch_head(sync_session: Session, statement: Any, size: int) -> tuple[Any, str, int]:
    """Execute through a server-side cursor and keep only the first `size` rows."""
    result = sync_session.execute(statement, execution_options=_STREAM)
    try:
        with collector_paused():  # the waiting was in execute(); this is loading at most `size` rows
            head = result.fetchmany(size)
        return freeze_rows(result, head), type(result).__name__, len(head)
    finally:
        result.close()
