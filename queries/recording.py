"""A stand-in for the AsyncSession a cell calls `db`: it records each Result so every layer can be shown.

`await db.execute(stmt)` still returns a working Result (a replay of the frozen original), so code
copied from an app runs unchanged; commits are held back unless the run may commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import FrozenResult, Result
from sqlalchemy.ext.asyncio import AsyncSession

from .errors import ReadOnlyError
from .layers import freeze_all
from .statements import check_writable


@dataclass
class Recorded:
    """One `db.execute()` call of the cell: the statement, the frozen result, the original class."""

    statement: Any
    result_class: str
    frozen: FrozenResult | None  # None when the statement returns no rows
    rowcount: int | None
    replay: Result | None = None


@dataclass
class RunState:
    allow_commit: bool = False
    read_only: bool = False
    recorded: list[Recorded] = field(default_factory=list)
    commit_requested: bool = False
    committed: bool = False

    @property
    def last(self) -> Recorded | None:
        return self.recorded[-1] if self.recorded else None


class RecordingSession:
    """Delegates to a real AsyncSession; intercepts execute / scalars / scalar / commit."""

    def __init__(self, session: AsyncSession, state: RunState):
        self._session = session
        self._state = state

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def __repr__(self) -> str:
        return f"<AsyncSession (recorded by sqla-explore) at {id(self._session):#x}>"

    @property
    def sync_session(self):
        return self._session.sync_session

    async def execute(self, statement, params=None, **kwargs) -> Result:
        if self._state.read_only:
            check_writable(statement)
        result = await self._session.execute(statement, params, **kwargs)
        result_class = type(result).__name__
        if not getattr(result, "returns_rows", True):  # ORM results always have rows
            rowcount = getattr(result, "rowcount", None)
            self._state.recorded.append(Recorded(statement, result_class, None, rowcount))
            return result
        frozen = freeze_all(result)
        replay = frozen()
        self._state.recorded.append(Recorded(statement, result_class, frozen, None, replay))
        return replay

    async def scalars(self, statement, params=None, **kwargs):
        return (await self.execute(statement, params, **kwargs)).scalars()

    async def scalar(self, statement, params=None, **kwargs):
        return (await self.execute(statement, params, **kwargs)).scalar()

    async def commit(self) -> None:
        if self._state.read_only:
            session = self._session
            if session.new or session.dirty or session.deleted:
                raise ReadOnlyError("read-only: commit refused (the explorer was opened with --read-only)")
            # Nothing to write (DML was refused already): a commit is harmless; keep its expiry semantics.
        if self._state.allow_commit and not self._state.read_only:
            await self._session.commit()
            self._state.committed = True
        else:
            # Flush so the SQL shows, but keep the transaction open: the run rolls it back. Objects are
            # expired as a real commit would (expire_on_commit), so code after it behaves as in the app.
            await self._session.flush()
            if self._session.sync_session.expire_on_commit:
                self._session.expire_all()
            self._state.commit_requested = True
