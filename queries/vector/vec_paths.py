"""SQLite's vector search paths: can the file's vec0 table serve, which path a search takes, what to call it.

SCAN (distance function over every row, exact), KNN (vec0's exact KNN on the float column) or BITS (Hamming
KNN on the sign bits for candidates, reranked by the exact cosine distance: approximate). `info` is the
search's VectorInfo (dimension, backend, vec_table, vec_bits, vec_note).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from ...sample_db.vec_table import BITS_COLUMN, VEC_TABLE, has_bits_column, parse_vec_ddl
from . import sqlite_funcs
from .prepared import BITS, KNN, SCAN, candidates_for
from .statements import knn_serves


async def vec_table_sql(conn: AsyncConnection) -> str | None:
    return (await conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": VEC_TABLE})).scalar()


async def usable_vec_table(conn: AsyncConnection, info: Any) -> tuple[str | None, str]:
    """(VEC_TABLE, "") when the vec0 table can serve KNN here, else (None, the reason it cannot)."""
    sql = await vec_table_sql(conn)
    if sql is None:
        return None, f"no vec0 table ({VEC_TABLE}) in this file"
    parsed = parse_vec_ddl(sql)
    if parsed is None:
        return None, f"{VEC_TABLE} is not a sqlite-vec vec0 table"
    dimension, metric = parsed
    if info.backend != sqlite_funcs.SQLITE_VEC:
        return None, f"{VEC_TABLE} needs the sqlite-vec extension, which could not load here"
    if dimension != info.dimension:
        return None, f"{VEC_TABLE} holds {dimension}-d vectors, the documents {info.dimension}-d"
    if metric != "cosine":
        return None, f"{VEC_TABLE} serves {metric} distance, not cosine"
    # Out of date after documents were added or removed? Compare counts and the highest id (once per prepare).
    docs = (await conn.execute(text(
        "SELECT count(*), max(id) FROM documents WHERE embedding IS NOT NULL"))).one()
    try:
        vec = (await conn.execute(text(f"SELECT count(*), max(rowid) FROM {VEC_TABLE}_rowids"))).one()
    except DBAPIError:  # another sqlite-vec layout: ask the table itself (slower)
        await conn.rollback()
        vec = (await conn.execute(text(f"SELECT count(*), max(rowid) FROM {VEC_TABLE}"))).one()
    if tuple(docs) != tuple(vec):
        return None, (f"{VEC_TABLE} is out of date ({vec[0]} vectors, {docs[0]} documents with embeddings): "
                      "rebuild it with sqla_explore.sample_db.vec_table.add_vec_table")
    return VEC_TABLE, ""


async def read_vec_state(conn: AsyncConnection, info: Any) -> None:
    """Fill info.vec_table / vec_note / vec_bits for a SQLite database."""
    info.vec_table, info.vec_note = await usable_vec_table(conn, info)
    if info.vec_table is not None:
        info.vec_bits = has_bits_column(await vec_table_sql(conn), info.dimension)


def sqlite_mode(info: Any, metric: str, exact: bool, prefer_knn: bool) -> str:
    """SCAN, KNN (exact) or BITS (approximate) for a SQLite search."""
    if not (prefer_knn and info.vec_table is not None and knn_serves(metric)):
        return SCAN
    return BITS if info.vec_bits and not exact else KNN


def sqlite_path(info: Any, metric: str, mode: str, prefer_knn: bool, k: int, like: bool) -> tuple[str, str]:
    """(path, why) for a SQLite search."""
    if mode == KNN:
        return KNN_PATH, f"sqlite-vec's {info.vec_table} table"
    if mode == BITS:
        return BITS_PATH, (f"{candidates_for(k, like)} candidates by Hamming distance on the sign bits "
                           f"({info.vec_table}.{BITS_COLUMN}), ranked by the exact cosine distance")
    path = SCAN_PATH if info.backend == sqlite_funcs.SQLITE_VEC else NUMPY_SCAN_PATH
    if not prefer_knn:
        why = "asked for the scan"
    elif info.vec_table is not None:
        why = f"{info.vec_table} serves cosine only"
    else:
        why = info.vec_note or "no vec0 table"
    return path, why


KNN_PATH = "vec0 KNN (exact)"
BITS_PATH = "vec0 binary KNN + exact rescoring (approximate)"
SCAN_PATH = "scan"
NUMPY_SCAN_PATH = "scan (numpy functions)"
