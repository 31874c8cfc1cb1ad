"""Every flag kind, on hand-made graphs."""

from __future__ import annotations

from matching_kit import HID, ON, household, need, svc, view, world

from graph.model import Agreement, Receipt, Referral, Volunteer
from matching import FlagKind, match


def flags_of(records, kind=None, rank=1, **kw):
    r = match(view(records), HID, on=ON, **kw)
    flags = r.packages[rank - 1].flags
    return [f for f in flags if kind is None or f.kind == kind]


def ref(id, resource, needs, status="SENT", label="Service"):
    return Referral(id=id, household_id=HID, resource_label=label, resource_id=resource, need_ids=needs,
                    status=status, created_at="2026-05-01T09:00:00+00:00")


# -- MISSING and its reasons ------------------------------------------------------


def test_missing_nothing_in_region():
    [f] = flags_of(world(svc("far", regions=["city-b"])))
    assert (f.kind, f.reason, f.need_ids, f.service_ids) == (FlagKind.MISSING, "NOTHING_IN_REGION",
                                                             ("need-housing",), ())
    assert f.message == "Housing: no service or volunteer serving Dong A1 offers it."


def test_missing_nothing_active():
    recs = world(svc("old", active=False), Receipt(household_id=HID, service_id="old"))
    [f] = flags_of(recs, FlagKind.MISSING)
    assert (f.reason, f.service_ids) == ("NOTHING_ACTIVE", ("old",))


def test_missing_nothing_active_counts_an_agreement_out_of_force():
    mou = Agreement(id="mou", partner_id="org-bar", domains=["HOUSING"], signed_on="2020-01-01",
                    expires_on="2021-01-01")
    [f] = flags_of(world(mou, svc("s1", provider="org-bar", agreement_id="mou")), FlagKind.MISSING)
    assert (f.reason, f.service_ids) == ("NOTHING_ACTIVE", ("s1",))


def test_missing_not_eligible():
    recs = world(svc("rich", max_income_percent=30), svc("old-age", required_traits=["ELDERLY", "DISABLED"]),
                 hh=household(income_percent=80, traits=[]))
    [f] = flags_of(recs, FlagKind.MISSING)
    assert (f.reason, f.service_ids) == ("NOT_ELIGIBLE", ("old-age", "rich"))
    assert "not eligible for any of the 2 active resources" in f.message
    assert flags_of(recs, FlagKind.NEAR_MISS) == []  # 50 points over, two traits short


def test_missing_already_received():
    recs = world(svc("s1"), Receipt(household_id=HID, service_id="s1"))
    [f] = flags_of(recs, FlagKind.MISSING)
    assert (f.reason, f.service_ids) == ("ALREADY_RECEIVED", ("s1",))


def test_the_funnel_reports_the_furthest_stage_any_resource_reached():
    # one out of force, one not eligible: the field emptied at eligibility
    recs = world(svc("old", active=False), Receipt(household_id=HID, service_id="old"),
                 svc("rich", max_income_percent=10), hh=household(income_percent=80))
    [f] = flags_of(recs, FlagKind.MISSING)
    assert f.reason == "NOT_ELIGIBLE" and f.service_ids == ("rich",)


# -- CAPACITY ------------------------------------------------------------------------


def test_capacity_when_every_eligible_resource_is_full():
    mou = Agreement(id="mou", partner_id="org-bar", domains=["HOUSING"], signed_on="2020-01-01",
                    annual_quota=5, used=5)
    recs = world(svc("full", capacity=2, used=2), mou, svc("quota", provider="org-bar", agreement_id="mou"),
                 svc("rich", max_income_percent=10), hh=household(income_percent=50))
    r = match(view(recs), HID, on=ON)
    [f] = r.packages[0].flags
    assert (f.kind, f.domain.value, f.need_ids, f.service_ids) == (
        FlagKind.CAPACITY, "HOUSING", ("need-housing",), ("full", "quota"))
    assert "a wait list, not a gap" in f.message
    assert r.packages[0].missing_domains == (f.domain,)


def test_no_capacity_flag_while_one_eligible_resource_has_room():
    recs = world(svc("full", capacity=2, used=2), svc("room", capacity=2, used=1))
    assert flags_of(recs) == []


# -- NEAR_MISS -----------------------------------------------------------------------


def test_near_miss_income_within_ten_points():
    recs = world(svc("s75", max_income_percent=75), hh=household(income_percent=82))
    kinds = [(f.kind, f.reason, f.service_ids) for f in flags_of(recs)]
    assert kinds == [(FlagKind.MISSING, "NOT_ELIGIBLE", ("s75",)), (FlagKind.NEAR_MISS, "INCOME", ("s75",))]
    near = flags_of(recs, FlagKind.NEAR_MISS)[0]
    assert "75% income ceiling" in near.message and "(7 points over)" in near.message


def test_near_miss_one_trait_short():
    recs = world(svc("care", required_traits=["ELDERLY", "UNEMPLOYED"]), hh=household(traits=["UNEMPLOYED"]))
    [near] = flags_of(recs, FlagKind.NEAR_MISS)
    assert (near.reason, near.service_ids) == ("TRAITS", ("care",)) and "requires elderly" in near.message


def test_no_near_miss_when_another_rule_fails_too():
    recs = world(svc("s", max_income_percent=75, capacity=1, used=1), hh=household(income_percent=80))
    assert flags_of(recs, FlagKind.NEAR_MISS) == []


def test_no_near_miss_flag_for_a_need_the_package_covers():
    recs = world(svc("s75", max_income_percent=75), svc("open"), hh=household(income_percent=80))
    assert flags_of(recs) == []


# -- OVERLAP --------------------------------------------------------------------------


def test_overlap_two_receipts_duplicate_each_other():
    recs = world(svc("food1", ["FOOD"]), svc("food2", ["FOOD", "CARE"]),
                 Receipt(household_id=HID, service_id="food1"), Receipt(household_id=HID, service_id="food2"),
                 needs=[])
    [f] = flags_of(recs)
    assert (f.kind, f.domain.value, f.service_ids, f.need_ids) == (FlagKind.OVERLAP, "FOOD", ("food1", "food2"), ())
    assert f.message == "Food would be covered more than once: food1 (received), food2 (received)."


def test_overlap_a_package_item_would_duplicate_a_receipt():
    recs = world(svc("old-rent", ["HOUSING"], regions=["dong-a2"]), Receipt(household_id=HID, service_id="old-rent"),
                 svc("new-rent"))
    [f] = flags_of(recs)
    assert (f.kind, f.domain.value, f.service_ids, f.need_ids) == (
        FlagKind.OVERLAP, "HOUSING", ("new-rent", "old-rent"), ("need-housing",))
    assert "new-rent (this package), old-rent (received)" in f.message


def test_overlap_a_package_item_other_than_the_referred_one():
    # the referred resource is full now; the package must use another one
    recs = world(svc("referred", capacity=1, used=1), svc("other"), ref("r1", "referred", ["need-housing"]))
    [f] = flags_of(recs, FlagKind.OVERLAP)
    assert f.service_ids == ("other", "referred") and "referred (referred, sent)" in f.message


def test_no_overlap_when_the_package_uses_the_referred_resource():
    recs = world(svc("referred"), ref("r1", "referred", ["need-housing"]))
    assert flags_of(recs) == []
    item = match(view(recs), HID, on=ON).packages[0].items[0]
    assert "already referred (sent)" in item.reasons


def test_declined_and_closed_referrals_are_not_in_play():
    recs = world(svc("a", capacity=1, used=1), svc("b"), ref("r1", "a", ["need-housing"], status="DECLINED"),
                 ref("r2", "a", ["need-housing"], status="CLOSED"))
    assert flags_of(recs) == [f for f in flags_of(recs) if f.kind != FlagKind.OVERLAP]


def test_overlap_two_referrals_for_the_same_need():
    recs = world(Volunteer(id="v1", name="V1", skills=["HOUSING"], region_ids=["dong-a1"], hours_per_week=2),
                 svc("s1"), ref("r1", "v1", ["need-housing"], label="Volunteer"), ref("r2", "s1", ["need-housing"]),
                 needs=[need("HOUSING"), need("FOOD")])
    overlap = flags_of(recs, FlagKind.OVERLAP)
    assert [(f.domain.value, f.service_ids) for f in overlap] == [("HOUSING", ("s1", "v1"))]


# -- EXCLUSIVE ---------------------------------------------------------------------


def test_exclusive_two_receipts_rule_each_other_out():
    recs = world(svc("a", ["FOOD"]), svc("b", ["CARE"], excludes_ids=["a"]),
                 Receipt(household_id=HID, service_id="a"), Receipt(household_id=HID, service_id="b"), needs=[])
    [f] = flags_of(recs)
    assert (f.kind, f.domain, f.service_ids) == (FlagKind.EXCLUSIVE, None, ("a", "b"))
    assert f.message == "A and b rule each other out, but both are in play."


def test_exclusive_a_package_item_rules_out_a_receipt_and_costs_more():
    recs = world(svc("receipt", ["FOOD"]), Receipt(household_id=HID, service_id="receipt"),
                 svc("clash", excludes_ids=["receipt"], provider="org-pub"), svc("fine", provider="org-npo"))
    r = match(view(recs), HID, on=ON)
    best, second = r.packages
    assert [i.resource_id for i in best.items] == ["fine"]
    assert [i.resource_id for i in second.items] == ["clash"]
    assert [f.kind for f in best.flags] == []
    [f] = second.flags
    assert (f.kind, f.service_ids, f.need_ids) == (FlagKind.EXCLUSIVE, ("clash", "receipt"), ("need-housing",))
    assert "rules out receipt, which is already in play" in second.items[0].reasons
    assert second.cost - best.cost >= 25.0 - 2.0  # exclusive_in_play outweighs the public-source preference


def test_exclusive_a_referral_and_a_package_item():
    recs = world(svc("ref-food", ["FOOD"]), ref("r1", "ref-food", ["need-food"]),
                 svc("rent", excludes_ids=["ref-food"]), needs=[need("HOUSING"), need("FOOD")])
    ex = flags_of(recs, FlagKind.EXCLUSIVE)
    assert [(f.service_ids, f.need_ids) for f in ex] == [(("ref-food", "rent"), ("need-food", "need-housing"))]


def test_exclusive_inside_a_package_when_nothing_else_covers_both_needs():
    recs = world(svc("rent", ["HOUSING"]), svc("shelter", ["FOOD"], excludes_ids=["rent"]),
                 needs=[need("HOUSING"), need("FOOD")])
    r = match(view(recs), HID, on=ON)
    [p] = r.packages
    assert {i.resource_id for i in p.items} == {"rent", "shelter"}  # both needs are still covered
    [f] = p.flags
    assert (f.kind, f.service_ids) == (FlagKind.EXCLUSIVE, ("rent", "shelter"))
    assert dict(p.cost_terms)["exclusive_pair"] == 50.0


def test_exclusive_pair_is_avoided_when_possible():
    recs = world(svc("rent", ["HOUSING"]), svc("shelter", ["FOOD"], excludes_ids=["rent"]),
                 svc("pantry", ["FOOD"], provider="org-church"), needs=[need("HOUSING"), need("FOOD")])
    best = match(view(recs), HID, on=ON).packages[0]
    assert {i.resource_id for i in best.items} == {"rent", "pantry"} and best.flags == ()


def test_flags_come_in_a_stable_order():
    recs = world(svc("far", regions=["city-b"], domains=["LEGAL"]), svc("full", ["FOOD"], capacity=1, used=1),
                 svc("f1", ["CARE"]), svc("f2", ["CARE"]), Receipt(household_id=HID, service_id="f1"),
                 Receipt(household_id=HID, service_id="f2"), needs=[need("LEGAL"), need("FOOD")])
    assert [(f.kind, f.domain.value) for f in flags_of(recs)] == [
        (FlagKind.MISSING, "LEGAL"), (FlagKind.CAPACITY, "FOOD"), (FlagKind.OVERLAP, "CARE")]
