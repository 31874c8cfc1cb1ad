"""The collaboration graph's numbers on arrays (matching/collaboration.py) against networkx.

Betweenness must be networkx's, exact and sampled with the same seed, within 1e-9; the
communities (Leiden, not networkx's Louvain) a partition at least as modular as Louvain's, the
same on every run and in another process.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import collaboration as collab

ROOT = Path(__file__).resolve().parents[2]


def _adjacency(n: int, edges: list[tuple[int, int, int]]) -> tuple[nx.Graph, sp.csr_array]:
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from((a, b, w) for a, b, w in edges if a != b)
    rows = [a for a, b in g.edges()] + [b for a, b in g.edges()]
    cols = [b for a, b in g.edges()] + [a for a, b in g.edges()]
    weights = [g.edges[a, b]["weight"] for a, b in g.edges()] * 2
    return g, sp.csr_array((np.asarray(weights, dtype=float), (rows, cols)), shape=(n, n))


@st.composite
def graphs(draw, most: int = 40):
    """Small graphs of every shape: empty, disconnected, isolated nodes, dense clusters, bridges."""
    n = draw(st.integers(0, most))
    if n < 2:
        return n, []
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 5))
    return n, draw(st.lists(pairs, max_size=3 * n))


def _close(mine: np.ndarray, theirs: dict[int, float]) -> None:
    for v, want in theirs.items():
        got = float(mine[v])
        same = (math.isnan(got) and math.isnan(want)) or math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
        assert same, (v, got, want)


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_exact_betweenness_is_networkx(graph):
    n, edges = graph
    g, adj = _adjacency(n, edges)
    _close(collab.betweenness(adj, collab.sources(n, None, 7)), nx.betweenness_centrality(g))


@settings(max_examples=150, deadline=None)
@given(graphs(60), st.integers(2, 30), st.integers(0, 2**32))
def test_sampled_betweenness_is_networkx_with_the_same_seed(graph, k, seed):
    n, edges = graph
    if n < 3:
        return
    k = min(k, n)
    g, adj = _adjacency(n, edges)
    picked = collab.sources(n, k, seed)
    theirs = nx.betweenness_centrality(g, k=k, seed=seed)
    _close(collab.betweenness(adj, picked), theirs)


def test_sampled_betweenness_on_a_larger_graph_and_in_small_blocks(monkeypatch):
    """Several components, sources in each, and the path counts in blocks of a few sources."""
    g = nx.disjoint_union_all([nx.barabasi_albert_graph(300, 3, seed=1),
                               nx.watts_strogatz_graph(200, 4, 0.1, seed=2), nx.path_graph(40),
                               nx.empty_graph(30)])
    n = g.number_of_nodes()
    _, adj = _adjacency(n, [(a, b, 1) for a, b in g.edges()])
    theirs = nx.betweenness_centrality(g, k=120, seed=20261123)
    picked = collab.sources(n, 120, 20261123)
    _close(collab.betweenness(adj, picked), theirs)
    monkeypatch.setattr(collab, "BLOCK", 900)  # a few sources per block in the 300-node component
    _close(collab.betweenness(adj, picked), theirs)
    assert max(theirs.values()) > 0.01  # the graph has real intermediaries: the comparison means something


def test_betweenness_ignores_weights_as_the_analytics_always_did():
    g, adj = _adjacency(4, [(0, 1, 9), (1, 2, 1), (2, 3, 1), (0, 3, 1)])
    _close(collab.betweenness(adj, collab.sources(4, None, 0)), nx.betweenness_centrality(g))


def _partition_check(n: int, found: list[list[int]]) -> None:
    flat = sorted(v for grp in found for v in grp)
    assert flat == list(range(n)), "every node in exactly one community"


@settings(max_examples=120, deadline=None)
@given(graphs(50))
def test_communities_are_a_partition_at_least_as_modular_as_louvain(graph):
    n, edges = graph
    g, adj = _adjacency(n, edges)
    pairs = [(a, b) for a, b in g.edges()]
    weights = np.asarray([g.edges[a, b]["weight"] for a, b in pairs], dtype=float)
    found = collab.communities(n, pairs, weights, 20261123)
    _partition_check(n, found)
    if g.number_of_edges() == 0:
        assert all(len(grp) == 1 for grp in found)  # nobody shares anything: each alone
        return
    ours = nx.community.modularity(g, [set(x) for x in found], weight="weight")
    louvain = nx.community.modularity(g, nx.community.louvain_communities(g, weight="weight", seed=20261123),
                                      weight="weight")
    assert ours >= louvain - 0.02, (ours, louvain)
    for grp in found:  # Leiden's communities are connected: never two strangers put together
        assert nx.is_connected(g.subgraph(grp))


def test_communities_beat_louvain_on_a_clustered_graph_and_are_the_same_every_time():
    g = nx.planted_partition_graph(8, 25, 0.3, 0.01, seed=3)
    g = nx.disjoint_union(g, nx.empty_graph(5))
    n = g.number_of_nodes()
    pairs = list(g.edges())
    weights = np.ones(len(pairs))
    found = collab.communities(n, pairs, weights, 20261123)
    _partition_check(n, found)
    ours = nx.community.modularity(g, [set(x) for x in found])
    louvain = nx.community.modularity(g, nx.community.louvain_communities(g, seed=20261123))
    assert ours >= louvain - 1e-9, (ours, louvain)
    assert collab.communities(n, pairs, weights, 20261123) == found
    # another process (its own hash seed, igraph's generator untouched) finds the same communities
    script = ("import json, sys, networkx as nx, numpy as np\n"
              "from matching import collaboration as c\n"
              "g = nx.disjoint_union(nx.planted_partition_graph(8, 25, 0.3, 0.01, seed=3),\n"
              "                      nx.empty_graph(5))\n"
              "p = list(g.edges())\n"
              "print(json.dumps(c.communities(g.number_of_nodes(), p, np.ones(len(p)), 20261123)))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"})
    assert json.loads(out.stdout) == found


def test_sources_are_the_ones_networkx_draws():
    """networkx draws ``random.Random(seed).sample(list(G), k)``: with k = n - 1 every node but one
    is a source, and only the one left out scales as a non-source."""
    g = nx.barabasi_albert_graph(30, 2, seed=5)
    _, adj = _adjacency(30, [(a, b, 1) for a, b in g.edges()])
    for k in (2, 10, 29):
        _close(collab.betweenness(adj, collab.sources(30, k, 99)), nx.betweenness_centrality(g, k=k, seed=99))


def test_no_one_or_two_organizations():
    """The smallest scopes: no organization, one alone, two sharing a household (no betweenness)."""
    from graph.network_parts import NetworkParts
    from matching.network import analytics_of

    empty = analytics_of(NetworkParts({}, [], ()))
    assert (empty.organizations, empty.components, empty.communities) == ([], [], [])
    one = analytics_of(NetworkParts({"a": "가"}, [], ("s-1",)))
    assert [(o.id, o.degree, o.betweenness, o.community) for o in one.organizations] == [("a", 0.0, 0.0, 0)]
    assert one.components == one.communities == [("a",)] and one.unreferred == ("s-1",)
    two = analytics_of(NetworkParts({"a": "가", "b": "나", "c": "다"}, [("a", "b"), ("a", "b")], ()))
    assert [(o.id, o.degree, o.weighted_degree) for o in two.organizations] == [
        ("a", 0.5, 2.0), ("b", 0.5, 2.0), ("c", 0.0, 0.0)]
    assert two.components == two.communities == [("a", "b"), ("c",)]
