"""What would it take: the smallest changes that would cover a household's missing needs,
or the unmet needs of a case conference's allocation, ranked by cost, each verified.

For each need nothing covers, candidate changes (:mod:`matching.whatif`) are
drawn from why it is not covered:

=============  =====================================================================  ==========
kind           when                                                                   cost
=============  =====================================================================  ==========
MOVE           a full service the household is eligible for holds an ACCEPTED         1
               referral of another household that an alternative of equal fit (same
               form, same type tags, offers the referral's domains, a free place, the
               other household eligible) could take instead (household only: an
               optimal allocation already moves whatever it can)
WAIVE_INCOME   a near miss on income (within ``policy.near_miss_points``)             2 + points/10
WAIVE_TRAIT    a near miss on one discretionary trait                                 3
ADD_PLACES     the household is eligible but every place is taken (or went to other  3 per place
               needs of the plan); 1 to :data:`MAX_PLACES` places
ADD_QUOTA      the same for an MOU's annual quota                                     3 per unit
EXTEND         a service it would be eligible for serves a neighbouring region (a     5
               sibling of its dong or of an ancestor): serve the household's one too
=============  =====================================================================  ==========

Every candidate is **verified** by applying it to a copy of the view and
re-running the question: for a household, which open needs an eligible
resource with a free place covers (exactly what a package covers); for an
allocation, :func:`matching.allocate` over the same households (a need is
covered when the new plan assigns it). A suggestion claims exactly the needs
the re-run covered that were not covered before (``covers``), and is listed
only when that includes the need it was drawn for. Then every suggestion
another one *dominates* (costs no more and covers every need it covers) is
dropped, and the rest are ranked by cost, then by needs covered (most first):
no listed suggestion is dominated by one ranked after it.

Needs no single change covers are listed too, with the reason code they
have now (:class:`matching.results.Reason`) and no suggestion.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.errors import NotFoundError
from graph.model import Domain, ReferralStatus, node_key
from i18n import clock

from .allocation import AllocationResult, allocate
from .allocation_model import demand
from .candidates import find_candidates
from .eligibility import Rule, agreement_in_force, can_serve, has_place, has_quota, is_active, open_to
from .flags import gap_flags
from .messages import Message, Text, check_locale
from .neighbourhood import Neighbourhood, Resource, read, resource_at
from .policy import DEFAULT_POLICY, Policy
from .regions import RegionTree
from .results import Reason
from .whatif import AddPlaces, AddQuota, Change, Extend, Move, Waive, apply, household_cover

#: the most places (or quota units) one suggestion asks for
MAX_PLACES = 3
#: referrals examined per full service for a MOVE
MAX_MOVES = 20
KIND_ORDER = ("MOVE", "WAIVE_INCOME", "WAIVE_TRAIT", "ADD_PLACES", "ADD_QUOTA", "EXTEND")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One change, what it costs and what it covers (verified)."""

    kind: str
    change: Change
    cost: float
    #: the needs the change covers that were not covered before (verified by a re-run)
    covers: tuple[str, ...]
    #: the domain and need it was drawn for, and the code that need has now
    domain: Domain
    need_id: str
    reason: Reason
    message: Message
    #: the service (or MOU, for ADD_QUOTA) the change is about
    target_id: str
    #: points of an income exception, places or quota units
    amount: int = 1

    def sort_key(self) -> tuple[float, int, int, str]:
        return (self.cost, -len(self.covers), KIND_ORDER.index(self.kind), self.target_id)


@dataclass(frozen=True, slots=True)
class NeedAnswer:
    """A need not covered now, and the suggestions that would cover it, cheapest first."""

    household_id: str
    need_id: str
    domain: Domain
    reason: Reason
    suggestions: tuple[Suggestion, ...]
    message: Message | None = None


@dataclass(frozen=True, slots=True)
class Takes:
    answers: tuple[NeedAnswer, ...]
    #: every distinct suggestion (all needs), undominated, cheapest first
    suggestions: tuple[Suggestion, ...]
    #: re-runs done to verify candidates
    reruns: int = 0


def dominates(a: Suggestion, b: Suggestion) -> bool:
    """``a`` costs no more than ``b`` and covers every need ``b`` covers."""
    return a.cost <= b.cost and set(b.covers) <= set(a.covers)


def undominated(items: Iterable[Suggestion]) -> list[Suggestion]:
    """Drop every suggestion another dominates (of two equal ones keep the first in rank), rank the rest."""
    ranked = sorted(items, key=Suggestion.sort_key)
    out: list[Suggestion] = []
    for i, s in enumerate(ranked):
        if any(dominates(t, s) for j, t in enumerate(ranked) if j != i and (
                not dominates(s, t) or j < i)):
            continue
        out.append(s)
    return out


# ---------------------------------------------------------------------------
# candidate changes for one household and domain


def _siblings(tree: RegionTree, chain: Sequence[str]) -> list[tuple[str, str]]:
    """(neighbour, the chain region it neighbours): siblings of each region of the chain."""
    out = []
    for rid in chain:
        parent = tree.parent.get(rid)
        if parent is None:
            continue
        out += [(s, rid) for s in tree.children.get(parent, ()) if s != rid]
    return out


def _serving(g: nx.MultiDiGraph, region_id: str) -> list[str]:
    rkey = node_key("Region", region_id)
    if rkey not in g:
        return []
    return sorted(u for u, _, k in g.in_edges(rkey, keys=True) if k == "SERVES")


def _equal_fit(a: Resource, b: Resource) -> bool:
    return a.form == b.form and a.tags == b.tags


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: str
    change: Change
    cost: float
    target_id: str
    amount: int
    message: Message
    #: node keys a local copy of the view must hold to verify it
    extra: tuple[str, ...] = ()


def _candidates(g: nx.MultiDiGraph, nb: Neighbourhood, domain: Domain, on: dt.date, policy: Policy,
                tree: RegionTree, *, household_only: bool = True,
                full_keys: Sequence[str] = ()) -> list[_Candidate]:
    """Candidate changes that might cover ``domain`` for the household (see the module docstring).
    ``full_keys``: resources (allocation: eligible, but their places went to other needs) to add
    places or quota to, besides those full now."""
    cs = find_candidates(nb, on, policy)
    hh = nb.household
    out: list[_Candidate] = []
    seen_limits: set[str] = set()
    f = cs.field(domain)
    offering = f.offering if f is not None else ()
    for v in offering:
        r = v.resource
        failed = {c.rule for c in v.failed}
        near = v.near_miss
        if near is not None and near.rule == Rule.INCOME:
            assert r.max_income_percent is not None
            points = hh.income_percent - r.max_income_percent
            waive = Waive(hh.id, "INCOME", points=points)
            msg = Message.of("take.waive_income", domain=domain, points=points, name=r.name,
                             ceiling=r.max_income_percent, income=hh.income_percent,
                             approver=Text(*policy.income_approver))
            out.append(_Candidate("WAIVE_INCOME", waive, 2 + points / 10, r.id, points, msg))
        elif near is not None and near.rule == Rule.TRAITS:
            trait = next(t for t in r.required_traits if t not in hh.traits)
            out.append(_Candidate("WAIVE_TRAIT", Waive(hh.id, "TRAITS", trait=trait), 3.0, r.id, 1,
                                  Message.of("take.waive_trait", domain=domain, trait=trait, name=r.name,
                                             approver=Text(*policy.trait_approver))))
        if r.is_service and failed and failed <= {Rule.CAPACITY, Rule.QUOTA}:
            out += _limit_candidates(r, domain, failed, seen_limits)
            if failed == {Rule.CAPACITY} and household_only:
                out += _moves(g, r, domain, on, policy)
    for key in full_keys:
        fr = nb.resources.get(key)
        if fr is not None and fr.is_service and domain in fr.domains:
            rules = set()
            if fr.capacity is not None:
                rules.add(Rule.CAPACITY)
            if fr.agreement is not None and fr.agreement.annual_quota is not None:
                rules.add(Rule.QUOTA)
            out += _limit_candidates(fr, domain, rules, seen_limits)
    # extension: a service serving a neighbouring region the household would be eligible for
    reach = {r.key for r in nb.in_reach}
    chain = [c.id for c in nb.chain]
    seen: set[str] = set()
    for neighbour, mine in _siblings(tree, chain):
        for key in _serving(g, neighbour):
            if key in reach or key in seen:
                continue
            x = resource_at(g, key)
            if x is None or not x.is_service or domain not in x.domains:
                continue
            if not (is_active(x) and agreement_in_force(x, on) and has_place(x) and has_quota(x)
                    and open_to(x, hh, nb.received)):
                continue
            seen.add(key)
            extra: tuple[str, ...] = (key, node_key("Region", mine), x.provider_key)
            if x.agreement_id is not None:
                extra += (node_key("Agreement", x.agreement_id),)
            out.append(_Candidate("EXTEND", Extend(x.id, mine), 5.0, x.id, 1, Message.of(
                "take.extend", domain=domain, name=x.name, provider=x.provider_name,
                region=tree.names.get(mine, mine), served=tree.names.get(neighbour, neighbour)), extra))
    return out


def _limit_candidates(r: Resource, domain: Domain, rules: set[Rule], seen: set[str]) -> list[_Candidate]:
    out = []
    if Rule.CAPACITY in rules and r.key not in seen:
        seen.add(r.key)
        for n in range(1, MAX_PLACES + 1):
            out.append(_Candidate("ADD_PLACES", AddPlaces(r.id, n), 3.0 * n, r.id, n, Message.of(
                "take.add_places", domain=domain, places=n, name=r.name, provider=r.provider_name)))
    a = r.agreement
    if Rule.QUOTA in rules and a is not None and f"Agreement:{a.id}" not in seen:
        seen.add(f"Agreement:{a.id}")
        for n in range(1, MAX_PLACES + 1):
            out.append(_Candidate("ADD_QUOTA", AddQuota(a.id, n), 3.0 * n, a.id, n, Message.of(
                "take.add_quota", domain=domain, places=n, agreement=a.id)))
    return out


def _moves(g: nx.MultiDiGraph, full: Resource, domain: Domain, on: dt.date,
           policy: Policy) -> list[_Candidate]:
    """MOVE candidates: ACCEPTED referrals to the full service whose household has an alternative
    of equal fit with a free place."""
    out: list[_Candidate] = []
    refs = sorted(u for u, _, k in g.in_edges(full.key, keys=True) if k == "TO")
    for rkey in refs[:MAX_MOVES]:
        ref = g.nodes[rkey]
        if ref.get("status") != ReferralStatus.ACCEPTED:
            continue
        try:
            other = read(g, ref["household_id"], policy.tags)
        except NotFoundError:  # the other household is outside the view: no move
            continue
        doms = {g.nodes[node_key("Need", n)]["domain"] for n in ref["need_ids"] if node_key("Need", n) in g}
        chain = [c.id for c in other.chain]
        for alt in other.in_reach:
            if (alt.key == full.key or not alt.is_service or not doms <= alt.domains
                    or not _equal_fit(alt, full)
                    or not can_serve(alt, other.household, chain, other.received, on)):
                continue
            extra = (rkey, alt.key, node_key("Household", ref["household_id"]))
            out.append(_Candidate("MOVE", Move(ref["id"], alt.id), 1.0, full.id, 1, Message.of(
                "take.move", domain=domain, other=ref["household_id"], name=full.name,
                alternative=alt.name), extra))
            break
    return out


# ---------------------------------------------------------------------------
# a local copy to verify on


def local_view(g: nx.MultiDiGraph, household_id: str, extra: Iterable[str] = ()) -> nx.MultiDiGraph:
    """The part of ``g`` that :func:`matching.neighbourhood.read` of the household reads (its
    needs, receipts, referrals, region chain, every resource serving the chain, their organizations
    and MOUs), plus ``extra`` node keys and what they name: a small view giving the same answer."""
    h = node_key("Household", household_id)
    keep: set[str] = {h}
    keep.update(v for _, v in g.out_edges(h))
    keep.update(u for u, _ in g.in_edges(h))
    rid: str | None = g.nodes[h]["region_id"]
    seen: set[str] = set()
    while rid is not None and rid not in seen:
        seen.add(rid)
        rkey = node_key("Region", rid)
        if rkey not in g:
            break
        keep.add(rkey)
        keep.update(u for u, _, k in g.in_edges(rkey, keys=True) if k == "SERVES")
        rid = g.nodes[rkey].get("parent_id")
    keep.update(k for k in extra if k in g)
    for k in list(keep):
        a = g.nodes[k]
        if a.get("label") == "Referral":
            keep.add(node_key(a["resource_label"], a["resource_id"]))
    for k in list(keep):
        a = g.nodes.get(k, {})
        if a.get("label") == "Service":
            keep.add(node_key("Organization", a["provider_id"]))
            if a.get("agreement_id"):
                keep.add(node_key("Agreement", a["agreement_id"]))
    return g.subgraph(k for k in keep if k in g).copy()


def _reason_of(nb: Neighbourhood, domain: Domain, on: dt.date, policy: Policy) -> Reason:
    cs = find_candidates(nb, on, policy)
    for d in gap_flags(cs, policy):
        if d.domain == domain and d.kind.value in ("MISSING", "CAPACITY"):
            return d.reason
    return Reason.NOT_ENOUGH_PLACES


def what_would_it_take(g: nx.MultiDiGraph, household_id: str, *, on: dt.date | None = None,
                       policy: Policy = DEFAULT_POLICY) -> Takes:
    """The changes that would cover the household's needs no package covers (see the module docstring).

    ``g``: a view holding the household, what reaches it and its neighbouring
    regions (``store.graph(city)``); any larger view gives the same answer.
    Raises :class:`graph.errors.NotFoundError` (``householdId``) for an unknown household.
    O(candidates x a local re-run)."""
    on = on or clock.today()
    nb = read(g, household_id, policy.tags)
    dm = demand(nb, on)
    missing = {d: ids for d, ids, cands in dm.fields if not cands}
    tree = RegionTree.of(g)
    answers: list[NeedAnswer] = []
    every: list[Suggestion] = []
    reruns = 0
    missing_ids = {n for ids in missing.values() for n in ids}
    for domain, need_ids in missing.items():
        reason = _reason_of(nb, domain, on, policy)
        found: list[Suggestion] = []
        for c in _candidates(g, nb, domain, on, policy, tree):
            view = apply(local_view(g, household_id, c.extra), [c.change])
            reruns += 1
            covered = household_cover(view, household_id, on, policy).covered & missing_ids
            if not set(need_ids) <= covered:
                continue
            found.append(Suggestion(c.kind, c.change, c.cost, tuple(sorted(covered)), domain, need_ids[0],
                                    reason, c.message, c.target_id, c.amount))
        kept = tuple(undominated(found))
        every += kept
        msg = None if kept else Message.of("take.none", domain=domain)
        for nid in need_ids:
            answers.append(NeedAnswer(household_id, nid, domain, reason, kept, msg))
    return Takes(tuple(answers), tuple(undominated(_distinct(every))), reruns)


def _distinct(items: Iterable[Suggestion]) -> list[Suggestion]:
    out: dict[object, Suggestion] = {}
    for s in items:
        prev = out.get(s.change)
        if prev is None or len(s.covers) > len(prev.covers):
            out[s.change] = s
    return list(out.values())


# ---------------------------------------------------------------------------
# the unmet needs of an allocation


def what_would_it_take_plan(g: nx.MultiDiGraph, household_ids: Sequence[str], *, on: dt.date | None = None,
                            policy: Policy = DEFAULT_POLICY, time_limit: float = 10.0,
                            budget_s: float = 30.0, locale: str = "en",
                            plan: AllocationResult | None = None) -> tuple[AllocationResult, Takes]:
    """For each unmet need of :func:`matching.allocate` over ``household_ids``, the changes that would
    get it covered (see the module docstring): verified by re-running the allocation with the change.

    ``g`` holds the households, what reaches them and their neighbouring
    regions. ``budget_s`` bounds the re-runs (candidates left when it runs out
    are not tried: never a claim unverified). O(unmet needs x candidates x one allocation)."""
    check_locale(locale)
    on = on or clock.today()
    ids = list(dict.fromkeys(household_ids))
    base = plan or allocate(g, ids, on=on, policy=policy, time_limit=time_limit, locale=locale)
    unmet_ids = {u.need_id for u in base.unmet}
    tree = RegionTree.of(g)
    start = time.perf_counter()
    answers: list[NeedAnswer] = []
    every: list[Suggestion] = []
    reruns = 0
    cache: dict[Change, frozenset[str]] = {}
    by_household: dict[str, Neighbourhood] = {}
    for u in base.unmet:
        nb = by_household.get(u.household_id) or read(g, u.household_id, policy.tags)
        by_household[u.household_id] = nb
        domain = next(n.domain for n in nb.needs if n.id == u.need_id)
        reason = Reason(u.reason)
        competing = [r.key for r in demand(nb, on).candidates if domain in r.domains]
        found: list[Suggestion] = []
        for c in _candidates(g, nb, domain, on, policy, tree, household_only=False, full_keys=competing):
            if c.change not in cache:
                if time.perf_counter() - start > budget_s:
                    continue
                after = allocate(apply(g, [c.change]), ids, on=on, policy=policy, time_limit=time_limit)
                reruns += 1
                cache[c.change] = frozenset(a.need_id for a in after.assignments) & unmet_ids
            covered = cache[c.change]
            if u.need_id not in covered:
                continue
            found.append(Suggestion(c.kind, c.change, c.cost, tuple(sorted(covered)), domain, u.need_id,
                                    reason, c.message, c.target_id, c.amount))
        kept = tuple(undominated(found))
        every += kept
        answers.append(NeedAnswer(u.household_id, u.need_id, domain, reason, kept,
                                  None if kept else Message.of("take.none", domain=domain)))
    return base, Takes(tuple(answers), tuple(undominated(_distinct(every))), reruns)
