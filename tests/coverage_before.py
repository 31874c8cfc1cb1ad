"""The coverage computation as it was before issue 23 part 2 (commit b6ca220), verbatim but for
its name: the reference tests/test_coverage_parts.py compares the new path against."""

from __future__ import annotations

import datetime as dt

import networkx as nx

from graph.model import Domain, NeedStatus, node_key
from matching.coverage import CoverageCell, _contest, _Offers, _offers, resources_by_region
from matching.eligibility import open_to
from matching.neighbourhood import HouseholdFacts, Resource
from matching.places import max_cover
from matching.policy import DEFAULT_POLICY, Policy
from matching.regions import RegionTree


def coverage_before(g: nx.MultiDiGraph, region_id: str | None = None, *, on: dt.date | None = None,
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
    clash_prone: set[str] = set()
    for rs in serving.values():
        for r in rs:
            if r.is_service and r.excludes_ids:
                clash_prone.add(r.id)
                clash_prone.update(r.excludes_ids)
    seen: dict[str, tuple[bool, bool] | None] = {}
    offers: dict[str, _Offers] = {}

    def offers_of(rid: str) -> _Offers:
        got = offers.get(rid)
        if got is None:
            got = offers[rid] = _offers(serving, rid, on, clash_prone, seen)
        return got

    # counts where the households live, rolled up the tree at the end
    open_: dict[tuple[str, Domain], int] = {}
    uncovered: dict[tuple[str, Domain], int] = {}
    missing: dict[tuple[str, Domain], int] = {}
    # the needs that compete for places: (where, domain, needs) per element, and its candidates
    contested: list[tuple[str, Domain, int]] = []
    households: list[list[tuple[int, list[Resource]]]] = []
    nodes, pred, succ = g._node, g._pred, g._succ  # the raw adjacency: this walks every household
    for rid in scope:
        rkey = node_key("Region", rid)
        if rkey not in nodes:
            continue
        homes = sorted(u for u, keys in pred[rkey].items() if "LIVES_IN" in keys)
        if not homes:
            continue
        chain = [offers_of(x) for x in tree.chain(rid)]
        # domains a volunteer with hours covers here for everyone (no household rule applies to one)
        sure = {d for ofs in chain for d, (free_ones, _) in ofs.items()
                if any(not r.is_service for r in free_ones)}
        for h in homes:
            a = nodes[h]
            by_domain: dict[Domain, int] = {}
            received: set[str] = set()
            for v, keys in succ[h].items():
                if "HAS_NEED" in keys:
                    n = nodes[v]
                    if n["status"] == NeedStatus.OPEN:
                        d = n["domain"]
                        by_domain[d] = by_domain.get(d, 0) + 1
                elif "RECEIVES" in keys:
                    received.add(v)
            if not by_domain:
                continue
            hh: HouseholdFacts | None = None
            mine: list[tuple[int, list[Resource]]] = []
            for d, n in by_domain.items():
                key = (rid, d)
                open_[key] = open_.get(key, 0) + n
                if d in sure:
                    continue
                if hh is None:
                    hh = HouseholdFacts(a["id"], rid, a["income_percent"], frozenset(a["traits"]),
                                        a["urgency"])
                if any(open_to(r, hh, received) for ofs in chain if d in ofs for r in ofs[d][0]):
                    continue
                cands: dict[str, Resource] = {}
                full = False
                for ofs in chain:
                    if d in ofs:
                        for r, is_open in ofs[d][1]:
                            if open_to(r, hh, received):
                                if is_open:
                                    cands[r.key] = r
                                else:
                                    full = True
                if not cands:
                    uncovered[key] = uncovered.get(key, 0) + n
                    if not full:
                        missing[key] = missing.get(key, 0) + n
                    continue
                mine.append((len(contested), list(cands.values())))
                contested.append((rid, d, n))
            if mine:
                households.append(mine)

    unmet: dict[tuple[str, Domain], int] = {}
    if contested:
        cover = max_cover(_contest(contested, households))
        for e, (rid, d, n) in enumerate(contested):
            if e not in cover.covered:
                unmet[rid, d] = unmet.get((rid, d), 0) + n

    def rolled(table: dict[tuple[str, Domain], int]) -> dict[tuple[str, Domain], int]:
        out: dict[tuple[str, Domain], int] = {}
        for (rid, d), n in table.items():
            for x in tree.chain(rid):
                if x in in_scope:
                    out[x, d] = out.get((x, d), 0) + n
        return out

    open_, uncovered, missing, unmet = rolled(open_), rolled(uncovered), rolled(missing), rolled(unmet)

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
                     free.get((rid, d), 0), unmet.get((rid, d), 0), missing.get((rid, d), 0))
        for rid in scope for d in Domain
    ]
