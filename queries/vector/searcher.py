"""`VectorSearcher`: vector search bound to an open Explorer (what the pane calls; no UI code here)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sqlalchemy import select

from ...sample_db.embedder import Embedder
from ...sample_db.schema import Document
from . import sqlite_funcs
from .search import Hit, SearchResult, VectorInfo, embedder_for, read_vector_info, search
from .statements import VectorSearchError, documents_vec

BACKEND_LABELS = {
    "pgvector": "PostgreSQL · pgvector",
    sqlite_funcs.SQLITE_VEC: "SQLite · sqlite-vec",
    sqlite_funcs.NUMPY: "SQLite · numpy functions (no extension could load)",
}


class VectorSearcher:
    """Create on the explorer's loop; `await prepare()` once, then `embed()` (thread-safe) and `await search()`."""

    def __init__(self, explorer: Any) -> None:
        self.explorer = explorer
        self.info: VectorInfo | None = None
        self.embedder: Embedder | None = None

    @property
    def dialect(self) -> str:
        return self.explorer.engine.dialect.name

    @property
    def class_name(self) -> str:
        mapping = getattr(self.explorer, "mapping", None)
        cls = mapping.class_for_table("documents") if mapping is not None else None
        return cls.__name__ if cls is not None else "Document"

    @property
    def backend_label(self) -> str:
        if self.info is None:
            return "not ready"
        label = BACKEND_LABELS.get(self.info.backend, self.info.backend)
        if self.info.indexes:
            label += f" · index {', '.join(self.info.indexes)}"
        if self.info.dialect == "sqlite":
            if self.info.vec_table and self.info.vec_bits:
                label += f" · vec0 KNN on {self.info.vec_table} (cosine; binary candidates unless exact)"
            elif self.info.vec_table:
                label += f" · vec0 KNN on {self.info.vec_table} (cosine)"
            else:
                label += f" · scan ({self.info.vec_note})"
        return label

    @property
    def embedder_label(self) -> str:
        if self.embedder is None:
            return "no embedder"
        kind = "lexical" if self.embedder.kind == "lexical" else self.embedder.kind
        return f"{self.embedder.name} ({kind})"

    async def prepare(self) -> VectorInfo:
        """Check tables and embedder, load SQLite functions, add `embed` to the cell namespace."""
        engine = self.explorer.engine
        if self.dialect == "sqlite":
            sqlite_funcs.install(engine)
        async with engine.connect() as conn:
            info = await read_vector_info(conn)
        self.embedder = embedder_for(info)
        self.info = info
        namespace = getattr(self.explorer, "namespace", None)
        if isinstance(namespace, dict):
            namespace["embed"] = self.cell_embed
            if info.vec_table:  # the KNN form of the statement names the vec0 table
                namespace["documents_vec"] = documents_vec
        return info

    def embed(self, text: str) -> np.ndarray:
        """CPU work: call it from a thread worker. Raises VectorSearchError for empty or unknown text."""
        if self.embedder is None:
            raise VectorSearchError("vector search is not ready (prepare() has not run)")
        if not text.strip():
            raise VectorSearchError("type some text to search for")
        vector = self.embedder.embed([text])[0]
        if not np.any(vector):
            raise VectorSearchError(f"the text {text!r} has no words {self.embedder.name} knows: nothing to compare")
        return vector

    def cell_embed(self, text: str) -> Any:
        """`embed("...")` inside a cell: the query vector in the form this database binds."""
        vector = self.embed(text)
        return np.asarray(vector, "<f4").tobytes() if self.dialect == "sqlite" else vector

    async def search(
        self,
        *,
        text: str | None = None,
        vector: np.ndarray | None = None,
        like_id: int | None = None,
        k: int = 5,
        metric: str = "cosine",
        exact: bool = False,
        with_recall: bool = True,
        embed_ms: float | None = None,
        prefer_knn: bool = True,
        explain: bool = True,
    ) -> SearchResult:
        """Search by text (embedded here), by a vector embedded earlier (give `embed_ms`), or like a document."""
        if self.info is None:
            await self.prepare()
        started = time.perf_counter()
        params_embedded = vector is None and like_id is None
        if params_embedded:
            vector = self.embed(text or "")
        own_ms = (time.perf_counter() - started) * 1000
        result = await search(
            self.explorer.engine,
            text_query=text,
            vector=vector,
            like_id=like_id,
            embedder=self.embedder,
            k=k,
            metric=metric,
            exact=exact,
            with_recall=with_recall,
            prefer_knn=prefer_knn,
            explain=explain,
            info=self.info,
            class_name=self.class_name,
        )
        if embed_ms is not None:
            result.embed_ms = embed_ms
        elif vector is not None and text is not None and params_embedded:
            result.embed_ms = own_ms
        return result

    async def document(self, document_id: int) -> Hit:
        table = Document.__table__
        stmt = select(table.c.id, table.c.title, table.c.topic, table.c.body).where(table.c.id == document_id)
        async with self.explorer.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None:
            raise VectorSearchError(f"no document with id {document_id}")
        return Hit(row.id, row.title, row.topic, row.body, 0.0)
