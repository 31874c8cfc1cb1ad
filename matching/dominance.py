"""Shrink a cover problem without changing its k best solutions.

Candidate ``c`` is *dominated* by ``d`` when swapping ``c`` for ``d`` in any
minimal cover strictly lowers the objective: ``d`` covers every element ``c``
covers, ``d`` excludes nothing (no pair penalties), and

* same provider:      ``scale*cost[d] + rank[d] < scale*cost[c] + rank[c]``
* other provider:     ``scale*(cost[d] + fee(d)) + rank[d] < scale*(cost[c] + f) + rank[c]``
  where ``fee(d)`` is the fee of ``d``'s provider and ``f`` the fee of ``c``'s
  when ``c`` is its provider's only candidate (dropping ``c`` then surely
  drops its provider) and 0 otherwise.

If ``c`` has at least ``k`` dominators it is in none of the k best minimal
covers: for a minimal cover ``S`` holding ``c``, each dominator ``d_j`` is not
in ``S`` (else ``S - c`` would still be a cover), and ``S - c + d_j`` contains a
minimal cover that holds ``d_j`` and no other ``d_i``, strictly better than
``S``: k distinct better packages. So all such candidates can go at once; the
reduced problem keeps the original ranks and scale, hence the same
objectives and the same k best.

Complexity: O(n^2) mask comparisons.
"""

from __future__ import annotations

from .cover import CoverProblem


def dominated(p: CoverProblem, k: int) -> set[int]:
    """The candidates with at least ``k`` dominators (see the module docstring)."""
    n, M = p.n, p.scale
    per_provider: dict[int, int] = {}
    for q in p.providers:
        per_provider[q] = per_provider.get(q, 0) + 1
    free = [i for i in range(n) if not p.penalties(i)]  # may dominate others
    best_case = [M * p.costs[c] + p.ranks[c]
                 + (M * p.fee_of(p.providers[c]) if per_provider[p.providers[c]] == 1 else 0)
                 for c in range(n)]
    own = [M * p.costs[c] + p.ranks[c] for c in range(n)]
    worst_case = [M * (p.costs[d] + p.fee_of(p.providers[d])) + p.ranks[d] for d in range(n)]
    out = set()
    for c in range(n):
        mc, count = p.masks[c], 0
        for d in free:
            if d == c or p.masks[d] & mc != mc:
                continue
            better = (own[d] < own[c]) if p.providers[d] == p.providers[c] else (worst_case[d] < best_case[c])
            if better:
                count += 1
                if count >= k:
                    out.add(c)
                    break
    return out


def reduce(p: CoverProblem, k: int) -> tuple[CoverProblem, tuple[int, ...]]:
    """The problem without dominated candidates, and the original index of each kept one."""
    drop = dominated(p, k)
    if not drop:
        return p, tuple(range(p.n))
    keep = tuple(i for i in range(p.n) if i not in drop)
    new = {old: new for new, old in enumerate(keep)}
    providers = sorted({p.providers[i] for i in keep})
    pindex = {q: j for j, q in enumerate(providers)}
    pairs = tuple((new[i], new[j], pen) for i, j, pen in p.pairs if i in new and j in new)
    reduced = CoverProblem(
        n_elements=p.n_elements, masks=tuple(p.masks[i] for i in keep),
        providers=tuple(pindex[p.providers[i]] for i in keep), costs=tuple(p.costs[i] for i in keep),
        fee=p.fee, pairs=pairs, ranks=tuple(p.ranks[i] for i in keep), scale=p.scale,
        fees=tuple(p.fee_of(q) for q in providers) if p.fees else (),
    )
    return reduced, keep
