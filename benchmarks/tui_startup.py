"""Start to first full paint of `sqla-explore DB`, as a user sees it: run it in tmux and poll the screen.

Usage: python benchmarks/tui_startup.py [--db PATH] [--runs 5] [--size 160x50]
Builds the sample in a temp dir when --db is not given. Needs tmux. Prints a Markdown table with the median
time to the first full paint (every pane drawn, "connecting…" allowed) and to "connected" (the schema tree
shows the tables), beside the floor (a one-widget Textual app) and two rungs below it, run in turns, and the
ratio to the floor. If harlequin is installed, it is measured the same way and the ratio printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POLL_S = 0.01


def _capture(session: str) -> str:
    out = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True)
    return out.stdout


def measure(command: list[str], painted, connected, size: tuple[int, int], env: dict, timeout: float = 60) -> tuple[float, float]:
    session = f"bench{os.getpid()}"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    shell = " ".join(f"{k}={v}" for k, v in env.items()) + " " + " ".join(command)
    started = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", str(size[0]), "-y", str(size[1]), shell], check=True)
    first = done = None
    try:
        while time.perf_counter() - started < timeout:
            screen = _capture(session)
            now = time.perf_counter() - started
            if first is None and painted(screen):
                first = now
            if first is not None and connected(screen):
                done = now
                break
            time.sleep(POLL_S)
    finally:
        subprocess.run(["tmux", "send-keys", "-t", session, "C-q"], capture_output=True)
        time.sleep(0.3)
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    if first is None or done is None:
        raise RuntimeError(f"the screen never showed the expected content:\n{_capture(session)}")
    return first, done


def ours_painted(screen: str) -> bool:
    return all(word in screen for word in ("Schema", "Cell", "SQL sent", "Tray", "Boxes", "Food", "Plate", "Help"))


def ours_connected(screen: str) -> bool:
    return "users → User" in screen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="160x50")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is needed: apt-get install tmux")
    size = tuple(int(x) for x in args.size.split("x"))
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="sqlx-start-")) / "sample.db"
        subprocess.run([sys.executable, "-m", "sqla_explore", "sample", str(db)], check=True, capture_output=True)
    env = {"SQLA_EXPLORE_HISTORY": str(Path(tempfile.mkdtemp()) / "h.json")}
    exe = shutil.which("sqla-explore") or f"{sys.executable} -m sqla_explore"
    words = "Schema Cell SQL sent Tray Boxes Food Plate Help users → User"
    # The floor: a one-widget Textual app in the same harness (Python start + Textual import + one frame),
    # and two rungs below it that split the floor: Python printing the words, and Python importing
    # textual.app first. The apps take turns run by run, so a change in the machine's load hits all alike.
    floor_dir = Path(tempfile.mkdtemp())
    floor_app = floor_dir / "hello.py"
    floor_app.write_text(
        "from textual.app import App\nfrom textual.widgets import Static\n"
        "class Hello(App):\n    BINDINGS = [('ctrl+q', 'quit', 'Quit')]\n"
        f"    def compose(self):\n        yield Static({words!r})\n"
        "Hello().run()\n"
    )
    bare = floor_dir / "bare.py"
    bare.write_text(f"import time\nprint({words!r}, flush=True)\ntime.sleep(30)\n")
    imports = floor_dir / "imports.py"
    imports.write_text(f"import time\nimport textual.app\nprint({words!r}, flush=True)\ntime.sleep(30)\n")
    apps = {
        "sqla-explore": [exe, str(db)],
        "hello-world Textual app (the floor)": [sys.executable, str(floor_app)],
        "python + import textual.app, print (no app)": [sys.executable, str(imports)],
        "python prints the words (no Textual)": [sys.executable, str(bare)],
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in apps}
    for _ in range(args.runs):
        for name, command in apps.items():
            connected = ours_connected if name == "sqla-explore" else ours_painted
            results[name].append(measure(command, ours_painted, connected, size, env))
    print(f"`sqla-explore {db.name}` in tmux {args.size}; {platform.node()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores (runs interleaved)\n")
    print("| app | first full paint (median) | connected (median) | runs (paint s / connected s) |")
    print("|---|---|---|---|")
    medians = {}
    for name, rows in results.items():
        medians[name] = statistics.median(r[0] for r in rows)
        if name == "sqla-explore":
            ready = statistics.median(r[1] for r in rows)
            print(f"| {name} | {medians[name]:.3f} s | {ready:.3f} s | {', '.join(f'{a:.2f}/{b:.2f}' for a, b in rows)} |")
        else:
            print(f"| {name} | {medians[name]:.3f} s | | {', '.join(f'{a:.2f}' for a, _ in rows)} |")
    paint = medians["sqla-explore"]
    floor = medians["hello-world Textual app (the floor)"]
    print(f"\nratio sqla-explore / floor (first paint): {paint / floor:.2f}x; "
          f"over the floor: {1000 * (paint - floor):.0f} ms; load average at the end {os.getloadavg()[0]:.1f}")
    harlequin = shutil.which("harlequin")
    if harlequin:
        theirs = [
            measure([harlequin, str(db)], lambda s: "Data Catalog" in s or "Query Editor" in s,
                    lambda s: "users" in s, size, env)
            for _ in range(args.runs)
        ]
        their_paint = statistics.median(r[0] for r in theirs)
        print(f"| harlequin | {their_paint:.3f} s | {statistics.median(r[1] for r in theirs):.3f} s | |")
        print(f"\nratio harlequin / sqla-explore (first paint): {their_paint / paint:.1f}x")
    else:
        print("\nharlequin is not installed: not measured here (its figure from ../shared/README.md: 1.1 s to first paint).")


if __name__ == "__main__":
    main()
