"""Properties of matching on random graphs and random cover problems (hypothesis).

Graph-level properties are checked against oracles in matching_kit that
restate the rules and the cost from the records; solver-level ones against
brute force.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from matching_kit import (
    HID,
    ON,
    can_cover,
    coverable_domains,
    facts,
    oracle_cost,
    random_world,
    view,
    without,
)

from graph.model import Domain, Organization, Service, Volunteer, node_key
from graph.view import build_graph, neighbourhood_nodes
from matching import DEFAULT_POLICY, FlagKind, Policy, match
from matching.candidates import find_candidates
from matching.cover import CoverProblem, brute_force_topk, milp_topk
from matching.dominance import reduce
from matching.greedy import greedy_cover
from matching.neighbourhood import read
from matching.search import search_topk

GRAPH = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOLVER = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- graph level ---------------------------------------------------------------------


@GRAPH
@given(random_world(), st.integers(1, 4))
def test_packages_are_sound_and_complete(records, limit):
    f = facts(records)
    r = match(view(records), HID, on=ON, limit=limit)
    coverable = coverable_domains(f)
    open_domains = {n.domain for n in f.needs}
    need_domain = {n.id: n.domain for n in f.needs}
    assert 1 <= len(r.packages) <= limit
    assert [p.rank for p in r.packages] == list(range(1, len(r.packages) + 1))
    for p in r.packages:
        claimed = [n for item in p.items for n in item.need_ids]
        # every item can cover every need it claims
        for item in p.items:
            for nid in item.need_ids:
                assert can_cover(f, item.resource_key, need_domain[nid]), (item.resource_key, nid)
        # every coverable open need is covered, exactly once
        assert sorted(claimed) == sorted(n.id for n in f.needs if n.domain in coverable)
        assert set(p.covered_domains) == coverable
        assert set(p.missing_domains) == open_domains - coverable
        # every missing domain says why: MISSING or CAPACITY
        gap_flags = {fl.domain for fl in p.flags if fl.kind in (FlagKind.MISSING, FlagKind.CAPACITY)}
        assert gap_flags == open_domains - coverable
        # the cost is the documented one
        assert p.cost == oracle_cost(f, [i.resource_key for i in p.items])
        assert p.provider_count == len({i.provider_id for i in p.items})
    # alternatives really differ: none equals or contains an earlier one; rank 1 is cheapest
    sets = [p.resource_keys for p in r.packages]
    for i, s in enumerate(sets):
        assert not any(t <= s for t in sets[:i])
    costs = [p.cost for p in r.packages]
    assert costs == sorted(costs) and costs[0] == min(costs)


@GRAPH
@given(random_world())
def test_candidates_are_exactly_the_resources_the_rules_admit(records):
    f = facts(records)
    cs = find_candidates(read(view(records), HID), ON, DEFAULT_POLICY)
    keys = [node_key("Service", s) for s in f.services] + [node_key("Volunteer", v) for v in f.volunteers]
    assert [fl.domain for fl in cs.fields] == sorted({n.domain for n in f.needs}, key=list(Domain).index)
    for fl in cs.fields:
        assert {r.key for r in fl.candidates} == {k for k in keys if can_cover(f, k, fl.domain)}, fl.domain


@GRAPH
@given(random_world(), st.integers(1, 3))
def test_milp_search_and_brute_force_agree(records, limit):
    g = view(records)
    results = {s: match(g, HID, on=ON, limit=limit, policy=Policy(solver=s))
               for s in ("search", "milp", "brute")}
    assert results["brute"].candidate_count <= 12
    costs = {s: [p.cost for p in r.packages] for s, r in results.items()}
    assert costs["search"] == costs["milp"] == costs["brute"], costs
    # the exact search and brute force break ties the same way
    assert [p.resource_keys for p in results["search"].packages] == [
        p.resource_keys for p in results["brute"].packages]
    assert all(r.optimal for r in results.values())


@GRAPH
@given(random_world(), st.data())
def test_adding_an_eligible_resource_never_makes_the_best_cost_worse(records, data):
    f = facts(records)
    coverable = sorted(coverable_domains(f), key=list(Domain).index)
    assume(coverable)
    domains = data.draw(st.lists(st.sampled_from(coverable), min_size=1, max_size=2, unique=True))
    before = match(view(records), HID, on=ON).packages[0].cost
    if data.draw(st.booleans()):
        extra = [Volunteer(id="v-new", name="New", skills=domains, region_ids=["prov"],
                           hours_per_week=data.draw(st.integers(1, 5)))]
    else:
        orgs = [r.id for r in records if isinstance(r, Organization)]
        provider = data.draw(st.sampled_from(orgs + ["o-new"]))
        extra = [Organization(id="o-new", name="New", sector="PRIVATE")] if provider == "o-new" else []
        extra.append(Service(id="s-new", name="New", provider_id=provider, domains=domains,
                             region_ids=[data.draw(st.sampled_from(["prov", "city-a", "dong-a1"]))],
                             lead_time_days=data.draw(st.integers(0, 9)),
                             cost=data.draw(st.sampled_from([0, 9000]))))
    after = match(view(records + extra), HID, on=ON).packages[0].cost
    assert after <= before


@GRAPH
@given(random_world(), st.data())
def test_removing_the_only_resource_of_a_domain_yields_missing(records, data):
    f = facts(records)
    full = build_graph(records)
    in_reach = neighbourhood_nodes(full, HID)
    offering: dict[Domain, list[str]] = {}
    for key in in_reach:
        attrs = full.nodes[key]
        if attrs["label"] in ("Service", "Volunteer") and set(
                attrs["region_ids"]) & set(f.chain):
            for d in attrs.get("domains") or attrs.get("skills"):
                offering.setdefault(d, []).append(key)
    open_domains = {n.domain for n in f.needs}
    lone = sorted((d for d in open_domains if len(offering.get(d, [])) == 1), key=list(Domain).index)
    assume(lone)
    domain = data.draw(st.sampled_from(lone))
    label, _, rid = offering[domain][0].partition(":")
    p = match(view(without(records, label, rid)), HID, on=ON).packages[0]
    assert domain in p.missing_domains
    missing = [(fl.kind, fl.reason) for fl in p.flags if fl.domain == domain and fl.kind == FlagKind.MISSING]
    assert missing == [(FlagKind.MISSING, "NOTHING_IN_REGION")]


@GRAPH
@given(random_world(), st.data())
def test_removing_the_only_candidate_of_a_domain_uncovers_it(records, data):
    f = facts(records)
    keys = [node_key("Service", s) for s in f.services] + [node_key("Volunteer", v) for v in f.volunteers]
    lone = []
    for d in sorted(coverable_domains(f), key=list(Domain).index):
        found = [k for k in keys if can_cover(f, k, d)]
        if len(found) == 1:
            lone.append((d, found[0]))
    assume(lone)
    domain, key = data.draw(st.sampled_from(lone))
    label, _, rid = key.partition(":")
    p = match(view(without(records, label, rid)), HID, on=ON).packages[0]
    assert domain in p.missing_domains
    assert any(fl.domain == domain and fl.kind in (FlagKind.MISSING, FlagKind.CAPACITY) for fl in p.flags)


# -- solver level --------------------------------------------------------------------


@st.composite
def cover_problems(draw, max_candidates: int = 12):
    m = draw(st.integers(1, 4))
    n = draw(st.integers(1, max_candidates))
    universe = (1 << m) - 1
    masks = [draw(st.integers(1, universe)) for _ in range(n)]
    covered = 0
    for x in masks:
        covered |= x
    if covered != universe:
        masks[draw(st.integers(0, n - 1))] |= universe & ~covered
    providers = [draw(st.integers(0, min(n, 5) - 1)) for _ in range(n)]
    used = sorted(set(providers))
    providers = [used.index(q) for q in providers]
    costs = [draw(st.sampled_from([0, 50, 100, 100, 250, 1000])) for _ in range(n)]
    pairs = set()
    if n > 1:
        for _ in range(draw(st.integers(0, 3))):
            i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
            if i != j:
                pairs.add((min(i, j), max(i, j)))
    penalty = draw(st.sampled_from([0, 60, 5000]))
    return CoverProblem(n_elements=m, masks=tuple(masks), providers=tuple(providers), costs=tuple(costs),
                        fee=draw(st.sampled_from([0, 100, 1000])),
                        pairs=tuple((i, j, penalty) for i, j in sorted(pairs)))


def _objectives(result):
    return [s.objective for s in result.solutions]


@SOLVER
@given(cover_problems(), st.integers(1, 5))
def test_milp_equals_brute_force(p, k):
    brute = brute_force_topk(p, k)
    milp = milp_topk(p, k, time_limit=20.0)
    assert milp.optimal
    assert _objectives(milp) == _objectives(brute)
    for s in milp.solutions:
        assert p.is_minimal(s.items) and s.objective == p.objective(s.items)


@SOLVER
@given(cover_problems(), st.integers(1, 5))
def test_branch_and_bound_equals_brute_force_ties_included(p, k):
    brute = brute_force_topk(p, k)
    search = search_topk(p, k)
    assert search.optimal
    assert [s.items for s in search.solutions] == [s.items for s in brute.solutions]


@SOLVER
@given(cover_problems(), st.integers(1, 4))
def test_dominance_keeps_the_k_best(p, k):
    reduced, keep = reduce(p, k)
    brute = brute_force_topk(p, k)
    small = brute_force_topk(reduced, k)
    assert [tuple(keep[i] for i in s.items) for s in small.solutions] == [s.items for s in brute.solutions]
    assert [s.objective for s in small.solutions] == [s.objective for s in brute.solutions]


@SOLVER
@given(cover_problems())
def test_greedy_is_a_cover_never_better_than_the_optimum(p):
    items = greedy_cover(p)
    assert p.is_cover(items)
    assert p.cost(items) >= brute_force_topk(p, 1).solutions[0].cost


def test_search_reports_a_cut_short_search_as_not_proven():
    # 6 elements, 30 single-element candidates with equal costs: thousands of nodes
    p = CoverProblem(n_elements=6, masks=tuple(1 << (i % 6) for i in range(30)), providers=tuple(range(30)),
                     costs=(100,) * 30, fee=0)
    cut = search_topk(p, 3, node_limit=50)
    assert not cut.optimal and cut.nodes == 51
    for s in cut.solutions:
        assert p.is_cover(s.items)
    full = search_topk(p, 3)
    assert full.optimal and [s.objective for s in full.solutions] == [
        s.objective for s in milp_topk(p, 3, time_limit=20.0).solutions]
