"""`EmbeddingType`: a vector column that is pgvector's `vector(dim)` on PostgreSQL and a float32 BLOB on SQLite.

Its comparator offers pgvector's method names on both backends: `Document.embedding.l2_distance(q)` renders
`embedding <-> :q` on PostgreSQL and `vec_distance_l2(embedding, ?)` on SQLite (sqlite-vec's function names;
the explorer registers them on SQLite connections).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
from sqlalchemy import Float, LargeBinary, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["EmbeddingType", "L2Distance", "CosineDistance", "MaxInnerProduct", "L1Distance"]


class _Distance(FunctionElement):
    """distance(left, right) between two vectors; each subclass says how each backend spells it."""

    type = Float()
    inherit_cache = True
    pg_operator = ""
    sqlite_function: str | None = None


class L2Distance(_Distance):
    name = "l2_distance"
    inherit_cache = True
    pg_operator = "<->"
    sqlite_function = "vec_distance_l2"


class CosineDistance(_Distance):
    name = "cosine_distance"
    inherit_cache = True
    pg_operator = "<=>"
    sqlite_function = "vec_distance_cosine"


class MaxInnerProduct(_Distance):
    name = "max_inner_product"  # pgvector's <#>: the negative inner product
    inherit_cache = True
    pg_operator = "<#>"
    sqlite_function = "vec_negative_inner_product"


class L1Distance(_Distance):
    name = "l1_distance"
    inherit_cache = True
    pg_operator = "<+>"


@compiles(_Distance, "postgresql")
def _distance_pg(element: _Distance, compiler: Any, **kw: Any) -> str:
    left, right = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({left} {element.pg_operator} {right})"


@compiles(_Distance)
def _distance_default(element: _Distance, compiler: Any, **kw: Any) -> str:
    if element.sqlite_function is None:
        raise CompileError(f"{element.name} is offered on PostgreSQL (pgvector) only")
    left, right = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"{element.sqlite_function}({left}, {right})"


class EmbeddingType(TypeDecorator):
    """A fixed-size float vector: pgvector's `Vector(dim)` on PostgreSQL, a float32 little-endian BLOB elsewhere.

    Binds a list of floats or a 1-D numpy array; loads a numpy float32 array.
    """

    impl = LargeBinary
    cache_ok = True

    class Comparator(TypeDecorator.Comparator):
        def _distance(self, kind: type[_Distance], other: Any) -> _Distance:
            if not isinstance(other, ClauseElement):
                other = bindparam(None, other, type_=self.type)
            return kind(self.expr, other)

        def l2_distance(self, other: Any) -> _Distance:
            return self._distance(L2Distance, other)

        def cosine_distance(self, other: Any) -> _Distance:
            return self._distance(CosineDistance, other)

        def max_inner_product(self, other: Any) -> _Distance:
            return self._distance(MaxInnerProduct, other)

        def l1_distance(self, other: Any) -> _Distance:
            return self._distance(L1Distance, other)

    comparator_factory = Comparator

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from pgvector.sqlalchemy import Vector

            return dialect.type_descriptor(Vector(self.dim))
        return dialect.type_descriptor(LargeBinary())

    def _as_array(self, value: Any) -> np.ndarray:
        array = np.asarray(value, dtype="<f4")
        if array.ndim != 1 or array.shape[0] != self.dim:
            raise ValueError(f"expected a vector of {self.dim} floats, got shape {array.shape}")
        return array

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        array = self._as_array(value)
        if dialect.name == "postgresql":
            return array  # pgvector's bind processor renders it as text
        return array.tobytes()

    def process_result_value(self, value: Any, dialect: Dialect) -> Optional[np.ndarray]:
        if value is None:
            return None
        if isinstance(value, (bytes, bytearray, memoryview)):
            return np.frombuffer(bytes(value), dtype="<f4").astype(np.float32)
        return np.asarray(value, dtype=np.float32)

    def process_literal_param(self, value: Any, dialect: Dialect) -> str:
        array = self._as_array(value)
        if dialect.name == "postgresql":
            return "'[" + ",".join(repr(float(v)) for v in array) + "]'"
        return "X'" + array.tobytes().hex() + "'"

    @property
    def python_type(self) -> type:
        return np.ndarray
