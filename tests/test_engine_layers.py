"""Every layer of a run, on the SQLite sample and on PostgreSQL: tray, boxes, food, plate, SQL."""

from __future__ import annotations

import pytest

from engine_helpers import run_cell
from sqla_explore.queries.report import PLATE_CONSUMERS
from sqla_explore.sample_db.data import NOTABLE


async def test_single_entity_layers(sample_url):
    report = await run_cell(sample_url, "select(User).where(User.id <= 3).order_by(User.id)")
    assert report.ok, report.error
    assert report.kind == "select"
    assert report.result_class == "ChunkedIteratorResult"
    assert report.keys == ["User"]
    assert report.row_count == 3 and not report.truncated
    assert [type(row) for row in report.rows] == [tuple] * 3
    assert [u.id for (u,) in report.rows] == [1, 2, 3]
    assert [u.id for u in report.scalars] == [1, 2, 3]
    assert repr(report.scalars[0]) == "User(id=1, email='ada@example.com', name='Ada Lovelace')"
    assert list(report.plate) == [name for name in PLATE_CONSUMERS if name != "unique().all()"]
    plate = report.plate
    assert plate["first()"].value[0].id == 1
    assert plate["scalars().first()"].value.id == 1
    assert plate["scalar()"].value.id == 1
    assert len(plate["all()"].value) == 3
    assert [m["User"].id for m in plate["mappings().all()"].value] == [1, 2, 3]
    for name in ("one()", "scalar_one()", "scalars().one()"):
        assert plate[name].error.type == "MultipleResultsFound"
        assert "exactly one" in plate[name].error.message
    assert plate["one_or_none()"].error.type == "MultipleResultsFound"
    assert len(report.sql) == 1 and report.sql[0].statement.lstrip().upper().startswith("SELECT")


async def test_no_rows_plate(sample_url):
    report = await run_cell(sample_url, f"select(User).where(User.email == {NOTABLE['missing_email']!r})")
    assert report.ok
    assert report.row_count == 0 and report.rows == [] and report.scalars == []
    plate = report.plate
    assert plate["first()"].ok and plate["first()"].value is None
    assert plate["one_or_none()"].value is None
    assert plate["scalar_one_or_none()"].value is None
    assert plate["scalar()"].value is None
    for name in ("one()", "scalar_one()", "scalars().one()"):
        assert plate[name].error.type == "NoResultFound"


async def test_exactly_one_row(sample_url):
    report = await run_cell(sample_url, f"select(User).where(User.name == {NOTABLE['first_user_name']!r})")
    for name in ("one()", "one_or_none()", "scalar_one()", "scalar_one_or_none()", "scalars().one()"):
        assert report.plate[name].ok, name


async def test_columns_and_multi_entity(sample_url):
    report = await run_cell(sample_url, "select(User.id, User.email).where(User.id < 3).order_by(User.id)")
    assert report.keys == ["id", "email"]
    assert report.rows == [(1, "ada@example.com"), (2, report.rows[1][1])]
    assert report.scalars == [1, 2]  # .scalars() keeps the first column only
    assert report.plate["mappings().all()"].value[0]["email"] == "ada@example.com"

    report = await run_cell(sample_url, "select(User, Post).join(User.posts).where(User.id == 1).order_by(Post.id)")
    assert report.keys == ["User", "Post"]
    assert all(type(u).__name__ == "User" and type(p).__name__ == "Post" for u, p in report.rows)
    assert all(type(x).__name__ == "User" for x in report.scalars)


async def test_raw_sql_runs_through_text(sample_url):
    report = await run_cell(sample_url, "SELECT id, email FROM users WHERE id = 1")
    assert report.ok and report.kind == "sql"
    assert report.result_class == "CursorResult"
    assert report.rows == [(1, "ada@example.com")]
    assert report.plate["scalar_one()"].value == 1


async def test_cells_with_setup_lines_await_and_walrus(sample_url):
    cell = (
        "subq = select(func.count(Post.id)).where(Post.user_id == User.id).scalar_subquery()\n"
        "stmt = select(User.id, subq.label('n_posts')).where(User.id == 1)\n"
        "stmt"
    )
    report = await run_cell(sample_url, cell)
    assert report.ok, report.error
    assert report.rows == [(1, NOTABLE["first_user_post_count"])]

    report = await run_cell(sample_url, "(n := 2)\nselect(User).where(User.id == n)")
    assert report.scalars[0].id == 2

    report = await run_cell(sample_url, "user = await db.get(User, 1)\nuser.email")
    assert report.ok and report.kind == "value" and report.value == "ada@example.com"


async def test_limit_truncates_without_fetching_everything(sample_url):
    report = await run_cell(sample_url, "select(Comment)", limit=50)
    assert report.truncated and report.row_count == 50
    assert len(report.rows) == 50 and len(report.scalars) == 50
    assert len(report.plate["all()"].value) == 50
    assert report.plate["one()"].error.type == "MultipleResultsFound"


async def test_selectinload_second_query_is_captured(sample_url):
    report = await run_cell(sample_url, "select(User).options(selectinload(User.posts)).where(User.id <= 2)")
    assert report.ok
    assert len(report.sql) == 2
    assert "posts" in report.sql[1].statement.lower()
    assert len(report.scalars[0].posts) == NOTABLE["first_user_post_count"]


async def test_joined_eager_collection_needs_unique(sample_url):
    report = await run_cell(sample_url, "select(User).options(joinedload(User.posts)).where(User.id <= 2)")
    assert report.ok, report.error
    assert report.plate["all()"].error.type == "InvalidRequestError"
    assert "unique()" in report.plate["all()"].error.message
    assert len(report.plate["unique().all()"].value) == 2
    assert len(report.sql) == 1


async def test_relationship_names_are_readable(sample_url):
    report = await run_cell(sample_url, "select(Post).where(Post.id == 1).options(joinedload(Post.user))")
    assert report.ok, report.error
    assert report.scalars[0].user.id == report.scalars[0].user_id


@pytest.mark.parametrize("cell", ["User", "tables.users"])
async def test_bare_class_or_table_means_select(sqlite_sample, cell):
    report = await run_cell(str(sqlite_sample), cell, limit=5)
    assert report.ok and report.truncated and len(report.rows) == 5
    assert report.notes


async def test_mappings_on_the_plate_equal_sqlalchemys_own(sample_url):
    """mappings().all() is derived from all()'s rows and read lazily; it must equal the real thing."""
    from sqlalchemy import text

    from sqla_explore.queries.explorer import Explorer
    from sqla_explore.queries.report import RowMappings

    explorer = await Explorer.open(sample_url if "://" in sample_url else str(sample_url))
    try:
        cell = "select(User.id, User.email).where(User.id <= 5).order_by(User.id)"
        report = await explorer.run(cell, limit=3)
        value = report.plate["mappings().all()"].value
        assert isinstance(value, RowMappings) and len(value) == 3  # capped at the limit like any list
        async with explorer.session_factory() as session:
            real = (await session.execute(text("SELECT id, email FROM users WHERE id <= 3 ORDER BY id"))).mappings().all()
        assert value == real and list(value) == real and value[1:] == real[1:]
        assert dict(value[0]) == {"id": 1, "email": "ada@example.com"}
        assert repr(value) == repr(real)
    finally:
        await explorer.close()
