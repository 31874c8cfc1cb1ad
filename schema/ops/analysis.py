"""The read-heavy queries as plain functions: matching, allocation, coverage,
overlaps and the network picture. Each checks the caller, cuts the smallest
view that answers, and calls the pure function from :mod:`matching`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import networkx as nx

from api.principal import Principal, Role
from graph.errors import NotFoundError, ValidationError
from graph.model import Household
from graph.store import Store

from ..errors import forbidden
from ..permissions import in_subtree, require_household, require_role


def _household(store: Store, household_id: str, field: str) -> Household:
    hh = store.get("Household", household_id)
    if not isinstance(hh, Household):
        raise NotFoundError(field, f"no Household with id {household_id!r}")
    return hh


def match_packages(store: Store, p: Principal, household_id: str, limit: int, *, max_limit: int):
    """Ranked packages for one household (coordinators; case workers of its region)."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="match households")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= max_limit:
        raise ValidationError("limit", f"must be between 1 and {max_limit} (got {limit!r})")
    require_household(store, p, _household(store, household_id, "householdId"), "match households")
    from matching import match

    g = store.neighbourhood(household_id)
    return list(match(g, household_id, on=dt.date.today(), limit=limit).packages)


def scope(store: Store, p: Principal, region_id: str | None, what: str) -> str | None:
    """The region a coordinator or case worker may look at: a case worker's
    own region when none is given, and only inside it."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what=what)
    if region_id is not None and store.get("Region", region_id) is None:
        raise NotFoundError("regionId", f"no Region with id {region_id!r}")
    if p.role is Role.CASEWORKER:
        if region_id is None:
            return p.region_id
        if not in_subtree(store, region_id, p.region_id):
            raise forbidden("regionId", f"region {region_id!r} is outside your region {p.region_id!r}")
    return region_id


def _view(store: Store, region_id: str | None) -> nx.MultiDiGraph:
    return store.graph(region_id) if region_id is not None else store.graph()


def coverage_cells(store: Store, p: Principal, region_id: str | None):
    region_id = scope(store, p, region_id, "see coverage")
    from matching import coverage

    return coverage(_view(store, region_id), region_id)


def overlap_groups(store: Store, p: Principal, region_id: str | None):
    region_id = scope(store, p, region_id, "see overlaps")
    from matching import overlaps

    return overlaps(_view(store, region_id), region_id)


def network_graph(store: Store, p: Principal, region_id: str | None, kinds: Sequence[str] | None):
    region_id = scope(store, p, region_id, "see the network")
    from matching import network

    return network(_view(store, region_id), region_id, kinds)


def allocate_plan(store: Store, p: Principal, household_ids: Sequence[str], *, max_households: int,
                  time_limit: float):
    """One capacity-aware plan for the given households (at most ``max_households``).

    The view is the union of the households' neighbourhoods: every resource
    any of them could use, with its capacity, so the plan shares places
    exactly as the whole graph would."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="allocate")
    ids = list(dict.fromkeys(household_ids))
    if len(ids) > max_households:
        raise ValidationError("householdIds", f"at most {max_households} households per plan (got {len(ids)})")
    for hid in ids:
        hh = _household(store, hid, "householdIds")
        if p.role is Role.CASEWORKER and not in_subtree(store, hh.region_id, p.region_id):
            raise forbidden("householdIds", f"household {hid!r} is outside your region {p.region_id!r}")
    from matching import allocate

    g = nx.compose_all([store.neighbourhood(h) for h in ids]) if ids else nx.MultiDiGraph()
    return allocate(g, ids, on=dt.date.today(), time_limit=time_limit)
