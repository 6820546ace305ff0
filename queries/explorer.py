"""`Explorer`: one open database (engine, mapped classes, namespace) and `run(cell)` -> `Report`."""

from __future__ import annotations

import asyncio
import contextvars
import time
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from . import capture
from .connect import Target, connect_failure, create_engine_for, resolve_target
from .errors import ConnectError, error_info
from .evaluate import Cell, evaluate, parse_cell
from .layers import fill_layers
from .mapping import Mapping, automap, merge_user_models
from .namespace import build_namespace
from .recording import RecordingSession, RunState
from .report import (
    ERR_READ_ONLY,
    ERR_TIMEOUT,
    KIND_CHAIN,
    KIND_DDL,
    KIND_DML,
    KIND_ERROR,
    KIND_SELECT,
    KIND_SQL,
    KIND_VALUE,
    ChainInfo,
    ErrorInfo,
    Report,
)
from .rosetta.compare import rosetta_for, rosetta_report
from .rosetta.detect import awaits_query
from .run_statement import execute_statement
from .statements import as_statement, check_writable, is_ddl, is_statement, is_write
from .chain import consumer_of

DEFAULT_LIMIT = 1000
_AS_TYPED: contextvars.ContextVar[bool] = contextvars.ContextVar("sqla_explore_as_typed", default=False)


def _rosetta_applies(cell: Cell) -> bool:
    """Raw SQL, and cells already being run as typed, never go through the legacy translation."""
    return not cell.is_sql and not _AS_TYPED.get()
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "TRUNCATE", "REPLACE")


class Explorer:
    """Create with `await Explorer.open(target)` on the loop that will use it; `await close()` at the end."""

    def __init__(self, target: Target, engine: AsyncEngine, mapping: Mapping, read_only: bool):
        self.target = target
        self.engine = engine
        self.mapping = mapping
        self.read_only = read_only
        self.session_factory = async_sessionmaker(engine, class_=AsyncSession)
        self.namespace = build_namespace(mapping)
        self._known_names: list[str] | None = None
        capture.install(engine)

    # -- opening and closing ---------------------------------------------------------------
    @classmethod
    async def open(
        cls, target: str, *, models: str | None = None, read_only: bool = False, **engine_kwargs: Any
    ) -> Explorer:
        resolved = resolve_target(target, read_only=read_only)
        engine = create_engine_for(resolved, read_only=read_only, **engine_kwargs)
        try:
            async with engine.connect() as conn:
                mapping = await conn.run_sync(automap)
        except (OSError, sa_exc.DBAPIError, sa_exc.InterfaceError, asyncio.TimeoutError) as exc:
            await engine.dispose()
            raise ConnectError(connect_failure(resolved.display, exc, resolved.url)) from None
        except BaseException:
            await engine.dispose()
            raise
        if models:
            try:
                mapping = merge_user_models(mapping, models)
            except BaseException:
                await engine.dispose()
                raise
        explorer = cls(resolved, engine, mapping, read_only)
        return explorer

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Explorer:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    @property
    def display_url(self) -> str:
        return self.target.display

    @property
    def dialect_name(self) -> str:
        return self.engine.dialect.name

    @property
    def notes(self) -> list[str]:
        return list(self.target.notes)

    def known_names(self) -> list[str]:
        """Names for "did you mean" hints: the namespace plus every column name."""
        if self._known_names is None:
            names = set(self.namespace)
            for table in self.mapping.tables.values():
                names.update(c.name for c in table.columns)
            self._known_names = sorted(names)
        return self._known_names

    # -- running a cell --------------------------------------------------------------------
    async def run(
        self, cell: str, *, limit: int = DEFAULT_LIMIT, commit: bool = False, timeout: float | None = None
    ) -> Report:
        """Evaluate and run `cell` in a fresh session; never raises for the user's mistakes.

        Cancellation (a cancelled task) propagates as CancelledError after the session rolled back.
        """
        report = Report(input=cell, limit=max(1, limit))
        started = time.perf_counter()
        try:
            parsed = parse_cell(cell)
        except SyntaxError as exc:
            report.kind = KIND_ERROR
            report.error = error_info(exc)
            return report
        if _rosetta_applies(parsed):
            translated = await self._rosetta(cell, commit=commit, limit=limit, timeout=timeout)
            if translated is not None:
                return translated
        if commit and self.read_only:
            report.kind = KIND_ERROR
            report.error = ErrorInfo("ReadOnlyError", "read-only: commit refused", None, ERR_READ_ONLY)
            return report
        state = RunState(allow_commit=commit, read_only=self.read_only)
        with capture.capturing(report.sql):
            async with self.session_factory() as session:
                try:
                    async with asyncio.timeout(timeout):
                        await self._run_cell(session, parsed, report, state)
                except TimeoutError:
                    report.error = ErrorInfo(
                        "TimeoutError", f"the run took longer than {timeout:g} s and was stopped", None, ERR_TIMEOUT
                    )
                except Exception as exc:
                    report.error = error_info(exc, self.known_names())
                    self._layers_from_recording(report, state, parsed, error=report.error)
                await self._finish(session, report, state, commit)
        report.ms = (time.perf_counter() - started) * 1000
        return report

    async def _rosetta(self, cell: str, **options: Any) -> Report | None:
        """Legacy `db.query(...)` code runs as its 2.0 translation, both compared (see queries/rosetta).

        `await db.query(...)` is the exception: it runs as typed, so the real AttributeError shows,
        with the translation offered beside it.
        """
        if awaits_query(cell):
            report = await self._run_as_typed(cell, **options)
            report.rosetta = await rosetta_for(self, cell, commit=False, timeout=options.get("timeout"))
            return report
        return await rosetta_report(self, cell, **options)

    async def _run_as_typed(self, cell: str, **options: Any) -> Report:
        token = _AS_TYPED.set(True)
        try:
            return await self.run(cell, **options)
        finally:
            _AS_TYPED.reset(token)

    async def _run_cell(self, session: AsyncSession, cell: Cell, report: Report, state: RunState) -> None:
        namespace = dict(self.namespace)
        recorder = RecordingSession(session, state)
        namespace["db"] = namespace["session"] = recorder
        value = await evaluate(cell, namespace)
        if namespace.get("__sqla_explore_forgot_await__"):
            report.notes.append("the cell's value was a coroutine: it needs `await` (sqla-explore awaited it)")
        value, note = as_statement(value)
        if note:
            report.notes.append(note)
        if is_statement(value):
            if self.read_only:
                check_writable(value)
            report.kind = KIND_SQL if cell.is_sql else (KIND_DDL if is_ddl(value) else KIND_DML if is_write(value) else KIND_SELECT)
            mark = len(report.sql)
            try:
                await execute_statement(session, value, report, self.known_names())
            finally:
                # The SQL the driver got is the statement's text; compiling it again would cost as much.
                emitted = report.sql[mark:]
                report.statement = emitted[0].statement if emitted else self._compile(value)
            return
        report.value = value
        if not self._layers_from_recording(report, state, cell, value=value):
            report.kind = KIND_VALUE

    def _layers_from_recording(
        self, report: Report, state: RunState, cell: Cell, *, value: Any = None, error: ErrorInfo | None = None
    ) -> bool:
        """When the cell ran db.execute() itself, show that result's layers and the chain it wrote."""
        last = state.last
        if last is None:
            return False
        report.kind = KIND_CHAIN if last.frozen is not None else KIND_DML
        report.statement = self._compile(last.statement)
        if last.frozen is not None:
            fill_layers(report, last.frozen, last.result_class, truncated=False, names=self.known_names())
        else:
            report.result_class = last.result_class
            report.rowcount = last.rowcount
        expression = cell.last_expression_source or cell.source.strip()
        report.chain = ChainInfo(expression, value=value, error=error, consumer=consumer_of(cell.last_expression))
        return True

    async def _finish(self, session: AsyncSession, report: Report, state: RunState, commit: bool) -> None:
        """Keep loaded objects readable, then commit (if allowed) or roll back, and say which."""
        wrote = any(s.statement.lstrip().upper().startswith(WRITE_VERBS) for s in report.sql)
        pending = len(session.new) + len(session.dirty) + len(session.deleted)
        if pending and not wrote:
            report.notes.append(f"{pending} pending change(s) never flushed: the cell did not flush or commit")
        session.expunge_all()
        report.commit_requested = state.commit_requested
        report.committed = state.committed
        if report.error is None and commit and wrote and session.in_transaction():
            await session.commit()
            report.committed = True
        elif wrote and session.in_transaction():
            await session.rollback()
            report.rolled_back = True
        # Otherwise closing the session (the `async with`) ends the read-only transaction.
        if wrote and report.kind in (KIND_VALUE, KIND_CHAIN) and report.result_class is None:
            report.kind = KIND_DML

    def _compile(self, statement: Any) -> str | None:
        try:
            return str(statement.compile(dialect=self.engine.dialect))
        except Exception:
            return None

    # -- small conveniences for the UI -----------------------------------------------------
    async def ping(self) -> float:
        """Round-trip time of `SELECT 1` in milliseconds (raises if the server is gone)."""
        started = time.perf_counter()
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return (time.perf_counter() - started) * 1000
