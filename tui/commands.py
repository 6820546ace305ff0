"""Command palette entries: run, cancel, commit, rollback, copy SQL, save a screenshot, theme."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

COMMANDS = (
    ("Run cell", "run", "Run the cell in the editor (F5)"),
    ("Cancel query", "cancel", "Stop the running query (Esc)"),
    ("Commit", "commit", "Run the cell again and keep its changes (asks first)"),
    ("Rollback", "rollback", "Forget changes: every run rolls back unless committed"),
    ("Load the 2.0 form", "load_modern", "Put the Rosetta translation of the last legacy run in the editor (F4)"),
    ("Copy SQL", "copy_sql", "Copy the SQL of the last run to the clipboard"),
    ("Save SVG screenshot", "screenshot", "Write an SVG of the screen to the current directory"),
    ("Change theme", "change_theme", "Pick a colour theme"),
    ("Help", "help", "What tray, boxes, food and plate mean (F1)"),
)


class ExplorerCommands(Provider):
    async def discover(self) -> Hits:
        for title, action, help_text in COMMANDS:
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.run_action, action), help=help_text)
