"""Extra tabs beside "Explore": add one line per pane. Each factory gets the open Explorer and returns a widget;
it is imported and mounted the first time its tab is shown with the Explorer open (a placeholder until then),
so neither the first frame nor the moment of connecting pays for tabs nobody has opened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExtraTab:
    title: str  # shown on the tab
    id: str  # a CSS id, unique: the pane is "#tab-<id>"
    factory: Callable[[Any], Any]  # explorer -> Widget; import the widget inside, so startup stays fast


def _lazy(module: str, name: str) -> Callable[[Any], Any]:
    """A factory that imports `sqla_explore.tui.<module>.<name>` only when the tab is built."""

    def build(explorer: Any) -> Any:
        from importlib import import_module

        return getattr(import_module(f"sqla_explore.tui.{module}"), name)(explorer)

    return build


EXTRA_TABS: list[ExtraTab] = [
    ExtraTab("Vector", "vector", _lazy("vector_pane", "VectorPane")),
    ExtraTab("Loop lab", "loop-lab", _lazy("loop_lab", "LoopLab")),
    ExtraTab("Pitfalls", "pitfalls", _lazy("pitfalls_pane", "PitfallsPane")),
]
