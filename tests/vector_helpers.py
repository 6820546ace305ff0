"""Helpers for the vector tests: a small documents + embedding_meta database, engines with/without sqlite-vec."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from sqla_explore.queries.vector import sqlite_funcs
from sqla_explore.queries.vector.index import create_vector_index
from sqla_explore.sample_db.documents import EMBEDDER_NAME, document_records
from sqla_explore.sample_db.schema import Document, EmbeddingMeta

KNOWN_EMBEDDERS = ("wordllama-l2-256", "lexical-hash-256")

# Paraphrased questions (no shared title words needed) and the topic their neighbours must have.
KNOWN_QUERIES = {
    "astronomy": "watching planets and stars at night",
    "cooking": "a recipe for a tasty dinner",
    "gardening": "when to plant flowers and prune shrubs",
    "sailing": "a boat in windy weather on the sea",
    "databases": "how to make slow SQL queries faster",
    "music": "a concert with violins and piano",
}


def sqlite_url(path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def engine_for(url: str, *, extension: bool = True) -> AsyncEngine:
    """An engine on `url`; on SQLite with `extension`, aiosqlite drives sqlean so sqlite-vec can load."""
    parsed = make_url(url)
    options = sqlite_funcs.engine_options(parsed) if extension else {}
    return create_async_engine(parsed, poolclass=NullPool, **options)


async def make_documents_db(url: str, count: int = 400, *, embedder: str | None = None, dimension: int = 256,
                            index: bool = False) -> None:
    """Only the documents and embedding_meta tables, filled like the sample (and the HNSW index on PostgreSQL)."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
            await conn.run_sync(lambda c: Document.__table__.create(c))
            await conn.run_sync(lambda c: EmbeddingMeta.__table__.create(c))
            records = document_records(count, embedder_name=embedder if embedder in KNOWN_EMBEDDERS else None)
            rows = [dict(id=i, **r) for i, r in enumerate(records, start=1)]
            await conn.execute(insert(Document.__table__), rows)
            await conn.execute(insert(EmbeddingMeta.__table__), [
                {"embedder": embedder or EMBEDDER_NAME, "dimension": dimension, "created_at": datetime(2024, 1, 1)}])
            if index:
                await create_vector_index(conn, "cosine")
    finally:
        await engine.dispose()


async def all_vectors(engine: AsyncEngine) -> tuple[list[int], np.ndarray]:
    table = Document.__table__
    async with engine.connect() as conn:
        rows = (await conn.execute(select(table.c.id, table.c.embedding).order_by(table.c.id))).all()
    return [r.id for r in rows], np.stack([np.asarray(r.embedding, dtype=np.float64) for r in rows])


def brute_force(ids: list[int], matrix: np.ndarray, query: np.ndarray, metric: str, k: int) -> list[tuple[int, float]]:
    q = np.asarray(query, dtype=np.float64)
    if metric == "cosine":
        d = 1 - (matrix @ q) / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(q))
    elif metric == "l2":
        d = np.linalg.norm(matrix - q, axis=1)
    else:
        d = -(matrix @ q)
    order = np.argsort(d, kind="stable")[:k]
    return [(ids[i], float(d[i])) for i in order]
