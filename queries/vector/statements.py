"""Build the nearest-neighbour statement for a backend and metric, and the same statement as cell source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, Float, Integer, LargeBinary, MetaData, Select, Table, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY, REAL
from sqlalchemy.sql.elements import ClauseElement

from ...sample_db.schema import Document, EmbeddingType
from ...sample_db.vec_table import BITS_COLUMN, VEC_METRIC, VEC_TABLE
from .sqlite_funcs import NEG_INNER_PRODUCT

METRICS = ("cosine", "l2", "ip", "l1")
METRIC_LABELS = {"cosine": "cosine", "l2": "L2", "ip": "inner product", "l1": "L1"}


class VectorSearchError(Exception):
    """A vector search the user asked for cannot run; the message says why, for the user as is."""


@dataclass(frozen=True)
class MetricSpec:
    pg_operator: str  # pgvector operator
    pg_method: str  # pgvector's SQLAlchemy comparator method
    pg_opclass: str  # HNSW operator class that serves it
    sqlite_function: str | None  # SQL function on SQLite (None: not offered)


SPECS = {
    "cosine": MetricSpec("<=>", "cosine_distance", "vector_cosine_ops", "vec_distance_cosine"),
    "l2": MetricSpec("<->", "l2_distance", "vector_l2_ops", "vec_distance_l2"),
    "ip": MetricSpec("<#>", "max_inner_product", "vector_ip_ops", NEG_INNER_PRODUCT),
    "l1": MetricSpec("<+>", "l1_distance", "vector_l1_ops", None),
}


def check_metric(metric: str, dialect: str) -> MetricSpec:
    metric = (metric or "").lower()
    if metric not in SPECS:
        raise VectorSearchError(f"unknown metric {metric!r}: use one of cosine, l2, ip" + (", l1" if dialect == "postgresql" else ""))
    spec = SPECS[metric]
    if dialect == "sqlite" and spec.sqlite_function is None:
        raise VectorSearchError(f"metric {metric!r} is offered on PostgreSQL only: use cosine, l2 or ip on SQLite")
    if dialect not in ("sqlite", "postgresql"):
        raise VectorSearchError(f"vector search needs PostgreSQL (pgvector) or SQLite; this database is {dialect}")
    return spec


def pg_query_vector(query: Any, dim: int):
    """The query vector as a `real[]` parameter cast to `vector(dim)` on the server.

    asyncpg sends a float4 array in binary (~0.05 ms for 256 floats); pgvector's own bind processor first
    formats 256 floats as text (~0.3 ms here, about a sixth of an HNSW query's client time). The server
    folds the cast into a constant, so the HNSW index still serves `embedding <=> $1`.
    """
    array = np.asarray(query, dtype="<f4")
    if array.ndim != 1 or array.shape[0] != dim:
        raise VectorSearchError(f"the query vector has shape {array.shape}, the stored vectors {dim} floats")
    return cast(bindparam("q", array.tolist(), type_=ARRAY(REAL)), Vector(dim))


def distance_expression(dialect: str, metric: str, query: Any):
    """`distance(Document.embedding, query)` for the backend; `query` is a vector or a scalar subquery."""
    spec = check_metric(metric, dialect)
    column = Document.__table__.c.embedding
    if dialect == "postgresql":
        if not isinstance(query, ClauseElement):
            query = pg_query_vector(query, column.type.dim)
        return column.op(spec.pg_operator, return_type=Float)(query)
    if not isinstance(query, ClauseElement):
        query = bindparam("q", query, type_=EmbeddingType(column.type.dim))
    return getattr(func, spec.sqlite_function)(column, query, type_=Float)


def search_statement(dialect: str, metric: str, query: Any, k: int, exclude_id: int | None = None) -> Select:
    """select(id, title, topic, body, distance) order by distance limit k, values inline (a fresh Select per
    call; searches use prepared.py's templates instead)."""
    table = Document.__table__
    distance = distance_expression(dialect, metric, query).label("distance")
    stmt = select(table.c.id, table.c.title, table.c.topic, table.c.body, distance)
    stmt = stmt.where(table.c.embedding.is_not(None))
    if exclude_id is not None:
        stmt = stmt.where(table.c.id != exclude_id)
    return stmt.order_by(distance).limit(k)


# sqlite-vec's vec0 table as SQLAlchemy sees it: the hidden `distance` and `k` columns are what KNN reads.
documents_vec = Table(
    VEC_TABLE,
    MetaData(),
    Column("rowid", Integer, primary_key=True),
    Column("embedding", LargeBinary),
    Column(BITS_COLUMN, LargeBinary),
    Column("distance", Float),
    Column("k", Integer),
)


def knn_serves(metric: str) -> bool:
    return metric == VEC_METRIC


def cell_source(
    dialect: str, metric: str, k: int, *, text: str | None = None, like_id: int | None = None, cls: str = "Document",
    knn: bool = False, candidates: int | None = None,
) -> str:
    """The same search as a cell the explorer can run (it needs `embed` in the namespace for a text query,
    and `documents_vec` for the vec0 KNN form, which the vector searcher adds)."""
    spec = check_metric(metric, dialect)
    if like_id is not None:
        first = f"q = select({cls}.embedding).where({cls}.id == {int(like_id)}).scalar_subquery()"
    else:
        first = f"q = embed({text or ''!r})"
    if candidates is not None:  # two-stage: Hamming KNN on the sign bits, then the exact cosine distance
        where = f".where({cls}.id != {int(like_id)})" if like_id is not None else ""
        return (
            f"{first}\n"
            f"candidates = select(documents_vec.c.rowid.label(\"id\"))"
            f".where(documents_vec.c.{BITS_COLUMN}.op(\"MATCH\")(func.vec_quantize_binary(q)), "
            f"documents_vec.c.k == {int(candidates)}).subquery(\"candidates\")\n"
            f"distance = func.vec_distance_cosine({cls}.embedding, q).label(\"distance\")\n"
            f"select({cls}.id, {cls}.title, distance).join(candidates, {cls}.id == candidates.c.id){where}"
            f".order_by(distance).limit({int(k)})"
        )
    if knn:
        want = int(k) + (1 if like_id is not None else 0)
        where = f".where({cls}.id != {int(like_id)})" if like_id is not None else ""
        return (
            f"{first}\n"
            f"knn = select(documents_vec.c.rowid.label(\"id\"), documents_vec.c.distance)"
            f".where(documents_vec.c.embedding.op(\"MATCH\")(q), documents_vec.c.k == {want}).subquery(\"knn\")\n"
            f"select({cls}.id, {cls}.title, knn.c.distance).join(knn, {cls}.id == knn.c.id){where}"
            f".order_by(knn.c.distance).limit({int(k)})"
        )
    if dialect == "postgresql":
        distance = f"{cls}.embedding.{spec.pg_method}(q)"
    else:
        distance = f"func.{spec.sqlite_function}({cls}.embedding, q)"
    where = f".where({cls}.id != {int(like_id)})" if like_id is not None else ""
    return (
        f"{first}\n"
        f"select({cls}.id, {cls}.title, {distance}.label(\"distance\"))"
        f"{where}.order_by(\"distance\").limit({int(k)})"
    )
