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
* ``missing_needs`` — of those, the ones with no eligible resource at all,
  full or not (MISSING): **nothing exists**. The rest of ``uncovered_needs``
  have eligible resources that are all full (CAPACITY);
* ``unmet_needs`` — open needs that do have an eligible resource with a free
  place, but that no assignment under today's places, MOU quotas and
  exclusions can cover together with the others: there are more such needs
  than places. Counted by :func:`matching.places.max_cover` over the needs of
  the whole report (the subtree's households compete for the same places), so
  for the report's region the sum over its domains is exactly the number of
  needs an optimal :func:`matching.allocate` over the same households leaves
  NOT_ENOUGH_PLACES or EXCLUDED. How that number splits between the regions
  and domains below is one optimal assignment's;
* ``services`` — active services offering the domain *in* the region: serving
  it, an ancestor (a city-wide service is in each of its dongs) or a region
  below it (a dong's service is in its city);
* ``free_capacity`` — the free places (capacity - used) across those
  services; None when any of them has no capacity limit.

:attr:`CoverageCell.short_of_places` is the other kind of blind spot, **not
enough places**: needs whose eligible resources are full plus ``unmet``.
Blind spots are the cells where either kind is above zero; with ``services ==
0`` nothing offers the domain there at all.

The view must hold the regions of the subtree, the resources serving them and
their ancestors, and the households living there (``store.graph(region_id)``
or ``store.graph()``).

Complexity: O(households x open needs) + O(resources in reach x the (domain,
income bracket, traits) kinds of household of each region: what INCOME and
TRAITS let through is found once per kind, RECEIVED per household) +
O(services x regions each is in) + the places computation
(:mod:`matching.places`) over the needs that compete. What depends on the
supply side alone (the region tree, the resources, their verdicts for a day,
the service counts) is kept with a *frozen* view (:func:`networkx.freeze`: the
embedded store keeps the whole graph's supply side so while no supply record
changes) and computed afresh for any other.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.model import Domain, NeedStatus, node_key
from graph.reports import HomeRow
from i18n import clock

from .costing import excludes_each_other
from .eligibility import agreement_in_force, has_place, has_quota, is_active, open_to
from .neighbourhood import HouseholdFacts, Resource, resource_at
from .places import Contest, max_cover
from .policy import DEFAULT_POLICY, Policy
from .regions import RegionTree


@dataclass(frozen=True, slots=True)
class CoverageCell:
    region_id: str
    domain: Domain
    open_needs: int
    uncovered_needs: int
    services: int
    #: free places across the services; None if any is unlimited
    free_capacity: int | None
    #: open needs with a free eligible place that the places cannot all cover (see the module docstring)
    unmet_needs: int = 0
    #: uncovered needs with no eligible resource at all, full or not: nothing exists
    missing_needs: int = 0

    @property
    def short_of_places(self) -> int:
        """Not enough places: needs whose eligible resources are all full, plus the unmet ones."""
        return self.uncovered_needs - self.missing_needs + self.unmet_needs

    def as_dict(self) -> dict[str, object]:
        return {"regionId": self.region_id, "domain": self.domain.value, "openNeeds": self.open_needs,
                "uncoveredNeeds": self.uncovered_needs, "services": self.services,
                "freeCapacity": self.free_capacity, "unmetNeeds": self.unmet_needs,
                "missingNeeds": self.missing_needs, "shortOfPlaces": self.short_of_places}


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


#: per domain: the resources free of any limit, and the others with "has a free place and quota"
_Offers = dict[Domain, tuple[list[Resource], list[tuple[Resource, bool]]]]
#: of a domain's resources in reach, the keys of the free ones INCOME and TRAITS let through, and the others
_Passing = tuple[list[str], list[tuple[Resource, bool]]]


def _offers(serving: dict[str, list[Resource]], region_id: str, on: dt.date, clash_prone: frozenset[str],
            seen: dict[str, tuple[bool, bool] | None]) -> _Offers:
    """The resources serving ``region_id`` itself that are active and under no MOU out of force,
    per domain: first those that take no place of anyone (no capacity, no MOU quota, in no
    exclusion: a household eligible for one is covered), then the others, each with whether it
    has a free place and MOU quota left (CAPACITY and QUOTA pass). ``seen`` caches the verdicts
    of the day, which do not depend on the report (whether a service is clash-prone does)."""
    out: _Offers = {}
    for r in serving.get(region_id, ()):
        if r.key in seen:
            verdict = seen[r.key]
        else:
            if not is_active(r) or (r.is_service and not agreement_in_force(r, on)):
                verdict = None
            else:
                is_open = has_place(r) and has_quota(r)  # a volunteer: an hour a week left
                unlimited = is_open and (not r.is_service or (
                    r.available is None and (r.agreement is None or r.agreement.annual_quota is None)))
                verdict = (is_open, unlimited)
            seen[r.key] = verdict
        if verdict is None:
            continue
        is_open, unlimited = verdict
        free = unlimited and (not r.is_service or r.id not in clash_prone)  # a volunteer never clashes
        for d in r.domains:
            lists = out.get(d)
            if lists is None:
                lists = out[d] = ([], [])
            if free:
                lists[0].append(r)
            else:
                lists[1].append((r, is_open))
    return out


def _limits(r: Resource) -> tuple[tuple[str, int], ...]:
    """The limits a household takes a place of when it gets ``r`` (as :mod:`matching.allocation_model`)."""
    out = []
    if r.is_service and r.available is not None:
        out.append((r.key, r.available))
    if r.is_service and r.agreement is not None and r.agreement.annual_quota is not None:
        out.append((f"Agreement:{r.agreement.id}", r.agreement.quota_left or 0))
    return tuple(out)


def homes_in_view(g: nx.MultiDiGraph, rkey: str) -> list[HomeRow]:
    """The households living in region node ``rkey`` of a view, as :func:`coverage` reads them
    (see :data:`graph.reports.HomeRow`): by node key, open needs in the order the view holds them."""
    nodes, pred, succ = g._node, g._pred, g._succ  # the raw adjacency: this walks every household
    rows: list[HomeRow] = []
    for h in sorted(u for u, keys in pred[rkey].items() if "LIVES_IN" in keys):
        a = nodes[h]
        domains: list[Domain] = []
        received: set[str] = set()
        for v, keys in succ[h].items():
            if "HAS_NEED" in keys:
                n = nodes[v]
                if n["status"] == NeedStatus.OPEN:
                    domains.append(n["domain"])
            elif "RECEIVES" in keys:
                received.add(v)
        rows.append((a["id"], a["income_percent"], a["traits"], a["urgency"], domains, frozenset(received)))
    return rows


def coverage(g: nx.MultiDiGraph, region_id: str | None = None, *, on: dt.date | None = None,
             policy: Policy = DEFAULT_POLICY,
             homes: Mapping[str, Sequence[HomeRow]] | None = None) -> list[CoverageCell]:
    """The coverage cells of ``region_id``'s subtree (see the module docstring).

    ``on`` is the day agreements must be in force (default today); ``policy``
    is accepted for symmetry with matching (no rule of coverage depends on a
    weight). ``homes``: the households by the id of the region they live in
    (:attr:`graph.reports.ReportParts.homes`); ``g`` then needs to hold only the
    supply side. None: they are read from ``g``. Raises
    :class:`graph.errors.NotFoundError` (``regionId``) when the region is not
    in the view.
    """
    on = on or clock.today()
    supply = _supply(g)
    tree, serving, ceilings = supply.tree, supply.serving, supply.ceilings
    scope = tree.scope(region_id)
    in_scope = set(scope)
    clash_prone = supply.clash_prone(region_id, scope)
    seen, offers = supply.on(on, clash_prone)

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
    for rid in scope:
        if homes is None:
            rkey = node_key("Region", rid)
            if rkey not in g:
                continue
            rows: Sequence[HomeRow] = homes_in_view(g, rkey)
        else:
            rows = homes.get(rid, ())
        if not rows:
            continue
        chain = [offers_of(x) for x in tree.chain(rid)]
        # domains a volunteer with hours covers here for everyone (no household rule applies to one)
        sure = {d for ofs in chain for d, (free_ones, _) in ofs.items()
                if any(not r.is_service for r in free_ones)}
        # per domain: the services in reach here free of any limit, and the others (the chain's order)
        reach: dict[Domain, tuple[list[Resource], list[tuple[Resource, bool]]]] = {}
        for ofs in chain:
            for d, (free_ones, others) in ofs.items():
                if d not in sure:
                    got = reach.get(d)
                    if got is None:
                        got = reach[d] = ([], [])
                    got[0].extend(free_ones)
                    got[1].extend(others)
        # what INCOME and TRAITS let through, once per domain, income bracket and traits: a household's
        # verdicts differ from another's of the same bracket and traits only by RECEIVED (below)
        passing: dict[tuple[Domain, int, frozenset[object]], _Passing] = {}
        for hid, income, traits, urgency, domains, received in rows:
            if not domains:
                continue
            by_domain: dict[Domain, int] = {}
            for d in domains:
                by_domain[d] = by_domain.get(d, 0) + 1
            mine: list[tuple[int, list[Resource]]] = []
            facts: tuple[int, frozenset[object]] | None = None
            for d, n in by_domain.items():
                key = (rid, d)
                open_[key] = open_.get(key, 0) + n
                if d in sure:
                    continue
                if facts is None:
                    facts = (bisect_left(ceilings, income), frozenset(traits))
                verdict = passing.get((d, *facts))
                if verdict is None:
                    hh = HouseholdFacts(hid, rid, income, facts[1], urgency)  # type: ignore[arg-type]
                    free_in, others_in = reach.get(d, ([], []))
                    verdict = passing[(d, *facts)] = ([r.key for r in free_in if open_to(r, hh, ())],
                                                      [(r, o) for r, o in others_in if open_to(r, hh, ())])
                free_keys, others = verdict
                if free_keys and (not received or any(k not in received for k in free_keys)):
                    continue
                cands: dict[str, Resource] = {}
                full = False
                for r, is_open in others:
                    if r.key not in received:  # RECEIVED: a service the household has already
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

    counted = supply.counts.get(region_id)
    if counted is None:
        counted = supply.counts[region_id] = _services(tree, serving, in_scope)
    services, free = counted

    return [
        CoverageCell(rid, d, open_.get((rid, d), 0), uncovered.get((rid, d), 0), services.get((rid, d), 0),
                     free.get((rid, d), 0), unmet.get((rid, d), 0), missing.get((rid, d), 0))
        for rid in scope for d in Domain
    ]


@dataclass(frozen=True, slots=True)
class _SupplySide:
    """What coverage reads of a view's supply side, and what follows from it alone."""

    tree: RegionTree
    serving: dict[str, list[Resource]]
    #: the income ceilings of the view: a household's income is checked against no other number, so
    #: its place among them (its bracket) is all INCOME reads of it
    ceilings: list[int]
    #: per day: each resource's verdict (:func:`_offers`), and per set of clash-prone services each
    #: region's offers, filled as asked
    days: dict[dt.date, tuple[dict[str, tuple[bool, bool] | None], dict[frozenset[str], dict[str, _Offers]]]]
    #: per report region: the services and free places of its cells
    counts: dict[str | None, tuple[dict[tuple[str, Domain], int], dict[tuple[str, Domain], int | None]]]
    #: per report region: its clash-prone services (:meth:`clash_prone`)
    clashes: dict[str | None, frozenset[str]]

    def on(self, day: dt.date, clash_prone: frozenset[str]
           ) -> tuple[dict[str, tuple[bool, bool] | None], dict[str, _Offers]]:
        got = self.days.get(day)
        if got is None:
            if len(self.days) >= 8:
                self.days.clear()
            got = self.days[day] = ({}, {})
        seen, by_clashes = got
        offers = by_clashes.get(clash_prone)
        if offers is None:
            if len(by_clashes) >= 16:
                by_clashes.clear()
            offers = by_clashes[clash_prone] = {}
        return seen, offers

    def clash_prone(self, region_id: str | None, scope: Sequence[str]) -> frozenset[str]:
        """The ids of the services in reach of the report's households (serving a region of
        ``scope``, ``region_id``'s subtree, or one above it) that exclude, or are excluded by,
        another in reach. Only these can clash in the report's contest, so only these are kept
        out of the "free" offers; a service named by one out of reach is free here. What the
        report counts does not depend on it (a free service in the contest is taken by its
        presolve), only which needs :func:`_contest` puts there: so a region's report reads the
        same clashes from the whole graph's supply side as from its own view."""
        got = self.clashes.get(region_id)
        if got is None:
            reach = set(scope)
            if region_id is not None:
                reach.update(self.tree.chain(region_id))
            services = {r.id: r for rid in reach for r in self.serving.get(rid, ()) if r.is_service}
            found: set[str] = set()
            for r in services.values():
                for other in r.excludes_ids:
                    if other in services and other != r.id:
                        found.update((r.id, other))
            got = self.clashes[region_id] = frozenset(found)
        return got


#: the supply side of each frozen view coverage has read (a store keeps one while no supply record
#: changes: :meth:`graph.embedded.EmbeddedStore.report_parts`), kept as long as the view lives
_kept: weakref.WeakKeyDictionary[nx.MultiDiGraph, _SupplySide] = weakref.WeakKeyDictionary()
_kept_lock = threading.Lock()


def _supply(g: nx.MultiDiGraph) -> _SupplySide:
    """The supply side of ``g``; kept with ``g`` when it is frozen (:func:`networkx.freeze`: nothing
    can change it), computed afresh otherwise."""
    frozen = nx.is_frozen(g)
    if frozen:
        with _kept_lock:
            got = _kept.get(g)
        if got is not None:
            return got
    tree = RegionTree.of(g)
    serving = resources_by_region(g)
    ceilings = sorted({r.max_income_percent for rs in serving.values() for r in rs
                       if r.max_income_percent is not None})
    side = _SupplySide(tree, serving, ceilings, {}, {}, {})
    if frozen:
        with _kept_lock:
            side = _kept.setdefault(g, side)
    return side


def _services(tree: RegionTree, serving: dict[str, list[Resource]], in_scope: set[str]
              ) -> tuple[dict[tuple[str, Domain], int], dict[tuple[str, Domain], int | None]]:
    """Per cell of ``in_scope``: the active services in the region, and their free places (None: one
    is unlimited). Each service is counted once, by the regions it serves: the services serving the
    same regions are in the same cells, so each such group's cells are found once."""
    by_served: dict[frozenset[str], dict[Domain, tuple[int, int | None]]] = {}
    done: set[str] = set()
    for rid in sorted(serving):
        for r in serving[rid]:
            if r.key in done or not r.is_service or not r.active:
                continue
            done.add(r.key)
            sums = by_served.setdefault(r.region_ids, {})
            available = r.available
            for d in r.domains:
                count, left = sums.get(d, (0, 0))
                sums[d] = (count + 1, None if left is None or available is None else left + available)
    services: dict[tuple[str, Domain], int] = {}
    free: dict[tuple[str, Domain], int | None] = {}
    for served_ids, sums in by_served.items():
        where: set[str] = set()
        for served in served_ids:
            if served in tree.parent:
                where |= tree.descendants(served) | set(tree.chain(served))
        for region in where & in_scope:
            for d, (count, add) in sums.items():
                services[region, d] = services.get((region, d), 0) + count
                got = free.get((region, d), 0)
                free[region, d] = None if got is None or add is None else got + add
    return services, free


def _contest(contested: list[tuple[str, Domain, int]],
             households: list[list[tuple[int, list[Resource]]]]) -> Contest:
    """The competing needs as :func:`matching.places.max_cover` reads them: per household,
    one choice per candidate resource covering every contested element it can."""
    choices: list[tuple[tuple[int, ...], tuple[str, ...]]] = []
    places: dict[str, int] = {}
    clashes: list[tuple[int, int]] = []
    limit_keys: dict[str, tuple[str, ...]] = {}  # per resource, once
    for mine in households:
        covers: dict[str, list[int]] = {}
        res: dict[str, Resource] = {}
        for e, cands in mine:
            for r in cands:
                covers.setdefault(r.key, []).append(e)
                res[r.key] = r
        first = len(choices)
        keys = sorted(covers)
        excluders = []
        for i, key in enumerate(keys):
            lims = limit_keys.get(key)
            r = res[key]
            if lims is None:
                got = _limits(r)
                places.update(got)
                lims = limit_keys[key] = tuple(k for k, _ in got)
            choices.append((tuple(covers[key]), lims))
            if r.excludes_ids:
                excluders.append(i)
        if excluders:  # two services exclude each other only when one of them names the other
            pairs = {(min(i, j), max(i, j)) for i in excluders for j in range(len(keys))
                     if i != j and excludes_each_other(res[keys[i]], res[keys[j]])}
            clashes += [(first + i, first + j) for i, j in sorted(pairs)]
    return Contest(weights=tuple(n for _, _, n in contested), choices=choices, places=places, clashes=clashes)
