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
                 + duplicate_in_play * |resources already in play that r would duplicate|

where ``places_left`` is the smaller of the service's free places and its
agreement's quota left (no term when both are unlimited), and ``source`` is
``public_source`` for a service of a PUBLIC organization, else ``mou_source``
for a service delivered under an agreement, else ``other_source`` (private
charity, companies, associations without an MOU, and volunteers). "In play"
means received, or referred and not declined or closed. ``r`` *duplicates* a
resource in play when both have the same support form and share a type tag,
or both are CASH, and they meet on a domain of an open need ``r`` would cover
(see :mod:`matching.flags`: the OVERLAP flag). A need's tags are the ones
given, else those derived from its detail (:mod:`graph.taxonomy`); ``r``
*fits* a tagged need when they share a tag. The package cost adds, per tagged
open need some candidate fits but no item of the package does::

    tag_miss                                        # the wrong kind of help, or help of no stated kind

(a term of the package, not of one resource: it depends on which need each
item is given; see :mod:`matching.packages`).

All terms are non-negative, so adding a resource never lowers the cost; the
cost is a function of the set alone, hence comparable between the packages of
one household (not between households: an emergency household pays more per
day of lead time). With the defaults, the order of preference is the one the
design asks for: a resource of the wrong type for a tagged need (15) costs
more than one more organization (10), so "한국어 교육 필요" gets the Korean class
rather than a job-training voucher that also covers employment; one more
organization outweighs a week of lead time for an emergency household (7) or
a 50,000 won fee (5); an emergency household is served within 3 days unless
that costs more than 25; a duplicate of a benefit already in play costs 25;
scarce places (3 for the last place, 0.3 for one of ten) and the source (2 for
private charity) break the remaining ties.

**Allocation** (:mod:`matching.allocation`, many households sharing scarce
places) first covers as many needs as today's places allow (the count
:func:`matching.places.max_cover` proves possible, the same count the coverage
report's ``unmet`` leaves out), and among the plans that do, maximises value
minus cost, in the same units::

    value(need)  = need_value * urgency_factor[urgency] * severity   # 1..5
    objective    = sum(value of each covered need) - sum(cost(S_h) over households h)

where ``S_h`` is the set of resources the plan gives household ``h`` and
``cost`` is the package cost above. So the places go to the most urgent and
severe needs (one severity point of an emergency need is worth three of a
general one) whenever that does not leave more needs without help.

**Near misses** (the NEAR_MISS flag) are what a person may approve: income at
most ``near_miss_points`` over a ceiling (``income_approver`` may approve it),
or one missing trait that the care policy marks discretionary
(``discretionary_traits``; ``trait_approver`` may waive it). None of the
statutory traits is discretionary by default. The shipped care policy file
``matching/care_policy.json`` says the same (:func:`policy_from_mapping`
reads it; the service layer loads it, ``$DOLBOM_CARE_POLICY`` names another).

Solver settings live here too: ``time_limit`` seconds for the whole top-k
(the best found so far is returned, marked not proven optimal, when it runs
out), ``solver`` to force an engine, and the branch-and-bound node budget after
which ``"auto"`` hands over to the MILP.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from graph import taxonomy as taxonomy_module
from graph.errors import ValidationError
from graph.model import HouseholdTrait, Urgency
from graph.taxonomy import Taxonomy

Solver = Literal["auto", "search", "milp", "brute"]
SOLVERS: tuple[str, ...] = ("auto", "search", "milp", "brute")

#: the resolution of every cost term (costs are whole hundredths internally)
COST_QUANTUM = 0.01
#: the shipped care policy (near misses, approvers); read by the service layer, never here
CARE_POLICY_FILE = Path(__file__).with_name("care_policy.json")
#: Policy fields that are not non-negative numbers
_NOT_NUMBERS = frozenset({"solver", "discretionary_traits", "income_approver", "trait_approver", "taxonomy"})


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
    #: per resource in play (received or referred) that a resource would duplicate (same form and tag)
    duplicate_in_play: float = 25.0
    #: per tagged open need that a candidate fits (shares a tag with) but no item of the package does
    tag_miss: float = 15.0
    #: allocation: the value of covering one severity point of a need (before the urgency factor)
    need_value: float = 100.0
    #: allocation: the value of a need, multiplied by the household's urgency
    urgency_factor_emergency: float = 3.0
    urgency_factor_focused: float = 2.0
    urgency_factor_general: float = 1.0
    #: NEAR_MISS: income at most this many points above a ceiling
    near_miss_points: int = 10
    #: NEAR_MISS: traits whose requirement a person may waive (none of the statutory ones by default)
    discretionary_traits: frozenset[HouseholdTrait] = frozenset()
    #: who may approve an income exception within ``near_miss_points``: (Korean, English)
    income_approver: tuple[str, str] = ("사례회의", "the case conference")
    #: who may waive a discretionary trait: (Korean, English)
    trait_approver: tuple[str, str] = ("솔루션위원회", "the Solution Committee")
    #: the type tags in force (None: :func:`graph.taxonomy.active`)
    taxonomy: Taxonomy | None = field(default=None, compare=False)
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
            elif f.name == "discretionary_traits":
                object.__setattr__(self, f.name, frozenset(HouseholdTrait(t) for t in v))
            elif f.name in ("income_approver", "trait_approver"):
                if (not isinstance(v, tuple) or len(v) != 2
                        or not all(isinstance(x, str) and x.strip() for x in v)):
                    raise ValueError(f"{f.name} must be a (Korean, English) pair of names")
            elif f.name == "taxonomy":
                if v is not None and not isinstance(v, Taxonomy):
                    raise ValueError("taxonomy must be a graph.taxonomy.Taxonomy or None")
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

    @property
    def tags(self) -> Taxonomy:
        """The taxonomy in force for this policy."""
        return self.taxonomy if self.taxonomy is not None else taxonomy_module.active()

    def approver(self, which: str, locale: str) -> str:
        """Who may approve an ``"income"`` exception or waive a ``"trait"``, in ``locale``."""
        ko, en = self.income_approver if which == "income" else self.trait_approver
        return ko if locale == "ko" else en

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


def _pair(where: str, value: Any) -> tuple[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(value.get(k), str) for k in ("ko", "en")):
        raise ValidationError(where, 'must be {"ko": "...", "en": "..."}')
    return (value["ko"], value["en"])


def policy_from_mapping(data: Mapping[str, Any], base: Policy = DEFAULT_POLICY) -> Policy:
    """A policy from a care policy file's content (see ``matching/care_policy.json``).

    Sections: ``weights`` (any numeric field of :class:`Policy` by name), and
    ``near_miss`` with ``income_points``, ``income_approver`` and
    ``trait_approver`` (``{"ko": ..., "en": ...}``) and ``traits`` (a trait
    name -> ``{"discretionary": bool, "basis": "..."}``). Anything not given
    keeps ``base``'s value. Raises :class:`graph.errors.ValidationError` naming
    the entry that is wrong.
    """
    if not isinstance(data, Mapping):
        raise ValidationError("policy", "must be a JSON object")
    changes: dict[str, Any] = {}
    names = {f.name for f in fields(Policy)} - _NOT_NUMBERS
    weights = data.get("weights") or {}
    if not isinstance(weights, Mapping):
        raise ValidationError("weights", "must be an object of weights by name")
    for k, v in weights.items():
        if k not in names:
            raise ValidationError(f"weights.{k}", "is not a weight of the matching policy")
        changes[k] = v
    near = data.get("near_miss") or {}
    if not isinstance(near, Mapping):
        raise ValidationError("near_miss", "must be an object")
    if "income_points" in near:
        changes["near_miss_points"] = near["income_points"]
    if "income_approver" in near:
        changes["income_approver"] = _pair("near_miss.income_approver", near["income_approver"])
    if "trait_approver" in near:
        changes["trait_approver"] = _pair("near_miss.trait_approver", near["trait_approver"])
    traits = near.get("traits")
    if traits is not None:
        if not isinstance(traits, Mapping):
            raise ValidationError("near_miss.traits", "must be an object of traits by name")
        chosen = set()
        for name, entry in traits.items():
            try:
                trait = HouseholdTrait(name)
            except ValueError:
                raise ValidationError(f"near_miss.traits.{name}", "is not a household trait") from None
            flag = entry.get("discretionary") if isinstance(entry, Mapping) else None
            if not isinstance(flag, bool):
                raise ValidationError(f"near_miss.traits.{name}", 'needs "discretionary": true or false')
            if flag:
                chosen.add(trait)
        changes["discretionary_traits"] = frozenset(chosen)
    try:
        return replace(base, **changes)
    except ValueError as e:
        raise ValidationError("policy", str(e)) from None


def centi(value: float) -> int:
    """A cost term in whole hundredths (round half away from zero, deterministic)."""
    scaled = value / COST_QUANTUM
    return int(scaled + 0.5) if scaled >= 0 else -int(-scaled + 0.5)
