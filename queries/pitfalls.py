"""The classic async SQLAlchemy mistakes as data, each reproduced for real on the open database and explained,
with its fix(es). `await reproduce(explorer, key)` runs the mistake and every fix and returns what happened.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from . import capture
from .errors import close_abandoned_awaitables, short_message
from .evaluate import evaluate, parse_cell
from .report import SqlStatement
from .rosetta.blocking import BlockingRun, measure_blocking
from .rosetta.syncdb import sync_engine_for

if TYPE_CHECKING:
    from .explorer import Explorer

# Which session a cell gets as `db`.
ASYNC = "async"  # a real AsyncSession (not the engine's recording proxy), rolled back at the end
SYNC = "sync"  # a real sync Session on the sync driver (pysqlite / psycopg), as in a sync app
ASYNC_NO_EXPIRE = "async, expire_on_commit=False"


@dataclass(frozen=True)
class Step:
    """One cell to run: the mistake or a fix, the session it runs on, and what it should give."""

    source: str
    explanation: str
    session: str = ASYNC
    expected_error: str | None = None  # exception class name (or its cause's, e.g. MissingGreenlet)
    label: str = ""


@dataclass(frozen=True)
class Pitfall:
    key: str
    title: str
    mistake: Step
    fixes: tuple[Step, ...] = ()


@dataclass
class Attempt:
    """What running one Step really did."""

    step: Step
    value: Any = None
    error_type: str | None = None  # the exception raised, e.g. "StatementError"
    error_cause: str | None = None  # what it wraps, e.g. "MissingGreenlet"
    error_message: str | None = None
    sql: list[SqlStatement] = field(default_factory=list)

    @property
    def as_expected(self) -> bool:
        wanted = self.step.expected_error
        return wanted in (self.error_type, self.error_cause) if wanted else self.error_type is None


@dataclass
class Reproduction:
    pitfall: Pitfall
    mistake: Attempt
    fixes: list[Attempt]
    blocking: list[BlockingRun] | None = None


ADA = "User.email == 'ada@example.com'"
_ADA_USER = f"user = (await db.execute(select(User).where({ADA}))).scalars().first()\n"
_ARTICLE = (
    "The seed article quotes AttributeError: 'Query' object has no attribute '__await__'. That is what you get "
    "by calling query.__await__() yourself; the `await` keyword never raises it. `await x` asks the type of x for "
    "__await__ and, when it has none, Python raises TypeError: object X can't be used in 'await' expression."
)

PITFALLS: tuple[Pitfall, ...] = (
    Pitfall(
        "await-query-async",
        "await db.query(...) on an AsyncSession",
        Step(
            f"await db.query(User).filter({ADA}).first()",
            "AsyncSession has no query() at all: the legacy Query API was left out of asyncio on purpose, so the "
            "line fails on the attribute lookup, before anything is awaited or sent to the database. " + _ARTICLE,
            expected_error="AttributeError",
        ),
        (Step(f"(await db.execute(select(User).where({ADA}))).scalars().first()",
              "The 2.0 form: build a select(), await execute(), then take the entities and the first one."),),
    ),
    Pitfall(
        "await-query-sync",
        "await db.query(User) on a sync Session",
        Step(
            "await db.query(User)",
            "A sync Session does have query(), and it returns a Query object, which is not awaitable: "
            "TypeError names the Query. " + _ARTICLE,
            session=SYNC,
            expected_error="TypeError",
        ),
        (Step("db.query(User).first()", "In sync code, call it without await (and keep it out of async def).",
              session=SYNC),
         Step("(await db.execute(select(User))).scalars().first()", "Or move to an AsyncSession and the 2.0 form.")),
    ),
    Pitfall(
        "await-query-first-sync",
        "await db.query(User).filter(...).first() on a sync Session",
        Step(
            f"await db.query(User).filter({ADA}).first()",
            "The query already ran, blocking, before the await: .first() sent the SELECT (see the SQL) and "
            "returned a User; only then did `await` fail, on the User (on None when no row matches). "
            + _ARTICLE,
            session=SYNC,
            expected_error="TypeError",
        ),
        (Step(f"(await db.execute(select(User).where({ADA}))).scalars().first()",
              "Await execute() on an AsyncSession; the database work happens inside the await."),),
    ),
    Pitfall(
        "lazy-load",
        "Lazy loading after an async query (MissingGreenlet)",
        Step(
            _ADA_USER + "user.posts",
            "user.posts was not loaded by the query. Touching it makes the ORM load it on the spot, which means "
            "I/O, and under asyncio I/O must be awaited; a plain attribute access cannot await, so SQLAlchemy "
            "stops with MissingGreenlet (aiosqlite wraps it in StatementError) instead of blocking.",
            expected_error="MissingGreenlet",
        ),
        (
            Step(f"(await db.execute(select(User).where({ADA}).options(selectinload(User.posts)))).scalars().first().posts",
                 "selectinload: a second SELECT ... WHERE posts.user_id IN (...) runs right after the first, "
                 "inside the await. Two statements.", label="selectinload"),
            Step(f"(await db.execute(select(User).where({ADA}).options(joinedload(User.posts)))).unique().scalars().first().posts",
                 "joinedload: one SELECT with a LEFT OUTER JOIN; each user repeats once per post, so the result "
                 "must be made unique() before taking entities. One statement.", label="joinedload + unique()"),
            Step(_ADA_USER + "await user.awaitable_attrs.posts",
                 "AsyncAttrs.awaitable_attrs: an awaitable version of the lazy load, when you do want it later. "
                 "The classes need the AsyncAttrs mixin. Two statements, the second when awaited.",
                 label="awaitable_attrs"),
        ),
    ),
    Pitfall(
        "joinedload-without-unique",
        "joinedload of a collection without unique()",
        Step(f"(await db.execute(select(User).where(User.id <= 3).options(joinedload(User.posts)))).scalars().all()",
             "A joined eager load of a collection repeats the parent row once per child. 2.0 refuses to guess and "
             "asks for unique().", expected_error="InvalidRequestError"),
        (Step("(await db.execute(select(User).where(User.id <= 3).options(joinedload(User.posts)))).unique().scalars().all()",
              "unique() folds the repeated users back into one each."),),
    ),
    Pitfall(
        "result-consumed-twice",
        "A Result read twice",
        Step("result = await db.execute(select(User).where(User.id <= 3))\n"
             "first_time = result.all()\nsecond_time = result.all()\n(len(first_time), len(second_time))",
             "A Result is a cursor: all() drains it, so the second all() is empty, silently. (3, 0)."),
        (Step("users = (await db.execute(select(User).where(User.id <= 3))).scalars().all()\n(len(users), len(users))",
              "Keep the list you fetched and reuse it.", label="keep the list"),
         Step("frozen = (await db.execute(select(User).where(User.id <= 3))).freeze()\n"
              "(len(frozen().all()), len(frozen().all()))",
              "Or freeze() it: each frozen() call replays a fresh Result.", label="freeze()")),
    ),
    Pitfall(
        "first-closes",
        "first() closes the Result",
        Step("result = await db.execute(select(User).where(User.id <= 3))\nresult.first()\nresult.all()",
             "first() takes one row and closes the Result (discarding the rest); reading it again raises "
             "ResourceClosedError.", expected_error="ResourceClosedError"),
        (Step("rows = (await db.execute(select(User).where(User.id <= 3))).all()\n(rows[0], len(rows))",
              "Fetch once with all(), then index."),),
    ),
    Pitfall(
        "one-no-row",
        "one() on zero rows",
        Step("(await db.execute(select(User).where(User.email == 'nobody@example.com'))).scalars().one()",
             "one() means exactly one: zero rows raise NoResultFound.", expected_error="NoResultFound"),
        (Step("(await db.execute(select(User).where(User.email == 'nobody@example.com'))).scalars().one_or_none()",
              "one_or_none() gives None for no row (first() too, without the at-most-one check)."),),
    ),
    Pitfall(
        "one-many-rows",
        "one() on several rows",
        Step("(await db.execute(select(User).where(User.name == 'Sam Taylor'))).scalars().one()",
             "Two users share this name: one() raises MultipleResultsFound.", expected_error="MultipleResultsFound"),
        (Step("(await db.execute(select(User).where(User.name == 'Sam Taylor'))).scalars().all()",
              "all() when several are possible; or narrow the where() until one is guaranteed."),),
    ),
    Pitfall(
        "scalar-vs-scalar-one",
        "scalar_one() vs scalar()",
        Step("(await db.execute(select(User.name).where(User.id <= 3))).scalar_one()",
             "scalar_one() wants exactly one row and raises on three.", expected_error="MultipleResultsFound"),
        (Step("(await db.execute(select(User.name).where(User.id <= 3))).scalar()",
              "scalar() quietly takes the first column of the first row and drops the rest: no error, "
              "which can hide a missing filter.", label="scalar()"),
         Step("(await db.execute(select(User.name).where(User.id == 1))).scalar_one()",
              "Narrow the query, and keep scalar_one() as the check.", label="scalar_one() with a narrow where")),
    ),
    Pitfall(
        "scalars-multi-entity",
        "scalars() on a select of several entities",
        Step("(await db.execute(select(User, Post).join(Post).where(User.id == 1))).scalars().all()",
             "scalars() keeps only the first column of each row: the Posts vanish and the User repeats once "
             "per post. No error."),
        (Step("(await db.execute(select(User, Post).join(Post).where(User.id == 1))).all()",
              "Keep the rows: each is a (User, Post) tuple."),),
    ),
    Pitfall(
        "expire-on-commit",
        "Attributes after commit (expire_on_commit)",
        Step(_ADA_USER + "await db.commit()\nuser.name",
             "commit() expires every loaded object (the default expire_on_commit=True), so user.name must be "
             "reloaded from the database: I/O outside an await, so MissingGreenlet.",
             expected_error="MissingGreenlet"),
        (Step(_ADA_USER + "await db.commit()\nawait db.refresh(user)\nuser.name",
              "Reload explicitly with await db.refresh(user).", label="refresh()"),
         Step(_ADA_USER + "await db.commit()\nuser.name",
              "Or make sessions with async_sessionmaker(engine, expire_on_commit=False): objects keep their "
              "values after commit (they may be stale).", session=ASYNC_NO_EXPIRE, label="expire_on_commit=False")),
    ),
    Pitfall(
        "blocking-loop",
        "A sync Session inside async def blocks the event loop",
        Step("async def read_user(user_id):\n"
             "    with sync_session(db) as s:  # a sync Session inside async def\n"
             "        return s.query(User).filter(User.id == user_id).first()\n"
             "await read_user(1)",
             "The query works, but while it runs the event loop is stuck: no other request, no redraw, no timer. "
             "The measurement runs a slow query on the loop, then in asyncio.to_thread (FastAPI's "
             "run_in_threadpool), then on the async driver, and reports the loop's worst lag for each."),
        (Step("def sync_read_user(user_id):\n"
              "    with sync_session(db) as s:\n"
              "        return s.query(User).filter(User.id == user_id).first()\n"
              "await asyncio.to_thread(sync_read_user, 1)",
              "Move sync code to a thread: the loop keeps turning.", label="to_thread"),
         Step("(await db.execute(select(User).where(User.id == 1))).scalars().first()",
              "Or use the async driver.", label="async driver")),
    ),
)
BY_KEY = {p.key: p for p in PITFALLS}


def editor_source(step: Step) -> str:
    """The step as a cell for the editor, where `db` is the explorer's AsyncSession: a step meant for a sync
    Session runs inside `with sync_session(db) as s:` (its `db` renamed `s`, its last expression kept as
    `result`), and one meant for expire_on_commit=False sets that first; so the editor reproduces what the
    Pitfalls tab showed."""
    if step.session == ASYNC_NO_EXPIRE:
        return "db.sync_session.expire_on_commit = False  # as async_sessionmaker(engine, expire_on_commit=False)\n" + step.source
    if step.session != SYNC:
        return step.source
    source = _rename(step.source, "db", "s")
    tree = ast.parse(source)
    lines = source.splitlines()
    tail = ""
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr):  # `expr` -> `result = expr`, shown after the block
        row = last.lineno - 1
        lines[row] = lines[row][: last.col_offset] + "result = " + lines[row][last.col_offset :]
        tail = "\nresult"
    body = "\n".join("    " + line if line.strip() else line for line in lines)
    return (
        "with sync_session(db) as s:  # a sync Session on the same database, as in a sync app\n"
        f"{body}\n"
        "    s.expunge_all()  # keep what it loaded readable after the block (which rolls back)"
        f"{tail}"
    )


def _rename(source: str, old: str, new: str) -> str:
    """`source` with the name `old` (not attributes or strings of that spelling) renamed `new`."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    for tok, before in reversed(list(zip(tokens, [None, *tokens[:-1]]))):
        if tok.type == tokenize.NAME and tok.string == old and not (before is not None and before.string == "."):
            row, col = tok.start[0] - 1, tok.start[1]
            lines[row] = lines[row][:col] + new + lines[row][col + len(old):]
    return "".join(lines)


async def _run_step(explorer: Explorer, step: Step) -> Attempt:
    attempt = Attempt(step)
    namespace = dict(explorer.namespace)
    cell = parse_cell(step.source)
    with capture.capturing(attempt.sql):
        if step.session == SYNC:
            engine = sync_engine_for(explorer.engine)
            capture.install(SimpleNamespace(sync_engine=engine))
            with Session(engine) as db:
                await _evaluate(cell, namespace, db, attempt)
                db.expunge_all()  # keep what was loaded readable after the rollback
                db.rollback()
        else:
            expire = step.session != ASYNC_NO_EXPIRE
            async with AsyncSession(explorer.engine, expire_on_commit=expire) as db:
                await _evaluate(cell, namespace, db, attempt)
                db.expunge_all()
                await db.rollback()
    return attempt


async def _evaluate(cell, namespace: dict[str, Any], db, attempt: Attempt) -> None:
    namespace["db"] = namespace["session"] = db
    try:
        attempt.value = await evaluate(cell, namespace)
    except Exception as exc:
        close_abandoned_awaitables(exc)
        attempt.error_type = type(exc).__name__
        cause = getattr(exc, "orig", None) or exc.__cause__
        attempt.error_cause = type(cause).__name__ if cause is not None else None
        attempt.error_message = short_message(exc)


async def reproduce(explorer: Explorer, key: str, *, blocking_seconds: float = 0.3) -> Reproduction:
    """Run the pitfall's mistake and each fix on the explorer's database, for real (all rolled back)."""
    pitfall = BY_KEY[key]
    if key == "blocking-loop":
        runs = await measure_blocking(explorer, blocking_seconds)
        fixes = [Attempt(fix, value=run) for fix, run in zip(pitfall.fixes, runs[1:])]
        return Reproduction(pitfall, Attempt(pitfall.mistake, value=runs[0]), fixes, runs)
    mistake = await _run_step(explorer, pitfall.mistake)
    fixes = []
    for fix in pitfall.fixes:
        if "awaitable_attrs" in fix.source and not hasattr(explorer.namespace.get("User"), "awaitable_attrs"):
            # Without the AsyncAttrs mixin, run_sync is the same awaited lazy load.
            fix = Step(fix.source.replace("await user.awaitable_attrs.posts", "await db.run_sync(lambda _: user.posts)"),
                       fix.explanation + " (These classes lack the mixin: db.run_sync does the same.)",
                       fix.session, fix.expected_error, fix.label)
        fixes.append(await _run_step(explorer, fix))
    return Reproduction(pitfall, mistake, fixes)
