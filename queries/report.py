"""The report of one run: plain dataclasses that the TUI, the CLI and the JSON encoder read.

Nothing here touches a database; values are the Python objects the run produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import Any

# What a cell turned out to be.
KIND_SELECT = "select"  # a statement that returns rows (select, text with rows, DML ... RETURNING)
KIND_DML = "dml"  # insert / update / delete without rows, or session.add + flush
KIND_DDL = "ddl"  # create / drop / alter
KIND_SQL = "sql"  # raw SQL typed as such (run through text()); may also return rows
KIND_CHAIN = "chain"  # an await-chain: the cell called db.execute(...) itself and went on from there
KIND_VALUE = "value"  # an expression that is neither a statement nor a result (e.g. 1 + 1)
KIND_ERROR = "error"  # the cell could not even be evaluated

# Error categories (ErrorInfo.category).
ERR_SYNTAX = "syntax"
ERR_NAME = "name"
ERR_DATABASE = "database"
ERR_CANCELLED = "cancelled"
ERR_TIMEOUT = "timeout"
ERR_RUNTIME = "runtime"
ERR_READ_ONLY = "read-only"

# The plate: every consumer the report tries, in display order ("unique().all()" only when the
# result requires unique(), i.e. joined eager loading of a collection).
PLATE_CONSUMERS = (
    "first()",
    "all()",
    "one()",
    "one_or_none()",
    "scalar()",
    "scalar_one()",
    "scalar_one_or_none()",
    "scalars().first()",
    "scalars().all()",
    "scalars().one()",
    "mappings().all()",
    "unique().all()",
)


class RowMappings(Sequence):
    """The value of `mappings().all()`: each of all()'s rows seen through `Row._mapping`.

    The mappings are made when read, not up front: building 10,000 RowMapping objects costs
    more than the rest of the layers together, and a pane reads a screenful. Equal to the list
    SQLAlchemy returns, item by item.
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: Sequence[Any]):
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return RowMappings(self._rows[index])
        return self._rows[index]._mapping

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (RowMappings, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking like the list it stands for

    def __repr__(self) -> str:
        return repr(list(self))


@dataclass(frozen=True)
class ErrorInfo:
    """An exception turned into something to show: never a raw traceback."""

    type: str  # the exception class name, e.g. "MultipleResultsFound"
    message: str
    hint: str | None = None
    category: str = ERR_RUNTIME
    line: int | None = None  # 1-based, for syntax errors and errors located in the cell
    column: int | None = None  # 1-based

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "message": self.message, "hint": self.hint}
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column
        out["category"] = self.category
        return out


@dataclass(frozen=True)
class SqlStatement:
    """One statement the database saw during the run, from engine events."""

    statement: str
    parameters: Any  # as the DBAPI got them (tuple, dict, or a list of those for executemany)
    ms: float
    rowcount: int | None
    executemany: bool = False


@dataclass(frozen=True)
class PlateEntry:
    """One consumer of the result (e.g. `scalar_one()`): its value, or the exception it raised."""

    name: str
    value: Any = None
    error: ErrorInfo | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ChainInfo:
    """The expression the user chained on a result, e.g. `(...).scalars().first()`, and what it gave."""

    expression: str
    value: Any = None
    error: ErrorInfo | None = None
    consumer: str | None = None  # the plate entry it matches, e.g. "scalars().first()", if any


@dataclass
class Report:
    """Everything one run of a cell produced, layer by layer."""

    input: str
    kind: str = KIND_VALUE
    sql: list[SqlStatement] = field(default_factory=list)
    # Tray: the Result itself.
    result_class: str | None = None
    keys: list[str] = field(default_factory=list)
    returns_rows: bool = False
    # Boxes: the rows as tuples; food: .scalars(). Both hold at most `limit` items.
    rows: list[tuple] = field(default_factory=list)
    scalars: list[Any] = field(default_factory=list)
    plate: dict[str, PlateEntry] = field(default_factory=dict)
    row_count: int | None = None  # rows seen; with truncated=True the result has at least this many
    limit: int = 1000
    truncated: bool = False
    # Transactions.
    rowcount: int | None = None  # for DML: rows matched / affected as the driver reports
    committed: bool = False
    commit_requested: bool = False  # the cell called commit() but committing was not allowed
    rolled_back: bool = False
    # Extras.
    value: Any = None  # what the cell's last expression evaluated to (for chains and plain values)
    chain: ChainInfo | None = None
    rosetta: dict[str, Any] | None = None
    statement: str | None = None  # the statement as SQL text, compiled for the dialect
    notes: list[str] = field(default_factory=list)
    error: ErrorInfo | None = None
    ms: float = 0.0  # wall time of the whole run

    @property
    def ok(self) -> bool:
        return self.error is None
