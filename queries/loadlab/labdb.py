"""The lab's database side: a sync and an async engine on one database, a primary-key lookup, and the delay.

The delay makes the database "take time" without burning CPU: `pg_sleep` on PostgreSQL; on SQLite a
user-defined SQL function `sqla_sleep(ms)`, registered on every new connection, that sleeps in the
connection's own thread (sqlite3's, or aiosqlite's worker thread). Like `pg_sleep` it waits without using
the CPU or holding the GIL, so it models I/O wait. A recursive CTE would burn a core instead: on this 2-core
machine that would measure CPU contention, not waiting, and it is hard to calibrate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, MetaData, Table, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, registry, sessionmaker

from ..connect import resolve_target
from ..errors import ExploreError

SLEEP_FUNCTION = "sqla_sleep"

SYNC_DRIVERS = {
    "sqlite+aiosqlite": "sqlite+pysqlite",
    "sqlite+pysqlite": "sqlite+pysqlite",
    "sqlite": "sqlite+pysqlite",
    "postgresql+asyncpg": "postgresql+psycopg",
    "postgresql+psycopg_async": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
}

PSYCOPG_HINT = "pip install 'psycopg[binary]' (or: pip install 'sqla-explore[bench]')"


class LabError(ExploreError):
    """The lab cannot run against this database (unsupported backend, missing sync driver...)."""


def _sleep_ms(ms: float) -> int:
    time.sleep(max(0.0, float(ms)) / 1000.0)
    return 0


def _register_sleep(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.create_function(SLEEP_FUNCTION, 1, _sleep_ms)


def lab_urls(target: str | URL) -> tuple[URL, URL]:
    """The (async URL, sync URL) for a SQLite path or a database URL; LabError when unsupported."""
    if isinstance(target, URL):
        async_url = target
    else:
        async_url = resolve_target(str(target)).url
    driver = async_url.drivername
    backend = async_url.get_backend_name()
    if backend == "sqlite" and (async_url.database or ":memory:") in ("", ":memory:"):
        raise LabError("the loop lab needs a SQLite file or a server: an in-memory database is private to one connection")
    sync_driver = SYNC_DRIVERS.get(driver)
    if sync_driver is None:
        raise LabError(f"the loop lab supports SQLite and PostgreSQL, not {driver}")
    if sync_driver == "postgresql+psycopg":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise LabError(f"the sync modes on PostgreSQL need psycopg 3: {PSYCOPG_HINT}") from None
    return async_url, async_url.set(drivername=sync_driver)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return None


@dataclass
class LabDatabase:
    """Both engines, the mapped class being looked up, its id range and the delay. Open with `open()`."""

    async_engine: AsyncEngine
    sync_engine: Engine
    table_name: str | None
    mapped: type | None
    pk_name: str | None
    low: int = 1
    high: int = 1
    delay_ms: float = 0.0
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.AsyncSessionLocal = async_sessionmaker(self.async_engine, expire_on_commit=False)
        self.SessionLocal = sessionmaker(self.sync_engine, expire_on_commit=False)

    @property
    def dialect_name(self) -> str:
        return self.async_engine.dialect.name

    @property
    def backend_label(self) -> str:
        return "PostgreSQL" if self.dialect_name == "postgresql" else "SQLite"

    @classmethod
    async def open(cls, target: str | URL, *, pool_size: int = 10, delay_ms: float = 0.0) -> LabDatabase:
        """Create both engines (pool of `pool_size` each) and find the table to look up; call on the loop."""
        async_url, sync_url = lab_urls(target)
        pool_size = max(1, pool_size)
        pool_args = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": 60}
        async_engine = create_async_engine(async_url, **pool_args)
        sync_engine = _create_sync_engine(sync_url, pool_args)
        if async_url.get_backend_name() == "sqlite":
            event.listen(async_engine.sync_engine, "connect", _register_sleep)
            event.listen(sync_engine, "connect", _register_sleep)
        try:
            async with async_engine.connect() as conn:
                found = await conn.run_sync(_pick_table)
                table_name, table, pk_name = found
                low = high = 1
                if table is not None:
                    pk = table.c[pk_name]
                    low, high = (await conn.execute(select(func.min(pk), func.max(pk)))).one()
                    low, high = (low or 1), (high or 1)
        except BaseException:
            await async_engine.dispose()
            sync_engine.dispose()
            raise
        notes = []
        mapped = None
        if table is not None:
            mapped = type("User" if table_name == "users" else "Row", (), {})
            registry().map_imperatively(mapped, table)
            if table_name != "users":
                notes.append(f"no users table: looking rows up in {table_name} by {pk_name}")
        else:
            notes.append("no table with an integer primary key: each request runs SELECT 1")
        return cls(async_engine, sync_engine, table_name, mapped, pk_name, low, high, delay_ms, notes)

    async def close(self) -> None:
        await self.async_engine.dispose()
        self.sync_engine.dispose()

    async def warm(self, connections: int) -> None:
        """Open up to `connections` pooled connections on both engines, so a first run is not timing connects."""
        n = max(1, min(connections, self.async_engine.pool.size()))

        async def one_async() -> None:
            async with self.async_engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                await asyncio.sleep(0.01)

        def many_sync() -> None:
            conns = [self.sync_engine.connect() for _ in range(min(n, self.sync_engine.pool.size()))]
            for conn in conns:
                conn.execute(text("SELECT 1"))
                conn.close()

        await asyncio.gather(*(one_async() for _ in range(n)))
        await asyncio.to_thread(many_sync)

    # -- the work of one simulated request ------------------------------------------------------
    def uid(self, i: int) -> int:
        return self.low + i % (self.high - self.low + 1)

    def _delay(self) -> tuple[Any, dict] | None:
        if self.delay_ms <= 0:
            return None
        if self.dialect_name == "postgresql":
            return text("SELECT pg_sleep(:s)"), {"s": self.delay_ms / 1000.0}
        return text(f"SELECT {SLEEP_FUNCTION}(:ms)"), {"ms": self.delay_ms}

    def _row(self, obj: Any) -> dict | None:
        if obj is None:
            return None
        if self.mapped is None:
            return {"value": obj}
        return {k: _jsonable(v) for k, v in vars(obj).items() if not k.startswith("_")}

    def lookup_sync(self, db: Session, uid: int) -> dict | None:
        """The blocking query: optional server-side delay, then a primary-key lookup (legacy Query style)."""
        delay = self._delay()
        if delay is not None:
            db.execute(*delay)
        if self.mapped is None:
            return self._row(db.execute(text("SELECT 1")).scalar())
        return self._row(db.query(self.mapped).filter(getattr(self.mapped, self.pk_name) == uid).first())

    async def lookup_async(self, db: AsyncSession, uid: int) -> dict | None:
        """The awaited query: optional server-side delay, then a primary-key lookup (2.0 select style)."""
        delay = self._delay()
        if delay is not None:
            await db.execute(*delay)
        if self.mapped is None:
            return self._row((await db.execute(text("SELECT 1"))).scalar())
        stmt = select(self.mapped).where(getattr(self.mapped, self.pk_name) == uid)
        return self._row((await db.execute(stmt)).scalars().first())

    def request_sync(self, i: int) -> dict | None:
        """One whole sync request: open a Session, look up, close (what a `def` route does)."""
        with self.SessionLocal() as db:
            return self.lookup_sync(db, self.uid(i))

    async def request_async(self, i: int) -> dict | None:
        """One whole async request: open an AsyncSession, look up, close."""
        async with self.AsyncSessionLocal() as db:
            return await self.lookup_async(db, self.uid(i))


def _create_sync_engine(url: URL, pool_args: dict) -> Engine:
    try:
        return create_engine(url, **pool_args)
    except ModuleNotFoundError as exc:
        raise LabError(f"the sync driver for {url.drivername} is not installed ({exc.name}): {PSYCOPG_HINT}") from None


def _pick_table(conn) -> tuple[str | None, Table | None, str | None]:
    """`users` if it exists, else the first table with a single integer primary key, else nothing."""
    insp = inspect(conn)
    names = insp.get_table_names()
    ordered = (["users"] if "users" in names else []) + [n for n in sorted(names) if n != "users"]
    for name in ordered:
        pk_cols = insp.get_pk_constraint(name).get("constrained_columns") or []
        if len(pk_cols) != 1:
            continue
        table = Table(name, MetaData(), autoload_with=conn)
        if isinstance(table.c[pk_cols[0]].type, Integer):
            return name, table, pk_cols[0]
    return None, None, None

