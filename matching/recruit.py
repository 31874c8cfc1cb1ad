"""The recruitment advisor, fairness by city and county, and quota and capacity burn-down.

**The places model of a region subtree.** Every household of the subtree with
open needs (read with :func:`matching.neighbourhood.read`, as ``match()`` and
``allocate()`` read it):

* an **element** is one household's open needs of one domain, weighing its
  value (:meth:`~matching.policy.Policy.need_value_of`: urgency x severity, in
  hundredths) and its count of needs; an element no resource could ever serve
  (nothing in reach passes the rules but CAPACITY and QUOTA) has no choice;
* a **choice** is a resource the household passes every rule of but CAPACITY
  and QUOTA: full services are choices too, with a limit of 0 places, so one
  more place is a change of a number, not of the model;
* **limits**: a service's free places, an MOU's quota left; **clashes**: two
  choices of one household that exclude each other.

The **optimum** is the most urgency- and severity-weighted value the places
cover at once, and of the ways to cover that much, the most needs
(:func:`matching.places.max_cover` with :func:`lex_weights`: exact; so the
needs an optimum covers are a number of the model, whichever optimum).
It splits into **components** that share no binding limit (fewer places than
choices), element or clash: each is solved on its own.

**Marginal values.** A component is *deficient* when its optimum leaves some
element uncovered. Adding a place, a quota unit, a region served or a new
program can raise the optimum only through a deficient component (a change
that only gives new options to elements of components already wholly covered
cannot cover more), so the candidates are: one more place for every service
limit, and one more unit for every MOU limit, of a deficient component; every
service serving a region inside the subtree next to (a sibling of) a region
of a household of a deficient component, offering that element's domain, that the household would
be eligible for, extended to the household's region; a new program of
capacity 1 for each region and domain with an element in a deficient component
(not only the elements one optimum leaves uncovered: optima differ in which; or
the programs the caller describes). Each candidate's gain is **re-solved**
exactly on the components it touches (the rest of the optimum cannot move):
the value and the needs newly covered (both exact: what-if applying the change
shows that many more needs covered, net; :func:`matching.whatif.covered_needs`
is the same optimum). Ranked by value gained, then needs; a change that gains
no value is not listed.

**Shadow prices, then exact re-solves.** The LP relaxation of each contested
component is solved once (HiGHS' dual simplex); its duals are the shadow
prices of elements and limits. They cannot stand for a 0-1 gain (they can be
wrong in either direction), but they bound it: after a change the relaxation
is worth at most its value now plus one unit of a raised limit at its price,
plus each new choice's reduced value (the best ``n`` when a limit of its own
admits ``n``), and the 0-1 optimum at most that. A candidate whose bound,
plus the component's integrality gap, is under one hundredth gains nothing
and is not re-solved. The others are re-solved on the cached rows of the
components they touch with the change applied: when the relaxation's vertex
is integral it is the 0-1 optimum (checked), else the MILP of
:func:`matching.places.max_cover` settles it. ``advise(screen=False,
relaxation=False)`` re-solves every candidate as a MILP (same answer; for
measuring).

A property test applies each change to the view (:mod:`matching.whatif`),
rebuilds the whole model and checks the gain.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from graph.model import Domain, HouseholdTrait, ReferralStatus, SupportForm, Urgency, node_key
from i18n import clock

from .changes import AddPlaces, AddQuota, Change, Extend, NewService
from .costing import excludes_each_other
from .eligibility import agreement_in_force, is_active, open_to, serves_any
from .messages import Message
from .neighbourhood import HouseholdFacts, Resource, resource_at
from .places import Contest, max_cover
from .policy import DEFAULT_POLICY, Policy, centi
from .regions import RegionTree, households_in

DOMAINS = tuple(Domain)


@dataclass(frozen=True, slots=True)
class Element:
    household_id: str
    region_id: str
    domain: Domain
    need_ids: tuple[str, ...]
    value: int
    urgency: Urgency


@dataclass(frozen=True, slots=True)
class Choice:
    household_id: str
    resource_key: str
    elements: tuple[int, ...]
    limits: tuple[str, ...]


@dataclass
class Places:
    """The places model of a subtree (see the module docstring)."""

    elements: list[Element]
    choices: list[Choice]
    places: dict[str, int]
    clashes: list[tuple[int, int]]
    #: household id -> (facts, chain ids, received keys, element index by domain)
    households: dict[str, tuple[HouseholdFacts, tuple[str, ...], frozenset[str], dict[Domain, int]]]
    resources: dict[str, Resource] = field(default_factory=dict)
    #: elements a choice with no limit and no clash covers: covered in every optimum, in no choice here
    settled: set[int] = field(default_factory=set)
    #: choice -> the choices it clashes with (built on first use)
    _clash_of: dict[int, list[int]] | None = None

    def clash_of(self) -> dict[int, list[int]]:
        if self._clash_of is None:
            out: dict[int, list[int]] = {}
            for i, j in self.clashes:
                out.setdefault(i, []).append(j)
            self._clash_of = out
        return self._clash_of

    def users(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.choices:
            for key in c.limits:
                out[key] = out.get(key, 0) + 1
        return out


def _limits(r: Resource) -> tuple[tuple[str, int], ...]:
    out = []
    if r.is_service and r.capacity is not None:
        out.append((r.key, r.available or 0))
    if r.is_service and r.agreement is not None and r.agreement.annual_quota is not None:
        out.append((f"Agreement:{r.agreement.id}", r.agreement.quota_left or 0))
    return tuple(out)


def could_serve(r: Resource, hh: HouseholdFacts, chain: Sequence[str], received: frozenset[str],
                on: dt.date) -> bool:
    """Every rule but DOMAIN, CAPACITY and QUOTA."""
    return (serves_any(r, chain) and is_active(r) and (not r.is_service or agreement_in_force(r, on))
            and open_to(r, hh, received))


def places_model(g: nx.MultiDiGraph, region_id: str | None, on: dt.date,
                 policy: Policy = DEFAULT_POLICY) -> Places:
    """The places model of ``region_id``'s subtree (every region when None). O(households x reach)."""
    tree = RegionTree.of(g)
    m = Places([], [], {}, [], {})
    # the resources serving each region, read once (a city's households share most of their reach)
    serving: dict[str, dict[Domain, list[Resource]]] = {}
    made: dict[str, Resource | None] = {}

    def serving_of(rid: str) -> dict[Domain, list[Resource]]:
        """The resources serving ``rid`` that could serve someone (active, MOU in force), by domain."""
        if rid not in serving:
            out: dict[Domain, list[Resource]] = {}
            rkey = node_key("Region", rid)
            if rkey in g:
                for u, _, k in g.in_edges(rkey, keys=True):
                    if k == "SERVES":
                        if u not in made:
                            r0 = resource_at(g, u)
                            made[u] = r0 if r0 is not None and is_active(r0) and (
                                not r0.is_service or agreement_in_force(r0, on)) else None
                        r = made[u]
                        if r is not None:
                            for d in r.domains:
                                out.setdefault(d, []).append(r)
            serving[rid] = out
        return serving[rid]

    for row in households_in(g, tree.scope(region_id)):
        if not row.needs:
            continue
        hh = row.household
        chain = tree.chain(hh.region_id)
        wanted = {n.domain for n in row.needs}
        reach: dict[str, Resource] = {}
        for rid in chain:
            by_domain_here = serving_of(rid)
            for d in wanted:
                for r in by_domain_here.get(d, ()):
                    reach[r.key] = r
        in_reach = [reach[k] for k in sorted(reach)]
        received = row.received
        index: dict[Domain, int] = {}
        by_domain: dict[Domain, list[str]] = {}
        sev = {n.id: n.severity for n in row.needs}
        for n in row.needs:
            by_domain.setdefault(n.domain, []).append(n.id)
        for d in Domain:
            if d in by_domain:
                index[d] = len(m.elements)
                ids = tuple(sorted(by_domain[d]))
                m.elements.append(Element(hh.id, hh.region_id, d, ids, sum(
                    centi(policy.need_value_of(hh.urgency, sev[i])) for i in ids), hh.urgency))
        m.households[hh.id] = (hh, chain, received, index)
        cands: list[tuple[Resource, tuple[int, ...], tuple[tuple[str, int], ...]]] = []
        for r in in_reach:
            if not could_serve(r, hh, chain, received, on):
                continue
            covered = tuple(index[d] for d in DOMAINS if d in index and d in r.domains)
            if covered:
                cands.append((r, covered, _limits(r)))
        # clashes: only a service that excludes another can be in one (few do), so look those up
        by_id = {r.id: i for i, (r, _, _) in enumerate(cands) if r.is_service}
        pairs: set[tuple[int, int]] = set()
        for i, (a, _, _) in enumerate(cands):
            for other in a.excludes_ids if a.is_service else ():
                j = by_id.get(other)
                if j is not None and j != i and excludes_each_other(a, cands[j][0]):
                    pairs.add((min(i, j), max(i, j)))
        prone = {i for pair in pairs for i in pair}
        # an element a choice with no limit and no clash covers is covered in every optimum (settled);
        # a choice left with only settled elements is never needed (dropping it frees its places)
        settled = {e for i, (_, covered, lims) in enumerate(cands) if not lims and i not in prone
                   for e in covered}
        m.settled.update(settled)
        kept: dict[int, int] = {}
        for i, (r, covered, lims) in enumerate(cands):
            rest = tuple(e for e in covered if e not in settled)
            if not rest:
                continue
            for key, left in lims:
                m.places[key] = left
            m.resources[r.key] = r
            kept[i] = len(m.choices)
            m.choices.append(Choice(hh.id, r.key, rest, tuple(k for k, _ in lims)))
        m.clashes.extend(sorted((kept[i], kept[j]) for i, j in pairs if i in kept and j in kept))
    return m


@dataclass(frozen=True, slots=True)
class Solved:
    covered: frozenset[int]
    value: int
    needs: int
    exact: bool


def solve(m: Places, choices: Iterable[int] | None = None, *, places: dict[str, int] | None = None,
          extra: Sequence[Choice] = (), prefer: frozenset[int] = frozenset()) -> Solved:
    """The most value the places cover, then the most needs (:func:`lex_weights`), over ``choices``
    (all when None) plus ``extra`` new choices, with ``places`` overriding limits; and the needs of the
    covered elements. Of the optima, one covering the most elements of ``prefer`` (what-if keeps
    whom it can: a change moves only the places it must)."""
    ks = list(range(len(m.choices))) if choices is None else sorted(set(choices))
    all_choices = [m.choices[k] for k in ks] + list(extra)
    els = sorted({e for c in all_choices for e in c.elements})
    if not els:
        return Solved(frozenset(), 0, 0, True)
    eidx = {e: i for i, e in enumerate(els)}
    pos = {k: i for i, k in enumerate(ks)}
    lim = dict(m.places)
    if places:
        lim.update(places)
    weights = lex_weights(m, els)
    if prefer:
        weights = [w * (1 + len(els)) + (e in prefer) for w, e in zip(weights, els, strict=True)]
    contest = Contest(
        weights=weights,
        choices=[(tuple(eidx[e] for e in c.elements), c.limits) for c in all_choices],
        places={k: lim[k] for c in all_choices for k in c.limits},
        clashes=[(pos[i], pos[j]) for i in ks for j in m.clash_of().get(i, ()) if j in pos],
    )
    cover = max_cover(contest)
    covered = frozenset(els[i] for i in cover.covered)
    return Solved(covered, sum(m.elements[e].value for e in covered),
                  sum(len(m.elements[e].need_ids) for e in covered), cover.exact)


def lex_weights(m: Places, els: Sequence[int]) -> list[int]:
    """Weights under which an optimum covers the most value and, of the sets covering that much, the
    most needs: ``value / g * K + needs``, with ``g`` the values' greatest common divisor and ``K`` one
    more than the needs of ``els`` (so no count of needs outweighs one unit of value). The needs an
    optimum covers are then a number of the model, not of the optimum the solver happened to pick:
    the advisor's "covers n more needs" and what-if's needs gained count the same thing."""
    values = [m.elements[e].value for e in els]
    counts = [len(m.elements[e].need_ids) for e in els]
    g = math.gcd(*values) or 1
    k = 1 + sum(counts)
    return [v // g * k + n for v, n in zip(values, counts, strict=True)]


# ---------------------------------------------------------------------------
# the LP relaxation: shadow prices to screen candidates, and fast exact re-solves


@dataclass(frozen=True, slots=True)
class _Block:
    """One component's rows of the LP relaxation, in its own numbering, built once and stacked into
    every re-solve that touches the component."""

    ks: tuple[int, ...]
    es: tuple[int, ...]
    #: cover entries: element position, choice position
    er: np.ndarray
    ec: np.ndarray
    #: limit key -> choice positions
    limits: dict[str, tuple[int, ...]]
    clashes: tuple[tuple[int, int], ...]


def _block(m: Places, ks: Sequence[int], es: Sequence[int]) -> _Block:
    eloc = {e: i for i, e in enumerate(es)}
    pos = {k: i for i, k in enumerate(ks)}
    er: list[int] = []
    ec: list[int] = []
    lim: dict[str, list[int]] = {}
    for i, k in enumerate(ks):
        c = m.choices[k]
        for e in c.elements:
            er.append(eloc[e])
            ec.append(i)
        for key in c.limits:
            lim.setdefault(key, []).append(i)
    clash = m.clash_of()
    pairs = tuple((pos[k], pos[j]) for k in ks for j in clash.get(k, ()) if j in pos)
    return _Block(tuple(ks), tuple(es), np.asarray(er, dtype=np.int64), np.asarray(ec, dtype=np.int64),
                  {key: tuple(v) for key, v in lim.items()}, pairs)


@dataclass(frozen=True, slots=True)
class _Relaxed:
    """The relaxation of some components: its optimum, the exact optimum when the relaxation's is
    integral (None otherwise: a MILP must settle it), and the shadow prices of elements and limits."""

    lp: float
    solved: Solved | None
    pi: dict[int, float]
    lam: dict[str, float]


def _relax(m: Places, blocks: Sequence[_Block], places: dict[str, int] | None = None,
           extra: Sequence[Choice] = (), *, lex: bool = True) -> _Relaxed | None:
    """``max sum w[e] c[e]`` with ``c[e] <= sum y[k]`` over the choices covering e, the limits and the
    clashes, ``0 <= y, c <= 1``, by HiGHS' dual simplex (a vertex, so an integral one is common);
    None when HiGHS fails. An integral vertex is the 0-1 optimum itself (checked: within every limit,
    no clash, worth what HiGHS says)."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    els = [e for b in blocks for e in b.es]
    epos = {e: i for i, e in enumerate(els)}
    nb = sum(len(b.ks) for b in blocks)
    ny, ne = nb + len(extra), len(els)
    rows: list[np.ndarray] = [np.arange(ne)]
    cols: list[np.ndarray] = [ny + np.arange(ne)]
    vals: list[np.ndarray] = [np.ones(ne)]
    by_limit: dict[str, list[int]] = {}
    clashes: list[tuple[int, int]] = []
    oy = oe = 0
    for b in blocks:
        rows.append(oe + b.er)
        cols.append(oy + b.ec)
        vals.append(-np.ones(len(b.er)))
        for key, ks in b.limits.items():
            by_limit.setdefault(key, []).extend(oy + i for i in ks)
        clashes.extend((oy + i, oy + j) for i, j in b.clashes)
        oy += len(b.ks)
        oe += len(b.es)
    er: list[int] = []
    ec: list[int] = []
    for j, c in enumerate(extra):
        for e in c.elements:
            er.append(epos[e])
            ec.append(nb + j)
        for key in c.limits:
            by_limit.setdefault(key, []).append(nb + j)
    rows.append(np.asarray(er, dtype=np.int64))
    cols.append(np.asarray(ec, dtype=np.int64))
    vals.append(-np.ones(len(er)))
    keys = sorted(by_limit)
    lim = {**m.places, **(places or {})}
    r = ne
    for key in keys:
        ids = by_limit[key]
        rows.append(np.full(len(ids), r))
        cols.append(np.asarray(ids, dtype=np.int64))
        vals.append(np.ones(len(ids)))
        r += 1
    if clashes:
        cl = np.asarray(clashes, dtype=np.int64)
        rows.append(r + np.repeat(np.arange(len(cl)), 2))
        cols.append(cl.reshape(-1))
        vals.append(np.ones(2 * len(cl)))
    nrows = r + len(clashes)
    hi = np.concatenate([np.zeros(ne), np.asarray([float(max(0, lim[k])) for k in keys]),
                         np.ones(len(clashes))])
    a = csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                   shape=(nrows, ny + ne))
    # lex: the weights of the exact optimum (lex_weights); else the values, whose duals are shadow prices
    lw = lex_weights(m, els) if lex else [m.elements[e].value for e in els]
    w = np.asarray(lw, dtype=float)
    obj = np.concatenate([np.zeros(ny), -w])
    res = linprog(obj, A_ub=a, b_ub=hi, bounds=(0, 1), method="highs-ds")
    if res.status != 0 or res.x is None:
        return None
    lp = -float(res.fun)
    duals = -np.asarray(res.ineqlin.marginals)
    pi = {e: float(duals[i]) for i, e in enumerate(els)}
    lam = {k: float(duals[ne + i]) for i, k in enumerate(keys)}
    y = np.asarray(res.x[:ny])
    solved = None
    if not np.any(np.abs(y - np.round(y)) > 1e-6):
        chosen = set(np.flatnonzero(y > 0.5).tolist())
        every = [m.choices[k] for b in blocks for k in b.ks] + list(extra)
        covered = frozenset(e for i in chosen for e in every[i].elements)
        worth = sum(lw[epos[e]] for e in covered)
        ok = all(sum(1 for i in by_limit[k] if i in chosen) <= max(0, lim[k]) for k in keys)
        ok = ok and not any(i in chosen and j in chosen for i, j in clashes) and worth >= lp - 0.5
        if ok:
            solved = Solved(covered, sum(m.elements[e].value for e in covered),
                            sum(len(m.elements[e].need_ids) for e in covered), True)
    return _Relaxed(lp, solved, pi, lam)


def _top(values: Iterable[float], n: int | None) -> float:
    """The sum of the ``n`` largest positive values (all when None)."""
    pos = sorted((v for v in values if v > 0), reverse=True)
    return sum(pos if n is None else pos[:max(0, n)])


def components(m: Places) -> list[tuple[list[int], list[int]]]:
    """(choice indices, element indices) of each component (see the module docstring); elements
    without a choice are components of their own."""
    users = m.users()
    binding = {k for k, n in users.items() if m.places.get(k, 0) < n}
    parent = list(range(len(m.choices)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[object, int] = {}
    for k, c in enumerate(m.choices):
        for tag in [("L", key) for key in c.limits if key in binding] + [("E", e) for e in c.elements]:
            if tag in first:
                a, b = find(first[tag]), find(k)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first[tag] = k
    for i, j in m.clashes:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for k in range(len(m.choices)):
        groups.setdefault(find(k), []).append(k)
    out = [(ks, sorted({e for k in ks for e in m.choices[k].elements})) for ks in groups.values()]
    reached = {e for _, es in out for e in es}
    out += [([], [e]) for e in range(len(m.elements)) if e not in reached and e not in m.settled]
    return out


@dataclass(frozen=True, slots=True)
class Recruit:
    """One change and what it would newly cover, re-solved exactly."""

    kind: str  # ADD_PLACES, ADD_QUOTA, EXTEND, NEW_SERVICE
    change: Change
    target_id: str
    #: urgency- and severity-weighted value newly covered (the unit of :meth:`Policy.need_value_of`)
    value: float
    #: needs newly covered, and of them EMERGENCY ones
    needs: int
    region_id: str | None
    domains: tuple[Domain, ...]
    message: Message


@dataclass(frozen=True, slots=True)
class Advice:
    ranked: tuple[Recruit, ...]
    households: int
    elements: int
    uncovered_needs: int
    uncovered_value: float
    candidates: int
    seconds: float
    exact: bool = True
    #: candidates the shadow prices proved worth nothing (no re-solve), and re-solves a MILP settled
    #: (the rest: the relaxation's optimum was integral, so exact)
    screened: int = 0
    milp_solves: int = 0


@dataclass(frozen=True, slots=True)
class NewProgram:
    """A new service to evaluate: its domain, form, tags, region and capacity."""

    domain: Domain
    region_id: str
    capacity: int | None = 1
    form: SupportForm = SupportForm.SERVICE
    tags: tuple[str, ...] = ()
    max_income_percent: int | None = None
    required_traits: tuple[HouseholdTrait, ...] = ()


def _new_choices(m: Places, elements: Iterable[int], r: Resource, on: dt.date,
                 limits: tuple[str, ...]) -> list[Choice]:
    """New choices of ``r`` for the households of ``elements`` it would serve (by the rules but capacity)."""
    out = []
    seen: set[str] = set()
    for e in sorted(elements):
        hid = m.elements[e].household_id
        if hid in seen:
            continue
        seen.add(hid)
        hh, chain, received, index = m.households[hid]
        if not could_serve(r, hh, chain, received, on):
            continue
        covered = tuple(index[d] for d in DOMAINS
                        if d in r.domains and d in index and index[d] not in m.settled)
        if covered:
            out.append(Choice(hid, r.key, covered, limits))
    return out


def advise(g: nx.MultiDiGraph, region_id: str | None, *, on: dt.date | None = None,
           policy: Policy = DEFAULT_POLICY, new: Sequence[NewProgram] = (), top: int | None = None,
           model: Places | None = None, screen: bool = True, relaxation: bool = True) -> Advice:
    """The recruitment advisor over ``region_id``'s subtree (see the module docstring), best first.
    ``screen=False`` re-solves every candidate (no shadow-price bound); ``relaxation=False`` solves
    every model with the MILP of :func:`solve` (both for measuring; the answer is the same)."""
    start = time.perf_counter()
    on = on or clock.today()
    m = model or places_model(g, region_id, on, policy)
    tree = RegionTree.of(g)
    comps = components(m)
    blocks: dict[int, _Block] = {}
    relaxed: dict[int, _Relaxed] = {}
    milp_solves = 0
    screened = 0

    def block(i: int) -> _Block:
        if i not in blocks:
            blocks[i] = _block(m, *comps[i])
        return blocks[i]

    comp_of_choice: dict[int, int] = {}
    comp_of_element: dict[int, int] = {}
    base: list[Solved] = []
    exact = True
    users0 = m.users()
    binding = {k for k, n in users0.items() if m.places.get(k, 0) < n}
    clashing = {k for pair in m.clashes for k in pair}
    for i, (ks, es) in enumerate(comps):
        for k in ks:
            comp_of_choice[k] = i
        for e in es:
            comp_of_element[e] = i
        if ks and not _contested(m, ks, binding, clashing):  # nothing competes: every element is covered
            s = Solved(frozenset(es), sum(m.elements[e].value for e in es),
                       sum(len(m.elements[e].need_ids) for e in es), True)
        elif not ks:
            s = Solved(frozenset(), 0, 0, True)
        else:
            # the shadow prices are the values' (a bound on value gained); the optimum is lex_weights'
            rx = _relax(m, [block(i)], lex=False) if screen else None
            if rx is not None:
                relaxed[i] = rx
            if relaxation and rx is not None and rx.solved is not None and len(rx.solved.covered) == len(es):
                ro: _Relaxed | None = rx  # covers every element: no tie to break
            else:
                ro = _relax(m, [block(i)]) if relaxation else None
            if ro is not None and ro.solved is not None:
                s = ro.solved
            else:
                s = solve(m, ks)
                milp_solves += 1
        exact = exact and s.exact
        base.append(s)
    deficient = [i for i, (_, es) in enumerate(comps) if len(base[i].covered) < len(es)]
    deficient_set = set(deficient)
    uncovered = [e for i in deficient for e in comps[i][1] if e not in base[i].covered]
    limit_comp: dict[str, int] = {}
    for k, c in enumerate(m.choices):
        for key in c.limits:
            limit_comp.setdefault(key, comp_of_choice[k])
    out: list[Recruit] = []
    tried = 0
    memo: dict[object, tuple[int, int]] = {}
    existing = {(c.household_id, c.resource_key) for c in m.choices}

    # Shadow prices (the relaxation's duals; see _relax): for a component solved exactly without it,
    # an element's price is 0 when the component covers it, its weight when nothing can; a limit's
    # is 0. Any dual solution bounds the relaxation after a change, which bounds the 0-1 optimum.
    def gap(i: int) -> float:
        if i in relaxed:
            return relaxed[i].lp - base[i].value
        return 0.0 if not comps[i][0] or i not in deficient_set else float("inf")

    def pi(e: int) -> float:
        i = comp_of_element[e]
        if i in relaxed:
            return relaxed[i].pi.get(e, 0.0)
        return float(m.elements[e].value) if not comps[i][0] else 0.0

    def lam(key: str) -> float:
        i = limit_comp.get(key)
        return relaxed[i].lam.get(key, 0.0) if i is not None and i in relaxed else 0.0

    def bound(comp_ids: set[int], places: dict[str, int] | None, extra: Sequence[Choice]) -> float:
        """An upper bound on the value the change gains: the components' integrality gaps, plus one
        more unit of each limit raised at its shadow price, plus the new choices' reduced values
        (the best ``n`` of them when a limit of their own admits ``n``)."""
        ub = sum(gap(i) for i in comp_ids)
        fresh = {k: v for k, v in (places or {}).items() if k not in m.places}
        ub += sum(lam(k) * max(0, v - m.places[k]) for k, v in (places or {}).items() if k in m.places)
        reduced = [sum(pi(e) for e in c.elements) - sum(lam(k) for k in c.limits if k not in fresh)
                   for c in extra]
        shared = [fresh[k] for k in fresh if all(k in c.limits for c in extra)]
        return ub + _top(reduced, min(shared) if shared else None)

    def gain(comp_ids: set[int], places: dict[str, int] | None = None,
             extra: Sequence[Choice] = ()) -> tuple[int, int]:
        nonlocal screened
        # the same new options on the same components with the same places gain the same
        sig = (frozenset(comp_ids), tuple(sorted((places or {}).items())),
               tuple(sorted((c.household_id, c.elements, c.limits) for c in extra)))
        if sig not in memo:
            if screen and bound(comp_ids, places, extra) < 0.5:  # values are whole hundredths
                screened += 1
                memo[sig] = (0, 0)
            else:
                memo[sig] = _gain(comp_ids, places, extra)
        return memo[sig]

    def _gain(comp_ids: set[int], places: dict[str, int] | None,
              extra: Sequence[Choice]) -> tuple[int, int]:
        nonlocal milp_solves
        before_v = sum(base[i].value for i in comp_ids)
        before_n = sum(base[i].needs for i in comp_ids)
        rx = _relax(m, [block(i) for i in sorted(comp_ids)], places, extra) if relaxation else None
        if rx is not None and rx.solved is not None:
            after = rx.solved
        else:
            ks = [k for i in comp_ids for k in comps[i][0]]
            after = solve(m, ks, places=places, extra=extra)
            milp_solves += 1
        return after.value - before_v, after.needs - before_n

    def add(kind: str, change: Change, target: str, v: int, n: int, rid: str | None,
            doms: tuple[Domain, ...], msg: Message) -> None:
        if v > 0:  # more needs at no more value is one optimum's accident, not a gain
            out.append(Recruit(kind, change, target, v / 100, n, rid, doms, msg))

    users = m.users()
    for key, ci in sorted(limit_comp.items()):
        if ci not in deficient_set or m.places[key] >= users.get(key, 0):
            continue
        tried += 1
        v, n = gain({ci}, {key: m.places[key] + 1})
        if key.startswith("Agreement:"):
            aid = key.split(":", 1)[1]
            add("ADD_QUOTA", AddQuota(aid), aid, v, n, None, (),
                Message.of("recruit.add_quota", agreement=aid, needs=n, value=v / 100))
        else:
            r = m.resources[key]
            doms = tuple(d for d in Domain if d in r.domains)
            add("ADD_PLACES", AddPlaces(r.id), r.id, v, n, None, doms, Message.of(
                "recruit.add_places", name=r.name, provider=r.provider_name, needs=n, value=v / 100))
    # extension to a region next to one it serves
    deficient_elements = [e for i in deficient for e in comps[i][1]]
    in_scope = set(tree.scope(region_id))
    ext: dict[tuple[str, str], set[int]] = {}
    serving_sib: dict[str, list[tuple[str, frozenset[Domain]]]] = {}

    def services_of(rid: str) -> list[tuple[str, frozenset[Domain]]]:
        """The services serving region ``rid`` and their domains (read once per region)."""
        if rid not in serving_sib:
            rkey = node_key("Region", rid)
            serving_sib[rid] = [(u, frozenset(g.nodes[u]["domains"])) for u, _, k in
                                (g.in_edges(rkey, keys=True) if rkey in g else ())
                                if k == "SERVES" and g.nodes[u].get("label") == "Service"]
        return serving_sib[rid]
    for e in deficient_elements:
        el = m.elements[e]
        hh, chain, received, _ = m.households[el.household_id]
        for rid in chain:
            parent = tree.parent.get(rid)
            for sib in tree.children.get(parent, ()) if parent is not None else ():
                if sib == rid or sib not in in_scope:  # a neighbour inside the subtree asked about
                    continue
                for u, domains in services_of(sib):
                    if el.domain in domains:
                        ext.setdefault((u, rid), set()).add(e)
    below: dict[str, set[str]] = {}

    def under(rid: str, domains: frozenset[Domain]) -> set[int]:
        if rid not in below:
            below[rid] = tree.descendants(rid)
        return {e for e in deficient_elements
                if m.elements[e].region_id in below[rid] and m.elements[e].domain in domains}

    for (skey, rid), els in sorted(ext.items()):
        r0 = m.resources.get(skey) or resource_at(g, skey)
        if r0 is None:
            continue
        r = Resource(**{**{f: getattr(r0, f) for f in r0.__dataclass_fields__},
                        "region_ids": r0.region_ids | {rid}})
        # a limit no household of the model uses yet is the new choices' alone: named by its place
        # in the list and capped at their number, so services alike in what they add are solved once
        lims = _limits(r)
        keys = tuple(k if k in m.places else f"fresh:{i}" for i, (k, _) in enumerate(lims))
        # every household under the region the service would newly reach, in deficient components
        newc = [c for c in _new_choices(m, els | under(rid, r.domains), r, on, keys)
                if (c.household_id, skey) not in existing]
        if not newc:
            continue
        tried += 1
        comp_ids = {comp_of_element[e] for c in newc for e in c.elements}
        for key in keys:
            if key in limit_comp:
                comp_ids.add(limit_comp[key])
        places = {k: min(left, len(newc)) for k, (_, left) in zip(keys, lims, strict=True)
                  if k not in m.places}
        v, n = gain(comp_ids, places, newc)
        add("EXTEND", Extend(r.id, rid), r.id, v, n, rid, tuple(sorted(r.domains, key=list(Domain).index)),
            Message.of("recruit.extend", name=r.name, provider=r.provider_name,
                       region=tree.names.get(rid, rid), needs=n, value=v / 100))
    # new programs
    programs = list(new)
    if not programs:
        # every region and domain of a deficient component, not only those this optimum leaves
        # uncovered: which elements an optimum leaves is one optimum's choice, the candidates are not
        seen: set[tuple[str, Domain]] = set()
        for e in sorted(deficient_elements):
            el = m.elements[e]
            if (el.region_id, el.domain) not in seen:
                seen.add((el.region_id, el.domain))
                programs.append(NewProgram(el.domain, el.region_id))
    for i, p in enumerate(programs):
        sid = f"new-{p.region_id}-{p.domain.value.lower()}-{i}"
        r = Resource(key=node_key("Service", sid), id=sid, label="Service", name=sid,
                     domains=frozenset({p.domain}), region_ids=frozenset({p.region_id}),
                     provider_key="Organization:whatif", provider_id="whatif",
                     provider_name="", capacity=p.capacity, form=p.form, tags=frozenset(p.tags),
                     max_income_percent=p.max_income_percent, required_traits=tuple(p.required_traits))
        new_keys: tuple[str, ...] = (r.key,) if p.capacity is not None else ()
        newc = _new_choices(m, under(p.region_id, r.domains), r, on, new_keys)
        change = NewService(sid, (p.domain,), (p.region_id,), capacity=p.capacity, form=p.form, tags=p.tags,
                            max_income_percent=p.max_income_percent, required_traits=p.required_traits)
        tried += 1
        if not newc:
            continue
        comp_ids = {comp_of_element[e] for c in newc for e in c.elements}
        v, n = gain(comp_ids, {r.key: p.capacity} if p.capacity is not None else None, newc)
        add("NEW_SERVICE", change, sid, v, n, p.region_id, (p.domain,), Message.of(
            "recruit.new_service", form=p.form, domain=p.domain,
            region=tree.names.get(p.region_id, p.region_id),
            capacity="∞" if p.capacity is None else p.capacity, needs=n, value=v / 100))
    # by value, then needs (exact too: every optimum covers the most needs of the most value)
    out.sort(key=lambda x: (-x.value, -x.needs, x.kind, x.target_id, x.region_id or ""))
    if top is not None:
        out = out[:top]
    return Advice(tuple(out), len(m.households), len(m.elements),
                  sum(len(m.elements[e].need_ids) for e in uncovered),
                  sum(m.elements[e].value for e in uncovered) / 100, tried, time.perf_counter() - start,
                  exact, screened, milp_solves)


def _contested(m: Places, ks: Sequence[int], binding: set[str], clashing: set[int]) -> bool:
    """Some choice of ``ks`` is in a binding limit or a clash."""
    return any(k in clashing or any(key in binding for key in m.choices[k].limits) for k in ks)


def optimum(m: Places, prefer: frozenset[int] = frozenset()) -> Solved:
    """The whole model's optimum, component by component (the settled elements included); of the
    optima, one covering the most elements of ``prefer`` (see :func:`solve`)."""
    covered: set[int] = set(m.settled)
    exact = True
    for ks, es in components(m):
        if ks:
            s = solve(m, ks, prefer=prefer & frozenset(es))
            covered |= s.covered
            exact = exact and s.exact
    return Solved(frozenset(covered), sum(m.elements[e].value for e in covered),
                  sum(len(m.elements[e].need_ids) for e in covered), exact)


# ---------------------------------------------------------------------------
# fairness


@dataclass(frozen=True, slots=True)
class FairnessRow:
    region_id: str
    name: str
    households: int
    open_needs: int
    covered_needs: int
    #: urgency- and severity-weighted value of the open needs, and of those the places cover
    open_value: float
    covered_value: float
    #: EMERGENCY needs the places leave uncovered
    emergency_uncovered: int

    @property
    def coverage(self) -> float:
        """Need-adjusted coverage: covered value over open value."""
        return self.covered_value / self.open_value if self.open_value else 1.0

    @property
    def unmet_value(self) -> float:
        return self.open_value - self.covered_value


def fairness(g: nx.MultiDiGraph, region_id: str | None, *, on: dt.date | None = None,
             policy: Policy = DEFAULT_POLICY, model: Places | None = None) -> list[FairnessRow]:
    """Per city and county (the regions one level below ``region_id``, or the CITY regions when it is
    a province or None): need-adjusted coverage and the value left uncovered, side by side. Which
    needs an optimum covers is one optimal assignment's (the totals are exact)."""
    on = on or clock.today()
    m = model or places_model(g, region_id, on, policy)
    tree = RegionTree.of(g)
    best = optimum(m)
    levels = {a["id"]: a.get("level") for _, a in g.nodes(data=True) if a.get("label") == "Region"}
    scope = set(tree.scope(region_id))
    cities = sorted(r for r in scope if levels.get(r) == "CITY") or sorted(scope)

    def city_of(rid: str) -> str | None:
        return next((c for c in tree.chain(rid) if c in cities), None)

    rows: dict[str, list[float]] = {c: [0, 0, 0, 0.0, 0.0, 0] for c in cities}
    homes: dict[str, set[str]] = {c: set() for c in cities}
    for e, el in enumerate(m.elements):
        c = city_of(el.region_id)
        if c is None:
            continue
        r = rows[c]
        homes[c].add(el.household_id)
        r[1] += len(el.need_ids)
        r[3] += el.value / 100
        if e in best.covered:
            r[2] += len(el.need_ids)
            r[4] += el.value / 100
        elif el.urgency == Urgency.EMERGENCY:
            r[5] += len(el.need_ids)
    return [FairnessRow(c, tree.names.get(c, c), len(homes[c]), int(r[1]), int(r[2]), r[3], r[4], int(r[5]))
            for c, r in rows.items()]


# ---------------------------------------------------------------------------
# burn-down


@dataclass(frozen=True, slots=True)
class BurnDown:
    kind: str  # "AGREEMENT" or "SERVICE"
    id: str
    name: str
    total: int
    used: int
    #: places taken in the window, and per 30 days
    taken: int
    per_month: float
    #: the day the rest runs out at this rate (None: never, or nothing taken in the window)
    runs_out: dt.date | None
    message: Message

    @property
    def left(self) -> int:
        return max(0, self.total - self.used)


_TAKING = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DELIVERED, ReferralStatus.CLOSED})


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def burn_down(g: nx.MultiDiGraph, region_id: str | None, *, on: dt.date | None = None,
              window_days: int = 90) -> list[BurnDown]:
    """MOU quota and service capacity burn-down from the referral history: places taken (referrals
    ACCEPTED, DELIVERED or CLOSED, dated by when they were accepted, else created) in the
    ``window_days`` before ``on``, as a monthly rate, and the day the rest runs out at that rate.
    Services and MOUs reaching the subtree of ``region_id`` (every one when None); soonest first."""
    on = on or clock.today()
    tree = RegionTree.of(g)
    scope = set(tree.scope(region_id)) if region_id is not None else None
    since = on - dt.timedelta(days=window_days)
    taken: dict[str, int] = {}
    for _, a in g.nodes(data=True):
        if a.get("label") != "Referral" or a.get("resource_label") != "Service" or a["status"] not in _TAKING:
            continue
        day = _day(a.get("accepted_at")) or _day(a.get("created_at"))
        if day is not None and since < day <= on:
            taken[a["resource_id"]] = taken.get(a["resource_id"], 0) + 1
    out: list[BurnDown] = []
    by_agreement: dict[str, int] = {}
    seen_agreements: set[str] = set()
    for _, a in g.nodes(data=True):
        if a.get("label") != "Service":
            continue
        if scope is not None and not any(r in scope or (region_id in tree.descendants(r))
                                         for r in a["region_ids"] if r in tree.parent):
            continue
        n = taken.get(a["id"], 0)
        if a.get("agreement_id"):
            by_agreement[a["agreement_id"]] = by_agreement.get(a["agreement_id"], 0) + n
            seen_agreements.add(a["agreement_id"])
        if a["capacity"] is not None and a["active"]:
            out.append(_burn("SERVICE", a["id"], a["name"], a["capacity"], a["used"], n, on, window_days))
    for aid in sorted(seen_agreements):
        a = g.nodes.get(node_key("Agreement", aid))
        if a is None or a["annual_quota"] is None:
            continue
        out.append(_burn("AGREEMENT", aid, aid, a["annual_quota"], a["used"], by_agreement.get(aid, 0), on,
                         window_days))
    out.sort(key=lambda b: (b.runs_out is None, b.runs_out or dt.date.max, b.kind, b.id))
    return out


def _burn(kind: str, rid: str, name: str, total: int, used: int, n: int, on: dt.date,
          window: int) -> BurnDown:
    per_month = n * 30 / window
    left = max(0, total - used)
    if left == 0:
        return BurnDown(kind, rid, name, total, used, n, per_month, on, Message.of("burndown.out", name=name,
                                                                                  used=used))
    if n == 0:
        return BurnDown(kind, rid, name, total, used, n, 0.0, None, Message.of("burndown.steady", name=name,
                                                                              left=left))
    when = on + dt.timedelta(days=int(left * window / n))
    key = "burndown.quota" if kind == "AGREEMENT" else "burndown.capacity"
    params = {"agreement": rid, "quota": total} if kind == "AGREEMENT" else {"name": name, "capacity": total}
    return BurnDown(kind, rid, name, total, used, n, per_month, when, Message.of(
        key, rate=round(per_month, 1), left=left, when=when.strftime("%Y-%m"), **params))
