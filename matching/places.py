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
2. **Clashes that never bind.** A clash between two choices one of which
   covers a subset of the other's elements never binds (a plan with both
   covers as much without the smaller), so it is dropped.
3. **Max-flow** when every choice left covers one element of weight one and
   there is no clash: source -> element (1) -> the choice's tightest limit ->
   its MOU limit, if tight -> sink, each limit's arc carrying its places. The
   limits are nested (a service's places sit inside its MOU's quota), so an
   integral maximum flow is exactly a best assignment: polynomial,
   :func:`scipy.sparse.csgraph.maximum_flow` (Dinic).
4. **LP, then MILP** otherwise (a choice that would cover two contested
   elements of one household with one place, a clash, a household with two
   needs of one domain: one is enough). What is left is not split into the
   groups that share nothing: one LP over all of them costs less than finding
   the groups (measured), and the relaxation of groups that a flow would
   settle is integral anyway. Elements are first **aggregated**: those of
   one weight whose choices each cover that element alone, in no clash, and
   that have the same options (the tuples of tight limits of their choices)
   are interchangeable, so one integer variable per class and option counts
   how many of them that option covers (a class of ``m`` elements: ``0..m``,
   all its options together at most ``m``): 73,000 choices of 15,000 elements
   become 23,000 variables at 100,000 households. The other elements keep the
   model ``c[e] <= sum(y[k] : k covers e)``, ``y`` binary. Then ``max sum(w
   x) + sum(w[e] c[e])`` within the tight limits and the clashes: first its
   LP relaxation by dual simplex (a vertex); an integral optimum of the
   relaxation is an optimum of the integer program (the relaxation's value
   bounds it), and a bipartite assignment's LP is integral, so this is the
   usual end. Only when it comes out fractional is the MILP solved, exactly
   by HiGHS (``mip_rel_gap=0``). Either way the answer is checked (integral,
   within every tight limit, no clash, worth what HiGHS claims) and mapped
   back to choices: a class's elements in order, each option taking as many
   as it got.

Complexity: O(choices x rounds) for the presolve (rounds are few), Dinic's
O(V^2 E) worst case on a flow (near linear here: unit arcs from the source),
and the LP (the MILP when fractional) on what is left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

#: seconds HiGHS may spend on what a flow cannot solve
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
    #: how the work split: elements settled by the presolve, by the flow, by the LP or MILP; ``lp``: 1
    #: when the LP relaxation came out integral (no MILP solved)
    stats: dict[str, int] = field(default_factory=dict)


def max_cover(contest: Contest, *, time_limit: float = MILP_TIME_LIMIT) -> Cover:
    """The most needs ``contest``'s places can cover at once (see the module docstring)."""
    weights = contest.weights
    n_el = len(weights)
    named = contest.places.__contains__
    elems: list[set[int]] = [set(e) for e, _ in contest.choices]
    limits: list[tuple[str, ...]] = [tuple(filter(named, lim)) for _, lim in contest.choices]
    left: dict[str, int] = {k: max(0, int(v)) for k, v in contest.places.items()}
    partners: dict[int, set[int]] = {}
    for i, j in contest.clashes:
        if i != j:
            partners.setdefault(i, set()).add(j)
            partners.setdefault(j, set()).add(i)
    alive = set(range(len(elems)))
    covering: dict[int, list[int]] = {}
    for k, es in enumerate(elems):
        for e in es:
            covering.setdefault(e, []).append(k)
    users = Counter(chain.from_iterable(limits))
    covered: set[int] = set()
    # 1. presolve (the users of each limit kept in step with the choices still alive)
    while True:
        tight = {key for key, n in users.items() if left[key] < n}
        # a clash with a choice covering nothing more than this one does not keep it from being taken
        taken = [k for k in sorted(alive)
                 if tight.isdisjoint(limits[k])
                 and (k not in partners or all(elems[j] <= elems[k] for j in partners[k] & alive))]
        if not taken:
            break
        new: set[int] = set()
        for k in taken:
            alive.discard(k)
            new |= elems[k]
            for key in limits[k]:
                left[key] -= 1
                users[key] -= 1
        new -= covered
        covered |= new
        for e in new:
            for k in covering[e]:
                if k in alive:
                    elems[k] -= new
                    if not elems[k]:
                        alive.discard(k)
                        for key in limits[k]:
                            users[key] -= 1
    stats = {"presolved": len(covered), "flow": 0, "milp": 0, "lp": 0}
    if not alive:
        return Cover(frozenset(covered), sum(weights[e] for e in covered), True, stats)
    # a clash between two choices one of which covers a subset of the other's elements never binds:
    # a plan taking both covers as much without the smaller one
    for k in alive:
        if k in partners:
            partners[k] = {j for j in partners[k] if j in alive
                           and not (elems[j] <= elems[k] or elems[k] <= elems[j])}
    tight = {key for key, n in users.items() if left[key] < n}

    # 2. a flow when every choice left covers one element of weight one, in no clash, under nested
    # limits; else the LP (the MILP when it comes out fractional) over everything left
    ks_all = sorted(alive)
    chains: dict[int, list[str]] = {}
    flow_choices: list[int] = []
    milp_choices: list[int] = ks_all
    if all(len(elems[k]) == 1 and weights[next(iter(elems[k]))] == 1 and not partners.get(k) for k in ks_all):
        chains = {k: _chain(k, limits, tight, users) for k in ks_all}
        if _nested(ks_all, chains):
            flow_choices, milp_choices = ks_all, []

    exact = True
    if flow_choices:
        got = _flow(flow_choices, elems, chains, left)
        stats["flow"] = len(got)
        covered |= got
    if milp_choices:
        got, proven, relaxed = _milp(milp_choices, elems, limits, tight, left, partners, alive, weights,
                                     time_limit)
        stats["milp"] = len(got)
        stats["lp"] = int(relaxed)
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
          time_limit: float) -> tuple[set[int], bool, bool]:
    """The elements an exact optimum covers (see the module docstring, step 4), whether it is
    proven, and whether the LP relaxation settled it (it came out integral: no MILP)."""
    import time

    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse import csr_matrix

    start = time.perf_counter()
    chosen_set = set(ks)
    covering: dict[int, list[int]] = {}
    hard: set[int] = set()  # elements of a choice covering two or more, or in a clash
    for k in ks:
        es = elems[k]
        for e in es:
            covering.setdefault(e, []).append(k)
        if len(es) > 1 or any(j in alive and j in chosen_set for j in partners.get(k, ())):
            hard |= es
    # interchangeable elements: same weight, same options (tight limits of a choice covering it alone)
    classes: dict[tuple[int, tuple[tuple[str, ...], ...]], list[int]] = {}
    option_of: dict[int, dict[tuple[str, ...], int]] = {}
    for e in sorted(covering):
        if e in hard:
            continue
        opts: dict[tuple[str, ...], int] = {}
        for k in covering[e]:
            lims = limits[k]
            t: tuple[str, ...]
            if len(lims) == 1:
                t = lims if lims[0] in tight else ()
            else:
                t = tuple(sorted(key for key in lims if key in tight))
            if t not in opts or k < opts[t]:
                opts[t] = k
        option_of[e] = opts
        classes.setdefault((weights[e], tuple(sorted(opts))), []).append(e)
    hard_ks = sorted(k for k in ks if elems[k] & hard)
    hard_els = sorted(hard)

    obj: list[float] = []
    ub: list[float] = []
    integral: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    hi: list[float] = []
    limit_row: dict[str, int] = {}

    def var(cost: float, top: float, whole: int) -> int:
        obj.append(cost)
        ub.append(top)
        integral.append(whole)
        return len(obj) - 1

    def put(r: int, v: int, coef: float) -> None:
        rows.append(r)
        cols.append(v)
        vals.append(coef)

    def limit(key: str) -> int:
        r = limit_row.get(key)
        if r is None:
            r = limit_row[key] = len(hi)
            hi.append(float(left[key]))
        return r

    class_vars: list[tuple[list[int], list[tuple[tuple[str, ...], int]]]] = []
    for (w, options), members in classes.items():
        r = len(hi)
        hi.append(float(len(members)))  # the class's options cover at most its elements
        its: list[tuple[tuple[str, ...], int]] = []
        for t in options:
            v = var(-float(w), float(len(members)), 1)
            put(r, v, 1.0)
            for key in t:
                put(limit(key), v, 1.0)
            its.append((t, v))
        class_vars.append((members, its))
    y: dict[int, int] = {}
    for k in hard_ks:
        v = y[k] = var(0.0, 1.0, 1)
        for key in limits[k]:
            if key in tight:
                put(limit(key), v, 1.0)
    for e in hard_els:  # c[e] - sum y <= 0
        r = len(hi)
        hi.append(0.0)
        put(r, var(-float(weights[e]), 1.0, 0), 1.0)
        for k in covering[e]:
            put(r, y[k], -1.0)
    pairs = sorted({(min(k, j), max(k, j)) for k in hard_ks for j in partners.get(k, ()) if j in y})
    for p, q in pairs:
        r = len(hi)
        hi.append(1.0)
        put(r, y[p], 1.0)
        put(r, y[q], 1.0)
    nv, nr = len(obj), len(hi)
    a = csr_matrix((vals, (rows, cols)), shape=(nr, nv))
    c, top, b = np.array(obj), np.array(ub), np.array(hi)

    def remaining() -> float:
        return max(time_limit - (time.perf_counter() - start), 1e-3)

    # the LP relaxation (dual simplex: a vertex); an integral optimum of it is an optimum of the MILP
    lp = linprog(c, A_ub=a, b_ub=b, bounds=np.column_stack([np.zeros(nv), top]), method="highs-ds",
                 options={"time_limit": remaining(), "presolve": True})
    x = None if lp.status != 0 or lp.x is None else np.asarray(lp.x)
    proven = True
    whole = np.array(integral, dtype=bool)
    if x is None or np.any(np.abs(x[whole] - np.round(x[whole])) > 1e-6):
        res = milp(c, integrality=np.array(integral, dtype=float), bounds=Bounds(np.zeros(nv), top),
                   constraints=[LinearConstraint(a, np.full(nr, -np.inf), b)],
                   options={"time_limit": remaining(), "mip_rel_gap": 0.0, "disp": False})
        if res.x is None:  # nothing in time: take nothing (a lower bound), not proven
            return set(), False, False
        relaxed = False
        x, bound, proven = np.asarray(res.x), -float(res.fun), res.status == 0
        if np.any(np.abs(x[whole] - np.round(x[whole])) > 1e-6):
            raise RuntimeError("HiGHS returned a plan that fails its check (see matching.places)")
    else:
        relaxed, bound = True, -float(lp.fun)
    n = np.round(x).astype(np.int64)
    # back to choices: a class's elements in order, each option taking as many as it got
    taken: list[int] = []
    got: set[int] = set()
    ok = True
    for members, its in class_vars:
        i = 0
        for t, v in its:
            for _ in range(int(n[v])):
                if i >= len(members):
                    ok = False
                    break
                taken.append(option_of[members[i]][t])
                got.add(members[i])
                i += 1
    taken += [k for k, v in y.items() if n[v] == 1]
    got |= {e for k in taken if k in y for e in elems[k]}
    used: dict[str, int] = {}
    for k in taken:
        for key in limits[k]:
            used[key] = used.get(key, 0) + 1
    ok = ok and all(u <= left[key] for key, u in used.items() if key in tight)
    ok = ok and not any(n[y[p]] == 1 and n[y[q]] == 1 for p, q in pairs)
    ok = ok and sum(weights[e] for e in got) >= bound - 0.5
    if not ok:
        raise RuntimeError("HiGHS returned a plan that fails its check (see matching.places)")
    return got, proven, relaxed
