"""The app's tabs: one widget draws the tab row (click a title, or F2), a ContentSwitcher shows the active pane.

Textual's TabbedContent mounts about a dozen widgets through nested composes before the first frame; this deck
mounts two, and a pane that is not the first one is only created when its tab is first activated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.containers import Vertical
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import ContentSwitcher

GAP = 2  # spaces around each title


class TabBar(Widget):
    """Two lines: the titles, then a rule with the active tab's part highlighted. Clicks activate a tab."""

    COMPONENT_CLASSES = {"tab-bar--active", "tab-bar--inactive", "tab-bar--rule", "tab-bar--highlight"}
    DEFAULT_CSS = """
    TabBar { height: 2; }
    TabBar > .tab-bar--active { text-style: bold; color: $foreground; }
    TabBar > .tab-bar--inactive { color: $foreground-muted; }
    TabBar > .tab-bar--rule { color: $foreground 15%; }
    TabBar > .tab-bar--highlight { color: $block-cursor-background; }
    """

    def __init__(self, tabs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tabs = tabs  # (pane id, title)

    def label_offset(self, pane_id: str) -> int:
        """The column where the title of `pane_id` starts (for clicks in tests)."""
        x = 0
        for tab_id, title in self.tabs:
            if tab_id == pane_id:
                return x + GAP // 2
            x += len(title) + GAP
        raise KeyError(pane_id)

    def render(self) -> Text:
        deck = self.parent
        active = getattr(deck, "active", "")
        styles = {name: self.get_component_rich_style(f"tab-bar--{name}") for name in ("active", "inactive", "rule", "highlight")}
        titles = Text(no_wrap=True, overflow="crop", end="")
        rule = Text(no_wrap=True, overflow="crop", end="")
        pad = " " * (GAP // 2)
        for tab_id, title in self.tabs:
            style = styles["active"] if tab_id == active else styles["inactive"]
            titles.append(f"{pad}{title}{pad}", style=style)
            rule.append("━" * (len(title) + GAP), style=styles["highlight" if tab_id == active else "rule"])
        rule.append("━" * max(0, self.size.width - rule.cell_len), style=styles["rule"])
        return Text("\n", no_wrap=True, end="").join([titles, rule])

    def on_click(self, event: Click) -> None:
        x = 0
        for tab_id, title in self.tabs:
            if x <= event.x < x + len(title) + GAP:
                event.stop()
                if isinstance(self.parent, TabDeck):
                    self.parent.active = tab_id
                return
            x += len(title) + GAP


class TabDeck(Vertical):
    """`with TabDeck([(id, title), ...], make_pane):` then yield the first pane (a widget with that id) inside.

    `make_pane(pane_id)` builds any other pane the first time its tab is activated. Setting `active` switches
    and posts `TabActivated`.
    """

    DEFAULT_CSS = """
    TabDeck { height: 1fr; }
    TabDeck > ContentSwitcher { height: 1fr; }
    """

    active: reactive[str] = reactive("", init=False)

    class TabActivated(Message):
        def __init__(self, deck: TabDeck, pane_id: str) -> None:
            super().__init__()
            self.deck = deck
            self.pane_id = pane_id

        @property
        def control(self) -> TabDeck:
            return self.deck

    def __init__(self, tabs: list[tuple[str, str]], make_pane: Callable[[str], Widget], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tabs = list(tabs)
        self.make_pane = make_pane
        self._panes: list[Widget] = []
        self.set_reactive(TabDeck.active, self.tabs[0][0] if self.tabs else "")

    @property
    def tab_ids(self) -> list[str]:
        return [tab_id for tab_id, _ in self.tabs]

    def compose_add_child(self, widget: Widget) -> None:
        self._panes.append(widget)

    def compose(self):
        yield TabBar(self.tabs, id=f"{self.id}-bar" if self.id else None)
        yield ContentSwitcher(*self._panes, initial=self.active or None)

    def watch_active(self, active: str) -> None:
        if active not in self.tab_ids:
            raise ValueError(f"no tab {active!r}")
        switcher = self.query_one(ContentSwitcher)
        if not self._has_pane(switcher, active):
            switcher.mount(self.make_pane(active))
        switcher.current = active
        self.query_one(TabBar).refresh()
        self.post_message(self.TabActivated(self, active))

    @staticmethod
    def _has_pane(switcher: ContentSwitcher, pane_id: str) -> bool:
        return any(child.id == pane_id for child in switcher.children)
