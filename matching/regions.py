"""The region tree of a view, for the reports: subtree, chains, households.

:class:`RegionTree` reads every ``Region`` node of a view once (O(regions))
and answers: a region's chain (itself and its ancestors), its descendants,
and the subtree a report covers. :func:`households_in` lists the households
living in a set of regions with what the reports need (open needs, receipts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

from graph.errors import NotFoundError
from graph.model import Domain, NeedStatus, Urgency, node_key

from .neighbourhood import HouseholdFacts, NeedFacts


@dataclass(frozen=True, slots=True)
class RegionTree:
    #: region id -> parent id (None for a root)
    parent: dict[str, str | None]
    names: dict[str, str]
    children: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, g: nx.MultiDiGraph) -> RegionTree:
        parent: dict[str, str | None] = {}
        names: dict[str, str] = {}
        for _, a in g.nodes(data=True):
            if a.get("label") == "Region":
                parent[a["id"]] = a.get("parent_id")
                names[a["id"]] = a["name"]
        children: dict[str, list[str]] = {}
        for rid, p in parent.items():
            if p is not None and p in parent:
                children.setdefault(p, []).append(rid)
        return cls(parent, names, {k: tuple(sorted(v)) for k, v in children.items()})

    def chain(self, region_id: str) -> tuple[str, ...]:
        """The region and its ancestors present in the view, nearest first."""
        out: list[str] = []
        rid: str | None = region_id
        while rid is not None and rid in self.parent and rid not in out:
            out.append(rid)
            rid = self.parent[rid]
        return tuple(out)

    def descendants(self, region_id: str) -> set[str]:
        """The region and every region below it."""
        out = {region_id}
        frontier = [region_id]
        while frontier:
            kids = [c for r in frontier for c in self.children.get(r, ())]
            out.update(kids)
            frontier = kids
        return out

    def scope(self, region_id: str | None) -> tuple[str, ...]:
        """The regions a report covers, sorted: the subtree of ``region_id``, or
        every region. Raises :class:`NotFoundError` (``regionId``) for an unknown region."""
        if region_id is None:
            return tuple(sorted(self.parent))
        if region_id not in self.parent:
            raise NotFoundError("regionId", f"no Region with id {region_id!r} in the view")
        return tuple(sorted(self.descendants(region_id)))


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    household: HouseholdFacts
    #: open needs
    needs: tuple[NeedFacts, ...]
    #: node keys of the services it receives
    received: frozenset[str]


def households_in(g: nx.MultiDiGraph, regions: Iterable[str]) -> Iterator[HouseholdRow]:
    """The households living in ``regions`` (by region, then household id), with
    their open needs and receipts. O(their edges); reads networkx's own
    adjacency dicts (a report walks every household of a province)."""
    nodes = g._node
    pred = g._pred
    succ = g._succ
    for rid in sorted(regions):
        rkey = node_key("Region", rid)
        if rkey not in nodes:
            continue
        homes = sorted(u for u, keys in pred[rkey].items() if "LIVES_IN" in keys)
        for h in homes:
            a = nodes[h]
            needs: list[NeedFacts] = []
            received: set[str] = set()
            for v, keydict in succ[h].items():
                if "HAS_NEED" in keydict:
                    n = nodes[v]
                    if n["status"] == NeedStatus.OPEN:
                        needs.append(NeedFacts(n["id"], Domain(n["domain"]), n["severity"]))
                if "RECEIVES" in keydict:
                    received.add(v)
            needs.sort(key=lambda n: n.id)
            yield HouseholdRow(
                HouseholdFacts(a["id"], a["region_id"], a["income_percent"], frozenset(a["traits"]),
                               Urgency(a["urgency"])),
                tuple(needs), frozenset(received),
            )
