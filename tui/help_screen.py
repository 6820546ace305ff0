"""F1: what the tray, the boxes, the food and the plate are, shown on the sample, and the keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# sqla-explore: what you are looking at

Type a cell (Python or SQL) and press **F5** (or **ctrl+j**, or **ctrl+enter** where the terminal sends it).
Try on the sample: `select(User).where(User.id < 4)`.

| pane | in plain words | on the sample |
|---|---|---|
| **SQL sent** | every statement the run sent, with parameters and time | one `SELECT ... FROM users`; a lazy load or `selectinload` adds more |
| **Tray** | the `Result` that `await db.execute(...)` hands you: not rows yet, a container | `ChunkedIteratorResult`, keys `['User']` |
| **Boxes** | the `Row` tuples inside the tray, one column per key | `(User(id=1, ...),)`: a box holding one object |
| **Food** | `.scalars()`: the first thing in each box, the objects you want | `User(id=1, email='ada@example.com', ...)`; select one to see which attributes are loaded |
| **Plate** | what each way of serving gives: `first()`, `all()`, `one()`, `scalar_one()`... or the exact exception | `one()` raises `MultipleResultsFound` when three users match |

Your own chain, e.g. `(await db.execute(select(User))).scalars().first()`, is marked **▶** on the plate.

Writes (`update(User)...`) run in a transaction that is **rolled back**; press **ctrl+o** (Commit) to run again
and keep the change, after a confirmation.

## Keys
| key | what |
|---|---|
| F5 / ctrl+j / ctrl+enter | run the cell |
| ↑ / ↓ on the first / last line | cell history |
| Esc | cancel the running query (on PostgreSQL the server stops too) |
| ctrl+o | commit: run again and keep the changes (asks first) |
| ctrl+p | command palette: run, cancel, commit, rollback, copy SQL, screenshot, theme |
| Enter on the schema tree | insert the name into the cell |
| End / Home in Boxes | jump to the last / first row (any size: rows are fetched page by page) |
| F2 | next tab: Explore, Vector, Loop lab, Pitfalls |
| F3 | pick an example cell |
| F4 | after a legacy `db.query(...)` cell: load its 2.0 form |
| F1 | this help · ctrl+q quit |
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close help")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; height: 90%; border: thick $accent; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(HELP, id="help-text")
