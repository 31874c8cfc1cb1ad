"""The networkx compute view of the welfare graph, shared by both stores.

A view is a :class:`networkx.MultiDiGraph`:

* one node per record, keyed ``"Label:id"`` (see :func:`graph.model.node_key`),
  with the attribute ``label`` and every field of the record under its Python
  name (``domains``, ``region_ids``, ``max_income_percent`` ...);
* one edge per reference between two records present in the view, keyed and
  typed by the relationship (``g.edges[u, v, "SERVES"]["type"] == "SERVES"``).
  Edges are derived from the records' reference fields only, so a view is
  fully determined by the set of records it holds; that is what lets the
  embedded store (which cuts views out of its full in-memory graph) and the
  Neo4j store (which fetches the records and builds them here) return
  identical views.

Which records a view holds:

* **household neighbourhood** (:func:`neighbourhood_nodes`): the household, its
  region chain (its dong and every ancestor), its needs, the services it
  receives, its referrals and the resources they go to, every *active* service
  and every volunteer that serves a region of the chain, and for every service
  in the view its provider, its agreement and that agreement's partner;
* **region subtree** (:func:`subtree_nodes`): the region, its descendants and
  ancestors, the organizations, services and volunteers serving any of those
  regions (with providers and agreements), the households living in the
  subtree with their needs, referrals and referred/received resources.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import networkx as nx

from .model import Receipt, Record, node_key, receipt_key, split_node_key
from .periods import COUNTED, current_counts

#: relationship type -> which end of the edge owns (declares) it
OWNER_IS_SOURCE = {
    "PART_OF": True, "ACTIVE_IN": True, "OFFERS": False, "SERVES": True,
    "EXCLUDES": True, "UNDER": True, "SIGNED": False, "LIVES_IN": True,
    "HAS_NEED": False, "FOR": True, "TO": True, "COVERS": True,
}


_NAMES: dict[type, tuple[str, ...]] = {}


def node_attrs(rec: Record) -> dict[str, Any]:
    """The node attributes of a record: its fields plus ``label``."""
    names = _NAMES.get(type(rec))
    if names is None:
        names = _NAMES[type(rec)] = tuple(f.name for f in dataclasses.fields(rec))  # type: ignore[arg-type]
    attrs = {name: getattr(rec, name) for name in names}
    attrs["label"] = rec.LABEL
    if rec.LABEL in COUNTED:  # every reader of a view sees this period's counts (graph/periods.py)
        current_counts(attrs)
    return attrs


def record_from_attrs(attrs: dict[str, Any]) -> Record:
    """Rebuild the record a node stands for (the inverse of :func:`node_attrs`)."""
    from .model import record_type

    cls = record_type(attrs["label"])
    return cls(**{k: v for k, v in attrs.items() if k != "label"})


def edges_of(rec: Record) -> Iterator[tuple[str, str, str]]:
    """The ``(source, target, type)`` edges a record declares."""
    if isinstance(rec, Receipt):
        yield node_key("Household", rec.household_id), node_key("Service", rec.service_id), "RECEIVES"
        return
    me = node_key(rec.LABEL, rec.key)
    for ref, label, target in rec.refs():
        other = node_key(label, target)
        yield (me, other, ref.rel) if ref.outgoing else (other, me, ref.rel)


def edge_owner(u: str, v: str, rel: str) -> tuple[str, str]:
    """The ``(label, key)`` of the record that declares edge ``u -[rel]-> v``."""
    if rel == "RECEIVES":
        return "Receipt", receipt_key(split_node_key(u)[1], split_node_key(v)[1])
    return split_node_key(u if OWNER_IS_SOURCE[rel] else v)


def add_record(g: nx.MultiDiGraph, rec: Record) -> None:
    """Add (or refresh) a node record's node; its edges are added separately."""
    if not isinstance(rec, Receipt):
        g.add_node(node_key(rec.LABEL, rec.key), **node_attrs(rec))


def add_edges(g: nx.MultiDiGraph, rec: Record) -> None:
    """Add the edges a record declares whose two ends are both in ``g``."""
    for u, v, rel in edges_of(rec):
        if u in g and v in g:
            g.add_edge(u, v, key=rel, type=rel)


def remove_edges(g: nx.MultiDiGraph, rec: Record) -> None:
    """Remove the edges a record declares (those present)."""
    for u, v, rel in edges_of(rec):
        if g.has_edge(u, v, key=rel):
            g.remove_edge(u, v, key=rel)


def induced_copy(g: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """``g.subgraph(nodes).copy()`` without the filtered-view machinery: the
    nodes with copies of their attributes and every edge among them. Costs
    O(sum of out-degrees of ``nodes``)."""
    keep = set(nodes)
    h = nx.MultiDiGraph()
    h.add_nodes_from((n, g.nodes[n]) for n in keep)
    succ = g.succ
    h.add_edges_from(
        (u, v, k, d)
        for u in keep
        for v, keydict in succ[u].items()
        if v in keep
        for k, d in keydict.items()
    )
    return h


def build_graph(records: Iterable[Record]) -> nx.MultiDiGraph:
    """Build a view from records: every node first, then the edges among them (those whose
    two ends are both there), as :func:`add_record` and :func:`add_edges` would one by one."""
    g = nx.MultiDiGraph()
    with paused_gc():
        records = list(records)
        for rec in records:
            add_record(g, rec)
        for rec in records:
            add_edges(g, rec)
    return g


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused meanwhile: building a view of a province makes millions
    of dicts, none of them garbage, and the collector would walk the growing heap over and over
    (half of a 100,000-household view's build time, measured). Process-wide, as the collector is;
    only the caller that found it running turns it back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


#: objects the collector's youngest generation holds before it is collected (Python's default: 700)
YOUNG_GENERATION = 10_000


def roomy_young_generation() -> None:
    """Collect the youngest generation after :data:`YOUNG_GENERATION` new objects, not Python's 700,
    once a store's records are in memory. A match makes tens of thousands of short-lived objects
    (a household's neighbourhood as a view, the candidates, the packages): with 700, the collector
    runs dozens of times a match and promotes what is alive at that moment to the older generations,
    which are then walked too (``bench/bench_match.py --compare-young-generation`` times both).
    Process-wide, as the collector is; never lowered."""
    young, *older = gc.get_threshold()
    if young < YOUNG_GENERATION:
        gc.set_threshold(YOUNG_GENERATION, *older)


# --------------------------------------------------------------------------
# which records a view holds: one definition, over any adjacency (a full networkx
# graph, or the embedded store's records and reverse references: graph.embedded.memory)


class Adjacency(Protocol):
    """What the selection below reads of a graph: edges by type, and a node's fields."""

    def out(self, n: str, rel: str) -> list[str]:
        """Targets of the edges ``n -[rel]-> v``."""
        ...

    def in_(self, n: str, rel: str) -> list[str]:
        """Sources of the edges ``u -[rel]-> n``."""
        ...

    def field(self, n: str, name: str) -> Any:
        """The value of field ``name`` of node ``n``'s record."""
        ...


class NxAdjacency:
    """:class:`Adjacency` over a networkx view."""

    def __init__(self, g: nx.MultiDiGraph) -> None:
        self.g = g

    def out(self, n: str, rel: str) -> list[str]:
        return [v for _, v, k in self.g.out_edges(n, keys=True) if k == rel]

    def in_(self, n: str, rel: str) -> list[str]:
        return [u for u, _, k in self.g.in_edges(n, keys=True) if k == rel]

    def field(self, n: str, name: str) -> Any:
        return self.g.nodes[n][name]


def _adj(g: nx.MultiDiGraph | Adjacency) -> Adjacency:
    return NxAdjacency(g) if isinstance(g, nx.MultiDiGraph) else g


def region_chain(g: nx.MultiDiGraph | Adjacency, region: str) -> list[str]:
    """A region node and its ancestors, nearest first."""
    a = _adj(g)
    chain = [region]
    seen = {region}
    while True:
        parents = a.out(chain[-1], "PART_OF")
        if not parents or parents[0] in seen:
            return chain
        chain.append(parents[0])
        seen.add(parents[0])


def _with_service_context(a: Adjacency, nodes: set[str], services: Iterable[str]) -> None:
    """Add each service's provider, agreement and the agreement's partner.

    Read from the service's and agreement's own fields (O(1) per service), not
    by scanning in-edges: a service's in-edges include one RECEIVES edge per
    household receiving it, tens of thousands for a province-wide program."""
    for s in services:
        nodes.add(node_key("Organization", a.field(s, "provider_id")))
        agreement_id = a.field(s, "agreement_id")
        if agreement_id is not None:
            ag = node_key("Agreement", agreement_id)
            nodes.add(ag)
            nodes.add(node_key("Organization", a.field(ag, "partner_id")))


def _household_part(a: Adjacency, h: str, nodes: set[str], resources: set[str]) -> None:
    """A household's needs, referrals and the resources it receives or is referred to."""
    nodes.add(h)
    nodes.update(a.out(h, "HAS_NEED"))
    received = a.out(h, "RECEIVES")
    nodes.update(received)
    resources.update(received)
    for r in a.in_(h, "FOR"):
        nodes.add(r)
        targets = a.out(r, "TO")
        nodes.update(targets)
        resources.update(targets)


def _resources_serving(a: Adjacency, regions: Iterable[str], nodes: set[str],
                       services: set[str]) -> None:
    for region in regions:
        for x in a.in_(region, "SERVES"):
            label = split_node_key(x)[0]
            if label == "Volunteer":
                nodes.add(x)
            elif label == "Service" and a.field(x, "active"):
                nodes.add(x)
                services.add(x)


def region_part_nodes(g: nx.MultiDiGraph | Adjacency, region_id: str) -> set[str]:
    """The node keys every neighbourhood of a household living in ``region_id``
    holds: the region chain, the active services and the volunteers serving it,
    and each of those services' provider, agreement and partner."""
    a = _adj(g)
    chain = region_chain(a, node_key("Region", region_id))
    nodes = set(chain)
    services: set[str] = set()
    _resources_serving(a, chain, nodes, services)
    _with_service_context(a, nodes, services)
    return nodes


def neighbourhood_nodes(g: nx.MultiDiGraph | Adjacency, household_id: str) -> set[str]:
    """The node keys of a household's neighbourhood (see the module docstring):
    its own part and its home region's part (:func:`region_part_nodes`)."""
    a = _adj(g)
    h = node_key("Household", household_id)
    nodes: set[str] = set()
    resources: set[str] = set()
    _household_part(a, h, nodes, resources)
    _with_service_context(a, nodes, [s for s in resources if s.startswith("Service:")])
    return nodes | region_part_nodes(a, a.field(h, "region_id"))


def subtree_nodes(g: nx.MultiDiGraph | Adjacency, region_id: str) -> set[str]:
    """The node keys of a region subtree view (see the module docstring)."""
    a = _adj(g)
    root = node_key("Region", region_id)
    chain = region_chain(a, root)
    subtree = {root}
    frontier = [root]
    while frontier:
        children = [c for r in frontier for c in a.in_(r, "PART_OF")]
        subtree.update(children)
        frontier = children
    regions = subtree | set(chain)
    nodes = set(regions)
    resources: set[str] = set()
    _resources_serving(a, regions, nodes, resources)
    for region in regions:
        nodes.update(a.in_(region, "ACTIVE_IN"))
    for region in subtree:
        for h in a.in_(region, "LIVES_IN"):
            _household_part(a, h, nodes, resources)
    _with_service_context(a, nodes, [s for s in resources if s.startswith("Service:")])
    return nodes
