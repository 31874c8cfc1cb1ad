"""The read-heavy use cases: matching, allocation, coverage, overlaps and the
network picture. Each checks the caller, cuts the smallest view that answers,
and calls the pure function from :mod:`matching`. The API's resolvers and the
CLI's reports both call these."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import networkx as nx

from graph import taxonomy as taxonomy_module
from graph.errors import NotFoundError, ValidationError
from graph.model import Household, Record, Region, node_key
from graph.store import Store
from graph.view import paused_gc
from i18n import Message, clock
from matching import (
    AllocationResult,
    CoverageCell,
    MatchResult,
    NetworkAnalytics,
    NetworkGraph,
    OverlapGroup,
    Package,
    Policy,
    allocate,
    analytics,
    coverage,
    match,
    network,
    overlaps,
)
from matching.network import analytics_of
from matching.policy import CARE_POLICY_FILE, policy_from_mapping

from . import reads
from .permissions import (
    forbidden,
    in_subtree,
    not_found,
    outside_household,
    require_household,
    require_role,
    scope,
)
from .principal import Principal, Role
from .report_cache import cached

#: the environment variable naming a care policy file to use instead of the shipped one
CARE_POLICY_ENV = "DOLBOM_CARE_POLICY"


@lru_cache(maxsize=8)
def _read_policy(path: str) -> Policy:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ValidationError("carePolicy", Message.of("analysis.policy.unreadable", path=str(path),
                                                       reason=str(e.strerror or e))) from None
    except json.JSONDecodeError as e:
        raise ValidationError("carePolicy", Message.of("analysis.policy.not_json", path=str(path),
                                                       line=str(e.lineno), detail=e.msg)) from None
    return policy_from_mapping(data)


def care_policy() -> Policy:
    """The matching policy in force: the file ``$DOLBOM_CARE_POLICY`` names, else the shipped
    ``matching/care_policy.json`` (which marks no statutory trait discretionary)."""
    return _read_policy(os.environ.get(CARE_POLICY_ENV) or str(CARE_POLICY_FILE))


def _household(store: Store, household_id: str, field: str) -> Household:
    hh = store.get("Household", household_id)
    if not isinstance(hh, Household):
        raise NotFoundError(field, not_found("Household", household_id))
    return hh


def match_result(store: Store, p: Principal, household_id: str, limit: int, *, max_limit: int,
                 on: dt.date | None = None, policy: Policy | None = None, locale: str = "en") -> MatchResult:
    """Ranked packages for one household with how they were found (coordinators;
    case workers of its region). ``on``: the day agreements must be in force (today)."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="match households")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= max_limit:
        raise ValidationError("limit", Message.of("error.int.between", lo=1, hi=str(max_limit),
                                                  got=repr(limit)))
    require_household(store, p, _household(store, household_id, "householdId"), "match households")
    g = store.neighbourhood(household_id)
    return match(g, household_id, on=on or clock.today(), limit=limit, policy=policy or care_policy(),
                 locale=locale)


def match_packages(store: Store, p: Principal, household_id: str, limit: int, *,
                   max_limit: int, locale: str = "en") -> list[Package]:
    """The packages of :func:`match_result`, reasons and flags in ``locale``."""
    return list(match_result(store, p, household_id, limit, max_limit=max_limit, locale=locale).packages)


def match_answer(store: Store, p: Principal, household_id: str, limit: int, *, max_limit: int,
                 locale: str = "en") -> tuple[list[Package], dict[tuple[str, str], Record]]:
    """:func:`match_packages` and the records its packages show (:func:`package_records`), in one
    call: what the API's ``matchPackages`` answers with."""
    packages = match_packages(store, p, household_id, limit, max_limit=max_limit, locale=locale)
    # the records as the match's own look at the store left them: those it matched with
    return packages, package_records(store, packages, look=False)


def package_records(store: Store, packages: Sequence[Package], *,
                    look: bool = True) -> dict[tuple[str, str], Record]:
    """The records the packages name, by (label, id): their services and volunteers and the needs
    they cover, each read once. The API shows them with the packages in the thread that matched
    (schema.query), not through a DataLoader batch per level of the answer. Ids no record has
    (deleted since) are left out, as a DataLoader leaves them. ``look=False``: no new look for other
    processes' commits (``service.reads.records_by_kinds``), right after the match's."""
    wanted: dict[str, set[str]] = {}
    for pkg in packages:
        for i in pkg.items:
            wanted.setdefault(i.resource_label, set()).add(i.resource_id)
            wanted.setdefault("Need", set()).update(i.need_ids)
    return reads.records_by_kinds(store, wanted, look=look)


def _view(store: Store, region_id: str | None) -> nx.MultiDiGraph:
    return store.graph(region_id) if region_id is not None else store.graph()


# The reports below run with the cyclic garbage collector paused (graph.view.paused_gc): over a
# province's view they make millions of objects, none garbage, and the collector would walk the
# view's heap over and over: 0.6x the time of coverage and overlaps at 100,000 households (issue 23).


def coverage_cells(store: Store, p: Principal, region_id: str | None, *,
                   on: dt.date | None = None) -> list[CoverageCell]:
    region_id = scope(store, p, region_id, "see coverage")
    day = on or clock.today()

    def compute() -> list[CoverageCell]:
        with paused_gc():
            # the supply side's view and the households read from the records (graph.reports): no
            # view of every household is built (issue 23)
            parts = store.report_parts(region_id)
            return coverage(parts.view, region_id, on=day, homes=parts.homes)

    # the same report again while no commit changed the records: the answer kept (service.report_cache)
    return list(cached(store, ("coverage", region_id, day), compute))


def overlap_groups(store: Store, p: Principal, region_id: str | None, *, locale: str = "en",
                   limit: int | None = None) -> list[OverlapGroup]:
    """Services duplicating each other's benefit, most redundant first; the top ``limit`` (all: None)."""
    region_id = scope(store, p, region_id, "see overlaps")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValidationError("limit", Message.of("workflow.int.at_least_one", got=repr(limit)))
    tax = taxonomy_module.active()

    def compute() -> tuple[object, list[OverlapGroup]]:
        with paused_gc():
            # the supply side's view and the open needs read from the records (graph.reports)
            parts = store.report_parts(region_id)
            groups = overlaps(parts.view, region_id, locale=locale, limit=limit, taxonomy=tax,
                              needs=parts.needs)
            # freed while the collector is still paused: else its first pass after the pause walks
            # the parts' half a million objects before they go (0.13 s of 0.8 at 100,000 households)
            del parts
        return tax, groups

    # kept until a commit (service.report_cache), and only for the taxonomy it was computed with
    kept_tax, groups = cached(store, ("overlaps", region_id, locale, limit, id(tax)), compute)
    if kept_tax is not tax:
        groups = compute()[1]
    return list(groups)


def network_graph(store: Store, p: Principal, region_id: str | None,
                  kinds: Sequence[str] | None) -> NetworkGraph:
    region_id = scope(store, p, region_id, "see the network")
    with paused_gc():
        return network(_view(store, region_id), region_id, kinds)


def network_read(store: Store, p: Principal, region_id: str | None,
                 kinds: Sequence[str] | None) -> tuple[NetworkGraph, frozenset[str]]:
    """:func:`network_graph`, and the households whose data it shows, for the read audit:
    each household node (urgency, open needs), and the household of each need node
    (a need's domain and severity are that household's data)."""
    region_id = scope(store, p, region_id, "see the network")
    with paused_gc():
        g = _view(store, region_id)
        net = network(g, region_id, kinds)
    shown: set[str] = set()
    for n in net.nodes:
        if n.kind == "HOUSEHOLD":
            shown.add(n.id)
        elif n.kind == "NEED":
            need = g.nodes.get(node_key("Need", n.id))
            if need is not None:
                shown.add(need["household_id"])
    return net, frozenset(shown)


def network_report(store: Store, p: Principal, region_id: str | None, kinds: Sequence[str] | None = None, *,
                   picture: bool = True) -> tuple[NetworkGraph | None, NetworkAnalytics]:
    """The organizations' collaboration analytics, and the network picture when
    ``picture`` is asked for. The analytics alone read only what they need of the records
    (:meth:`graph.store.Store.network_parts`: no view of the households, issue 23); with the
    picture, from its view. Kept until a commit, as coverage (service.report_cache)."""
    region_id = scope(store, p, region_id, "see the network")
    with paused_gc():
        g = _view(store, region_id) if picture else None

    def compute() -> NetworkAnalytics:
        with paused_gc():
            return analytics(g, region_id) if g is not None else analytics_of(store.network_parts(region_id))

    found = cached(store, ("network-analytics", region_id), compute)
    with paused_gc():
        return (network(g, region_id, kinds) if g is not None else None), found


def heatmap_rows(store: Store, region_id: str | None) -> tuple[list[str], dict[str, str]]:
    """The rows of a coverage heatmap: the regions one level below ``region_id``
    (or below each root), and every region's name. Reads regions only."""
    regions = [r for r in store.list("Region") if isinstance(r, Region)]
    names = {r.id: r.name for r in regions}
    children: dict[str, list[str]] = {}
    for r in regions:
        if r.parent_id is not None:
            children.setdefault(r.parent_id, []).append(r.id)
    roots = [region_id] if region_id is not None else sorted(r.id for r in regions
                                                              if r.parent_id not in names)
    rows = [c for root in roots for c in sorted(children.get(root, ()))] or roots
    return rows, names


def allocate_plan(store: Store, p: Principal, household_ids: Sequence[str], *, max_households: int,
                  time_limit: float, locale: str = "en") -> AllocationResult:
    """One capacity-aware plan for the given households (at most ``max_households``).

    The view is the union of the households' neighbourhoods: every resource
    any of them could use, with its capacity, so the plan shares places
    exactly as the whole graph would. Unmet messages in ``locale``."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="allocate")
    ids = list(dict.fromkeys(household_ids))
    if len(ids) > max_households:
        raise ValidationError("householdIds", Message.of("workflow.households.too_many",
                                                         limit=str(max_households), got=str(len(ids))))
    for hid in ids:
        hh = _household(store, hid, "householdIds")
        if p.role is Role.CASEWORKER and not in_subtree(store, hh.region_id, p.region_id):
            raise forbidden("householdIds", outside_household(hid))
    g = nx.compose_all([store.neighbourhood(h) for h in ids]) if ids else nx.MultiDiGraph()
    return allocate(g, ids, on=clock.today(), time_limit=time_limit, policy=care_policy(), locale=locale)
