"""After the database is open: load in a thread what the first run would otherwise load on the event loop
(pygments lexers and styles for the SQL and Rosetta panes, the engine's window and lazy-load modules), then
`gc.freeze()` the long-lived heap, so the collector's full passes after a run do not walk it (that walk was
most of a 100-250 ms stall in the repaint after a run). `thaw()` undoes the freeze when the app closes."""

from __future__ import annotations

import gc
import io
from importlib import import_module

MODULES = (
    "sqla_explore.queries.window",
    "sqla_explore.queries.lazyload",
)

_frozen = False


def warm_imports() -> None:
    """Run in a worker thread: imports and the first (slow) use of the SQL and Python lexers."""
    for name in MODULES:
        try:
            import_module(name)
        except Exception:  # an optional engine part missing: the run will say so itself
            pass
    from rich.console import Console
    from rich.syntax import Syntax

    console = Console(file=io.StringIO(), width=80)
    for code, lexer in (("select 1 from t where a = ?", "sql"), ("x = select(User)", "python")):
        console.print(Syntax(code, lexer, word_wrap=True, background_color="default"))


def freeze_heap() -> None:
    """Move every object alive now (modules, mapping, widgets) out of the collector's reach."""
    global _frozen
    gc.freeze()
    _frozen = True


def thaw() -> None:
    """On exit: give the frozen objects back to the collector."""
    global _frozen
    if _frozen:
        gc.unfreeze()
        _frozen = False
