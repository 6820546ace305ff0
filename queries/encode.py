"""The JSON contract of `sqla-explore run --json`: reports and cell values as plain JSON data."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Row
from sqlalchemy.orm import Mapper

from .report import Report, RowMappings, SqlStatement


def _entity_mapper(value: Any) -> Mapper | None:
    if isinstance(value, type):
        return None
    info = inspect(value, raiseerr=False)
    return getattr(info, "mapper", None) if info is not None and hasattr(info, "dict") else None


def encode_entity(obj: Any, path: frozenset[int]) -> dict[str, Any]:
    """Loaded attributes only (columns, then relationships); reading them never triggers a load."""
    state = inspect(obj)
    mapper = state.mapper
    out: dict[str, Any] = {"__entity__": type(obj).__name__}
    if id(obj) in path:  # a back-reference to an object already being encoded higher up
        out["__ref__"] = [encode_value(v) for v in (state.identity or ())]
        return out
    loaded = state.dict
    inner = path | {id(obj)}
    for attr in mapper.column_attrs:
        if attr.key in loaded:
            out[attr.key] = encode_value(loaded[attr.key], inner)
    for rel in mapper.relationships:
        if rel.key in loaded:
            out[rel.key] = encode_value(loaded[rel.key], inner)
    return out


def encode_value(value: Any, path: frozenset[int] = frozenset()) -> Any:
    """Encode one cell value: scalars as they are, rows as lists, entities as `{"__entity__": ...}`."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"__bytes__": len(value)}
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy arrays: vectors
        return [float(x) for x in value.tolist()] if getattr(value, "ndim", 1) == 1 else value.tolist()
    if hasattr(value, "to_list") and type(value).__module__.startswith("pgvector"):
        return [float(x) for x in value.to_list()]
    if isinstance(value, Row):
        return [encode_value(v, path) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode_value(v, path) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, RowMappings)):
        return [encode_value(v, path) for v in value]
    if _entity_mapper(value) is not None:
        return encode_entity(value, path)
    return {"__repr__": repr(value)}


def encode_statement(stmt: SqlStatement) -> dict[str, Any]:
    return {
        "statement": stmt.statement,
        "parameters": encode_value(stmt.parameters),
        "ms": round(stmt.ms, 3),
        "rowcount": stmt.rowcount,
    }


def report_to_json(report: Report) -> dict[str, Any]:
    """The stable `--json` object documented in the README."""
    plate = {}
    for name, entry in report.plate.items():
        if entry.ok:
            plate[name] = {"value": encode_value(entry.value)}
        else:
            plate[name] = {"error": {"type": entry.error.type, "message": entry.error.message}}
    chain = None
    if report.chain is not None:
        chain = {"expression": report.chain.expression}
        if report.chain.error is None:
            chain["value"] = encode_value(report.chain.value)
        else:
            chain["error"] = {"type": report.chain.error.type, "message": report.chain.error.message}
        chain["consumer"] = report.chain.consumer
    return {
        "input": report.input,
        "kind": report.kind,
        "sql": [encode_statement(s) for s in report.sql],
        "statement": report.statement,
        "result_class": report.result_class,
        "keys": list(report.keys),
        "returns_rows": report.returns_rows,
        "rows": [encode_value(list(row)) for row in report.rows],
        "scalars": [encode_value(v) for v in report.scalars],
        "plate": plate,
        "row_count": report.row_count,
        "truncated": report.truncated,
        "limit": report.limit,
        "rowcount": report.rowcount,
        "committed": report.committed,
        "commit_requested": report.commit_requested,
        "rolled_back": report.rolled_back,
        "value": encode_value(report.value),
        "chain": chain,
        "rosetta": report.rosetta,
        "notes": list(report.notes),
        "ms": round(report.ms, 3),
        "error": report.error.as_json() if report.error else None,
    }


def dumps(report: Report) -> str:
    return json.dumps(report_to_json(report), ensure_ascii=False, indent=2)
