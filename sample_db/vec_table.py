"""The sqlite-vec `vec0` table beside `documents` on SQLite: cosine KNN without a full scan of the table.

`documents_vec(rowid = documents.id, embedding float[dim] distance_metric=cosine, embedding_bits bit[dim])`.
sqlite-vec keeps the vectors in chunks and answers `embedding MATCH :q AND k = :k` with one pass of SIMD
distances (exact; ~3x faster than `vec_distance_cosine` over the plain table at 100,000 rows).
`embedding_bits` holds the sign bits (`vec_quantize_binary`, 32 bytes a vector): a Hamming KNN over them
picks candidates that the exact cosine distance then reranks (approximate, ~3x faster again).
The table needs the extension in every connection that reads or even reflects it, so it is added only
where sqlite-vec can load (sqlean-py here).
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

VEC_TABLE = "documents_vec"
VEC_METRIC = "cosine"  # the metric the table's KNN serves (like the PostgreSQL sample's HNSW index)
BITS_COLUMN = "embedding_bits"  # the binary-quantised copy, for the approximate two-stage search
# Tables sqlite-vec creates for VEC_TABLE's storage (reflection tools may want to hide them).
SHADOW_SUFFIXES = ("_info", "_chunks", "_rowids", "_vector_chunks00", "_vector_chunks01")

_DECLARATION = re.compile(r"embedding\s+float\[(\d+)\]", re.IGNORECASE)
_METRIC = re.compile(r"distance_metric\s*=\s*(\w+)", re.IGNORECASE)
_BITS = re.compile(BITS_COLUMN + r"\s+bit\[(\d+)\]", re.IGNORECASE)


def hidden_table_names() -> set[str]:
    """VEC_TABLE and its shadow tables: what a schema browser may want to leave out of its reflection."""
    return {VEC_TABLE} | {VEC_TABLE + suffix for suffix in SHADOW_SUFFIXES}


class VecTableUnavailable(Exception):
    """sqlite-vec cannot be loaded here, so no vec0 table can be made (the message says why)."""


def vec_table_ddl(dimension: int) -> str:
    return (f"CREATE VIRTUAL TABLE {VEC_TABLE} USING vec0("
            f"embedding float[{int(dimension)}] distance_metric={VEC_METRIC}, {BITS_COLUMN} bit[{int(dimension)}])")


def has_bits_column(sql: str | None, dimension: int) -> bool:
    """Does a vec0 table text declare the binary column (for the two-stage search) of this dimension?"""
    found = _BITS.search(sql or "")
    return found is not None and int(found.group(1)) == dimension


def parse_vec_ddl(sql: str | None) -> tuple[int, str] | None:
    """(dimension, metric) of a `CREATE VIRTUAL TABLE ... USING vec0(...)` text, or None when it is not ours."""
    if not sql or "vec0" not in sql.lower():
        return None
    dimension = _DECLARATION.search(sql)
    if dimension is None:
        return None
    metric = _METRIC.search(sql)
    return int(dimension.group(1)), (metric.group(1).lower() if metric else "l2")


def open_with_sqlite_vec(path: str | Path) -> Any:
    """A sqlite3-like connection to `path` with sqlite-vec loaded (sqlean-py where the stdlib cannot load it)."""
    try:
        import sqlite_vec
    except ImportError as exc:
        raise VecTableUnavailable(f"sqlite-vec is not installed ({exc})") from None
    modules: list[Any] = [sqlite3]
    try:
        import sqlean

        modules.append(sqlean)
    except ImportError:
        pass
    reasons = []
    for module in modules:
        if not hasattr(module.Connection, "enable_load_extension"):
            reasons.append(f"{module.__name__} cannot load extensions")
            continue
        conn = module.connect(str(path))
        try:
            conn.enable_load_extension(True)
            sqlite_vec.load(conn)
            conn.enable_load_extension(False)
            return conn
        except Exception as exc:  # the extension failed to load into this build
            conn.close()
            reasons.append(f"{module.__name__}: {exc}")
    raise VecTableUnavailable("no sqlite3 here can load sqlite-vec (" + "; ".join(reasons) + ")")


def fill_vec_table(conn: Any, dimension: int) -> int:
    """(Re)create VEC_TABLE on a connection with sqlite-vec loaded and copy every stored vector; return the count.

    Documents without an embedding are left out (they can never be a neighbour). Caller commits.
    """
    conn.execute(f"DROP TABLE IF EXISTS {VEC_TABLE}")
    conn.execute(vec_table_ddl(dimension))
    conn.execute(f"INSERT INTO {VEC_TABLE}(rowid, embedding, {BITS_COLUMN}) "
                 "SELECT id, embedding, vec_quantize_binary(embedding) FROM documents "
                 "WHERE embedding IS NOT NULL ORDER BY id")
    return conn.execute(f"SELECT count(*) FROM {VEC_TABLE}").fetchone()[0]


def add_vec_table(path: str | Path, dimension: int | None = None) -> tuple[int, float]:
    """Add (or rebuild) VEC_TABLE in the SQLite file at `path`: (rows, seconds). Synchronous: run it in a thread.

    The dimension defaults to the one `embedding_meta` records. Raises VecTableUnavailable when sqlite-vec
    cannot load, ValueError when the file has no documents / embedding_meta tables.
    """
    started = time.perf_counter()
    conn = open_with_sqlite_vec(path)
    try:
        if dimension is None:
            try:
                row = conn.execute("SELECT dimension FROM embedding_meta LIMIT 1").fetchone()
            except Exception:
                row = None
            if not row:
                raise ValueError(f"{path} has no embedding_meta row: which dimension do its vectors have?")
            dimension = int(row[0])
        rows = fill_vec_table(conn, dimension)
        conn.commit()
    finally:
        conn.close()
    return rows, time.perf_counter() - started
