"""Build tray, boxes, food and plate from one frozen result, each view from a fresh replay."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import FrozenResult, Result

from .errors import error_info
from .report import PLATE_CONSUMERS, PlateEntry, Report

CONSUMERS: dict[str, Callable[[Result], Any]] = {
    "first()": lambda r: r.first(),
    "all()": lambda r: r.all(),
    "one()": lambda r: r.one(),
    "one_or_none()": lambda r: r.one_or_none(),
    "scalar()": lambda r: r.scalar(),
    "scalar_one()": lambda r: r.scalar_one(),
    "scalar_one_or_none()": lambda r: r.scalar_one_or_none(),
    "scalars().first()": lambda r: r.scalars().first(),
    "scalars().all()": lambda r: r.scalars().all(),
    "scalars().one()": lambda r: r.scalars().one(),
    "mappings().all()": lambda r: r.mappings().all(),
    "unique().all()": lambda r: r.unique().all(),
}
assert tuple(CONSUMERS) == PLATE_CONSUMERS


class FaithfulFrozenResult(FrozenResult):
    """A FrozenResult whose replays keep the original's rules, e.g. joined eager loading of a
    collection refusing `all()` until `unique()` is called (a plain replay forgets that rule)."""

    unique_strategy: Any = None

    def __call__(self) -> Result:
        result = super().__call__()
        if self.unique_strategy is not None:
            result._unique_filter_state = (set(), self.unique_strategy)
        return result


def _unique_strategy(source: Any) -> Any:
    state = getattr(source, "_unique_filter_state", None)
    return state[1] if state else None


def freeze_rows(source: Any, rows: Sequence[Any]) -> FaithfulFrozenResult:
    """A frozen result holding just `rows`, with the metadata of `source` (a Result or AsyncResult).

    `Result.freeze()` would fetch everything; this freezes only the head we fetched. It relies on
    the attributes `FrozenResult.__init__` reads, stable since SQLAlchemy 1.4.
    """
    frozen = FaithfulFrozenResult.__new__(FaithfulFrozenResult)
    frozen.metadata = source._metadata._for_freeze()
    frozen._source_supports_scalars = source._source_supports_scalars
    frozen._attributes = source._attributes
    frozen.data = [row[0] for row in rows] if frozen._source_supports_scalars else list(rows)
    frozen.unique_strategy = _unique_strategy(source)
    return frozen


def freeze_all(result: Result) -> FaithfulFrozenResult:
    """`result.freeze()` that remembers whether the result demanded unique()."""
    strategy = _unique_strategy(result)
    plain = result.freeze()
    frozen = FaithfulFrozenResult.__new__(FaithfulFrozenResult)
    frozen.__dict__.update(plain.__dict__)
    frozen.unique_strategy = strategy
    return frozen


def _cap(value: Any, limit: int) -> Any:
    if isinstance(value, list) and len(value) > limit:
        return value[:limit]
    return value


# Consumers whose value follows from all()'s rows without another pass (same objects, same order).
DERIVED_FROM_ALL: dict[str, Callable[[list], list]] = {
    "mappings().all()": lambda rows: [row._mapping for row in rows],
}
# unique() is on the plate only when the result demands it (joined eager loading of a collection):
# elsewhere it is a full extra pass that hashes every row, to show the same list as all().
ONLY_WHEN_NEEDED = {"unique().all()"}


@contextmanager
def _collector_paused():
    """Building the views allocates many small acyclic objects; a full collection scanning every
    loaded entity in the middle of that is pure waste, so hold the cyclic collector for the duration."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _plate(frozen: FrozenResult, limit: int, names: Sequence[str]) -> dict[str, PlateEntry]:
    plate: dict[str, PlateEntry] = {}
    for name, consume in CONSUMERS.items():
        everything = plate.get("all()")
        if name in ONLY_WHEN_NEEDED and everything is not None and everything.ok:
            continue
        if name in DERIVED_FROM_ALL and everything is not None and everything.ok:
            plate[name] = PlateEntry(name, value=DERIVED_FROM_ALL[name](everything.value))
            continue
        try:
            value = consume(frozen())
        except Exception as exc:  # the exact exception is the point of the plate
            plate[name] = PlateEntry(name, error=error_info(exc, names))
        else:
            plate[name] = PlateEntry(name, value=value)
    # Cap the lists only now: derived entries above needed all()'s full list.
    return {name: PlateEntry(name, value=_cap(e.value, limit)) if e.ok else e for name, e in plate.items()}


def fill_layers(
    report: Report, frozen: FrozenResult, result_class: str, *, truncated: bool, names: Sequence[str] = ()
) -> None:
    """Fill the tray, boxes, food and plate of `report` from `frozen` (which holds at most limit+1 rows)."""
    limit = report.limit
    report.result_class = result_class
    report.returns_rows = True
    report.keys = list(frozen().keys())
    with _collector_paused():
        report.plate = _plate(frozen, limit, names)
    # Boxes and food reuse the plate's lists (computed once above) unless all() had to refuse.
    unique = not report.plate["all()"].ok
    if unique:
        report.notes.append(
            "joined eager loading of a collection: rows shown through unique(), as all() would refuse"
        )
        boxes = frozen().unique().all()
        food = frozen().unique().scalars().all()
    else:
        boxes = report.plate["all()"].value
        food = report.plate["scalars().all()"].value
    seen = len(frozen.data)
    report.truncated = truncated or seen > limit
    report.row_count = min(seen, limit) if report.truncated else len(boxes)
    report.rows = [tuple(row) for row in boxes[:limit]]
    report.scalars = list(food[:limit])
