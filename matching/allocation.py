"""Capacity-aware allocation for a case conference: one plan for many households.

:func:`allocate` assigns open needs to resources so that no service gets more
households than its free places, no MOU more than its quota left, and no
household two services that exclude each other. It covers as many needs as
the places allow (the count :func:`matching.places.max_cover` proves possible:
the same count the coverage report's ``unmet`` leaves out, so the report and
the conference agree), and among those plans maximises (see
:mod:`matching.policy`)::

    sum(need_value * urgency_factor * severity over covered needs)
        + tag_miss * |tagged needs given a resource of their type|
        - sum(package cost of each household's resources)

so the places go to the most urgent and severe needs whenever that does not
leave more needs without help, and a need goes to help of its type when there
is some (the fit elements of :mod:`matching.allocation_model`).

Every rule of :func:`matching.match` applies (the model is built with the same
functions, :mod:`matching.allocation_model`), so a need ``match()`` flags
MISSING or CAPACITY is unmet here with the same reason and message.

**Solver.** A MILP solved exactly by HiGHS (:func:`scipy.optimize.milp`,
``mip_rel_gap=0``, always with a time limit)::

    max  sum(value[e] * c[e]) - sum(cost[k] * y[k]) - fee * sum(z[h, p])
    s.t. c[e] <= sum(y[k] : choice k covers element e)       every element
         y[k] <= z[h(k), provider(k)]                         every choice
         y[i] + y[j] <= 1                                     every clash
         sum(y[k] : k shares limit L) <= places(L)            every binding limit
         sum(needs[e] * c[e]) >= K                            the most needs the places can cover
         y binary; 0 <= c, z <= 1

Only binding limits (fewer places than households that could use them) are
constraints; the others cannot be overbooked. A min-cost flow cannot express
the per-household provider fee (a concave cost on a set), so the MILP it is.
Every answer is checked before it is trusted: integral, within every limit
(binding or not), no clash, and its recomputed objective no worse than the
solver claims, and covering at least ``K`` needs (HiGHS has reported wrong
"optimal" answers on small 0-1 problems). A failed check, or no plan at all within the time limit, falls
back to the first-come baseline, marked not optimal; a plan found but not
proven within the time limit is returned with ``optimal=False`` and its gap.

**Baseline.** :func:`first_come` is what happens without a case conference:
households in arrival order, each takes the resources with free places that
add the most value for it (newly covered value minus cost), while any adds
value, then gives back any a later pick made redundant. Same model, same
objective, so the two can be compared.

Output: an :class:`AllocationResult` (assignments per need, unmet needs with
a reason code, the objective, whether it is proven optimal and the gap). The
needs a plan leaves unmet for lack of places are those with the codes
NOT_ENOUGH_PLACES and EXCLUDED (:attr:`AllocationResult.short_of_places`).
Same
input, same output: households, elements and choices are built in a fixed
order and HiGHS is deterministic (unless it stops on the time limit).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from graph.errors import ValidationError
from graph.model import Domain
from i18n import clock

from .allocation_model import Model, build, contest, dominated, prune, value, violations
from .candidates import find_candidates
from .cover import SolverCheckFailed
from .flags import gap_flags
from .messages import Message, check_locale
from .places import max_cover
from .policy import DEFAULT_POLICY, Policy
from .results import FlagKind, Reason

#: why a need is not in the plan: ``match()``'s MISSING and CAPACITY codes for a
#: need nothing can cover, else NOT_ENOUGH_PLACES, EXCLUDED, or (first come only)
#: NOT_WORTH (see :class:`matching.results.Reason`)
UnmetReason = Reason
#: the codes of needs a plan leaves unmet for lack of places (the coverage report's ``unmet``)
SHORT_OF_PLACES = frozenset({Reason.NOT_ENOUGH_PLACES.value, Reason.EXCLUDED.value})


@dataclass(frozen=True, slots=True)
class Assignment:
    household_id: str
    need_id: str
    resource_id: str
    #: "Service" or "Volunteer"
    resource_label: str


@dataclass(frozen=True, slots=True)
class Unmet:
    need_id: str
    household_id: str
    #: a :class:`matching.results.Reason` value
    reason: str
    message: str = ""


@dataclass(frozen=True, slots=True)
class AllocationResult:
    assignments: list[Assignment]
    unmet: list[Unmet]
    #: value of the covered needs minus the cost of the plan (see the module docstring)
    objective: float
    #: True when the solver proved the plan optimal
    optimal: bool
    #: relative gap to the best bound (0.0 when proven, None when unknown)
    gap: float | None
    #: "milp", "first-come", "trivial", or after a failure of the MILP (the
    #: first-come plan): "milp-check-failed", "first-come-after-time-limit"
    engine: str = "milp"
    #: open needs of the households, and how many the plan covers
    needs: int = 0
    needs_covered: int = 0
    #: value of the covered needs, and of every open need
    covered_value: float = 0.0
    total_value: float = 0.0
    #: places of binding limits in the model (for reports)
    binding_limits: int = 0
    #: the most needs the places could cover (:func:`matching.places.max_cover`); None when not computed
    coverable_at_once: int | None = None

    @property
    def short_of_places(self) -> int:
        """Needs left unmet for lack of places: NOT_ENOUGH_PLACES and EXCLUDED."""
        return sum(1 for u in self.unmet if u.reason in SHORT_OF_PLACES)

    @property
    def weighted_coverage(self) -> float:
        """Urgency- and severity-weighted coverage: covered value over the value of every open need."""
        return self.covered_value / self.total_value if self.total_value else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "assignments": [{"householdId": a.household_id, "needId": a.need_id, "resourceId": a.resource_id,
                             "resourceKind": a.resource_label} for a in self.assignments],
            "unmet": [{"needId": u.need_id, "householdId": u.household_id, "reason": u.reason,
                       "message": u.message} for u in self.unmet],
            "objective": self.objective, "optimal": self.optimal, "gap": self.gap, "engine": self.engine,
            "needs": self.needs, "needsCovered": self.needs_covered, "coveredValue": self.covered_value,
            "totalValue": self.total_value, "weightedCoverage": self.weighted_coverage,
        }


# ---------------------------------------------------------------------------
# engines: each returns the chosen choice indices


class NoPlanInTime(RuntimeError):
    """The solver's time limit ran out before it found any plan."""


def _milp(m: Model, time_limit: float, at_least: int = 0) -> tuple[tuple[int, ...], bool, float | None]:
    """The exact plan covering at least ``at_least`` needs: (choices, proven
    optimal, relative gap). Raises :class:`SolverCheckFailed` when HiGHS gives
    nothing usable or fails a check."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    n, ne = len(m.choices), len(m.elements)
    pindex: dict[tuple[int, str], int] = {}
    for c in m.choices:
        pindex.setdefault((c.household, c.provider_key), len(pindex))
    npv = len(pindex)
    nv = n + ne + npv
    obj = np.zeros(nv)
    obj[:n] = [c.cost for c in m.choices]
    obj[n:n + ne] = [-e.value for e in m.elements]
    obj[n + ne:] = m.fee
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    hi: list[float] = []
    r = 0
    covering: list[list[int]] = [[] for _ in range(ne)]
    for k, c in enumerate(m.choices):
        for e in c.elements:
            covering[e].append(k)
    for e in range(ne):  # c[e] - sum y <= 0
        rows.append(r)
        cols.append(n + e)
        vals.append(1.0)
        for k in covering[e]:
            rows.append(r)
            cols.append(k)
            vals.append(-1.0)
        hi.append(0.0)
        r += 1
    for k, c in enumerate(m.choices):  # y - z <= 0
        rows += [r, r]
        cols += [k, n + ne + pindex[(c.household, c.provider_key)]]
        vals += [1.0, -1.0]
        hi.append(0.0)
        r += 1
    for i, j in m.clashes:
        rows += [r, r]
        cols += [i, j]
        vals += [1.0, 1.0]
        hi.append(1.0)
        r += 1
    for lim in m.binding_limits():
        for k in lim.choices:
            rows.append(r)
            cols.append(k)
            vals.append(1.0)
        hi.append(float(lim.places))
        r += 1
    if at_least > 0:  # -sum(needs[e] * c[e]) <= -K
        for e, el in enumerate(m.elements):
            rows.append(r)
            cols.append(n + e)
            vals.append(-float(len(el.need_ids)))
        hi.append(-float(at_least))
        r += 1
    integrality = np.zeros(nv)
    integrality[:n] = 1
    upper = np.ones(nv)
    upper[sorted(dominated(m))] = 0.0  # never needed by an optimal plan (see allocation_model.dominated)
    constraints = []
    if r:
        a = coo_matrix((vals, (rows, cols)), shape=(r, nv)).tocsr()
        constraints = [LinearConstraint(a, np.full(r, -np.inf), np.array(hi))]
    res = milp(obj, integrality=integrality, bounds=Bounds(np.zeros(nv), upper), constraints=constraints,
               options={"time_limit": max(time_limit, 1e-3), "mip_rel_gap": 0.0, "disp": False})
    if res.x is None:
        if res.status == 1:
            raise NoPlanInTime(f"HiGHS found no plan within {time_limit:.2f} s")
        raise SolverCheckFailed(f"HiGHS gave no plan: {res.message}")
    y = np.asarray(res.x[:n])
    if np.any(np.abs(y - np.round(y)) > 1e-6):
        raise SolverCheckFailed("HiGHS returned a fractional plan")
    chosen = tuple(int(k) for k in np.flatnonzero(y > 0.5))
    problems = violations(m, chosen)
    if problems:
        raise SolverCheckFailed("HiGHS returned an infeasible plan: " + "; ".join(problems[:3]))
    claimed = -float(res.fun)
    got = value(m, chosen)
    if got < claimed - 0.5:
        raise SolverCheckFailed(f"the plan is worth {got}, not the claimed {claimed}")
    reached = sum(len(m.elements[e].need_ids) for e in {e for k in chosen for e in m.choices[k].elements})
    if reached < at_least:
        raise SolverCheckFailed(f"the plan covers {reached} needs, not the {at_least} the places allow")
    proven = res.status == 0
    gap: float | None = 0.0 if proven else None
    if not proven:
        bound = getattr(res, "mip_dual_bound", None)
        if bound is not None and np.isfinite(bound):
            best = -float(bound)
            gap = max(0.0, (best - got) / max(abs(best), 1.0))
    return prune(m, chosen), proven, gap


def _first_come(m: Model) -> tuple[int, ...]:
    """The baseline (see the module docstring)."""
    left = {lim.key: lim.places for lim in m.limits}
    limits_of: dict[int, list[str]] = {}
    for lim in m.limits:
        for k in lim.choices:
            limits_of.setdefault(k, []).append(lim.key)
    clash_of: dict[int, set[int]] = {}
    for i, j in m.clashes:
        clash_of.setdefault(i, set()).add(j)
        clash_of.setdefault(j, set()).add(i)
    by_household: dict[int, list[int]] = {}
    for k, c in enumerate(m.choices):
        by_household.setdefault(c.household, []).append(k)
    chosen: list[int] = []
    for h in range(len(m.household_ids)):
        mine: list[int] = []
        covered: set[int] = set()
        providers: set[str] = set()
        while True:
            best: tuple[int, int] | None = None
            for k in by_household.get(h, ()):
                if k in mine or any(left[key] <= 0 for key in limits_of.get(k, ())):
                    continue
                if clash_of.get(k, set()) & set(mine):
                    continue
                c = m.choices[k]
                gain = sum(m.elements[e].value for e in c.elements if e not in covered)
                net = gain - c.cost - (0 if c.provider_key in providers else m.fee)
                if net > 0 and (best is None or (-net, k) < (-best[0], best[1])):
                    best = (net, k)
            if best is None:
                break
            k = best[1]
            mine.append(k)
            covered.update(m.choices[k].elements)
            providers.add(m.choices[k].provider_key)
            for key in limits_of.get(k, ()):
                left[key] -= 1
        kept = prune(m, mine)  # a later pick can make an earlier one redundant: give its place back
        for k in set(mine) - set(kept):
            for key in limits_of.get(k, ()):
                left[key] += 1
        chosen += kept
    return tuple(sorted(chosen))


# ---------------------------------------------------------------------------
# the result


def _unmet_reason(m: Model, domain: Domain, mine: set[int], full: set[str],
                  limits_of: dict[int, list[str]], clash_of: dict[int, set[int]],
                  choices_of: dict[tuple[int, Domain], list[int]], h: int) -> tuple[Reason, Message]:
    """Why a coverable domain of household ``h`` got nothing in the plan."""
    options = choices_of.get((h, domain), [])
    names = tuple(m.choices[k].resource_id for k in options)
    free = [k for k in options if not any(key in full for key in limits_of.get(k, ()))]
    if not free:
        return Reason.NOT_ENOUGH_PLACES, Message.of("alloc.unmet.allocated", domain=domain, names=names)
    if all(clash_of.get(k, set()) & mine for k in free):
        return Reason.EXCLUDED, Message.of("alloc.unmet.excluded", domain=domain, names=names)
    return Reason.NOT_WORTH, Message.of("alloc.unmet.not_worth", domain=domain, names=names)


def result(m: Model, chosen: Sequence[int], *, optimal: bool, gap: float | None, engine: str,
           locale: str = "en", coverable_at_once: int | None = None) -> AllocationResult:
    """Turn a valid set of choices into assignments per need and unmet needs with reasons."""
    chosen_set = set(chosen)
    used: dict[str, int] = {}
    limits_of: dict[int, list[str]] = {}
    for lim in m.limits:
        for k in lim.choices:
            limits_of.setdefault(k, []).append(lim.key)
            if k in chosen_set:
                used[lim.key] = used.get(lim.key, 0) + 1
    full = {lim.key for lim in m.limits if used.get(lim.key, 0) >= lim.places}
    clash_of: dict[int, set[int]] = {}
    for i, j in m.clashes:
        clash_of.setdefault(i, set()).add(j)
        clash_of.setdefault(j, set()).add(i)
    choices_of: dict[tuple[int, Domain], list[int]] = {}
    for k, c in enumerate(m.choices):
        for e in c.elements:
            if m.elements[e].fit is None:
                choices_of.setdefault((c.household, m.elements[e].domain), []).append(k)
    owner: dict[int, int] = {}  # element -> the chosen choice that covers it (cheapest, then first)
    for k in sorted(chosen_set, key=lambda k: (m.choices[k].cost, k)):
        for e in m.choices[k].elements:
            owner.setdefault(e, k)

    assignments: list[Assignment] = []
    unmet: list[Unmet] = []
    covered_value = 0
    needs = covered = 0
    element_of = {(el.household, el.domain): e for e, el in enumerate(m.elements) if el.fit is None}
    # a tagged need goes to a chosen resource that fits it, when the plan has one
    fitted = {el.fit: owner[e] for e, el in enumerate(m.elements) if el.fit is not None and e in owner}
    for h, (hid, dm) in enumerate(zip(m.household_ids, m.demands, strict=True)):  # one demand per id
        mine = {k for k in chosen_set if m.choices[k].household == h}
        gaps = None
        for domain, need_ids, _ in dm.fields:
            needs += len(need_ids)
            elem = element_of.get((h, domain))
            if elem is not None and elem in owner:
                covered += len(need_ids)
                covered_value += m.elements[elem].value
                for nid in need_ids:
                    c = m.choices[fitted.get(nid, owner[elem])]
                    assignments.append(Assignment(hid, nid, c.resource_id, c.resource_label))
                continue
            if elem is None:  # nothing can cover it: match()'s MISSING or CAPACITY flag, word for word
                if gaps is None:
                    cs = find_candidates(dm.nb, m.on, m.policy)
                    gaps = {d.domain: d for d in gap_flags(cs, m.policy)
                            if d.kind in (FlagKind.MISSING, FlagKind.CAPACITY)}
                draft = gaps[domain]
                reason = draft.reason
                text = draft.render(locale).message
            else:
                reason, msg = _unmet_reason(m, domain, mine, full, limits_of, clash_of, choices_of, h)
                text = msg.render(locale)
                text = text[:1].upper() + text[1:]
            unmet += [Unmet(nid, hid, reason.value, text) for nid in need_ids]
    return AllocationResult(
        assignments=assignments, unmet=unmet, objective=value(m, chosen) / 100, optimal=optimal, gap=gap,
        engine=engine, needs=needs, needs_covered=covered, covered_value=covered_value / 100,
        total_value=m.open_value / 100, binding_limits=len(m.binding_limits()),
        coverable_at_once=coverable_at_once,
    )


def _check(household_ids: Sequence[str], on: dt.date | None, time_limit: float) -> dt.date:
    if isinstance(household_ids, str) or not all(isinstance(h, str) for h in household_ids):
        raise ValidationError("householdIds", "must be a list of household ids")
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not time_limit > 0:
        raise ValidationError("timeLimit", f"must be a positive number of seconds (got {time_limit!r})")
    if on is None:
        return clock.today()
    if not isinstance(on, dt.date):
        raise ValidationError("on", f"must be a date (got {on!r})")
    return on.date() if isinstance(on, dt.datetime) else on


def allocate(g: nx.MultiDiGraph, household_ids: Sequence[str], *, on: dt.date | None = None,
             policy: Policy = DEFAULT_POLICY, time_limit: float = 10.0,
             locale: str = "en") -> AllocationResult:
    """One capacity-aware plan for ``household_ids`` (see the module docstring).

    Inputs: a view holding every household (``store.graph()`` or a region
    subtree view), the household ids (duplicates ignored), the day ``on``
    agreements must be in force (default today), the policy, the solver's
    time limit in seconds, the locale of the unmet messages. Raises
    :class:`graph.errors.NotFoundError` (field ``householdIds``) for an unknown
    household, :class:`graph.errors.ValidationError` for bad arguments.
    """
    start = time.perf_counter()
    on = _check(household_ids, on, time_limit)
    check_locale(locale)
    m = build(g, household_ids, on, policy)
    if not m.choices:
        return result(m, (), optimal=True, gap=0.0, engine="trivial", locale=locale, coverable_at_once=0)
    most = max_cover(contest(m), time_limit=max(time_limit - (time.perf_counter() - start), 1e-3))
    left = time_limit - (time.perf_counter() - start)
    try:
        chosen, proven, gap = _milp(m, left, most.needs)
        proven = proven and most.exact
        engine = "milp"
    except SolverCheckFailed:
        chosen, proven, gap, engine = _first_come(m), False, None, "milp-check-failed"
    except NoPlanInTime:
        chosen, proven, gap, engine = _first_come(m), False, None, "first-come-after-time-limit"
    return result(m, chosen, optimal=proven, gap=gap, engine=engine, locale=locale,
                  coverable_at_once=most.needs)


def first_come(g: nx.MultiDiGraph, household_ids: Sequence[str], *, on: dt.date | None = None,
               policy: Policy = DEFAULT_POLICY, locale: str = "en") -> AllocationResult:
    """The first-come baseline on the same model (see the module docstring); never marked optimal."""
    on = _check(household_ids, on, 1.0)
    check_locale(locale)
    m = build(g, household_ids, on, policy)
    return result(m, _first_come(m), optimal=False, gap=None, engine="first-come", locale=locale)
