"""Run a legacy cell as a sync app would (a sync Session via `AsyncSession.run_sync`) and its 2.0 translation
through the engine (`Explorer.run`), then compare what each returned: the JSON `rosetta` object.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Result, ScalarResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Query, Session

from .. import capture
from ..errors import error_info
from ..evaluate import RESULT_NAME, parse_cell
from ..report import KIND_SELECT, KIND_SQL, ErrorInfo, Report, SqlStatement
from .detect import is_legacy
from .snapshot import describe, same, snapshot
from .translate import Untranslatable, translate

if TYPE_CHECKING:
    from ..explorer import Explorer

# Set while rosetta_report() runs cells through Explorer.run, so the hook there does not re-enter.
_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("sqla_explore_rosetta_active", default=False)
NOTE_TRANSLATED = "legacy Query code: it ran as its 2.0 translation (Rosetta shows both side by side)"
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.I)


class _ProbeSession(Session):
    """The legacy code's sync Session: `commit()` only flushes, so the probe's transaction can roll back."""

    def commit(self) -> None:
        self.flush()
        self.info["commit_requested"] = True


@dataclass
class LegacyRun:
    value: Any = None  # a snapshot (see snapshot.py), taken while the session was open
    error: ErrorInfo | None = None
    sql: list[SqlStatement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class RosettaOutcome:
    """The `rosetta` JSON object, and the engine's report of the 2.0 form (None when nothing ran)."""

    rosetta: dict[str, Any]
    report: Report | None = None
    legacy: LegacyRun | None = None


def writes(statements: list[SqlStatement]) -> list[tuple[str, str]]:
    """(verb, table) for each INSERT / UPDATE / DELETE, e.g. ("UPDATE", "users")."""
    out = []
    for s in statements:
        m = _WRITE.match(s.statement)
        if m:
            out.append((m.group(1).split()[0].upper(), m.group(2).split(".")[-1].lower()))
    return out


def _drive(coroutine) -> None:
    """Run a coroutine that a sync app would have called: it must finish without really suspending."""
    try:
        coroutine.send(None)
    except StopIteration:
        return
    coroutine.close()
    raise RuntimeError("the legacy code awaits something that really suspends: a sync app cannot run it")


def _run_sync(sync_session: Session, cell, namespace: dict[str, Any]) -> Any:
    namespace["db"] = namespace["session"] = sync_session
    outcome = eval(cell.code, namespace)  # noqa: S307 - the user's own cell, as in the engine
    if cell.is_async:
        _drive(outcome)
    value = namespace.pop(RESULT_NAME, None)
    if isinstance(value, Query):  # a bare query: what iterating it in the app would give
        value = value.all()
    return snapshot(value)


async def run_legacy(explorer: Explorer, source: str, timeout: float | None = None) -> LegacyRun:
    """Run `source` on a real sync Session (bound to the explorer's engine) and roll it back."""
    run = LegacyRun()
    cell = parse_cell(source)
    namespace = dict(explorer.namespace)
    with capture.capturing(run.sql), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with AsyncSession(explorer.engine, sync_session_class=_ProbeSession) as session:
            try:
                async with asyncio.timeout(timeout):
                    run.value = await session.run_sync(_run_sync, cell, namespace)
            except TimeoutError:
                run.error = ErrorInfo("TimeoutError", f"the legacy form took longer than {timeout:g} s and was stopped")
            except Exception as exc:  # the legacy code's own failure is part of the comparison
                run.error = error_info(exc, explorer.known_names())
            finally:
                await session.rollback()
    run.warnings = sorted({str(w.message).split(" (Background")[0] for w in caught if _relevant(w)})
    return run


def _relevant(w: warnings.WarningMessage) -> bool:
    return "sqlalchemy" in (w.filename or "") or w.category.__name__.endswith("APIWarning") or "<cell>" in str(w.filename)


def modern_snapshot(report: Report, legacy_value: Any) -> Any:
    value = report.value
    # A Result handed back as the value: compare what the engine read from it (never consume it here).
    if isinstance(value, ScalarResult) and report.returns_rows:
        return snapshot(report.scalars)
    if isinstance(value, Result) and getattr(value, "returns_rows", True) and report.returns_rows:
        return snapshot([tuple(row) for row in report.rows])
    if report.kind in (KIND_SELECT, KIND_SQL) and report.chain is None:
        rows_like = isinstance(legacy_value, list) and legacy_value and isinstance(legacy_value[0], tuple)
        return snapshot([tuple(row) for row in report.rows] if rows_like else report.scalars)
    return snapshot(report.value)


def _error(err: ErrorInfo) -> dict[str, str]:
    return {"type": err.type, "message": err.message}


async def rosetta_run(explorer: Explorer, cell: str, *, commit: bool = False, limit: int = 1000,
                      timeout: float | None = None) -> RosettaOutcome:
    """Translate, run both forms, compare. Never raises for the user's mistakes."""
    try:
        modern = translate(cell, entities=set(explorer.mapping.classes) or None)
    except Untranslatable as exc:
        return RosettaOutcome({"untranslatable": exc.construct, "reason": exc.reason, "legacy": cell})
    except SyntaxError as exc:
        return RosettaOutcome({"untranslatable": "invalid Python", "reason": str(exc.msg), "legacy": cell})
    legacy = await run_legacy(explorer, cell, timeout)
    report = await explorer.run(modern, limit=limit, commit=commit, timeout=timeout)
    rosetta: dict[str, Any] = {"legacy": cell, "modern": modern}
    modern_value = modern_snapshot(report, legacy.value)
    legacy_value = legacy.value
    if report.truncated and isinstance(legacy_value, list) and isinstance(modern_value, list):
        legacy_value = legacy_value[: len(modern_value)]
    if legacy.error or report.error:
        same_result = bool(legacy.error and report.error and legacy.error.type == report.error.type)
    else:
        inserted = frozenset(t for verb, t in writes(legacy.sql) + writes(report.sql) if verb == "INSERT")
        same_result = same(legacy_value, modern_value, inserted) and sorted(writes(legacy.sql)) == sorted(
            writes(report.sql)
        )
    rosetta["same_result"] = same_result
    if legacy.error:
        rosetta["legacy_error"] = _error(legacy.error)
    else:
        rosetta["legacy_value"] = describe(legacy.value)
    if report.error:
        rosetta["modern_error"] = _error(report.error)
    else:
        rosetta["modern_value"] = describe(modern_value)
    if legacy.warnings:
        rosetta["legacy_warnings"] = legacy.warnings
    return RosettaOutcome(rosetta, report, legacy)


async def rosetta_for(explorer: Explorer, cell: str, commit: bool = False, **kwargs) -> dict[str, Any] | None:
    """The `rosetta` object for a legacy cell, None for any other cell."""
    if not is_legacy(cell):
        return None
    return (await rosetta_run(explorer, cell, commit=commit, **kwargs)).rosetta


async def rosetta_report(explorer: Explorer, cell: str, *, commit: bool = False, limit: int = 1000,
                         timeout: float | None = None) -> Report | None:
    """The hook for `Explorer.run`: None for a cell that is not legacy code (run it as usual); otherwise the
    report of its 2.0 translation (or, when untranslatable, of the cell as typed) with `report.rosetta` set.
    Re-entrant calls (the runs this makes through Explorer.run) return None."""
    if _ACTIVE.get() or not is_legacy(cell):
        return None
    token = _ACTIVE.set(True)
    try:
        outcome = await rosetta_run(explorer, cell, commit=commit, limit=limit, timeout=timeout)
        report = outcome.report
        if report is None:  # untranslatable: run the cell as typed (it will say what fails)
            report = await explorer.run(cell, limit=limit, commit=commit, timeout=timeout)
        else:
            report.input = cell
            report.notes.insert(0, NOTE_TRANSLATED)
        report.rosetta = outcome.rosetta
        return report
    finally:
        _ACTIVE.reset(token)
