"""The Pitfalls tab: each classic async mistake reproduced for real (queries/pitfalls.py), with the real
outcome, the explanation and the fix; any step's code loads into the editor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from .formatting import short

BLOCKING_KEY = "blocking-loop"
BLOCKING_SECONDS = 0.8  # the live demo's slow query: long enough to see the freeze, short enough to wait for


def outcome_text(attempt: Any) -> Text:
    """The real exception (type, wrapped cause, message) or the value; blocking runs show the loop's lag."""
    value = attempt.value
    if attempt.error_type is None and hasattr(value, "max_lag_ms"):
        frozen = value.max_lag_ms >= value.wall_ms * 0.8  # stuck for (nearly) the whole query
        text = Text(f"{value.mode}: query {value.wall_ms:,.0f} ms · worst loop lag {value.max_lag_ms:,.0f} ms · "
                    f"{value.ticks} tick{'s' if value.ticks != 1 else ''} of a 5 ms timer meanwhile", style="bold red" if frozen else "green")
        text.append("  (the loop froze)" if frozen else "  (the loop kept turning)", style="italic")
        return text
    if attempt.error_type is not None:
        text = Text(f"raised {attempt.error_type}", style="bold red")
        if attempt.error_cause and attempt.error_cause != attempt.error_type:
            text.append(f" (wrapping {attempt.error_cause})", style="red")
        message = (attempt.error_message or "").split("[SQL:")[0].strip()
        text.append(f": {message}", style="red")
    else:
        text = Text(f"gave {short(value, 300)}", style="green")
    if attempt.sql:
        text.append(f"  · {len(attempt.sql)} SQL statement{'s' if len(attempt.sql) != 1 else ''}", style="dim")
    return text


class PitfallStep(Vertical):
    """One step: its label, code, what really happened, why, and a button that loads the code."""

    def __init__(self, heading: str, attempt: Any, index: int) -> None:
        super().__init__(classes="pitfall-step")
        self.heading = heading
        self.attempt = attempt
        self.index = index

    def compose(self) -> ComposeResult:
        step = self.attempt.step
        with Horizontal(classes="pitfall-step-head"):
            yield Static(Text(self.heading, style="bold"), classes="pitfall-heading")
            yield Button("Load into editor", id=f"pitfall-load-{self.index}", compact=True)
        yield Static(Syntax(step.source, "python", word_wrap=True, background_color="default"), classes="pitfall-code")
        yield Static(outcome_text(self.attempt), classes="pitfall-outcome", id=f"pitfall-outcome-{self.index}")
        yield Static(step.explanation, classes="pitfall-why")


class PitfallsPane(Horizontal):
    """Choose a pitfall on the left (Enter): it runs on the open database and its steps appear on the right."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()
    BINDINGS = [Binding("l", "load_step", "Load step", show=False)]

    def __init__(self, explorer: Any, blocking_seconds: float = BLOCKING_SECONDS) -> None:
        super().__init__(id="pitfalls")
        self.explorer = explorer
        self.blocking_seconds = blocking_seconds
        from sqla_explore.queries.pitfalls import PITFALLS

        self.pitfalls = PITFALLS
        self.reproduction: Any = None
        self.running: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="pitfalls-side"):
            yield OptionList(*[Option(p.title, id=p.key) for p in self.pitfalls], id="pitfalls-list")
            yield Static(Text("Enter runs the mistake and its fixes for real (all rolled back).", style="dim"),
                         id="pitfalls-hint")
        with VerticalScroll(id="pitfalls-steps"):
            yield Static(Text("Choose a pitfall on the left.", style="dim"), id="pitfalls-status")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.choose(event.option.id)

    def choose(self, key: str) -> None:
        """Reproduce pitfall `key` in a worker on the app's loop (the blocking one really blocks it)."""
        if self.running is not None:
            self.app.notify(f"still reproducing {self.running}…", severity="warning")
            return
        self.running = key
        self.reproduction = None
        status = self.query_one("#pitfalls-status", Static)
        note = " (the blocking part freezes this screen on purpose: watch the loop lag meter)" if key == BLOCKING_KEY else ""
        status.update(Text(f"reproducing {key}…{note}", style="italic"))
        self.query_one("#pitfalls-steps").remove_children(".pitfall-step")
        self.reproduce(key)

    @work(exclusive=True, group="pitfall", exit_on_error=False)
    async def reproduce(self, key: str) -> None:
        from sqla_explore.queries.pitfalls import reproduce

        try:
            if key == BLOCKING_KEY:
                reproduction = await reproduce(self.explorer, key, blocking_seconds=self.blocking_seconds)
            else:
                reproduction = await reproduce(self.explorer, key)
        except Exception as exc:  # an engine bug, or the database went away: say it, keep the app alive
            self.running = None
            self.query_one("#pitfalls-status", Static).update(Text(f"could not reproduce {key}: "
                                                                   f"{type(exc).__name__}: {exc}", style="bold red"))
            return
        self.running = None
        self.show(reproduction)

    def show(self, reproduction: Any) -> None:
        self.reproduction = reproduction
        pitfall = reproduction.pitfall
        self.query_one("#pitfalls-status", Static).update(Text(pitfall.title, style="bold underline"))
        steps = self.query_one("#pitfalls-steps")
        widgets = [PitfallStep("The mistake", reproduction.mistake, 0)]
        for index, fix in enumerate(reproduction.fixes, start=1):
            label = fix.step.label or ("The fix" if len(reproduction.fixes) == 1 else f"Fix {index}")
            widgets.append(PitfallStep(f"Fix: {label}" if fix.step.label else label, fix, index))
        steps.mount_all(widgets)

    @property
    def attempts(self) -> list[Any]:
        if self.reproduction is None:
            return []
        return [self.reproduction.mistake, *self.reproduction.fixes]

    def load_step(self, index: int) -> None:
        """Put step `index` (0 = the mistake) in the Explore editor, without running it."""
        attempts = self.attempts
        if 0 <= index < len(attempts):
            from sqla_explore.queries.pitfalls import editor_source

            step = attempts[index].step
            self.app.set_cell(editor_source(step), run=False)
            if step.session != "async":
                self.app.notify(f"this step runs on a {step.session} session: the cell says so in its first line")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("pitfall-load-"):
            event.stop()
            self.load_step(int(event.button.id.rsplit("-", 1)[1]))

    def action_load_step(self) -> None:
        focused = self.app.focused
        for step in self.query(PitfallStep):
            if focused is not None and (focused is step or step in focused.ancestors):
                self.load_step(step.index)
                return
        self.load_step(0)
