"""The ``coverage`` answer: the cells with their regions (and those regions' parents) at hand.

At 100,000 households every region's coverage is ~12,800 cells; resolved field by field (a
DataLoader future per cell's ``region``, another per region's ``parent`` on the coordinator page)
the completion took ~1 s of a warm repeat even with the cells kept (service.report_cache). Here
the regions of all cells, and their parents, are read in one batch (service.reads.records_by_id)
in the heavy pool, with the cells, and each cell gets its wrapped region, so ``region`` is a plain
attribute read and ``parent`` answers without a DataLoader. Same records: the answer is the same.
Only directory data (regions) is read: no household's, nothing to audit.

The wrapped cells are kept while ``coverage_cells`` answers with the same cells (:mod:`schema.kept`);
it checks authorization (``scope``) on every call first, and the wrappers hold directory records
only, the same for every caller.
"""

from __future__ import annotations

from typing import Any

from graph.store import Store
from service import analysis
from service.principal import Principal
from service.reads import records_by_id

from .kept import KeptWrappers
from .types import CoverageCell, Region

#: the wrapped answers of the last few (store, region), with the cells they wrap
_KEPT: KeptWrappers[CoverageCell] = KeptWrappers()


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

    def wrap(cells: list[Any]) -> list[CoverageCell]:
        regions: dict[str, Any] = records_by_id(store, "Region", {c.region_id for c in cells})
        parents = {r.parent_id for r in regions.values() if r.parent_id is not None} - regions.keys()
        regions.update(records_by_id(store, "Region", parents))
        return coverage_cells_of(cells, regions)

    return _KEPT.wrapped((id(store), region_id), cells, wrap)
