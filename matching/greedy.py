"""The greedy baseline: what a case worker with a spreadsheet would do.

Repeatedly take the candidate that covers the most still-uncovered needs
(ties: the smaller marginal objective, then the smaller index), until every
element is covered. Not optimal and not minimal in general; the bench compares
its cost with the exact packages under the same cost function, and the
composer uses it as a last resort when no engine produced any package in time.

Complexity: O(elements x candidates).
"""

from __future__ import annotations

from collections.abc import Sequence

from .cover import CoverProblem, Items


def greedy_cover(p: CoverProblem, weights: Sequence[int] | None = None) -> Items:
    """A cover of ``p`` built greedily. ``weights[e]`` is how many needs element
    ``e`` stands for (default 1 each)."""
    w = list(weights) if weights is not None else [1] * p.n_elements
    covered, chosen = 0, []
    used: set[int] = set()
    while covered != p.universe:
        best = None
        for c in range(p.n):
            if c in chosen:
                continue
            new = p.masks[c] & ~covered
            if not new:
                continue
            gain = sum(w[e] for e in range(p.n_elements) if new >> e & 1)
            marginal = p.scale * (p.costs[c] + (0 if p.providers[c] in used else p.fee_of(p.providers[c]))) \
                + p.ranks[c]
            marginal += p.scale * sum(pen for j, pen in p.penalties(c).items() if j in chosen)
            key = (-gain, marginal, c)
            if best is None or key < best:
                best = key
        assert best is not None, "every element of a CoverProblem is coverable"
        c = best[2]
        chosen.append(c)
        used.add(p.providers[c])
        covered |= p.masks[c]
    return tuple(sorted(chosen))
