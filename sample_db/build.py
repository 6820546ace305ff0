"""Build the sample database on a SQLite file or a PostgreSQL database (one builder, bulk inserts in batches).

SQLite builds into a temporary file beside the target and renames it at the end, so an interrupted build
never leaves a half-filled sample. PostgreSQL builds in one transaction and loads big tables with COPY.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable

import asyncpg
from sqlalchemy import JSON, Table, func, insert, inspect, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable

from . import data
from .schema import EmbeddingType, SampleBase
from .vector_index import create_vector_index
from .target import SampleError, SampleExistsError, SampleTarget, SampleTargetError, parse_target

__all__ = [
    "BuildSummary",
    "SampleError",
    "SampleExistsError",
    "SampleTargetError",
    "build_sample",
    "default_sample_path",
    "ensure_default_sample",
]

Progress = Callable[[str, int, int], None]
Writer = Callable[[Table, Iterable[dict], int], Awaitable[int]]
EventWriter = Callable[[int], Awaitable[int]]

SQLITE_BATCH = 10_000
COPY_BATCH = 50_000
DOCUMENT_BATCH = 250
SAMPLE_PATH_ENV = "SQLA_EXPLORE_SAMPLE"
# Whether a SQLite sample also gets the sqlite-vec vec0 table (documents_vec) when no `vec_table=` is given
# (only where sqlite-vec can load). Reading that one table needs the extension (a plain sqlite3 shell says
# "no such module: vec0"); every other table reads as usual. The explorer leaves it out of its mapping.
VEC_TABLE_BY_DEFAULT = True
TABLES = SampleBase.metadata.tables


@dataclass
class BuildSummary:
    """What a build made: where, on which backend, rows per table, and how long it took."""

    target: str
    backend: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    embedder: str = ""
    replaced: bool = False


def _quiet(stage: str, done: int, total: int) -> None:
    pass


async def build_sample(target: str | Path, *, events: int = 0, force: bool = False,
                       progress: Progress | None = None, vec_table: bool | None = None) -> BuildSummary:
    """Build the sample at `target` (a SQLite path / sqlite URL, or a postgresql URL) and say what was made.

    `vec_table` (SQLite only; default VEC_TABLE_BY_DEFAULT): also fill the sqlite-vec vec0 table
    `documents_vec`, which vector search uses for KNN; skipped quietly when sqlite-vec cannot load here.

    Raises SampleExistsError when the target already holds data and `force` is false, SampleTargetError for a
    bad or unreachable target.
    """
    if not isinstance(events, int) or isinstance(events, bool) or events < 0:
        raise SampleError(f"--events must be a whole number, 0 or more (got {events!r})")
    parsed = parse_target(target)
    report = progress or _quiet
    started = time.perf_counter()
    if parsed.backend == "sqlite":
        wanted = VEC_TABLE_BY_DEFAULT if vec_table is None else bool(vec_table)
        counts, replaced = await _build_sqlite(parsed, events, force, report, wanted)
    else:
        counts, replaced = await _build_postgresql(parsed, events, force, report)
    from .documents import EMBEDDER_NAME

    return BuildSummary(target=parsed.display, backend=parsed.backend, counts=counts,
                        seconds=time.perf_counter() - started, embedder=EMBEDDER_NAME, replaced=replaced)


# ---------------------------------------------------------------- shared steps


async def _create_tables(conn: AsyncConnection, *, foreign_keys: bool = True) -> None:
    """Tables and their constraints; indexes (and on PostgreSQL foreign keys) come after the data: faster loads."""
    for table in SampleBase.metadata.sorted_tables:
        keys = None if foreign_keys else []
        await conn.execute(CreateTable(table, include_foreign_key_constraints=keys))


async def _add_foreign_keys(conn: AsyncConnection, report: Progress) -> None:
    """One validating pass per key, instead of a trigger per COPYed row (halves the events load)."""
    keys = [fk for table in SampleBase.metadata.sorted_tables for fk in table.foreign_key_constraints]
    report("foreign keys", 0, len(keys))
    for done, key in enumerate(keys, start=1):
        # isolate_from_table=False: by default AddConstraint marks the (shared, module-level) constraint to be
        # left out of every later CREATE TABLE, so a SQLite sample built after a PostgreSQL one had no keys.
        await conn.execute(AddConstraint(key, isolate_from_table=False))
        report("foreign keys", done, len(keys))


async def _create_indexes(conn: AsyncConnection, report: Progress) -> None:
    indexes = [index for table in SampleBase.metadata.sorted_tables for index in table.indexes]
    report("indexes", 0, len(indexes))
    for done, index in enumerate(sorted(indexes, key=lambda i: i.name or ""), start=1):
        await conn.execute(CreateIndex(index))
        report("indexes", done, len(indexes))


@lru_cache(maxsize=2)
def _document_rows(count: int) -> tuple[dict, ...]:
    """Documents with their embeddings (about 2 MB for 2,000), kept so repeated builds embed them once."""
    from .documents import document_records

    return tuple(
        {"id": doc_id, "title": r["title"], "body": r["body"], "topic": r["topic"], "embedding": r["embedding"]}
        for doc_id, r in enumerate(document_records(count), start=1)
    )


async def _load(conn: AsyncConnection, writer: Writer, write_events: EventWriter, events: int) -> dict[str, int]:
    """Write every table through the writers (which report progress) and return the row counts."""
    from .documents import EMBEDDER_NAME, EMBEDDING_DIM

    users = data.user_rows()
    posts = data.post_rows(users)
    # Embedding takes about a second: off the event loop, so a UI building the sample stays responsive.
    documents = await asyncio.to_thread(_document_rows, data.DOCUMENTS)
    counts = {
        "users": await writer(TABLES["users"], users, len(users)),
        "posts": await writer(TABLES["posts"], posts, len(posts)),
        "comments": await writer(TABLES["comments"], data.comment_rows(posts), data.COMMENTS),
        "documents": await writer(TABLES["documents"], documents, len(documents)),
        "events": await write_events(events),
    }
    meta = {"id": 1, "embedder": EMBEDDER_NAME, "dimension": EMBEDDING_DIM, "created_at": data.REFERENCE_TIME}
    await conn.execute(insert(TABLES["embedding_meta"]), [meta])
    counts["embedding_meta"] = 1
    return counts


def _core_writer(conn: AsyncConnection, report: Progress, batch: int) -> Writer:
    """Core `insert()` executed with a list of parameter sets per batch (the driver's executemany)."""

    async def write(table: Table, rows: Iterable[dict], total: int) -> int:
        size = DOCUMENT_BATCH if _has_embedding(table) else batch
        done = 0
        report(table.name, 0, total)
        statement = insert(table)
        for chunk in data.chunked(rows, size):
            await conn.execute(statement, chunk)
            done += len(chunk)
            report(table.name, done, total)
        return done

    return write


def _sqlite_event_writer(conn: AsyncConnection, report: Progress) -> EventWriter:
    """Events skip per-row type processing: tuples already in SQLite's storage format, one executemany a batch."""
    columns = ", ".join(data.EVENT_COLUMNS)
    marks = ", ".join("?" for _ in data.EVENT_COLUMNS)
    sql = f"INSERT INTO events ({columns}) VALUES ({marks})"

    async def write(count: int) -> int:
        done = 0
        report("events", 0, count)
        for rows in data.chunked(data.event_tuples(count, sqlite_text=True), SQLITE_BATCH):
            await conn.exec_driver_sql(sql, rows)
            done += len(rows)
            report("events", done, count)
        return done

    return write


def _has_embedding(table: Table) -> bool:
    return any(isinstance(column.type, EmbeddingType) for column in table.columns)


# ---------------------------------------------------------------- SQLite


def _sqlite_url(path: Path) -> URL:
    return URL.create("sqlite+aiosqlite", database=str(path))


async def _add_vec_table(path: Path, report: Progress) -> None:
    """The vec0 table (sample_db/vec_table.py), filled in a thread; skipped when sqlite-vec cannot load."""
    from .vec_table import VecTableUnavailable, add_vec_table

    report("vec0 table", 0, 1)
    try:
        await asyncio.to_thread(add_vec_table, path)
    except VecTableUnavailable:
        return  # vector search falls back to scanning documents, and says so
    report("vec0 table", 1, 1)


async def _build_sqlite(target: SampleTarget, events: int, force: bool,
                        report: Progress, vec_table: bool = False) -> tuple[dict[str, int], bool]:
    path = target.path
    assert path is not None
    existed = path.exists()
    if existed and not force:
        raise SampleExistsError(f"{path} already exists; pass --force to replace it with a fresh sample")
    building = path.with_name(f".{path.name}.building-{os.getpid()}")
    building.unlink(missing_ok=True)
    engine = create_async_engine(_sqlite_url(building), poolclass=NullPool)
    try:
        try:
            async with engine.connect() as conn:
                # A throwaway file until the rename below: no journal, no fsync.
                await conn.exec_driver_sql("PRAGMA journal_mode=OFF")
                await conn.exec_driver_sql("PRAGMA synchronous=OFF")
                await conn.exec_driver_sql("PRAGMA cache_size=-65536")
                await conn.commit()
                await _create_tables(conn)
                counts = await _load(conn, _core_writer(conn, report, SQLITE_BATCH),
                                     _sqlite_event_writer(conn, report), events)
                await _create_indexes(conn, report)
                await conn.commit()
                await conn.exec_driver_sql("ANALYZE")
                await conn.commit()
        finally:
            await engine.dispose()
        if vec_table:
            await _add_vec_table(building, report)
        for suffix in ("-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.replace(building, path)
    except (OSError, DBAPIError) as exc:
        building.unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise SampleTargetError(f"cannot write the sample to {path}: {reason}") from None
    except BaseException:
        building.unlink(missing_ok=True)
        raise
    return counts, existed


# ---------------------------------------------------------------- PostgreSQL


def _copy_value(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


def _copy_writer(conn: AsyncConnection, report: Progress) -> Writer:
    """COPY on the raw asyncpg connection (same transaction); documents go through Core (the vector type)."""
    core = _core_writer(conn, report, COPY_BATCH)

    async def write(table: Table, rows: Iterable[dict], total: int) -> int:
        if _has_embedding(table):
            return await core(table, rows, total)
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        columns = [column.name for column in table.columns]
        json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
        done = 0
        report(table.name, 0, total)
        for chunk in data.chunked(rows, COPY_BATCH):
            if json_columns:
                records = [tuple(_copy_value(row[c]) if c in json_columns else row[c] for c in columns)
                           for row in chunk]
            else:
                records = [tuple(row[c] for c in columns) for row in chunk]
            await driver.copy_records_to_table(table.name, records=records, columns=columns)
            done += len(chunk)
            report(table.name, done, total)
        return done

    return write


def _copy_event_writer(conn: AsyncConnection, report: Progress) -> EventWriter:
    """Events straight from the generator's tuples into COPY (the payload is already JSON text)."""

    async def write(count: int) -> int:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        done = 0
        report("events", 0, count)
        for chunk in data.chunked(data.event_tuples(count), COPY_BATCH):
            await driver.copy_records_to_table("events", records=chunk, columns=list(data.EVENT_COLUMNS))
            done += len(chunk)
            report("events", done, count)
        return done

    return write


def _connect_error(target: SampleTarget, exc: BaseException) -> SampleTargetError:
    reason = str(getattr(exc, "orig", None) or exc).strip() or type(exc).__name__
    reason = reason.splitlines()[0]
    hint = ""
    if "does not exist" in reason and "database" in reason:
        hint = " (create it first, e.g. `createdb NAME`)"
    return SampleTargetError(f"cannot connect to {target.display}: {reason}{hint}")


async def _build_postgresql(target: SampleTarget, events: int, force: bool,
                            report: Progress) -> tuple[dict[str, int], bool]:
    assert target.url is not None
    engine = create_async_engine(target.url, poolclass=NullPool, connect_args={"timeout": 15})
    try:
        try:
            conn = await engine.connect()
        except (OSError, TimeoutError, DBAPIError, SQLAlchemyError) as exc:
            raise _connect_error(target, exc) from None
        try:
            existing = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            if existing and not force:
                shown = ", ".join(sorted(existing)[:8]) + (", ..." if len(existing) > 8 else "")
                raise SampleExistsError(f"{target.display} already has tables ({shown}); pass --force to drop "
                                        "the sample tables and rebuild them")
            await conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
            if existing:
                names = ", ".join(f'"{t.name}"' for t in reversed(SampleBase.metadata.sorted_tables))
                await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {names} CASCADE")
            await _create_tables(conn, foreign_keys=False)
            counts = await _load(conn, _copy_writer(conn, report), _copy_event_writer(conn, report), events)
            await _add_foreign_keys(conn, report)
            await _create_indexes(conn, report)
            await create_vector_index(conn)  # HNSW on documents.embedding (cosine)
            for table in SampleBase.metadata.sorted_tables:
                # Ids were written explicitly: move each serial sequence past them.
                top = (await conn.execute(select(func.max(table.c.id)))).scalar() or 0
                await conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, :called)"),
                                   {"t": table.name, "v": max(top, 1), "called": top > 0})
            await conn.commit()
            await conn.exec_driver_sql("ANALYZE")
            await conn.commit()
        except (DBAPIError, asyncpg.PostgresError) as exc:
            message = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
            if "vector" in message and "extension" in message:
                raise SampleTargetError(f"cannot create the pgvector extension on {target.display}: {message}; "
                                        "install pgvector on the server") from None
            raise SampleError(f"building the sample on {target.display} failed: {message}") from None
        finally:
            await conn.close()
    finally:
        await engine.dispose()
    return counts, bool(existing)


# ---------------------------------------------------------------- the default sample


def default_sample_path() -> Path:
    """Where the default sample lives: $SQLA_EXPLORE_SAMPLE, else the user data dir's sample.db."""
    override = os.environ.get(SAMPLE_PATH_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("sqla-explore", appauthor=False)) / "sample.db"


async def ensure_default_sample(progress: Progress | None = None) -> Path:
    """The default sample's path, building it first if it is not there yet."""
    path = default_sample_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await build_sample(path, progress=progress)
        except SampleExistsError:
            pass  # another process finished it first
    return path
