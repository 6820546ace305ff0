"""The names a cell sees: SQLAlchemy's constructs, the ORM's loader options, the mapped classes, `tables`."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any

import sqlalchemy
from sqlalchemy import orm

from .mapping import Mapping

# The ORM helpers people use inside statements (the rest of sqlalchemy.orm is about declaring models).
ORM_HELPERS = (
    "aliased",
    "selectinload",
    "joinedload",
    "subqueryload",
    "immediateload",
    "lazyload",
    "noload",
    "raiseload",
    "contains_eager",
    "defaultload",
    "load_only",
    "defer",
    "undefer",
    "undefer_group",
    "with_expression",
    "with_loader_criteria",
    "with_parent",
    "with_polymorphic",
    "Bundle",
    "Load",
    "Session",
    "make_transient",
    "object_session",
)


def sqlalchemy_names() -> dict[str, Any]:
    # sqlalchemy has no __all__: its public surface is every name not starting with "_".
    names = {
        name: value
        for name, value in vars(sqlalchemy).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    names.update({name: getattr(orm, name) for name in ORM_HELPERS if hasattr(orm, name)})
    names["sa"] = sqlalchemy
    names["orm"] = orm
    names["asyncio"] = asyncio  # for `await asyncio.to_thread(...)` in cells about blocking
    return names


def build_namespace(mapping: Mapping, extras: dict[str, Any] | None = None) -> dict[str, Any]:
    """A fresh dict: SQLAlchemy's names, then `tables`, then mapped classes, then the user's module."""
    from .helpers import VECTOR_DISTANCES, db_get, sync_session  # the seed article's helpers; a sync Session

    ns = sqlalchemy_names()
    ns["db_get"] = db_get
    ns["sync_session"] = sync_session
    ns.update(VECTOR_DISTANCES)  # l2_distance(Document.embedding, q), as the seed article writes it
    ns["tables"] = mapping.tables_namespace()
    ns.update(mapping.classes)
    ns.update(mapping.extras)
    if extras:
        ns.update(extras)
    return ns
