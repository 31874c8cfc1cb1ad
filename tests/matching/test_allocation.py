"""Allocation on hand-made worlds: who gets the last place, and why a need is unmet."""

from __future__ import annotations

import datetime as dt

import pytest
from matching_kit import HID, ON, household, need, svc, world

from graph.errors import NotFoundError, ValidationError
from graph.model import Agreement, Household, Need
from graph.view import build_graph
from matching import AllocationResult, allocate, match
from matching.allocation import UnmetReason, first_come


def _second(hid="hh-2", urgency="GENERAL", region="dong-a2", severity=3, domain="HOUSING", income=30):
    return [Household(id=hid, region_id=region, size=1, income_percent=income, urgency=urgency),
            Need(id=f"{hid}-n", household_id=hid, domain=domain, severity=severity)]


def _resources(r: AllocationResult) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a in r.assignments:
        out.setdefault(a.household_id, set()).add(a.resource_id)
    return out


def test_the_last_place_goes_to_the_most_urgent_household_not_the_first_to_ask():
    recs = world(svc("s1", capacity=1), *_second(urgency="EMERGENCY"), hh=household(urgency="GENERAL"))
    g = build_graph(recs)
    exact = allocate(g, [HID, "hh-2"], on=ON)
    assert _resources(exact) == {"hh-2": {"s1"}} and exact.optimal
    [u] = exact.unmet
    assert (u.household_id, u.reason) == (HID, UnmetReason.NOT_ENOUGH_PLACES.value) and "s1" in u.message
    # first come, first served: the general household asked first and takes it
    greedy = first_come(g, [HID, "hh-2"], on=ON)
    assert _resources(greedy) == {HID: {"s1"}} and not greedy.optimal
    assert exact.objective > greedy.objective and exact.weighted_coverage > greedy.weighted_coverage
    # objective = value of the emergency need (100 * 3 * 3)
    #             - cost of s1 (fee 10, item 0.5, scarcity 3, source 2)
    assert exact.objective == pytest.approx(900 - 15.5)


def test_severity_breaks_the_tie_between_equally_urgent_households():
    recs = world(svc("s1", capacity=1), *_second(severity=5), needs=[need("HOUSING", severity=2)])
    r = allocate(build_graph(recs), [HID, "hh-2"], on=ON)
    assert _resources(r) == {"hh-2": {"s1"}}


def test_a_place_serves_every_need_of_a_household_and_capacity_counts_households():
    recs = world(svc("s1", ("HOUSING", "HEALTH"), capacity=2, used=1), *_second(domain="HEALTH"),
                 needs=[need("HOUSING"), need("HEALTH")])
    r = allocate(build_graph(recs), [HID, "hh-2"], on=ON)
    assert len(_resources(r)) == 1 and r.needs_covered in (1, 2)
    # the household with two needs is worth more (two needs of severity 3)
    assert _resources(r) == {HID: {"s1"}} and r.needs_covered == 2


def test_an_mou_quota_is_shared_by_every_service_under_it():
    mou = Agreement(id="mou", partner_id="org-npo", domains=["HOUSING"], signed_on=dt.date(2026, 1, 1),
                    annual_quota=3, used=2)
    recs = world(mou, svc("s1", agreement_id="mou"), svc("s2", ("HEALTH",), agreement_id="mou"),
                 *_second(domain="HEALTH"))
    r = allocate(build_graph(recs), [HID, "hh-2"], on=ON)
    assert sum(len(v) for v in _resources(r).values()) == 1
    assert [u.reason for u in r.unmet] == [UnmetReason.NOT_ENOUGH_PLACES.value]


def test_a_household_never_gets_two_services_that_exclude_each_other():
    recs = world(svc("s1", ("HOUSING",)), svc("s2", ("HEALTH",), provider="org-pub", excludes_ids=["s1"]),
                 needs=[need("HOUSING"), need("HEALTH", severity=5)])
    r = allocate(build_graph(recs), [HID], on=ON)
    assert _resources(r) == {HID: {"s2"}}
    [u] = r.unmet
    assert u.reason == UnmetReason.EXCLUDED.value and u.need_id == "need-housing"


def test_unmet_reasons_and_messages_agree_with_match():
    recs = world(svc("s-full", ("HEALTH",), capacity=2, used=2),
                 svc("s-rich", ("FOOD",), max_income_percent=10),
                 needs=[need("HEALTH"), need("FOOD"), need("LEGAL")])
    g = build_graph(recs)
    r = allocate(g, [HID], on=ON)
    flags = {f.domain.value: f for f in match(g, HID, on=ON).packages[0].flags}
    got = {u.need_id: u for u in r.unmet}
    assert {k: u.reason for k, u in got.items()} == {
        "need-health": "FULL", "need-food": "NOT_ELIGIBLE_INCOME", "need-legal": "NOTHING_IN_REGION"}
    for nid, domain in (("need-health", "HEALTH"), ("need-food", "FOOD"), ("need-legal", "LEGAL")):
        assert got[nid].message == flags[domain].message
    assert r.assignments == [] and r.objective == 0 and r.optimal and r.engine == "trivial"


def test_unknown_households_and_bad_arguments_name_the_field():
    g = build_graph(world())
    with pytest.raises(NotFoundError) as e:
        allocate(g, [HID, "hh-nope"], on=ON)
    assert e.value.field == "householdIds"
    with pytest.raises(ValidationError) as e:
        allocate(g, HID, on=ON)  # a string, not a list
    assert e.value.field == "householdIds"
    with pytest.raises(ValidationError) as e:
        allocate(g, [HID], on=ON, time_limit=0)
    assert e.value.field == "timeLimit"


def test_same_input_same_plan_and_duplicates_ignored():
    recs = world(svc("s1", capacity=1), svc("s2", capacity=1, provider="org-pub"), *_second(),
                 *_second("hh-3", region="dong-a1"))
    g = build_graph(recs)
    a = allocate(g, [HID, "hh-2", "hh-3", HID], on=ON)
    b = allocate(g, [HID, "hh-2", "hh-3"], on=ON)
    assert a == b and a.needs == 3 and a.needs_covered == 2


def test_empty_request_is_an_empty_proven_plan():
    r = allocate(build_graph(world()), [], on=ON)
    assert (r.assignments, r.unmet, r.objective, r.optimal) == ([], [], 0.0, True)


def test_covering_needs_comes_first_even_when_a_need_is_worth_less_than_its_coordination():
    from matching.policy import DEFAULT_POLICY

    recs = world(svc("s1", lead_time_days=20), needs=[need("HOUSING", severity=1)])
    cheap = DEFAULT_POLICY.with_(need_value=5.0)  # worth 5, costs 10 (fee) + 0.5 + 2 (lead) + 2 (source)
    r = allocate(build_graph(recs), [HID], on=ON, policy=cheap)
    assert _resources(r) == {HID: {"s1"}} and r.unmet == [] and r.optimal
    assert r.objective == pytest.approx(5.0 - 14.5) and r.coverable_at_once == 1
    # the first-come baseline weighs each pick on its own and leaves it, with the reason
    base = first_come(build_graph(recs), [HID], on=ON, policy=cheap)
    assert base.assignments == [] and [u.reason for u in base.unmet] == [UnmetReason.NOT_WORTH.value]


def test_a_solver_answer_that_fails_its_check_falls_back_to_first_come(monkeypatch):
    from matching import allocation
    from matching.cover import SolverCheckFailed

    def broken(m, time_limit, at_least=0):
        raise SolverCheckFailed("HiGHS returned an infeasible plan")

    recs = world(svc("s1", capacity=1), *_second(urgency="EMERGENCY"))
    monkeypatch.setattr(allocation, "_milp", broken)
    r = allocate(build_graph(recs), [HID, "hh-2"], on=ON)
    assert (r.engine, r.optimal, r.gap) == ("milp-check-failed", False, None)
    assert _resources(r) == {HID: {"s1"}}  # first come, as the fallback says


def test_dominated_choices_are_free_supersets_that_cost_no_more():
    from matching.allocation_model import build, dominated
    from matching.policy import DEFAULT_POLICY

    recs = world(svc("s-both", ("HOUSING", "HEALTH")), svc("s-house", ("HOUSING",), lead_time_days=5),
                 svc("s-busy", ("HOUSING", "HEALTH"), capacity=2, used=1, provider="org-pub"),
                 *_second(domain="HEALTH"), needs=[need("HOUSING"), need("HEALTH")])
    m = build(build_graph(recs), [HID, "hh-2"], ON, DEFAULT_POLICY)
    keys = {k: (m.household_ids[c.household], c.resource_id) for k, c in enumerate(m.choices)}
    gone = {keys[k] for k in dominated(m)}
    # same provider, superset, cheaper: s-house goes; s-busy is bound by its last place, so it stays
    assert (HID, "s-house") in gone and (HID, "s-busy") not in gone and (HID, "s-both") not in gone


def test_time_limit_without_a_plan_falls_back_and_with_a_plan_reports_the_gap(monkeypatch):
    import scipy.optimize

    real = scipy.optimize.milp
    recs = world(svc("s1", capacity=1), *_second(urgency="EMERGENCY"))
    g = build_graph(recs)

    def no_plan(*args, **kwargs):
        res = real(*args, **kwargs)
        res.status, res.x = 1, None
        return res

    monkeypatch.setattr(scipy.optimize, "milp", no_plan)
    r = allocate(g, [HID, "hh-2"], on=ON)
    assert (r.engine, r.optimal, r.gap) == ("first-come-after-time-limit", False, None)

    def unproven(*args, **kwargs):
        res = real(*args, **kwargs)
        res.status, res.mip_dual_bound = 1, res.fun - 100.0  # a bound 1.00 better than the plan
        return res

    monkeypatch.setattr(scipy.optimize, "milp", unproven)
    r = allocate(g, [HID, "hh-2"], on=ON)
    assert (r.engine, r.optimal) == ("milp", False) and _resources(r) == {"hh-2": {"s1"}}
    assert r.gap == pytest.approx(1.0 / (r.objective + 1.0))


def test_a_cheaper_resource_with_its_last_place_does_not_crowd_out_an_unlimited_one():
    # s-last is cheaper than s-slow for both households but has one place left: it may not
    # rule s-slow out, or one household would go without
    recs = world(svc("s-last", capacity=3, used=2), svc("s-slow", lead_time_days=40),
                 *_second(urgency="EMERGENCY"))
    r = allocate(build_graph(recs), [HID, "hh-2"], on=ON)
    assert _resources(r) == {"hh-2": {"s-last"}, HID: {"s-slow"}} and r.unmet == []
