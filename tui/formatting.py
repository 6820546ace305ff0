"""Small text helpers shared by the panes: short reprs, timings that snapshots can hide, error lines."""

from __future__ import annotations

from typing import Any

from rich.text import Text


MAX_VALUE = 100


def short(value: Any, width: int = MAX_VALUE) -> str:
    try:
        shown = repr(value)
    except Exception as exc:
        shown = f"<repr failed: {type(exc).__name__}>"
    shown = shown.replace("\n", " ")
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def summary(value: Any, width: int = MAX_VALUE) -> str:
    """Like `short`, but a long list costs only the reprs that fit: `[a, b, … (1,000 items)]`."""
    from sqla_explore.queries.report import RowMappings  # loaded with the engine, after the first frame

    if isinstance(value, (list, tuple, RowMappings)) and len(value) > 3:
        parts: list[str] = []
        used = 0
        for item in value:
            piece = short(item, width)
            if used + len(piece) > width and parts:
                break
            parts.append(piece)
            used += len(piece) + 2
        rest = f", … ({len(value):,} items)" if len(parts) < len(value) else ""
        opener, closer = ("(", ")") if isinstance(value, tuple) else ("[", "]")
        return short_text(opener + ", ".join(parts) + rest + closer, width + 30)
    return short(value, width)


def short_text(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def ms(value: float | None, frozen: bool) -> str:
    """A duration for display; `frozen` (snapshot mode) hides the number so screenshots stay stable."""
    if value is None:
        return "-"
    if frozen:
        return "‹t› ms"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def error_text(error: Any) -> Text:
    """`Type: message (line L, column C)` in red, with the hint on the next line."""
    where = ""
    if getattr(error, "line", None):
        where = f" (line {error.line}, column {error.column})" if error.column else f" (line {error.line})"
    text = Text(f"{error.type}: {error.message}{where}", style="bold red")
    if getattr(error, "hint", None):
        text.append(f"\nhint: {error.hint}", style="yellow")
    return text


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def report_notes(report: Any) -> Text:
    """The line under the editor after a run: the error, the DML outcome, the value, the engine's notes."""
    text = Text()
    if report.error is not None:
        text.append_text(error_text(report.error))
    if report.kind in ("dml", "ddl") or report.rowcount is not None:
        if text:
            text.append("\n")
        count = f"{report.rowcount} row(s) affected · " if report.rowcount is not None else ""
        state = "committed" if report.committed else "rolled back (ctrl+o commits)" if report.rolled_back else ""
        text.append(f"{report.kind.upper()}: {count}{state}", style="bold yellow")
    if report.kind == "value" and report.ok:
        text.append(f"value: {short(report.value, 300)}", style="bold")
    for note in report.notes:
        if text:
            text.append("\n")
        text.append(f"• {note}", style="cyan")
    if report.commit_requested and not report.committed:
        text.append("\n• the cell asked to commit: held back (ctrl+o runs it with commit)", style="cyan")
    return text
