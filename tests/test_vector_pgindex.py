"""PostgreSQL: the HNSW index, EXPLAIN says whether it served the search, the exact toggle and recall@k."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sqla_explore.queries.vector.index import create_vector_index, index_name
from sqla_explore.queries.vector.search import VectorSearchError, missed_neighbours, recall_at_k, search

from vector_helpers import KNOWN_QUERIES, engine_for, make_documents_db, sqlite_url


@pytest.fixture(scope="module")
def indexed_url(pg_database_factory):
    import asyncio

    url = pg_database_factory("vecidx")
    asyncio.run(make_documents_db(url, 2000, index=True))
    return url


async def test_index_serves_cosine_and_recall_is_measured(indexed_url):
    engine = engine_for(indexed_url)
    try:
        result = await search(engine, text_query=KNOWN_QUERIES["astronomy"], k=5, metric="cosine", with_recall=True)
        assert result.index_used is True
        assert index_name("cosine") in result.plan
        assert "floats]'" in result.plan or "$1" in result.plan  # the 256 floats are elided
        assert result.recall is not None and 0.0 <= result.recall <= 1.0
        assert result.exact_ids is not None and len(result.exact_ids) == 5
        assert result.recall == recall_at_k([h.id for h in result.hits], result.exact_ids,
                                            [h.distance for h in result.hits], [h.distance for h in result.exact_hits])
        exact = await search(engine, text_query=KNOWN_QUERIES["astronomy"], k=5, metric="cosine", exact=True)
        assert exact.index_used is False and exact.exact
        assert "Seq Scan" in exact.plan
        assert [h.id for h in exact.hits] == result.exact_ids
    finally:
        await engine.dispose()


async def test_metric_without_an_index_scans(indexed_url):
    engine = engine_for(indexed_url)
    try:
        result = await search(engine, text_query=KNOWN_QUERIES["music"], k=5, metric="l2")
        assert result.index_used is False
        assert [h.topic for h in result.hits].count("music") >= 4
        l1 = await search(engine, text_query=KNOWN_QUERIES["music"], k=5, metric="l1")
        assert "<+>" in l1.statement and [h.topic for h in l1.hits].count("music") >= 4
    finally:
        await engine.dispose()


async def test_exact_toggle_does_not_leak_into_the_pool(indexed_url):
    engine = engine_for(indexed_url)
    try:
        await search(engine, text_query="boats", k=3, exact=True)
        async with engine.connect() as conn:
            assert (await conn.execute(text("show enable_indexscan"))).scalar() == "on"
    finally:
        await engine.dispose()


async def test_create_vector_index_is_idempotent_and_noop_on_sqlite(indexed_url, tmp_path):
    engine = engine_for(indexed_url)
    try:
        async with engine.begin() as conn:
            await create_vector_index(conn, "cosine")
            await create_vector_index(conn, "l2", maintenance_work_mem="64MB")
            names = set((await conn.execute(text("select indexname from pg_indexes where tablename='documents'"))).scalars())
            assert {index_name("cosine"), index_name("l2")} <= names
            with pytest.raises(ValueError, match="maintenance_work_mem"):
                await create_vector_index(conn, "cosine", maintenance_work_mem="1GB; drop table x")
            await conn.rollback()
    finally:
        await engine.dispose()
    lite = engine_for(sqlite_url(tmp_path / "x.db"))
    try:
        async with lite.begin() as conn:
            assert await create_vector_index(conn) == 0.0
    finally:
        await lite.dispose()


def test_recall_at_k():
    assert recall_at_k([1, 2, 3], [1, 2, 3]) == 1.0
    assert recall_at_k([1, 2, 9], [1, 2, 3]) == pytest.approx(2 / 3)
    assert recall_at_k([], []) == 1.0
    # a tie: id 9 is exactly as close as the exact scan's 3rd (id 3), so it counts
    assert recall_at_k([1, 2, 9], [1, 2, 3], [0.1, 0.2, 0.3], [0.1, 0.2, 0.3]) == 1.0
    assert recall_at_k([1, 2, 9], [1, 2, 3], [0.1, 0.2, 0.5], [0.1, 0.2, 0.3]) == pytest.approx(2 / 3)


async def test_a_starved_index_misses_neighbours_and_recall_says_so(indexed_url):
    engine = engine_for(indexed_url)
    try:
        result = await search(engine, text_query=KNOWN_QUERIES["cooking"], k=10, metric="cosine",
                              with_recall=True, ef_search=2)
        assert result.index_used is True
        assert result.recall is not None and result.recall < 1.0
        missed = missed_neighbours(result)
        assert missed and set(missed) <= set(result.exact_ids)
        with pytest.raises(VectorSearchError, match="ef_search"):
            await search(engine, text_query="x", ef_search=0)
    finally:
        await engine.dispose()
