"""Read the consumer a cell chained on its result: `(await db.execute(s)).scalars().first()` -> `scalars().first()`."""

from __future__ import annotations

import ast

from .report import PLATE_CONSUMERS

# db.scalars(stmt) / db.scalar(stmt) are execute() plus a consumer.
_SESSION_SHORTCUTS = {"scalars": "scalars()", "scalar": "scalar()"}


def consumer_of(expression: ast.expr | None) -> str | None:
    """The plate entry the expression's trailing method calls match, if any."""
    calls: list[str] = []
    node = expression
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append(node.func.attr + "()")
        node = node.func.value
    if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and func.attr in _SESSION_SHORTCUTS:
            calls.append(_SESSION_SHORTCUTS[func.attr])
    chained = ".".join(reversed(calls))
    return chained if chained in PLATE_CONSUMERS else None
