"""Small helpers shared by the engine tests."""

from __future__ import annotations

from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.report import Report


async def run_cell(url: str, cell: str, **kwargs) -> Report:
    explorer = await Explorer.open(url, models=kwargs.pop("models", None), read_only=kwargs.pop("read_only", False))
    try:
        return await explorer.run(cell, **kwargs)
    finally:
        await explorer.close()


async def count(url: str, table: str, where: str = "") -> int:
    report = await run_cell(url, f"select count(*) from {table} {where}")
    assert report.ok, report.error
    return report.rows[0][0]
