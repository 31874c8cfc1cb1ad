# matching.places as it was before the aggregated LP (commit ca0718a~1), verbatim: the reference the
# coverage tests compare the optimum, and what does not depend on which optimal assignment was found,
# against (tests/test_coverage_parts.py).
"""Places: how many open needs today's places can cover at once, exactly.

The coverage report's ``unmet`` and the case conference's allocation ask the
same question of the same model (:mod:`matching.allocation_model`): households
with open needs, the resources each may get, and the places they share.

* an **element** is one household's open needs of one domain (one resource
  covers them all), weighing as many needs;
* a **choice** is one resource for one household: the elements it would cover
  and the **limits** whose places it takes (a service's free places, its
  MOU's quota left; one place per household, whatever the number of needs);
* a **clash** is two choices of one household that exclude each other.

:func:`max_cover` finds a set of choices within every limit and without a
clash that covers the most needs (a b-matching with side constraints), and
which elements it covers. The count is the optimum; which elements is one
optimal answer.

How, and why it is fast and exact:

1. **Presolve.** A limit is *tight* when it has fewer places than the choices
   that still use it. A choice in no tight limit and in no clash (but with
   choices covering a part of what it covers) costs nobody anything: it is
   taken, its places are spent and its elements are covered.
   Choices left with nothing new to cover are dropped, which can loosen limits;
   repeat until nothing changes. (Most needs end here: a volunteer, an
   unlimited service or a program with places to spare covers them.)
2. **Components.** A clash between two choices one of which covers a subset of
   the other's elements never binds (a plan with both covers as much without
   the smaller), so it is dropped. What is left splits into groups that share
   nothing (no tight limit, element or clash): each is solved on its own.
3. **Max-flow** for a group where every choice covers one element of weight
   one and there is no clash: source -> element (1) -> the choice's tightest
   limit -> its MOU limit, if tight -> sink, each limit's arc carrying its
   places. The limits are nested (a service's places sit inside its MOU's
   quota), so an integral maximum flow is exactly a best assignment:
   polynomial, :func:`scipy.sparse.csgraph.maximum_flow` (Dinic).
4. **MILP** for the other groups (a choice that would cover two contested
   elements of one household with one place, a clash, a household with two
   needs of one domain): ``max sum(w[e] c[e])`` with ``c[e] <= sum(y[k] : k
   covers e)``, the limits and the clashes, solved exactly by HiGHS
   (``mip_rel_gap=0``) and checked (integral, within every limit, no clash,
   worth what HiGHS claims). These groups are small after the presolve.

Complexity: O(choices x rounds) for the presolve (rounds are few), Dinic's
O(V^2 E) worst case on the flow groups (near linear here: unit arcs from the
source), and the MILP on what is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

#: seconds HiGHS may spend on the groups a flow cannot solve
MILP_TIME_LIMIT = 30.0


@dataclass(frozen=True, slots=True)
class Contest:
    """Elements, choices, limits and clashes (see the module docstring).

    ``choices[k] = (elements, limit keys)``; ``places[key]`` the places of a
    limit (a key no choice names is ignored); ``clashes`` pairs of choice
    indices."""

    weights: Sequence[int]
    choices: Sequence[tuple[Sequence[int], Sequence[str]]]
    places: Mapping[str, int]
    clashes: Sequence[tuple[int, int]] = ()


@dataclass(frozen=True, slots=True)
class Cover:
    """The most needs the places can cover at once, and one way to do it."""

    #: elements covered by an optimal set of choices
    covered: frozenset[int]
    #: the needs they weigh (the optimum)
    needs: int
    #: True unless HiGHS stopped on its time limit before proving a group optimal
    exact: bool
    #: how the work split: elements settled by the presolve, by the flow, by the MILP
    stats: dict[str, int] = field(default_factory=dict)


def max_cover(contest: Contest, *, time_limit: float = MILP_TIME_LIMIT) -> Cover:
    """The most needs ``contest``'s places can cover at once (see the module docstring)."""
    weights = contest.weights
    n_el = len(weights)
    elems: list[set[int]] = [set(e) for e, _ in contest.choices]
    limits: list[tuple[str, ...]] = [tuple(k for k in lim if k in contest.places)
                                     for _, lim in contest.choices]
    left: dict[str, int] = {k: max(0, int(v)) for k, v in contest.places.items()}
    partners: dict[int, set[int]] = {}
    for i, j in contest.clashes:
        if i != j:
            partners.setdefault(i, set()).add(j)
            partners.setdefault(j, set()).add(i)
    alive = set(range(len(elems)))
    covered: set[int] = set()
    # 1. presolve
    while True:
        users: dict[str, int] = {}
        for k in alive:
            for key in limits[k]:
                users[key] = users.get(key, 0) + 1
        tight = {key for key, n in users.items() if left[key] < n}
        # a clash with a choice covering nothing more than this one does not keep it from being taken
        taken = [k for k in sorted(alive)
                 if not any(key in tight for key in limits[k])
                 and all(elems[j] <= elems[k] for j in partners.get(k, set()) & alive)]
        if not taken:
            break
        for k in taken:
            alive.discard(k)
            covered |= elems[k]
            for key in limits[k]:
                left[key] -= 1
        for k in list(alive):
            elems[k] -= covered
            if not elems[k]:
                alive.discard(k)
    stats = {"presolved": len(covered), "flow": 0, "milp": 0}
    if not alive:
        return Cover(frozenset(covered), sum(weights[e] for e in covered), True, stats)
    # a clash between two choices one of which covers a subset of the other's elements never binds:
    # a plan taking both covers as much without the smaller one
    for k in alive:
        if k in partners:
            partners[k] = {j for j in partners[k] if j in alive
                           and not (elems[j] <= elems[k] or elems[k] <= elems[j])}

    # 2. components over tight limits, shared elements and clashes
    users = {}
    for k in alive:
        for key in limits[k]:
            users[key] = users.get(key, 0) + 1
    tight = {key for key, n in users.items() if left[key] < n}
    parent = {k: k for k in alive}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_of: dict[object, int] = {}
    for k in sorted(alive):
        for tag in [("L", key) for key in limits[k] if key in tight] + [("E", e) for e in elems[k]]:
            if tag in first_of:
                union(first_of[tag], k)
            else:
                first_of[tag] = k
        for j in partners.get(k, ()):
            if j in alive:
                union(j, k)
    groups: dict[int, list[int]] = {}
    for k in sorted(alive):
        groups.setdefault(find(k), []).append(k)

    chains = {k: _chain(k, limits, tight, users) for k in alive}
    flow_choices: list[int] = []
    milp_groups: list[list[int]] = []
    for ks in groups.values():
        simple = all(len(elems[k]) == 1 and weights[next(iter(elems[k]))] == 1
                     and not (partners.get(k, set()) & alive) for k in ks)
        if simple and _nested(ks, chains):
            flow_choices += ks
        else:
            milp_groups.append(ks)

    exact = True
    if flow_choices:
        got = _flow(flow_choices, elems, chains, left)
        stats["flow"] = len(got)
        covered |= got
    if milp_groups:
        got, proven = _milp([k for ks in milp_groups for k in ks], elems, limits, tight, left, partners,
                            alive, weights, time_limit)
        stats["milp"] = len(got)
        covered |= got
        exact = proven
    assert all(0 <= e < n_el for e in covered)
    return Cover(frozenset(covered), sum(weights[e] for e in covered), exact, stats)


def _chain(k: int, limits: list[tuple[str, ...]], tight: set[str], users: dict[str, int]) -> list[str]:
    """A choice's tight limits, innermost (fewest users) first."""
    return sorted((key for key in limits[k] if key in tight), key=lambda key: (users[key], key))


def _nested(ks: list[int], chains: dict[int, list[str]]) -> bool:
    """True when every tight limit leads to the same next one for every choice (a tree of limits)."""
    after: dict[str, str | None] = {}
    for k in ks:
        chain = chains[k]
        if not chain:
            return False
        for a, b in zip(chain, [*chain[1:], None], strict=True):
            if after.setdefault(a, b) != b:
                return False
    return True


def _flow(ks: list[int], elems: list[set[int]], chains: dict[int, list[str]],
          left: dict[str, int]) -> set[int]:
    """The elements an integral maximum flow covers (see the module docstring, step 3)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    node: dict[object, int] = {}

    def at(x: object) -> int:
        if x not in node:
            node[x] = len(node) + 2  # 0: source, 1: sink
        return node[x]

    arcs: dict[tuple[int, int], int] = {}
    for k in ks:
        (e,) = elems[k]
        chain = chains[k]
        u = at(("E", e))
        arcs[0, u] = 1
        first = at(("L", chain[0]))
        arcs[u, first] = 1
        for a, b in zip(chain, [*chain[1:], None], strict=True):
            arcs[at(("L", a)), 1 if b is None else at(("L", b))] = left[a]
    n = len(node) + 2
    rows = np.fromiter((a for a, _ in arcs), dtype=np.int32, count=len(arcs))
    cols = np.fromiter((b for _, b in arcs), dtype=np.int32, count=len(arcs))
    caps = np.fromiter(arcs.values(), dtype=np.int32, count=len(arcs))
    graph = csr_matrix((caps, (rows, cols)), shape=(n, n))
    result = maximum_flow(graph, 0, 1, method="dinic")
    out = result.flow.tocsr()[0]
    by_node = {v: x for x, v in node.items()}
    return {by_node[int(j)][1] for j, f in zip(out.indices, out.data, strict=True) if f > 0}  # type: ignore[index]


def _milp(ks: list[int], elems: list[set[int]], limits: list[tuple[str, ...]], tight: set[str],
          left: dict[str, int], partners: dict[int, set[int]], alive: set[int], weights: Sequence[int],
          time_limit: float) -> tuple[set[int], bool]:
    """The elements an exact MILP covers (see the module docstring, step 4), and whether it is proven."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    index = {k: i for i, k in enumerate(ks)}
    els = sorted({e for k in ks for e in elems[k]})
    eindex = {e: len(ks) + i for i, e in enumerate(els)}
    nv = len(ks) + len(els)
    obj = np.zeros(nv)
    for e in els:
        obj[eindex[e]] = -weights[e]
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    hi: list[float] = []
    covering: dict[int, list[int]] = {}
    for k in ks:
        for e in elems[k]:
            covering.setdefault(e, []).append(k)
    r = 0
    for e in els:  # c[e] - sum y <= 0
        rows.append(r)
        cols.append(eindex[e])
        vals.append(1.0)
        for k in covering[e]:
            rows.append(r)
            cols.append(index[k])
            vals.append(-1.0)
        hi.append(0.0)
        r += 1
    by_limit: dict[str, list[int]] = {}
    for k in ks:
        for key in limits[k]:
            if key in tight:
                by_limit.setdefault(key, []).append(k)
    for key in sorted(by_limit):
        for k in by_limit[key]:
            rows.append(r)
            cols.append(index[k])
            vals.append(1.0)
        hi.append(float(left[key]))
        r += 1
    pairs = sorted({(min(k, j), max(k, j)) for k in ks for j in partners.get(k, ())
                    if j in alive and j in index})
    for a, b in pairs:
        rows += [r, r]
        cols += [index[a], index[b]]
        vals += [1.0, 1.0]
        hi.append(1.0)
        r += 1
    integrality = np.zeros(nv)
    integrality[:len(ks)] = 1
    a = coo_matrix((vals, (rows, cols)), shape=(r, nv)).tocsr()
    res = milp(obj, integrality=integrality, bounds=Bounds(np.zeros(nv), np.ones(nv)),
               constraints=[LinearConstraint(a, np.full(r, -np.inf), np.array(hi))],
               options={"time_limit": max(time_limit, 1e-3), "mip_rel_gap": 0.0, "disp": False})
    if res.x is None:  # nothing in time: take nothing (a lower bound), not proven
        return set(), False
    y = np.asarray(res.x[:len(ks)])
    chosen = [ks[i] for i in np.flatnonzero(y > 0.5)]
    got = {e for k in chosen for e in elems[k]}
    ok = not np.any(np.abs(y - np.round(y)) > 1e-6)
    taken = set(chosen)  # once: a set per limit's member was 2 s of a 100,000-household coverage
    for key, members in by_limit.items():
        ok = ok and sum(1 for k in members if k in taken) <= left[key]
    ok = ok and not any(a in taken and b in taken for a, b in pairs)
    worth = sum(weights[e] for e in got)
    ok = ok and worth >= -float(res.fun) - 0.5
    if not ok:
        raise RuntimeError("HiGHS returned a plan that fails its check (see matching.places)")
    return got, res.status == 0
