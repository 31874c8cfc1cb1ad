"""Package composition on hand-made graphs: the cost, the preferences it
encodes, top-k, tie-breaks, limits, the solver paths, and the sample graph."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from matching_kit import HID, ON, can_cover, facts, household, need, oracle_cost, svc, view, world
from tag_oracle import tag_terms

from graph.errors import NotFoundError
from graph.model import Agreement, Domain, Volunteer
from loaders.sample import sample_records
from matching import DEFAULT_POLICY, FlagKind, Policy, match


def run(records, **kw):
    return match(view(records), HID, on=ON, **kw)


def ids(package):
    return [i.resource_id for i in package.items]


# -- the cost ------------------------------------------------------------------


def test_the_cost_is_the_documented_formula():
    """Worked by hand from matching/policy.py: an emergency household, a private
    service 5 days out, 20,000 won, 2 places left."""
    recs = world(svc("s1", provider="org-npo", lead_time_days=5, cost=20_000, capacity=10, used=8),
                 hh=household(urgency="EMERGENCY"))
    p = run(recs).packages[0]
    item = 0.5 + 1.0 * 5 + 25.0 + 2.0 + 3.0 / 2 + 2.0  # item, lead, late, fee, scarcity, other source
    assert p.items[0].cost == pytest.approx(item)
    assert p.cost == pytest.approx(10.0 + item)
    assert dict(p.cost_terms) == pytest.approx({
        "provider": 10.0, "item": 0.5, "lead": 5.0, "late": 25.0, "fee": 2.0, "scarcity": 1.5,
        "source": 2.0, "exclusive": 0.0, "duplicate": 0.0, "tag_miss": 0.0, "exclusive_pair": 0.0})
    assert p.cost == pytest.approx(oracle_cost(facts(recs), ["Service:s1"]))


def test_one_stop_fewer_organizations_win_over_cheaper_items():
    recs = world(svc("h-hall", ["HOUSING"], provider="org-pub", lead_time_days=30),
                 svc("f-hall", ["FOOD"], provider="org-pub", lead_time_days=30),
                 svc("h-npo", ["HOUSING"], provider="org-npo"),
                 svc("f-church", ["FOOD"], provider="org-church"),
                 needs=[need("HOUSING"), need("FOOD")])
    best = run(recs).packages[0]
    assert ids(best) == ["h-hall", "f-hall"] and best.provider_count == 1
    assert any("same provider as f-hall" in r for r in best.items[0].reasons)
    # with no weight on organizations, the cheaper split wins
    split = run(recs, policy=Policy(provider=0.0)).packages[0]
    assert sorted(ids(split)) == ["f-church", "h-npo"]


def test_one_service_covering_two_needs_is_one_stop_too():
    recs = world(svc("both", ["HOUSING", "FOOD"], provider="org-npo"),
                 svc("h", ["HOUSING"], provider="org-pub"),
                 svc("f", ["FOOD"], provider="org-pub2"), needs=[need("HOUSING"), need("FOOD")])
    best = run(recs).packages[0]
    assert ids(best) == ["both"] and best.items[0].need_ids == ("need-food", "need-housing")
    assert "covers 2 needs in one place: housing, food" in best.items[0].reasons


def test_emergency_households_are_served_within_three_days():
    recs = world(svc("slow", provider="org-pub", lead_time_days=5),
                 svc("quick", provider="org-npo", lead_time_days=3),
                 hh=household(urgency="EMERGENCY"))
    best, second = run(recs).packages
    assert ids(best) == ["quick"] and ids(second) == ["slow"]
    assert "starts within 3 days, inside the 3-day emergency limit" in best.items[0].reasons
    assert "starts only in 5 days, later than the 3-day emergency limit" in second.items[0].reasons
    # a general household has no deadline: the public service wins despite the wait
    general = world(svc("slow", provider="org-pub", lead_time_days=5), svc("quick", provider="org-npo",
                    lead_time_days=3), hh=household(urgency="GENERAL"))
    assert ids(run(general).packages[0]) == ["slow"]


def test_lower_cost_to_the_household_wins():
    recs = world(svc("paid", provider="org-npo", cost=30_000), svc("free", provider="org-church"))
    assert ids(run(recs).packages[0]) == ["free"]


def test_scarce_capacity_is_spared():
    recs = world(svc("last-place", provider="org-npo", capacity=10, used=9),
                 svc("plenty", provider="org-church", capacity=100, used=0))
    assert ids(run(recs).packages[0]) == ["plenty"]


def test_public_entitlements_then_mou_partners_then_the_rest():
    mou = Agreement(id="mou", partner_id="org-bar", domains=["HOUSING"], signed_on="2020-01-01")
    recs = world(mou, svc("charity", provider="org-church"),
                 svc("partner", provider="org-bar", agreement_id="mou"),
                 svc("public", provider="org-pub"))
    assert [ids(p) for p in run(recs).packages] == [["public"], ["partner"], ["charity"]]
    reasons = [p.items[0].reasons[-1] for p in run(recs).packages]
    assert reasons == ["public entitlement (City Hall)", "MOU partner (Bar Association)",
                       "religious provider (Church)"]


def test_policy_weights_can_be_overridden():
    recs = world(svc("charity", provider="org-church"), svc("public", provider="org-pub", lead_time_days=30))
    assert ids(run(recs).packages[0]) == ["charity"]  # 30 days x 0.1 outweighs the 2-point source preference
    assert ids(run(recs, policy=DEFAULT_POLICY.with_(other_source=5.0)).packages[0]) == ["public"]
    with pytest.raises(ValueError, match="provider"):
        Policy(provider=-1)
    with pytest.raises(ValueError, match="solver"):
        Policy(solver="magic")


# -- top-k ----------------------------------------------------------------------


def test_alternatives_differ_and_come_cheapest_first():
    recs = world(*[svc(f"s{i}", provider="org-npo", lead_time_days=i) for i in range(5)])
    r = run(recs, limit=3)
    assert [ids(p) for p in r.packages] == [["s0"], ["s1"], ["s2"]]
    assert [p.rank for p in r.packages] == [1, 2, 3]
    assert r.packages[0].cost <= r.packages[1].cost <= r.packages[2].cost
    assert all(p.optimal for p in r.packages) and r.optimal


def test_an_alternative_never_contains_an_earlier_package():
    recs = world(svc("a", ["HOUSING"]), svc("b", ["FOOD"], provider="org-church"),
                 svc("c", ["HOUSING", "FOOD"], provider="org-pub", lead_time_days=30),
                 needs=[need("HOUSING"), need("FOOD")])
    packages = run(recs, limit=5).packages
    sets = [set(ids(p)) for p in packages]
    assert sets == [{"c"}, {"a", "b"}]  # {a, b, c} and the like are not alternatives
    for i, s in enumerate(sets):
        assert not any(t <= s for t in sets[:i])


def test_fewer_packages_when_fewer_exist_and_limit_is_checked():
    recs = world(svc("only"))
    assert len(run(recs, limit=5).packages) == 1
    with pytest.raises(ValueError, match="limit"):
        run(recs, limit=0)


def test_ties_break_by_resource_key_deterministically():
    vols = [Volunteer(id=v, name=v.upper(), skills=["HOUSING"], region_ids=["dong-a1"], hours_per_week=2)
            for v in ("v-b", "v-a", "v-c")]
    r = run(world(*vols))
    assert [ids(p) for p in r.packages] == [["v-a"], ["v-b"], ["v-c"]]
    assert len({p.cost for p in r.packages}) == 1
    assert r.packages[0].items[0].reasons[-1] == "volunteer"


def test_a_household_with_nothing_to_cover_gets_one_empty_package():
    r = run(world(needs=[]))
    [p] = r.packages
    assert (p.items, p.cost, p.covered_domains, p.missing_domains, p.flags) == ((), 0.0, (), (), ())


def test_unknown_household_and_bad_arguments():
    with pytest.raises(NotFoundError):
        match(view(world()), "nobody", on=ON)
    with pytest.raises(ValueError, match="locale"):
        run(world(svc("s")), locale="fr")
    with pytest.raises(TypeError, match="date"):
        match(view(world()), HID, on="2026-01-01")
    at_noon = dt.datetime(ON.year, ON.month, ON.day, 12, 0)
    assert match(view(world(svc("s"))), HID, on=at_noon).on == ON


# -- engines, limits and the solver check ------------------------------------------------


def _busy_world(n=24):
    domains = ["HOUSING", "FOOD", "LEGAL", "HEALTH"]
    providers = ["org-npo", "org-church", "org-pub", "org-pub2", "org-bar"]
    extra = [svc(f"s{i}", [domains[i % 4], domains[(i * 3 + 1) % 4]], provider=providers[i % 5],
                 lead_time_days=i % 7, cost=(i % 3) * 5000) for i in range(n)]
    return world(*extra, needs=[need(d) for d in domains])


@pytest.mark.parametrize("solver", ["search", "milp", "brute"])
def test_every_engine_gives_the_same_packages(solver):
    recs = _busy_world(12 if solver == "brute" else 24)
    auto = run(recs, limit=3)
    other = run(recs, limit=3, policy=Policy(solver=solver))
    assert [p.cost for p in other.packages] == [p.cost for p in auto.packages]
    assert other.optimal


def test_auto_hands_over_to_the_milp_past_its_node_budget():
    recs = _busy_world()
    fast = run(recs)
    handed = run(recs, policy=Policy(search_nodes=2))
    assert (fast.engine, handed.engine) == ("search", "milp") and handed.optimal
    assert [p.cost for p in handed.packages] == [p.cost for p in fast.packages]


def test_out_of_time_gives_the_best_found_so_far_not_proven():
    r = run(_busy_world(), policy=Policy(solver="milp", time_limit=1e-9))
    assert not r.optimal and r.engine == "greedy" and len(r.packages) == 1
    p = r.packages[0]
    assert not p.optimal
    assert set(p.covered_domains) == {Domain(d) for d in ("HOUSING", "FOOD", "LEGAL", "HEALTH")}


def test_a_wrong_answer_from_highs_is_caught_and_replaced(monkeypatch):
    import scipy.optimize

    real = scipy.optimize.milp
    calls = []

    def liar(c, **kw):
        res = real(c, **kw)
        calls.append(res)
        res.x = np.zeros_like(res.x)  # "optimal", covers nothing
        return res

    monkeypatch.setattr(scipy.optimize, "milp", liar)
    recs = _busy_world()
    r = run(recs, policy=Policy(solver="milp"))
    assert calls and r.engine == "search-after-milp-check" and r.optimal
    monkeypatch.undo()
    assert [p.cost for p in r.packages] == [p.cost for p in run(recs).packages]


# -- the sample graph through the embedded store (tests/conftest.py's sample_store) -----------


SAMPLE_DAY = dt.date(2026, 11, 23)


def test_sample_emergency_household(sample_store):
    r = match(sample_store.neighbourhood("hh-0001"), "hh-0001", on=SAMPLE_DAY)
    [p] = r.packages
    assert [(i.resource_id, i.need_ids) for i in p.items] == [
        ("svc-suwon-rent", ("need-0001-rent",)), ("svc-suwon-jobs", ("need-0001-job",)),
        ("svc-gg-legal", ("need-0001-legal",))]
    assert p.provider_count == 3 and p.missing_domains == (Domain.HEALTH,)
    [f] = p.flags  # the medical MOU's quota is used up: a wait list
    assert (f.kind, f.reason, f.service_ids, f.need_ids) == (
        FlagKind.CAPACITY, "QUOTA_USED", ("svc-gg-clinic",), ("need-0001-health",))
    recs = sample_records()
    keys = [i.resource_key for i in p.items]
    fs = facts(recs, "hh-0001")
    every = [f"Service:{s}" for s in fs.services] + [f"Volunteer:{v}" for v in fs.volunteers]
    cands = [k for k in every if any(can_cover(fs, k, n.domain, SAMPLE_DAY) for n in fs.needs)]
    expected = oracle_cost(fs, keys, on=SAMPLE_DAY) + tag_terms(recs, "hh-0001", keys, fs.needs, cands)
    assert p.cost == pytest.approx(expected)


def test_sample_after_the_bar_mou_expires(sample_store):
    r = match(sample_store.neighbourhood("hh-0001"), "hh-0001", on=dt.date(2027, 3, 1))
    missing = [f for f in r.packages[0].flags if f.kind == FlagKind.MISSING]
    assert [(f.domain, f.reason) for f in missing] == [(Domain.LEGAL, "AGREEMENT_EXPIRED")]


def test_sample_elderly_household_already_receives_its_care(sample_store):
    p = match(sample_store.neighbourhood("hh-0002"), "hh-0002", on=SAMPLE_DAY).packages[0]
    assert [i.resource_id for i in p.items] == ["svc-diocese-food"]
    assert [(f.kind, f.reason, f.service_ids) for f in p.flags] == [
        (FlagKind.MISSING, "ALREADY_RECEIVED", ("svc-seongnam-care",))]


def test_sample_education_is_a_blind_spot(sample_store):
    p = match(sample_store.neighbourhood("hh-0003"), "hh-0003", on=SAMPLE_DAY).packages[0]
    assert p.items == ()
    assert [(f.kind, f.reason) for f in p.flags] == [(FlagKind.MISSING, "NOTHING_IN_REGION")]


def test_korean_reasons_and_flags(sample_store):
    p = match(sample_store.neighbourhood("hh-0001"), "hh-0001", on=SAMPLE_DAY, locale="ko").packages[0]
    assert "주거 지원 제공" in p.items[0].reasons
    assert "수원시 전체 담당 (매탄1동 포함)" in p.items[0].reasons
    assert p.flags[0].message.startswith("건강: 자격이 되는 자원의 협약 연간 한도가 모두 소진되었습니다")
