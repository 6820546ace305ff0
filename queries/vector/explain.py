"""EXPLAIN for a vector search on PostgreSQL: the plan text (query vectors elided) and whether an index served it."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement


def index_used_in(plan: str, indexes: list[str]) -> bool:
    """Does an EXPLAIN text scan one of these vector indexes ("Index Scan using <name>")?"""
    return any(f"using {name.lower()}" in plan.lower() for name in indexes)


class Explain(Executable, ClauseElement):
    """`EXPLAIN <statement>` with the statement's parameters bound as usual (no literal rendering).

    Not cached (inherit_cache False): a cached EXPLAIN makes SQLAlchemy adapt result columns the
    construct does not have. It runs only when a plan is asked for.
    """

    inherit_cache = False

    def __init__(self, statement) -> None:
        self.statement = statement


@compiles(Explain, "postgresql")
def _compile_explain(element: Explain, compiler, **kw) -> str:
    return "EXPLAIN " + compiler.process(element.statement, **kw)


async def explain_plan(conn: AsyncConnection, stmt, params: dict) -> str:
    rows = (await conn.execute(Explain(stmt), params)).scalars().all()
    return _VECTOR_LITERAL.sub(lambda m: f"'[{m.group(0).count(',') + 1} floats]'", "\n".join(rows))


_VECTOR_LITERAL = re.compile(r"'[\[{][-0-9.e,]{40,}[\]}]'")
