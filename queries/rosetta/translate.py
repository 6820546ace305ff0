"""Translate legacy `Session.query()` code into SQLAlchemy 2.0 await-chains by rewriting the syntax tree.

`translate(source)` returns the 2.0 source (`ast.unparse` of the rewritten tree) or raises
`Untranslatable(construct)` naming the construct it cannot express; `try_translate` returns it instead.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from .astutil import AwaitCalls as _AwaitCalls, Untranslatable, awaits as _awaits, call as _call
from .astutil import mentions as _mentions, method as _method, name as _name
from .vocab import (
    AS_EXECUTION_OPTION,
    AWAITED_SESSION_METHODS,
    BULK_OK,
    CHANGES_ENTITIES,
    RENAMED_ON_SELECT,
    RESULT_TERMINALS,
    SAME_ON_SELECT,
    SESSION_NAMES,
    SYNC_BRIDGES,
    TERMINALS,
    TO_CONSTRUCT,
    call_name,
    is_session,
)


@dataclass
class QueryInfo:
    """What is known about a statement built from a legacy query (for variables holding one)."""

    session: ast.expr
    single: bool
    unique: bool
    entity: ast.expr | None
    filters: list[ast.Call] = field(default_factory=list)


class _Rewriter(ast.NodeTransformer):
    def __init__(self, sessions: frozenset[str], entities: set[str] | None, first_limit: bool):
        self.sessions = sessions
        self.entities = entities
        self.first_limit = first_limit
        self.query_vars: dict[str, QueryInfo] = {}
        self.async_funcs: set[str] = set()
        self.notes: list[str] = []
        self.uses_async_session = False

    # -- recognising legacy chains ---------------------------------------------------------------
    def _unwind(self, node: ast.expr):
        """(root, steps) for `db.query(...).a().b()` or `q.a().b()` with q a query variable, else None."""
        steps: list[ast.expr] = []
        cur = node
        while True:
            if isinstance(cur, ast.Call) and isinstance(cur.func, ast.Attribute):
                if cur.func.attr == "query" and is_session(cur.func.value, self.sessions):
                    return cur, steps[::-1]
                steps.append(cur)
                cur = cur.func.value
            elif isinstance(cur, ast.Attribute) and cur.attr == "statement":
                steps.append(cur)
                cur = cur.value
            elif isinstance(cur, ast.Name) and cur.id in self.query_vars and steps:
                return cur, steps[::-1]
            else:
                return None

    def _is_entity(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.entities if self.entities is not None else node.id[:1].isupper()
        if isinstance(node, ast.Attribute):  # models.User (not User.name)
            return node.attr[:1].isupper() and not (isinstance(node.value, ast.Name) and node.value.id[:1].isupper())
        if isinstance(node, ast.Call):
            return call_name(node) in ("aliased", "with_polymorphic")
        return False

    def _args(self, call: ast.Call) -> tuple[list[ast.expr], list[ast.keyword]]:
        return [self.visit(a) for a in call.args], [self.visit(k) for k in call.keywords]

    # -- building the 2.0 form ---------------------------------------------------------------------
    def _build(self, root: ast.expr, steps: list[ast.expr]) -> tuple[ast.expr, QueryInfo | None]:
        """The 2.0 expression, and QueryInfo when it is still a statement (nothing ran yet)."""
        if isinstance(root, ast.Name):
            info = copy.copy(self.query_vars[root.id])
            info.filters = list(info.filters)
            stmt: ast.expr = _name(root.id)
        else:
            if root.keywords:
                raise Untranslatable("db.query() with keyword arguments")
            if not root.args:
                raise Untranslatable("db.query() with no entity", "name what to select, e.g. db.query(User)")
            entities = [self.visit(a) for a in root.args]
            single = len(root.args) == 1 and self._is_entity(root.args[0])
            info = QueryInfo(root.func.value, single, False, entities[0] if single else None)
            stmt = _call(_name("select"), entities)
        seen: list[str] = []
        for index, step in enumerate(steps):
            if isinstance(step, ast.Attribute):  # `.statement`: the select itself
                continue
            method = step.func.attr
            if method in TERMINALS:
                value = self._terminal(method, step, stmt, info, seen)
                return self._reapply(value, steps[index + 1 :]), None
            args, keywords = self._args(step)
            if method in ("join", "outerjoin") and any(isinstance(a, ast.Constant) for a in args):
                raise Untranslatable(f"Query.{method}() with a string", "2.0 joins take the relationship, e.g. User.posts")
            if method in SAME_ON_SELECT or method in RENAMED_ON_SELECT:
                new = RENAMED_ON_SELECT.get(method, method)
                stmt = _method(stmt, new, args, keywords)
                if method in ("filter", "filter_by", "where"):
                    info.filters.append(_method(_name("_"), new, args, keywords))
                if method == "options" and _mentions(step, {"joinedload"}):
                    info.unique = True
                if method in CHANGES_ENTITIES:
                    info.single = method == "with_entities" and len(step.args) == 1 and self._is_entity(step.args[0])
                    info.entity = args[0] if info.single else None
            elif method in AS_EXECUTION_OPTION:
                option = args[0] if args else ast.Constant(True)
                stmt = _method(stmt, "execution_options", [], [ast.keyword(AS_EXECUTION_OPTION[method], option)])
            elif method in TO_CONSTRUCT:
                return self._reapply(_method(stmt, method, args, keywords), steps[index + 1 :]), None
            else:
                raise Untranslatable(f"Query.{method}()")
            seen.append(method)
        return stmt, info

    def _reapply(self, value: ast.expr, rest: list[ast.expr]) -> ast.expr:
        for step in rest:
            if isinstance(step, ast.Attribute):
                value = ast.Attribute(value=value, attr=step.attr, ctx=ast.Load())
            else:
                args, keywords = self._args(step)
                value = _method(value, step.func.attr, args, keywords)
        return value

    def _execute(self, info: QueryInfo, stmt: ast.expr) -> ast.expr:
        result: ast.expr = ast.Await(_method(info.session, "execute", [stmt]))
        if info.unique:
            result = _method(result, "unique")
        return result

    def executed(self, stmt: ast.expr, info: QueryInfo) -> ast.expr:
        """Iterating a query: its rows, or its entities for a single-entity query."""
        result = self._execute(info, stmt)
        return _method(result, "scalars") if info.single else result

    def _terminal(self, method: str, step: ast.Call, stmt: ast.expr, info: QueryInfo, seen: list[str]) -> ast.expr:
        args, keywords = self._args(step)
        if method in RESULT_TERMINALS:
            if args or keywords:
                raise Untranslatable(f"Query.{method}() with arguments")
            if method == "first" and self.first_limit:
                stmt = _method(stmt, "limit", [ast.Constant(1)])
            return _method(self.executed(stmt, info), method)
        if method == "scalar":
            return _method(self._execute(info, stmt), "scalar_one_or_none")
        if method == "count":
            counted = _method(_call(_name("select"), [_call(ast.Attribute(_name("func"), "count", ast.Load()))]),
                              "select_from", [_method(stmt, "subquery")])
            return _method(ast.Await(_method(info.session, "execute", [counted])), "scalar_one")
        if info.entity is None:
            raise Untranslatable(f"Query.{method}() on several entities", "it needs a single mapped class")
        if method == "get":
            other = [m for m in seen if m != "options"]
            if other:
                raise Untranslatable(f"Query.get() after .{other[0]}()", "Session.get() looks up a primary key only")
            if len(args) != 1 or keywords:
                raise Untranslatable("Query.get() with several arguments")
            options = [a for s in self._option_steps(stmt) for a in s]
            kws = [ast.keyword("options", ast.List(options, ast.Load()))] if options else []
            return ast.Await(_method(info.session, "get", [info.entity, args[0]], kws))
        bad = [m for m in seen if m not in BULK_OK]
        if bad:
            raise Untranslatable(f"Query.{method}() after .{bad[0]}()", "a bulk UPDATE / DELETE takes only filters")
        bulk: ast.expr = _call(_name(method), [info.entity])
        for f in info.filters:
            bulk = _method(bulk, f.func.attr, f.args, f.keywords)
        if method == "update":
            if len(args) != 1:
                raise Untranslatable("Query.update() without a values dict")
            bulk = self._values(bulk, args[0], info.entity)
        options = []
        for kw in keywords:
            if kw.arg != "synchronize_session":
                raise Untranslatable(f"Query.{method}({kw.arg}=...)")
            options.append(kw)
        if options:
            bulk = _method(bulk, "execution_options", [], options)
        return ast.Attribute(ast.Await(_method(info.session, "execute", [bulk])), "rowcount", ast.Load())

    def _option_steps(self, stmt: ast.expr) -> list[list[ast.expr]]:
        found = []
        while isinstance(stmt, ast.Call) and isinstance(stmt.func, ast.Attribute):
            if stmt.func.attr == "options":
                found.append(stmt.args)
            stmt = stmt.func.value
        return found[::-1]

    @staticmethod
    def _values(bulk: ast.expr, values: ast.expr, entity: ast.expr) -> ast.expr:
        """`{User.name: x}` -> `.values(name=x)`; other dicts stay a dict."""
        if isinstance(values, ast.Dict) and all(
            isinstance(k, ast.Attribute) and ast.dump(k.value) == ast.dump(entity) for k in values.keys
        ):
            return _method(bulk, "values", [], [ast.keyword(k.attr, v) for k, v in zip(values.keys, values.values)])
        if isinstance(values, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                                and k.value.isidentifier() for k in values.keys):
            return _method(bulk, "values", [], [ast.keyword(k.value, v) for k, v in zip(values.keys, values.values)])
        return _method(bulk, "values", [values])

    # -- visitors ----------------------------------------------------------------------------------
    def _legacy(self, node: ast.expr):
        return self._unwind(node) if isinstance(node, (ast.Call, ast.Attribute)) else None

    def visit_Call(self, node: ast.Call):
        chain = self._legacy(node)
        if chain is not None:
            return self._build(*chain)[0]
        if isinstance(node.func, ast.Attribute) and is_session(node.func.value, self.sessions):
            if node.func.attr in SYNC_BRIDGES:
                return node  # run_sync(fn): fn is sync code on purpose
            if node.func.attr in AWAITED_SESSION_METHODS:
                return ast.Await(self._session_call(node))
        if call_name(node) in self.async_funcs and isinstance(node.func, ast.Name):
            return ast.Await(self.generic_visit(node))
        return self.generic_visit(node)

    def _session_call(self, node: ast.Call) -> ast.Call:
        node = self.generic_visit(node)
        if node.func.attr == "execute" and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            node.args[0] = _call(_name("text"), [node.args[0]])
        return node

    def visit_Attribute(self, node: ast.Attribute):
        if node.attr == "statement":
            chain = self._legacy(node)
            if chain is not None:
                return self._build(*chain)[0]
        return self.generic_visit(node)

    def visit_Await(self, node: ast.Await):
        value = node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and is_session(value.func.value, self.sessions) \
                and value.func.attr in AWAITED_SESSION_METHODS | SYNC_BRIDGES:
            if value.func.attr not in SYNC_BRIDGES:
                node.value = self._session_call(value)
            return node
        bridged = self._bridged_lambda(value)
        if bridged is not None:
            self.notes.append("the thread-pool call around legacy code is not needed in 2.0: the query is awaited")
            return self.visit(bridged)
        chain = self._legacy(value)
        if chain is not None:
            self.notes.append("the legacy query was awaited: a Query cannot be awaited; the 2.0 form awaits execute()")
            built, info = self._build(*chain)
            return built
        return self.generic_visit(node)

    def _bridged_lambda(self, value: ast.expr) -> ast.expr | None:
        """`run_in_threadpool(lambda: <legacy>)` -> `<legacy>` (2.0 awaits instead of borrowing a thread)."""
        if not (isinstance(value, ast.Call) and call_name(value) in ("run_in_threadpool", "to_thread")):
            return None
        if len(value.args) != 1 or value.keywords or not isinstance(value.args[0], ast.Lambda):
            return None
        body = value.args[0].body
        has_query = any(self._legacy(n) is not None for n in ast.walk(body) if isinstance(n, ast.Call))
        return body if has_query and not value.args[0].args.args else None

    def visit_Lambda(self, node: ast.Lambda):
        if any(self._legacy(n) is not None for n in ast.walk(node.body) if isinstance(n, ast.Call)):
            raise Untranslatable("a legacy query inside a lambda", "a lambda cannot await; use a def")
        return node

    def visit_Assign(self, node: ast.Assign):
        target = node.targets[0] if len(node.targets) == 1 else None
        if isinstance(target, ast.Name):
            chain = self._legacy(node.value)
            if chain is None and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
                    and node.value.func.attr == "query" and is_session(node.value.func.value, self.sessions):
                chain = (node.value, [])
            if chain is not None:
                built, info = self._build(*chain)
                node.value = built
                if info is not None:
                    self.query_vars[target.id] = info
                else:
                    self.query_vars.pop(target.id, None)
                return node
            self.query_vars.pop(target.id, None)
        return self.generic_visit(node)

    def _iterable(self, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Name) and node.id in self.query_vars:
            return self.executed(node, self.query_vars[node.id])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "query" \
                and is_session(node.func.value, self.sessions):
            built, info = self._build(node, [])
        else:
            chain = self._legacy(node)
            if chain is None:
                return self.visit(node)
            built, info = self._build(*chain)
        return self.executed(built, info) if info is not None else built

    def visit_For(self, node: ast.For):
        node.iter = self._iterable(node.iter)
        node.target = self.visit(node.target)
        node.body = [self.visit(s) for s in node.body]
        node.orelse = [self.visit(s) for s in node.orelse]
        return node

    def visit_comprehension(self, node: ast.comprehension):
        node.iter = self._iterable(node.iter)
        node.ifs = [self.visit(i) for i in node.ifs]
        return node

    def _session_params(self, node) -> set[str]:
        """Parameters annotated `Session` are sessions inside this function, whatever their name."""
        found = set()
        for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
            ann = arg.annotation
            if (isinstance(ann, ast.Name) and ann.id == "Session") or (isinstance(ann, ast.Attribute) and ann.attr == "Session"):
                found.add(arg.arg)
                arg.annotation = _name("AsyncSession")
                self.uses_async_session = True
        return found

    def _visit_function(self, node):
        outer = self.sessions
        self.sessions = outer | self._session_params(node)
        try:
            self.generic_visit(node)
        finally:
            self.sessions = outer
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef):
        self._visit_function(node)
        if not _awaits(node):
            return node
        self.async_funcs.add(node.name)
        new = ast.AsyncFunctionDef(
            name=node.name, args=node.args, body=node.body, decorator_list=node.decorator_list,
            returns=node.returns, type_comment=node.type_comment, type_params=getattr(node, "type_params", []),
        )
        return ast.copy_location(new, node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef):
        return self._visit_function(node)


def _imports(tree: ast.Module, name: str) -> bool:
    return any(isinstance(n, ast.ImportFrom) and any(a.name == name for a in n.names) for n in ast.walk(tree))


def translate(
    source: str,
    *,
    sessions: frozenset[str] = SESSION_NAMES,
    entities: set[str] | None = None,
    first_limit: bool = True,
) -> str:
    """The 2.0 form of `source`. Raises SyntaxError for invalid Python, Untranslatable for what it cannot express.

    `entities`: the mapped class names (to tell `db.query(User)` from `db.query(some_column)`); by default
    a capitalised name counts as an entity. `first_limit`: add `.limit(1)` before `.first()`. Query.first()
    sent LIMIT 1 itself and a select() does not: without it the 2.0 form returns the same object but fetches
    and buffers every matching row to keep one (the seed article's table leaves it out; pass False for that).
    """
    tree = ast.parse(source)
    rewriter = _Rewriter(sessions, entities, first_limit)
    tree = rewriter.visit(tree)
    if rewriter.async_funcs:
        tree = _AwaitCalls(rewriter.async_funcs).visit(tree)
    if rewriter.uses_async_session and not _imports(tree, "AsyncSession"):
        # The annotation is evaluated when the def runs: the name must exist.
        tree.body.insert(0, ast.ImportFrom("sqlalchemy.ext.asyncio", [ast.alias("AsyncSession")], 0))
    ast.fix_missing_locations(tree)
    modern = ast.unparse(tree)
    from .detect import legacy_constructs

    left = legacy_constructs(modern, sessions=sessions)
    if left:
        raise Untranslatable(left[0], "it is still there after translation")
    return modern


def try_translate(source: str, **kwargs) -> str | Untranslatable:
    """Like translate(), but returns the Untranslatable instead of raising it (SyntaxError still raises)."""
    try:
        return translate(source, **kwargs)
    except Untranslatable as exc:
        return exc
