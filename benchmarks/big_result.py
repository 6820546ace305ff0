"""`select(Event)` over 1,000,000 rows in the explorer TUI (headless, the real app): time to first rows on screen,
peak RSS, and the longest event-loop stall while fetching and while jumping / paging to the end.

Usage: python benchmarks/big_result.py [--db PATH] [--events 1000000] [--cell "select(Event)"]
Builds the sample with that many events at PATH (default: a temp dir) if PATH does not exist. Each
measurement runs in a fresh process so peak RSS is the app's own. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class StallProbe:
    """A 5 ms ticker on the app's loop; remembers the longest gap beyond the tick (a stall)."""

    def __init__(self) -> None:
        self.worst_ms = 0.0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.worst_ms = max(self.worst_ms, (now - last - 0.005) * 1000)
            last = now

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def reset(self) -> float:
        worst, self.worst_ms = self.worst_ms, 0.0
        return worst


async def _wait(pilot, condition, seconds: float = 120.0) -> None:
    deadline = time.perf_counter() + seconds
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("gave up waiting")
        await pilot.pause(0.002)


async def measure(db: str, cell: str) -> dict:
    from sqla_explore.tui.app import ExplorerApp
    from sqla_explore.tui.boxes_view import BoxesView

    seen: dict = {}
    original = BoxesView.render_line

    def render_line(self, y):  # note the first time a data row is drawn: rows are on screen then
        strip = original(self, y)
        if y == 1 and self.source is not None and self.source.row(self.scroll_offset.y) is not None:
            seen.setdefault("first_row_drawn", time.perf_counter())
        return strip

    BoxesView.render_line = render_line
    app = ExplorerApp(db, history_path=Path(tempfile.mkdtemp()) / "h.json", first_cell=cell)
    out: dict = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await _wait(pilot, lambda: app.explorer is not None)
        await pilot.pause(0.2)
        probe = StallProbe()
        probe.start()
        await pilot.pause(0.1)
        probe.reset()
        boxes = app.query_one(BoxesView)
        started = time.perf_counter()
        await pilot.press("f5")
        await _wait(pilot, lambda: "first_row_drawn" in seen)
        out["first_rows_s"] = seen["first_row_drawn"] - started
        await _wait(pilot, lambda: boxes.source.total is not None)
        out["count_s"] = time.perf_counter() - started
        await pilot.pause(0.3)
        out["fetch_stall_ms"] = probe.reset()
        out["total_rows"] = boxes.source.total
        boxes.focus()  # moving focus restyles the panes (:focus-within borders): a one-off, measured apart
        await pilot.pause(0.3)
        out["focus_stall_ms"] = probe.reset()
        started = time.perf_counter()
        await pilot.press("end")
        last = boxes.source.total - 1
        await _wait(pilot, lambda: boxes.source.row(last) is not None)
        await pilot.pause(0)
        out["jump_end_s"] = time.perf_counter() - started
        out["last_row"] = boxes.source.row(last)[0][:60]
        for _ in range(20):  # page up through fetched and unfetched pages
            await pilot.press("pageup")
        await pilot.press("home")
        await _wait(pilot, lambda: boxes.source.row(0) is not None)
        for _ in range(30):
            await pilot.press("pagedown")
        await pilot.pause(0.5)
        out["scroll_stall_ms"] = probe.reset()
        out["rows_held"] = boxes.source.rows_held
        out["page_fetches"] = boxes.source.fetches
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _ensure_db(path: Path, events: int) -> None:
    if path.exists():
        return
    print(f"building the sample with {events:,} events at {path} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "sqla_explore", "sample", str(path), "--events", str(events)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--cell", default="select(Event)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the raw results as JSON too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(measure(str(args.db), args.cell))))
        return
    db = args.db or Path(tempfile.mkdtemp(prefix="sqlx-big-")) / "big.db"
    _ensure_db(db, args.events)
    results = []
    for _ in range(args.runs):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", "--db", str(db), "--cell", args.cell],
            capture_output=True, text=True, check=True,
        )
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"`{args.cell}` on {db.name}: {results[0]['total_rows']:,} rows; {platform.node()}, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    keys = ["first_rows_s", "count_s", "jump_end_s", "fetch_stall_ms", "focus_stall_ms", "scroll_stall_ms", "peak_rss_mib",
            "rows_held", "page_fetches"]
    print("| run | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for number, r in enumerate(results, 1):
        print(f"| {number} | " + " | ".join(f"{r[k]:.3f}" if isinstance(r[k], float) else str(r[k]) for k in keys) + " |")
    print(f"\nlast row: {results[0]['last_row']}; load average at the end: {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    if args.json:
        print(json.dumps(results))
    try:
        import harlequin  # noqa: F401
    except ImportError:
        print("harlequin is not installed: no side-by-side run (its figures from ../shared/README.md: 3.9 s to rows, "
              "677 MiB, UI frozen about 1.7 s).")


if __name__ == "__main__":
    main()
