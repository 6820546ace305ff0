"""Search statements built once per shape and reused, with the query's values bound at execution.

A shape is (backend, metric, vec0 KNN or scan, text query or "more like this"). Rebuilding the Select for
every search and compiling it again to show its SQL cost ~0.6 ms per search here (a third of an HNSW
search); a template per shape costs that once, and SQLAlchemy's compiled cache serves every execution.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from pgvector.sqlalchemy import Vector
from sqlalchemy import Integer, LargeBinary, Select, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY, REAL

from ...sample_db.schema import Document
from ...sample_db.vec_table import BITS_COLUMN
from .statements import VectorSearchError, check_metric, distance_expression, documents_vec


SCAN, KNN, BITS = "scan", "knn", "bits"  # the shapes of a search (see template)
RESCORE_FACTOR = 20  # BITS: Hamming candidates per wanted neighbour (recall@5 ~0.99 at 100k here, 10: ~0.95)


def candidates_for(k: int, like: bool = False) -> int:
    return RESCORE_FACTOR * int(k) + (1 if like else 0)


@lru_cache(maxsize=64)
def template(dialect: str, metric: str, mode: str = SCAN, like: bool = False) -> Select:
    """The statement of one shape, every value a named bind parameter: q (the query vector, or like_id for a
    stored document's vector, which is also excluded), k, and knn_k (vec0's k) for KNN and BITS.

    SCAN: the distance function over every row of documents. KNN: vec0's exact KNN on the float column.
    BITS: vec0's Hamming KNN on the sign bits for knn_k candidates, ranked by the exact cosine distance.
    """
    check_metric(metric, dialect)
    table = Document.__table__
    if like:
        query: Any = select(table.c.embedding).where(table.c.id == bindparam("like_id", type_=Integer))
        query = query.scalar_subquery()
    elif dialect == "postgresql":  # binary float4[] on the wire, cast on the server (see pg_query_vector)
        query = cast(bindparam("q", type_=ARRAY(REAL)), Vector(table.c.embedding.type.dim))
    else:
        query = bindparam("q", type_=LargeBinary)  # float32 little-endian, sqlite-vec's format
    vec = documents_vec
    columns = (table.c.id, table.c.title, table.c.topic, table.c.body)
    if mode == KNN:
        nearest = (
            select(vec.c.rowid.label("id"), vec.c.distance)
            .where(vec.c.embedding.op("MATCH")(query), vec.c.k == bindparam("knn_k", type_=Integer))
            .subquery("knn")
        )
        distance = nearest.c.distance
        stmt = select(*columns, distance.label("distance")).join_from(table, nearest, table.c.id == nearest.c.id)
    elif mode == BITS:
        candidates = (
            select(vec.c.rowid.label("id"))
            .where(vec.c[BITS_COLUMN].op("MATCH")(func.vec_quantize_binary(query)),
                   vec.c.k == bindparam("knn_k", type_=Integer))
            .subquery("candidates")
        )
        distance = distance_expression(dialect, metric, query).label("distance")
        stmt = select(*columns, distance).join_from(table, candidates, table.c.id == candidates.c.id)
    else:
        distance = distance_expression(dialect, metric, query).label("distance")
        stmt = select(*columns, distance).where(table.c.embedding.is_not(None))
    if like:
        stmt = stmt.where(table.c.id != bindparam("like_id", type_=Integer))
    return stmt.order_by(distance).limit(bindparam("k", type_=Integer))


def prepared_search(
    dialect: str, metric: str, k: int, *, vector: Any = None, like_id: int | None = None, mode: str = SCAN,
    dim: int | None = None,
) -> tuple[Select, dict[str, Any]]:
    """(template, parameters) for one search: by `vector`, or like the stored document `like_id`."""
    like = like_id is not None
    stmt = template(dialect, metric, mode, like)
    params: dict[str, Any] = {"k": int(k)}
    if like:
        params["like_id"] = int(like_id)
    else:
        array = np.asarray(vector, dtype="<f4")
        want = dim or Document.__table__.c.embedding.type.dim
        if array.ndim != 1 or array.shape[0] != want:
            raise VectorSearchError(f"the query vector has shape {array.shape}, the stored vectors {want} floats")
        params["q"] = array.tolist() if dialect == "postgresql" else array.tobytes()
    if mode == KNN:
        params["knn_k"] = int(k) + (1 if like else 0)
    elif mode == BITS:
        params["knn_k"] = candidates_for(k, like)
    return stmt, params


_TEXTS: dict[tuple[int, str, str], tuple[Select, str]] = {}


def statement_text(stmt: Select, dialect: Any) -> str:
    """The SQL of a template for a dialect (bound values elided), compiled once."""
    key = (id(stmt), dialect.name, dialect.driver)
    entry = _TEXTS.get(key)
    if entry is None:
        entry = _TEXTS[key] = (stmt, str(stmt.compile(dialect=dialect)).strip())
    return entry[1]
