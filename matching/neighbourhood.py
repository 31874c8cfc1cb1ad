"""Read what matching needs about one household out of a networkx view.

Input: a view in the format of :mod:`graph.view` (node keys ``"Label:id"``,
node attributes = the record's fields plus ``label``, edges keyed by
relationship type). The household's neighbourhood view
(``store.neighbourhood(hid)``) is enough; any larger view (a region subtree,
the whole graph) gives the same answer.

Output: a :class:`Neighbourhood` of small frozen records: the household, its
region chain (dong first), its open needs, the resources *in reach* (every
service and volunteer in the view that serves a region of the chain, active
or not, and offers the domain of an open need: nothing else can matter to a
package), and what is already *in play*: services received and resources
referred to (referrals not DECLINED or CLOSED).

Complexity: O(size of the chain's SERVES in-edges + the household's edges);
it never scans the whole view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph import taxonomy as taxonomy_module
from graph.errors import NotFoundError
from graph.model import (
    Domain,
    HouseholdTrait,
    NeedStatus,
    ReferralStatus,
    Sector,
    SupportForm,
    Urgency,
    node_key,
)
from graph.taxonomy import Taxonomy

#: referral statuses whose resource counts as "in play" for the household
IN_PLAY_STATUSES = frozenset({
    ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DELIVERED,
})


@dataclass(frozen=True, slots=True)
class RegionFacts:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class AgreementFacts:
    id: str
    signed_on: dt.date
    expires_on: dt.date | None
    annual_quota: int | None
    used: int

    def in_force(self, on: dt.date) -> bool:
        return self.signed_on <= on and (self.expires_on is None or on <= self.expires_on)

    @property
    def quota_left(self) -> int | None:
        return None if self.annual_quota is None else max(0, self.annual_quota - self.used)


@dataclass(frozen=True, slots=True)
class Resource:
    """A service or a volunteer, with what the rules and the cost need.

    ``provider_key`` is the node key of the organization offering a service,
    or the volunteer's own key: the unit of one-stop coordination.
    """

    key: str
    id: str
    label: str  # "Service" or "Volunteer"
    name: str
    domains: frozenset[Domain]
    region_ids: frozenset[str]
    provider_key: str
    provider_id: str
    provider_name: str
    sector: Sector | None = None
    active: bool = True
    max_income_percent: int | None = None
    required_traits: tuple[HouseholdTrait, ...] = ()
    capacity: int | None = None
    used: int = 0
    lead_time_days: int = 0
    #: None: unknown; in ``cost_currency`` (None: won)
    cost: int | None = 0
    excludes_ids: frozenset[str] = frozenset()
    agreement_id: str | None = None
    agreement: AgreementFacts | None = None
    hours_per_week: int = 0
    #: how it helps (지원형태) and what kind of help it is (type tags)
    form: SupportForm = SupportForm.SERVICE
    tags: frozenset[str] = frozenset()
    cost_currency: str | None = None
    #: a volunteer's hours a week its accepted referrals take now
    hours_used: int = 0

    @property
    def is_service(self) -> bool:
        return self.label == "Service"

    @property
    def hours_left(self) -> int | None:
        """A volunteer's hours a week not yet taken (one referral takes one unless it says
        otherwise); None for a service."""
        return None if self.is_service else max(0, self.hours_per_week - self.hours_used)

    @property
    def available(self) -> int | None:
        """Places left now; None means unlimited (volunteers: always None)."""
        if self.capacity is None:
            return None
        left = self.capacity - self.used
        return max(0, left)


@dataclass(frozen=True, slots=True)
class NeedFacts:
    id: str
    domain: Domain
    severity: int
    #: the tags given, or derived from the detail (:meth:`graph.taxonomy.Taxonomy.need_tags`)
    tags: frozenset[str] = frozenset()
    #: True when the tags were given, False when derived from the detail (or none)
    tags_given: bool = False


@dataclass(frozen=True, slots=True)
class ReferralFacts:
    id: str
    resource_key: str
    need_ids: tuple[str, ...]
    status: ReferralStatus


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    id: str
    region_id: str
    income_percent: int
    traits: frozenset[HouseholdTrait]
    urgency: Urgency


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    household: HouseholdFacts
    #: the household's dong first, then each ancestor
    chain: tuple[RegionFacts, ...]
    #: OPEN needs, by domain order then id
    needs: tuple[NeedFacts, ...]
    #: resources serving a region of the chain and offering an open need's domain, by key
    in_reach: tuple[Resource, ...]
    #: keys of the services the household receives
    received: frozenset[str]
    #: referrals in play (not DECLINED or CLOSED), by id
    referrals: tuple[ReferralFacts, ...]
    #: every resource named above (in reach, received or referred), by key
    resources: dict[str, Resource]

    @property
    def region(self) -> RegionFacts:
        return self.chain[0]


def _edges_out(g: nx.MultiDiGraph, n: str, rel: str) -> list[str]:
    return [v for _, v, k in g.out_edges(n, keys=True) if k == rel]


def _edges_in(g: nx.MultiDiGraph, n: str, rel: str) -> list[str]:
    return [u for u, _, k in g.in_edges(n, keys=True) if k == rel]


def _chain(g: nx.MultiDiGraph, region_id: str) -> tuple[RegionFacts, ...]:
    out: list[RegionFacts] = []
    seen: set[str] = set()
    rid: str | None = region_id
    while rid is not None and rid not in seen:
        attrs = g.nodes.get(node_key("Region", rid))
        if attrs is None:
            if not out:
                raise NotFoundError("regionId", f"region {rid!r} of the household is not in the view")
            break
        seen.add(rid)
        out.append(RegionFacts(rid, attrs["name"]))
        rid = attrs.get("parent_id")
    return tuple(out)


def _resource(g: nx.MultiDiGraph, key: str, attrs: dict[str, Any]) -> Resource:
    if attrs["label"] == "Volunteer":
        return Resource(
            key=key, id=attrs["id"], label="Volunteer", name=attrs["name"],
            domains=frozenset(attrs["skills"]), region_ids=frozenset(attrs["region_ids"]),
            provider_key=key, provider_id=attrs["id"], provider_name=attrs["name"],
            hours_per_week=attrs["hours_per_week"], form=SupportForm(attrs.get("form", SupportForm.SERVICE)),
            tags=frozenset(attrs.get("tags", ())), hours_used=attrs.get("hours_used", 0),
        )
    org = g.nodes.get(node_key("Organization", attrs["provider_id"]), {})
    agreement = None
    if attrs["agreement_id"] is not None:
        a = g.nodes.get(node_key("Agreement", attrs["agreement_id"]))
        if a is not None:
            agreement = AgreementFacts(a["id"], a["signed_on"], a["expires_on"], a["annual_quota"], a["used"])
    return Resource(
        key=key, id=attrs["id"], label="Service", name=attrs["name"],
        domains=frozenset(attrs["domains"]), region_ids=frozenset(attrs["region_ids"]),
        provider_key=node_key("Organization", attrs["provider_id"]), provider_id=attrs["provider_id"],
        provider_name=org.get("name", attrs["provider_id"]), sector=org.get("sector"),
        active=attrs["active"], max_income_percent=attrs["max_income_percent"],
        required_traits=tuple(attrs["required_traits"]), capacity=attrs["capacity"], used=attrs["used"],
        lead_time_days=attrs["lead_time_days"], cost=attrs["cost"],
        excludes_ids=frozenset(attrs["excludes_ids"]), agreement_id=attrs["agreement_id"],
        agreement=agreement, form=SupportForm(attrs.get("form", SupportForm.SERVICE)),
        tags=frozenset(attrs.get("tags", ())), cost_currency=attrs.get("cost_currency"),
    )


def resource_at(g: nx.MultiDiGraph, key: str) -> Resource | None:
    """The :class:`Resource` for a ``Service:`` or ``Volunteer:`` node key (None if not one in ``g``)."""
    attrs = g.nodes.get(key)
    if attrs is None or attrs.get("label") not in ("Service", "Volunteer"):
        return None
    return _resource(g, key, attrs)


_DOMAIN_ORDER = {d: i for i, d in enumerate(Domain)}


def need_facts(attrs: dict[str, Any], taxonomy: Taxonomy) -> NeedFacts:
    """A need node's facts, its tags given or derived from its detail."""
    domain = Domain(attrs["domain"])
    given = tuple(attrs.get("tags", ()))
    tags = taxonomy.need_tags(domain, given, attrs.get("detail"))
    return NeedFacts(attrs["id"], domain, attrs["severity"], frozenset(tags), bool(given))


def read(g: nx.MultiDiGraph, household_id: str, taxonomy: Taxonomy | None = None) -> Neighbourhood:
    """The facts matching needs about ``household_id`` (see the module docstring).

    ``taxonomy`` derives need tags from detail text (default: the one in force).
    Raises :class:`graph.errors.NotFoundError` if the household is not in the view.
    """
    tax = taxonomy if taxonomy is not None else taxonomy_module.active()
    h = node_key("Household", household_id)
    hattrs = g.nodes.get(h)
    if hattrs is None or hattrs.get("label") != "Household":
        raise NotFoundError("householdId", f"no Household with id {household_id!r} in the view")
    household = HouseholdFacts(
        id=household_id, region_id=hattrs["region_id"], income_percent=hattrs["income_percent"],
        traits=frozenset(hattrs["traits"]), urgency=Urgency(hattrs["urgency"]),
    )
    chain = _chain(g, household.region_id)

    resources: dict[str, Resource] = {}

    def get(key: str) -> Resource | None:
        if key not in resources:
            attrs = g.nodes.get(key)
            if attrs is None or attrs.get("label") not in ("Service", "Volunteer"):
                return None
            resources[key] = _resource(g, key, attrs)
        return resources[key]

    needs = []
    for n in _edges_out(g, h, "HAS_NEED"):
        a = g.nodes[n]
        if a["status"] == NeedStatus.OPEN:
            needs.append(need_facts(a, tax))
    needs.sort(key=lambda n: (_DOMAIN_ORDER[n.domain], n.id))
    wanted = {n.domain for n in needs}

    reach: set[str] = set()
    for region in chain:
        for u in _edges_in(g, node_key("Region", region.id), "SERVES"):
            if u in reach:
                continue
            attrs = g.nodes[u]
            label = attrs.get("label")
            offered = (attrs["skills"] if label == "Volunteer"
                       else attrs["domains"] if label == "Service" else ())
            if any(d in wanted for d in offered) and get(u) is not None:
                reach.add(u)

    received = frozenset(s for s in _edges_out(g, h, "RECEIVES") if get(s) is not None)

    referrals = []
    for r in _edges_in(g, h, "FOR"):
        a = g.nodes[r]
        if a["status"] not in IN_PLAY_STATUSES:
            continue
        target = node_key(a["resource_label"], a["resource_id"])
        if get(target) is None:
            continue
        referrals.append(ReferralFacts(a["id"], target, tuple(a["need_ids"]), ReferralStatus(a["status"])))
    referrals.sort(key=lambda r: r.id)

    return Neighbourhood(
        household=household, chain=chain, needs=tuple(needs),
        in_reach=tuple(resources[k] for k in sorted(reach)), received=received,
        referrals=tuple(referrals), resources=resources,
    )
