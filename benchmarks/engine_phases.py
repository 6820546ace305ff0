"""Where a primary-key run's time goes: the engine's path built up step by step, the steps interleaved.

Usage: python benchmarks/engine_phases.py SAMPLE.db [--runs 600]
Each row adds one piece of `Explorer.run` to the row above; the difference between two rows is that piece.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from sqlalchemy import select

from sqla_explore.queries import capture
from sqla_explore.queries.evaluate import evaluate, parse_cell
from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.recording import RecordingSession, RunState
from sqla_explore.queries.report import Report
from sqla_explore.queries.run_statement import _fetch_head, execute_statement

CELL = "select(Post).where(Post.id == 4242)"


async def measure(path: str, runs: int) -> None:
    explorer = await Explorer.open(path)
    Post = explorer.mapping.classes["Post"]
    factory = explorer.session_factory
    prebuilt = select(Post).where(Post.id == 4242)

    async def plain_call():
        async with factory() as session:
            return (await session.execute(prebuilt)).scalars().all()

    async def head_prebuilt():
        async with factory() as session:
            return await session.run_sync(_fetch_head, prebuilt, 1001)

    async def head_fresh_statement():
        async with factory() as session:
            return await session.run_sync(_fetch_head, select(Post).where(Post.id == 4242), 1001)

    async def evaluated_and_captured():
        with capture.capturing([]):
            async with factory() as session:
                namespace = dict(explorer.namespace)
                namespace["db"] = RecordingSession(session, RunState())
                statement = await evaluate(parse_cell(CELL), namespace)
                return await session.run_sync(_fetch_head, statement, 1001)

    async def with_layers():
        report = Report(input=CELL, limit=1000)
        with capture.capturing(report.sql):
            async with factory() as session:
                namespace = dict(explorer.namespace)
                namespace["db"] = RecordingSession(session, RunState())
                statement = await evaluate(parse_cell(CELL), namespace)
                await execute_statement(session, statement, report, explorer.known_names())
        return report

    async def explorer_run():
        return await explorer.run(CELL)

    steps = [
        ("plain call, prebuilt statement (reference)", plain_call),
        ("session + head fetch, prebuilt statement", head_prebuilt),
        ("  ... statement built fresh", head_fresh_statement),
        ("  ... the cell evaluated, SQL captured", evaluated_and_captured),
        ("  ... tray, boxes, food, plate", with_layers),
        ("Explorer.run (the whole run)", explorer_run),
    ]
    samples: dict[str, list[float]] = {label: [] for label, _ in steps}
    try:
        for _, fn in steps:
            for _ in range(20):
                await fn()
        for _ in range(runs):
            for label, fn in steps:
                started = time.perf_counter()
                await fn()
                samples[label].append((time.perf_counter() - started) * 1000)
    finally:
        await explorer.close()
    print(f"{'step':46} {'median ms':>10} {'min ms':>8}")
    for label, values in samples.items():
        print(f"{label:46} {statistics.median(values):10.3f} {min(values):8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--runs", type=int, default=600)
    args = parser.parse_args()
    asyncio.run(measure(args.database, args.runs))


if __name__ == "__main__":
    main()
