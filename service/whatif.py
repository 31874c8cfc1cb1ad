"""What would it take, recruitment, what-if, fairness and burn-down: the use cases over
:mod:`matching.takes`, :mod:`matching.recruit` and :mod:`matching.whatif`.

Permissions are those of the other analyses (:mod:`service.analysis`):
coordinators everywhere, case workers for households and regions of their own
subtree; partners and anonymous callers are refused. The household-level
answers (whatWouldItTake, the plan's, what-if's cover changes) name
households: the resolvers add them to the read audit. Nothing is written:
every change is applied to a copy of a view.

Views: a household's question reads its city's subtree (its dong's
neighbours are there); a plan's reads the cities of its households; a
region's reads ``store.graph(region_id)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import networkx as nx

from graph.errors import NotFoundError, ValidationError
from graph.model import Household
from graph.store import Store
from i18n import Message, clock
from matching.allocation import AllocationResult
from matching.recruit import Advice, BurnDown, FairnessRow, NewProgram, advise, burn_down, fairness
from matching.takes import Takes, what_would_it_take, what_would_it_take_plan
from matching.whatif import Change, WhatIf, whatif

from .analysis import care_policy
from .permissions import (
    forbidden,
    in_subtree,
    not_found,
    outside_household,
    region_chain,
    require_household,
    require_role,
    scope,
)
from .principal import Principal, Role

#: the most changes one what-if applies
MAX_CHANGES = 50
#: the most new programs one recruitment question values
MAX_NEW_PROGRAMS = 20


def _household(store: Store, household_id: str, field: str) -> Household:
    hh = store.get("Household", household_id)
    if not isinstance(hh, Household):
        raise NotFoundError(field, not_found("Household", household_id))
    return hh


def _city_view(store: Store, region_ids: Sequence[str]) -> nx.MultiDiGraph:
    """The subtrees of the cities (one level above each dong) of ``region_ids``, composed."""
    cities: list[str] = []
    for rid in region_ids:
        chain = region_chain(store, rid)
        city = chain[min(1, len(chain) - 1)]
        if city not in cities:
            cities.append(city)
    views = [store.graph(c) for c in cities]
    return nx.compose_all(views) if views else nx.MultiDiGraph()


def household_takes(store: Store, p: Principal, household_id: str, *, on: dt.date | None = None) -> Takes:
    """What would cover the household's needs no package covers (coordinators; case workers of its region)."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="ask what would it take")
    hh = _household(store, household_id, "householdId")
    require_household(store, p, hh, "ask what would it take")
    g = _city_view(store, [hh.region_id])
    return what_would_it_take(g, household_id, on=on or clock.today(), policy=care_policy())


def plan_takes(
    store: Store,
    p: Principal,
    household_ids: Sequence[str],
    *,
    max_households: int,
    time_limit: float,
    budget_s: float = 30.0,
    on: dt.date | None = None,
) -> tuple[AllocationResult, Takes]:
    """The allocation of ``household_ids`` and, for each of its unmet needs, what would cover it."""
    require_role(p, Role.COORDINATOR, Role.CASEWORKER, what="ask what would it take")
    ids = list(dict.fromkeys(household_ids))
    if not ids:
        raise ValidationError("householdIds", Message.of("whatif.households.empty"))
    if len(ids) > max_households:
        raise ValidationError(
            "householdIds", Message.of("workflow.households.too_many", limit=str(max_households),
                                       got=str(len(ids)))
        )
    regions = []
    for hid in ids:
        hh = _household(store, hid, "householdIds")
        if p.role is Role.CASEWORKER and not in_subtree(store, hh.region_id, p.region_id):
            raise forbidden("householdIds", outside_household(hid))
        regions.append(hh.region_id)
    g = _city_view(store, regions)
    return what_would_it_take_plan(
        g, ids, on=on or clock.today(), policy=care_policy(), time_limit=time_limit, budget_s=budget_s
    )


def _region_view(store: Store, region_id: str | None) -> nx.MultiDiGraph:
    return store.graph(region_id) if region_id is not None else store.graph()


def recruitment(
    store: Store,
    p: Principal,
    region_id: str | None,
    *,
    top: int | None = 20,
    new: Sequence[NewProgram] = (),
    on: dt.date | None = None,
) -> Advice:
    """The recruitment advisor over the region's subtree (a case worker's own region by default)."""
    region_id = scope(store, p, region_id, "see recruitment advice")
    if len(new) > MAX_NEW_PROGRAMS:
        raise ValidationError("newService",
                              Message.of("whatif.new_programs.too_many", limit=str(MAX_NEW_PROGRAMS),
                                         got=str(len(new))))
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValidationError("top", Message.of("workflow.int.at_least_one", got=repr(top)))
    for prog in new:
        if store.get("Region", prog.region_id) is None:
            raise NotFoundError("newService", not_found("Region", prog.region_id))
        if region_id is not None and not in_subtree(store, prog.region_id, region_id):
            raise ValidationError("newService", Message.of("whatif.region.outside",
                                                           region=repr(prog.region_id),
                                                           within=repr(region_id)))
        if prog.capacity is not None and prog.capacity < 1:
            raise ValidationError("newService", Message.of("whatif.capacity.at_least_one",
                                                               got=str(prog.capacity)))
    return advise(
        _region_view(store, region_id),
        region_id,
        on=on or clock.today(),
        policy=care_policy(),
        new=new,
        top=top,
    )


def what_if(
    store: Store,
    p: Principal,
    region_id: str | None,
    changes: Sequence[Change],
    *,
    on: dt.date | None = None,
    locale: str = "en",
) -> WhatIf:
    """The difference ``changes`` would make over the region's subtree; nothing is written."""
    region_id = scope(store, p, region_id, "ask what if")
    if len(changes) > MAX_CHANGES:
        raise ValidationError("changes", Message.of("whatif.changes.too_many", limit=str(MAX_CHANGES),
                                                      got=str(len(changes))))
    return whatif(
        _region_view(store, region_id),
        region_id,
        changes,
        on=on or clock.today(),
        policy=care_policy(),
        locale=locale,
    )


def fairness_rows(
    store: Store, p: Principal, region_id: str | None, *, on: dt.date | None = None
) -> list[FairnessRow]:
    region_id = scope(store, p, region_id, "see fairness")
    return fairness(_region_view(store, region_id), region_id, on=on or clock.today(), policy=care_policy())


def burn_down_rows(
    store: Store, p: Principal, region_id: str | None, *, on: dt.date | None = None, window_days: int = 90
) -> list[BurnDown]:
    region_id = scope(store, p, region_id, "see burn-down")
    if isinstance(window_days, bool) or not isinstance(window_days, int) or not 7 <= window_days <= 730:
        raise ValidationError("windowDays", Message.of("error.int.between", lo=7, hi=730,
                                                       got=repr(window_days)))
    return burn_down(
        _region_view(store, region_id), region_id, on=on or clock.today(), window_days=window_days
    )
