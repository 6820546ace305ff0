"""A modal list of the examples library: each with its explanation and a preview; choosing one returns its source."""

from __future__ import annotations

from typing import Sequence

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sqla_explore.queries.examples import EXAMPLES, Example


class ExamplesPicker(ModalScreen[str | None]):
    """`app.push_screen(ExamplesPicker(), callback)`: the callback gets the chosen example's source, or None
    (Escape). Up/down move, Enter picks; the preview shows the highlighted example's cell."""

    CSS_PATH = "examples_picker.tcss"
    BINDINGS = [Binding("escape", "cancel", "Close")]

    def __init__(self, examples: Sequence[Example] = EXAMPLES) -> None:
        super().__init__()
        self.examples = list(examples)

    def compose(self) -> ComposeResult:
        with Vertical(id="examples-dialog"):
            yield Static(Text("Examples  ·  Enter loads one into the editor  ·  Esc closes", style="bold"),
                         id="examples-title")
            yield OptionList(*(self._option(i, e) for i, e in enumerate(self.examples)), id="examples-list")
            with VerticalScroll(id="examples-preview"):
                yield Static(id="examples-source")

    @staticmethod
    def _option(index: int, example: Example) -> Option:
        prompt = Text.assemble((example.name, "bold"), "\n", (example.explanation, "dim"))
        if example.legacy:
            prompt.append("  [legacy: Rosetta shows the 2.0 form]", style="italic")
        return Option(prompt, id=f"example-{index}")

    def on_mount(self) -> None:
        options = self.query_one("#examples-list", OptionList)
        options.focus()
        if self.examples:
            options.highlighted = 0
            self._preview(0)

    def _preview(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.examples):
            return
        source = self.examples[index].source
        self.query_one("#examples-source", Static).update(
            Syntax(source, "python", word_wrap=True, background_color="default")
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.examples[event.option_index].source)

    def action_cancel(self) -> None:
        self.dismiss(None)
