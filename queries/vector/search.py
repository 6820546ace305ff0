"""Run a vector search on an AsyncEngine: embedder check, statement, EXPLAIN (PostgreSQL), exact vs index, recall."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ...sample_db.embedder import Embedder, EmbedderUnavailable, get_embedder
from ...sample_db.schema import Document, EmbeddingMeta
from . import sqlite_funcs
from .explain import explain_plan, index_used_in
from .prepared import BITS, KNN, SCAN, prepared_search, statement_text
from .statements import SPECS, VectorSearchError, cell_source, check_metric
from .vec_paths import BITS_PATH, KNN_PATH, NUMPY_SCAN_PATH, SCAN_PATH, read_vec_state, sqlite_mode, sqlite_path

__all__ = [
    "BITS_PATH", "KNN_PATH", "NUMPY_SCAN_PATH", "SCAN_PATH", "Hit", "SearchResult", "VectorInfo",
    "VectorSearchError", "describe_plan", "index_used_in", "missed_neighbours", "read_vector_info",
    "recall_at_k", "search",
]

MAX_K = 100


@dataclass
class Hit:
    id: int
    title: str
    topic: str
    body: str
    distance: float


@dataclass
class VectorInfo:
    """What a database offers for vector search (read once per engine)."""

    dialect: str
    embedder: str  # the name stored with the vectors
    dimension: int
    backend: str  # "pgvector" | "sqlite-vec" | "numpy"
    indexes: list[str] = field(default_factory=list)  # HNSW / IVFFlat index names (PostgreSQL)
    index_defs: dict[str, str] = field(default_factory=dict)  # name -> CREATE INDEX text
    vec_table: str | None = None  # SQLite: the usable sqlite-vec vec0 table (KNN), if any
    vec_note: str = ""  # SQLite: why there is no usable vec0 table (shown with the scan)
    vec_bits: bool = False  # SQLite: the vec0 table has the sign-bit column (approximate two-stage search)

    def index_for(self, metric: str) -> str | None:
        """The vector index that can serve `metric` (its operator class matches), if any."""
        spec = SPECS.get(metric)
        for name, definition in self.index_defs.items():
            if spec is not None and spec.pg_opclass in definition:
                return name
        return None


@dataclass
class SearchResult:
    hits: list[Hit]
    statement: str  # the SQL that ran (bound values elided)
    cell_source: str  # the same search as an explorer cell
    embedder: str
    backend: str
    metric: str
    k: int
    exact: bool
    index_used: bool | None  # PostgreSQL: did the plan use a vector index; None on SQLite
    metric_index: str | None = None  # PostgreSQL: the index that could serve this metric, if any
    plan: str = ""
    query_ms: float = 0.0
    embed_ms: float = 0.0
    recall: float | None = None  # recall@k of the index against the exact scan, when measured
    exact_ids: list[int] | None = None
    exact_hits: list[Hit] | None = None  # the exact scan's answer, when recall was measured
    like_id: int | None = None  # "more like this": the document whose stored vector was the query
    path: str = ""  # how it ran: "HNSW index", "exact scan", "vec0 KNN (exact)", "scan"...
    path_note: str = ""  # why that path (e.g. why SQLite scanned instead of using vec0 KNN)
    approximate: bool = False  # an index or candidate search that can miss neighbours (recall says how many)

    def as_json(self) -> dict[str, Any]:
        return {
            "results": [{"id": h.id, "title": h.title, "distance": h.distance} for h in self.hits],
            "statement": self.statement,
            "embedder": self.embedder,
            "backend": self.backend,
            "index_used": self.index_used,
            "metric": self.metric,
            "k": self.k,
            "exact": self.exact,
            "recall": self.recall,
            "path": self.path,
            "query_ms": round(self.query_ms, 3),
        }


# -- preparing a database -----------------------------------------------------------------------
async def read_vector_info(conn: AsyncConnection) -> VectorInfo:
    """Check the documents and embedding_meta tables; raise VectorSearchError with a readable reason."""
    dialect = conn.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise VectorSearchError(f"vector search needs PostgreSQL (pgvector) or SQLite; this database is {dialect}")
    names = set(await conn.run_sync(lambda sync: sa_inspect(sync).get_table_names()))
    missing = [t for t in ("documents", "embedding_meta") if t not in names]
    if missing:
        raise VectorSearchError(
            f"this database has no {' or '.join(missing)} table: vector search needs the sample's documents "
            "(build it with: sqla-explore sample PATH_OR_URL)"
        )
    row = (await conn.execute(select(EmbeddingMeta.embedder, EmbeddingMeta.dimension).limit(1))).first()
    if row is None:
        raise VectorSearchError("embedding_meta is empty: nobody recorded which embedder made the vectors")
    if dialect == "postgresql":
        backend = "pgvector"
        found = (
            await conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'documents' "
                    "AND (indexdef ILIKE '%USING hnsw%' OR indexdef ILIKE '%USING ivfflat%') ORDER BY indexname"
                )
            )
        ).all()
        defs = {name: definition for name, definition in found}
    else:
        backend = await sqlite_funcs.ensure(conn)
        defs = {}
    info = VectorInfo(dialect, row.embedder, int(row.dimension), backend, list(defs), defs)
    if dialect == "sqlite":
        await read_vec_state(conn, info)
    return info


def embedder_for(info: VectorInfo) -> Embedder:
    """The embedder that made the stored vectors; refuse clearly when this machine cannot embed like it."""
    try:
        embedder = get_embedder(info.embedder)
    except EmbedderUnavailable as exc:
        raise VectorSearchError(
            f"the vectors in this database were made by {info.embedder!r}, which is not available here ({exc}); "
            "a query embedded by another model would return meaningless neighbours, so the search is refused"
        ) from None
    if embedder.dim != info.dimension:
        raise VectorSearchError(
            f"the stored vectors have {info.dimension} dimensions but {embedder.name} makes {embedder.dim}: refused"
        )
    return embedder


def check_embedder(info: VectorInfo, embedder: Embedder) -> None:
    """Refuse a query vector made by another embedder than the stored ones."""
    if embedder.name != info.embedder or embedder.dim != info.dimension:
        raise VectorSearchError(
            f"embedder mismatch: the stored vectors were made by {info.embedder} ({info.dimension} dims), "
            f"the query by {embedder.name} ({embedder.dim} dims); distances between them mean nothing, refused"
        )


# -- running --------------------------------------------------------------------------------
async def _settings(conn: AsyncConnection, exact: bool, ef_search: int | None) -> None:
    """SET LOCAL (this transaction only) what differs from the defaults; nothing, so no round trip, otherwise."""
    if exact:  # the exact scan turns index scans off
        await conn.exec_driver_sql("SET LOCAL enable_indexscan = off")
    elif ef_search is not None:
        await conn.exec_driver_sql(f"SET LOCAL hnsw.ef_search = {int(ef_search)}")


async def _run(conn: AsyncConnection, stmt, params: dict) -> tuple[list[Hit], float]:
    """The hits and the milliseconds the statement took (settings before it not counted)."""
    started = time.perf_counter()
    rows = (await conn.execute(stmt, params)).all()
    ms = (time.perf_counter() - started) * 1000
    return [Hit(r.id, r.title, r.topic, r.body, float(r.distance)) for r in rows], ms


async def search(
    engine: AsyncEngine,
    *,
    text_query: str | None = None,
    like_id: int | None = None,
    vector: np.ndarray | None = None,
    embedder: Embedder | None = None,
    k: int = 5,
    metric: str = "cosine",
    exact: bool = False,
    with_recall: bool = False,
    explain: bool = True,
    info: VectorInfo | None = None,
    class_name: str = "Document",
    ef_search: int | None = None,
    prefer_knn: bool = True,
) -> SearchResult:
    """Nearest documents to a text, a stored document (`like_id`) or a precomputed `vector`.

    On SQLite, with a usable vec0 table (see VectorInfo.vec_note) and the cosine metric: the two-stage
    search (Hamming KNN on the sign bits, exact cosine rerank; approximate, like HNSW) unless `exact`,
    which runs vec0's exact KNN; without one it scans `documents` with the distance function
    (`prefer_knn=False` forces the scan). `result.path` says which ran; `with_recall` measures an
    approximate path against the exact one.

    `ef_search` (PostgreSQL HNSW) trades recall for speed; pgvector returns at most ef_search rows.
    Raises VectorSearchError for anything the user can fix (empty text, bad k or metric, wrong embedder...).
    """
    if ef_search is not None and (not isinstance(ef_search, int) or not 1 <= ef_search <= 1000):
        raise VectorSearchError(f"ef_search must be a whole number from 1 to 1000, not {ef_search!r}")
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise VectorSearchError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    if like_id is None and vector is None and not (text_query or "").strip():
        raise VectorSearchError("type some text to search for")
    dialect = engine.dialect.name
    if dialect == "sqlite":
        sqlite_funcs.install(engine)
    check_metric(metric, dialect)
    # A lone SELECT needs no transaction block: AUTOCOMMIT spares the BEGIN and ROLLBACK round trips
    # (asyncpg). Only SET LOCAL (exact scan, ef_search) needs one.
    autocommit = dialect == "postgresql" and not exact and ef_search is None
    try:
        async with engine.connect() as conn:
            if autocommit:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
            if info is None:
                info = await read_vector_info(conn)
            elif dialect == "sqlite":
                info.backend = await sqlite_funcs.ensure(conn)
            embed_ms = 0.0
            if like_id is not None:
                exists = (await conn.execute(select(Document.id).where(Document.id == like_id))).first()
                if exists is None:
                    raise VectorSearchError(f"no document with id {like_id}")
                query: Any = None  # the template reads the stored vector itself
                used = info.embedder
            else:
                if embedder is None:
                    embedder = embedder_for(info)
                check_embedder(info, embedder)
                if vector is None:
                    started = time.perf_counter()
                    vector = embedder.embed([text_query or ""])[0]
                    embed_ms = (time.perf_counter() - started) * 1000
                    if not np.any(vector):
                        raise VectorSearchError(
                            f"the text {text_query!r} has no words {embedder.name} knows: nothing to compare"
                        )
                query = np.asarray(vector, dtype=np.float32)
                used = embedder.name
            mode = sqlite_mode(info, metric, exact, prefer_knn) if dialect == "sqlite" else SCAN
            vector_arg = None if like_id is not None else query
            stmt, params = prepared_search(dialect, metric, k, vector=vector_arg, like_id=like_id, mode=mode,
                                           dim=info.dimension)
            plan, index_used = "", None
            await conn.rollback()  # SET LOCAL below must not outlive this search
            if dialect == "postgresql":
                await _settings(conn, exact, ef_search)
                if explain:
                    plan = await explain_plan(conn, stmt, params)
                    index_used = index_used_in(plan, info.indexes)
                elif exact:
                    index_used = False
            hits, query_ms = await _run(conn, stmt, params)
            await conn.rollback()
            if dialect == "sqlite":
                path, path_note = sqlite_path(info, metric, mode, prefer_knn, k, like_id is not None)
            else:
                path = {True: "HNSW index (approximate)", False: "exact scan" if exact else "scan"}.get(
                    index_used, "plan not examined")
                path_note = ""
            result = SearchResult(
                hits=hits,
                statement=statement_text(stmt, conn.dialect),
                cell_source=cell_source(dialect, metric, k, text=text_query, like_id=like_id, cls=class_name,
                                        knn=mode == KNN,
                                        candidates=params.get("knn_k") if mode == BITS else None),
                embedder=used,
                backend=info.backend,
                metric=metric,
                k=k,
                exact=exact,
                index_used=index_used,
                metric_index=info.index_for(metric) if dialect == "postgresql" else None,
                like_id=like_id,
                plan=plan,
                query_ms=query_ms,
                embed_ms=embed_ms,
                path=path,
                path_note=path_note,
                approximate=bool(index_used) or mode == BITS,
            )
            if with_recall and result.approximate:  # only an approximate path can miss: compare with exact
                if dialect == "postgresql":
                    async with engine.connect() as exact_conn:  # a transaction of its own, for SET LOCAL
                        await _settings(exact_conn, True, None)
                        truth, _ = await _run(exact_conn, stmt, params)
                        await exact_conn.rollback()
                else:  # the exact vec0 KNN on the float vectors
                    exact_stmt, exact_params = prepared_search(dialect, metric, k, vector=vector_arg,
                                                               like_id=like_id, mode=KNN, dim=info.dimension)
                    truth, _ = await _run(conn, exact_stmt, exact_params)
                    await conn.rollback()
                result.exact_hits = truth
                result.exact_ids = [h.id for h in truth]
                result.recall = recall_at_k(
                    [h.id for h in hits], result.exact_ids, [h.distance for h in hits], [h.distance for h in truth]
                )
            return result
    except (VectorSearchError, asyncio.CancelledError):
        raise
    except DBAPIError as exc:
        raise VectorSearchError(f"the database refused the vector search: {exc.orig}") from None
    except SQLAlchemyError as exc:
        raise VectorSearchError(f"vector search failed: {exc}") from None


def recall_at_k(
    found: list[int], truth: list[int], found_distances: list[float] | None = None,
    truth_distances: list[float] | None = None, eps: float = 1e-6,
) -> float:
    """Share of the true k nearest (exact scan) that the approximate search returned.

    With distances, ties count: a returned row as close as the exact k-th is a true neighbour even when
    the exact scan happened to list another row of the same distance (duplicated texts tie exactly).
    """
    if not truth:
        return 1.0
    if found_distances is not None and truth_distances:
        bound = max(truth_distances) + eps
        good = sum(1 for i, d in zip(found, found_distances) if i in set(truth) or d <= bound)
        return min(good, len(truth)) / len(truth)
    return len(set(found) & set(truth)) / len(truth)


def missed_neighbours(result: "SearchResult", eps: float = 1e-6) -> list[int]:
    """Ids the exact scan found that the index skipped although they are closer than its worst hit."""
    if not result.exact_hits or not result.hits:
        return []
    returned = {h.id for h in result.hits}
    worst = max(h.distance for h in result.hits)
    if len(result.hits) < len(result.exact_hits):
        worst = float("inf")  # the index returned fewer rows than asked: everything missing is missed
    return [h.id for h in result.exact_hits if h.id not in returned and h.distance < worst - eps]


def describe_plan(result: SearchResult) -> str:
    """One honest line about how the search ran (index, exact scan, recall)."""
    if result.index_used is None and not result.exact and result.backend == "pgvector":
        return "plan not examined"
    if result.backend != "pgvector":
        if result.path == KNN_PATH:
            return f"{KNN_PATH}: {result.path_note}"
        if result.path == BITS_PATH:
            line = f"{BITS_PATH}: {result.path_note}"
            if result.recall is not None:
                line += f"; recall@{result.k} against the exact KNN: {result.recall:.2f}"
            return line
        what = "scan: the distance of every document" + (" (numpy functions)" if result.backend == "numpy" else "")
        return f"{what}, exact; no vec0 KNN because {result.path_note}" if result.path_note else what
    if result.exact:
        return "exact scan (index scans turned off)"
    if result.index_used:
        line = f"HNSW index {result.metric_index or ''} used (approximate)".replace("  ", " ")
        if result.recall is not None:
            line += f"; recall@{result.k} against the exact scan: {result.recall:.2f}"
        return line
    if result.metric_index:
        return f"sequential scan: the planner preferred it to {result.metric_index} (exact results)"
    return f"sequential scan: no index serves the {result.metric} metric (exact results)"
