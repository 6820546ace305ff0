"""The sample database: deterministic data, the builder on SQLite and PostgreSQL, its refusals, the CLI logic."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.exc import MultipleResultsFound, NoResultFound, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import selectinload
from sqlalchemy.pool import NullPool

from sqla_explore.sample_db import data, vec_table
from sqla_explore.sample_db.build import (
    BuildSummary,
    SampleExistsError,
    SampleTargetError,
    build_sample,
    default_sample_path,
    ensure_default_sample,
)
from sqla_explore.sample_db.cli_sample import run_sample_command
from sqla_explore.sample_db.documents import EMBEDDER_NAME, EMBEDDING_DIM
from sqla_explore.sample_db.schema import Comment, Document, EmbeddingMeta, Event, Post, User
from sqla_explore.sample_db.target import parse_target

N_EVENTS = 5_000
EXPECTED = {"users": data.USERS, "posts": data.POSTS, "comments": data.COMMENTS, "documents": data.DOCUMENTS,
            "events": N_EVENTS, "embedding_meta": 1}
NOTABLE = data.NOTABLE


def _url(target: str | Path) -> str:
    return f"sqlite+aiosqlite:///{target}" if isinstance(target, Path) else target


# ---------------------------------------------------------------- fixtures: built once per module


@pytest.fixture(scope="module")
def built_sqlite(tmp_path_factory) -> tuple[Path, BuildSummary, list]:
    path = tmp_path_factory.mktemp("sample_a") / "sample.db"
    calls: list = []
    summary = asyncio.run(build_sample(str(path), events=N_EVENTS, progress=lambda *a: calls.append(a)))
    return path, summary, calls


@pytest.fixture(scope="module")
def built_pg(pg_database_factory) -> tuple[str, BuildSummary, BuildSummary]:
    """A fresh database built once, then rebuilt with --force (and the events) on top of it."""
    url = pg_database_factory("sampletest")
    first = asyncio.run(build_sample(url, events=10))
    asyncio.run(_execute(url, "CREATE TABLE keepme (id integer PRIMARY KEY)"))  # not ours: --force keeps it
    second = asyncio.run(build_sample(url, events=N_EVENTS, force=True))
    return url, first, second


async def _execute(url: str, sql: str):
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            result = await conn.exec_driver_sql(sql)
            return result.all() if result.returns_rows else None
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def built_target(request) -> str | Path:
    if request.param == "sqlite":
        return request.getfixturevalue("built_sqlite")[0]
    return request.getfixturevalue("built_pg")[0]


async def _session_run(target: str | Path, work):
    engine = create_async_engine(_url(target), poolclass=NullPool)
    try:
        async with AsyncSession(engine) as session:
            return await work(session)
    finally:
        await engine.dispose()


def _sqlite_dump(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        listing = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        hidden = vec_table.hidden_table_names()  # the stdlib sqlite3 cannot read sqlite-vec's table
        tables = [r[0] for r in conn.execute(listing) if r[0] not in hidden]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY id').fetchall() for t in tables}
    finally:
        conn.close()


# ---------------------------------------------------------------- data generators (no database)


def test_users_are_unique_except_the_planned_duplicate():
    users = data.user_rows()
    names = [u["name"] for u in users]
    assert len(users) == data.USERS
    assert len({u["email"] for u in users}) == data.USERS
    duplicates = {n for n in names if names.count(n) > 1}
    assert duplicates == {NOTABLE["duplicate_name"]}
    same_name = [u["id"] for u in users if u["name"] == NOTABLE["duplicate_name"]]
    assert same_name == list(NOTABLE["duplicate_name_ids"])
    assert users[0]["email"] == NOTABLE["first_user_email"] and users[0]["id"] == 1
    assert all(any(ord(ch) > 127 for ch in users[i - 1]["name"]) for i in NOTABLE["unicode_user_ids"])


def test_generators_are_deterministic_and_stream():
    assert data.user_rows() == data.user_rows()
    users = data.user_rows()
    assert data.post_rows(users) == data.post_rows(users)
    assert list(data.event_rows(300)) == list(data.event_rows(300))
    # A generator, not a list: taking a few rows of a million costs nothing.
    stream = data.event_tuples(1_000_000)
    first = [next(stream) for _ in range(3)]
    assert [row[0] for row in first] == [1, 2, 3]


def test_event_payload_text_is_canonical_json_and_times_ascend():
    rows = list(data.event_tuples(2_000))
    for _, _, kind, payload, _ in rows:
        if payload is None:
            assert kind == "logout"
        else:
            assert json.dumps(json.loads(payload)) == payload
    times = [row[4] for row in rows]
    assert times == sorted(times)
    assert times[-1] < data.REFERENCE_TIME


def test_posts_and_comments_follow_the_notable_rules():
    users = data.user_rows()
    posts = data.post_rows(users)
    comments = list(data.comment_rows(posts))
    every = NOTABLE["no_posts_every"]
    assert not [p for p in posts if p["user_id"] % every == 0]
    assert [p["id"] for p in posts if p["user_id"] == 1] == [1, 2, 3]
    assert posts[NOTABLE["draft_post_id"] - 1]["published_at"] is None
    by_id = {p["id"]: p for p in posts}
    for c in comments:
        post = by_id[c["post_id"]]
        assert post["published_at"] is not None and c["created_at"] >= post["published_at"]
        assert c["post_id"] % NOTABLE["post_without_comments_id"] != 0


def test_chunked():
    assert list(data.chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(data.chunked([], 3)) == []


# ---------------------------------------------------------------- building on SQLite


def test_sqlite_build_counts_and_progress(built_sqlite):
    path, summary, calls = built_sqlite
    assert summary.counts == EXPECTED
    assert summary.backend == "sqlite" and summary.target == str(path) and not summary.replaced
    dump = _sqlite_dump(path)
    assert {t: len(rows) for t, rows in dump.items()} == EXPECTED
    stages = {c[0] for c in calls}
    assert {"users", "posts", "comments", "documents", "events", "indexes"} <= stages
    assert ("events", N_EVENTS, N_EVENTS) in calls
    assert all(0 <= done <= total for _, done, total in calls)
    # no temporary file left beside the sample
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_sqlite_indexes_exist(built_sqlite):
    conn = sqlite3.connect(built_sqlite[0])
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert {"ix_events_user_id", "ix_posts_user_id", "ix_comments_post_id"} <= names


def test_two_builds_are_identical(built_sqlite, tmp_path):
    other = tmp_path / "again.db"
    asyncio.run(build_sample(other, events=N_EVENTS))
    assert _sqlite_dump(other) == _sqlite_dump(built_sqlite[0])


def test_refuses_existing_file_without_force(tmp_path):
    path = tmp_path / "mine.db"
    path.write_bytes(b"precious")
    with pytest.raises(SampleExistsError, match="--force"):
        asyncio.run(build_sample(path))
    assert path.read_bytes() == b"precious"


def test_force_replaces_an_existing_file(tmp_path):
    path = tmp_path / "old.db"
    path.write_bytes(b"not a database")
    (tmp_path / "old.db-wal").write_bytes(b"stale")
    summary = asyncio.run(build_sample(f"sqlite:///{path}", force=True))
    assert summary.replaced and summary.counts["users"] == data.USERS
    assert not (tmp_path / "old.db-wal").exists()
    assert len(_sqlite_dump(path)["users"]) == data.USERS


def test_failed_build_leaves_nothing_behind(tmp_path):
    path = tmp_path / "broken.db"

    def explode(stage, done, total):
        if stage == "comments" and done > 0:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        asyncio.run(build_sample(path, progress=explode))
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- both backends through the ORM models


async def test_notable_rows(built_target):
    async def check(db: AsyncSession):
        ada = (await db.execute(select(User).where(User.email == NOTABLE["first_user_email"]))).scalars().first()
        assert (ada.id, ada.name) == (1, NOTABLE["first_user_name"])
        same = select(User).where(User.name == NOTABLE["duplicate_name"])
        with pytest.raises(MultipleResultsFound):
            (await db.execute(same)).scalars().one()
        with pytest.raises(NoResultFound):
            (await db.execute(select(User).where(User.email == NOTABLE["missing_email"]))).scalars().one()
        one = (await db.execute(select(User).where(User.name == NOTABLE["first_user_name"]))).scalars().one()
        assert one.id == 1
        inactive = await db.get(User, NOTABLE["inactive_user_id"])
        assert inactive.is_active is False
        names = [(await db.get(User, i)).name for i in NOTABLE["unicode_user_ids"]]
        assert "李雷" in names and "Zoë Ñúñez" in names
        lurker = (await db.execute(select(User).options(selectinload(User.posts))
                                   .where(User.id == NOTABLE["user_without_posts_id"]))).scalars().one()
        assert lurker.posts == []
        silent = select(User.id).where(~User.posts.any())
        no_posts = set((await db.execute(silent)).scalars().all())
        lurkers = set(range(NOTABLE["no_posts_every"], data.USERS + 1, NOTABLE["no_posts_every"]))
        assert lurkers <= no_posts and len(no_posts) < 100
        ada_posts = (await db.execute(select(Post).where(Post.user_id == 1).order_by(Post.id))).scalars().all()
        assert len(ada_posts) == NOTABLE["first_user_post_count"]
        assert ada_posts[-1].id == NOTABLE["draft_post_id"] and ada_posts[-1].published_at is None
        quiet = (await db.execute(select(func.count()).select_from(Comment)
                                  .where(Comment.post_id == NOTABLE["post_without_comments_id"]))).scalar()
        assert quiet == 0
        drafts = (await db.execute(select(func.count()).select_from(Post).where(Post.published_at.is_(None))))
        assert 0 < drafts.scalar() < data.POSTS // 4

    await _session_run(built_target, check)


async def test_embeddings_round_trip(built_target):
    async def check(db: AsyncSession):
        doc = await db.get(Document, 1)
        assert isinstance(doc.embedding, np.ndarray)
        assert doc.embedding.dtype == np.float32 and doc.embedding.shape == (EMBEDDING_DIM,)
        assert abs(float(np.linalg.norm(doc.embedding)) - 1.0) < 1e-3
        meta = (await db.execute(select(EmbeddingMeta))).scalars().one()
        assert (meta.embedder, meta.dimension) == (EMBEDDER_NAME, EMBEDDING_DIM)
        # write one back and read it again: exact float32 values survive
        vector = np.linspace(-1, 1, EMBEDDING_DIM, dtype=np.float32)
        db.add(Document(title="probe", body="x", topic="test", embedding=vector.tolist()))
        await db.flush()
        probe = (await db.execute(select(Document.embedding).where(Document.title == "probe"))).scalar_one()
        assert np.array_equal(probe, vector) and probe.dtype == np.float32
        with pytest.raises(StatementError, match=f"{EMBEDDING_DIM} floats"):
            db.add(Document(title="bad", body="x", topic="test", embedding=[1.0, 2.0]))
            await db.flush()
        await db.rollback()

    await _session_run(built_target, check)


def test_distance_methods_compile_per_backend():
    from sqlalchemy.dialects import postgresql, sqlite

    query = np.zeros(EMBEDDING_DIM, dtype=np.float32)
    stmt = select(Document.id).order_by(Document.embedding.l2_distance(query)).limit(3)
    assert "documents.embedding <-> " in str(stmt.compile(dialect=postgresql.dialect()))
    assert "vec_distance_l2(documents.embedding, ?)" in str(stmt.compile(dialect=sqlite.dialect()))
    cosine = select(Document.embedding.cosine_distance(query))
    assert "vec_distance_cosine(" in str(cosine.compile(dialect=sqlite.dialect()))
    with pytest.raises(Exception, match="PostgreSQL"):
        str(select(Document.embedding.l1_distance(query)).compile(dialect=sqlite.dialect()))


async def test_pgvector_distance_runs(built_pg):
    async def nearest(db: AsyncSession):
        doc = await db.get(Document, 7)
        stmt = select(Document.id, Document.embedding.l2_distance(doc.embedding).label("d")).order_by("d").limit(3)
        rows = (await db.execute(stmt)).all()
        cosine = (await db.execute(select(Document.embedding.cosine_distance(doc.embedding.tolist()))
                                   .where(Document.id == 7))).scalar_one()
        return rows, cosine

    rows, cosine = await _session_run(built_pg[0], nearest)
    assert rows[0][0] == 7 and rows[0][1] == pytest.approx(0.0, abs=1e-6) and rows[1][1] >= rows[0][1]
    assert cosine == pytest.approx(0.0, abs=1e-6)


async def test_new_rows_get_fresh_ids_and_events_decode(built_target):
    async def check(db: AsyncSession):
        user = User(email="new@example.com", name="New Person", is_active=True, created_at=data.REFERENCE_TIME)
        db.add(user)
        await db.flush()
        assert user.id == data.USERS + 1
        events = (await db.execute(select(Event).order_by(Event.id).limit(50))).scalars().all()
        expected = list(data.event_rows(N_EVENTS))[:50]
        got = [{"id": e.id, "user_id": e.user_id, "kind": e.kind, "payload": e.payload, "created_at": e.created_at}
               for e in events]
        assert got == expected
        await db.rollback()

    await _session_run(built_target, check)


async def test_same_data_on_both_backends(built_sqlite, built_pg):
    async def dump(db: AsyncSession):
        users = (await db.execute(select(User.id, User.email, User.name, User.is_active, User.created_at)
                                  .order_by(User.id))).all()
        posts = (await db.execute(select(Post.id, Post.user_id, Post.title, Post.published_at)
                                  .order_by(Post.id))).all()
        docs = (await db.execute(select(Document.id, Document.topic, Document.title).order_by(Document.id))).all()
        return [tuple(r) for r in users], [tuple(r) for r in posts], [tuple(r) for r in docs]

    assert await _session_run(built_sqlite[0], dump) == await _session_run(built_pg[0], dump)


# ---------------------------------------------------------------- PostgreSQL specifics


def test_pg_build_counts_refusal_and_force(built_pg):
    url, first, second = built_pg
    assert first.backend == "postgresql" and not first.replaced and first.counts["events"] == 10
    assert second.replaced and second.counts == EXPECTED
    with pytest.raises(SampleExistsError, match="--force"):
        asyncio.run(build_sample(url))


async def test_pg_rebuild_left_one_copy_of_everything(built_pg):
    async def count(db: AsyncSession):
        return {name: (await db.execute(select(func.count()).select_from(model))).scalar()
                for name, model in [("users", User), ("events", Event), ("documents", Document),
                                    ("embedding_meta", EmbeddingMeta)]}

    assert await _session_run(built_pg[0], count) == {k: EXPECTED[k] for k in
                                                      ("users", "events", "documents", "embedding_meta")}
    assert await _execute(built_pg[0], "SELECT count(*) FROM keepme") == [(0,)]


def test_pg_unreachable_server_is_a_clear_error():
    with pytest.raises(SampleTargetError, match="cannot connect"):
        asyncio.run(build_sample("postgresql://nobody:secret@127.0.0.1:1/sample"))


# ---------------------------------------------------------------- targets and the CLI logic


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("mysql://u@h/db", "unsupported target scheme"),
        ("sqlite://", "in-memory"),
        ("postgresql+psycopg2://u@h/db", "asyncpg"),
        ("postgresql://u@localhost", "names no database"),
        ("/no/such/dir/sample.db", "does not exist"),
        ("", "no target"),
        ("postgresql://u@h:abc/db", "cannot parse the URL"),
    ],
)
def test_bad_targets(target, message):
    with pytest.raises(SampleTargetError, match=message):
        parse_target(target)


def test_target_forms(tmp_path):
    assert parse_target(tmp_path / "a.db").path == tmp_path / "a.db"
    assert parse_target(f"sqlite+aiosqlite:///{tmp_path}/a.db").path == tmp_path / "a.db"
    pg = parse_target("postgres://u:pw@h:5433/db")
    assert pg.backend == "postgresql" and pg.url.drivername == "postgresql+asyncpg"
    assert "pw" not in pg.display
    with pytest.raises(SampleTargetError, match="directory"):
        parse_target(tmp_path)


def _consoles():
    out, err = io.StringIO(), io.StringIO()
    return out, err, Console(file=out, width=200), Console(file=err, width=200)


def test_cli_logic_builds_and_refuses(tmp_path):
    path = tmp_path / "cli.db"
    out, err, oc, ec = _consoles()
    assert run_sample_command(str(path), 100, False, console=oc, error_console=ec) == 0
    text = out.getvalue()
    assert "events" in text and "100" in text and "30,000" in text and "Built" in text
    out, err, oc, ec = _consoles()
    assert run_sample_command(str(path), 0, False, console=oc, error_console=ec) == 2
    assert "--force" in err.getvalue() and "Traceback" not in err.getvalue()
    for bad in ("mysql://x/y", "postgresql://nobody@127.0.0.1:1/x"):
        out, err, oc, ec = _consoles()
        assert run_sample_command(bad, 0, False, console=oc, error_console=ec) == 2
        assert err.getvalue().startswith("error:")
    out, err, oc, ec = _consoles()
    assert run_sample_command(str(tmp_path / "n.db"), -1, False, console=oc, error_console=ec) == 2
    assert "--events" in err.getvalue()


def test_sample_command_exit_code_through_the_cli(tmp_path):
    existing = tmp_path / "taken.db"
    existing.write_bytes(b"x")
    done = subprocess.run([sys.executable, "-m", "sqla_explore", "sample", str(existing)],
                          capture_output=True, text=True, env={**os.environ, "CI": "true"})
    assert done.returncode == 2
    assert "--force" in done.stderr and "Traceback" not in done.stderr
    assert existing.read_bytes() == b"x"


def test_default_sample_is_built_once(tmp_path, monkeypatch):
    target = tmp_path / "data" / "sample.db"
    monkeypatch.setenv("SQLA_EXPLORE_SAMPLE", str(target))
    assert default_sample_path() == target
    assert asyncio.run(ensure_default_sample()) == target
    stamp = target.stat().st_mtime_ns
    assert asyncio.run(ensure_default_sample()) == target
    assert target.stat().st_mtime_ns == stamp


def test_default_sample_path_without_override(monkeypatch):
    monkeypatch.delenv("SQLA_EXPLORE_SAMPLE", raising=False)
    path = default_sample_path()
    assert path.name == "sample.db" and "sqla-explore" in str(path)


def test_sample_db_never_imports_textual():
    code = ("import sys, sqla_explore.sample_db.build, sqla_explore.sample_db.cli_sample; "
            "sys.exit('textual' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ---------------------------------------------------------------- the shared conftest fixtures


def test_shared_sample_fixtures_smoke(sample_url):
    async def count(db: AsyncSession):
        return (await db.execute(select(func.count()).select_from(User))).scalar()

    target = Path(sample_url) if "://" not in sample_url else sample_url
    assert asyncio.run(_session_run(target, count)) == data.USERS


async def test_postgres_sample_has_a_well_connected_hnsw_index(pg_sample_url):
    # ef_construction 64 left a whole topic unreachable in about 1 build in 20 (the sample clusters tightly).
    rows = await _execute(
        pg_sample_url,
        "SELECT c.reloptions FROM pg_class c WHERE c.relname = 'ix_documents_embedding_hnsw_cosine'",
    )
    assert rows and "ef_construction=200" in rows[0][0]


def test_a_sqlite_sample_built_after_a_postgresql_one_keeps_its_foreign_keys(built_pg, tmp_path):
    """The PostgreSQL build adds its keys after the data (ALTER TABLE); that must not strip them from the shared
    schema, or a SQLite sample built later in the same process has no keys and no relationships to show."""
    import sqlite3

    path = tmp_path / "after_pg.db"
    asyncio.run(build_sample(str(path), events=10))
    with sqlite3.connect(path) as conn:
        keys = {(table, row[2]) for table in ("posts", "comments", "events") for row in conn.execute(f"PRAGMA foreign_key_list({table})")}
    assert keys == {("posts", "users"), ("comments", "posts"), ("comments", "users"), ("events", "users")}
