"""The ``coverage`` answer: the cells with their regions (and those regions' parents) at hand.

At 100,000 households every region's coverage is ~12,800 cells; resolved field by field (a
DataLoader future per cell's ``region``, another per region's ``parent`` on the coordinator page)
the completion took ~1 s of a warm repeat even with the cells kept (service.report_cache). Here
the regions of all cells, and their parents, are read in one batch (service.reads.records_by_id)
in the heavy pool, with the cells, and each cell gets its wrapped region, so ``region`` is a plain
attribute read and ``parent`` answers without a DataLoader. Same records: the answer is the same.
Only directory data (regions) is read: no household's, nothing to audit.

The wrapped cells are kept with the cells they wrap (:data:`_KEPT`) and served again while
``coverage_cells`` answers with those very cell objects: it computes new ones after any commit
(service.report_cache), so a kept wrapper never outlives the records it read. Authorization is
``coverage_cells``' (``scope``), checked on every call before the kept wrappers are looked at; the
wrappers hold directory records only, the same for every caller.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from graph.store import Store
from service import analysis
from service.principal import Principal
from service.reads import records_by_id

from .types import CoverageCell, Region

#: the wrapped answers of the last few (store, region), with the cells they wrap
_KEPT: OrderedDict[tuple[int, str | None], tuple[list[Any], list[CoverageCell]]] = OrderedDict()
_KEEP = 16
_LOCK = threading.Lock()


def coverage_cells_of(cells: list[Any], regions: dict[str, Any]) -> list[CoverageCell]:
    """The GraphQL cells of ``cells`` (matching's), each with its region wrapped once per record,
    that region's parent (or None) at hand; a region gone is null in a non-null field: that
    cell's error, as ``Region.of(None)`` was."""
    objs: dict[str, Region] = {}
    for k, r in regions.items():
        objs[k] = Region.of(r)
    for k, r in regions.items():
        if r.parent_id is None:
            objs[k].parent_at_hand = None
        elif r.parent_id in objs:
            objs[k].parent_at_hand = objs[r.parent_id]
        # a parent not read (gone): left to the DataLoader, which answers None as before
    return [CoverageCell.of(c, objs.get(c.region_id)) for c in cells]  # type: ignore[arg-type]


def coverage_answer(store: Store, principal: Principal, region_id: str | None) -> list[CoverageCell]:
    cells = analysis.coverage_cells(store, principal, region_id)
    key = (id(store), region_id)
    with _LOCK:
        kept = _KEPT.get(key)
    if kept is not None and len(kept[0]) == len(cells) and all(
            a is b for a, b in zip(kept[0], cells, strict=True)):
        return list(kept[1])
    regions: dict[str, Any] = records_by_id(store, "Region", {c.region_id for c in cells})
    parents = {r.parent_id for r in regions.values() if r.parent_id is not None} - regions.keys()
    regions.update(records_by_id(store, "Region", parents))
    wrapped = coverage_cells_of(cells, regions)
    with _LOCK:
        _KEPT[key] = (cells, wrapped)
        _KEPT.move_to_end(key)
        while len(_KEPT) > _KEEP:
            _KEPT.popitem(last=False)
    return list(wrapped)
