"""Reflect the database into mapped classes (automap) or take the user's own models (`--models`)."""

from __future__ import annotations

import importlib
import re
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from sqlalchemy import LargeBinary, MetaData, Table, inspect, select
import pgvector.sqlalchemy  # noqa: F401  (registers `vector` so PostgreSQL reflection knows the type)
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.ext.automap import automap_base
from sqlalchemy.orm import Mapper, RelationshipProperty, configure_mappers

from . import naming
from .errors import ExploreError
from .repr import install_repr


class ModelsError(ExploreError):
    """The --models module could not be imported."""


@dataclass
class Mapping:
    """What a cell can name: mapped classes by name, tables by name, extras from the user's module."""

    classes: dict[str, type] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    models_module: str | None = None

    def class_for_table(self, table_name: str) -> type | None:
        for cls in self.classes.values():
            if getattr(cls, "__table__", None) is not None and cls.__table__.name == table_name:
                return cls
        return None

    def relationships(self, cls: type) -> dict[str, RelationshipProperty]:
        return {rel.key: rel for rel in inspect(cls).relationships}

    def tables_namespace(self) -> SimpleNamespace:
        return SimpleNamespace(**self.tables)


# sqlite-vec's storage tables for a vec0 table NAME: NAME_info, NAME_chunks, NAME_vector_chunks00, ...
_VEC0_SHADOW = re.compile(r"_(info|chunks|rowids|auxiliary|vector_chunks\d+|metadatachunks\d+|metadatatext\d+)$")


def vector_index_tables(sync_conn) -> set[str]:
    """SQLite vec0 virtual tables and their storage tables: a vector index, not data to browse or map."""
    if sync_conn.dialect.name != "sqlite":
        return set()
    rows = sync_conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND lower(sql) LIKE 'create virtual table%using vec0%'"
    ).all()
    virtual = {name for (name,) in rows}
    if not virtual:
        return set()
    names = [name for (name,) in sync_conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return virtual | {
        name for name in names for base in virtual
        if name.startswith(base + "_") and _VEC0_SHADOW.fullmatch(name[len(base):])
    }


def automap(sync_conn, schema: str | None = None) -> Mapping:
    """Reflect every table on a sync connection (run it through `conn.run_sync`); vec0 indexes left out."""
    metadata = MetaData()
    hidden = vector_index_tables(sync_conn)
    metadata.reflect(sync_conn, schema=schema, only=lambda name, _meta: name not in hidden)
    _decode_sample_vectors(sync_conn, metadata)
    # AsyncAttrs: `await user.awaitable_attrs.posts` works on reflected classes too.
    base = automap_base(metadata=metadata, cls=AsyncAttrs)
    base.prepare(
        classname_for_table=lambda _base, tablename, _table: naming.class_name_for_table(tablename),
        name_for_scalar_relationship=lambda _b, local, referred, c: naming.scalar_relationship_name(local, referred, c),
        name_for_collection_relationship=lambda _b, local, referred, c: naming.collection_relationship_name(
            local, referred, c
        ),
    )
    configure_mappers()  # so backrefs exist before the first cell is evaluated
    classes = {cls.__name__: cls for cls in base.classes}
    for cls in classes.values():
        install_repr(cls)
    return Mapping(classes=classes, tables={t.name: t for t in metadata.sorted_tables})


def _decode_sample_vectors(sync_conn, metadata: MetaData) -> None:
    """SQLite has no vector type: the sample stores embeddings as float32 BLOBs and records their
    dimension in `embedding_meta`. Where that table exists, read such BLOB columns as float vectors."""
    meta = metadata.tables.get("embedding_meta")
    if meta is None or "dimension" not in meta.c or sync_conn.dialect.name != "sqlite":
        return
    dimension = sync_conn.execute(select(meta.c.dimension).limit(1)).scalar()
    if not dimension:
        return
    from sqla_explore.sample_db.vector_type import EmbeddingType

    for table in metadata.tables.values():
        column = table.c.get("embedding")
        if column is not None and isinstance(column.type, LargeBinary):
            column.type = EmbeddingType(int(dimension))


def _import_models(spec: str) -> ModuleType:
    path = Path(spec)
    try:
        if spec.endswith(".py") or path.exists():
            if not path.is_file():
                raise ModelsError(f"no such models file: {spec}")
            name = f"sqla_explore_user_models_{abs(hash(str(path.resolve())))}"
            module_spec = importlib.util.spec_from_file_location(name, path)
            if module_spec is None or module_spec.loader is None:
                raise ModelsError(f"cannot import {spec} as a Python module")
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            sys.path.insert(0, str(path.resolve().parent))
            try:
                module_spec.loader.exec_module(module)
            finally:
                sys.path.remove(str(path.resolve().parent))
            return module
        return importlib.import_module(spec)
    except ModelsError:
        raise
    except ModuleNotFoundError as exc:
        raise ModelsError(f"cannot import models {spec!r}: {exc}") from None
    except Exception as exc:  # the user's module failed while importing
        raise ModelsError(f"importing models {spec!r} failed: {type(exc).__name__}: {exc}") from None


def _is_mapped_class(value: Any) -> bool:
    if not isinstance(value, type):
        return False
    try:
        mapper = inspect(value, raiseerr=False)
    except Exception:
        return False
    return isinstance(mapper, Mapper)


def _defined_in(module: ModuleType, value: Any) -> bool:
    """True unless the value is a class or function imported from elsewhere (e.g. `select`)."""
    origin = getattr(value, "__module__", None)
    if isinstance(value, ModuleType):
        return False
    if isinstance(value, type) or callable(value):
        return origin == module.__name__
    return True


def merge_user_models(mapping: Mapping, spec: str) -> Mapping:
    """Public names of the user's module join the namespace; its mapped classes replace automapped
    classes for the same tables."""
    module = _import_models(spec)
    public = getattr(module, "__all__", None) or [
        n for n in vars(module) if not n.startswith("_") and _defined_in(module, getattr(module, n))
    ]
    user_classes: dict[str, type] = {}
    extras: dict[str, Any] = {}
    for name in public:
        value = getattr(module, name)
        if isinstance(value, ModuleType):
            continue
        if _is_mapped_class(value) and getattr(value, "__table__", None) is not None:
            user_classes[name] = value
            continue
        extras[name] = value
    configure_mappers()
    replaced = {cls.__table__.name for cls in user_classes.values()}
    classes = {n: c for n, c in mapping.classes.items() if c.__table__.name not in replaced}
    classes.update(user_classes)
    tables = dict(mapping.tables)
    for cls in user_classes.values():
        tables.setdefault(cls.__table__.name, cls.__table__)
    for value in extras.values():
        if isinstance(value, Table):
            tables.setdefault(value.name, value)
    return Mapping(classes=classes, tables=tables, extras=extras, models_module=spec)
