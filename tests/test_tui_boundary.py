"""The import boundary: nothing under queries/ or sample_db/ imports textual (checked on the source with ast)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _textual_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "import_module",
            "__import__",
        ):
            names = [a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        else:
            continue
        found += [f"{path.name}:{node.lineno}: {n}" for n in names if n == "textual" or n.startswith("textual.")]
    return found


def test_engine_and_sample_never_import_textual():
    sources = sorted((ROOT / "queries").rglob("*.py")) + sorted((ROOT / "sample_db").rglob("*.py"))
    assert len(sources) > 10
    offenders = [hit for path in sources for hit in _textual_imports(path)]
    assert offenders == []


def test_the_checker_catches_each_form(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os\nfrom textual.app import App\nimport textual\n"
        "import importlib\nimportlib.import_module('textual.widgets')\nfrom . import textual_like\n"
    )
    assert [hit.split(": ")[1] for hit in _textual_imports(probe)] == ["textual.app", "textual", "textual.widgets"]
