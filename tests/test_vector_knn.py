"""SQLite vec0 KNN: the sample's documents_vec table, KNN equal to the exact scan, fallbacks with a clear reason."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3

import pytest

from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.vector.search import BITS_PATH, KNN_PATH, SCAN_PATH, describe_plan, search
from sqla_explore.queries.vector.searcher import VectorSearcher
from sqla_explore.sample_db import build
from sqla_explore.sample_db.embedder import get_embedder
from sqla_explore.sample_db.vec_table import (
    VEC_TABLE,
    has_bits_column,
    hidden_table_names,
    open_with_sqlite_vec,
    parse_vec_ddl,
)

from vector_helpers import KNOWN_QUERIES, all_vectors, brute_force, engine_for, sqlite_url


@pytest.fixture(scope="module")
def vec_sample(tmp_path_factory):
    """The SQLite sample built with its vec0 table (read-only; copy it to change it)."""
    path = tmp_path_factory.mktemp("vecsample") / "sample.db"
    asyncio.run(build.build_sample(path, vec_table=True))
    return path


def _vec_sql(path) -> str | None:
    conn = sqlite3.connect(path)  # reading sqlite_master needs no extension
    try:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (VEC_TABLE,)).fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def test_sample_has_the_vec0_table_when_asked(vec_sample, sqlite_sample):
    assert parse_vec_ddl(_vec_sql(vec_sample)) == (256, "cosine")
    assert has_bits_column(_vec_sql(vec_sample), 256)
    conn = open_with_sqlite_vec(vec_sample)
    try:
        docs = conn.execute("SELECT count(*) FROM documents WHERE embedding IS NOT NULL").fetchone()[0]
        assert conn.execute(f"SELECT count(*) FROM {VEC_TABLE}").fetchone()[0] == docs > 0
        # the table holds the very vectors of documents
        same = conn.execute(f"SELECT count(*) FROM {VEC_TABLE} v JOIN documents d ON d.id = v.rowid "
                            "WHERE v.embedding = d.embedding").fetchone()[0]
        assert same == docs
    finally:
        conn.close()
    conn = sqlite3.connect(vec_sample)
    try:
        made = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?",
                                           (VEC_TABLE + "%",))}
    finally:
        conn.close()
    assert made == hidden_table_names()  # the table and every shadow table sqlite-vec made for it
    # the default sample follows the builder's switch
    assert (_vec_sql(sqlite_sample) is not None) == build.VEC_TABLE_BY_DEFAULT


@pytest.mark.parametrize("topic", sorted(KNOWN_QUERIES))
async def test_knn_is_used_and_equals_the_exact_scan(vec_sample, topic):
    engine = engine_for(sqlite_url(vec_sample))
    try:
        knn = await search(engine, text_query=KNOWN_QUERIES[topic], k=8, exact=True)
        scan = await search(engine, text_query=KNOWN_QUERIES[topic], k=8, prefer_knn=False)
        assert knn.path == KNN_PATH and scan.path == SCAN_PATH
        assert f"{VEC_TABLE}.embedding MATCH" in knn.statement and "vec_distance_cosine" in scan.statement
        assert [h.id for h in knn.hits] == [h.id for h in scan.hits]
        assert [h.distance for h in knn.hits] == pytest.approx([h.distance for h in scan.hits], abs=1e-5)
        assert [h.topic for h in knn.hits].count(topic) >= 6
        assert describe_plan(knn).startswith("vec0 KNN (exact)")
        assert knn.as_json()["path"] == KNN_PATH
        assert knn.recall is None and not knn.approximate
    finally:
        await engine.dispose()


@pytest.mark.parametrize("topic", sorted(KNOWN_QUERIES))
async def test_binary_two_stage_is_approximate_and_measured(vec_sample, topic):
    engine = engine_for(sqlite_url(vec_sample))
    try:
        fast = await search(engine, text_query=KNOWN_QUERIES[topic], k=5, with_recall=True)
        exact = await search(engine, text_query=KNOWN_QUERIES[topic], k=5, exact=True)
        assert fast.path == BITS_PATH and fast.approximate
        assert "embedding_bits MATCH vec_quantize_binary(" in fast.statement
        assert "vec_distance_cosine(documents.embedding" in fast.statement  # the exact rerank
        assert fast.exact_ids == [h.id for h in exact.hits]  # recall is measured against the exact KNN
        assert fast.recall is not None and 0.0 <= fast.recall <= 1.0
        assert f"recall@5 against the exact KNN: {fast.recall:.2f}" in describe_plan(fast)
        assert [h.topic for h in fast.hits].count(topic) >= 4
        # the distances it shows are exact ones (reranked), so every hit's distance is a true distance
        by_id = {h.id: h.distance for h in (await search(engine, text_query=KNOWN_QUERIES[topic], k=100,
                                                          prefer_knn=False)).hits}
        for hit in fast.hits:
            if hit.id in by_id:
                assert hit.distance == pytest.approx(by_id[hit.id], abs=1e-5)
        like = await search(engine, like_id=21, k=5, with_recall=True)
        assert like.path == BITS_PATH and 21 not in [h.id for h in like.hits] and len(like.hits) == 5
    finally:
        await engine.dispose()


async def test_knn_equals_numpy_brute_force_and_more_like_this(vec_sample):
    engine = engine_for(sqlite_url(vec_sample))
    try:
        ids, matrix = await all_vectors(engine)
        query = get_embedder().embed([KNOWN_QUERIES["gardening"]])[0]
        result = await search(engine, vector=query, text_query="gardening", k=10, exact=True)
        assert result.path == KNN_PATH
        expected = brute_force(ids, matrix, query, "cosine", 10)
        assert [h.distance for h in result.hits] == pytest.approx([d for _, d in expected], abs=1e-5)
        like = await search(engine, like_id=11, k=5, exact=True)
        like_scan = await search(engine, like_id=11, k=5, prefer_knn=False)
        assert like.path == KNN_PATH and 11 not in [h.id for h in like.hits] and len(like.hits) == 5
        assert [h.id for h in like.hits] == [h.id for h in like_scan.hits]
    finally:
        await engine.dispose()


async def test_other_metrics_scan_and_say_why(vec_sample):
    engine = engine_for(sqlite_url(vec_sample))
    try:
        result = await search(engine, text_query=KNOWN_QUERIES["music"], k=5, metric="l2")
        assert result.path == SCAN_PATH
        assert "serves cosine only" in describe_plan(result)
    finally:
        await engine.dispose()


async def test_file_without_vec0_falls_back_to_the_scan(vec_sample, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(vec_sample, old)
    conn = open_with_sqlite_vec(old)
    conn.execute(f"DROP TABLE {VEC_TABLE}")  # an old sample: no vec0 table
    conn.commit()
    conn.close()
    engine = engine_for(sqlite_url(old))
    try:
        result = await search(engine, text_query=KNOWN_QUERIES["sailing"], k=5)
        assert result.path == SCAN_PATH and result.backend == "sqlite-vec"
        assert "no vec0 table (documents_vec) in this file" in describe_plan(result)
        assert [h.topic for h in result.hits].count("sailing") >= 4
    finally:
        await engine.dispose()


async def test_without_the_extension_the_numpy_scan_runs_and_says_why(vec_sample):
    engine = engine_for(sqlite_url(vec_sample), extension=False)
    from sqla_explore.queries.vector import sqlite_funcs

    sqlite_funcs.install(engine, prefer_extension=False)
    try:
        result = await search(engine, text_query=KNOWN_QUERIES["cooking"], k=5)
        assert result.backend == "numpy" and result.path == "scan (numpy functions)"
        assert "needs the sqlite-vec extension" in describe_plan(result)
    finally:
        await engine.dispose()


async def test_an_out_of_date_vec0_table_is_not_trusted(vec_sample, tmp_path):
    stale = tmp_path / "stale.db"
    shutil.copy(vec_sample, stale)
    conn = sqlite3.connect(stale)  # a plain connection can change documents (not the vec0 table)
    conn.execute("DELETE FROM documents WHERE id = 5")
    conn.commit()
    conn.close()
    engine = engine_for(sqlite_url(stale))
    try:
        result = await search(engine, text_query=KNOWN_QUERIES["databases"], k=5)
        assert result.path == SCAN_PATH
        assert "out of date" in describe_plan(result)
    finally:
        await engine.dispose()


async def test_explorer_opens_the_file_and_runs_the_knn_cell(vec_sample):
    explorer = await Explorer.open(str(vec_sample))
    try:
        searcher = VectorSearcher(explorer)
        await searcher.prepare()
        assert "vec0 KNN on documents_vec" in searcher.backend_label
        for exact, path, needle in ((True, KNN_PATH, "documents_vec.c.embedding.op"),
                                    (False, BITS_PATH, "documents_vec.c.embedding_bits.op")):
            result = await searcher.search(text=KNOWN_QUERIES["astronomy"], k=5, exact=exact)
            assert result.path == path
            assert needle in result.cell_source
            report = await explorer.run(result.cell_source)
            assert report.ok, report.error
            assert [row[0] for row in report.rows] == [h.id for h in result.hits]
            assert [row[2] for row in report.rows] == pytest.approx([h.distance for h in result.hits], abs=1e-5)
        like = await searcher.search(like_id=4, k=3)
        report = await explorer.run(like.cell_source)
        assert report.ok, report.error
        assert [row[0] for row in report.rows] == [h.id for h in like.hits]
    finally:
        await explorer.close()
