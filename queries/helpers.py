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


def _distance(kind_name: str):
    def distance(vector, other):
        """pgvector's distance as a function, as the seed article writes it: `l2_distance(Document.embedding, q)`.
        `<->` and friends on PostgreSQL, sqlite-vec's vec_distance_* on SQLite."""
        from sqlalchemy import bindparam
        from sqlalchemy.sql.elements import ClauseElement

        from sqla_explore.sample_db import vector_type

        if not isinstance(other, ClauseElement):
            other = bindparam(None, other, type_=getattr(vector, "type", None))
        return getattr(vector_type, kind_name)(vector, other)

    distance.__name__ = distance.__qualname__ = kind_name
    return distance


VECTOR_DISTANCES = {
    "l2_distance": _distance("L2Distance"),
    "cosine_distance": _distance("CosineDistance"),
    "max_inner_product": _distance("MaxInnerProduct"),
    "l1_distance": _distance("L1Distance"),
}
