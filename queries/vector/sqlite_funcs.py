"""Vector distance functions on SQLite: sqlite-vec when an extension can load, numpy functions otherwise.

Both register the same SQL names (`vec_distance_l2`, `vec_distance_cosine`), so one statement runs on
either; `vec_negative_inner_product` (which sqlite-vec lacks) is always a numpy function.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

SQLITE_VEC = "sqlite-vec"
# Read the file through a memory map: a vec0 KNN at 100,000 x 256 reads ~100 MB of chunks per query, and
# mmap spares copying them into SQLite's page cache (about 1.5x faster here). Address space, not memory.
MMAP_BYTES = 1 << 30
NUMPY = "numpy"
NEG_INNER_PRODUCT = "vec_negative_inner_product"

# aiosqlite connection -> "sqlite-vec" | "numpy" (what that connection has loaded)
_loaded: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()
# engines whose connect listener is installed -> what the listener loaded last
_engines: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()


def _as_vector(blob: Any) -> np.ndarray | None:
    if blob is None:
        return None
    if isinstance(blob, str):  # sqlite-vec also accepts JSON text: '[1, 2, 3]'
        import json

        return np.asarray(json.loads(blob), dtype=np.float32)
    return np.frombuffer(blob, dtype="<f4")


def _pair(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray] | None:
    va, vb = _as_vector(a), _as_vector(b)
    if va is None or vb is None:
        return None
    if va.shape != vb.shape:
        raise ValueError(f"vector dimensions differ: {va.shape[0]} and {vb.shape[0]}")
    return va.astype(np.float64), vb.astype(np.float64)


def np_distance_l2(a: Any, b: Any) -> float | None:
    pair = _pair(a, b)
    return None if pair is None else float(np.linalg.norm(pair[0] - pair[1]))


def np_distance_cosine(a: Any, b: Any) -> float | None:
    pair = _pair(a, b)
    if pair is None:
        return None
    denom = float(np.linalg.norm(pair[0]) * np.linalg.norm(pair[1]))
    if denom == 0.0:
        return None
    return 1.0 - float(pair[0] @ pair[1]) / denom


def np_negative_inner_product(a: Any, b: Any) -> float | None:
    pair = _pair(a, b)
    return None if pair is None else -float(pair[0] @ pair[1])


NUMPY_FUNCTIONS = {
    "vec_distance_l2": np_distance_l2,
    "vec_distance_cosine": np_distance_cosine,
}


async def _has_sqlite_vec(aio_conn: Any) -> bool:
    try:
        async with aio_conn.execute("SELECT vec_version()") as cursor:
            await cursor.fetchall()
        return True
    except Exception:  # sqlite3.OperationalError: no such function
        return False


async def _load_into(aio_conn: Any, prefer_extension: bool = True) -> str:
    """Load sqlite-vec into one aiosqlite connection, or register the numpy functions; say which."""
    kind = NUMPY
    if prefer_extension and await _has_sqlite_vec(aio_conn):
        kind = SQLITE_VEC  # loaded when the connection opened (engine_options)
    elif prefer_extension:
        try:
            import sqlite_vec

            await aio_conn.enable_load_extension(True)
            try:
                await aio_conn.load_extension(sqlite_vec.loadable_path())
            finally:
                await aio_conn.enable_load_extension(False)
            kind = SQLITE_VEC
        except Exception:  # AttributeError: sqlite3 built without extensions; ImportError; load failure
            kind = NUMPY
    if kind == NUMPY:
        for name, fn in NUMPY_FUNCTIONS.items():
            await aio_conn.create_function(name, 2, fn, deterministic=True)
    await aio_conn.create_function(NEG_INNER_PRODUCT, 2, np_negative_inner_product, deterministic=True)
    # After the functions: replacing a function fails while a statement of the connection is still open.
    async with aio_conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}") as cursor:
        await cursor.fetchall()
    _loaded[aio_conn] = kind
    return kind


def install(engine: AsyncEngine, *, prefer_extension: bool = True) -> None:
    """Load the functions into every new connection of a SQLite engine (a `connect` listener)."""
    if engine.dialect.name != "sqlite" or engine.sync_engine in _engines:
        return
    _engines[engine.sync_engine] = ""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):  # sync code in the greenlet bridge; run_async reaches aiosqlite
        kind = dbapi_connection.run_async(lambda aio: _load_into(aio, prefer_extension))
        _engines[engine.sync_engine] = kind

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):  # connections pooled before install() ran
        if dbapi_connection.driver_connection not in _loaded:
            _engines[engine.sync_engine] = dbapi_connection.run_async(lambda aio: _load_into(aio, prefer_extension))


def engine_backend(engine: AsyncEngine) -> str | None:
    """What the last connection of an installed SQLite engine loaded ("sqlite-vec" / "numpy"), if known."""
    return _engines.get(engine.sync_engine) or None


async def ensure(conn: AsyncConnection, *, prefer_extension: bool = True) -> str:
    """Make sure this (maybe already pooled) connection has the functions; return "sqlite-vec" or "numpy"."""
    raw = await conn.get_raw_connection()
    adapted = raw.dbapi_connection  # SQLAlchemy's AsyncAdapt_aiosqlite_connection
    aio_conn = adapted.driver_connection  # the aiosqlite.Connection
    kind = _loaded.get(aio_conn)
    if kind is None:
        kind = await _load_into(aio_conn, prefer_extension)
    return kind


def sqlean_dbapi() -> Any | None:
    """sqlean-py's sqlite3 module (it can load extensions), or None when it is not installed."""
    try:
        import sqlean
    except ImportError:
        return None
    return sqlean


def stdlib_can_load_extensions() -> bool:
    import sqlite3

    return hasattr(sqlite3.Connection, "enable_load_extension")


def preload_sqlite_vec(raw: Any) -> bool:
    """Load sqlite-vec into a fresh sqlite3-like connection, before anything reads the schema.

    A file with a vec0 table cannot even be reflected without the extension ("no such module: vec0"),
    so the explorer's connections load it at connect time. False (and no harm) when it cannot load.
    """
    try:
        import sqlite_vec

        raw.enable_load_extension(True)
        try:
            sqlite_vec.load(raw)
        finally:
            raw.enable_load_extension(False)
        return True
    except Exception:  # no enable_load_extension, no sqlite_vec, or the load failed
        return False


def aiosqlite_module_on_sqlean(sqlite_module: Any | None = None) -> Any | None:
    """A DBAPI module for `create_async_engine(url, module=...)`: aiosqlite driving sqlean's sqlite3 (or
    `sqlite_module`), with sqlite-vec loaded into each new connection.

    aiosqlite accepts any connector returning a sqlite3-like connection; SQLAlchemy's aiosqlite
    adapter takes its error classes from the module we pass, so sqlean's errors map to
    `sqlalchemy.exc` exactly as the stdlib's do. None when sqlean-py is missing.
    """
    sqlean = sqlite_module or sqlean_dbapi()
    if sqlean is None:
        return None
    import types

    import aiosqlite
    from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi

    def open_connection(location: str, kwargs: dict) -> Any:
        raw = sqlean.connect(location, **kwargs)
        preload_sqlite_vec(raw)
        return raw

    def connect(database: Any, *, iter_chunk_size: int = 64, **kwargs: Any) -> aiosqlite.Connection:
        location = database.decode() if isinstance(database, bytes) else str(database)
        connection = aiosqlite.Connection(lambda: open_connection(location, kwargs), iter_chunk_size)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connect()
        return connection

    shim = types.SimpleNamespace(connect=connect, Connection=aiosqlite.Connection, __version__=aiosqlite.__version__)
    for name in (
        "DatabaseError", "Error", "IntegrityError", "NotSupportedError", "OperationalError",
        "ProgrammingError", "InterfaceError", "InternalError", "DataError", "Warning",
        "sqlite_version", "sqlite_version_info",
    ):
        setattr(shim, name, getattr(sqlean, name))
    return AsyncAdapt_aiosqlite_dbapi(shim, getattr(sqlean, "dbapi2", sqlean))


def engine_options(url: Any) -> dict:
    """Extra `create_async_engine` keywords so a SQLite engine loads sqlite-vec ({} when not needed/possible).

    sqlean's sqlite3 where the stdlib cannot load extensions (pyenv builds here), else the stdlib's; either
    way sqlite-vec is loaded as each connection opens, so files with a vec0 table reflect.
    """
    backend = url.get_backend_name() if hasattr(url, "get_backend_name") else str(url).split(":", 1)[0]
    if not backend.startswith("sqlite"):
        return {}
    if stdlib_can_load_extensions():
        import sqlite3

        module = aiosqlite_module_on_sqlean(sqlite3)
    else:
        module = aiosqlite_module_on_sqlean()
    return {"module": module} if module is not None else {}
