"""What kind of statement a value is: rows or not, write or read, and the read-only guard."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Mapper
from sqlalchemy.sql import Delete, Insert, TextClause, Update
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.ddl import ExecutableDDLElement
from sqlalchemy.sql.dml import UpdateBase

from .errors import ReadOnlyError
from .evaluate import WRITE_FIRST_WORDS, first_sql_word

ROW_FIRST_WORDS = {"select", "with", "values", "pragma", "show", "explain", "table"}


def is_statement(value: Any) -> bool:
    return isinstance(value, Executable)


def is_write(statement: Any) -> bool:
    if isinstance(statement, (Insert, Update, Delete, UpdateBase, ExecutableDDLElement)):
        return True
    if isinstance(statement, TextClause):
        return first_sql_word(statement.text) in WRITE_FIRST_WORDS
    return False


def is_ddl(statement: Any) -> bool:
    if isinstance(statement, ExecutableDDLElement):
        return True
    if isinstance(statement, TextClause):
        return first_sql_word(statement.text) in {"create", "drop", "alter", "truncate"}
    return False


def streams_rows(statement: Any) -> bool:
    """Statements we fetch through a server-side cursor, so only the first rows are read."""
    if isinstance(statement, TextClause):
        return first_sql_word(statement.text) in ROW_FIRST_WORDS
    return not is_write(statement)


def check_writable(statement: Any) -> None:
    if is_write(statement):
        verb = type(statement).__name__.upper() if not isinstance(statement, TextClause) else first_sql_word(
            statement.text
        ).upper()
        raise ReadOnlyError(f"read-only: refusing to run {verb} (the explorer was opened with --read-only)")


def as_statement(value: Any) -> tuple[Any, str | None]:
    """A mapped class or a Table typed alone becomes `select(it)`; returns (value, note)."""
    from sqlalchemy import inspect, select

    if isinstance(value, Table):
        return select(value), f"a Table on its own: showing select(tables.{value.name})"
    if isinstance(value, type):
        mapper = inspect(value, raiseerr=False)
        if isinstance(mapper, Mapper):
            return select(value), f"a mapped class on its own: showing select({value.__name__})"
    return value, None
