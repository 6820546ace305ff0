"""The `sqla-explore` command: open the explorer, or run / sample / search / bench headless."""

from __future__ import annotations

import os
import sys

import click

from . import __version__

DEFAULT_COMMAND = "open"


class _DefaultToOpen(click.Group):
    """`sqla-explore sample.db` means `sqla-explore open sample.db`."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToOpen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sqla-explore")
def main() -> None:
    """A terminal explorer of async SQLAlchemy results: the SQL, the tray (Result), the boxes (Rows),
    the food (.scalars()) and the plate (.first(), .all(), .one(), ...).

    `sqla-explore [DATABASE]` opens the explorer (default: the built-in sample).
    """


@main.command("open")
@click.argument("database", required=False)
@click.option("--models", metavar="PATH_OR_MODULE", help="Your own models module (.py path or dotted name).")
@click.option("--read-only", is_flag=True, help="Refuse DML and DDL.")
@click.option("--embedded-postgres", is_flag=True, help="Start a private PostgreSQL + pgvector with the sample.")
def open_command(database, models, read_only, embedded_postgres):
    """Open the explorer on DATABASE (a SQLite file or an async URL; default $DATABASE_URL or the sample)."""
    from .launch import open_explorer

    sys.exit(open_explorer(database, models=models, read_only=read_only, embedded_postgres=embedded_postgres))


@main.command("run")
@click.argument("database")
@click.argument("cell")
@click.option("--models", metavar="PATH_OR_MODULE", help="Your own models module (.py path or dotted name).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (see the README for its contract).")
@click.option("--commit", is_flag=True, help="Commit DML instead of rolling it back.")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(min=1), help="Rows kept per layer.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Stop the run after this many seconds.")
def run_command(database, cell, models, as_json, commit, limit, timeout):
    """Run CELL on DATABASE and print every layer. CELL may be `-` (stdin) or @file.py."""
    from sqla_explore.queries.cli_run import run_run_command

    if cell == "-":
        cell = sys.stdin.read()
    elif cell.startswith("@"):
        try:
            with open(cell[1:], encoding="utf-8") as fh:
                cell = fh.read()
        except OSError as exc:
            raise click.UsageError(f"cannot read the cell file: {exc}") from None
    sys.exit(
        run_run_command(database, cell, models=models, as_json=as_json, commit=commit, limit=limit, timeout=timeout)
    )


@main.command("sample")
@click.argument("target")
@click.option("--events", default=0, show_default=True, type=click.IntRange(min=0), help="Rows in the events table.")
@click.option("--force", is_flag=True, help="Overwrite an existing file or non-empty database.")
def sample_command(target, events, force):
    """Build the sample database at TARGET (a file path or a PostgreSQL URL)."""
    from sqla_explore.sample_db.cli_sample import run_sample_command

    sys.exit(run_sample_command(target, events, force))


@main.command("search")
@click.argument("database")
@click.argument("text")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(min=1, max=1000), help="How many results.")
@click.option("--metric", type=click.Choice(["cosine", "l2", "ip"]), default="cosine", show_default=True)
@click.option("--exact", is_flag=True, help="Exact scan instead of the HNSW index (PostgreSQL).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def search_command(database, text, k, metric, exact, as_json):
    """Vector search over the sample's documents (pgvector or sqlite-vec)."""
    from sqla_explore.queries.vector.cli_search import run_search_command

    sys.exit(run_search_command(database, text, k=k, metric=metric, exact=exact, as_json=as_json))


@main.command("bench")
@click.argument("database", required=False)
@click.option("--requests", "requests_", default=1000, show_default=True, type=click.IntRange(min=1))
@click.option("--concurrency", default=100, show_default=True, type=click.IntRange(min=1))
@click.option("--delay-ms", default=5.0, show_default=True, type=click.FloatRange(min=0), help="Server-side delay per query.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--embedded-postgres", is_flag=True, help="Run against a private PostgreSQL + pgvector with the sample.")
def bench_command(database, requests_, concurrency, delay_ms, as_json, embedded_postgres):
    """Sync vs async under load, through a real HTTP stack (FastAPI + uvicorn; needs sqla-explore[bench])."""
    from sqla_explore.queries.loadlab.cli_bench import run_bench_command

    sys.exit(run_bench_command(database, requests_, concurrency, delay_ms, as_json, embedded_postgres))


def database_or_env(database: str | None) -> str | None:
    return database or os.environ.get("DATABASE_URL")
