"""Comparable snapshots of what a run returned: entities by class and primary key, rows and values by value."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import MappingResult, Result, Row, ScalarResult
from sqlalchemy.orm import InstanceState

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 80
_short.maxlist = 5


@dataclass(frozen=True)
class EntityRef:
    """A mapped object seen in a run: its class, its identity (primary key) and its loaded column values."""

    cls: str
    table: str | None
    identity: tuple | None
    values: tuple[tuple[str, Any], ...]


def _state(value: Any) -> InstanceState | None:
    state = sa_inspect(value, raiseerr=False)
    return state if isinstance(state, InstanceState) else None


def snapshot(value: Any, depth: int = 0) -> Any:
    """Turn a run's value into plain, comparable data (call it while the session is still open)."""
    if depth > 4:
        return repr(value)
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return value
    state = _state(value)
    if state is not None:
        mapper = state.mapper
        pk = {c.key for c in mapper.column_attrs if any(col.primary_key for col in c.columns)}
        loaded = state.dict
        values = tuple(
            (attr.key, snapshot(loaded[attr.key], depth + 1))
            for attr in mapper.column_attrs
            if attr.key in loaded and attr.key not in pk
        )
        table = getattr(mapper.local_table, "name", None)
        return EntityRef(mapper.class_.__name__, table, state.identity, values)
    if isinstance(value, Row):
        return tuple(snapshot(v, depth + 1) for v in value)
    if isinstance(value, Result):  # a Result handed back unconsumed: what reading it gives
        if not getattr(value, "returns_rows", True):
            return {"rowcount": value.rowcount}
        return [snapshot(row, depth + 1) for row in value.all()]
    if isinstance(value, (ScalarResult, MappingResult)):
        return [snapshot(v, depth + 1) for v in value.all()]
    if isinstance(value, (list, tuple)):
        return [snapshot(v, depth + 1) for v in value]
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy arrays and scalars
        return value.tolist()
    if isinstance(value, dict):
        return {k: snapshot(v, depth + 1) for k, v in value.items()}
    return value


def same(a: Any, b: Any, by_value: frozenset[str] = frozenset()) -> bool:
    """Equal results: entities by class and identity (by common loaded values for tables in `by_value`,
    where rows were inserted and primary keys may differ between the two runs), rows by value."""
    if isinstance(a, EntityRef) or isinstance(b, EntityRef):
        if not (isinstance(a, EntityRef) and isinstance(b, EntityRef)) or a.cls != b.cls:
            return False
        if a.table in by_value or a.identity is None or b.identity is None:
            mine, theirs = dict(a.values), dict(b.values)
            common = mine.keys() & theirs.keys()
            return all(same(mine[k], theirs[k], by_value) for k in common)
        return a.identity == b.identity
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y, by_value) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], by_value) for k in a)
    try:
        return bool(a == b)
    except Exception:
        return False


def describe(value: Any) -> str:
    """A short human-readable form of a snapshot (for the side-by-side view and the JSON)."""
    if isinstance(value, EntityRef):
        key = ", ".join(map(repr, value.identity)) if value.identity else "new"
        return f"{value.cls}({key})"
    if isinstance(value, list):
        inner = ", ".join(describe(v) for v in value[:5])
        more = f", ... ({len(value)} items)" if len(value) > 5 else ""
        return f"[{inner}{more}]"
    if isinstance(value, tuple):
        return "(" + ", ".join(describe(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return _short.repr(value)
