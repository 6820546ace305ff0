"""Build tray, boxes, food and plate from one frozen result, each view from a fresh replay."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import FrozenResult, Result

from .errors import error_info
from .report import PLATE_CONSUMERS, PlateEntry, Report, RowMappings

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
    if isinstance(value, (list, RowMappings)) and len(value) > limit:
        return value[:limit]
    return value


# Consumers whose value follows from all()'s rows without another pass over the result: the same
# objects SQLAlchemy would hand back. `_REAL` means "run the consumer itself": every exception on the
# plate comes from SQLAlchemy, never from us (one() on two rows, scalar_one() on none, ...).
_REAL = object()


def _one(rows: Sequence[Any], pick: Callable[[Any], Any], none_ok: bool = False) -> Any:
    if len(rows) == 1:
        return pick(rows[0])
    return None if none_ok and not rows else _REAL


def _row(row: Any) -> Any:
    return row


def _first_column(row: Any) -> Any:
    return row[0]


DERIVED_FROM_ALL: dict[str, Callable[[Sequence[Any]], Any]] = {
    "first()": lambda rows: rows[0] if rows else None,
    "one()": lambda rows: _one(rows, _row),
    "one_or_none()": lambda rows: _one(rows, _row, none_ok=True),
    "scalar()": lambda rows: rows[0][0] if rows else None,
    "scalar_one()": lambda rows: _one(rows, _first_column),
    "scalar_one_or_none()": lambda rows: _one(rows, _first_column, none_ok=True),
    "scalars().first()": lambda rows: rows[0][0] if rows else None,
    "scalars().all()": lambda rows: [row[0] for row in rows],
    "scalars().one()": lambda rows: _one(rows, _first_column),
    "mappings().all()": RowMappings,
}
# unique() is on the plate only when the result demands it (joined eager loading of a collection):
# elsewhere it is a full extra pass that hashes every row, to show the same list as all().
ONLY_WHEN_NEEDED = {"unique().all()"}


@contextmanager
def collector_paused():
    """Loading rows and building the views allocate many objects that all stay alive; a collection
    scanning every loaded entity in the middle of that is pure waste, so hold the cyclic collector
    for the duration (a bounded one: at most limit + 1 rows). Nests: only the outermost re-enables."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _consume(frozen: FrozenResult, name: str, names: Sequence[str]) -> PlateEntry:
    try:
        value = CONSUMERS[name](frozen())
    except Exception as exc:  # the exact exception is the point of the plate
        return PlateEntry(name, error=error_info(exc, names))
    return PlateEntry(name, value=value)


def _plate(frozen: FrozenResult, limit: int, names: Sequence[str]) -> dict[str, PlateEntry]:
    everything = _consume(frozen, "all()", names)
    rows = everything.value if everything.ok else None
    plate: dict[str, PlateEntry] = {}
    for name in CONSUMERS:
        if name == "all()":
            plate[name] = everything
            continue
        if rows is not None:  # all() worked: derive what follows from its rows
            if name in ONLY_WHEN_NEEDED:
                continue
            derive = DERIVED_FROM_ALL.get(name)
            value = derive(rows) if derive is not None else _REAL
            if value is not _REAL:
                plate[name] = PlateEntry(name, value=value)
                continue
        plate[name] = _consume(frozen, name, names)
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
    with collector_paused():
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
    report.rows = list(map(tuple, boxes[:limit]))
    report.scalars = list(food[:limit])
