"""The schema tree: tables, their columns (type, PK, FK), the mapped class and its relationships.
The app mounts it once the database is open; until then schema_placeholder.py holds its place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree


def _column_label(column: Any) -> Text:
    label = Text(column.name)
    try:
        type_name = str(column.type)
    except Exception:
        type_name = type(column.type).__name__
    label.append(f"  {type_name}", style="dim")
    if column.primary_key:
        label.append("  PK", style="bold yellow")
    for fk in column.foreign_keys:
        label.append(f"  FK→{fk.target_fullname}", style="cyan")
    return label


def _relationships(cls: type) -> list[tuple[str, str]]:
    from sqlalchemy import inspect

    out = []
    for rel in inspect(cls).relationships:
        target = rel.mapper.class_.__name__
        shown = f"list[{target}]" if rel.uselist else target
        out.append((rel.key, shown))
    return sorted(out)


class SchemaTree(Tree):
    """Enter (or a click) on a node posts `InsertName` with the class, attribute or table name."""

    BORDER_TITLE = "Schema"

    @dataclass
    class InsertName(Message):
        name: str

    def __init__(self, mapping: Any = None, **kwargs: Any) -> None:
        super().__init__("database", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self._mapping = mapping

    def on_mount(self) -> None:
        if self._mapping is not None:
            self.load(self._mapping)

    def show_message(self, message: str) -> None:
        self.clear()
        self.root.add_leaf(Text(message, style="dim italic"))

    def load(self, mapping: Any) -> None:
        """Fill the tree from an engine `Mapping` (classes and tables); no database access."""
        self.clear()
        for name, table in sorted(mapping.tables.items()):
            cls = mapping.class_for_table(name)
            label = Text(name, style="bold")
            if cls is not None:
                label.append(f" → {cls.__name__}", style="green")
            prefix = cls.__name__ if cls is not None else f"tables.{name}.c"
            node = self.root.add(label, data=cls.__name__ if cls is not None else f"tables.{name}")
            for column in table.columns:
                node.add_leaf(_column_label(column), data=f"{prefix}.{column.name}")
            if cls is not None:
                for key, shown in _relationships(cls):
                    rel = Text(key, style="magenta")
                    rel.append(f"  → {shown}", style="dim")
                    node.add_leaf(rel, data=f"{cls.__name__}.{key}")
        if not mapping.tables:
            self.root.add_leaf(Text("(no tables)", style="dim"))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data:
            self.post_message(self.InsertName(event.node.data))
