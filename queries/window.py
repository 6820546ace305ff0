"""A bounded window over a result of any size: pages of display strings fetched by offset, and a row count.

The TUI's Boxes view reads `row(i)`; missing pages are fetched with `await ensure(first, last)`. Only a
fixed number of pages (plain tuples of strings, never ORM entities) stay in memory.
"""

from __future__ import annotations

import asyncio
import gc
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.sql import Select, TextClause

MAX_CELL = 160
PAGE_SIZE = 500
MAX_PAGES = 40  # 20,000 rows of strings at most
CHUNK = 50  # rows converted between two yields to the event loop


def cell_text(value: Any, width: int = MAX_CELL) -> str:
    """One value as the Boxes view shows it: its repr on one line, cut at `width`."""
    try:
        shown = repr(value)
    except Exception as exc:  # a broken __repr__ must not break the view
        shown = f"<repr failed: {type(exc).__name__}>"
    shown = shown.replace("\n", "\\n")
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def row_text(row: Sequence[Any]) -> tuple[str, ...]:
    return tuple(cell_text(v) for v in row)


def can_window(statement: Any) -> bool:
    """Statements a window can page through: a SELECT, or SQL text that returns rows."""
    return isinstance(statement, (Select, TextClause))


class RowWindow:
    """Pages of rows as display strings, fetched on demand; build with `RowWindow(factory, statement)`.

    `session_factory` is an async_sessionmaker; `statement` a Select or a TextClause that returns rows.
    Pages are reached by OFFSET on the statement, so far rows cost one query, not a scan of every row
    before them through Python.
    """

    def __init__(
        self,
        session_factory: Callable[[], Any],
        statement: Any,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        freeze_gc: bool = True,
    ) -> None:
        if not can_window(statement):
            raise TypeError(f"cannot page through {type(statement).__name__}")
        self.session_factory = session_factory
        self.statement = statement
        self.page_size = page_size
        self.max_pages = max(2, max_pages)
        self.freeze_gc = freeze_gc
        self.keys: list[str] = []
        self.total: int | None = None  # None until count() ran or the last page was seen
        self.pages: OrderedDict[int, list[tuple[str, ...]]] = OrderedDict()
        self.fetches = 0  # pages fetched from the database (for tests and benchmarks)
        self._base_offset, self._base_limit = self._own_bounds(statement)

    # -- reading (sync, for render code) ----------------------------------------------------
    def row(self, index: int) -> tuple[str, ...] | None:
        page = self.pages.get(index // self.page_size)
        if page is None:
            return None
        at = index % self.page_size
        return page[at] if at < len(page) else None

    def missing(self, first: int, last: int) -> list[int]:
        """Page numbers needed for rows first..last (inclusive) that are not held."""
        if self.total is not None:
            last = min(last, self.total - 1)
        if last < first:
            return []
        return [p for p in range(first // self.page_size, last // self.page_size + 1) if not self._complete(p)]

    def _complete(self, number: int) -> bool:
        page = self.pages.get(number)
        if page is None:
            return False
        if len(page) >= self.page_size:
            return True
        return self.total is not None and number * self.page_size + len(page) >= self.total

    @property
    def rows_held(self) -> int:
        return sum(len(p) for p in self.pages.values())

    def seed(self, keys: Sequence[str], rows: Sequence[Sequence[Any]], complete: bool) -> None:
        """Start from rows already fetched (the report's head) so the first screen needs no query."""
        self.keys = list(keys)
        full = len(rows) // self.page_size
        for number in range(full):
            self._store(number, [row_text(r) for r in rows[number * self.page_size : (number + 1) * self.page_size]])
        rest = rows[full * self.page_size :]
        if rest or (complete and full == 0):
            self._store(full, [row_text(r) for r in rest])  # a partial page: shown now, completed on demand
        if complete:
            self.total = len(rows)

    # -- fetching (async, on the caller's loop) ------------------------------------------------
    async def count(self) -> int:
        """Count the statement's rows on the server (one query) and remember it."""
        if isinstance(self.statement, TextClause):
            query: Any = text(f"SELECT count(*) FROM ({self._sql_text()}) AS sqlx_window")
            query = query.bindparams(*self.statement._bindparams.values()) if self.statement._bindparams else query
        else:
            inner = self.statement.order_by(None).subquery()
            query = select(func.count()).select_from(inner)
        async with self.session_factory() as session:
            total = (await session.execute(query)).scalar_one()
        self.total = int(total)
        return self.total

    async def ensure(self, first: int, last: int) -> None:
        """Hold the pages covering rows first..last (inclusive), fetching what is missing."""
        for number in self.missing(first, last):
            await self.fetch_page(number)

    async def fetch_page(self, number: int) -> list[tuple[str, ...]]:
        offset = number * self.page_size
        size = self.page_size
        if self._base_limit is not None:
            size = max(0, min(size, self._base_limit - offset))
        rows: list[tuple[str, ...]] = []
        if size:
            query = self._page_query(self._base_offset + offset, size)
            async with self.session_factory() as session:
                streamed = await session.stream(query)
                try:
                    if not self.keys:
                        self.keys = list(streamed.keys())
                    # Small bites: building entities and their reprs runs on the loop, so yield between them.
                    while len(rows) < size:
                        part = await streamed.fetchmany(min(CHUNK, size - len(rows)))
                        if not part:
                            break
                        rows.extend(row_text(r) for r in part)
                        del part
                        await asyncio.sleep(0)
                finally:
                    await streamed.close()
            self.fetches += 1
        if len(rows) < self.page_size and (self.total is None or self.total > offset + len(rows)):
            self.total = offset + len(rows)  # the last page tells the size
        self._store(number, rows)
        if self.freeze_gc:
            # The page's tuples live long: keep the collector from scanning them again and again.
            gc.freeze()
        return rows

    # -- helpers ----------------------------------------------------------------------------
    def _store(self, number: int, rows: list[tuple[str, ...]]) -> None:
        self.pages[number] = rows
        self.pages.move_to_end(number)
        while len(self.pages) > self.max_pages:
            self.pages.popitem(last=False)

    def _sql_text(self) -> str:
        return self.statement.text.strip().rstrip(";")

    def _page_query(self, offset: int, size: int) -> Any:
        if isinstance(self.statement, TextClause):
            query = text(f"SELECT * FROM ({self._sql_text()}) AS sqlx_window LIMIT {int(size)} OFFSET {int(offset)}")
            if self.statement._bindparams:
                query = query.bindparams(*self.statement._bindparams.values())
            return query
        return self.statement.limit(size).offset(offset)

    @staticmethod
    def _own_bounds(statement: Any) -> tuple[int, int | None]:
        """The statement's own OFFSET and LIMIT when they are plain numbers (paging stays inside them)."""
        if not isinstance(statement, Select):
            return 0, None
        try:
            offset = statement._offset or 0
            limit = statement._limit
        except Exception:
            return 0, None
        return int(offset), (int(limit) if limit is not None else None)


class _NoSession:
    """Stands in for `db` when a cell is evaluated again only to get its statement back."""

    def __getattr__(self, name: str) -> Any:
        raise LookupError("the cell uses db itself")


async def statement_for_cell(namespace: dict[str, Any], cell: str) -> Any | None:
    """The statement a cell evaluates to, without running it; None when the cell is not a plain statement."""
    from .evaluate import evaluate, parse_cell
    from .statements import as_statement

    try:
        parsed = parse_cell(cell)
        scope = dict(namespace)
        scope["db"] = scope["session"] = _NoSession()
        value, _ = as_statement(await evaluate(parsed, scope))
    except Exception:
        return None
    return value if can_window(value) else None
