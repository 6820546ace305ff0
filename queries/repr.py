"""A readable, load-free `repr` for mapped objects: `User(id=1, email='ada@example.com')`."""

from __future__ import annotations

from sqlalchemy import inspect

# Columns that identify a row to a human, best first.
LABEL_COLUMNS = ("email", "name", "username", "title", "kind", "slug", "label", "code")
MAX_TEXT = 40


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def entity_repr(obj) -> str:
    """Primary key and one or two label columns, read from the loaded state only (never a lazy load)."""
    state = inspect(obj)
    loaded = state.dict
    mapper = state.mapper
    parts: list[str] = []
    for column in mapper.primary_key:
        prop = mapper.get_property_by_column(column)
        if prop.key in loaded:
            parts.append(f"{prop.key}={_short(loaded[prop.key])}")
    labels = [key for key in LABEL_COLUMNS if key in mapper.columns and key in loaded]
    for key in labels[:2]:
        parts.append(f"{key}={_short(loaded[key])}")
    if not parts:
        parts.append("transient" if state.transient else "expired" if state.expired else "…")
    return f"{type(obj).__name__}({', '.join(parts)})"


def install_repr(cls: type) -> None:
    """Give an automapped class the readable repr (user models keep their own)."""
    cls.__repr__ = entity_repr  # type: ignore[method-assign]
