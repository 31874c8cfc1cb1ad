"""A case conference's allocation as a model: households, their needs, the
resources each may get, and the places those resources have left.

:func:`build` reads every household from a view with the same steps as
:func:`matching.match` (:func:`matching.neighbourhood.read`, then
:func:`matching.candidates.find_candidates`: every eligibility rule), so a
need this model cannot cover is exactly a need ``match()`` flags MISSING or
CAPACITY. Then:

* an **element** is one household's open needs of one coverable domain (one
  resource covers them all, as in a package), worth the sum of
  :meth:`~matching.policy.Policy.need_value_of` over those needs; and, as in a
  package (:mod:`matching.packages`), a *fit element* per tagged open need some
  candidate fits (shares a tag with), worth ``policy.tag_miss`` and covered by
  the candidates that fit it: a plan giving the need help of its type is worth
  that much more. Fit elements stand for no need (they never count as covered
  or unmet needs);
* a **choice** is one candidate resource for one household: the elements it
  covers, its item cost (:func:`matching.costing.item_cost`, the same terms
  as a package) and its provider;
* a **limit** is a number of places several choices share: a service's free
  places (every household it serves takes one place, whatever the number of
  needs) or an MOU's quota left (shared by every service under it).
  Services without a capacity are unlimited, and so are volunteers with an
  hour a week left (a volunteer whose accepted referrals take every hour is
  no candidate at all: the CAPACITY rule; the hours left are not rationed
  across the households of one allocation).
* a **clash** is two choices of one household that exclude each other
  (a hard constraint here: a plan never gives both).

:func:`value` is the objective of a set of choices, in hundredths::

    sum(element values covered) - sum over households(fee * providers + sum(item costs))

All numbers are integers (hundredths), so every engine and the brute force
in the tests agree exactly.

Complexity: O(households x (resources serving their chain + candidates x domains)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.errors import NotFoundError
from graph.model import Domain

from .costing import excludes_each_other, in_play_services, item_cost
from .eligibility import can_serve
from .neighbourhood import Neighbourhood, Resource, read
from .places import Contest
from .policy import Policy, centi


@dataclass(frozen=True, slots=True)
class Element:
    """One household's open needs of one coverable domain."""

    household: int
    domain: Domain
    need_ids: tuple[str, ...]
    #: in hundredths
    value: int
    #: for a fit element, the tagged need it is about (its ``need_ids`` are empty)
    fit: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """One candidate resource for one household."""

    household: int
    resource_key: str
    resource_id: str
    resource_label: str
    #: indices into :attr:`Model.elements`
    elements: tuple[int, ...]
    #: item cost in hundredths
    cost: int
    provider_key: str


@dataclass(frozen=True, slots=True)
class Limit:
    """Places shared by some choices: a service's free places or an MOU's quota left."""

    key: str
    places: int
    choices: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Model:
    household_ids: tuple[str, ...]
    demands: tuple[Demand, ...]
    elements: tuple[Element, ...]
    choices: tuple[Choice, ...]
    #: every finite limit (binding or not), by key
    limits: tuple[Limit, ...]
    #: pairs (i, j), i < j, of choices of one household that exclude each other
    clashes: tuple[tuple[int, int], ...]
    #: the provider fee, in hundredths
    fee: int
    #: the value of every open need of the households, coverable or not, in hundredths
    open_value: int
    on: dt.date
    policy: Policy

    def binding_limits(self) -> tuple[Limit, ...]:
        """Limits with fewer places than households that could use them."""
        return tuple(lim for lim in self.limits if lim.places < len(lim.choices))


@dataclass(frozen=True, slots=True)
class Demand:
    """One household's open needs by domain and the resources that can cover each."""

    nb: Neighbourhood
    #: per domain with open needs, in domain order: (domain, need ids, candidates by key)
    fields: tuple[tuple[Domain, tuple[str, ...], tuple[Resource, ...]], ...]
    #: every resource that can cover some open need, by key
    candidates: tuple[Resource, ...]


def demand(nb: Neighbourhood, on: dt.date) -> Demand:
    """The household's candidates per open-need domain: the resources in reach
    that pass every rule (:func:`matching.eligibility.can_serve`, the boolean
    form of the rules :func:`matching.candidates.find_candidates` applies, so
    the two agree; a property test holds them equal)."""
    by_domain: dict[Domain, list[str]] = {}
    for n in nb.needs:
        by_domain.setdefault(n.domain, []).append(n.id)
    chain = [r.id for r in nb.chain]
    ok = [r for r in nb.in_reach if can_serve(r, nb.household, chain, nb.received, on)]
    fields = tuple((d, tuple(sorted(by_domain[d])), tuple(r for r in ok if d in r.domains))
                   for d in Domain if d in by_domain)
    keys = {r.key for _, _, rs in fields for r in rs}
    return Demand(nb, fields, tuple(r for r in ok if r.key in keys))


def read_households(g: nx.MultiDiGraph, household_ids: Sequence[str], on: dt.date,
                    policy: Policy | None = None) -> tuple[tuple[str, ...], tuple[Demand, ...]]:
    """Each distinct household (first occurrence order) and its demand.
    Raises :class:`NotFoundError` naming ``householdIds`` for an unknown id."""
    ids = tuple(dict.fromkeys(household_ids))
    tags = policy.tags if policy is not None else None
    out = []
    for hid in ids:
        try:
            nb = read(g, hid, tags)
        except NotFoundError as e:
            raise NotFoundError("householdIds", e.message) from None
        out.append(demand(nb, on))
    return ids, tuple(out)


def build(g: nx.MultiDiGraph, household_ids: Sequence[str], on: dt.date, policy: Policy) -> Model:
    """The model of allocating places to ``household_ids`` (see the module docstring)."""
    ids, demands = read_households(g, household_ids, on, policy)
    elements: list[Element] = []
    choices: list[Choice] = []
    clashes: list[tuple[int, int]] = []
    places: dict[str, int] = {}
    users: dict[str, list[int]] = {}
    open_value = 0
    for h, dm in enumerate(demands):
        nb = dm.nb
        urgency = nb.household.urgency
        severity = {n.id: n.severity for n in nb.needs}
        open_value += sum(centi(policy.need_value_of(urgency, n.severity)) for n in nb.needs)
        index: dict[Domain, int] = {}
        for domain, need_ids, cands in dm.fields:
            if cands:
                index[domain] = len(elements)
                elements.append(Element(h, domain, need_ids, sum(
                    centi(policy.need_value_of(urgency, severity[n])) for n in need_ids)))
        fits: list[tuple[int, Domain, frozenset[str]]] = []
        for n in nb.needs:
            if n.tags and n.domain in index and any(n.domain in r.domains and r.tags & n.tags
                                                    for r in dm.candidates):
                fits.append((len(elements), n.domain, n.tags))
                elements.append(Element(h, n.domain, (), centi(policy.tag_miss), fit=n.id))
        in_play = in_play_services(nb)
        first = len(choices)
        for r in dm.candidates:
            k = len(choices)
            covered = tuple(sorted([index[d] for d in r.domains if d in index]
                                   + [e for e, d, tags in fits if d in r.domains and r.tags & tags]))
            choices.append(Choice(h, r.key, r.id, r.label, covered, item_cost(r, nb, policy, in_play).total,
                                  r.provider_key))
            if r.is_service and r.available is not None:
                places[r.key] = r.available
                users.setdefault(r.key, []).append(k)
            if r.is_service and r.agreement is not None and r.agreement.annual_quota is not None:
                akey = f"Agreement:{r.agreement.id}"
                places[akey] = r.agreement.quota_left or 0
                users.setdefault(akey, []).append(k)
        for i, a in enumerate(dm.candidates):
            for j in range(i + 1, len(dm.candidates)):
                if excludes_each_other(a, dm.candidates[j]):
                    clashes.append((first + i, first + j))
    limits = tuple(Limit(key, places[key], tuple(users[key])) for key in sorted(places))
    return Model(ids, demands, tuple(elements), tuple(choices), limits, tuple(clashes),
                 centi(policy.provider), open_value, on, policy)


def contest(m: Model) -> Contest:
    """The model as :func:`matching.places.max_cover` reads it: elements weighing
    their needs, choices with the limits they take a place of, clashes."""
    limits_of: dict[int, list[str]] = {}
    for lim in m.limits:
        for k in lim.choices:
            limits_of.setdefault(k, []).append(lim.key)
    real = {e: i for i, e in enumerate(e for e, el in enumerate(m.elements) if el.fit is None)}
    return Contest(
        weights=tuple(len(el.need_ids) for el in m.elements if el.fit is None),
        choices=tuple((tuple(real[e] for e in c.elements if e in real), tuple(limits_of.get(k, ())))
                      for k, c in enumerate(m.choices)),
        places={lim.key: lim.places for lim in m.limits}, clashes=m.clashes,
    )


def dominated(m: Model) -> set[int]:
    """Choices some plan never needs: ``j`` is dominated by another choice ``i``
    of the same household when ``i`` is *free* (in no binding limit and no
    clash), covers every element ``j`` covers, and costs no more even with a
    provider fee (same provider and ``cost[i] <= cost[j]``, or ``cost[i] + fee
    <= cost[j]``), ``(cost, index)`` of ``i`` coming first. Replacing ``j`` by
    ``i`` in any plan keeps it valid and never lowers its value, and the
    relation is transitive, so dropping every dominated choice keeps an
    optimal plan. O(sum over households of choices^2)."""
    busy = {k for lim in m.binding_limits() for k in lim.choices}
    busy.update(k for pair in m.clashes for k in pair)
    by_household: dict[int, list[int]] = {}
    for k, c in enumerate(m.choices):
        by_household.setdefault(c.household, []).append(k)
    out: set[int] = set()
    for ks in by_household.values():
        covers = {k: frozenset(m.choices[k].elements) for k in ks}
        ordered = sorted(ks, key=lambda k: (m.choices[k].cost, k))
        free = [k for k in ordered if k not in busy]
        for j in ordered:
            cj = m.choices[j]
            for i in free:
                ci = m.choices[i]
                if (ci.cost, i) >= (cj.cost, j):
                    break
                if covers[j] <= covers[i] and (
                        (ci.provider_key == cj.provider_key) or ci.cost + m.fee <= cj.cost):
                    out.add(j)
                    break
    return out


def value(m: Model, chosen: Iterable[int]) -> int:
    """The objective of a set of choices, in hundredths (see the module docstring)."""
    chosen = sorted(set(chosen))
    covered: set[int] = set()
    providers: set[tuple[int, str]] = set()
    total = 0
    for k in chosen:
        c = m.choices[k]
        covered.update(c.elements)
        providers.add((c.household, c.provider_key))
        total -= c.cost
    total -= m.fee * len(providers)
    return total + sum(m.elements[e].value for e in covered)


def violations(m: Model, chosen: Iterable[int]) -> list[str]:
    """Why a set of choices is not a valid plan (empty when it is): a limit
    overbooked, or two clashing choices both taken."""
    chosen = set(chosen)
    out = []
    for lim in m.limits:
        used = sum(1 for k in lim.choices if k in chosen)
        if used > lim.places:
            out.append(f"{lim.key}: {used} places given, {lim.places} left")
    for i, j in m.clashes:
        if i in chosen and j in chosen:
            out.append(f"{m.choices[i].resource_key} and {m.choices[j].resource_key} exclude each other")
    return out


def prune(m: Model, chosen: Iterable[int]) -> tuple[int, ...]:
    """Drop choices whose elements the household's other choices already cover,
    dearest first. Never lowers :func:`value` (costs are non-negative) and
    frees places. O(chosen x choices of a household)."""
    by_household: dict[int, list[int]] = {}
    for k in sorted(set(chosen)):
        by_household.setdefault(m.choices[k].household, []).append(k)
    kept_all: list[int] = []
    for kept in by_household.values():
        for k in sorted(kept, key=lambda k: (-m.choices[k].cost, -k)):
            others = {e for j in kept if j != k for e in m.choices[j].elements}
            if set(m.choices[k].elements) <= others:
                kept.remove(k)
        kept_all += kept
    return tuple(sorted(kept_all))
