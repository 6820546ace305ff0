"""Small syntax-tree helpers for Rosetta: node builders, the Untranslatable error, the await pass."""

from __future__ import annotations

import ast


class Untranslatable(Exception):
    """The legacy code uses something Rosetta cannot express in 2.0; `construct` names it."""

    def __init__(self, construct: str, reason: str = ""):
        self.construct = construct
        self.reason = reason
        super().__init__(f"cannot translate {construct}" + (f": {reason}" if reason else ""))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Untranslatable) and (self.construct, self.reason) == (other.construct, other.reason)

    def __hash__(self) -> int:
        return hash((self.construct, self.reason))


def call(func: ast.expr, args: list[ast.expr] | None = None, keywords: list[ast.keyword] | None = None) -> ast.Call:
    return ast.Call(func=func, args=args or [], keywords=keywords or [])


def method(obj: ast.expr, name: str, args=None, keywords=None) -> ast.Call:
    return call(ast.Attribute(value=obj, attr=name, ctx=ast.Load()), args, keywords)


def name(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


def mentions(node: ast.AST, names: set[str]) -> bool:
    return any(
        (isinstance(n, ast.Name) and n.id in names) or (isinstance(n, ast.Attribute) and n.attr in names)
        for n in ast.walk(node)
    )


def awaits(func: ast.AST) -> bool:
    """Whether the function's own body (not nested functions) awaits."""
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Await):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


class AwaitCalls(ast.NodeTransformer):
    """Second pass: calls to functions that became `async def` get awaited (unless they already are)."""

    def __init__(self, names: set[str]):
        self.names = names

    def visit_Await(self, node: ast.Await):
        if isinstance(node.value, ast.Call):
            node.value = self.generic_visit(node.value)
            return node
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call):
        node = self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in self.names:
            return ast.Await(node)
        return node
