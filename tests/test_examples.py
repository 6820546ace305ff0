"""Every example of the library runs on the SQLite sample and on PostgreSQL with its documented outcome."""

from __future__ import annotations

import json

import pytest

from sqla_explore.queries.examples import BY_NAME, EXAMPLES, outcome_of
from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.rosetta.compare import rosetta_run

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")



def test_examples_are_complete():
    assert len(BY_NAME) == len(EXAMPLES)
    for example in EXAMPLES:
        assert example.name and example.explanation and "\n" not in example.explanation
        assert compile(example.source, "<example>", "exec", flags=0x2000)  # top-level await allowed
        assert (example.legacy_outcome is not None) == example.legacy, example.name
    crud = [e for e in EXAMPLES if e.name.startswith("CRUD:")]
    assert len(crud) == 5 and all(e.legacy for e in crud)


@pytest.mark.parametrize("name", list(BY_NAME))
async def test_example_outcome(explorer, name):
    example = BY_NAME[name]
    expected = example.expected(explorer.dialect_name)
    if example.legacy:
        out = await rosetta_run(explorer, example.source)
        report = out.report
        legacy = out.legacy.error.type if out.legacy.error else outcome_of(out.legacy.value)
        assert legacy == example.legacy_outcome, out.rosetta
        assert out.rosetta["same_result"] is (example.legacy_outcome == example.outcome)
        assert json.loads(json.dumps(out.rosetta))["legacy"] == example.source  # the --json object
    else:
        report = await explorer.run(example.source)
    got = report.error.type if report.error else outcome_of(report.value)
    assert got == expected, (report.error, report.value)
    assert not report.committed


async def test_pgvector_top5_nearest_is_itself_first(sample_url):
    """The article's `l2_distance(Document.embedding, q)` runs on both backends, each with its own SQL."""
    ex = await Explorer.open(sample_url)
    try:
        report = await ex.run(BY_NAME["pgvector: l2_distance top 5"].source)
    finally:
        await ex.close()
    assert report.ok, report.error
    assert len(report.value) == 5 and report.value[0].id == 1
    sql = report.sql[-1].statement
    assert ("<->" in sql) if ex.dialect_name == "postgresql" else ("vec_distance_l2(" in sql)
    if ex.dialect_name == "postgresql":  # the same five as pgvector's own function gives
        ex = await Explorer.open(sample_url)
        try:
            plain = await ex.run(BY_NAME["pgvector: l2_distance top 5"].source.replace("l2_distance(", "func.l2_distance("))
        finally:
            await ex.close()
        assert [d.id for d in plain.value] == [d.id for d in report.value]
