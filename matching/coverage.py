"""Coverage: supply against demand for every region and domain of a subtree.

:func:`coverage` returns one :class:`CoverageCell` per region of the subtree
(the region itself and every region below it; every region of the view when
``region_id`` is None) and per domain, in region-id then domain order:

* ``open_needs`` — OPEN needs of households living in the region or below it;
* ``uncovered_needs`` — those of them that no eligible resource with free
  capacity covers: exactly the needs :func:`matching.match` flags MISSING or
  CAPACITY (the same rules, :func:`matching.eligibility.can_serve`, on the
  same resources: services and volunteers serving the household's region or
  an ancestor and offering the domain);
* ``services`` — active services offering the domain *in* the region: serving
  it, an ancestor (a city-wide service is in each of its dongs) or a region
  below it (a dong's service is in its city);
* ``free_capacity`` — the free places (capacity - used) across those
  services; None when any of them has no capacity limit.

Blind spots are the cells with ``uncovered_needs > 0``; with ``services == 0``
nothing offers the domain there at all.

The view must hold the regions of the subtree, the resources serving them and
their ancestors, and the households living there (``store.graph(region_id)``
or ``store.graph()``).

Complexity: O(households x open needs x resources in reach, stopping at the
first that serves) + O(services x regions each is in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import networkx as nx

from graph.model import Domain

from .eligibility import open_to, open_to_all
from .neighbourhood import Resource, resource_at
from .policy import DEFAULT_POLICY, Policy
from .regions import RegionTree, households_in


@dataclass(frozen=True, slots=True)
class CoverageCell:
    region_id: str
    domain: Domain
    open_needs: int
    uncovered_needs: int
    services: int
    #: free places across the services; None if any is unlimited
    free_capacity: int | None

    def as_dict(self) -> dict:
        return {"regionId": self.region_id, "domain": self.domain.value, "openNeeds": self.open_needs,
                "uncoveredNeeds": self.uncovered_needs, "services": self.services,
                "freeCapacity": self.free_capacity}


def resources_by_region(g: nx.MultiDiGraph) -> dict[str, list[Resource]]:
    """Every service and volunteer of the view, by the ids of the regions it serves."""
    out: dict[str, list[Resource]] = {}
    for key, a in g.nodes(data=True):
        if a.get("label") in ("Service", "Volunteer"):
            r = resource_at(g, key)
            assert r is not None
            for rid in r.region_ids:
                out.setdefault(rid, []).append(r)
    return out


def _reach(tree: RegionTree, serving: dict[str, list[Resource]], region_id: str,
           on: dt.date) -> dict[Domain, list[Resource]]:
    """Per domain, the resources serving ``region_id``'s chain that pass every
    rule that does not depend on the household (ACTIVE, AGREEMENT, CAPACITY, QUOTA)."""
    seen: set[str] = set()
    out: dict[Domain, list[Resource]] = {}
    for rid in tree.chain(region_id):
        for r in serving.get(rid, ()):
            if r.key in seen:
                continue
            seen.add(r.key)
            if open_to_all(r, on):
                for d in r.domains:
                    out.setdefault(d, []).append(r)
    return out


def coverage(g: nx.MultiDiGraph, region_id: str | None = None, *, on: dt.date | None = None,
             policy: Policy = DEFAULT_POLICY) -> list[CoverageCell]:
    """The coverage cells of ``region_id``'s subtree (see the module docstring).

    ``on`` is the day agreements must be in force (default today); ``policy``
    is accepted for symmetry with matching (no rule of coverage depends on a
    weight). Raises :class:`graph.errors.NotFoundError` (``regionId``) when the
    region is not in the view.
    """
    on = on or dt.date.today()
    tree = RegionTree.of(g)
    scope = tree.scope(region_id)
    in_scope = set(scope)
    serving = resources_by_region(g)
    open_: dict[tuple[str, Domain], int] = {}
    uncovered: dict[tuple[str, Domain], int] = {}
    reach_cache: dict[str, dict[Domain, list[Resource]]] = {}
    for row in households_in(g, scope):
        hh = row.household
        reach = reach_cache.get(hh.region_id)
        if reach is None:
            reach = reach_cache[hh.region_id] = _reach(tree, serving, hh.region_id, on)
        up = [r for r in tree.chain(hh.region_id) if r in in_scope]
        for n in row.needs:
            covered = any(open_to(r, hh, row.received) for r in reach.get(n.domain, ()))
            for rid in up:
                open_[rid, n.domain] = open_.get((rid, n.domain), 0) + 1
                if not covered:
                    uncovered[rid, n.domain] = uncovered.get((rid, n.domain), 0) + 1

    services: dict[tuple[str, Domain], int] = {}
    free: dict[tuple[str, Domain], int | None] = {}
    done: set[str] = set()
    for rid in sorted(serving):
        for r in serving[rid]:
            if r.key in done or not r.is_service or not r.active:
                continue
            done.add(r.key)
            where: set[str] = set()
            for served in r.region_ids:
                if served in tree.parent:
                    where |= tree.descendants(served) | set(tree.chain(served))
            for region in where & in_scope:
                for d in r.domains:
                    services[region, d] = services.get((region, d), 0) + 1
                    left = free.get((region, d), 0)
                    free[region, d] = None if left is None or r.available is None else left + r.available

    return [
        CoverageCell(rid, d, open_.get((rid, d), 0), uncovered.get((rid, d), 0), services.get((rid, d), 0),
                     free.get((rid, d), 0))
        for rid in scope for d in Domain
    ]
