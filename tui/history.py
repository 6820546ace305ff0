"""Cell history: a list of past cells kept in the user's data directory (one JSON file)."""

from __future__ import annotations

import json
import os
from pathlib import Path

HISTORY_ENV = "SQLA_EXPLORE_HISTORY"
MAX_ENTRIES = 500


def default_history_path() -> Path:
    override = os.environ.get(HISTORY_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("sqla-explore", appauthor=False)) / "history.json"


class History:
    """Older cells first; `back()` / `forward()` walk it from the newest; `add()` saves at once."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: list[str] = self._read()
        self.position = len(self.entries)

    def _read(self) -> list[str]:
        if self.path is None or not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []  # a broken history file must never stop the app
        return [e for e in data if isinstance(e, str)][-MAX_ENTRIES:] if isinstance(data, list) else []

    def add(self, cell: str) -> None:
        cell = cell.strip()
        if cell:
            if cell in self.entries:
                self.entries.remove(cell)
            self.entries.append(cell)
            del self.entries[:-MAX_ENTRIES]
            self._write()
        self.position = len(self.entries)

    def _write(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.entries, ensure_ascii=False, indent=0), encoding="utf-8")
        except OSError:
            pass

    def back(self) -> str | None:
        if self.position == 0:
            return None
        self.position -= 1
        return self.entries[self.position]

    def forward(self) -> str | None:
        if self.position >= len(self.entries):
            return None
        self.position += 1
        return self.entries[self.position] if self.position < len(self.entries) else ""
