"""Every eligibility rule, passing and failing, on hand-made graphs."""

from __future__ import annotations

import datetime as dt

import pytest
from matching_kit import HID, ON, household, need, svc, view, world

from graph.model import Agreement, Domain, Receipt, Referral, Volunteer
from graph.view import build_graph
from matching import FlagKind, match
from matching.candidates import find_candidates
from matching.eligibility import Rule, Stage, assess, offers
from matching.neighbourhood import read
from matching.policy import DEFAULT_POLICY


def candidates_for(records, domain="HOUSING", on=ON):
    cs = find_candidates(read(view(records), HID), on, DEFAULT_POLICY)
    f = cs.field(Domain(domain))
    return [r.id for r in f.candidates], f, cs


def verdict(records, key, on=ON, policy=DEFAULT_POLICY):
    nb = read(view(records), HID)
    return assess(nb.resources[key], nb, on, policy)


def test_domain_rule_offers_only_its_domains():
    recs = world(svc("s-house", ["HOUSING"]), svc("s-food", ["FOOD"]), needs=[need("HOUSING"), need("FOOD")])
    ids, _, cs = candidates_for(recs)
    assert ids == ["s-house"] and candidates_for(recs, "FOOD")[0] == ["s-food"]
    food = cs.nb.resources["Service:s-food"]
    assert not offers(food, Domain.HOUSING).ok and offers(food, Domain.FOOD).ok
    assert offers(food, Domain.HOUSING).message.render() == "does not offer housing"


@pytest.mark.parametrize("served, ok, text", [
    ("dong-a1", True, "serves Dong A1"),
    ("city-a", True, "serves City A, which includes Dong A1"),
    ("prov", True, "serves Province, which includes Dong A1"),
])
def test_region_rule_a_city_serves_its_dongs(served, ok, text):
    recs = world(svc("s1", regions=[served]))
    assert candidates_for(recs)[0] == ["s1"]
    check = verdict(recs, "Service:s1").check(Rule.REGION)
    assert check.ok is ok and check.message.render() == text


@pytest.mark.parametrize("served", ["dong-a2", "city-b", "dong-b1"])
def test_region_rule_other_regions_are_out_of_reach(served):
    recs = world(svc("s1", regions=[served]))
    ids, f, _ = candidates_for(recs)
    assert ids == [] and f.gap == Stage.REACH
    # referred to anyway, the service is in the view, and the rule says why it cannot serve
    recs.append(Referral(id="r1", household_id=HID, resource_label="Service", resource_id="s1",
                         need_ids=["need-housing"], created_at="2026-05-01T09:00:00+00:00"))
    assert candidates_for(recs)[0] == []
    check = verdict(recs, "Service:s1").check(Rule.REGION)
    assert check.ok is False and check.message.render() == "does not serve Dong A1"


@pytest.mark.parametrize("income, ceiling, ok, near", [
    (60, None, True, False), (60, 60, True, False), (61, 60, False, True), (70, 60, False, True),
    (71, 60, False, False),
])
def test_income_ceiling_and_its_near_miss_margin(income, ceiling, ok, near):
    recs = world(svc("s1", max_income_percent=ceiling), hh=household(income_percent=income))
    check = verdict(recs, "Service:s1").check(Rule.INCOME)
    assert check.ok is ok and check.near is near
    assert (candidates_for(recs)[0] == ["s1"]) is ok


@pytest.mark.parametrize("traits, discretionary, ok, near", [
    (["ELDERLY", "DISABLED"], (), True, False),
    (["ELDERLY"], (), False, False),  # statutory: one short is still not a near miss
    (["ELDERLY"], ("DISABLED",), False, True),  # the one missing trait is discretionary
    (["ELDERLY"], ("ELDERLY",), False, False),  # another trait is discretionary, not the missing one
    ([], ("ELDERLY", "DISABLED"), False, False),  # two short
])
def test_required_traits_all_of_them_one_discretionary_short_is_a_near_miss(traits, discretionary, ok, near):
    recs = world(svc("s1", required_traits=["ELDERLY", "DISABLED"]), hh=household(traits=traits))
    policy = DEFAULT_POLICY.with_(discretionary_traits=frozenset(discretionary))
    check = verdict(recs, "Service:s1", policy=policy).check(Rule.TRAITS)
    assert check.ok is ok and check.near is near


def test_active_rule_an_inactive_service_is_never_a_candidate():
    recs = world(svc("s-old", active=False), Receipt(household_id=HID, service_id="s-old"))
    ids, f, _ = candidates_for(recs)
    assert ids == [] and f.gap == Stage.AVAILABLE
    assert verdict(recs, "Service:s-old").check(Rule.ACTIVE).ok is False


def test_a_volunteer_without_hours_is_not_available():
    recs = world(Volunteer(id="v0", name="Idle", skills=["HOUSING"], region_ids=["dong-a1"],
                           hours_per_week=0),
                 Volunteer(id="v1", name="Busy", skills=["HOUSING"], region_ids=["city-a"],
                           hours_per_week=3))
    _, _, cs = candidates_for(recs)
    assert [r.key for r in cs.candidates] == ["Volunteer:v1"]
    assert verdict(recs, "Volunteer:v0").check(Rule.ACTIVE).ok is False
    assert verdict(recs, "Volunteer:v1").check(Rule.ACTIVE).message.render() == "volunteers 3 hours a week"


def _mou(**kw):
    base = {"id": "mou", "partner_id": "org-bar", "domains": ["LEGAL"], "signed_on": dt.date(2026, 1, 1)}
    base.update(kw)
    return Agreement(**base)


@pytest.mark.parametrize("agreement, ok", [
    (_mou(), True),
    (_mou(signed_on=ON), True),  # in force from the day it is signed
    (_mou(expires_on=ON), True),  # ... to the day it expires
    (_mou(signed_on=ON + dt.timedelta(days=1)), False),
    (_mou(expires_on=ON - dt.timedelta(days=1)), False),
])
def test_agreement_must_be_in_force_on_the_day(agreement, ok):
    recs = world(agreement, svc("s1", provider="org-bar", agreement_id="mou"))
    assert (candidates_for(recs)[0] == ["s1"]) is ok
    assert verdict(recs, "Service:s1").check(Rule.AGREEMENT).ok is ok


def test_agreement_quota_left_or_none():
    recs = world(_mou(annual_quota=10, used=10), svc("s1", provider="org-bar", agreement_id="mou"))
    ids, f, _ = candidates_for(recs)
    assert ids == [] and f.gap == Stage.FREE
    assert verdict(recs, "Service:s1").check(Rule.QUOTA).message.render() == "MOU quota used up (10 of 10)"
    s1 = svc("s1", provider="org-bar", agreement_id="mou")
    assert candidates_for(world(_mou(annual_quota=10, used=9), s1))[0]
    assert candidates_for(world(_mou(annual_quota=None, used=99), s1))[0]


@pytest.mark.parametrize("capacity, used, ok", [(None, 5, True), (3, 2, True), (3, 3, False), (0, 0, False)])
def test_capacity_needs_a_free_place(capacity, used, ok):
    recs = world(svc("s1", capacity=capacity, used=used))
    assert (candidates_for(recs)[0] == ["s1"]) is ok


def test_a_received_service_is_not_proposed_again():
    recs = world(svc("s1"), Receipt(household_id=HID, service_id="s1"))
    ids, f, _ = candidates_for(recs)
    assert ids == [] and f.gap == Stage.NEW


def test_resources_offering_no_open_need_are_not_read():
    nb = read(view(world(svc("s-house", ["HOUSING"]), svc("s-food", ["FOOD"]))), HID)
    assert [r.key for r in nb.in_reach] == ["Service:s-house"]


def test_only_open_needs_count():
    recs = world(svc("s1", ["HOUSING"]), svc("s2", ["FOOD"]),
                 needs=[need("HOUSING"), need("FOOD", status="MET")])
    cs = find_candidates(read(view(recs), HID), ON, DEFAULT_POLICY)
    assert [f.domain for f in cs.fields] == [Domain.HOUSING]


def test_needs_of_one_domain_share_their_candidates():
    recs = world(svc("s1"), needs=[need("HOUSING", "n1"), need("HOUSING", "n2")])
    r = match(view(recs), HID, on=ON)
    assert [i.need_ids for i in r.packages[0].items] == [("n1", "n2")]


def test_a_referred_inactive_service_is_in_the_view_and_reads_as_nothing_active():
    recs = world(svc("s-old", active=False),
                 Referral(id="r1", household_id=HID, resource_label="Service", resource_id="s-old",
                          need_ids=["need-housing"], status="SENT", created_at="2026-05-01T09:00:00+00:00"))
    flags = match(view(recs), HID, on=ON).packages[0].flags
    assert [(f.kind, f.reason, f.service_ids) for f in flags if f.kind == FlagKind.MISSING] == [
        (FlagKind.MISSING, "NOTHING_ACTIVE", ("s-old",))]


def test_an_untouched_inactive_service_is_only_seen_by_a_wider_view():
    """The neighbourhood view holds active services only (graph/view.py), so a
    retired service the household never used reads as NOTHING_IN_REGION there;
    the full graph gives the exact reason."""
    recs = world(svc("s-old", active=False))
    narrow = match(view(recs), HID, on=ON).packages[0].flags[0]
    wide = match(build_graph(recs), HID, on=ON).packages[0].flags[0]
    assert (narrow.kind, narrow.reason) == (FlagKind.MISSING, "NOTHING_IN_REGION")
    assert (wide.kind, wide.reason, wide.service_ids) == (FlagKind.MISSING, "NOTHING_ACTIVE", ("s-old",))
