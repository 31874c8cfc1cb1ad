"""Exact top-k by branch and bound: the fast path for household-sized covers.

Finds the same thing as :func:`matching.cover.milp_topk` — the k best minimal
covers of a :class:`~matching.cover.CoverProblem` by objective — without the
per-call overhead of a MILP solver (several milliseconds even for tiny
models), which matters when a household has a handful of needs and tens of
candidates.

The search branches on an uncovered element (the one with the fewest allowed
candidates): branch ``j`` adds the j-th candidate covering it and forbids the
earlier ones in the rest of that subtree, so every cover is reached at most
once. A branch whose new item makes an earlier item redundant is cut (no
completion of it is minimal), so every leaf is a minimal cover, and every
minimal cover is a leaf. A node is cut when its lower bound — the objective so
far plus, over the uncovered elements, the largest of the cheapest marginal
objectives that could cover each — exceeds the k-th best objective found.
Marginal objectives include the provider fee unless the provider is already
used and penalties with the items already chosen (pair penalties yet to come
are left out, which keeps the bound valid).

Worst case exponential in the number of elements (at most 9 domains);
``node_limit`` and ``deadline`` stop it, and the result then says it is not
proven (``optimal=False``) so the caller can hand over to the MILP.
"""

from __future__ import annotations

import bisect
import time

from .cover import CoverProblem, Items, TopK, solution

_CHECK_EVERY = 128


class _Stop(Exception):
    pass


def search_topk(p: CoverProblem, k: int, *, node_limit: int | None = None,
                deadline: float | None = None) -> TopK:
    """The k best minimal covers of ``p``, best first (see the module docstring).

    ``deadline`` is a ``time.perf_counter()`` value. Output: a
    :class:`~matching.cover.TopK` with ``optimal=True`` when the search ran to
    completion, else the best found so far with ``optimal=False``.
    """
    n, universe, masks, prov = p.n, p.universe, p.masks, p.providers
    M = p.scale
    base = [M * p.costs[i] + p.ranks[i] for i in range(n)]
    fees = [M * p.fee_of(q) for q in range(max(1, p.n_providers))]
    pen = [{j: M * v for j, v in p.penalties(i).items()} for i in range(n)]
    by_elem = [[i for i in range(n) if masks[i] >> e & 1] for e in range(p.n_elements)]

    best: list[tuple[int, Items]] = []
    inf = float("inf")
    worst = [inf]
    used = [0] * max(1, p.n_providers)
    nodes = [0]

    def record(obj: int, chosen: list[int]) -> None:
        entry = (obj, tuple(sorted(chosen)))
        bisect.insort(best, entry)
        if len(best) > k:
            best.pop()
        if len(best) == k:
            worst[0] = best[-1][0]

    def marginal(c: int, chosen: list[int]) -> int:
        m = base[c]
        if not used[prov[c]]:
            m += fees[prov[c]]
        pc = pen[c]
        if pc:
            for i in chosen:
                m += pc.get(i, 0)
        return m

    def visit(chosen: list[int], covered: int, multi: int, forbidden: int, obj: int) -> None:
        nodes[0] += 1
        if node_limit is not None and nodes[0] > node_limit:
            raise _Stop
        if deadline is not None and nodes[0] % _CHECK_EVERY == 0 and time.perf_counter() > deadline:
            raise _Stop
        if covered == universe:
            record(obj, chosen)
            return
        # per uncovered element: the allowed candidates and their marginal objectives
        bound = 0
        pick = None
        pick_size = 1 << 30
        rest = universe & ~covered
        e = 0
        while rest:
            if rest & 1:
                options = [(marginal(c, chosen), c) for c in by_elem[e] if not forbidden >> c & 1]
                if not options:
                    return
                cheapest = min(options)[0]
                bound = max(bound, cheapest)
                if len(options) < pick_size:
                    pick, pick_size = options, len(options)
            rest >>= 1
            e += 1
        if obj + bound > worst[0]:
            return
        assert pick is not None
        pick.sort()
        forb = forbidden
        for m, c in pick:
            if obj + m > worst[0]:
                break
            mask = masks[c]
            new_multi = multi | (covered & mask)
            if any(not masks[i] & ~new_multi for i in chosen):
                forb |= 1 << c  # c would make an earlier item redundant
                continue
            chosen.append(c)
            used[prov[c]] += 1
            try:
                visit(chosen, covered | mask, new_multi, forb, obj + m)
            finally:
                chosen.pop()
                used[prov[c]] -= 1
            forb |= 1 << c

    complete = True
    try:
        visit([], 0, 0, 0, 0)
    except _Stop:
        complete = False
    return TopK(tuple(solution(p, items) for _, items in best), complete, "search", nodes[0])
