"""Helpers that cells may call, starting with the seed article's `db_get`."""

from __future__ import annotations

from sqlalchemy import select


async def db_get(db, model, **kwargs):
    """The first `model` whose columns equal kwargs, or None: `await db_get(db, User, email=...)`."""
    result = await db.execute(select(model).filter_by(**kwargs))
    return result.scalars().first()
