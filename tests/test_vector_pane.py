"""Pilot tests of VectorPane mounted alone in a minimal App, on real sample databases."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button, Input, ListView, Static, Switch

from sqla_explore.queries.explorer import Explorer
from sqla_explore.tui.vector_pane import ResultItem, VectorPane, distance_bar

from vector_helpers import KNOWN_QUERIES


class PaneApp(App):
    """Opens the Explorer on its own loop, then mounts the pane; records OpenStatement messages."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target
        self.explorer = None
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        return []

    async def on_mount(self) -> None:
        self.explorer = await Explorer.open(self.target)
        await self.mount(VectorPane(self.explorer, id="vector"))

    async def on_unmount(self) -> None:
        if self.explorer is not None:
            await self.explorer.close()

    def on_vector_pane_open_statement(self, message: VectorPane.OpenStatement) -> None:
        self.opened.append(message.cell_source)


async def wait_until(pilot, predicate, tries: int = 300) -> None:
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


def status(pane: VectorPane) -> str:
    return str(pane.query_one("#vector-status", Static).render())


async def test_search_select_more_like_this_and_open(sample_url):
    app = PaneApp(str(sample_url))
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_until(pilot, lambda: bool(app.query(VectorPane)) and app.query_one(VectorPane).searcher.info)
        pane = app.query_one(VectorPane)
        backend = str(pane.query_one("#vector-backend", Static).render())
        assert "wordllama-l2-256" in backend
        assert ("pgvector" in backend) if "://" in str(sample_url) else ("SQLite" in backend)
        # Both samples have an approximate index (HNSW; vec0 sign bits) and so an exact toggle.
        assert not pane.query_one("#vector-exact", Switch).disabled

        pane.query_one("#vector-query", Input).value = KNOWN_QUERIES["sailing"]
        await pilot.click("#vector-search")
        await wait_until(pilot, lambda: pane.result is not None and len(pane.query(ResultItem)) == 5)
        assert [h.topic for h in pane.result.hits].count("sailing") >= 4
        assert "5 results by cosine distance" in status(pane)
        assert pane.result.embed_ms > 0

        results = pane.query_one("#vector-results", ListView)
        results.focus()
        results.index = 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: pane.selected is not None)
        second = pane.result.hits[1]
        assert pane.selected.id == second.id
        assert second.title in str(pane.query_one("#vector-doc", Static).render())

        previous = pane.result
        await pilot.click("#vector-more")
        await wait_until(pilot, lambda: pane.result is not previous)
        assert second.id not in [h.id for h in pane.result.hits]
        assert f"Document.id == {second.id}" in pane.result.cell_source

        await pilot.click("#vector-open")
        await pilot.pause()
        assert app.opened == [pane.result.cell_source]
        report = await app.explorer.run(app.opened[0])
        assert report.ok, report.error


async def test_bad_k_and_empty_text_are_reported(sqlite_sample):
    app = PaneApp(str(sqlite_sample))
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_until(pilot, lambda: bool(app.query(VectorPane)) and app.query_one(VectorPane).searcher.info)
        pane = app.query_one(VectorPane)
        await pilot.click("#vector-search")
        await pilot.pause()
        assert "type some text" in status(pane)
        pane.query_one("#vector-query", Input).value = "garden"
        k_box = pane.query_one("#vector-k", Input)
        k_box.value = "0"
        k_box.focus()
        await pilot.press("enter")  # Enter in the k box searches too
        await pilot.pause()
        assert "k must be a whole number" in status(pane)
        assert pane.result is None


async def test_database_without_documents_says_so(tmp_path):
    import sqlite3

    path = tmp_path / "plain.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table things (id integer primary key)")
    app = PaneApp(str(path))
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_until(pilot, lambda: bool(app.query(VectorPane)) and "no documents" in status(app.query_one(VectorPane)))
        pane = app.query_one(VectorPane)
        assert "unavailable" in str(pane.query_one("#vector-backend", Static).render())
        assert pane.query_one("#vector-search", Button).disabled


def test_distance_bar_scales():
    assert distance_bar(1.0, 0.0, 1.0, width=10) == "█" * 10
    assert distance_bar(0.0, 0.0, 1.0, width=10) == " " * 10
    assert distance_bar(0.5, 0.0, 1.0, width=10).rstrip() == "█" * 5
    assert len(distance_bar(0.33, 0.0, 1.0, width=10)) == 10


@pytest.fixture(scope="module")
def vec_sample(tmp_path_factory):
    import asyncio

    from sqla_explore.sample_db.build import build_sample

    path = tmp_path_factory.mktemp("vecpane") / "sample.db"
    asyncio.run(build_sample(path, vec_table=True))
    return path


async def test_pane_says_which_sqlite_path_ran(vec_sample, tmp_path):
    import shutil

    from sqla_explore.sample_db.vec_table import VEC_TABLE, open_with_sqlite_vec

    old = tmp_path / "old.db"
    shutil.copy(vec_sample, old)
    conn = open_with_sqlite_vec(old)
    conn.execute(f"DROP TABLE {VEC_TABLE}")
    conn.commit()
    conn.close()
    cases = (
        (vec_sample, "vec0 KNN on documents_vec", ["vec0 binary KNN", "recall@5 against the exact KNN"],
         "vec0 KNN (exact)"),
        (old, "scan (no vec0 table", ["no vec0 KNN because no vec0 table"], None),
    )
    for path, backend_text, status_texts, exact_text in cases:
        app = PaneApp(str(path))
        async with app.run_test(size=(150, 40)) as pilot:
            await wait_until(pilot, lambda: bool(app.query(VectorPane)) and app.query_one(VectorPane).searcher.info)
            pane = app.query_one(VectorPane)
            assert backend_text in str(pane.query_one("#vector-backend", Static).render())
            switch = pane.query_one("#vector-exact", Switch)
            assert switch.disabled == (exact_text is None)
            pane.search_text(KNOWN_QUERIES["cooking"])
            await wait_until(pilot, lambda: pane.result is not None and len(pane.query(ResultItem)) == 5)
            for needle in status_texts:
                assert needle in status(pane)
            assert [h.topic for h in pane.result.hits].count("cooking") >= 4
            if exact_text is not None:
                previous = pane.result
                switch.value = True
                pane.search_text(KNOWN_QUERIES["cooking"])
                await wait_until(pilot, lambda: pane.result is not previous)
                assert exact_text in status(pane) and pane.result.recall is None
