"""Parse a cell: Python whose last expression is the value (top-level await allowed), or raw SQL."""

from __future__ import annotations

import ast
import inspect
import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from .errors import CELL_FILENAME

RESULT_NAME = "__sqla_explore_value__"

SQL_FIRST_WORDS = {
    "select", "with", "insert", "update", "delete", "create", "drop", "alter", "truncate", "explain",
    "pragma", "values", "show", "replace", "vacuum", "analyze", "begin", "commit", "rollback", "grant",
    "revoke", "copy", "table", "merge", "upsert", "attach", "detach", "reindex", "set",
}
WRITE_FIRST_WORDS = {
    "insert", "update", "delete", "create", "drop", "alter", "truncate", "replace", "vacuum",
    "grant", "revoke", "copy", "merge", "upsert", "attach", "detach", "reindex",
}
_COMMENT = re.compile(r"^\s*(--[^\n]*\n|/\*.*?\*/)", re.S)


def first_sql_word(source: str) -> str:
    rest = source
    while (m := _COMMENT.match(rest)) is not None:
        rest = rest[m.end() :]
    # `select(` is Python that went wrong, `select *` or `select 1` is SQL: the word must stand alone.
    m = re.match(r"\s*\(?\s*([A-Za-z_]+)(?=\s|\*|;|$)", rest)
    return m.group(1).lower() if m else ""


def looks_like_sql(source: str) -> bool:
    return first_sql_word(source) in SQL_FIRST_WORDS


@dataclass
class Cell:
    """A parsed cell. For Python, `code` evaluates to the value (maybe a coroutine); for SQL, `sql` is set."""

    source: str
    code: Any = None
    sql: str | None = None
    last_expression: ast.expr | None = None
    is_async: bool = False

    @property
    def is_sql(self) -> bool:
        return self.sql is not None

    @property
    def last_expression_source(self) -> str | None:
        if self.last_expression is None:
            return None
        return ast.get_source_segment(self.source, self.last_expression) or ast.unparse(self.last_expression)


@lru_cache(maxsize=256)
def parse_cell(source: str) -> Cell:
    """Raise SyntaxError (with line and column) when the cell is neither Python nor SQL.

    Cached: re-running a cell (the usual thing in a session) skips parsing and compiling."""
    stripped = source.strip()
    if not stripped:
        raise SyntaxError("the cell is empty: type a statement, e.g. select(User).limit(5)")
    try:
        tree = ast.parse(source, filename=CELL_FILENAME, mode="exec")
    except SyntaxError:
        if looks_like_sql(stripped):
            return Cell(source=source, sql=stripped.rstrip(";").strip())
        raise
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1].value
        assign = ast.Assign(targets=[ast.Name(RESULT_NAME, ast.Store())], value=last)
        tree.body[-1] = ast.copy_location(assign, tree.body[-1])
        ast.fix_missing_locations(tree)
    code = compile(tree, CELL_FILENAME, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    is_async = bool(code.co_flags & inspect.CO_COROUTINE)
    return Cell(source=source, code=code, last_expression=last, is_async=is_async)


async def evaluate(cell: Cell, namespace: dict[str, Any]) -> Any:
    """Run the cell's code in the namespace and return its last expression's value (None if none)."""
    if cell.is_sql:
        return text(cell.sql)
    namespace.pop(RESULT_NAME, None)
    outcome = eval(cell.code, namespace)  # noqa: S307 - evaluating the user's own cell is the product
    if cell.is_async:
        await outcome
    value = namespace.pop(RESULT_NAME, None)
    if inspect.isawaitable(value):
        # `db.execute(stmt)` without await: run it anyway, and say so.
        namespace["__sqla_explore_forgot_await__"] = True
        value = await value
    return value
