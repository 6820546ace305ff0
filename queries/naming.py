"""Readable names for automapped classes and relationships: `users` -> `User`, `author_id` -> `author`."""

from __future__ import annotations

import re

from sqlalchemy import ForeignKeyConstraint, Table

_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "data": "data", "news": "news"}


def singular(word: str) -> str:
    """A good-enough English singular for table names (`categories` -> `category`, `addresses` -> `address`)."""
    lower = word.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower.endswith("ies") and len(lower) > 3:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes", "zzes", "uses")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def class_name_for_table(tablename: str) -> str:
    """CamelCase singular: `users` -> `User`, `user_account` -> `UserAccount`, `blog_posts` -> `BlogPost`."""
    parts = [p for p in re.split(r"[_\W]+", tablename) if p]
    if not parts:
        return "Table_"
    parts[-1] = singular(parts[-1])
    name = "".join(p[:1].upper() + p[1:] for p in parts)
    return name if name[0].isalpha() else "T" + name


def _fk_stem(constraint: ForeignKeyConstraint) -> str | None:
    """`author_id` -> `author`; None when the key has several columns or no `_id` suffix."""
    if len(constraint.columns) != 1:
        return None
    column = list(constraint.columns)[0].name
    for suffix in ("_id", "_fk", "id"):
        if column.lower().endswith(suffix) and len(column) > len(suffix):
            return column[: -len(suffix)].rstrip("_")
    return None


def _keys_to(local: Table, referred: Table) -> int:
    return sum(1 for fk in local.foreign_key_constraints if fk.referred_table is referred)


def scalar_relationship_name(local_cls, referred_cls, constraint: ForeignKeyConstraint) -> str:
    """Many-to-one: named after the key column (`user_id` -> `user`, `author_id` -> `author`)."""
    stem = _fk_stem(constraint)
    name = stem or referred_cls.__name__.lower()
    return _avoid_columns(local_cls, name)


def collection_relationship_name(local_cls, referred_cls, constraint: ForeignKeyConstraint) -> str:
    """One-to-many: the referred table's name (`User.posts`); with several keys to the same table,
    prefixed by the key (`User.author_posts`, `User.editor_posts`)."""
    base = referred_cls.__table__.name
    if _keys_to(constraint.parent, constraint.referred_table) > 1:
        stem = _fk_stem(constraint)
        if stem:
            base = f"{stem}_{base}"
    return _avoid_columns(local_cls, base)


def _avoid_columns(cls, name: str) -> str:
    table = getattr(cls, "__table__", None)
    if table is not None and name in table.c:
        return name + "_rel"
    return name
