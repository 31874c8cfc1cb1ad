"""The package as an exact weighted set cover: the problem, its MILP, brute force.

A :class:`CoverProblem` is the abstract form of one household's package:
*elements* (the open-need domains some candidate can cover), *candidates*
(each covers a bitmask of elements, belongs to one provider, has an integer
item cost), a fee per distinct provider (``fee``, or ``fees[q]`` for provider
``q`` when given: 0 for the pseudo-candidates that stand for "accept a
mismatch", see :mod:`matching.packages`), and penalties for pairs of
candidates that exclude each other. For a set ``S`` of candidates::

    cost(S)      = sum(fee(q) for q in providers(S)) + sum(cost[i]) + sum(penalty[i, j] for pairs in S)
    objective(S) = scale * cost(S) + sum(rank[i] for i in S)

``rank`` is a distinct positive tie-break per candidate (its position in
resource-key order) and ``scale`` exceeds the sum of all ranks, so the
objective orders packages by cost first, then by the sum of their ranks
(packages of resources earlier in key order first); because every rank is
positive, adding a candidate strictly raises it. Packages equal in both (rare:
equal cost and equal rank sums) are ordered by their sorted item indices in the
exact search and brute force; the MILP may return either of them, with the
same objective. All arithmetic is on integers (costs in hundredths), so the
engines agree exactly.

**Top-k.** The k best packages are the k best *minimal* covers (no item can be
dropped) by objective. The MILP finds them one by one: solution j minimises the
objective subject to covering every element and, for each earlier solution
``P``, the no-good cut ``sum(x[i] for i in P) <= |P| - 1`` (so it neither equals
nor contains an earlier package). Since the objective strictly grows with the
set, every solution found this way is minimal, and the sequence is exactly the
k best minimal covers: alternatives really differ (each lacks at least one
item of every earlier one).

**MILP** (:func:`milp_topk`, HiGHS through :func:`scipy.optimize.milp`)::

    min  scale*cost.x + rank.x + scale*fee*sum(z) + scale*penalty.y
    s.t. sum(x[i] : i covers e) >= 1             every element e
         x[i] - z[provider(i)] <= 0               every candidate
         x[i] + x[j] - y[ij] <= 1                 every excluding pair
         sum(x[i] : i in P) <= |P| - 1            every earlier solution P
         x binary, 0 <= z, y <= 1

HiGHS always gets a time limit and ``mip_rel_gap=0``. Every answer is checked
(:func:`verify`): integral, a cover, no earlier solution inside it, minimal
when claimed optimal, and its recomputed objective no worse than the solver
claimed (HiGHS has reported wrong "optimal" answers on small 0-1 problems);
a failed check raises :class:`SolverCheckFailed` so the caller falls back to
an exact search.

**Brute force** (:func:`brute_force_topk`) enumerates all 2^n subsets; the
reference for tests, and fine up to ~16 candidates.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Items = tuple[int, ...]


class SolverCheckFailed(RuntimeError):
    """A solver returned something that is not what it claims (see :func:`verify`)."""


@dataclass(frozen=True, slots=True)
class CoverProblem:
    """One household's package as a weighted set cover (see the module docstring).

    ``masks[i]`` is the bitmask of elements candidate ``i`` covers (non-zero,
    within ``2**n_elements - 1``); ``providers[i]`` an index; ``costs[i]``,
    ``fee`` and pair penalties non-negative integers; ``ranks`` distinct and
    positive; ``scale`` greater than ``sum(ranks)``. Every element must be
    covered by some candidate.
    """

    n_elements: int
    masks: tuple[int, ...]
    providers: tuple[int, ...]
    costs: tuple[int, ...]
    fee: int = 0
    #: (i, j, penalty) with i < j
    pairs: tuple[tuple[int, int, int], ...] = ()
    ranks: tuple[int, ...] = ()
    scale: int = 0
    #: the fee of each provider index, when they differ (empty: ``fee`` for every provider)
    fees: tuple[int, ...] = ()
    _pen: dict[int, dict[int, int]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.masks)
        if not self.ranks:
            object.__setattr__(self, "ranks", tuple(range(1, n + 1)))
        if not self.scale:
            object.__setattr__(self, "scale", sum(self.ranks) + 1)
        if not (len(self.providers) == len(self.costs) == len(self.ranks) == n):
            raise ValueError("masks, providers, costs and ranks must have one entry per candidate")
        if self.scale <= sum(self.ranks) or any(r <= 0 for r in self.ranks) or len(set(self.ranks)) != n:
            raise ValueError("ranks must be distinct and positive, and scale greater than their sum")
        if any(c < 0 for c in self.costs) or self.fee < 0 or any(p < 0 for _, _, p in self.pairs):
            raise ValueError("costs, fee and penalties must be non-negative")
        if self.fees and (len(self.fees) < self.n_providers or any(f < 0 for f in self.fees)):
            raise ValueError("fees must give every provider a non-negative fee")
        u = self.universe
        if any(m == 0 or m & ~u for m in self.masks):
            raise ValueError("every candidate must cover at least one element, and only elements")
        covered = 0
        for m in self.masks:
            covered |= m
        if covered != u:
            raise ValueError("every element must be coverable by some candidate")
        pen: dict[int, dict[int, int]] = {}
        for i, j, p in self.pairs:
            if not 0 <= i < j < n:
                raise ValueError(f"bad pair ({i}, {j})")
            pen.setdefault(i, {})[j] = pen.setdefault(i, {}).get(j, 0) + p
            pen.setdefault(j, {})[i] = pen.setdefault(j, {}).get(i, 0) + p
        object.__setattr__(self, "_pen", pen)

    @property
    def n(self) -> int:
        return len(self.masks)

    @property
    def universe(self) -> int:
        return (1 << self.n_elements) - 1

    @property
    def n_providers(self) -> int:
        return max(self.providers, default=-1) + 1

    def fee_of(self, q: int) -> int:
        """The fee of provider ``q``."""
        return self.fees[q] if self.fees else self.fee

    def penalties(self, i: int) -> dict[int, int]:
        """``{j: penalty}`` for the candidates that exclude (or are excluded by) ``i``."""
        return self._pen.get(i, {})

    def covered(self, items: Iterable[int]) -> int:
        m = 0
        for i in items:
            m |= self.masks[i]
        return m

    def is_cover(self, items: Iterable[int]) -> bool:
        return self.covered(items) == self.universe

    def is_minimal(self, items: Items) -> bool:
        """A cover from which no item can be dropped."""
        return self.is_cover(items) and all(
            self.covered(items[:k] + items[k + 1:]) != self.universe for k in range(len(items)))

    def cost(self, items: Iterable[int]) -> int:
        items = sorted(set(items))
        fees = sum(self.fee_of(q) for q in {self.providers[i] for i in items})
        total = fees + sum(self.costs[i] for i in items)
        chosen = set(items)
        for i in items:
            total += sum(p for j, p in self.penalties(i).items() if j > i and j in chosen)
        return total

    def objective(self, items: Iterable[int]) -> int:
        items = sorted(set(items))
        return self.scale * self.cost(items) + sum(self.ranks[i] for i in items)

    def key(self, items: Iterable[int]) -> tuple[int, Items]:
        items = tuple(sorted(set(items)))
        return self.objective(items), items


@dataclass(frozen=True, slots=True)
class Solution:
    items: Items
    cost: int
    objective: int


@dataclass(frozen=True, slots=True)
class TopK:
    """Up to k solutions, best first. ``optimal``: each is proven to be the
    j-th best minimal cover (False when a limit cut the search short)."""

    solutions: tuple[Solution, ...]
    optimal: bool
    engine: str
    nodes: int = 0


def solution(p: CoverProblem, items: Iterable[int]) -> Solution:
    items = tuple(sorted(set(items)))
    return Solution(items, p.cost(items), p.objective(items))


# ---------------------------------------------------------------------------
# brute force


def brute_force_topk(p: CoverProblem, k: int) -> TopK:
    """The k best minimal covers by enumerating every subset. O(2^n * n)."""
    if p.n > 24:
        raise ValueError(f"brute force over {p.n} candidates would take too long")
    found = []
    for size in range(p.n + 1):
        for items in itertools.combinations(range(p.n), size):
            if p.is_cover(items) and p.is_minimal(items):
                found.append(p.key(items))
    found.sort()
    return TopK(tuple(solution(p, items) for _, items in found[:k]), True, "brute")


# ---------------------------------------------------------------------------
# MILP


def verify(p: CoverProblem, items: Items, earlier: Sequence[Items], *, claimed: float | None = None,
           proven: bool = False) -> None:
    """Raise :class:`SolverCheckFailed` unless ``items`` is a cover that contains
    no earlier solution (and, when ``proven``, is minimal and its objective
    is no worse than ``claimed``)."""
    if not p.is_cover(items):
        raise SolverCheckFailed(f"solution {items} does not cover every need")
    chosen = set(items)
    for e in earlier:
        if set(e) <= chosen:
            raise SolverCheckFailed(f"solution {items} contains the earlier solution {e}")
    if proven:
        if not p.is_minimal(items):
            raise SolverCheckFailed(f"solution {items} claimed optimal is not minimal")
        if claimed is not None and p.objective(items) > claimed + 0.5:
            raise SolverCheckFailed(f"solution {items} costs {p.objective(items)}, not the claimed {claimed}")


def _milp_model(p: CoverProblem) -> tuple[npt.NDArray[np.float64], Any, npt.NDArray[np.float64],
                                          npt.NDArray[np.float64], npt.NDArray[np.float64], Any, Any]:
    """Objective, constraint matrix and its bounds, integrality, variable bounds and the
    ``LinearConstraint`` class (scipy is untyped here, so the matrix and its classes are ``Any``)."""
    from scipy.optimize import Bounds, LinearConstraint
    from scipy.sparse import coo_matrix

    n, P = p.n, p.n_providers
    pairs = [(i, j, pen) for i, j, pen in p.pairs]
    E = len(pairs)
    nv = n + P + E
    c = np.zeros(nv)
    for i in range(n):
        c[i] = p.scale * p.costs[i] + p.ranks[i]
    c[n:n + P] = [p.scale * p.fee_of(q) for q in range(P)]
    for e, (_, _, pen) in enumerate(pairs):
        c[n + P + e] = p.scale * pen

    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0
    for e in range(p.n_elements):
        for i in range(n):
            if p.masks[i] >> e & 1:
                rows.append(r)
                cols.append(i)
                vals.append(1.0)
        lo.append(1.0)
        hi.append(np.inf)
        r += 1
    for i in range(n):
        rows += [r, r]
        cols += [i, n + p.providers[i]]
        vals += [1.0, -1.0]
        lo.append(-np.inf)
        hi.append(0.0)
        r += 1
    for e, (i, j, _) in enumerate(pairs):
        rows += [r, r, r]
        cols += [i, j, n + P + e]
        vals += [1.0, 1.0, -1.0]
        lo.append(-np.inf)
        hi.append(1.0)
        r += 1
    base = coo_matrix((vals, (rows, cols)), shape=(r, nv)).tocsr()
    integrality = np.zeros(nv)
    integrality[:n] = 1
    bounds = Bounds(np.zeros(nv), np.ones(nv))
    return c, base, np.array(lo), np.array(hi), integrality, bounds, LinearConstraint


def milp_topk(p: CoverProblem, k: int, *, deadline: float | None = None, time_limit: float = 10.0) -> TopK:
    """The k best minimal covers by sequential MILPs with no-good cuts.

    Each solve gets the time left until ``deadline`` (a ``time.perf_counter()``
    value; default ``time_limit`` seconds from now). When time runs out the
    solutions found so far are returned with ``optimal=False``; a solve that
    stops on its time limit with a feasible answer contributes that answer
    (checked, but not proven). Raises :class:`SolverCheckFailed` when HiGHS
    returns something that fails :func:`verify`.
    """
    from scipy.optimize import milp
    from scipy.sparse import csr_matrix, vstack

    if deadline is None:
        deadline = time.perf_counter() + time_limit
    if p.n_elements == 0:
        return TopK((solution(p, ()),), True, "milp")
    c, base, lo, hi, integrality, bounds, LinearConstraint = _milp_model(p)
    n = p.n
    found: list[Items] = []
    optimal = True
    for _ in range(k):
        left = deadline - time.perf_counter()
        if left <= 0:
            optimal = False
            break
        if found:
            cuts = np.zeros((len(found), c.size))
            for row, s in enumerate(found):
                cuts[row, list(s)] = 1.0
            A = vstack([base, csr_matrix(cuts)]).tocsr()
            clo = np.concatenate([lo, np.full(len(found), -np.inf)])
            chi = np.concatenate([hi, np.array([len(s) - 1.0 for s in found])])
        else:
            A, clo, chi = base, lo, hi
        res = milp(c, integrality=integrality, bounds=bounds, constraints=LinearConstraint(A, clo, chi),
                   options={"time_limit": max(left, 1e-3), "mip_rel_gap": 0.0, "disp": False})
        if res.status == 2:  # infeasible: no further alternative exists
            break
        if res.x is None:
            if res.status == 1:  # time limit before any feasible answer
                optimal = False
                break
            raise SolverCheckFailed(f"HiGHS gave no solution: {res.message}")
        x = np.asarray(res.x[:n])
        if np.any(np.abs(x - np.round(x)) > 1e-6):
            raise SolverCheckFailed(f"HiGHS returned a fractional solution: {x}")
        items = tuple(int(i) for i in np.flatnonzero(x > 0.5))
        proven = res.status == 0
        if not proven:
            items = prune(p, items)
        verify(p, items, found, claimed=res.fun, proven=proven)
        found.append(items)
        if not proven:
            optimal = False
            break
    return TopK(tuple(solution(p, s) for s in found), optimal, "milp")


def prune(p: CoverProblem, items: Items) -> Items:
    """Drop redundant items from a cover, dearest first (never raises the objective)."""
    kept = list(items)
    for i in sorted(items, key=lambda i: (-p.costs[i], -p.ranks[i])):
        rest = [j for j in kept if j != i]
        if p.is_cover(rest):
            kept = rest
    return tuple(sorted(kept))
