"""The sample database's tables as SQLAlchemy 2.0 declarative models (users, posts, comments, documents, events).

`documents.embedding` is an `EmbeddingType` (vector_type.py): pgvector `vector(dim)` on PostgreSQL, a float32
little-endian BLOB (the sqlite-vec format) on SQLite; in Python a numpy float32 array. Use this module as
`--models sqla_explore.sample_db.schema` to get these classes (and decoded vectors) instead of automap's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import numpy as np
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .documents import EMBEDDING_DIM
from .vector_type import EmbeddingType

__all__ = [
    "SampleBase",
    "EmbeddingType",
    "User",
    "Post",
    "Comment",
    "Document",
    "Event",
    "EmbeddingMeta",
    "TABLE_NAMES",
]

DEFAULT_EMBEDDING_DIM = EMBEDDING_DIM


class SampleBase(DeclarativeBase):
    """Declarative base of the sample schema only (the explorer reflects real databases separately)."""

    # The attributes a repr shows, when loaded (a repr never triggers a load: that would need I/O).
    _repr_keys: tuple[str, ...] = ("id",)

    def __repr__(self) -> str:
        loaded = self.__dict__
        inner = ", ".join(f"{key}={loaded[key]!r}" for key in self._repr_keys if key in loaded)
        return f"{type(self).__name__}({inner})"


class User(SampleBase):
    __tablename__ = "users"
    _repr_keys = ("id", "email")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    posts: Mapped[list[Post]] = relationship(back_populates="user", order_by="Post.id")
    comments: Mapped[list[Comment]] = relationship(back_populates="user", order_by="Comment.id")
    events: Mapped[list[Event]] = relationship(back_populates="user", order_by="Event.id")


class Post(SampleBase):
    __tablename__ = "posts"
    _repr_keys = ("id", "title")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[Optional[datetime]] = mapped_column(DateTime, nullable=True)

    user: Mapped[User] = relationship(back_populates="posts")
    comments: Mapped[list[Comment]] = relationship(back_populates="post", order_by="Comment.id")

    __table_args__ = (Index("ix_posts_user_id", "user_id"),)


class Comment(SampleBase):
    __tablename__ = "comments"
    _repr_keys = ("id", "post_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    post: Mapped[Post] = relationship(back_populates="comments")
    user: Mapped[User] = relationship(back_populates="comments")

    __table_args__ = (
        Index("ix_comments_post_id", "post_id"),
        Index("ix_comments_user_id", "user_id"),
    )


class Document(SampleBase):
    __tablename__ = "documents"
    _repr_keys = ("id", "title")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(String(50))
    embedding: Mapped[Optional[np.ndarray]] = mapped_column(EmbeddingType(DEFAULT_EMBEDDING_DIM), nullable=True)

    __table_args__ = (Index("ix_documents_topic", "topic"),)


class Event(SampleBase):
    __tablename__ = "events"
    _repr_keys = ("id", "kind")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[Optional[dict]] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship(back_populates="events")

    __table_args__ = (Index("ix_events_user_id", "user_id"),)


class EmbeddingMeta(SampleBase):
    """One row: which embedder made `documents.embedding`, and its dimension."""

    __tablename__ = "embedding_meta"
    _repr_keys = ("embedder", "dimension")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    embedder: Mapped[str] = mapped_column(String(100))
    dimension: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


# Creation order (parents first).
TABLE_NAMES: tuple[str, ...] = tuple(t.name for t in SampleBase.metadata.sorted_tables)
