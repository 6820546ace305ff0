"""Packaging and boundaries: every package is listed, and the engine never imports Textual."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"sqla_explore": "sqla_explore", "tui": "sqla_explore.tui", "queries": "sqla_explore.queries",
           "sample_db": "sqla_explore.sample_db"}


def test_every_package_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set()
    for folder, dotted in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([dotted, *rel.parts]) if rel.parts else dotted)
    assert found <= listed, f"missing from pyproject packages: {sorted(found - listed)}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_engine_and_sample_never_import_textual():
    offenders = []
    for folder in ("queries", "sample_db"):
        for path in (ROOT / folder).rglob("*.py"):
            if any(name == "textual" or name.startswith("textual.") for name in _imports(path)):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_every_module_says_its_job():
    missing = []
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text())) is None:
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []
