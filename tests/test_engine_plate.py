"""The plate derives most consumers from all()'s rows: each must equal what SQLAlchemy itself returns or raises."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Row, RowMapping

from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.layers import CONSUMERS

CELLS = [
    "select(User).where(User.id < 0)",  # no rows
    "select(User).where(User.id == 1)",  # one entity
    "select(User).where(User.id <= 3).order_by(User.id)",  # several entities
    "select(User.id, User.email).where(User.id == 2)",  # one row, two columns
    "select(User.id, User.email).where(User.id <= 2).order_by(User.id)",
    "select(User.email).where(User.id > 10**9)",  # no rows, one column
    "select(User, Post).join(Post).where(User.id == 1).order_by(Post.id).limit(2)",  # two entities
    "select(func.count(User.id))",  # one scalar
]


def _plain(value):
    """Something comparable across sessions: entities by class and key, rows as tuples, mappings as dicts."""
    if isinstance(value, (list, tuple)) or type(value).__name__ == "RowMappings":
        return [_plain(v) for v in value]
    if isinstance(value, Row):
        return tuple(_plain(v) for v in value)
    if isinstance(value, RowMapping):
        return {k: _plain(v) for k, v in value.items()}
    state = inspect(value, raiseerr=False)
    if state is not None and getattr(state, "identity", None) is not None:
        return (type(value).__name__, state.identity)
    return value


@pytest.mark.parametrize("cell", CELLS)
async def test_every_plate_entry_matches_the_real_consumer(sample_url, cell):
    explorer = await Explorer.open(str(sample_url))
    try:
        report = await explorer.run(cell)
        assert report.ok, report.error
        statement = eval(cell, dict(explorer.namespace))
        for name, entry in report.plate.items():
            async with explorer.session_factory() as session:
                result = await session.execute(statement)
                try:
                    expected = ("value", _plain(CONSUMERS[name](result)))
                except Exception as exc:
                    expected = ("error", type(exc).__name__, str(exc).split("\n")[0])
            got = ("value", _plain(entry.value)) if entry.ok else ("error", entry.error.type, entry.error.message.split("\n")[0])
            assert got == expected, name
    finally:
        await explorer.close()
