"""Run one lab mode: `requests` simulated requests from `concurrency` clients, timed, with the loop's lag.

Mode 1 runs the requests in plain threads, one per client (the loop is free, the threads share the GIL);
mode 2 calls the blocking Session inside coroutines on the loop (bounded by a time budget so the caller
always comes back);
mode 3 awaits the blocking call in a threadpool (`run_in_executor`, which is what `run_in_threadpool` and
`asyncio.to_thread` do); mode 4 awaits an AsyncSession.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from .labdb import LabDatabase
from .lagprobe import LagProbe
from .modes import THREADPOOL_SIZE, Mode, mode_for
from .stats import ModeStats, summarize

# Mode 2 stops starting new requests after this many seconds of blocking: the freeze is the lesson, not a hang.
BLOCK_BUDGET_S = 3.0
# Mode 1 starts one thread per client, up to this many.
MAX_PLAIN_THREADS = 200

Progress = Callable[[ModeStats], None]


class _Tally:
    """Latencies and failures shared by the clients of one run (appends are atomic under the GIL)."""

    def __init__(self, requests: int) -> None:
        self.requests = requests
        self.latencies: list[float] = []
        self.errors = 0
        self.skipped = 0
        self.first_error = ""
        self.stop = False  # set when the run is cancelled: threads finish their current request and quit
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> int | None:
        with self._lock:
            if self.stop or self._next >= self.requests:
                return None
            self._next += 1
            return self._next - 1

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self.errors += 1
            if not self.first_error:
                self.first_error = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]


async def run_mode(
    db: LabDatabase,
    mode: Mode | int | str,
    *,
    requests: int = 100,
    concurrency: int = 100,
    probe: LagProbe | None = None,
    on_progress: Progress | None = None,
    progress_every: float = 0.1,
    block_budget_s: float = BLOCK_BUDGET_S,
) -> ModeStats:
    """Run one mode to completion (or, for mode 2, until its budget is spent) and return its figures."""
    mode = mode if isinstance(mode, Mode) else mode_for(mode)
    requests = max(1, int(requests))
    concurrency = max(1, min(int(concurrency), requests))
    own_probe = probe is None
    probe = probe or LagProbe()
    probe.start()
    mark = probe.mark()
    tally = _Tally(requests)
    t0 = time.perf_counter()

    def snapshot(finished: bool = False) -> ModeStats:
        note = ""
        if tally.skipped:
            note = f"stopped after {block_budget_s:g} s of blocking: {tally.skipped} requests not run"
        elif tally.first_error:
            note = tally.first_error
        return summarize(
            mode.slug,
            list(tally.latencies),
            time.perf_counter() - t0,
            errors=tally.errors,
            skipped=tally.skipped,
            lags_ms=probe.since(mark),
            finished=finished,
            note=note,
        )

    async def report() -> None:
        while True:
            await asyncio.sleep(progress_every)
            on_progress(snapshot())

    reporter = asyncio.create_task(report()) if on_progress else None
    try:
        await _RUNNERS[mode.number](db, tally, concurrency, t0, block_budget_s)
        # Let the probe notice a stall that ended just now.
        await asyncio.sleep(probe.interval * 2.5)
    finally:
        if reporter is not None:
            reporter.cancel()
        if own_probe:
            await probe.stop()
    stats = snapshot(finished=True)
    if on_progress:
        on_progress(stats)
    return stats


async def _plain_threads(db: LabDatabase, tally: _Tally, concurrency: int, t0: float, budget: float) -> None:
    def worker() -> None:
        while (i := tally.take()) is not None:
            start = time.perf_counter()
            try:
                db.request_sync(i)
            except Exception as exc:  # a failed request is a figure, not a crash
                tally.failed(exc)
            else:
                tally.latencies.append(time.perf_counter() - start)

    # One plain thread per concurrent client, like a threaded WSGI server; the loop only waits for the end.
    threads = min(concurrency, MAX_PLAIN_THREADS)
    with ThreadPoolExecutor(threads, thread_name_prefix="lab-plain-thread") as pool:
        try:
            await asyncio.gather(*(asyncio.wrap_future(pool.submit(worker)) for _ in range(threads)))
        finally:
            tally.stop = True  # on cancellation, do not make the executor's exit wait for every request


async def _clients(tally: _Tally, concurrency: int, handle) -> None:
    async def client() -> None:
        while (i := tally.take()) is not None:
            start = time.perf_counter()
            try:
                ran = await handle(i)
            except Exception as exc:
                tally.failed(exc)
            else:
                if ran is not False:
                    tally.latencies.append(time.perf_counter() - start)

    tasks = [asyncio.ensure_future(client()) for _ in range(concurrency)]
    try:
        await asyncio.wait(tasks)
    except asyncio.CancelledError:
        # Stop starting requests but let the ones in flight finish: cancelling a query half-way leaves
        # driver connections (aiosqlite's threads) in limbo, which can hang the process at exit.
        tally.stop = True
        await asyncio.wait(tasks)
        raise


async def _sync_in_async(db: LabDatabase, tally: _Tally, concurrency: int, t0: float, budget: float) -> None:
    async def handle(i: int):
        await asyncio.sleep(0)  # the server reading the request: the only await in this handler
        if time.perf_counter() - t0 > budget:
            tally.skipped += 1
            return False
        db.request_sync(i)  # blocks the event loop until the database answers

    await _clients(tally, concurrency, handle)


async def _threadpool(db: LabDatabase, tally: _Tally, concurrency: int, t0: float, budget: float) -> None:
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(min(concurrency, THREADPOOL_SIZE), thread_name_prefix="lab-threadpool") as pool:

        async def handle(i: int):
            await loop.run_in_executor(pool, db.request_sync, i)

        try:
            await _clients(tally, concurrency, handle)
        finally:
            tally.stop = True
            pool.shutdown(wait=False, cancel_futures=True)


async def _async_session(db: LabDatabase, tally: _Tally, concurrency: int, t0: float, budget: float) -> None:
    await _clients(tally, concurrency, db.request_async)


_RUNNERS = {1: _plain_threads, 2: _sync_in_async, 3: _threadpool, 4: _async_session}
