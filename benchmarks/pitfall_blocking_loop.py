"""Event-loop lag while a slow query runs: sync Session on the loop vs asyncio.to_thread vs the async driver.

    python benchmarks/pitfall_blocking_loop.py [DATABASE] [--seconds 0.3] [--repeat 3]

DATABASE is a SQLite path or a SQLAlchemy URL (default: the sample, built if missing). Prints medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.rosetta.blocking import MODES, measure_blocking


async def main(database: str | None, seconds: float, repeat: int) -> None:
    if database is None:
        from sqla_explore.sample_db.build import ensure_default_sample

        database = str(await ensure_default_sample())
    explorer = await Explorer.open(database)
    try:
        runs = [await measure_blocking(explorer, seconds) for _ in range(repeat)]
    finally:
        await explorer.close()
    print(f"{explorer.dialect_name}: a ~{seconds:g} s query, median of {repeat}")
    print(f"| {'mode':<28} | {'query ms':>9} | {'worst loop lag ms':>17} | {'5 ms ticks meanwhile':>20} |")
    print(f"|{'-' * 30}|{'-' * 11}|{'-' * 19}|{'-' * 22}|")
    for i, mode in enumerate(MODES):
        wall = statistics.median(r[i].wall_ms for r in runs)
        lag = statistics.median(r[i].max_lag_ms for r in runs)
        ticks = statistics.median(r[i].ticks for r in runs)
        print(f"| {mode:<28} | {wall:>9.1f} | {lag:>17.1f} | {ticks:>20.0f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?")
    parser.add_argument("--seconds", type=float, default=0.3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.database, args.seconds, args.repeat))
