"""Measure how long the event loop stalls while a slow query runs: sync on the loop, sync in a thread, async."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text

from .syncdb import sync_session

if TYPE_CHECKING:
    from ..explorer import Explorer

MODES = ("sync on the loop", "sync in asyncio.to_thread", "async driver")


@dataclass(frozen=True)
class BlockingRun:
    mode: str
    wall_ms: float  # how long the query took
    max_lag_ms: float  # the worst lateness of a 5 ms ticker on the loop meanwhile
    ticks: int  # ticks the loop managed meanwhile (a frozen loop manages none)


_COUNT_UP = text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) SELECT count(*) FROM c")
_CALIBRATION_STEPS = 50_000


def slow_statement(dialect: str, seconds: float, steps_per_second: float = 500_000):
    """A query that takes about `seconds` on the server (SQLite has no sleep: a counting recursive CTE)."""
    if dialect == "postgresql":
        return text("SELECT pg_sleep(:s)").bindparams(s=seconds)
    return _COUNT_UP.bindparams(n=max(1000, int(seconds * steps_per_second)))


def _calibrate(run) -> float:
    """Steps per second of the counting CTE on this machine (SQLite only)."""
    started = time.perf_counter()
    run(_COUNT_UP.bindparams(n=_CALIBRATION_STEPS))
    return _CALIBRATION_STEPS / max(time.perf_counter() - started, 1e-6)


class _Ticker:
    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self.max_lag = 0.0
        self.ticks = 0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            due = time.perf_counter() + self.interval
            await asyncio.sleep(self.interval)
            self.max_lag = max(self.max_lag, time.perf_counter() - due)
            self.ticks += 1

    async def __aenter__(self):
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)  # let it start
        return self

    async def __aexit__(self, *exc) -> None:
        await asyncio.sleep(self.interval * 2)  # a late tick is recorded when it finally runs
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass


async def measure_blocking(explorer: Explorer, seconds: float = 0.3) -> list[BlockingRun]:
    """Run the same slow query three ways and measure the loop meanwhile."""

    def run_sync_query(statement=None):
        with sync_session(explorer.engine) as s:
            return s.execute(statement if statement is not None else slow).scalar()

    rate = _calibrate(run_sync_query)  # also warms up: connects once, outside the measurement
    slow = slow_statement(explorer.dialect_name, seconds, rate)
    runs = []
    for mode in MODES:
        async with _Ticker() as ticker:
            started = time.perf_counter()
            if mode == MODES[0]:
                run_sync_query()  # the mistake: blocking I/O inside async code
            elif mode == MODES[1]:
                await asyncio.to_thread(run_sync_query)
            else:
                async with explorer.session_factory() as db:
                    await db.execute(slow)
            wall = time.perf_counter() - started
        runs.append(BlockingRun(mode, wall * 1000, ticker.max_lag * 1000, ticker.ticks))
    return runs
