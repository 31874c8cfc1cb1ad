"""The matching policy: every weight of the package cost, in one object.

The cost of a package ``S`` (a set of resources) for one household is::

    cost(S) = provider        * |distinct organizations and volunteers in S|
            + sum(item_cost(r) for r in S)
            + exclusive_pair  * |pairs of services in S where one excludes the other|

and the cost of one resource ``r`` (each term rounded to 0.01) is::

    item_cost(r) = item                                    # every extra resource is one more hand-off
                 + lead_day[urgency] * lead_time_days(r)   # shorter lead time, weighted by urgency
                 + late        if lead_time_days(r) > deadline[urgency]
                 + per_10k_won * cost(r) / 10,000          # cost to the household
                 + scarcity    / places_left(r)            # spending scarce capacity others need
                 + source(r)                               # public entitlements and MOU partners first
                 + exclusive_in_play * |services already in play that r excludes or is excluded by|

where ``places_left`` is the smaller of the service's free places and its
agreement's quota left (no term when both are unlimited), and ``source`` is
``public_source`` for a service of a PUBLIC organization, else ``mou_source``
for a service delivered under an agreement, else ``other_source`` (private
charity, companies, associations without an MOU, and volunteers). "In play"
means received, or referred and not declined or closed.

All terms are non-negative, so adding a resource never lowers the cost; the
cost is a function of the set alone, hence comparable between the packages of
one household (not between households: an emergency household pays more per
day of lead time). With the defaults, the order of preference is the one the
design asks for: one more organization (10) outweighs a week of lead time for
an emergency household (7) or a 50,000 won fee (5); an emergency household is
served within 3 days unless that costs more than 25; scarce places (3 for the
last place, 0.3 for one of ten) and the source (2 for private charity) break
the remaining ties.

**Allocation** (:mod:`matching.allocation`, many households sharing scarce
places) maximises value minus cost, in the same units::

    value(need)  = need_value * urgency_factor[urgency] * severity   # 1..5
    objective    = sum(value of each covered need) - sum(cost(S_h) over households h)

where ``S_h`` is the set of resources the plan gives household ``h`` and
``cost`` is the package cost above. With the defaults a need is worth 100 to
1,500 and one resource costs about 10 to 60, so the plan covers every need it
can and spends the scarce places on the most urgent and severe needs first
(one severity point of an emergency need is worth three of a general one).

Solver settings live here too: ``time_limit`` seconds for the whole top-k
(the best found so far is returned, marked not proven optimal, when it runs
out), ``solver`` to force an engine, and the branch-and-bound node budget after
which ``"auto"`` hands over to the MILP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from graph.model import Urgency

Solver = Literal["auto", "search", "milp", "brute"]
SOLVERS: tuple[str, ...] = ("auto", "search", "milp", "brute")

#: the resolution of every cost term (costs are whole hundredths internally)
COST_QUANTUM = 0.01


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """Weights of the package cost (see the module docstring) and solver limits.

    Override any of them: ``Policy(provider=20.0)`` or ``DEFAULT_POLICY.with_(late=100.0)``.
    """

    #: per distinct organization or volunteer in the package (one-stop coordination)
    provider: float = 10.0
    #: per resource in the package
    item: float = 0.5
    #: per day of lead time, by the household's urgency
    lead_day_emergency: float = 1.0
    lead_day_focused: float = 0.3
    lead_day_general: float = 0.1
    #: days within which a household of that urgency is to be served (None: no limit)
    deadline_emergency: int | None = 3
    deadline_focused: int | None = None
    deadline_general: int | None = None
    #: once per resource that starts after the household's deadline
    late: float = 25.0
    #: per 10,000 won the household pays
    per_10k_won: float = 1.0
    #: divided by the places left (capacity or agreement quota, the smaller)
    scarcity: float = 3.0
    #: preference by source
    public_source: float = 0.0
    mou_source: float = 0.5
    other_source: float = 2.0
    #: two services in the package that exclude each other (per pair)
    exclusive_pair: float = 50.0
    #: a resource that excludes (or is excluded by) a service already in play
    exclusive_in_play: float = 25.0
    #: allocation: the value of covering one severity point of a need (before the urgency factor)
    need_value: float = 100.0
    #: allocation: the value of a need, multiplied by the household's urgency
    urgency_factor_emergency: float = 3.0
    urgency_factor_focused: float = 2.0
    urgency_factor_general: float = 1.0
    #: NEAR_MISS: income at most this many points above a ceiling
    near_miss_points: int = 10
    #: seconds for the whole top-k; the best found so far is returned after that
    time_limit: float = 2.0
    #: which engine composes packages: "auto" (branch and bound, MILP when it
    #: exceeds its node budget), or one of "search", "milp", "brute" (tests)
    solver: Solver = "auto"
    #: branch-and-bound nodes "auto" spends before handing over to the MILP
    search_nodes: int = 20_000

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "solver":
                if v not in SOLVERS:
                    raise ValueError(f"solver must be one of {', '.join(SOLVERS)} (got {v!r})")
            elif f.name.startswith("deadline_"):
                if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
                    raise ValueError(f"{f.name} must be a non-negative whole number of days or None")
            elif isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 or math.isnan(v):
                raise ValueError(f"{f.name} must be a non-negative number (got {v!r})")
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")

    def with_(self, **changes: Any) -> Policy:
        """A copy with some weights changed."""
        return replace(self, **changes)

    def lead_day(self, urgency: Urgency) -> float:
        return {
            Urgency.EMERGENCY: self.lead_day_emergency,
            Urgency.FOCUSED: self.lead_day_focused,
            Urgency.GENERAL: self.lead_day_general,
        }[Urgency(urgency)]

    def urgency_factor(self, urgency: Urgency) -> float:
        return {
            Urgency.EMERGENCY: self.urgency_factor_emergency,
            Urgency.FOCUSED: self.urgency_factor_focused,
            Urgency.GENERAL: self.urgency_factor_general,
        }[Urgency(urgency)]

    def need_value_of(self, urgency: Urgency, severity: int) -> float:
        """What covering one need is worth in an allocation (see the module docstring)."""
        return self.need_value * self.urgency_factor(urgency) * severity

    def deadline(self, urgency: Urgency) -> int | None:
        return {
            Urgency.EMERGENCY: self.deadline_emergency,
            Urgency.FOCUSED: self.deadline_focused,
            Urgency.GENERAL: self.deadline_general,
        }[Urgency(urgency)]


DEFAULT_POLICY = Policy()


def centi(value: float) -> int:
    """A cost term in whole hundredths (round half away from zero, deterministic)."""
    scaled = value / COST_QUANTUM
    return int(scaled + 0.5) if scaled >= 0 else -int(-scaled + 0.5)
