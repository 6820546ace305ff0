"""The HNSW index helpers, re-exported for the query side (they live in sample_db, which the builder uses)."""

from __future__ import annotations

from ...sample_db.vector_index import DEFAULT_WORK_MEM, OPCLASSES, create_vector_index, index_name

__all__ = ["DEFAULT_WORK_MEM", "OPCLASSES", "create_vector_index", "index_name"]
