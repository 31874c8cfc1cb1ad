"""Compose the top-k coordinated packages for one household, with flags.

:func:`match` is the entry point: view in, :class:`~matching.results.MatchResult`
out. The steps, each in its own module:

1. :func:`matching.neighbourhood.read` — the household's facts from the view;
2. :func:`matching.candidates.find_candidates` — every rule for every resource
   in reach, candidates per open-need domain;
3. :func:`build_problem` — the weighted set cover (one element per coverable
   domain; the cost of :mod:`matching.policy`) and the type fit: each tagged
   open need that some candidate fits (shares a tag with) is one more element,
   covered by a fitting candidate or by a pseudo-candidate "accept a
   mismatch" costing ``policy.tag_miss`` with no provider fee. So a package
   whose items fit the needs' types is cheaper, and a fitting resource that
   takes one need from a broader one is not redundant ("한국어 교육 필요": the
   Korean class beside the job-training voucher that covers employment);
4. :func:`solve` — the k best minimal covers: dominated candidates dropped
   (:mod:`matching.dominance`), then the exact branch and bound
   (:mod:`matching.search`), handing over to the MILP (:mod:`matching.cover`)
   past its node budget, and to an exact search again if HiGHS fails its check;
5. :func:`compose` — each need assigned to an item (one that fits it if the
   package has one, else the cheapest covering its domain), reasons and flags
   rendered; the pseudo-candidates are not items, their cost is the package's
   ``tag_miss`` term.

Every coverable open need is covered by every package (a hard constraint);
needs nothing can cover are in ``missing_domains`` with their flags. A
household with nothing coverable gets one empty package carrying the flags.

Complexity: linear in the view's part that serves the household's region
chain, plus the cover search (exponential in the number of open-need domains
in the worst case, bounded by ``policy.time_limit``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import networkx as nx

from graph.model import Domain

from .candidates import CandidateSet, find_candidates
from .costing import ItemCost, in_play_services, item_cost, tag_text
from .cover import CoverProblem, SolverCheckFailed, TopK, brute_force_topk, milp_topk, prune, solution
from .dominance import reduce
from .flags import Assigned, Draft, gap_flags, package_flags
from .greedy import greedy_cover
from .messages import Message, check_locale
from .neighbourhood import Resource, read
from .policy import DEFAULT_POLICY, Policy, centi
from .results import MatchResult, Package, PackageItem
from .search import search_topk

#: rule messages that explain nothing when they pass (every candidate has them)
_QUIET = {"rule.income.none", "rule.traits.none", "rule.capacity.unlimited", "rule.quota.unlimited",
          "rule.received.ok", "rule.active.ok"}


@dataclass(frozen=True, slots=True)
class Problem:
    """A household's cover problem and how it maps back to resources."""

    cover: CoverProblem
    #: candidate i of the cover problem
    resources: tuple[Resource, ...]
    costs: tuple[ItemCost, ...]
    #: element e of the cover problem, for the domain elements (the first ones)
    domains: tuple[Domain, ...]
    #: how many open needs each element stands for (0 for a fit element)
    weights: tuple[int, ...]
    #: the fit elements after the domain elements: (need id, its tags); fit j is element
    #: ``len(domains) + j``, its pseudo-candidate ``len(resources) + j``
    fits: tuple[tuple[str, frozenset[str]], ...] = ()


def build_problem(cs: CandidateSet, policy: Policy) -> Problem:
    """The weighted set cover of one household (see :mod:`matching.cover`).

    Candidates are in resource-key order (their tie-break rank), elements in
    domain order. O(candidates x domains + candidates^2 for exclusions).
    """
    domains = cs.coverable_domains
    index = {d: e for e, d in enumerate(domains)}
    resources = cs.candidates
    # a tagged open need some candidate fits: a fit element
    fits = tuple((n.id, n.tags) for n in cs.nb.needs
                 if n.tags and n.domain in index and any(n.domain in r.domains and r.tags & n.tags
                                                          for r in resources))
    fit_domain = {n.id: n.domain for n in cs.nb.needs}
    weights = tuple(len(f.need_ids) for f in cs.fields if f.coverable) + (0,) * len(fits)
    in_play = in_play_services(cs.nb)
    costs = tuple(item_cost(r, cs.nb, policy, in_play) for r in resources)
    masks = []
    for r in resources:
        m = 0
        for d in r.domains:
            if d in index:
                m |= 1 << index[d]
        for f, (nid, tags) in enumerate(fits):
            if fit_domain[nid] in r.domains and r.tags & tags:
                m |= 1 << (len(domains) + f)
        masks.append(m)
    provider_index = {k: i for i, k in enumerate(sorted({r.provider_key for r in resources}))}
    pair_penalty = centi(policy.exclusive_pair)
    service_index = {r.id: i for i, r in enumerate(resources) if r.is_service}
    pairs = set()
    for i, r in enumerate(resources):
        if r.is_service:
            for other in r.excludes_ids:
                j = service_index.get(other)
                if j is not None and j != i:
                    pairs.add((min(i, j), max(i, j)))
    fee = centi(policy.provider)
    n_real = len(provider_index)
    cover = CoverProblem(
        n_elements=len(domains) + len(fits),
        masks=(*masks, *(1 << (len(domains) + j) for j in range(len(fits)))),
        providers=(*(provider_index[r.provider_key] for r in resources), *range(n_real, n_real + len(fits))),
        costs=(*(c.total for c in costs), *(centi(policy.tag_miss),) * len(fits)), fee=fee,
        pairs=tuple((a, b, pair_penalty) for a, b in sorted(pairs)),
        fees=(fee,) * n_real + (0,) * len(fits) if fits else (),
    )
    return Problem(cover, resources, costs, domains, weights, fits)


def solve(p: CoverProblem, k: int, policy: Policy, *, start: float | None = None,
          real: int | None = None) -> tuple[TopK, int]:
    """The k best minimal covers of ``p`` and how many candidates the exact
    engine considered (of the first ``real`` ones, the resources, when given).
    Engines as ``policy.solver`` says (see the module docstring); the answer's
    ``optimal`` is False only when the time limit cut every exact engine short."""
    deadline = (time.perf_counter() if start is None else start) + policy.time_limit
    if p.n_elements == 0:
        return TopK((solution(p, ()),), True, "trivial"), 0
    if policy.solver == "brute":
        return brute_force_topk(p, k), p.n if real is None else real
    reduced, keep = reduce(p, k)
    considered = sum(1 for i in keep if real is None or i < real)

    def back(result: TopK) -> TopK:
        sols = tuple(solution(p, tuple(keep[i] for i in s.items)) for s in result.solutions)
        return TopK(sols, result.optimal, result.engine, result.nodes)

    if policy.solver == "search":
        return back(search_topk(reduced, k, deadline=deadline)), considered
    if policy.solver == "auto":
        first = search_topk(reduced, k, node_limit=policy.search_nodes, deadline=deadline)
        if first.optimal or time.perf_counter() >= deadline:
            return back(first), considered
    else:
        first = None
    try:
        result = milp_topk(reduced, k, deadline=deadline)
    except SolverCheckFailed:
        result = search_topk(reduced, k, deadline=deadline)
        result = TopK(result.solutions, result.optimal, "search-after-milp-check", result.nodes)
    if first is not None and not result.optimal and len(first.solutions) > len(result.solutions):
        result = first
    return back(result), considered


def _assign(cs: CandidateSet, problem: Problem, items: tuple[int, ...]) -> dict[int, list[str]]:
    """Each open need of a covered domain to one chosen item: among those covering its
    domain, one that fits it when there is one, the cheapest (then first)."""
    out: dict[int, list[str]] = {i: [] for i in items if i < len(problem.resources)}
    masks, costs, ranks = problem.cover.masks, problem.cover.costs, problem.cover.ranks
    index = {d: e for e, d in enumerate(problem.domains)}
    fit_of = {nid: len(problem.domains) + j for j, (nid, _) in enumerate(problem.fits)}
    for n in cs.nb.needs:
        e = index.get(n.domain)
        if e is None:
            continue
        holders = [i for i in out if masks[i] >> e & 1]
        f = fit_of.get(n.id)
        fitting = [i for i in holders if f is not None and masks[i] >> f & 1]
        owner = min(fitting or holders, key=lambda i: (costs[i], ranks[i]))
        out[owner].append(n.id)
    return out


def _fit_reasons(cs: CandidateSet, r: Resource, need_ids: tuple[str, ...], policy: Policy) -> list[Message]:
    """What the type tags say about ``r`` for the needs assigned to it: a fit, or a miss."""
    needs = [n for n in cs.nb.needs if n.id in need_ids and n.tags]
    fits = frozenset(t for n in needs for t in n.tags & r.tags)
    out = [Message.of("reason.tags.fit", tags=tag_text(fits, policy))] if fits else []
    wanted: dict[Domain, set[str]] = {}
    for n in needs:
        if not n.tags & r.tags:
            wanted.setdefault(n.domain, set()).update(n.tags)
    for d, tags in wanted.items():
        if r.tags:
            out.append(Message.of("reason.tags.miss", domain=d, wanted=tag_text(frozenset(tags), policy),
                                  tags=tag_text(r.tags, policy)))
        else:
            out.append(Message.of("reason.tags.untagged", domain=d,
                                  wanted=tag_text(frozenset(tags), policy)))
    return out


def _reasons(cs: CandidateSet, problem: Problem, i: int, domains: tuple[Domain, ...],
             need_ids: tuple[str, ...], items: tuple[int, ...], locale: str,
             policy: Policy) -> tuple[str, ...]:
    r = problem.resources[i]
    msgs: list[Message] = [Message.of("rule.domain.ok", domains=domains)] if domains else []
    if len(domains) > 1:
        msgs.append(Message.of("reason.covers", count=len(domains), domains=domains))
    msgs += _fit_reasons(cs, r, need_ids, policy)
    for check in cs.verdicts[r.key].checks:
        if check.ok and check.message.key not in _QUIET:
            msgs.append(check.message)
    msgs += problem.costs[i].reasons
    for ref in cs.nb.referrals:
        if ref.resource_key == r.key:
            msgs.append(Message.of("reason.referred", status=ref.status))
    mates = [problem.resources[j].name for j in items
             if j != i and j < len(problem.resources) and problem.resources[j].provider_key == r.provider_key]
    if mates:
        msgs.append(Message.of("reason.same_provider", others=tuple(mates), provider=r.provider_name))
    return tuple(m.render(locale) for m in msgs)


_DOMAIN_ORDER = {d: i for i, d in enumerate(Domain)}
_TERMS = ("provider", "item", "lead", "late", "fee", "scarcity", "source", "exclusive", "duplicate",
          "tag_miss", "exclusive_pair")


def _package(cs: CandidateSet, problem: Problem, items: tuple[int, ...], rank: int, optimal: bool,
             locale: str, gaps: list[Draft], policy: Policy) -> Package:
    assigned = _assign(cs, problem, items)
    domain_of = {n.id: n.domain for n in cs.nb.needs}
    real = tuple(i for i in items if i < len(problem.resources))
    built: list[tuple[tuple[int, str], PackageItem, Assigned]] = []
    terms: dict[str, int] = dict.fromkeys(_TERMS, 0)
    terms["provider"] = sum(problem.cover.fee_of(q) for q in {problem.cover.providers[i] for i in real})
    terms["tag_miss"] = sum(problem.cover.costs[i] for i in items if i >= len(problem.resources))
    for i in real:
        r = problem.resources[i]
        need_ids = tuple(sorted(assigned[i]))
        domains = tuple(d for d in Domain if any(domain_of[n] == d for n in need_ids))
        c = problem.costs[i]
        for name, value in c.parts().items():
            terms[name] = terms.get(name, 0) + value
        item = PackageItem(
            resource_key=r.key, resource_id=r.id, resource_label=r.label, name=r.name,
            provider_id=r.provider_id, need_ids=need_ids, domains=domains,
            reasons=_reasons(cs, problem, i, domains, need_ids, items, locale, policy), cost=c.total / 100,
        )
        order = (min((_DOMAIN_ORDER[d] for d in domains), default=99), r.key)
        built.append((order, item, Assigned(r, domains, need_ids)))
    pair_cost = (problem.cover.cost(items) - terms["provider"] - terms["tag_miss"]
                 - sum(problem.cover.costs[i] for i in real))
    terms["exclusive_pair"] = pair_cost
    built.sort(key=lambda t: t[0])
    return Package(
        rank=rank, cost=problem.cover.cost(items) / 100, items=tuple(b[1] for b in built),
        covered_domains=problem.domains, missing_domains=tuple(f.domain for f in cs.uncovered_fields),
        provider_count=len({problem.resources[i].provider_key for i in real}),
        flags=package_flags(cs, [b[2] for b in built], locale, gaps, policy), optimal=optimal,
        cost_terms=tuple((k, v / 100) for k, v in terms.items()),
    )


def compose(cs: CandidateSet, limit: int = 3, policy: Policy = DEFAULT_POLICY, locale: str = "en",
            *, start: float | None = None) -> MatchResult:
    """The ranked packages for a household's :class:`CandidateSet`.

    Inputs: the candidate set, how many packages at most (``limit`` >= 1), the
    policy, the locale of the reasons and flag messages. Output: a
    :class:`MatchResult` whose packages are the ``limit`` best minimal covers,
    best first (fewer when fewer exist).
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a whole number of at least 1 (got {limit!r})")
    check_locale(locale)
    problem = build_problem(cs, policy)
    result, considered = solve(problem.cover, limit, policy, start=start, real=len(problem.resources))
    engine, optimal = result.engine, result.optimal
    sols = [s.items for s in result.solutions]
    if not sols:  # nothing found in time: a greedy cover, marked not optimal
        sols = [prune(problem.cover, greedy_cover(problem.cover, problem.weights))]
        engine, optimal = "greedy", False
    gaps = gap_flags(cs, policy)
    packages = tuple(
        _package(cs, problem, items, rank, optimal, locale, gaps, policy)
        for rank, items in enumerate(sols, start=1)
    )
    return MatchResult(
        household_id=cs.nb.household.id, on=cs.on, packages=packages, optimal=optimal, engine=engine,
        candidate_count=len(problem.resources), considered_count=considered,
    )


def match(g: nx.MultiDiGraph, household_id: str, *, on: dt.date, limit: int = 3,
          policy: Policy = DEFAULT_POLICY, locale: str = "en") -> MatchResult:
    """Ranked coordinated packages for one household.

    Inputs: a view holding the household's neighbourhood (``store.neighbourhood(hid)``),
    the household id, the day ``on`` on which agreements must be in force
    (the caller's today), at most ``limit`` packages, the policy, the locale
    (``"en"`` or ``"ko"``). Output: a :class:`~matching.results.MatchResult`.
    Raises :class:`graph.errors.NotFoundError` when the household is not in
    the view, ``ValueError`` for a bad limit or locale, ``TypeError`` when
    ``on`` is not a date. Pure: reads the view only.
    """
    start = time.perf_counter()
    if not isinstance(on, dt.date):
        raise TypeError(f"on must be a date (got {on!r})")
    if isinstance(on, dt.datetime):
        on = on.date()
    check_locale(locale)
    nb = read(g, household_id, policy.tags)
    cs = find_candidates(nb, on, policy)
    return compose(cs, limit, policy, locale, start=start)
