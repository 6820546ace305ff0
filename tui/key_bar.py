"""The key bar at the bottom: the app's main bindings drawn as one line of text (clickable), in the first frame.

Textual's Footer fills itself one refresh after mounting and recomposes its key widgets on every focus change;
this bar is a single widget that draws the app's shown bindings and the palette key at once.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.widget import Widget


class KeyBar(Widget):
    """Shows `App.BINDINGS` entries with `show=True` in their order, then the command palette key on the right."""

    COMPONENT_CLASSES = {"key-bar--key"}
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground; }
    KeyBar > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
    """

    def _keys(self) -> tuple[list[tuple[str, str, str]], tuple[str, str, str] | None]:
        app = self.app
        shown = []
        for item in app.BINDINGS:  # the order they are declared in
            if isinstance(item, Binding) and item.show and item.description:
                shown.append((app.get_key_display(item), item.description, item.action))
        seen: set[str] = set()
        keys = [k for k in shown if not (k[2] in seen or seen.add(k[2]))]  # one entry per action
        palette = None
        if app.ENABLE_COMMAND_PALETTE:
            palette = (app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "command_palette")), "palette",
                       "app.command_palette")
        return keys, palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        keys, palette = self._keys()
        text = Text(no_wrap=True, overflow="crop")
        self._spans: list[tuple[int, int, str]] = []  # columns of each entry and its action, for clicks
        for key, description, action in keys:
            start = text.cell_len
            text.append(f" {key} ", style=key_style)
            text.append(f"{description} ")
            self._spans.append((start, text.cell_len, f"app.{action}"))
        if palette is not None:
            key, description, action = palette
            right = Text()
            right.append(f"{key}", style=key_style)
            right.append(f" {description} ")
            gap = self.size.width - text.cell_len - right.cell_len
            if gap > 0:
                text.append(" " * gap)
                self._spans.append((text.cell_len, text.cell_len + right.cell_len, f"app.{action}"))
                text.append_text(right)
        return text

    async def on_click(self, event: Click) -> None:
        for start, end, action in getattr(self, "_spans", []):
            if start <= event.x < end:
                event.stop()
                await self.run_action(action)
                return
