"""The words Rosetta knows: session names, legacy Query methods and what each becomes in 2.0."""

from __future__ import annotations

import ast

# The names the engine binds to the AsyncSession; a `.query()` on one of them is legacy code.
SESSION_NAMES = frozenset({"db", "session"})

# Query methods that exist under the same name on a 2.0 `select()`.
SAME_ON_SELECT = frozenset(
    {
        "filter_by", "where", "order_by", "limit", "offset", "join", "outerjoin", "options", "distinct",
        "group_by", "having", "select_from", "correlate", "execution_options", "with_for_update",
        "prefix_with", "suffix_with", "slice", "join_from", "outerjoin_from", "union", "union_all",
    }
)
# Query methods renamed on `select()`.
RENAMED_ON_SELECT = {"filter": "where", "with_entities": "with_only_columns", "add_columns": "add_columns",
                     "add_entity": "add_columns"}
# Query methods that become execution options.
AS_EXECUTION_OPTION = {"yield_per": "yield_per", "populate_existing": "populate_existing"}
# Methods that change which entities a query returns (so rows vs scalars changes).
CHANGES_ENTITIES = frozenset({"with_entities", "add_columns", "add_entity"})

# Methods that run the query, and the Result method each becomes.
RESULT_TERMINALS = frozenset({"first", "all", "one", "one_or_none"})
OTHER_TERMINALS = frozenset({"scalar", "count", "get", "update", "delete"})
TERMINALS = RESULT_TERMINALS | OTHER_TERMINALS
# Methods that turn the query into a statement part (no I/O): kept as they are on `select()`.
TO_CONSTRUCT = frozenset({"subquery", "scalar_subquery", "cte", "exists", "label", "alias"})
# Only these may precede `.update()` / `.delete()` (what a bulk UPDATE / DELETE can express).
BULK_OK = frozenset({"filter", "filter_by", "where", "execution_options"})

KNOWN_QUERY_METHODS = SAME_ON_SELECT | set(RENAMED_ON_SELECT) | set(AS_EXECUTION_OPTION) | TERMINALS | TO_CONSTRUCT

# AsyncSession methods that are coroutines: sync code calls them without `await`.
AWAITED_SESSION_METHODS = frozenset(
    {
        "commit", "rollback", "flush", "refresh", "close", "execute", "scalar", "scalars", "get", "get_one",
        "delete", "merge", "stream", "stream_scalars", "run_sync", "invalidate", "reset", "connection",
    }
)
# Calls that hand a function to another thread or to the sync session: what runs inside is sync on purpose.
SYNC_BRIDGES = frozenset({"run_sync", "run_in_threadpool", "to_thread"})


def receiver_name(node: ast.expr) -> str | None:
    """`db` for `db`, `self.db` and `request.state.db`; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def is_session(node: ast.expr, names: frozenset[str] = SESSION_NAMES) -> bool:
    return receiver_name(node) in names


def query_root(node: ast.expr, names: frozenset[str] = SESSION_NAMES) -> ast.Call | None:
    """The `db.query(...)` call at the bottom of a method chain, if there is one."""
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "query" and is_session(node.func.value, names):
                return node
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return None


def call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None
