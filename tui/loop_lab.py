"""The loop lab widget: a live event-loop lag meter and the four ways of querying, raced side by side.

Self-contained: mount `LoopLab(explorer)` (or `LoopLab(url_or_path)`) anywhere. The measuring and the
database work live in `sqla_explore.queries.loadlab`; this module only draws and starts workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from sqla_explore.queries.loadlab.bench_report import ordering_verdict
from sqla_explore.queries.loadlab.lab import BLOCK_BUDGET_S, run_mode
from sqla_explore.queries.loadlab.labdb import LabDatabase
from sqla_explore.queries.loadlab.lagprobe import LagProbe
from sqla_explore.queries.loadlab.modes import LAB_POOL, MODES, Mode
from sqla_explore.queries.loadlab.stats import ModeStats

from .lag_chart import LagChart

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
DELAYS_MS = (0, 1, 2, 5, 10, 20, 50)
CLIENT_STEPS = (1, 5, 10, 20, 50, 100, 200, 500)
REQUESTS_PER_CLIENT = 5
THREAD_MODES = (1, 3)  # the sync Session in worker threads
GIL_NOTE_MS = 50.0  # loop lag (p99) from which a threaded mode's bars explain where it came from
BAR = 22

WHY = (
    "Why the delay knob: a local database answers a primary-key lookup in well under a millisecond, so a "
    "blocked loop costs little and mode 2 can even win (no thread hops). Real databases take milliseconds "
    "(network, disk, locks). The delay adds that wait on the server (pg_sleep on PostgreSQL, a sleeping SQL "
    "function on SQLite): a blocked loop then waits N x delay in a row, while threads and AsyncSession "
    "overlap the waits. Watch the spinner: it stops while the loop is blocked."
)


def _bar(value: float, top: float, style: str) -> Text:
    eighths = round(value / top * BAR * 8) if top > 0 else 0
    full, part = divmod(min(eighths, BAR * 8), 8)
    body = "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[part]
    return Text(body.ljust(BAR), style=style)


class LoopLab(Vertical):
    """Lag meter, mode buttons (keys 1-4, a = all), N (-/+), delay ([/]) and a growing chart per mode."""

    DEFAULT_CSS = (Path(__file__).with_name("loop_lab.tcss")).read_text(encoding="utf-8")
    BINDINGS = [
        ("1", "run(1)", "mode 1"),
        ("2", "run(2)", "mode 2"),
        ("3", "run(3)", "mode 3"),
        ("4", "run(4)", "mode 4"),
        ("a", "run_all", "all modes"),
        ("minus", "clients(-1)", "fewer clients"),
        ("plus,equals_sign", "clients(1)", "more clients"),
        ("left_square_bracket", "delay(-1)", "less delay"),
        ("right_square_bracket", "delay(1)", "more delay"),
    ]

    def __init__(self, source: Any, *, clients: int = 100, delay_ms: float = 5.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        engine = getattr(source, "engine", None)
        self._target = engine.url if engine is not None else str(source)
        self.clients = clients
        self.delay_ms = delay_ms
        self.probe = LagProbe()
        self.results: dict[int, ModeStats] = {}
        self.running_mode: int | None = None
        self._db: LabDatabase | None = None
        self._frame = 0
        self._warmed = 0

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="lab-lag-row"):
            yield Static(SPINNER[0], id="lab-spinner")
            yield Static(id="lab-lag-text")
            yield LagChart(id="lab-lag-spark")
        with Horizontal(id="lab-controls"):
            for mode in MODES:
                yield Button(f"{mode.number} {mode.short}", id=f"lab-run-{mode.number}", compact=True)
            yield Button("a all", id="lab-run-all", compact=True, variant="primary")
            yield Button("N-", id="lab-clients--1", compact=True)
            yield Button("N+", id="lab-clients-1", compact=True)
            yield Button("delay-", id="lab-delay--1", compact=True)
            yield Button("delay+", id="lab-delay-1", compact=True)
        yield Static(id="lab-settings")
        yield Static(Text(WHY), id="lab-why")
        yield Static("", id="lab-status")
        with VerticalScroll(id="lab-modes"):
            for mode in MODES:
                with Horizontal(classes="lab-mode", id=f"lab-mode-{mode.number}"):
                    yield Static(self._code(mode), classes="lab-code")
                    yield Static(self._bars(mode), classes="lab-bars", id=f"lab-bars-{mode.number}")

    def _code(self, mode: Mode) -> Any:
        title = Text(f"{mode.number}. {mode.title}\n", style="bold")
        return Text.assemble(title, Syntax(mode.code, "python", theme="ansi_dark").highlight(mode.code))

    def on_mount(self) -> None:
        self.probe.start()
        self._ticker = self.set_interval(0.1, self._tick)
        self._show_settings()

    # While the tab is hidden and nothing runs, the meter stops: an idle app should not probe and redraw it
    # ten times a second (hidden, it kept ~6% of a core busy here: benchmarks/idle_cpu.sh).
    def on_show(self) -> None:
        self.probe.start()
        self._ticker.resume()

    async def on_hide(self) -> None:
        if self.running_mode is None:
            await self._pause_meter()

    async def _pause_meter(self) -> None:
        self._ticker.pause()
        await self.probe.stop()

    @property
    def meter_running(self) -> bool:
        return self.probe.running

    async def on_unmount(self) -> None:
        await self.probe.stop()
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()

    # -- live meter -------------------------------------------------------------------------------
    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(SPINNER)
        # Both have a fixed size: redraw them without a layout pass of the screen.
        self.query_one("#lab-spinner", Static).update(SPINNER[self._frame], layout=False)
        p = self.probe
        self.query_one("#lab-lag-text", Static).update(
            Text.assemble(
                ("loop lag ", "bold"),
                f"now {p.current:6.1f}  p99 {p.p99:6.1f}  max {p.max:7.1f} ms",
            ),
            layout=False,
        )
        self.query_one("#lab-lag-spark", LagChart).show(p.history)

    def _show_settings(self) -> None:
        total = self.clients * REQUESTS_PER_CLIENT
        self.query_one("#lab-settings", Static).update(
            Text(f"N = {self.clients} concurrent clients (-/+), {total} requests · delay {self.delay_ms:g} ms ([/])")
        )

    # -- results ----------------------------------------------------------------------------------
    def _bars(self, mode: Mode) -> Text:
        stats = self.results.get(mode.number)
        if stats is None:
            return Text(f"press {mode.number} to run", style="dim")
        everyone = list(self.results.values())
        top_rps = max(s.rps for s in everyone)
        top_ms = max(max(s.p99_ms for s in everyone), 1e-9)
        top_lag = max(max(s.lag_max_ms for s in everyone), 1e-9)
        lines = [
            ("req/s  ", _bar(stats.rps, top_rps, "green"), f" {stats.rps:8,.0f}"),
            ("p50    ", _bar(stats.p50_ms, top_ms, "cyan"), f" {stats.p50_ms:8.1f} ms"),
            ("p99    ", _bar(stats.p99_ms, top_ms, "blue"), f" {stats.p99_ms:8.1f} ms"),
            ("lag p99", _bar(stats.lag_p99_ms, top_lag, "magenta"), f" {stats.lag_p99_ms:8.1f} ms"),
            ("lag max", _bar(stats.lag_max_ms, top_lag, "red"), f" {stats.lag_max_ms:8.1f} ms"),
        ]
        text = Text()
        for label, bar, figure in lines:
            text.append(label + " ")
            text.append_text(bar)
            text.append(figure + "\n")
        state = "done" if stats.finished else "running"
        text.append(f"{stats.done} done, {stats.errors} errors, {stats.wall_s:.2f} s, {state}", style="dim")
        if stats.note:
            text.append(f"\n{stats.note}", style="yellow")
        elif stats.finished and mode.number in THREAD_MODES and stats.lag_p99_ms >= GIL_NOTE_MS:
            text.append("\nlate loop, yet nothing blocked it: the threads run Python too and take turns with "
                        "the loop on the GIL", style="dim")
        return text

    def _redraw_bars(self) -> None:
        for mode in MODES:
            self.query_one(f"#lab-bars-{mode.number}", Static).update(self._bars(mode))

    def _progress(self, number: int, stats: ModeStats) -> None:
        self.results[number] = stats
        self._redraw_bars()

    # -- actions ----------------------------------------------------------------------------------
    def action_run(self, number: int) -> None:
        self._start([number])

    def action_run_all(self) -> None:
        self._start([m.number for m in MODES])

    def action_clients(self, step: int) -> None:
        steps = CLIENT_STEPS
        index = min(range(len(steps)), key=lambda i: abs(steps[i] - self.clients))
        self.clients = steps[max(0, min(len(steps) - 1, index + step))]
        self._show_settings()

    def action_delay(self, step: int) -> None:
        index = min(range(len(DELAYS_MS)), key=lambda i: abs(DELAYS_MS[i] - self.delay_ms))
        self.delay_ms = DELAYS_MS[max(0, min(len(DELAYS_MS) - 1, index + step))]
        if self._db is not None:
            self._db.delay_ms = self.delay_ms
        self._show_settings()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id == "lab-run-all":
            self.action_run_all()
        elif button_id.startswith("lab-run-"):
            self.action_run(int(button_id.rsplit("-", 1)[1]))
        elif button_id.startswith("lab-clients-"):
            self.action_clients(int(button_id.removeprefix("lab-clients-")))
        elif button_id.startswith("lab-delay-"):
            self.action_delay(int(button_id.removeprefix("lab-delay-")))

    def _start(self, numbers: list[int]) -> None:
        if self.running_mode is not None:
            self._status("a run is in progress; wait for it to finish")
            return
        self._run(numbers)

    def _status(self, message: str) -> None:
        self.query_one("#lab-status", Static).update(Text(message))

    @work(exclusive=True, group="loop-lab", exit_on_error=False)
    async def _run(self, numbers: list[int]) -> None:
        if self._db is None:
            self._status("opening the lab's connections...")
            self._db = await LabDatabase.open(self._target, pool_size=LAB_POOL, delay_ms=self.delay_ms)
        if self._warmed < min(self.clients, LAB_POOL):
            self._status("opening the lab's connections...")
            await self._db.warm(self.clients)
            self._warmed = min(self.clients, LAB_POOL)
        self._db.delay_ms = self.delay_ms
        notes = "; ".join(self._db.notes)
        for number in numbers:
            mode = next(m for m in MODES if m.number == number)
            self.results.pop(number, None)
            self.running_mode = number
            row = self.query_one(f"#lab-mode-{number}")
            row.add_class("running")
            hint = f" (the screen freezes up to {BLOCK_BUDGET_S:g} s: that is the lesson)" if mode.blocks_loop else ""
            self._status(f"running mode {number} on {self._db.backend_label}{hint} {notes}")
            try:
                await run_mode(
                    self._db,
                    mode,
                    requests=self.clients * REQUESTS_PER_CLIENT,
                    concurrency=self.clients,
                    probe=self.probe,
                    on_progress=lambda stats, n=number: self._progress(n, stats),
                )
            finally:
                row.remove_class("running")
                self.running_mode = None
        if not self.is_on_screen:  # the tab was left during the run
            await self._pause_meter()
        verdict = ""
        if len(self.results) == len(MODES):
            verdict = ordering_verdict([(m, self.results[m.number]) for m in MODES])
        self._status(f"done on {self._db.backend_label}. {verdict} {notes}".strip())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "loop-lab":
            return
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self._status(f"the lab stopped: {type(error).__name__}: {error}")
            self.running_mode = None
