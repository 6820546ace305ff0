"""Vector search on real databases: on-topic neighbours, numpy brute force, fallback, refusals, the cell source."""

from __future__ import annotations

import pytest

from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.vector import sqlite_funcs
from sqla_explore.queries.vector.search import VectorSearchError, search
from sqla_explore.queries.vector.searcher import VectorSearcher
from sqla_explore.sample_db.embedder import LexicalEmbedder, get_embedder

from vector_helpers import KNOWN_QUERIES, all_vectors, brute_force, engine_for, make_documents_db, sqlite_url


def _url(sample_url: str) -> str:
    return sample_url if "://" in sample_url else sqlite_url(sample_url)


@pytest.mark.parametrize("metric", ["cosine", "l2", "ip"])
async def test_known_queries_find_their_topic(sample_url, metric):
    engine = engine_for(_url(sample_url))
    try:
        for topic, question in KNOWN_QUERIES.items():
            result = await search(engine, text_query=question, k=5, metric=metric)
            topics = [hit.topic for hit in result.hits]
            assert topics.count(topic) >= 4, (metric, question, topics)
            distances = [hit.distance for hit in result.hits]
            assert distances == sorted(distances)
        assert result.embedder == "wordllama-l2-256"
        assert result.backend == ("pgvector" if engine.dialect.name == "postgresql" else "sqlite-vec")
    finally:
        await engine.dispose()


@pytest.mark.parametrize("metric", ["cosine", "l2", "ip"])
async def test_results_equal_numpy_brute_force(sample_url, metric):
    engine = engine_for(_url(sample_url))
    try:
        ids, matrix = await all_vectors(engine)
        query = get_embedder().embed([KNOWN_QUERIES["sailing"]])[0]
        result = await search(engine, vector=query, text_query="sailing", k=8, metric=metric, exact=True)
        expected = brute_force(ids, matrix, query, metric, 8)
        assert [h.distance for h in result.hits] == pytest.approx([d for _, d in expected], abs=1e-5)
        assert {h.id for h in result.hits} == {i for i, _ in expected}
    finally:
        await engine.dispose()


async def test_numpy_fallback_gives_the_same_top_k(sqlite_sample):
    with_ext = engine_for(sqlite_url(sqlite_sample))
    stdlib = engine_for(sqlite_url(sqlite_sample), extension=False)  # pyenv's sqlite3 cannot load extensions
    forced = engine_for(sqlite_url(sqlite_sample))
    sqlite_funcs.install(forced, prefer_extension=False)
    try:
        results = {}
        for name, engine in (("ext", with_ext), ("stdlib", stdlib), ("forced", forced)):
            # The scan on every engine (the sample's vec0 table would give sqlite-vec another statement).
            results[name] = await search(
                engine, text_query=KNOWN_QUERIES["music"], k=6, metric="cosine", prefer_knn=False
            )
        assert results["ext"].backend == "sqlite-vec"
        assert results["forced"].backend == "numpy"
        if not sqlite_funcs.stdlib_can_load_extensions():
            assert results["stdlib"].backend == "numpy"
        for other in ("stdlib", "forced"):
            assert [h.id for h in results[other].hits] == [h.id for h in results["ext"].hits]
            assert [h.distance for h in results[other].hits] == pytest.approx(
                [h.distance for h in results["ext"].hits], abs=1e-5)
        assert results["forced"].statement == results["ext"].statement  # same SQL, other functions
    finally:
        for engine in (with_ext, stdlib, forced):
            await engine.dispose()


async def test_more_like_this_uses_the_stored_vector(sample_url):
    engine = engine_for(_url(sample_url))
    try:
        result = await search(engine, like_id=7, k=5)
        assert 7 not in [h.id for h in result.hits]
        source = await search(engine, like_id=7, k=1)
        assert source.hits
        assert "scalar_subquery()" in result.cell_source and "Document.id == 7" in result.cell_source
        with pytest.raises(VectorSearchError, match="no document with id 999999"):
            await search(engine, like_id=999999)
    finally:
        await engine.dispose()


async def test_bad_input_gets_clear_messages(sqlite_sample):
    engine = engine_for(sqlite_url(sqlite_sample))
    try:
        with pytest.raises(VectorSearchError, match="type some text"):
            await search(engine, text_query="   ")
        with pytest.raises(VectorSearchError, match="k must be a whole number"):
            await search(engine, text_query="boats", k=0)
        with pytest.raises(VectorSearchError, match="unknown metric 'dot'"):
            await search(engine, text_query="boats", metric="dot")
        with pytest.raises(VectorSearchError, match="PostgreSQL only"):
            await search(engine, text_query="boats", metric="l1")
    finally:
        await engine.dispose()


async def test_database_without_documents_is_refused(tmp_path):
    from sqlalchemy import text

    engine = engine_for(sqlite_url(tmp_path / "empty.db"))
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (x int)"))
        with pytest.raises(VectorSearchError, match="no documents or embedding_meta table"):
            await search(engine, text_query="boats")
    finally:
        await engine.dispose()


async def test_mismatched_embedder_is_refused(tmp_path):
    unknown = sqlite_url(tmp_path / "unknown.db")
    await make_documents_db(unknown, 20, embedder="openai-ada-002")
    wrong_dim = sqlite_url(tmp_path / "dim.db")
    await make_documents_db(wrong_dim, 20, dimension=384)
    good = sqlite_url(tmp_path / "good.db")
    await make_documents_db(good, 20)
    for url, pattern in ((unknown, "made by 'openai-ada-002'"), (wrong_dim, "384 dimensions")):
        engine = engine_for(url)
        try:
            with pytest.raises(VectorSearchError, match=pattern):
                await search(engine, text_query="boats")
        finally:
            await engine.dispose()
    engine = engine_for(good)
    try:
        with pytest.raises(VectorSearchError, match="embedder mismatch"):
            await search(engine, text_query="boats", embedder=LexicalEmbedder())
    finally:
        await engine.dispose()


async def test_cell_source_runs_in_the_explorer_with_the_same_results(sample_url):
    explorer = await Explorer.open(sample_url)
    try:
        searcher = VectorSearcher(explorer)
        await searcher.prepare()
        result = await searcher.search(text=KNOWN_QUERIES["cooking"], k=5, metric="l2", exact=True)
        report = await explorer.run(result.cell_source)
        assert report.ok, report.error
        assert [row[0] for row in report.rows] == [h.id for h in result.hits]
        assert [row[2] for row in report.rows] == pytest.approx([h.distance for h in result.hits], abs=1e-5)
        like = await searcher.search(like_id=3, k=3, exact=True)
        report = await explorer.run(like.cell_source)
        assert report.ok, report.error
        assert [row[0] for row in report.rows] == [h.id for h in like.hits]
    finally:
        await explorer.close()


def test_vector_engine_and_sample_never_import_textual():
    import subprocess
    import sys

    code = ("import sys, sqla_explore.queries.vector.searcher, sqla_explore.queries.vector.cli_search, "
            "sqla_explore.sample_db.documents; print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


async def test_lexical_fallback_database_works_and_is_labelled(tmp_path):
    url = sqlite_url(tmp_path / "lexical.db")
    await make_documents_db(url, 300, embedder="lexical-hash-256")
    explorer = await Explorer.open(url)
    try:
        searcher = VectorSearcher(explorer)
        await searcher.prepare()
        assert searcher.embedder.kind == "lexical"
        assert "(lexical)" in searcher.embedder_label
        result = await searcher.search(text="the sailboat and the harbour", k=5)
        assert result.embedder == "lexical-hash-256"
        assert [h.topic for h in result.hits].count("sailing") >= 4
    finally:
        await explorer.close()
