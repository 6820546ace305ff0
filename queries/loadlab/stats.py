"""Throughput and latency figures from raw timings: percentiles, requests per second, one mode's summary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


def percentile(values: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile (pct in 0-100) of values; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return float(ordered[min(rank, len(ordered)) - 1])


@dataclass
class ModeStats:
    """What one mode did: counts, rate, latency percentiles (ms) and event-loop lag (ms) while it ran."""

    mode: str
    done: int = 0
    errors: int = 0
    skipped: int = 0
    wall_s: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    lag_p99_ms: float = 0.0
    lag_max_ms: float = 0.0
    finished: bool = False
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def summarize(
    mode: str,
    latencies_s: Sequence[float],
    wall_s: float,
    *,
    errors: int = 0,
    skipped: int = 0,
    lags_ms: Sequence[float] = (),
    finished: bool = False,
    note: str = "",
) -> ModeStats:
    """Build a ModeStats from per-request latencies (seconds), the elapsed wall time and lag samples."""
    done = len(latencies_s)
    ms = [v * 1000.0 for v in latencies_s]
    return ModeStats(
        mode=mode,
        done=done,
        errors=errors,
        skipped=skipped,
        wall_s=wall_s,
        rps=(done / wall_s) if wall_s > 0 else 0.0,
        p50_ms=percentile(ms, 50),
        p99_ms=percentile(ms, 99),
        lag_p99_ms=percentile(lags_ms, 99),
        lag_max_ms=max(lags_ms, default=0.0),
        finished=finished,
        note=note,
    )
