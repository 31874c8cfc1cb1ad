"""The network picture and the analytics a coordinator asks for.

:func:`network` turns a view (or a region subtree of it) into the contract's
``NetworkGraph``: nodes of the chosen :data:`NODE_KINDS` and the edges among
them.

Nodes: ``id`` is the record's id, ``label`` its name (a need: its domain and
severity), and

=============  ==========================  ===========================================
kind           group (for colouring)       weight (for sizing)
=============  ==========================  ===========================================
REGION         level                       households living there
ORGANIZATION   sector                      referrals to its services (not declined)
SERVICE        its provider's sector       referrals to it (not declined)
AGREEMENT      its partner's sector        places used under it
VOLUNTEER      "VOLUNTEER"                 referrals to them (not declined)
HOUSEHOLD      urgency                     open needs
NEED           domain                      severity
=============  ==========================  ===========================================

Edges: every relationship of the view between two chosen nodes (``kind`` is
the relationship type: PART_OF, ACTIVE_IN, OFFERS, SERVES, EXCLUDES, UNDER,
SIGNED, LIVES_IN, HAS_NEED, RECEIVES; weight 1, except SERVES from a service,
weighted by its free places, 0 when full, and 1 when unlimited), plus
``REFERRED`` from a household to a service or volunteer, weighted by the
number of referrals between them that were not declined. Referral records
are not nodes of the picture; they become these edges.

:func:`analytics` works on the **collaboration graph** of organizations: two
organizations are linked when some household receives or was referred (not
declined) to services of both, weighted by the number of such households. It
reports each organization's degree centrality (as networkx's, normalised by
n-1), weighted degree and betweenness centrality (exact up to 500
organizations, else estimated from 500 sampled sources with a fixed seed), the
connected components, the communities (fixed seed, weighted), and the active
resources nobody has been referred to. :func:`analytics` reads a view;
:func:`analytics_of` the same from :class:`graph.network_parts.NetworkParts`,
what a store reads of its records without a view (issue 23).

Since issue 23 the figures are computed on arrays (:mod:`matching.collaboration`),
not by networkx on an ``nx.Graph`` (13 s for a province's 16,000 organizations):

* betweenness is networkx's ``betweenness_centrality`` (same sources, same
  seed, same normalisation), equal to it within 1e-9 (the floating-point
  additions run in another order); organizations are ordered by betweenness
  rounded to :data:`ROUND` decimals, so that noise does not reorder them;
* the communities are the **Leiden** algorithm's (igraph, modularity, the best
  of 8 seeded runs, one above 20,000 links), no longer networkx's Louvain: a partition at least as
  modular (within 0.02 on small random graphs; above it on the province), each
  community connected; which organizations go together may differ from before.

Same input, same output: nodes and edges are sorted; every random choice has
a fixed seed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from graph.errors import ValidationError
from graph.model import ReferralStatus, split_node_key
from graph.network_parts import NetworkParts, parts_of_view
from graph.view import subtree_nodes

from . import collaboration as collab

#: the contract's NodeKind values, and the view label of each
NODE_KINDS: dict[str, str] = {
    "HOUSEHOLD": "Household", "NEED": "Need", "ORGANIZATION": "Organization", "SERVICE": "Service",
    "AGREEMENT": "Agreement", "VOLUNTEER": "Volunteer", "REGION": "Region",
}
_KIND_OF = {label: kind for kind, label in NODE_KINDS.items()}
SEED = 20261123
BETWEENNESS_SAMPLE = 500
#: decimals of betweenness the organizations are ordered by: two computations of the same value
#: (whose additions ran in another order) order the organizations alike
ROUND = 12


@dataclass(frozen=True, slots=True)
class NetworkNode:
    id: str
    kind: str
    label: str
    group: str | None
    weight: float


@dataclass(frozen=True, slots=True)
class NetworkEdge:
    source: str
    target: str
    kind: str
    weight: float


@dataclass(frozen=True, slots=True)
class NetworkGraph:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes": [{"id": n.id, "kind": n.kind, "label": n.label, "group": n.group, "weight": n.weight}
                      for n in self.nodes],
            "edges": [{"source": e.source, "target": e.target, "kind": e.kind, "weight": e.weight}
                      for e in self.edges],
        }


@dataclass(frozen=True, slots=True)
class OrganizationStats:
    id: str
    name: str
    degree: float
    weighted_degree: float
    betweenness: float
    #: index into :attr:`NetworkAnalytics.communities`
    community: int


@dataclass(frozen=True, slots=True)
class NetworkAnalytics:
    #: by betweenness (rounded to :data:`ROUND` decimals), then degree (highest first), then id
    organizations: list[OrganizationStats]
    #: organization ids per connected component, largest first
    components: list[tuple[str, ...]]
    #: organization ids per Louvain community, largest first
    communities: list[tuple[str, ...]]
    #: ids of active services and volunteers with hours that nobody was ever referred to
    unreferred: tuple[str, ...]
    #: True when betweenness was estimated from a sample of sources
    sampled_betweenness: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "organizations": [{"id": o.id, "name": o.name, "degree": o.degree,
                               "weightedDegree": o.weighted_degree, "betweenness": o.betweenness,
                               "community": o.community} for o in self.organizations],
            "components": [list(c) for c in self.components],
            "communities": [list(c) for c in self.communities],
            "unreferred": list(self.unreferred), "sampledBetweenness": self.sampled_betweenness,
        }


def _scope(g: nx.MultiDiGraph, region_id: str | None) -> nx.MultiDiGraph:
    if region_id is None:
        return g
    from graph.errors import NotFoundError

    if f"Region:{region_id}" not in g:
        raise NotFoundError("regionId", f"no Region with id {region_id!r} in the view")
    return g.subgraph(subtree_nodes(g, region_id))


def _kinds(kinds: Collection[str] | None) -> set[str]:
    if kinds is None:
        return set(NODE_KINDS)
    if isinstance(kinds, str):
        kinds = [kinds]
    wanted = {str(getattr(k, "value", k)) for k in kinds}
    bad = sorted(wanted - set(NODE_KINDS))
    if bad:
        raise ValidationError("kinds", f"unknown node kinds {bad}; use some of {', '.join(NODE_KINDS)}")
    return wanted


def _referrals(h: nx.MultiDiGraph) -> list[tuple[str, str]]:
    """(household key, resource key) of every referral in the view that was not declined."""
    out = []
    for _, a in h.nodes(data=True):
        if a.get("label") == "Referral" and a["status"] != ReferralStatus.DECLINED:
            out.append((f"Household:{a['household_id']}", f"{a['resource_label']}:{a['resource_id']}"))
    return out


def _label(a: dict[str, Any]) -> str:
    if a["label"] == "Need":
        return f"{a['domain'].value} ({a['severity']})"
    return str(a.get("name", a.get("id")))


def network(g: nx.MultiDiGraph, region_id: str | None = None,
            kinds: Collection[str] | None = None) -> NetworkGraph:
    """Nodes and edges for a picture (see the module docstring).

    Inputs: a view, a region whose subtree to show (None: the whole view),
    the node kinds to include (None: all). Raises
    :class:`graph.errors.ValidationError` (``kinds``) for an unknown kind and
    :class:`graph.errors.NotFoundError` (``regionId``) for an unknown region.
    O(nodes + edges of the scope).
    """
    wanted = _kinds(kinds)
    h = _scope(g, region_id)
    labels = {NODE_KINDS[k] for k in wanted}
    referrals = _referrals(h)
    referred: dict[str, int] = {}
    for _, r in referrals:
        referred[r] = referred.get(r, 0) + 1
    by_org: dict[str, int] = {}
    for key, a in h.nodes(data=True):
        if a.get("label") == "Service":
            org = f"Organization:{a['provider_id']}"
            by_org[org] = by_org.get(org, 0) + referred.get(key, 0)

    def sector(org_id: str) -> str | None:
        o = h.nodes.get(f"Organization:{org_id}") if f"Organization:{org_id}" in h else None
        return o["sector"].value if o else None

    nodes: list[NetworkNode] = []
    chosen: set[str] = set()
    weight: float  # a count for a node, free places for a SERVES edge
    for key, a in h.nodes(data=True):
        label = a.get("label")
        if label not in labels:
            continue
        chosen.add(key)
        kind = _KIND_OF[label]
        if label == "Region":
            group = a["level"].value
            weight = sum(1 for _, _, k in h.in_edges(key, keys=True) if k == "LIVES_IN")
        elif label == "Organization":
            group, weight = a["sector"].value, by_org.get(key, 0)
        elif label == "Service":
            group, weight = sector(a["provider_id"]), referred.get(key, 0)
        elif label == "Agreement":
            group, weight = sector(a["partner_id"]), a["used"]
        elif label == "Volunteer":
            group, weight = "VOLUNTEER", referred.get(key, 0)
        elif label == "Household":
            group = a["urgency"].value
            weight = sum(1 for v, kd in h.succ[key].items()
                         if "HAS_NEED" in kd and h.nodes[v]["status"] == "OPEN")
        else:  # Need
            group, weight = a["domain"].value, a["severity"]
        nodes.append(NetworkNode(a["id"], kind, _label(a), group, float(weight)))

    edges: list[NetworkEdge] = []
    for u, v, rel in h.edges(keys=True):
        if u in chosen and v in chosen:
            weight = 1.0
            if rel == "SERVES" and h.nodes[u]["label"] == "Service":
                left = h.nodes[u]["capacity"]
                weight = 1.0 if left is None else float(max(0, left - h.nodes[u]["used"]))
            edges.append(NetworkEdge(split_node_key(u)[1], split_node_key(v)[1], rel, weight))
    pairs: dict[tuple[str, str], int] = {}
    for hh, r in referrals:
        if hh in chosen and r in chosen:
            pairs[hh, r] = pairs.get((hh, r), 0) + 1
    for (hh, r), count in pairs.items():
        edges.append(NetworkEdge(split_node_key(hh)[1], split_node_key(r)[1], "REFERRED", float(count)))
    nodes.sort(key=lambda n: (n.kind, n.id))
    edges.sort(key=lambda e: (e.kind, e.source, e.target))
    return NetworkGraph(nodes, edges)


def collaboration_graph(g: nx.MultiDiGraph, region_id: str | None = None) -> nx.Graph:
    """Organizations (attribute ``name``) linked by the households they share
    (edge attribute ``weight``), as the module docstring says; nodes and edges in id order."""
    c = _Collaboration(parts_of_view(_scope(g, region_id)))
    out = nx.Graph()
    out.add_nodes_from((o, {"name": c.names[o]}) for o in c.ids)
    out.add_edges_from((c.ids[a], c.ids[b], {"weight": int(w)})
                       for (a, b), w in zip(c.pairs.tolist(), c.weights.tolist(), strict=True))
    return out


class _Collaboration:
    """The collaboration graph of some parts as arrays: organization ids (sorted), the linked pairs
    ``a < b`` (index pairs, sorted) with their weights, and the symmetric weighted adjacency."""

    def __init__(self, parts: NetworkParts) -> None:
        self.names = parts.organizations
        self.ids = sorted(parts.organizations)
        n = len(self.ids)
        index = {o: i for i, o in enumerate(self.ids)}
        rows = [i for i, orgs in enumerate(parts.households) for _ in orgs]
        cols = [index[o] for orgs in parts.households for o in orgs]
        inc = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(parts.households), n))
        shared = sp.triu(sp.csr_array(inc.T @ inc), k=1).tocoo()  # households shared, per pair a < b
        order = np.lexsort((shared.col, shared.row))
        self.pairs = np.stack([shared.row[order], shared.col[order]], axis=1).astype(np.int64)
        self.weights = shared.data[order]
        a, b = self.pairs[:, 0], self.pairs[:, 1]
        self.adj = sp.csr_array((np.concatenate([self.weights, self.weights]),
                                 (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n))


def _ordered(groups: Iterable[Collection[str]]) -> list[tuple[str, ...]]:
    return sorted((tuple(sorted(grp)) for grp in groups), key=lambda t: (-len(t), t))


def analytics(g: nx.MultiDiGraph, region_id: str | None = None) -> NetworkAnalytics:
    """Centralities, components, communities and unreferred resources (see the module docstring)
    of a view, or of a region subtree of it."""
    return analytics_of(parts_of_view(_scope(g, region_id)))


def analytics_of(parts: NetworkParts) -> NetworkAnalytics:
    """:func:`analytics` from what it reads of a scope (:class:`graph.network_parts.NetworkParts`:
    a store's :meth:`graph.store.Store.network_parts`, or :func:`graph.network_parts.parts_of_view`)."""
    c = _Collaboration(parts)
    n = len(c.ids)
    neighbours = np.diff(c.adj.indptr)
    degree = neighbours * (1.0 / (n - 1)) if n > 1 else np.zeros(n)  # as networkx: d * (1/(n-1))
    weighted = np.asarray(c.adj.sum(axis=1)).ravel()
    sampled = n > BETWEENNESS_SAMPLE
    between = collab.betweenness(c.adj, collab.sources(n, BETWEENNESS_SAMPLE if sampled else None, SEED))
    _, label = connected_components(c.adj, directed=False) if n else (0, np.zeros(0, dtype=np.int64))
    by_label: dict[int, list[str]] = {}
    for i, lab in enumerate(label.tolist()):
        by_label.setdefault(lab, []).append(c.ids[i])
    components = _ordered(by_label.values())
    found = collab.communities(n, c.pairs, c.weights, SEED)
    communities = _ordered([c.ids[i] for i in grp] for grp in found)
    community_of = {o: i for i, grp in enumerate(communities) for o in grp}
    orgs = [OrganizationStats(o, c.names[o], float(degree[i]), float(weighted[i]), float(between[i]),
                              community_of[o]) for i, o in enumerate(c.ids)]
    orgs.sort(key=lambda s: (-round(s.betweenness, ROUND), -s.degree, s.id))
    return NetworkAnalytics(orgs, components, communities, parts.unreferred, sampled)
