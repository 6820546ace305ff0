"""`sqla-explore sample TARGET [--events N] [--force]`: build the sample with a Rich progress bar and a summary.

The click wiring lives in sqla_explore/cli.py; this module holds the logic and returns the exit code.
"""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from .build import BuildSummary, build_sample
from .target import SampleError

__all__ = ["run_sample_command", "print_summary"]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_STAGE_LABELS = {
    "users": "users",
    "posts": "posts",
    "comments": "comments",
    "documents": "documents (embedding)",
    "events": "events",
    "foreign keys": "foreign keys",
    "indexes": "indexes",
}


class _ProgressBars:
    """Adapts build_sample's progress(stage, done, total) calls to one Rich bar per stage."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.started = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total <= 0:
            return
        if not self.started:  # started on first use, so an early error prints no empty bar
            self.progress.start()
            self.started = True
        task = self.tasks.get(stage)
        if task is None:
            task = self.progress.add_task(_STAGE_LABELS.get(stage, stage), total=total)
            self.tasks[stage] = task
        self.progress.update(task, completed=done, total=total)

    def stop(self) -> None:
        if self.started:
            self.progress.stop()
            self.started = False


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def print_summary(summary: BuildSummary, console: Console) -> None:
    """The tables and row counts, where the sample went, and how long it took."""
    table = Table(title=f"Sample database ({summary.backend})", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in summary.counts.items():
        table.add_row(name, f"{count:,}")
    table.add_row("[b]total[/b]", f"[b]{sum(summary.counts.values()):,}[/b]")
    console.print(table)
    verb = "Replaced" if summary.replaced else "Built"
    console.print(f"{verb} [b]{summary.target}[/b] in {summary.seconds:.1f} s "
                  f"(embeddings: {summary.embedder}).", highlight=False, soft_wrap=True)
    console.print(f"Try: sqla-explore run {_shell_quote(summary.target)} "
                  "\"select(User).where(User.email == 'ada@example.com')\"", highlight=False, soft_wrap=True)


def _shell_quote(text: str) -> str:
    if all(ch.isalnum() or ch in "/._-+:@" for ch in text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


def run_sample_command(target: str, events: int = 0, force: bool = False, *,
                       console: Console | None = None, error_console: Console | None = None) -> int:
    """Build the sample at `target`, showing progress; return the exit code (0 ok, 2 usage/target error)."""
    out = console or Console()
    err = error_console or Console(stderr=True)
    bars = _ProgressBars(_progress(err))
    try:
        summary = asyncio.run(build_sample(target, events=events, force=force, progress=bars))
    except SampleError as exc:
        bars.stop()
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        bars.stop()
        err.print("[yellow]interrupted:[/yellow] nothing was written", highlight=False)
        return EXIT_INTERRUPTED
    finally:
        bars.stop()
    print_summary(summary, out)
    return EXIT_OK
