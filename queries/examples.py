"""The examples library as data: the seed article's code blocks written against the sample schema.

Each `Example` has a name, a one-line explanation, the cell source, and its documented outcome: the kind of
value the app shows (`"User"`, `"list[User]"`, `"int"`, `"None"`) or the exception class it raises. Legacy
examples (`db.query(...)`) go through Rosetta: `outcome` is the 2.0 form's, `legacy_outcome` the sync one's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Row
from sqlalchemy.orm import InstanceState

from .rosetta.detect import is_legacy
from .rosetta.snapshot import EntityRef


@dataclass(frozen=True)
class Example:
    name: str
    explanation: str
    source: str
    outcome: str  # value kind or exception class name, when the app runs the cell
    legacy_outcome: str | None = None  # for legacy cells: what the sync form gives on a sync Session
    by_dialect: dict[str, str] = field(default_factory=dict)  # outcome overrides, e.g. {"sqlite": "OperationalError"}

    @property
    def legacy(self) -> bool:
        return is_legacy(self.source)

    def expected(self, dialect: str) -> str:
        return self.by_dialect.get(dialect, self.outcome)


_NEW_USER = (
    "from datetime import datetime\n"
    "user = User(email='new@example.com', name='New Person', is_active=True, created_at=datetime(2025, 4, 12))\n"
)
_THREADPOOL = (
    "try:\n"
    "    from fastapi.concurrency import run_in_threadpool\n"
    "except ImportError:  # without FastAPI, asyncio.to_thread is the same idea\n"
    "    from asyncio import to_thread as run_in_threadpool\n"
    "\n"
    "def legacy_report():\n"
    "    with sync_session(db) as s:  # the old sync code, unchanged, on a sync Session\n"
    "        return s.query(User).filter(User.is_active == False).count()\n"
    "\n"
    "await run_in_threadpool(legacy_report)"
)

EXAMPLES: tuple[Example, ...] = (
    Example(
        "Sync: db.query(...).first()",
        "The sync 1.x way; Rosetta runs it on a sync Session and shows the 2.0 form beside it.",
        "db.query(User).filter(User.email == 'ada@example.com').first()",
        "User",
        legacy_outcome="User",
    ),
    Example(
        "The failing await db.query(...)",
        "Adding await to sync code: on a sync Session the query runs, then `await` fails on the User it returned.",
        "await db.query(User).filter(User.email == 'ada@example.com').first()",
        "User",
        legacy_outcome="TypeError",
    ),
    Example(
        "The blocking route",
        "A sync Session inside async def: it works, but the event loop waits for every query (see Pitfalls).",
        "async def read_user(user_id: int):\n"
        "    with sync_session(db) as s:  # sync I/O inside async def: the loop is stuck meanwhile\n"
        "        return s.query(User).filter(User.id == user_id).first()\n"
        "\n"
        "await read_user(1)",
        "User",
    ),
    Example(
        "Async get_user with select()",
        "The 2.0 way: build a select(), await execute(), then .scalars().first().",
        "async def get_user(db, email: str):\n"
        "    result = await db.execute(select(User).where(User.email == email))\n"
        "    return result.scalars().first()\n"
        "\n"
        "await get_user(db, 'ada@example.com')",
        "User",
    ),
    Example(
        "Session dependency: async with ... yield session",
        "One session per request: the block opens it, yield lends it, leaving the block closes it (rolling back "
        "what was not committed).",
        "from sqlalchemy.ext.asyncio import async_sessionmaker\n"
        "\n"
        "async_session = async_sessionmaker(db.bind, expire_on_commit=False)\n"
        "\n"
        "async def get_async_db():\n"
        "    async with async_session() as session:\n"
        "        yield session  # the route uses it here; afterwards the block closes it\n"
        "\n"
        "async for session in get_async_db():\n"
        "    user = (await session.execute(select(User).where(User.id == 1))).scalars().first()\n"
        "user",
        "User",
    ),
    Example(
        "Tray, boxes, food: execute -> scalars -> first",
        "execute() gives the tray (a Result of rows), scalars() opens each row's box, first() takes one dish.",
        "result = await db.execute(select(User).where(User.email == 'ada@example.com'))  # the tray\n"
        "boxes = result.scalars()  # open the boxes: the User in each row\n"
        "boxes.first()  # the food",
        "User",
    ),
    Example(
        "CRUD: first",
        "-> (await db.execute(select(User).limit(1))).scalars().first(): Query.first() sent LIMIT 1 itself, "
        "select() needs it said (without it: the same user, but every row fetched).",
        "db.query(User).first()",
        "User",
        legacy_outcome="User",
    ),
    Example(
        "CRUD: all",
        "db.query(User).all() -> (await db.execute(select(User))).scalars().all()",
        "db.query(User).all()",
        "list[User]",
        legacy_outcome="list[User]",
    ),
    Example(
        "CRUD: filter + one",
        "filter() becomes where(); one() insists on exactly one row.",
        "name = 'Ada Lovelace'\ndb.query(User).filter(User.name == name).one()",
        "User",
        legacy_outcome="User",
    ),
    Example(
        "CRUD: add + commit",
        "add() stays sync (no I/O); commit() is awaited. The explorer rolls it back unless commits are allowed.",
        _NEW_USER + "db.add(user); db.commit()\nuser",
        "User",
        legacy_outcome="User",
    ),
    Example(
        "CRUD: update",
        "Query.update({...}) becomes an update() statement executed on the session; both give the row count.",
        "id = 3\nnew_name = 'Renamed'\ndb.query(User).filter(User.id == id).update({User.name: new_name})",
        "int",
        legacy_outcome="int",
    ),
    Example(
        "run_in_threadpool around legacy code",
        "Keep old sync code for now: run it in a worker thread so the event loop stays free.",
        _THREADPOOL,
        "int",
    ),
    Example(
        "pgvector: l2_distance top 5",
        "The five documents nearest to document 1 by Euclidean distance: pgvector's <-> on PostgreSQL, "
        "sqlite-vec's vec_distance_l2 on SQLite (see the SQL pane).",
        "query_vector = select(Document.embedding).where(Document.id == 1).scalar_subquery()\n"
        "stmt = select(Document).order_by(l2_distance(Document.embedding, query_vector)).limit(5)\n"
        "result = await db.execute(stmt)\n"
        "result.scalars().all()",
        "list[Document]",
    ),
    Example(
        "db_get helper",
        "The seed's small helper: select(model).filter_by(**kwargs), then .scalars().first().",
        "await db_get(db, User, email='ada@example.com')",
        "User",
    ),
)
BY_NAME = {e.name: e for e in EXAMPLES}


def outcome_of(value: Any) -> str:
    """The kind of a value as the examples document it: "User", "list[User]", "int", "None", "Row"..."""
    if value is None:
        return "None"
    if isinstance(value, EntityRef):
        return value.cls
    if isinstance(sa_inspect(value, raiseerr=False), InstanceState):
        return type(value).__name__
    if isinstance(value, Row):
        return "Row"
    if isinstance(value, (list, tuple)) and not isinstance(value, Row):
        inner = outcome_of(value[0]) if value else ""
        return f"{type(value).__name__}[{inner}]" if inner else type(value).__name__
    return type(value).__name__
