"""A plain sync engine for the explorer's database (pysqlite / psycopg): what a sync app would use."""

from __future__ import annotations

import importlib.util
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ..errors import ExploreError

# Async driver -> the sync driver a sync app would use for the same database.
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
_engines: dict[str, Engine] = {}


class NoSyncDriver(ExploreError):
    """No sync driver is installed for this database."""


def sync_url(url: URL) -> URL:
    backend = url.get_backend_name()
    if backend not in _SYNC_DRIVERS:
        raise NoSyncDriver(f"no sync driver known for {backend}")
    if backend == "postgresql" and importlib.util.find_spec("psycopg") is None:
        raise NoSyncDriver("the sync demo on PostgreSQL needs psycopg: pip install 'psycopg[binary]'")
    return url.set(drivername=_SYNC_DRIVERS[backend])


def sync_engine_for(bind: Any) -> Engine:
    """A cached sync engine (no pool) for the database of `bind`: an AsyncEngine, an AsyncSession, or `db`."""
    engine = getattr(bind, "bind", bind)  # an AsyncSession (or the recording proxy) -> its engine
    url = sync_url(engine.url)
    key = url.render_as_string(hide_password=False)
    if key not in _engines:
        _engines[key] = create_engine(url, poolclass=NullPool)
    return _engines[key]


@contextmanager
def sync_session(bind: Any):
    """`with sync_session(db) as s:` a real sync Session on the same database; rolled back at the end."""
    with Session(sync_engine_for(bind)) as session:
        try:
            yield session
        finally:
            session.rollback()
