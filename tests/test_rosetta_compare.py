"""Rosetta on real databases: the legacy form on a sync Session, the 2.0 form through the engine, compared."""

from __future__ import annotations

import shutil

import pytest

from engine_helpers import count
from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.rosetta.compare import NOTE_TRANSLATED, rosetta_for, rosetta_report, rosetta_run
from sqla_explore.sample_db.data import NOTABLE

NEW_USER = (
    "from datetime import datetime\n"
    "user = User(email='rosetta@example.com', name='Rosa Etta', is_active=True, created_at=datetime(2025, 4, 12))\n"
)



# The seed article's CRUD table, each row run both ways.
async def test_crud_first(explorer):
    out = await rosetta_run(explorer, "db.query(User).first()")
    assert out.rosetta["modern"] == "(await db.execute(select(User).limit(1))).scalars().first()"
    assert out.rosetta["same_result"] is True
    assert out.rosetta["legacy_value"] == out.rosetta["modern_value"] == "User(1)"
    assert out.report.kind == "chain" and out.report.chain.value.id == 1
    # Both sides ask the database for one row (Query.first() adds LIMIT 1; the 2.0 form says .limit(1)).
    assert "LIMIT" in out.legacy.sql[-1].statement and "LIMIT" in out.report.sql[-1].statement


async def test_crud_all(explorer):
    out = await rosetta_run(explorer, "db.query(User).all()")
    assert out.rosetta["same_result"] is True
    assert len(out.report.chain.value) == 1000


async def test_crud_filter_one(explorer):
    name = NOTABLE["first_user_name"]
    out = await rosetta_run(explorer, f"name = {name!r}\ndb.query(User).filter(User.name == name).one()")
    assert out.rosetta["same_result"] is True
    assert out.report.chain.value.name == name
    # Both forms fail the same way on a duplicated name: same result, both errors shown.
    dup = NOTABLE["duplicate_name"]
    out = await rosetta_run(explorer, f"db.query(User).filter(User.name == {dup!r}).one()")
    assert out.rosetta["same_result"] is True
    assert out.rosetta["legacy_error"]["type"] == out.rosetta["modern_error"]["type"] == "MultipleResultsFound"


async def test_crud_add_commit(explorer, sample_url):
    out = await rosetta_run(explorer, NEW_USER + "db.add(user); db.commit()\nuser")
    assert out.rosetta["modern"].endswith("db.add(user)\nawait db.commit()\nuser")
    assert out.rosetta["same_result"] is True
    assert out.report.commit_requested and out.report.rolled_back
    assert ("INSERT", "users") in [(s.statement.split()[0], "users") for s in out.legacy.sql if "INSERT" in s.statement]
    assert await count(sample_url, "users", "where email = 'rosetta@example.com'") == 0  # both rolled back


async def test_crud_update(explorer, sample_url):
    cell = "id = 3\nnew_name = 'Renamed'\ndb.query(User).filter(User.id == id).update({User.name: new_name})"
    out = await rosetta_run(explorer, cell)
    assert "await db.execute(update(User).where(User.id == id).values(name=new_name))" in out.rosetta["modern"]
    assert out.rosetta["same_result"] is True
    assert out.rosetta["legacy_value"] == out.rosetta["modern_value"] == "1"
    assert await count(sample_url, "users", "where name = 'Renamed'") == 0


@pytest.mark.parametrize(
    "cell",
    [
        "db.query(User).filter(User.id < 5).count()",
        "db.query(User).get(1)",
        "db.query(User.id, User.name).filter_by(is_active=True).order_by(User.id).limit(5).offset(2).all()",
        "db.query(User).options(joinedload(User.posts)).filter(User.id < 3).all()",
        "db.query(User).options(selectinload(User.posts)).filter(User.id < 3).all()",
        "db.query(Post).join(Post.user).filter(User.id == 1).order_by(Post.id).all()",
        "db.query(User).filter(User.email == 'nobody@example.com').one_or_none()",
        "db.query(Comment).filter(Comment.id == 1).delete()",
        "db.query(User).filter(User.id < 3)",
        "db.query(func.count(Post.id)).filter(Post.user_id == 1).scalar()",
        "def get_user(db: Session, email: str):\n"
        "    return db.query(User).filter(User.email == email).first()\n"
        "get_user(db, 'ada@example.com')",
        "total = 0\nfor post in db.query(Post).filter(Post.user_id == 1):\n    total += len(post.title)\ntotal",
        "[name for (name,) in db.query(User.name).filter(User.id <= 3).order_by(User.id)]",
        "db.execute(select(User).where(User.id < 3))",  # sync execute(): awaited in 2.0, same rows
        "db.scalars(select(User.name).where(User.id < 3))",
    ],
)
async def test_more_queries_agree(explorer, cell):
    rosetta = await rosetta_for(explorer, cell)
    assert rosetta["same_result"] is True, rosetta
    assert "legacy_error" not in rosetta and "modern_error" not in rosetta


async def test_query_get_warning_is_reported(explorer):
    rosetta = await rosetta_for(explorer, "db.query(User).get(1)")
    assert any("Session.get()" in w for w in rosetta["legacy_warnings"])


async def test_the_failing_await_legacy_errors_modern_works(explorer):
    rosetta = await rosetta_for(explorer, "await db.query(User).filter(User.id == 1).first()")
    assert rosetta["same_result"] is False
    assert rosetta["legacy_error"] == {"type": "TypeError", "message": "object User can't be used in 'await' expression"}
    assert rosetta["modern_value"] == "User(1)"


async def test_different_results_are_reported(explorer):
    # A cell that behaves differently on the two sessions is caught.
    rosetta = await rosetta_for(explorer, "db.query(User).filter(User.id == (1 if type(db).__name__ == '_ProbeSession' else 2)).first()")
    assert rosetta["same_result"] is False
    assert rosetta["legacy_value"] == "User(1)" and rosetta["modern_value"] == "User(2)"


async def test_untranslatable_and_not_legacy(explorer):
    rosetta = await rosetta_for(explorer, "db.query(User).limit(3).update({User.name: 'x'})")
    assert rosetta["untranslatable"] == "Query.update() after .limit()"
    assert "same_result" not in rosetta
    assert await rosetta_for(explorer, "select(User).limit(3)") is None
    assert await rosetta_for(explorer, "(await db.execute(select(User))).scalars().first()") is None


async def test_commit_allowed_commits_the_modern_form_once(sqlite_sample, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(sqlite_sample, path)
    ex = await Explorer.open(str(path))
    try:
        out = await rosetta_run(ex, NEW_USER + "db.add(user)\ndb.commit()", commit=True)
        assert out.rosetta["same_result"] is True
        assert out.report.committed
    finally:
        await ex.close()
    assert await count(str(path), "users", "where email = 'rosetta@example.com'") == 1


class HookedExplorer(Explorer):
    """Explorer.run calling the Rosetta hook itself (the engine already does; the guard keeps it from running twice)."""

    async def run(self, cell, **kwargs):
        report = await rosetta_report(self, cell, **kwargs)
        return report if report is not None else await super().run(cell, **kwargs)


async def test_rosetta_report_hook_and_json(sample_url):
    import json

    from sqla_explore.queries.encode import report_to_json

    ex = await HookedExplorer.open(sample_url)
    try:
        report = await ex.run("db.query(User).filter(User.id == 2).first()")
        assert report.input == "db.query(User).filter(User.id == 2).first()"
        assert report.kind == "chain" and report.chain.value.id == 2
        assert report.notes[0] == NOTE_TRANSLATED
        data = json.loads(json.dumps(report_to_json(report)))
        assert data["rosetta"]["same_result"] is True
        assert data["rosetta"]["modern"] == "(await db.execute(select(User).where(User.id == 2).limit(1))).scalars().first()"
        assert data["chain"]["expression"].endswith(".scalars().first()")
        # Untranslatable: the cell runs as typed, fails clearly, and the rosetta object names the construct.
        report = await ex.run("db.query(User).limit(3).update({User.name: 'x'})")
        assert report.rosetta["untranslatable"] == "Query.update() after .limit()"
        assert report.error.type == "AttributeError" and "select(" in report.error.hint
        # Not legacy: no rosetta at all.
        report = await ex.run("select(User).limit(1)")
        assert report.rosetta is None and report.ok
    finally:
        await ex.close()
