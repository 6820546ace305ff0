"""`VectorPane`: vector search over the sample's documents (query, metric, k, results with distance bars).

Self-contained: give it an open `Explorer`; it does database work only through `queries.vector`.
Embedding runs in a thread worker, the search in an async worker of its own group ("vector").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, ListItem, ListView, Select, Static, Switch
from textual.worker import Worker, WorkerState, get_current_worker
from rich.markup import escape
from rich.text import Text

from ..queries.vector.search import Hit, SearchResult, describe_plan, missed_neighbours
from ..queries.vector.searcher import VectorSearcher
from ..queries.vector.statements import METRIC_LABELS, VectorSearchError

BAR_WIDTH = 20
BLOCKS = " ▏▎▍▌▋▊▉█"


def distance_bar(value: float, low: float, high: float, width: int = BAR_WIDTH) -> str:
    """A bar whose length is `value` on the axis [low, high] (eighths of a cell)."""
    span = high - low
    share = 1.0 if span <= 0 else min(1.0, max(0.0, (value - low) / span))
    eighths = round(share * width * 8)
    full, rest = divmod(eighths, 8)
    return ("█" * full + (BLOCKS[rest] if rest else "")).ljust(width)


class ResultItem(ListItem):
    """One hit: distance, bar, title."""

    def __init__(self, hit: Hit, low: float, high: float) -> None:
        super().__init__()
        self.hit = hit
        self._low, self._high = low, high

    def compose(self) -> ComposeResult:
        line = Text()
        line.append(f"{self.hit.distance:8.4f} ", style="bold")
        line.append(distance_bar(self.hit.distance, self._low, self._high), style="cyan")
        line.append(f"  #{self.hit.id} ", style="dim")
        line.append(self.hit.title)
        line.append(f"  [{self.hit.topic}]", style="italic dim")
        yield Label(line)


class VectorPane(Vertical):
    """The vector search pane. Posts `VectorPane.OpenStatement` when asked to open the statement in the layers view."""

    DEFAULT_CSS = (Path(__file__).with_name("vector_pane.tcss")).read_text(encoding="utf-8")
    BINDINGS = [("ctrl+o", "open_statement", "Open in layers"), ("f7", "more_like_this", "More like this")]

    @dataclass
    class OpenStatement(Message):
        """The user wants this cell (the vector search as a statement) in the layers view."""

        cell_source: str

    @dataclass
    class Searched(Message):
        """A search finished (also useful to tests): the result shown."""

        result: SearchResult

    def __init__(self, explorer, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.searcher = VectorSearcher(explorer)
        self.result: SearchResult | None = None
        self.selected: Hit | None = None
        self._request = 0  # results of older requests are dropped

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="vector-controls"):
            yield Input(placeholder="search the documents by meaning, e.g. stars seen through a telescope", id="vector-query")
            yield Select([(label, key) for key, label in METRIC_LABELS.items() if key != "l1"], value="cosine",
                         allow_blank=False, id="vector-metric")
            yield Label("k", classes="vector-caption")
            yield Input("5", type="integer", id="vector-k", max_length=3)
            yield Label("exact", classes="vector-caption")
            yield Switch(False, id="vector-exact")
            yield Button("Search", id="vector-search", variant="primary")
        yield Static("connecting…", id="vector-backend")
        with Horizontal(id="vector-body"):
            yield ListView(id="vector-results")
            with Vertical(id="vector-detail"):
                yield VerticalScroll(Static("select a result to read it", id="vector-doc"), id="vector-doc-scroll")
                yield Button("More like this", id="vector-more", disabled=True)
        yield Static("", id="vector-status")
        with Horizontal(id="vector-statement-row"):
            yield Static("", id="vector-statement")
            yield Button("Open in layers", id="vector-open", disabled=True)

    def on_mount(self) -> None:
        self._set_busy(True)
        self._prepare()

    # -- preparing --------------------------------------------------------------------------
    @work(exclusive=True, group="vector", exit_on_error=False)
    async def _prepare(self) -> None:
        await self.searcher.prepare()
        self._after_prepare()

    def _after_prepare(self) -> None:
        info = self.searcher.info
        metric = self.query_one("#vector-metric", Select)
        if info is not None and info.dialect == "postgresql":
            metric.set_options([(label, key) for key, label in METRIC_LABELS.items()])
            metric.value = "cosine"
        elif info is not None and info.vec_bits:
            self.query_one("#vector-exact", Switch).tooltip = (
                "off: candidates by Hamming distance on the sign bits, reranked by the exact cosine distance "
                "(approximate; recall shown); on: sqlite-vec's exact vec0 KNN")
        else:
            switch = self.query_one("#vector-exact", Switch)
            switch.value = True
            switch.disabled = True
            switch.tooltip = ("every search here is exact: vec0 KNN when the file has a documents_vec "
                              "table (cosine), else a scan of every document")
        self.query_one("#vector-backend", Static).update(
            f"backend: {self.searcher.backend_label}   embedder: {self.searcher.embedder_label}"
        )
        self._set_busy(False)
        if self.is_on_screen:  # standalone; as a hidden tab it must not steal the editor's focus
            self.query_one("#vector-query", Input).focus()

    def on_show(self) -> None:
        """Becoming visible (its tab chosen): the query box gets the keys."""
        if self.searcher is not None:
            self.query_one("#vector-query", Input).focus()

    # -- starting a search ------------------------------------------------------------------
    @on(Input.Submitted, "#vector-query")
    @on(Input.Submitted, "#vector-k")
    @on(Button.Pressed, "#vector-search")
    def _on_search_requested(self) -> None:
        self.search_text(self.query_one("#vector-query", Input).value)

    def _params(self) -> tuple[int, str, bool] | None:
        raw_k = self.query_one("#vector-k", Input).value.strip()
        try:
            k = int(raw_k)
        except ValueError:
            k = 0
        if not 1 <= k <= 100:
            self._status(f"[red]k must be a whole number from 1 to 100, not {escape(raw_k or 'empty')!s}[/]")
            return None
        metric = self.query_one("#vector-metric", Select).value
        info = self.searcher.info
        can_choose = self.searcher.dialect == "postgresql" or (info is not None and info.vec_bits)
        exact = self.query_one("#vector-exact", Switch).value and can_choose
        return k, str(metric), bool(exact)

    def search_text(self, text: str) -> None:
        """Embed `text` in a thread, then search (the public entry point; tests call it too)."""
        if self.searcher.info is None:
            self._status("[yellow]not ready yet[/]")
            return
        if not text.strip():
            self._status("[red]type some text to search for[/]")
            return
        params = self._params()
        if params is None:
            return
        self._request += 1
        self._status("embedding…")
        self._embed(text, self._request, *params)

    @work(thread=True, exclusive=True, group="vector-embed", exit_on_error=False)
    def _embed(self, text: str, request: int, k: int, metric: str, exact: bool) -> None:
        started = time.perf_counter()
        try:
            vector = self.searcher.embed(text)
        except VectorSearchError as exc:
            self.app.call_from_thread(self._status, f"[red]{escape(str(exc))}[/]")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._search, request, dict(
                text=text, vector=vector, k=k, metric=metric, exact=exact,
                embed_ms=(time.perf_counter() - started) * 1000))

    def action_more_like_this(self) -> None:
        if self.selected is None or self.searcher.info is None:
            return
        params = self._params()
        if params is None:
            return
        k, metric, exact = params
        self._request += 1
        self._status(f"documents like #{self.selected.id}…")
        self._search(self._request, dict(like_id=self.selected.id, k=k, metric=metric, exact=exact))

    @on(Button.Pressed, "#vector-more")
    def _on_more(self) -> None:
        self.action_more_like_this()

    @work(exclusive=True, group="vector", exit_on_error=False)
    async def _search(self, request: int, params: dict) -> None:
        self._status("searching…")
        result = await self.searcher.search(**params)
        if request == self._request:  # an older request finishing late is dropped
            self.show_result(result)
            self.post_message(self.Searched(result))

    # -- showing ----------------------------------------------------------------------------
    def show_result(self, result: SearchResult) -> None:
        self.result = result
        results = self.query_one("#vector-results", ListView)
        results.clear()
        if result.hits:
            distances = [h.distance for h in result.hits]
            low, high = min(0.0, min(distances)), max(distances)
            results.extend(ResultItem(hit, low, high) for hit in result.hits)
        shown = Text(result.cell_source)
        shown.append("\n" + result.statement, style="dim")
        self.query_one("#vector-statement", Static).update(shown)
        self.query_one("#vector-open", Button).disabled = False
        self._status(self._summary(result))

    def _summary(self, result: SearchResult) -> str:
        source = (f"like #{result.like_id} (its stored vector)" if result.like_id is not None
                  else f"embedding {result.embed_ms:.2f} ms")
        parts = [f"{len(result.hits)} results by {METRIC_LABELS.get(result.metric, result.metric)} distance",
                 f"query {result.query_ms:.1f} ms", source]
        plan = escape(describe_plan(result))
        missed = missed_neighbours(result)
        if missed:
            plan += f" [yellow](the index missed {', '.join('#' + str(i) for i in missed)})[/]"
        parts.append(plan)
        return " · ".join(parts)

    @on(ListView.Highlighted, "#vector-results")
    @on(ListView.Selected, "#vector-results")
    def _on_result(self, event) -> None:
        item = getattr(event, "item", None)
        if not isinstance(item, ResultItem):
            return
        self.selected = item.hit
        hit = item.hit
        doc = Text()
        doc.append(f"#{hit.id} {hit.title}\n", style="bold")
        doc.append(f"topic: {hit.topic} · distance {hit.distance:.4f}\n\n", style="dim")
        doc.append(hit.body)
        self.query_one("#vector-doc", Static).update(doc)
        self.query_one("#vector-more", Button).disabled = False

    def action_open_statement(self) -> None:
        if self.result is not None:
            self.post_message(self.OpenStatement(self.result.cell_source))

    @on(Button.Pressed, "#vector-open")
    def _on_open(self) -> None:
        self.action_open_statement()

    # -- errors and state -------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group not in ("vector", "vector-embed") or event.state != WorkerState.ERROR:
            return
        event.stop()
        error = event.worker.error
        if isinstance(error, VectorSearchError):
            message = str(error)
        else:
            message = f"{type(error).__name__}: {error}"
        self._status(f"[red]{escape(message)}[/]")
        if self.searcher.info is None:
            self.query_one("#vector-backend", Static).update("vector search unavailable")
            self._set_busy(True)
        else:
            self._set_busy(False)

    def _status(self, markup: str) -> None:
        self.query_one("#vector-status", Static).update(markup)

    def _set_busy(self, busy: bool) -> None:
        for selector in ("#vector-query", "#vector-search", "#vector-k", "#vector-metric"):
            self.query_one(selector).disabled = busy
