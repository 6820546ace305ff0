"""Open a not-loaded attribute for real, the way app code would, and offer the eager-loading fixes as cells.

`await try_lazy_load(explorer, obj, attr)` -> LazyLoadAttempt (the real exception, or the value; the SQL tried).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect

from . import capture
from .errors import close_abandoned_awaitables, short_message
from .report import ErrorInfo, SqlStatement

if TYPE_CHECKING:
    from .explorer import Explorer

WHY = (
    "The object was loaded by an async query, but this attribute was not. Touching it asks the ORM to load it "
    "on the spot: that is I/O, and under asyncio I/O has to be awaited. A plain attribute access cannot await, "
    "so SQLAlchemy stops with MissingGreenlet (some drivers wrap it in StatementError) instead of blocking."
)


@dataclass(frozen=True)
class Fix:
    label: str
    source: str  # a cell for the editor
    explanation: str


@dataclass
class LazyLoadAttempt:
    attribute: str  # e.g. "User.posts"
    value: Any = None
    error: ErrorInfo | None = None
    cause: str | None = None  # the wrapped exception's class, e.g. "MissingGreenlet"
    detached_error: ErrorInfo | None = None  # what the displayed (detached) object itself raises
    sql: list[SqlStatement] = field(default_factory=list)  # statements that ran (the db.get of the row)
    attempted_sql: str | None = None  # the SELECT the lazy load wanted to send (never sent)
    explanation: str = WHY
    fixes: list[Fix] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def _info(exc: BaseException) -> tuple[ErrorInfo, str | None]:
    close_abandoned_awaitables(exc)  # the aborted load's driver awaitable, before Python warns about it
    cause = getattr(exc, "orig", None) or exc.__cause__
    # Drop SQLAlchemy's trailing SQL echo (it can span lines) and background link: shown elsewhere.
    message = str(exc).split("[SQL:")[0].split("(Background on this error")[0].strip()
    message = message or short_message(exc)
    return ErrorInfo(type(exc).__name__, message), type(cause).__name__ if cause is not None else None


def _class_name(explorer: Explorer, cls: type) -> str:
    for name, value in explorer.namespace.items():
        if value is cls:
            return name
    return cls.__name__


def _where(state: Any, name: str) -> tuple[str, str]:
    """`User.id == 1` (and the identity for db.get) from the object's primary key."""
    mapper = state.mapper
    keys = [mapper.get_property_by_column(column).key for column in mapper.primary_key]
    identity = state.identity or tuple(getattr(state.obj(), key, None) for key in keys)
    where = ", ".join(f"{name}.{key} == {value!r}" for key, value in zip(keys, identity))
    ident = repr(identity[0]) if len(identity) == 1 else repr(tuple(identity))
    return where, ident


def fixes_for(explorer: Explorer, obj: Any, attr: str) -> list[Fix]:
    """Cells that load `attr` up front (or awaited), for this object's class and primary key."""
    state = inspect(obj)
    name = _class_name(explorer, type(obj))
    where, ident = _where(state, name)
    var = name.lower()
    if attr not in state.mapper.relationships:
        return [Fix("refresh()", f"{var} = await db.get({name}, {ident})\nawait db.refresh({var}, [{attr!r}])\n{var}.{attr}",
                    "A deferred column: load it with an awaited refresh() of just that attribute.")]
    target = f"{name}.{attr}"
    fixes = [
        Fix("selectinload", f"(await db.execute(select({name}).where({where}).options(selectinload({target}))))"
            ".scalars().first()",
            "selectinload: a second SELECT ... IN (...) runs right after the first, inside the await. "
            "Two statements (see the SQL pane)."),
        Fix("joinedload + unique()", f"(await db.execute(select({name}).where({where}).options(joinedload({target}))))"
            ".unique().scalars().first()",
            "joinedload: one SELECT with a LEFT OUTER JOIN; the parent repeats per child, so unique() first."),
    ]
    if hasattr(type(obj), "awaitable_attrs"):
        fixes.append(Fix("awaitable_attrs", f"{var} = await db.get({name}, {ident})\nawait {var}.awaitable_attrs.{attr}",
                         "AsyncAttrs.awaitable_attrs: the same lazy load, awaited, when you do want it later."))
    else:
        fixes.append(Fix("run_sync", f"{var} = await db.get({name}, {ident})\nawait db.run_sync(lambda _: {var}.{attr})",
                         "The class lacks the AsyncAttrs mixin: run_sync performs the same lazy load, awaited."))
    return fixes


async def try_lazy_load(explorer: Explorer, obj: Any, attr: str) -> LazyLoadAttempt:
    """Touch `obj.<attr>` as app code would: on the same row, held by an open AsyncSession, outside an await.

    Everything is rolled back. Raises ValueError for something that is not a mapped object's attribute.
    """
    state = inspect(obj, raiseerr=False)
    if state is None or not hasattr(state, "attrs") or attr not in state.attrs.keys():
        raise ValueError(f"{type(obj).__name__} has no mapped attribute {attr!r}")
    attempt = LazyLoadAttempt(f"{_class_name(explorer, type(obj))}.{attr}", fixes=fixes_for(explorer, obj, attr))
    try:  # the displayed object has left its session: say what touching it gives, without loading anything
        getattr(obj, attr) if attr in state.unloaded and state.detached else None
    except Exception as exc:
        attempt.detached_error = _info(exc)[0]
    with capture.capturing(attempt.sql):
        capture.install(explorer.engine)
        async with explorer.session_factory() as db:
            try:
                live = await db.get(type(obj), state.identity)
                if live is None:
                    attempt.error = ErrorInfo("LookupError", "the row is gone: nothing to load")
                else:
                    attempt.value = getattr(live, attr)  # the mistake, for real
            except Exception as exc:
                attempt.error, attempt.cause = _info(exc)
                statement = getattr(exc, "statement", None)
                attempt.attempted_sql = statement.strip() if isinstance(statement, str) else None
            finally:
                db.expunge_all()
                await db.rollback()
    return attempt
