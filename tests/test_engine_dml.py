"""DML runs in a transaction that is rolled back unless committing was allowed."""

from __future__ import annotations

from engine_helpers import count, run_cell


async def test_update_is_rolled_back_by_default(sample_url):
    report = await run_cell(sample_url, "update(User).where(User.id == 2).values(name='Changed')")
    assert report.ok and report.kind == "dml"
    assert report.rowcount == 1 and report.rolled_back and not report.committed
    assert report.sql[0].statement.upper().startswith("UPDATE")
    check = await run_cell(sample_url, "select(User.name).where(User.id == 2)")
    assert check.rows[0][0] != "Changed"


async def test_insert_returning_shows_rows(sample_url):
    report = await run_cell(
        sample_url,
        "insert(User).values(email='new@example.com', name='New', is_active=True, created_at=func.now())"
        ".returning(User.id, User.email)",
    )
    assert report.ok, report.error
    assert report.keys == ["id", "email"] and report.rows[0][1] == "new@example.com"
    assert report.rolled_back
    assert await count(sample_url, "users", "where email = 'new@example.com'") == 0


async def test_add_and_commit_is_held_back(sample_url):
    cell = (
        "user = User(email='held@example.com', name='Held', is_active=True, created_at=datetime.datetime(2025, 1, 1))\n"
        "db.add(user)\n"
        "await db.commit()"
    )
    report = await run_cell(sample_url, "import datetime\n" + cell)
    assert report.ok, report.error
    assert report.commit_requested and not report.committed and report.rolled_back
    assert any(s.statement.upper().startswith("INSERT") for s in report.sql)
    assert await count(sample_url, "users", "where email = 'held@example.com'") == 0


async def test_commit_when_allowed(tmp_path, sqlite_sample):
    import shutil

    db = tmp_path / "copy.db"
    shutil.copy(sqlite_sample, db)
    before = await count(str(db), "posts")
    report = await run_cell(str(db), "delete(Comment).where(Comment.post_id == 1)", commit=True)
    assert report.ok and report.committed and not report.rolled_back
    assert await count(str(db), "comments", "where post_id = 1") == 0
    assert await count(str(db), "posts") == before


async def test_raw_sql_dml_is_rolled_back(sample_url):
    report = await run_cell(sample_url, "DELETE FROM comments WHERE id < 10")
    assert report.ok and report.kind == "sql" and report.rolled_back
    assert await count(sample_url, "comments", "where id < 10") == 9


async def test_read_only_refuses_writes(sample_url):
    for cell in ("update(User).values(name='x')", "DROP TABLE comments", "await db.execute(delete(Post))"):
        report = await run_cell(sample_url, cell, read_only=True)
        assert report.error is not None and report.error.category == "read-only", cell
    report = await run_cell(sample_url, "select(User).limit(1)", read_only=True)
    assert report.ok
    report = await run_cell(sample_url, "select(User).limit(1)", read_only=True, commit=True)
    assert report.error.category == "read-only"
    # Adding an object and committing is a write: refused.
    added = "db.add(User(email='ro@example.com', name='R O', is_active=True, created_at=datetime.datetime(2025, 1, 1)))\nawait db.commit()"
    report = await run_cell(sample_url, "import datetime\n" + added, read_only=True)
    assert report.error is not None and report.error.category == "read-only"
    # A commit with nothing to write is not: it still expires what was loaded, as in an app.
    cell = "user = (await db.execute(select(User).limit(1))).scalars().first()\nawait db.commit()\nuser.name"
    report = await run_cell(sample_url, cell, read_only=True)
    assert report.error is not None and "MissingGreenlet" in report.error.type + report.error.message
