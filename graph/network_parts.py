"""What the organizations' collaboration analytics read of a store, without a view (issue 23).

:func:`matching.network.analytics` needs little of a region's view: the
organizations offering its services, which organizations' services each
household receives or was referred to (not declined), the resource of every
referral, and its active services and volunteers with hours. A whole-province
view holds all that, but building it means a node and an attribute dict for
each of 100,000 households, 260,000 needs and 150,000 receipts: seconds, where
the analytics themselves now take a fraction of one.

:class:`NetworkParts` carries just that, and :func:`assemble` makes it from
plain rows, so the two ways of reading a store give the same parts:

* :func:`parts_of_view` reads the rows from a view (or a region subtree of it):
  what any store can do, :meth:`graph.store.StoreMixin.network_parts`;
* the embedded store reads them straight from its records
  (:meth:`graph.embedded.memory.Memory.network_rows`, :func:`rows_of_records`):
  the records a view of the same scope would hold, found by scanning a few
  record kinds rather than by walking the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from .model import Household, Organization, Receipt, Record, Referral, ReferralStatus, Service, Volunteer
from .reports import regions_below

#: (organization id, name) of an organization of the scope
OrgRow = tuple[str, str]
#: (service id, provider id, active) of a service of the scope
ServiceRow = tuple[str, str, bool]
#: (volunteer id, hours a week) of a volunteer of the scope
VolunteerRow = tuple[str, int]
#: (household id, resource label, resource id, declined) of a referral of the scope
ReferralRow = tuple[str, str, str, bool]
#: (household id, service id) of a service a household of the scope receives (both in the scope)
ReceiptRow = tuple[str, str]


@dataclass(frozen=True, slots=True)
class NetworkParts:
    """What network analytics reads of a scope (see the module docstring)."""

    #: organization id -> name, by id: the organizations offering a service of the scope
    organizations: Mapping[str, str]
    #: per household sharing two or more of those organizations (receives, or was referred to and
    #: not declined, a service of each), the organization ids, sorted; households by id
    households: Sequence[tuple[str, ...]]
    #: ids of the active services and volunteers with hours of the scope that no referral of the
    #: scope names (declined ones included), sorted
    unreferred: tuple[str, ...]


def assemble(organizations: Iterable[OrgRow], services: Iterable[ServiceRow],
             volunteers: Iterable[VolunteerRow], referrals: Iterable[ReferralRow],
             receipts: Iterable[ReceiptRow]) -> NetworkParts:
    """The parts of a scope from its rows (each record of the scope once)."""
    names = dict(organizations)
    offer: dict[str, str] = {}  # service -> its provider, when that is an organization of the scope
    offering: set[str] = set()
    resources: list[tuple[str, str]] = []
    for sid, org, active in services:
        offering.add(org)
        if org in names:
            offer[sid] = org
        if active:
            resources.append(("Service", sid))
    resources += (("Volunteer", vid) for vid, hours in volunteers if hours > 0)
    orgs_of: dict[str, set[str]] = {}
    provider = offer.get

    def link(hh: str, org: str | None) -> None:
        if org is not None:
            got = orgs_of.get(hh)
            if got is None:
                orgs_of[hh] = {org}
            else:
                got.add(org)

    for hh, sid in receipts:
        link(hh, provider(sid))
    referred: set[tuple[str, str]] = set()
    for hh, label, rid, declined in referrals:
        referred.add((label, rid))
        if not declined and label == "Service":
            link(hh, provider(rid))
    shared = sorted((hh, orgs) for hh, orgs in orgs_of.items() if len(orgs) > 1)
    return NetworkParts(
        organizations={o: names[o] for o in sorted(offering & names.keys())},
        households=[tuple(sorted(orgs)) for _, orgs in shared],
        unreferred=tuple(sorted(rid for label, rid in resources if (label, rid) not in referred)),
    )


#: the record kinds the parts are read from
NETWORK_LABELS = ("Organization", "Service", "Volunteer", "Referral")

Rows = tuple[list[OrgRow], list[ServiceRow], list[VolunteerRow], list[ReferralRow], list[ReceiptRow]]


def rows_of_records(records: Mapping[str, Mapping[str, Record]], region_id: str | None) -> Rows:
    """The rows of the records the scope's view would hold, read by scanning the records of a few
    kinds (``records``: label -> key -> record; no view, no walk of the graph): every record
    (``region_id`` None), a receipt when its household and service are there; or the records of
    a region subtree view (:func:`graph.view.subtree_nodes`): the households living in the
    region's subtree, their receipts and referrals, the services and volunteers they receive or
    are referred to, the active services and every volunteer serving a region of the subtree or
    an ancestor, and the organizations among those services' providers. O(records of those
    kinds); a province's is a tenth of the time of its subtree's node keys."""
    rows: Rows = ([], [], [], [], [])
    orgs, services, volunteers, referrals, receipts = rows
    homes, every_service, every_volunteer = records["Household"], records["Service"], records["Volunteer"]
    if region_id is None:
        picked: Iterable[Record] = (r for label in NETWORK_LABELS for r in records[label].values())
        receipts += ((r.household_id, r.service_id) for r in records["Receipt"].values()
                     if isinstance(r, Receipt) and r.household_id in homes and r.service_id in every_service)
    else:
        regions = records["Region"]
        subtree = regions_below(regions.values(), region_id)
        serving = set(subtree)
        up = getattr(regions.get(region_id), "parent_id", None)
        while up is not None and up in regions and up not in serving:  # the ancestors
            serving.add(up)
            up = getattr(regions[up], "parent_id", None)
        living = {h.key for h in homes.values() if isinstance(h, Household) and h.region_id in subtree}
        receipts += ((r.household_id, r.service_id) for r in records["Receipt"].values()
                     if isinstance(r, Receipt) and r.household_id in living and r.service_id in every_service)
        theirs = [r for r in records["Referral"].values()
                  if isinstance(r, Referral) and r.household_id in living]
        used = {(r.resource_label, r.resource_id) for r in theirs}
        used.update(("Service", sid) for _, sid in receipts)
        found: list[Record] = list(theirs)
        providers: set[str] = set()
        for sv in every_service.values():
            if isinstance(sv, Service) and (("Service", sv.id) in used
                                            or (sv.active and not serving.isdisjoint(sv.region_ids))):
                found.append(sv)
                providers.add(sv.provider_id)
        found += (v for v in every_volunteer.values() if isinstance(v, Volunteer)
                  and (("Volunteer", v.id) in used or not serving.isdisjoint(v.region_ids)))
        every_org = records["Organization"]
        found += (every_org[o] for o in providers if o in every_org)
        picked = found
    for rec in picked:
        if isinstance(rec, Organization):
            orgs.append((rec.id, rec.name))
        elif isinstance(rec, Service):
            services.append((rec.id, rec.provider_id, rec.active))
        elif isinstance(rec, Volunteer):
            volunteers.append((rec.id, rec.hours_per_week))
        elif isinstance(rec, Referral):
            referrals.append((rec.household_id, rec.resource_label, rec.resource_id,
                              rec.status == ReferralStatus.DECLINED))
    return rows


def parts_of_view(h: nx.MultiDiGraph) -> NetworkParts:
    """The parts of a view (already cut to the scope): its organizations, services, volunteers and
    referrals, and its RECEIVES edges."""
    orgs: list[OrgRow] = []
    services: list[ServiceRow] = []
    volunteers: list[VolunteerRow] = []
    referrals: list[ReferralRow] = []
    for _, a in h.nodes(data=True):
        label = a.get("label")
        if label == "Organization":
            orgs.append((a["id"], a["name"]))
        elif label == "Service":
            services.append((a["id"], a["provider_id"], bool(a["active"])))
        elif label == "Volunteer":
            volunteers.append((a["id"], a["hours_per_week"]))
        elif label == "Referral":
            referrals.append((a["household_id"], a["resource_label"], a["resource_id"],
                              a["status"] == ReferralStatus.DECLINED))
    receipts: list[ReceiptRow] = [
        (u.partition(":")[2], v.partition(":")[2]) for u, v, rel in h.edges(keys=True) if rel == "RECEIVES"]
    return assemble(orgs, services, volunteers, referrals, receipts)
