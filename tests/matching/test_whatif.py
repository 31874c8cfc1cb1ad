"""What would it take, the recruitment advisor and what-if, on the synthetic province.

Property tests draw households and changes with hypothesis from one small
synthetic world (built once): every suggested change, applied to the view,
covers what it claims (re-running the match or the allocation); no listed
suggestion is dominated by another; what-if with no change reports no
difference; a recruitment gain equals the whole model re-solved after the
change.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import NotFoundError, ValidationError
from graph.view import build_graph
from loaders import synthetic
from matching import allocate
from matching.messages import catalogue_problems
from matching.policy import DEFAULT_POLICY
from matching.recruit import advise, burn_down, fairness, optimum, places_model
from matching.takes import dominates, what_would_it_take, what_would_it_take_plan
from matching.whatif import AddPlaces, Extend, Retire, apply, covered_needs, household_cover, whatif

ON = synthetic.ON


@pytest.fixture(scope="module")
def world():
    recs = list(synthetic.records(households=1500, seed=11))
    g = build_graph(recs)
    short = []  # households some open need of which no package covers
    for r in recs:
        if r.LABEL == "Household":
            c = household_cover(g, r.id, ON)
            if len(c.covered) < len(c.domains):
                short.append(r.id)
    assert short, "the world has no household with a missing need"
    return g, short


def _check_ranking(suggestions):
    for i, s in enumerate(suggestions):
        for j, t in enumerate(suggestions):
            if i != j:
                assert not dominates(t, s), (s, t)
        for t in suggestions[i + 1:]:
            assert t.cost >= s.cost


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_household_suggestion_applied_covers_what_it_claims(world, data):
    g, short = world
    hid = data.draw(st.sampled_from(short))
    takes = what_would_it_take(g, hid, on=ON)
    before = household_cover(g, hid, ON).covered
    for a in takes.answers:
        assert a.need_id not in before
        _check_ranking(list(a.suggestions))
        assert a.suggestions or a.message is not None
        for s in a.suggestions:
            assert a.need_id in s.covers
            after = household_cover(apply(g, [s.change]), hid, ON).covered
            assert set(s.covers) <= after - before, (s.kind, s.change)
            assert s.message.render("ko") and s.message.render("en")
    _check_ranking(list(takes.suggestions))


def test_a_household_with_every_need_covered_gets_no_suggestion(world):
    g, short = world
    covered = next(a["id"] for _, a in g.nodes(data=True) if a.get("label") == "Household"
                   and a["id"] not in short)
    assert what_would_it_take(g, covered, on=ON).answers == ()


def test_a_near_miss_is_suggested_with_its_points_and_nothing_past_the_margin(world):
    g, short = world
    seen = 0
    for hid in short[:60]:
        for s in what_would_it_take(g, hid, on=ON).suggestions:
            if s.kind == "WAIVE_INCOME":
                seen += 1
                assert 1 <= s.amount <= DEFAULT_POLICY.near_miss_points  # the policy's margin
                assert s.cost == 2 + s.amount / 10
    assert seen, "no income near miss among the first households: the test would prove nothing"


def test_every_plan_suggestion_applied_covers_the_need_in_the_new_allocation(world):
    g, short = world
    region = g.nodes[f"Household:{short[0]}"]["region_id"]
    ids = sorted(a["id"] for _, a in g.nodes(data=True) if a.get("label") == "Household"
                 and a["region_id"] == region)[:25]
    plan, takes = what_would_it_take_plan(g, ids, on=ON, budget_s=60)
    assert {a.need_id for a in takes.answers} == {u.need_id for u in plan.unmet}
    checked = 0
    for a in takes.answers:
        _check_ranking(list(a.suggestions))
        for s in a.suggestions[:2]:
            after = allocate(apply(g, [s.change]), ids, on=ON)
            assigned = {x.need_id for x in after.assignments}
            assert set(s.covers) <= assigned and a.need_id in assigned
            assert after.needs_covered > plan.needs_covered
            checked += 1
    assert checked or not plan.unmet


def test_whatif_with_no_change_reports_no_difference(world):
    g, short = world
    region = g.nodes[f"Household:{short[0]}"]["region_id"]
    w = whatif(g, region, [], on=ON)
    assert w.no_difference and w.households > 0


def test_retiring_the_only_cover_loses_it_and_an_unrelated_change_does_not(world):
    g, short = world
    # a household covered in some domain by exactly one resource: retiring it loses that cover
    from matching.allocation_model import demand
    from matching.neighbourhood import read
    for _, a in g.nodes(data=True):
        if a.get("label") != "Household":
            continue
        dm = demand(read(g, a["id"]), ON)
        mine_now = covered_needs(g, a["region_id"], ON).get(a["id"], frozenset())
        single = [(ids, cands[0]) for _, ids, cands in dm.fields if len(cands) == 1 and cands[0].is_service
                  and set(ids) <= mine_now]
        if single:
            ids, r = single[0]
            w = whatif(g, a["region_id"], [Retire(r.id)], on=ON)
            mine = [c for c in w.cover if c.household_id == a["id"]]
            assert mine and set(ids) <= set(mine[0].lost)
            assert not w.no_difference
            break
    else:
        pytest.fail("no household covered by a single service")
    # a place more at a service with a place for everyone who could take it changes nobody's cover
    region = g.nodes[f"Household:{short[0]}"]["region_id"]
    m = places_model(g, region, ON)
    users = m.users()
    spare = next(k for k, left in sorted(m.places.items()) if k.startswith("Service:") and left >= users[k])
    w = whatif(g, region, [AddPlaces(spare.split(":", 1)[1], 1)], on=ON)
    assert w.cover == ()


def test_bad_changes_are_coded_errors_naming_changes(world):
    g, _ = world
    with pytest.raises(NotFoundError) as e:
        apply(g, [Retire("svc-nope")])
    assert e.value.field == "changes"
    svc = next(a["id"] for _, a in g.nodes(data=True) if a.get("label") == "Service")
    with pytest.raises(ValidationError) as e2:
        apply(g, [AddPlaces(svc, 0)])
    assert e2.value.field == "changes"
    with pytest.raises(NotFoundError):
        apply(g, [Extend(svc, "nowhere")])
    n = g.number_of_nodes()
    apply(g, [Retire(svc)])
    assert g.nodes[f"Service:{svc}"]["active"] is True and g.number_of_nodes() == n  # the view is untouched


@pytest.fixture(scope="module")
def city(world):
    g, short = world
    rid = g.nodes[f"Household:{short[0]}"]["region_id"]
    return g.nodes[f"Region:{rid}"]["parent_id"]


def test_each_recruitment_gain_equals_the_whole_model_re_solved(world, city):
    g, _ = world
    adv = advise(g, city, on=ON)
    assert adv.exact and adv.ranked
    base = optimum(places_model(g, city, ON))
    kinds = set()
    for r in adv.ranked[:12]:
        after = optimum(places_model(apply(g, [r.change]), city, ON))
        assert (after.value - base.value) / 100 == r.value, r
        # the needs too: an optimum covers the most value, then the most needs (lex_weights)
        assert after.needs - base.needs == r.needs > 0, r
        kinds.add(r.kind)
    values = [r.value for r in adv.ranked]
    assert values == sorted(values, reverse=True)
    assert all(r.value > 0 for r in adv.ranked)


def test_the_shadow_price_screen_and_the_relaxation_change_no_gain(world, city):
    """Screening by the relaxation's duals and exact re-solves through an integral relaxation are
    shortcuts: every candidate re-solved as a MILP ranks the same gains."""
    g, _ = world
    fast = advise(g, city, on=ON)
    plain = advise(g, city, on=ON, screen=False, relaxation=False)
    assert plain.screened == 0 and plain.milp_solves > 0 and fast.candidates == plain.candidates
    assert [(r.kind, r.target_id, r.value) for r in fast.ranked] == \
        [(r.kind, r.target_id, r.value) for r in plain.ranked]
    assert (fast.uncovered_needs, fast.uncovered_value) == (plain.uncovered_needs, plain.uncovered_value)


def test_a_place_at_a_service_nobody_lacks_is_worth_nothing(world, city):
    g, _ = world
    adv = advise(g, city, on=ON)
    listed = {r.target_id for r in adv.ranked if r.kind == "ADD_PLACES"}
    m = places_model(g, city, ON)
    users = m.users()
    for key, left in m.places.items():
        if key.startswith("Service:") and left >= users.get(key, 0):
            assert key.split(":", 1)[1] not in listed


def test_fairness_rows_add_up_and_burn_down_is_ordered(world, city):
    g, _ = world
    rows = fairness(g, None, on=ON)
    m = places_model(g, None, ON)
    assert sum(r.open_needs for r in rows) == sum(len(e.need_ids) for e in m.elements)
    assert sum(r.covered_needs for r in rows) == optimum(m).needs
    assert all(0 <= r.coverage <= 1 for r in rows)
    rows2 = burn_down(g, city, on=ON)
    days = [b.runs_out for b in rows2 if b.runs_out is not None]
    assert days == sorted(days)
    for b in rows2:
        assert b.left >= 0 and b.message.render("ko")


def test_the_new_sentences_have_both_locales():
    assert catalogue_problems() == []


# ---------------------------------------------------------------------------
# the advisor and what-if count "covered" the same way (issue 22)


def _needs_moved(w) -> tuple[int, int]:
    return sum(len(c.gained) for c in w.cover), sum(len(c.lost) for c in w.cover)


@pytest.fixture(scope="module")
def small():
    """The province the CLI tests use (600 households, seed 7), where what-if once reported nothing
    for places the advisor ranked (svc-gg-hope-1: free places, but fewer than the households that
    could take one)."""
    return build_graph(synthetic.records(households=600, seed=7))


def test_what_if_shows_the_needs_the_advisor_says_a_place_quota_or_region_covers(small):
    adv = advise(small, "gg-suwon", on=ON)
    tops = [r for r in adv.ranked if r.kind in ("ADD_PLACES", "ADD_QUOTA", "EXTEND")][:10]
    assert len(tops) == 10 and any(r.target_id == "svc-gg-hope-1" for r in tops), \
        [r.target_id for r in tops]
    for r in tops:
        w = whatif(small, "gg-suwon", [r.change], on=ON)
        gained, lost = _needs_moved(w)
        # the same model and the same optimum: the net is the advisor's claim exactly; which household
        # gets a contested place is one optimum's, so what-if may show more gained than claimed
        assert gained >= r.needs > 0 and gained - lost == r.needs, (r.kind, r.target_id, gained, lost)


def test_a_place_nobody_competes_for_shows_no_gain_in_either(small):
    # the rule must not fire where nothing is short: a service with a place for everyone who could
    # take one, given a place more, is worth nothing to the advisor and changes no cover in what-if
    m = places_model(small, "gg-suwon", ON)
    users = m.users()
    ranked = {r.target_id for r in advise(small, "gg-suwon", on=ON).ranked}
    spare = [k.split(":", 1)[1] for k, left in sorted(m.places.items())
             if k.startswith("Service:") and 0 < users[k] <= left][:5]
    assert spare
    for sid in spare:
        assert sid not in ranked
        assert whatif(small, "gg-suwon", [AddPlaces(sid)], on=ON).cover == ()


_ADVICE: dict[str, object] = {}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_what_if_and_the_advisor_agree_on_every_gain(world, data):
    """For any city and any change the advisor lists, what-if applying it shows the needs it claims
    gained (net of the households a contested place moves between)."""
    g, short = world
    cities = sorted({g.nodes[f"Region:{g.nodes[f'Household:{h}']['region_id']}"]["parent_id"]
                     for h in short[:40]})
    city = data.draw(st.sampled_from(cities))
    if city not in _ADVICE:
        _ADVICE[city] = advise(g, city, on=ON)
    adv = _ADVICE[city]
    assert adv.ranked, city
    r = data.draw(st.sampled_from(adv.ranked[:30]))
    w = whatif(g, city, [r.change], on=ON)
    gained, lost = _needs_moved(w)
    assert gained >= r.needs and gained - lost == r.needs, (city, r.kind, r.target_id, gained, lost)
    assert covered_needs(apply(g, [r.change]), city, ON) != covered_needs(g, city, ON)
