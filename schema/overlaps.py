"""The ``overlaps`` answer: the groups with their regions and services at hand.

At 100,000 households every region's overlaps name ~40,000 services in ~9,000 groups; resolved
field by field (a DataLoader future per service, a gather per group) that completion took 2-3 s
of CPU per request even with the groups kept (service.report_cache). Here the services and regions
of all groups are read in one batch (service.reads.records_by_id) in the heavy pool, with the
groups, and each group gets its wrapped records, so ``region`` and ``services`` are plain attribute
reads. Same records, same order, a deleted service left out as before: the answer is the same.
Only directory data (services, regions) is read: no household's, nothing to audit.

The wrapped groups are kept while ``overlap_groups`` answers with the same groups
(:mod:`schema.kept`); it checks authorization (``scope``) on every call first, and the wrappers hold
directory records only, the same for every caller.
"""

from __future__ import annotations

from typing import Any

from graph.store import Store
from service import analysis
from service.principal import Principal
from service.reads import records_by_id

from .kept import KeptWrappers
from .types import OverlapGroup, overlap_groups_of

#: the wrapped answers of the last few (store, region, locale), with the groups they wrap
_KEPT: KeptWrappers[OverlapGroup] = KeptWrappers()


def overlaps_answer(store: Store, principal: Principal, region_id: str | None,
                    locale: str) -> list[OverlapGroup]:
    groups = analysis.overlap_groups(store, principal, region_id, locale=locale)

    def wrap(groups: list[Any]) -> list[OverlapGroup]:
        regions = records_by_id(store, "Region", (g.region_id for g in groups))
        services = records_by_id(store, "Service", (s for g in groups for s in g.service_ids))
        return overlap_groups_of(groups, regions, services)  # type: ignore[arg-type]

    return _KEPT.wrapped((id(store), region_id, locale), groups, wrap)
