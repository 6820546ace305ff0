"""Rosetta side by side: the legacy source and its 2.0 translation, what each gave, and the verdict."""

from __future__ import annotations

from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

SAME = "same result on both sides"
DIFFERENT = "different results"


def verdict_text(rosetta: dict[str, Any] | None) -> Text:
    """One line: same / different / untranslatable (plain text, styled)."""
    if not rosetta:
        return Text("Rosetta: run a cell that uses db.query(...) to see its 2.0 form.", style="dim")
    if "untranslatable" in rosetta:
        reason = rosetta.get("reason")
        return Text(f"✗ cannot translate {rosetta['untranslatable']}" + (f": {reason}" if reason else ""),
                    style="bold yellow")
    if rosetta.get("same_result"):
        return Text(f"✓ {SAME}", style="bold green")
    return Text(f"✗ {DIFFERENT}", style="bold red")


def _outcome(rosetta: dict[str, Any], side: str) -> Text:
    error = rosetta.get(f"{side}_error")
    if error:
        return Text(f"{error['type']}: {error['message']}", style="red")
    value = rosetta.get(f"{side}_value")
    return Text(f"→ {value}" if value is not None else "", style="green" if value is not None else "dim")


def _code(source: str | None) -> Any:
    if not source:
        return Text("")
    return Syntax(source, "python", word_wrap=True, background_color="default")


class RosettaView(Widget):
    """`RosettaView(rosetta)` or `view.show(rosetta)` with the report's `rosetta` dict (None clears it)."""

    DEFAULT_CSS = """
    RosettaView { height: auto; border: round $accent; border-title-color: $accent; padding: 0 1; }
    RosettaView Horizontal { height: auto; }
    RosettaView .rosetta-side { width: 1fr; height: auto; padding-right: 1; }
    RosettaView .rosetta-heading { text-style: bold; }
    RosettaView #rosetta-verdict { margin-top: 1; }
    """
    BORDER_TITLE = "Rosetta: legacy → 2.0"

    def __init__(self, rosetta: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rosetta = rosetta

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(classes="rosetta-side"):
                yield Static("Legacy (sync Session)", classes="rosetta-heading")
                yield Static(id="rosetta-legacy")
                yield Static(id="rosetta-legacy-outcome")
            with Vertical(classes="rosetta-side"):
                yield Static("2.0 (AsyncSession)", classes="rosetta-heading")
                yield Static(id="rosetta-modern")
                yield Static(id="rosetta-modern-outcome")
        yield Static(id="rosetta-verdict")
        yield Static(id="rosetta-notes")

    def on_mount(self) -> None:
        self.show(self.rosetta)

    def show(self, rosetta: dict[str, Any] | None) -> None:
        self.rosetta = rosetta
        data = rosetta or {}
        self.query_one("#rosetta-legacy", Static).update(_code(data.get("legacy")))
        self.query_one("#rosetta-modern", Static).update(_code(data.get("modern")))
        self.query_one("#rosetta-legacy-outcome", Static).update(_outcome(data, "legacy"))
        self.query_one("#rosetta-modern-outcome", Static).update(_outcome(data, "modern"))
        self.query_one("#rosetta-verdict", Static).update(verdict_text(rosetta))
        notes = data.get("legacy_warnings") or []
        self.query_one("#rosetta-notes", Static).update(
            Text("\n".join(f"warning (legacy): {n}" for n in notes), style="dim yellow")
        )
