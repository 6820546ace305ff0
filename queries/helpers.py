"""Helpers that cells may call, starting with the seed article's `db_get`."""

from __future__ import annotations

from sqlalchemy import select


async def db_get(db, model, **kwargs):
    """The first `model` whose columns equal kwargs, or None: `await db_get(db, User, email=...)`."""
    result = await db.execute(select(model).filter_by(**kwargs))
    return result.scalars().first()


def sync_session(db):
    """`with sync_session(db) as s:` a real sync Session on the same database (pysqlite / psycopg), rolled
    back at the end: for demos of legacy code, e.g. inside `run_in_threadpool`."""
    from .rosetta.syncdb import sync_session as _sync_session

    return _sync_session(db)


def _distance(method: str):
    def distance(vector, other):
        """pgvector's distance as a function, as the seed article writes it: `l2_distance(Document.embedding, q)`
        is `Document.embedding.l2_distance(q)`, so the column's own type decides the SQL (pgvector's operators on
        PostgreSQL; the sample's vectors use sqlite-vec's functions on SQLite)."""
        return getattr(vector, method)(other)

    distance.__name__ = distance.__qualname__ = method
    return distance


VECTOR_DISTANCES = {name: _distance(name) for name in ("l2_distance", "cosine_distance", "max_inner_product", "l1_distance")}
