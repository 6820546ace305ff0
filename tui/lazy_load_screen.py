"""What opening a not-loaded attribute really did (the exception, the SQL it wanted), and the fixes as cells."""

from __future__ import annotations

from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from .formatting import short


def outcome_text(attempt: Any) -> Text:
    """The real exception (type, wrapped cause, message) or the value the load gave."""
    if attempt.error is None:
        return Text(f"loaded: {short(attempt.value, 300)}", style="green")
    text = Text(f"{attempt.error.type}", style="bold red")
    if attempt.cause and attempt.cause != attempt.error.type:
        text.append(f" (wrapping {attempt.cause})", style="red")
    text.append(f": {attempt.error.message}", style="red")
    if attempt.attempted_sql:
        text.append("\nthe load wanted to send: ", style="dim")
        text.append(" ".join(attempt.attempted_sql.split()), style="dim italic")
    if attempt.detached_error is not None:
        text.append(f"\n(on the object shown in Food, which has left its session: {attempt.detached_error.type})",
                    style="dim")
    return text


class LazyLoadScreen(ModalScreen[str | None]):
    """Dismisses with the chosen fix's cell source, or None."""

    DEFAULT_CSS = """
    LazyLoadScreen { align: center middle; }
    LazyLoadScreen > Vertical { width: 90%; max-width: 130; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 0 1; }
    LazyLoadScreen VerticalScroll { height: auto; max-height: 30; }
    LazyLoadScreen .lazy-fix { height: auto; margin-top: 1; }
    LazyLoadScreen .lazy-fix Button { width: 26; margin-right: 1; }
    LazyLoadScreen .lazy-fix Static { width: 1fr; }
    LazyLoadScreen #lazy-why { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, attempt: Any) -> None:
        super().__init__()
        self.attempt = attempt

    def compose(self) -> ComposeResult:
        attempt = self.attempt
        with Vertical() as box:
            box.border_title = f"Opening {attempt.attribute} for real"
            with VerticalScroll():
                yield Static(outcome_text(attempt), id="lazy-outcome")
                yield Static(attempt.explanation, id="lazy-why")
                yield Static(Text("Fixes (each loads into the editor; F5 runs it):", style="bold"))
                for index, fix in enumerate(attempt.fixes):
                    with Horizontal(classes="lazy-fix"):
                        yield Button(fix.label, id=f"lazy-fix-{index}", compact=True)
                        yield Static(Syntax(fix.source, "python", word_wrap=True, background_color="default"))
                    yield Static(Text(fix.explanation, style="dim"))

    def on_mount(self) -> None:
        if self.attempt.fixes:
            self.query_one("#lazy-fix-0", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        index = int((event.button.id or "lazy-fix-0").rsplit("-", 1)[1])
        self.dismiss(self.attempt.fixes[index].source)
