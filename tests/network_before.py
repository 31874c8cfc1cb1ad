"""Network analytics as they were before issue 23 (commit 1f97f84 of matching/network.py), verbatim
but for the names: the networkx computation over a view that tests/test_network_parts.py and
bench/bench_coverage.py compare the array computation against (its communities are networkx's
Louvain; the new ones are Leiden's)."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable

import networkx as nx

from graph.model import ReferralStatus
from graph.view import subtree_nodes
from matching.network import BETWEENNESS_SAMPLE, SEED, NetworkAnalytics, OrganizationStats


def _scope(g: nx.MultiDiGraph, region_id: str | None) -> nx.MultiDiGraph:
    if region_id is None:
        return g
    from graph.errors import NotFoundError

    if f"Region:{region_id}" not in g:
        raise NotFoundError("regionId", f"no Region with id {region_id!r} in the view")
    return g.subgraph(subtree_nodes(g, region_id))


def _referrals(h: nx.MultiDiGraph) -> list[tuple[str, str]]:
    """(household key, resource key) of every referral in the view that was not declined."""
    out = []
    for _, a in h.nodes(data=True):
        if a.get("label") == "Referral" and a["status"] != ReferralStatus.DECLINED:
            out.append((f"Household:{a['household_id']}", f"{a['resource_label']}:{a['resource_id']}"))
    return out


def collaboration_graph_before(g: nx.MultiDiGraph, region_id: str | None = None) -> nx.Graph:
    """Organizations (attribute ``name``) linked by the households they share
    (edge attribute ``weight``), as the module docstring says."""
    h = _scope(g, region_id)
    c = nx.Graph()
    for key, a in h.nodes(data=True):
        if a.get("label") == "Organization" and any(k == "OFFERS" for _, _, k in h.out_edges(key, keys=True)):
            c.add_node(a["id"], name=a["name"])
    orgs_of: dict[str, set[str]] = {}

    def provider(service_key: str) -> str | None:
        a = h.nodes.get(service_key) if service_key in h else None
        return a["provider_id"] if a is not None and a.get("label") == "Service" else None

    for u, v, rel in h.edges(keys=True):
        if rel == "RECEIVES":
            org = provider(v)
            if org is not None:
                orgs_of.setdefault(u, set()).add(org)
    for hh, r in _referrals(h):
        org = provider(r)
        if org is not None:
            orgs_of.setdefault(hh, set()).add(org)
    weights: dict[tuple[str, str], int] = {}
    for orgs in orgs_of.values():
        for a, b in itertools.combinations(sorted(orgs), 2):
            if a in c and b in c:
                weights[a, b] = weights.get((a, b), 0) + 1
    # nodes and edges in id order: Louvain and the sampled betweenness follow the graph's order, so
    # the same organizations and households give the same answer whatever order the view holds them in
    out = nx.Graph()
    out.add_nodes_from(sorted(c.nodes(data=True)))
    out.add_edges_from((a, b, {"weight": w}) for (a, b), w in sorted(weights.items()))
    return out


def _ordered(groups: Iterable[Collection[str]]) -> list[tuple[str, ...]]:
    return sorted((tuple(sorted(grp)) for grp in groups), key=lambda t: (-len(t), t))


def analytics_before(g: nx.MultiDiGraph, region_id: str | None = None) -> NetworkAnalytics:
    """Centralities, components, communities and unreferred resources (see the module docstring)."""
    c = collaboration_graph_before(g, region_id)
    n = c.number_of_nodes()
    degree = nx.degree_centrality(c) if n > 1 else {o: 0.0 for o in c}
    sampled = n > BETWEENNESS_SAMPLE
    between = nx.betweenness_centrality(c, k=BETWEENNESS_SAMPLE if sampled else None, seed=SEED)
    components = _ordered(nx.connected_components(c))
    communities = _ordered(nx.community.louvain_communities(c, weight="weight", seed=SEED)) if n else []
    community_of = {o: i for i, grp in enumerate(communities) for o in grp}
    orgs = [OrganizationStats(o, c.nodes[o]["name"], degree[o], float(c.degree(o, weight="weight")),
                              between[o], community_of[o]) for o in c]
    orgs.sort(key=lambda s: (-s.betweenness, -s.degree, s.id))

    h = _scope(g, region_id)
    everyone = {r for _, r in _referrals(h)}
    for _, a in h.nodes(data=True):  # declined referrals count as referred too
        if a.get("label") == "Referral":
            everyone.add(f"{a['resource_label']}:{a['resource_id']}")
    unreferred = sorted(
        a["id"] for key, a in h.nodes(data=True)
        if key not in everyone and ((a.get("label") == "Service" and a["active"])
                                    or (a.get("label") == "Volunteer" and a["hours_per_week"] > 0))
    )
    return NetworkAnalytics(orgs, components, communities, tuple(unreferred), sampled)
