"""`RowWindow` on the real SQLite sample: pages by offset, counts, bounded memory, text SQL and own limits."""

from __future__ import annotations

from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.window import RowWindow, cell_text, statement_for_cell


async def _window(path, cell, **kwargs):
    explorer = await Explorer.open(str(path))
    statement = await statement_for_cell(explorer.namespace, cell)
    assert statement is not None
    return explorer, RowWindow(explorer.session_factory, statement, **kwargs)


async def test_pages_far_rows_and_stays_bounded(sqlite_sample):
    explorer, window = await _window(sqlite_sample, "select(User)", page_size=10, max_pages=3)
    try:
        assert await window.count() == 1000
        await window.ensure(0, 5)
        assert window.keys == ["User"] and window.row(0)[0].startswith("User(id=1,")
        await window.ensure(995, 999)
        assert window.row(999)[0].startswith("User(id=1000,")
        for start in range(100, 200, 10):
            await window.ensure(start, start)
        assert len(window.pages) == 3 and window.rows_held <= 30
        assert window.row(0) is None  # evicted: it would be fetched again
        assert window.missing(0, 0) == [0]
    finally:
        await explorer.close()


async def test_plain_rows_become_strings_not_entities(sqlite_sample):
    explorer, window = await _window(sqlite_sample, "select(User.id, User.name).where(User.id < 30)", page_size=8)
    try:
        await window.ensure(0, 100)
        assert window.total == 29  # the short last page tells the size without a count
        assert window.row(0) == ("1", "'Ada Lovelace'")
        assert all(isinstance(c, str) for p in window.pages.values() for r in p for c in r)
    finally:
        await explorer.close()


async def test_text_sql_and_own_limit(sqlite_sample):
    explorer, window = await _window(sqlite_sample, "select id, email from users where id > 10", page_size=100)
    try:
        assert await window.count() == 990
        await window.ensure(989, 989)
        assert window.row(989)[0] == "1000"
    finally:
        await explorer.close()
    explorer, window = await _window(sqlite_sample, "select(User.id).order_by(User.id).offset(5).limit(12)", page_size=5)
    try:
        assert await window.count() == 12
        await window.ensure(0, 20)
        assert [window.row(i) for i in (0, 11)] == [("6",), ("17",)]
        assert window.row(12) is None and window.total == 12
    finally:
        await explorer.close()


async def test_cells_that_are_not_plain_statements(sqlite_sample):
    explorer = await Explorer.open(str(sqlite_sample))
    try:
        assert await statement_for_cell(explorer.namespace, "(await db.execute(select(User))).all()") is None
        assert await statement_for_cell(explorer.namespace, "1 + 1") is None
        assert await statement_for_cell(explorer.namespace, "select(") is None
        assert await statement_for_cell(explorer.namespace, "User") is not None  # a class alone is select(User)
    finally:
        await explorer.close()


def test_cell_text():
    assert cell_text("a\nb") == "'a\\nb'"
    assert len(cell_text("x" * 500)) == 160

    class Broken:
        def __repr__(self):
            raise ValueError("no")

    assert cell_text(Broken()) == "<repr failed: ValueError>"


async def test_a_seeded_partial_page_is_shown_then_completed(sqlite_sample):
    explorer, window = await _window(sqlite_sample, "select(User.id)", page_size=10)
    try:
        window.seed(["id"], [(1,), (2,), (3,)], complete=False)
        assert window.row(2) == ("3",) and window.row(3) is None
        assert window.missing(0, 5) == [0]  # the partial page still needs its other rows
        await window.ensure(0, 5)
        assert window.fetches == 1 and window.row(9) is not None
        window.seed(["id"], [(1,), (2,)], complete=True)
        assert window.total == 2 and window.missing(0, 100) == []
    finally:
        await explorer.close()
