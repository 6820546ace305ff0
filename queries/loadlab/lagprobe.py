"""An event-loop lag probe: a 10 ms ticker that records how late each tick fires (a blocked loop ticks late)."""

from __future__ import annotations

import asyncio
import time
from collections import deque

from .stats import percentile


class LagProbe:
    """Measure event-loop lag on the running loop. `start()` inside the loop, `await stop()` when done.

    Each sample is how many milliseconds a tick came after it was due. `mark()` / `since(mark)` give the
    samples recorded during a stretch of work (a lab run), `history` the last few hundred for a sparkline.
    """

    def __init__(self, interval: float = 0.01, history: int = 300) -> None:
        self.interval = interval
        self.history: deque[float] = deque(maxlen=history)
        self._all: deque[float] = deque(maxlen=100_000)
        self._count = 0
        self.current = 0.0
        self.max = 0.0
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._tick(), name="lag-probe")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def _tick(self) -> None:
        while True:
            due = time.perf_counter() + self.interval
            await asyncio.sleep(self.interval)
            self.record(max(0.0, (time.perf_counter() - due) * 1000.0))

    def record(self, lag_ms: float) -> None:
        self.current = lag_ms
        self.max = max(self.max, lag_ms)
        self.history.append(lag_ms)
        self._all.append(lag_ms)
        self._count += 1

    @property
    def p99(self) -> float:
        return percentile(self.history, 99)

    def reset_max(self) -> None:
        self.max = max(self.history, default=0.0)

    def mark(self) -> int:
        """A position to pass to `since()` later."""
        return self._count

    def since(self, mark: int) -> list[float]:
        """The lag samples recorded after `mark` (as many as are still kept)."""
        n = min(self._count - mark, len(self._all))
        return list(self._all)[len(self._all) - n :] if n > 0 else []
