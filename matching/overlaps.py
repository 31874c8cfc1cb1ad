"""Overlaps: services of different organizations that serve the same people
for the same domain in the same place.

For a region ``R`` and a domain ``d``, the services *available in* ``R`` are
the active services offering ``d`` that serve ``R`` or an ancestor of ``R``
(everyone living in ``R`` can reach them). Two of them **serve the same
people** when one's eligibility contains the other's: its income ceiling is
at least the other's (no ceiling counts as the highest) and its required
traits are a subset of the other's. So everyone eligible for the stricter
service is also eligible for the other: for those people one of the two is
a duplicate.

An :class:`OverlapGroup` is a connected group of the "same people" relation
among the services available in ``R`` for ``d`` with services of at least two
organizations. A group is reported at the highest region where it appears:
at ``R`` when one of its services serves ``R`` itself, or when ``R`` is the
root of the report (else the same services are available one level up, and
the group is reported there). Groups are listed by region id, domain, then
service ids; each carries a message a coordinator can act on.

Complexity: O(regions x services available there^2) in the worst case.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph.model import Domain

from .coverage import resources_by_region
from .messages import Message, check_locale
from .neighbourhood import Resource
from .regions import RegionTree


@dataclass(frozen=True, slots=True)
class OverlapGroup:
    region_id: str
    domain: Domain
    #: sorted
    service_ids: tuple[str, ...]
    message: str

    def as_dict(self) -> dict:
        return {"regionId": self.region_id, "domain": self.domain.value, "serviceIds": list(self.service_ids),
                "message": self.message}


def contains(a: Resource, b: Resource) -> bool:
    """Everyone eligible for ``b`` (income and traits) is eligible for ``a``."""
    ceiling_ok = a.max_income_percent is None or (
        b.max_income_percent is not None and b.max_income_percent <= a.max_income_percent)
    return ceiling_ok and set(a.required_traits) <= set(b.required_traits)


def same_people(a: Resource, b: Resource) -> bool:
    return contains(a, b) or contains(b, a)


def _groups(services: list[Resource]) -> list[list[Resource]]:
    """Connected groups of the "same people" relation (union-find), by first key."""
    parent = list(range(len(services)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(services)):
        for j in range(i + 1, len(services)):
            if same_people(services[i], services[j]):
                parent[find(i)] = find(j)
    out: dict[int, list[Resource]] = {}
    for i, s in enumerate(services):
        out.setdefault(find(i), []).append(s)
    return sorted(out.values(), key=lambda grp: grp[0].key)


def overlaps(g: nx.MultiDiGraph, region_id: str | None = None, *, locale: str = "en") -> list[OverlapGroup]:
    """The overlap groups of ``region_id``'s subtree (every region when None).
    Raises :class:`graph.errors.NotFoundError` (``regionId``) for an unknown region."""
    check_locale(locale)
    tree = RegionTree.of(g)
    scope = tree.scope(region_id)
    serving: dict[str, list[Resource]] = {
        rid: sorted((r for r in rs if r.is_service and r.active), key=lambda r: r.key)
        for rid, rs in resources_by_region(g).items()
    }
    out: list[OverlapGroup] = []
    for rid in scope:
        direct = {r.key for r in serving.get(rid, ())}
        top = rid == region_id or tree.parent[rid] not in tree.parent
        available: dict[str, Resource] = {}
        for up in tree.chain(rid):
            for r in serving.get(up, ()):
                available.setdefault(r.key, r)
        for d in Domain:
            offering = sorted((r for r in available.values() if d in r.domains), key=lambda r: r.key)
            if len({r.provider_key for r in offering}) < 2:
                continue
            for grp in _groups(offering):
                orgs = {r.provider_key for r in grp}
                if len(orgs) < 2 or not (top or any(r.key in direct for r in grp)):
                    continue
                text = Message.of("overlap.group", domain=d, region=tree.names[rid], count=len(grp),
                                  orgs=len(orgs), names=tuple(f"{r.name} ({r.provider_name})" for r in grp))
                rendered = text.render(locale)
                out.append(OverlapGroup(rid, d, tuple(sorted(r.id for r in grp)),
                                        rendered[:1].upper() + rendered[1:]))
    return out
