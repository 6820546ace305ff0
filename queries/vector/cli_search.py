"""`sqla-explore search DATABASE "text"`: the pane's vector search without the UI (text or JSON)."""

from __future__ import annotations

import asyncio
import json
import sys

from rich.console import Console
from rich.table import Table

from ..connect import create_engine_for, resolve_target
from ..errors import ConnectError, ExploreError
from . import sqlite_funcs
from .search import SearchResult, VectorSearchError, describe_plan, search

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


async def search_once(database: str, text: str, *, k: int = 5, metric: str = "cosine", exact: bool = False) -> SearchResult:
    """Open the database read-only, run one search (with recall@k on PostgreSQL's index), close."""
    target = resolve_target(database, read_only=True)
    engine = create_engine_for(target, read_only=True, **sqlite_funcs.engine_options(target.url))
    try:
        return await search(engine, text_query=text, k=k, metric=metric, exact=exact, with_recall=not exact)
    except OSError as exc:
        raise ConnectError(f"cannot connect to {target.display}: {exc}") from None
    finally:
        await engine.dispose()


def print_result(result: SearchResult, console: Console) -> None:
    table = Table(title=f"{len(result.hits)} nearest by {result.metric} distance", title_justify="left")
    table.add_column("id", justify="right")
    table.add_column("distance", justify="right")
    table.add_column("topic")
    table.add_column("title")
    for hit in result.hits:
        table.add_row(str(hit.id), f"{hit.distance:.4f}", hit.topic, hit.title)
    console.print(table)
    console.print(f"[bold]embedder:[/] {_escape(str(result.embedder))}", highlight=False)
    console.print(f"[bold]backend:[/] {_escape(str(result.backend))}", highlight=False)
    console.print("[bold]path:[/] " + _escape(result.path), highlight=False)
    console.print(f"[bold]plan:[/] {_escape(describe_plan(result))}", highlight=False)
    console.print(f"[bold]query:[/] {result.query_ms:.2f} ms (embedding {result.embed_ms:.2f} ms)", highlight=False)
    console.print("[bold]statement:[/]")
    console.print(result.statement, highlight=False, markup=False)
    console.print("[bold]as a cell:[/]")
    console.print(result.cell_source, highlight=False, markup=False)


def run_search_command(
    database: str, text: str, k: int = 5, metric: str = "cosine", exact: bool = False, as_json: bool = False
) -> int:
    """Exit codes: 0 results printed, 1 the search failed, 2 bad input (database, text, k, metric)."""
    err = Console(stderr=True)
    try:
        result = asyncio.run(search_once(database, text, k=k, metric=metric, exact=exact))
    except (ExploreError, VectorSearchError) as exc:
        err.print("[bold red]error:[/] " + _escape(str(exc)), highlight=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("[yellow]cancelled[/]")
        return EXIT_FAILED
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), indent=2) + "\n")
    else:
        print_result(result, Console())
    return EXIT_OK


def _escape(message: str) -> str:
    from rich.markup import escape

    return escape(message)
