"""Skip rollbacks that cannot do anything: each one is a trip to aiosqlite's thread.

A closing Session rolls back its transaction and then closes the connection, so the pool's own
rollback-on-return runs a second time; and on SQLite a read-only run never opened a transaction in
the driver at all (sqlite3 begins one only before a write), so even the first rollback is a no-op.
`install(engine)` makes both happen only when the driver says a transaction is open.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


def create_options() -> dict[str, Any]:
    """Keywords for create_async_engine: no unconditional reset (install() adds the conditional one)."""
    return {"pool_reset_on_return": None}


def driver_in_transaction(dbapi_connection: Any) -> bool | None:
    """True/False when the driver can tell without a round trip; None when it cannot."""
    raw = getattr(dbapi_connection, "driver_connection", None) or getattr(dbapi_connection, "_connection", None)
    flag = getattr(raw, "in_transaction", None)  # aiosqlite / sqlite3: a property read from the C state
    if isinstance(flag, bool):
        return flag
    probe = getattr(raw, "is_in_transaction", None)  # asyncpg
    if callable(probe):
        return bool(probe())
    return None


def _reset(dbapi_connection: Any, record: Any, state: Any) -> None:
    if state.terminate_only or not state.asyncio_safe or state.transaction_was_reset:
        return
    if driver_in_transaction(dbapi_connection) is False:
        return
    dbapi_connection.rollback()  # unknown or open: roll back, as the default reset would


def install(engine: AsyncEngine) -> None:
    """Conditional pool reset (pair with create_options()) and, on SQLite, a conditional rollback."""
    if not event.contains(engine.sync_engine, "reset", _reset):
        event.listen(engine.sync_engine, "reset", _reset)
    dialect = engine.sync_engine.dialect
    if dialect.name == "sqlite" and "do_rollback" not in vars(dialect):
        rollback = dialect.do_rollback

        def do_rollback(dbapi_connection: Any) -> None:
            # sqlite3's own rollback() does nothing outside a transaction; skip the thread hop too.
            if driver_in_transaction(dbapi_connection) is not False:
                rollback(dbapi_connection)

        dialect.do_rollback = do_rollback  # this engine's dialect instance only
