"""Each pitfall reproduced for real on SQLite and PostgreSQL: the real exception, then the fixes working."""

from __future__ import annotations

import pytest

from sqla_explore.queries.pitfalls import BY_KEY, PITFALLS, editor_source, reproduce
from sqla_explore.queries.rosetta.blocking import MODES

pytestmark = pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")



def test_every_pitfall_is_explained():
    assert len({p.key for p in PITFALLS}) == len(PITFALLS)
    for p in PITFALLS:
        assert p.title and p.mistake.explanation and p.fixes
        assert all(fix.explanation for fix in p.fixes)


@pytest.mark.parametrize("key", [p.key for p in PITFALLS if p.key != "blocking-loop"])
async def test_pitfall_reproduces_and_fixes_work(explorer, key):
    repro = await reproduce(explorer, key)
    mistake = repro.mistake
    assert mistake.as_expected, (mistake.error_type, mistake.error_cause, mistake.error_message)
    for fix in repro.fixes:
        assert fix.as_expected, (fix.step.label, fix.error_type, fix.error_message)


async def test_await_query_on_async_session_is_attribute_error(explorer):
    m = (await reproduce(explorer, "await-query-async")).mistake
    assert (m.error_type, m.error_message) == ("AttributeError", "'AsyncSession' object has no attribute 'query'")
    assert m.sql == []  # it failed before any I/O
    assert "'Query' object has no attribute '__await__'" in BY_KEY["await-query-async"].mistake.explanation


async def test_await_query_on_sync_session_is_type_error(explorer):
    m = (await reproduce(explorer, "await-query-sync")).mistake
    assert (m.error_type, m.error_message) == ("TypeError", "object Query can't be used in 'await' expression")
    assert m.sql == []  # a bare Query has not run yet
    m = (await reproduce(explorer, "await-query-first-sync")).mistake
    assert (m.error_type, m.error_message) == ("TypeError", "object User can't be used in 'await' expression")
    assert len(m.sql) == 1 and m.sql[0].statement.lstrip().upper().startswith("SELECT")  # it already ran


async def test_lazy_load_and_the_sql_each_fix_costs(explorer):
    repro = await reproduce(explorer, "lazy-load")
    assert "MissingGreenlet" in (repro.mistake.error_type, repro.mistake.error_cause)  # wrapped on aiosqlite
    assert "greenlet_spawn has not been called" in repro.mistake.error_message
    by_label = {a.step.label: a for a in repro.fixes}
    assert len(by_label["selectinload"].sql) == 2  # the user, then posts WHERE user_id IN (...)
    assert " IN " in by_label["selectinload"].sql[1].statement.upper()
    assert len(by_label["joinedload + unique()"].sql) == 1
    assert "JOIN" in by_label["joinedload + unique()"].sql[0].statement.upper()
    assert len(by_label["awaitable_attrs"].sql) == 2
    for attempt in repro.fixes:
        assert [p.id for p in attempt.value] == [1, 2, 3]


async def test_result_consumed_twice(explorer):
    repro = await reproduce(explorer, "result-consumed-twice")
    assert repro.mistake.value == (3, 0)
    assert [f.value for f in repro.fixes] == [(3, 3), (3, 3)]
    closed = (await reproduce(explorer, "first-closes")).mistake
    assert (closed.error_type, closed.error_message) == ("ResourceClosedError", "This result object is closed.")


async def test_one_scalar_and_scalars(explorer):
    assert (await reproduce(explorer, "one-no-row")).mistake.error_type == "NoResultFound"
    assert (await reproduce(explorer, "one-many-rows")).mistake.error_type == "MultipleResultsFound"
    repro = await reproduce(explorer, "scalar-vs-scalar-one")
    assert repro.mistake.error_type == "MultipleResultsFound"
    assert [f.value for f in repro.fixes] == ["Ada Lovelace", "Ada Lovelace"]
    repro = await reproduce(explorer, "scalars-multi-entity")
    assert {type(v).__name__ for v in repro.mistake.value} == {"User"}  # the posts are gone
    assert len(repro.mistake.value) == 3
    assert [type(p).__name__ for _, p in repro.fixes[0].value] == ["Post"] * 3


async def test_expire_on_commit(explorer):
    repro = await reproduce(explorer, "expire-on-commit")
    assert "MissingGreenlet" in (repro.mistake.error_type, repro.mistake.error_cause)  # wrapped on aiosqlite
    assert [f.value for f in repro.fixes] == ["Ada Lovelace", "Ada Lovelace"]
    assert len(repro.fixes[0].sql) == 2  # refresh() reloads


async def test_blocking_loop_is_measured_three_ways(explorer):
    repro = await reproduce(explorer, "blocking-loop", blocking_seconds=0.05)
    assert [run.mode for run in repro.blocking] == list(MODES)
    for run in repro.blocking:
        assert run.wall_ms > 0 and run.max_lag_ms >= 0 and run.ticks >= 0


@pytest.mark.parametrize("key", [p.key for p in PITFALLS])
async def test_a_step_loaded_into_the_editor_gives_what_the_tab_showed(explorer, key):
    """"Load into editor" puts `editor_source(step)` in the editor, whose `db` is the explorer's AsyncSession:
    a step meant for a sync Session (or for expire_on_commit=False) must still fail or work as in the tab."""
    pitfall = BY_KEY[key]
    for step in (pitfall.mistake, *pitfall.fixes):
        if "awaitable_attrs" in step.source and not hasattr(explorer.namespace.get("User"), "awaitable_attrs"):
            continue
        report = await explorer.run(editor_source(step))
        error = report.error
        if step.expected_error:
            assert error is not None, (key, step.label)
            assert step.expected_error == error.type or step.expected_error in error.message, (key, step.label, error)
        else:
            assert error is None, (key, step.label, error)
        if step.session == "sync":
            assert report.rosetta is None  # sync code on purpose: not taken for legacy code to translate


async def test_the_editor_explains_a_lazy_load_and_an_awaited_query(explorer):
    lazy = await explorer.run("user = (await db.execute(select(User))).scalars().first()\nuser.posts")
    assert "MissingGreenlet" in (lazy.error.type + lazy.error.message) and "selectinload" in lazy.error.hint
    awaited = await explorer.run(editor_source(BY_KEY["await-query-sync"].mistake))
    assert awaited.error.type == "TypeError" and "await execute()" in awaited.error.hint
