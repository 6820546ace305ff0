"""Build the nearest-neighbour statement for a backend and metric, and the same statement as cell source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Select, bindparam, func, select
from sqlalchemy.sql.elements import ClauseElement

from ...sample_db.schema import Document, EmbeddingType
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


def distance_expression(dialect: str, metric: str, query: Any):
    """`distance(Document.embedding, query)` for the backend; `query` is a vector or a scalar subquery."""
    spec = check_metric(metric, dialect)
    column = Document.__table__.c.embedding
    if not isinstance(query, ClauseElement):
        query = bindparam("q", query, type_=EmbeddingType(column.type.dim))
    if dialect == "postgresql":
        return column.op(spec.pg_operator, return_type=Float)(query)
    return getattr(func, spec.sqlite_function)(column, query, type_=Float)


def stored_vector(document_id: int):
    """The stored vector of one document, as a scalar subquery ("more like this")."""
    table = Document.__table__
    return select(table.c.embedding).where(table.c.id == document_id).scalar_subquery()


def search_statement(dialect: str, metric: str, query: Any, k: int, exclude_id: int | None = None) -> Select:
    """select(id, title, topic, body, distance) order by distance limit k."""
    table = Document.__table__
    distance = distance_expression(dialect, metric, query).label("distance")
    stmt = select(table.c.id, table.c.title, table.c.topic, table.c.body, distance)
    stmt = stmt.where(table.c.embedding.is_not(None))
    if exclude_id is not None:
        stmt = stmt.where(table.c.id != exclude_id)
    return stmt.order_by(distance).limit(k)


def cell_source(
    dialect: str, metric: str, k: int, *, text: str | None = None, like_id: int | None = None, cls: str = "Document"
) -> str:
    """The same search as a cell the explorer can run (it needs `embed` in the namespace for a text query)."""
    spec = check_metric(metric, dialect)
    if like_id is not None:
        first = f"q = select({cls}.embedding).where({cls}.id == {int(like_id)}).scalar_subquery()"
    else:
        first = f"q = embed({text or ''!r})"
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
