"""Is this cell legacy (sync, 1.x-style) Session code? `db.query(...)`, or session I/O called without `await`."""

from __future__ import annotations

import ast
from functools import lru_cache

from .vocab import AWAITED_SESSION_METHODS, SESSION_NAMES, SYNC_BRIDGES, is_session


class _Finder(ast.NodeVisitor):
    def __init__(self, sessions: frozenset[str]):
        self.sessions = sessions
        self.found: list[str] = []
        self._awaited: set[int] = set()

    def _visit_function(self, node) -> None:
        outer = self.sessions
        params = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        self.sessions = outer | {a.arg for a in params if _is_session_annotation(a.annotation)}
        try:
            self.generic_visit(node)
        finally:
            self.sessions = outer

    visit_FunctionDef = visit_AsyncFunctionDef = _visit_function

    def visit_Await(self, node: ast.Await):
        self._awaited.add(id(node.value))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and is_session(func.value, self.sessions):
            name = func.attr
            if name == "query":
                self.found.append(f"{_receiver(func.value)}.query()")
            elif name in AWAITED_SESSION_METHODS and id(node) not in self._awaited:
                self.found.append(f"{_receiver(func.value)}.{name}() without await")
            if name in SYNC_BRIDGES:
                # What runs inside run_sync(...) is sync on purpose: only look at the receiver.
                self.visit(func.value)
                return
        self.generic_visit(node)


def _is_session_annotation(node: ast.expr | None) -> bool:
    """`db: Session` (or `orm.Session`): the parameter is a sync session, whatever its name."""
    return (isinstance(node, ast.Name) and node.id == "Session") or (
        isinstance(node, ast.Attribute) and node.attr == "Session"
    )


def _receiver(node: ast.expr) -> str:
    return ast.unparse(node)


def legacy_constructs(source: str, *, sessions: frozenset[str] = SESSION_NAMES) -> list[str]:
    """The legacy constructs in `source`, in order (empty when none, or when it is not Python)."""
    return list(_legacy_constructs(source, sessions))


@lru_cache(maxsize=256)  # every run asks; the same cell is usually run again and again
def _legacy_constructs(source: str, sessions: frozenset[str]) -> tuple[str, ...]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ()
    finder = _Finder(sessions)
    finder.visit(tree)
    return tuple(finder.found)


def is_legacy(source: str, *, sessions: frozenset[str] = SESSION_NAMES) -> bool:
    """True when the cell uses the legacy Query API (or sync session I/O) on the explorer's session."""
    return bool(legacy_constructs(source, sessions=sessions))


@lru_cache(maxsize=256)
def awaits_query(source: str, *, sessions: frozenset[str] = SESSION_NAMES) -> bool:
    """`await db.query(...)...`: the seed article's mistake. On an AsyncSession it fails before any SQL."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Await):
            inner = node.value
            while isinstance(inner, (ast.Call, ast.Attribute)):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Attribute)
                    and inner.func.attr == "query"
                    and is_session(inner.func.value, sessions)
                ):
                    return True
                inner = inner.func if isinstance(inner, ast.Call) else inner.value
    return False
