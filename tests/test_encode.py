"""The `--json` contract: entities (loaded vs not loaded), rows, and each value type."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

import numpy as np

from engine_helpers import run_cell
from sqla_explore.queries.encode import encode_value, report_to_json


def test_scalar_types():
    assert encode_value(None) is None
    assert encode_value(3) == 3 and encode_value("x") == "x" and encode_value(True) is True
    assert encode_value(1.5) == 1.5 and encode_value(float("nan")) == "nan"
    assert encode_value(decimal.Decimal("1.10")) == "1.10"
    assert encode_value(dt.datetime(2025, 4, 12, 8, 30)) == "2025-04-12T08:30:00"
    assert encode_value(dt.date(2025, 4, 12)) == "2025-04-12"
    assert encode_value(dt.time(8, 30)) == "08:30:00"
    assert encode_value(b"\x00\x01\x02") == {"__bytes__": 3}
    assert encode_value(memoryview(b"abcd")) == {"__bytes__": 4}
    assert encode_value(np.array([0.5, 1.0], dtype=np.float32)) == [0.5, 1.0]
    u = uuid.uuid4()
    assert encode_value(u) == str(u)
    assert encode_value((1, "a")) == [1, "a"]
    assert encode_value({"k": dt.date(2020, 1, 1)}) == {"k": "2020-01-01"}
    assert encode_value(object())["__repr__"].startswith("<object")


async def test_entity_holds_loaded_attributes_only(sample_url):
    report = await run_cell(sample_url, "select(User).options(load_only(User.id, User.email)).where(User.id == 1)")
    entity = report_to_json(report)["scalars"][0]
    assert entity == {"__entity__": "User", "id": 1, "email": "ada@example.com"}


async def test_loaded_relationships_nest(sample_url):
    report = await run_cell(sample_url, "select(User).options(selectinload(User.posts)).where(User.id == 1)")
    data = report_to_json(report)
    user = data["scalars"][0]
    assert user["__entity__"] == "User" and user["name"] == "Ada Lovelace"
    assert isinstance(user["created_at"], str) and "T" in user["created_at"]
    assert [p["__entity__"] for p in user["posts"]] == ["Post"] * 3
    assert all("comments" not in p for p in user["posts"])  # never loaded, so absent
    assert data["rows"][0][0]["__entity__"] == "User"
    json.dumps(data)  # fully serialisable


async def test_back_references_do_not_loop(sample_url):
    report = await run_cell(
        sample_url, "select(Post).options(joinedload(Post.user).selectinload(User.posts)).where(Post.id == 1)"
    )
    post = report_to_json(report)["scalars"][0]
    inner = [p for p in post["user"]["posts"] if p.get("id") == 1 or "__ref__" in p]
    assert inner and inner[0].get("__ref__") == [1]


async def test_report_json_shape(sqlite_sample):
    report = await run_cell(str(sqlite_sample), "select(User.id).where(User.id < 3)")
    data = report_to_json(report)
    for key in ("input", "kind", "sql", "result_class", "keys", "rows", "scalars", "plate", "truncated",
                "committed", "error"):
        assert key in data
    assert data["plate"]["first()"] == {"value": [1]}
    assert data["plate"]["one()"]["error"]["type"] == "MultipleResultsFound"
    assert set(data["sql"][0]) == {"statement", "parameters", "ms", "rowcount"}
    assert data["error"] is None


async def test_vectors_are_lists_of_floats(sample_url):
    report = await run_cell(sample_url, "select(Document.embedding).where(Document.id == 1)")
    vector = report_to_json(report)["rows"][0][0]
    assert isinstance(vector, list) and len(vector) == 256 and all(isinstance(x, float) for x in vector)
