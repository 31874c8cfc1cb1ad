"""Helpers for the matching tests: a tiny hand-made world, a random-graph
strategy, and oracles that restate the rules and the cost from the records
(independently of matching/, so the tests can catch it being wrong)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from hypothesis import strategies as st

from graph.model import (
    Agreement,
    Domain,
    Household,
    Need,
    Organization,
    Receipt,
    Record,
    Referral,
    Region,
    Service,
    Volunteer,
    node_key,
)
from graph.view import build_graph, neighbourhood_nodes
from loaders import synthetic
from matching.policy import DEFAULT_POLICY, Policy

ON = dt.date(2026, 6, 1)
HID = "hh-1"

# -- a hand-made world ---------------------------------------------------------
#   prov ── city-a ── dong-a1 (the household), dong-a2
#        └─ city-b ── dong-b1


def regions() -> list[Record]:
    return [
        Region(id="prov", name="Province", level="PROVINCE"),
        Region(id="city-a", name="City A", level="CITY", parent_id="prov"),
        Region(id="city-b", name="City B", level="CITY", parent_id="prov"),
        Region(id="dong-a1", name="Dong A1", level="DONG", parent_id="city-a"),
        Region(id="dong-a2", name="Dong A2", level="DONG", parent_id="city-a"),
        Region(id="dong-b1", name="Dong B1", level="DONG", parent_id="city-b"),
    ]


def orgs() -> list[Record]:
    return [
        Organization(id="org-pub", name="City Hall", sector="PUBLIC"),
        Organization(id="org-pub2", name="Job Center", sector="PUBLIC"),
        Organization(id="org-npo", name="Neighbours", sector="NONPROFIT"),
        Organization(id="org-church", name="Church", sector="RELIGIOUS"),
        Organization(id="org-bar", name="Bar Association", sector="ASSOCIATION"),
    ]


def svc(id: str, domains=("HOUSING",), *, provider="org-npo", regions=("city-a",), **kw) -> Service:
    return Service(id=id, name=kw.pop("name", id), provider_id=provider, domains=list(domains),
                   region_ids=list(regions), **kw)


def household(**kw) -> Household:
    base = {"id": HID, "region_id": "dong-a1", "size": 3, "income_percent": 60, "traits": ["UNEMPLOYED"],
            "urgency": "GENERAL"}
    base.update(kw)
    return Household(**base)


def need(domain: str, id: str | None = None, **kw) -> Need:
    return Need(id=id or f"need-{domain.lower()}", household_id=HID, domain=domain,
                severity=kw.pop("severity", 3), **kw)


def world(*extra: Record, hh: Household | None = None, needs: Iterable[Record] | None = None) -> list[Record]:
    """The hand-made world plus ``extra`` records; one household with the given needs."""
    needs = needs if needs is not None else [need("HOUSING")]
    return [*regions(), *orgs(), hh or household(), *needs, *extra]


def view(records: list[Record], household_id: str = HID):
    """The household's neighbourhood view, cut exactly as the stores cut it."""
    g = build_graph(records)
    return g.subgraph(neighbourhood_nodes(g, household_id)).copy()


# -- oracles ---------------------------------------------------------------------


def chain_of(records: list[Record], region_id: str) -> list[str]:
    parent = {r.id: r.parent_id for r in records if isinstance(r, Region)}
    out, cur = [], region_id
    while cur is not None and cur not in out:
        out.append(cur)
        cur = parent.get(cur)
    return out


@dataclass
class Facts:
    hh: Household
    chain: list[str]
    services: dict[str, Service]
    volunteers: dict[str, Volunteer]
    agreements: dict[str, Agreement]
    orgs: dict[str, Organization]
    received: set[str]
    needs: list[Need]
    referrals: list[Referral]


def facts(records: list[Record], household_id: str = HID) -> Facts:
    hh = next(r for r in records if isinstance(r, Household) and r.id == household_id)
    return Facts(
        hh=hh, chain=chain_of(records, hh.region_id),
        services={r.id: r for r in records if isinstance(r, Service)},
        volunteers={r.id: r for r in records if isinstance(r, Volunteer)},
        agreements={r.id: r for r in records if isinstance(r, Agreement)},
        orgs={r.id: r for r in records if isinstance(r, Organization)},
        received={r.service_id for r in records if isinstance(r, Receipt) and r.household_id == household_id},
        needs=[r for r in records
               if isinstance(r, Need) and r.household_id == household_id and r.status == "OPEN"],
        referrals=[r for r in records if isinstance(r, Referral) and r.household_id == household_id],
    )


def eligible(f: Facts, label: str, rid: str, on: dt.date = ON) -> bool:
    """Can this resource serve the household (every rule but the domain)?"""
    if label == "Volunteer":
        v = f.volunteers[rid]
        return v.hours_per_week > 0 and bool(set(v.region_ids) & set(f.chain))
    s = f.services[rid]
    if not s.active or not set(s.region_ids) & set(f.chain) or s.id in f.received:
        return False
    if s.max_income_percent is not None and f.hh.income_percent > s.max_income_percent:
        return False
    if not set(s.required_traits) <= set(f.hh.traits):
        return False
    if s.capacity is not None and s.capacity - s.used <= 0:
        return False
    if s.agreement_id is not None:
        a = f.agreements[s.agreement_id]
        if not (a.signed_on <= on and (a.expires_on is None or on <= a.expires_on)):
            return False
        if a.annual_quota is not None and a.annual_quota - a.used <= 0:
            return False
    return True


def can_cover(f: Facts, resource_key: str, domain: Domain, on: dt.date = ON) -> bool:
    label, _, rid = resource_key.partition(":")
    domains = f.volunteers[rid].skills if label == "Volunteer" else f.services[rid].domains
    return domain in domains and eligible(f, label, rid, on)


def coverable_domains(f: Facts, on: dt.date = ON) -> set[Domain]:
    keys = [node_key("Service", s) for s in f.services] + [node_key("Volunteer", v) for v in f.volunteers]
    return {n.domain for n in f.needs if any(can_cover(f, k, n.domain, on) for k in keys)}


def oracle_cost(f: Facts, resource_keys: Iterable[str], policy: Policy = DEFAULT_POLICY,
                on: dt.date = ON) -> float:
    """The package cost exactly as matching/policy.py documents it, from the records."""
    keys = sorted(resource_keys)

    def r2(x: float) -> float:
        return round(x + 1e-9, 2)

    urgency = str(f.hh.urgency.value)
    lead_day = {"EMERGENCY": policy.lead_day_emergency, "FOCUSED": policy.lead_day_focused,
                "GENERAL": policy.lead_day_general}[urgency]
    deadline = {"EMERGENCY": policy.deadline_emergency, "FOCUSED": policy.deadline_focused,
                "GENERAL": policy.deadline_general}[urgency]
    in_play = set(f.received) | {r.resource_id for r in f.referrals if r.resource_label == "Service"
                                 and r.status.value not in ("DECLINED", "CLOSED")}
    providers, total = set(), 0.0
    chosen_services = []
    for key in keys:
        label, _, rid = key.partition(":")
        total += r2(policy.item)
        if label == "Volunteer":
            providers.add(key)
            total += r2(policy.other_source)
            continue
        s = f.services[rid]
        chosen_services.append(s)
        providers.add(s.provider_id)
        total += r2(lead_day * s.lead_time_days)
        if deadline is not None and s.lead_time_days > deadline:
            total += r2(policy.late)
        total += r2(policy.per_10k_won * s.cost / 10_000)
        lefts = []
        if s.capacity is not None:
            lefts.append(s.capacity - s.used)
        if s.agreement_id is not None and f.agreements[s.agreement_id].annual_quota is not None:
            a = f.agreements[s.agreement_id]
            lefts.append(a.annual_quota - a.used)
        if lefts:
            total += r2(policy.scarcity / min(lefts))
        sources = []
        if f.orgs[s.provider_id].sector == "PUBLIC":
            sources.append(policy.public_source)
        if s.agreement_id is not None:
            sources.append(policy.mou_source)
        total += r2(min(sources) if sources else policy.other_source)
        for other in in_play:
            if other != s.id and other in f.services and (
                    other in s.excludes_ids or s.id in f.services[other].excludes_ids):
                total += r2(policy.exclusive_in_play)
    total += r2(policy.provider) * len(providers)
    for i, a in enumerate(chosen_services):
        for b in chosen_services[i + 1:]:
            if b.id in a.excludes_ids or a.id in b.excludes_ids:
                total += r2(policy.exclusive_pair)
    return round(total, 2)


# -- random graphs -----------------------------------------------------------------
# loaders.synthetic.small_world builds them (the one synthetic world, at its smallest); here its
# choices are Hypothesis draws, so that a failing world shrinks and replays

DOMAIN_POOL = list(synthetic.SMALL_DOMAINS)
TRAIT_POOL = list(synthetic.SMALL_TRAITS)
REGION_POOL = [r.id for r in regions()]
#: ceilings and incomes drawn so that "equal", "just over" and "10 over" happen often
CEILINGS = list(synthetic.SMALL_CEILINGS)
INCOMES = list(synthetic.SMALL_INCOMES)


class HypothesisDraws:
    """:class:`loaders.synthetic.Draws` through a Hypothesis ``draw``."""

    def __init__(self, draw) -> None:
        self._draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self._draw(st.integers(lo, hi))

    def pick(self, items):
        return self._draw(st.sampled_from(items))

    def coin(self) -> bool:
        return self._draw(st.booleans())

    def subset(self, items, most: int, least: int = 0) -> list:
        if not items:
            return []
        return self._draw(st.lists(st.sampled_from(items), min_size=least, max_size=most, unique=True))

    def sequence(self, items, most: int, least: int = 0) -> list:
        return self._draw(st.lists(st.sampled_from(items), min_size=least, max_size=most))


@st.composite
def random_world(draw, max_services: int = 8, max_volunteers: int = 3) -> list[Record]:
    """A small random world around household ``hh-1`` in dong-a1 (see DOMAIN_POOL etc.)."""
    return synthetic.small_world(HypothesisDraws(draw), regions(), home="dong-a1", household_id=HID, on=ON,
                                 services=max_services, volunteers=max_volunteers)


def without(records: list[Record], label: str, rid: str) -> list[Record]:
    """The records without one service or volunteer and whatever names it."""
    out = []
    for r in records:
        if label == r.LABEL and r.key == rid:
            continue
        if isinstance(r, Receipt) and label == "Service" and r.service_id == rid:
            continue
        if isinstance(r, Referral) and r.resource_label == label and r.resource_id == rid:
            continue
        if isinstance(r, Service) and label == "Service" and rid in r.excludes_ids:
            r = replace(r, excludes_ids=tuple(x for x in r.excludes_ids if x != rid))
        out.append(r)
    return out
