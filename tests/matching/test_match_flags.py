"""Every flag kind, on hand-made graphs."""

from __future__ import annotations

from matching_kit import HID, ON, household, need, svc, view, world

from graph.model import Agreement, Receipt, Referral, Volunteer
from matching import DEFAULT_POLICY, FlagKind, match


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


def test_missing_agreement_expired_when_every_one_is_under_an_mou_out_of_force():
    mou = Agreement(id="mou", partner_id="org-bar", domains=["HOUSING"], signed_on="2020-01-01",
                    expires_on="2021-01-01")
    [f] = flags_of(world(mou, svc("s1", provider="org-bar", agreement_id="mou")), FlagKind.MISSING)
    assert (f.reason, f.service_ids) == ("AGREEMENT_EXPIRED", ("s1",))
    assert "under MOUs not in force (s1)" in f.message


def test_missing_nothing_active_when_one_is_retired_and_one_out_of_force():
    mou = Agreement(id="mou", partner_id="org-bar", domains=["HOUSING"], signed_on="2020-01-01",
                    expires_on="2021-01-01")
    recs = world(mou, svc("s1", provider="org-bar", agreement_id="mou"), svc("old", active=False),
                 Receipt(household_id=HID, service_id="old"))
    [f] = flags_of(recs, FlagKind.MISSING)
    assert (f.reason, f.service_ids) == ("NOTHING_ACTIVE", ("old", "s1"))


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
    assert f.reason == "NOT_ELIGIBLE_INCOME" and f.service_ids == ("rich",)
    assert "income (80% of median) is over the ceiling of every one of the 1 active" in f.message


def test_missing_not_eligible_trait_names_the_traits():
    recs = world(svc("kids", required_traits=["CHILDREN"]), svc("sp", required_traits=["SINGLE_PARENT"]),
                 hh=household(traits=["UNEMPLOYED"]))
    [f] = flags_of(recs, FlagKind.MISSING)
    assert (f.reason, f.service_ids) == ("NOT_ELIGIBLE_TRAIT", ("kids", "sp"))
    assert "(children, single parent)" in f.message
    assert flags_of(recs, FlagKind.NEAR_MISS) == []  # statutory traits: no one may waive them


# -- CAPACITY ------------------------------------------------------------------------


def test_capacity_when_every_eligible_resource_is_full():
    mou = Agreement(id="mou", partner_id="org-bar", domains=["HOUSING"], signed_on="2020-01-01",
                    annual_quota=5, used=5)
    recs = world(svc("full", capacity=2, used=2), mou, svc("quota", provider="org-bar", agreement_id="mou"),
                 svc("rich", max_income_percent=10), hh=household(income_percent=50))
    r = match(view(recs), HID, on=ON)
    [f] = r.packages[0].flags
    assert (f.kind, f.reason, f.domain.value, f.need_ids, f.service_ids) == (
        FlagKind.CAPACITY, "FULL", "HOUSING", ("need-housing",), ("full", "quota"))
    assert "a wait list, not a gap" in f.message
    assert r.packages[0].missing_domains == (f.domain,)


def test_capacity_quota_used_when_only_mou_quotas_are_spent():
    mou = Agreement(id="mou", partner_id="org-bar", domains=["HOUSING"], signed_on="2020-01-01",
                    annual_quota=5, used=5)
    [f] = flags_of(world(mou, svc("quota", provider="org-bar", agreement_id="mou")))
    assert (f.kind, f.reason, f.service_ids) == (FlagKind.CAPACITY, "QUOTA_USED", ("quota",))
    assert "MOU quota for the year" in f.message


def test_no_capacity_flag_while_one_eligible_resource_has_room():
    recs = world(svc("full", capacity=2, used=2), svc("room", capacity=2, used=1))
    assert flags_of(recs) == []


# -- NEAR_MISS -----------------------------------------------------------------------


def test_near_miss_income_within_ten_points():
    recs = world(svc("s75", max_income_percent=75), hh=household(income_percent=82))
    kinds = [(f.kind, f.reason, f.service_ids) for f in flags_of(recs)]
    assert kinds == [(FlagKind.MISSING, "NOT_ELIGIBLE_INCOME", ("s75",)),
                     (FlagKind.NEAR_MISS, "NOT_ELIGIBLE_INCOME", ("s75",))]
    near = flags_of(recs, FlagKind.NEAR_MISS)[0]
    assert "75% income ceiling" in near.message
    assert "(7 points over, within the 10-point margin)" in near.message
    assert near.message.endswith("margin): the case conference may approve an exception.")
    [ko] = flags_of(recs, FlagKind.NEAR_MISS, locale="ko")
    assert "사례회의에서 예외를 승인할 수 있습니다" in ko.message


def test_no_near_miss_income_past_the_margin():
    recs = world(svc("s75", max_income_percent=75), hh=household(income_percent=86))
    assert flags_of(recs, FlagKind.NEAR_MISS) == []


def test_a_statutory_trait_one_short_is_no_near_miss():
    # a two-parent household is never "nearly" a single-parent family: no one may approve that
    recs = world(svc("sp", required_traits=["SINGLE_PARENT", "CHILDREN"]), hh=household(traits=["CHILDREN"]))
    assert flags_of(recs, FlagKind.NEAR_MISS) == []
    assert [f.reason for f in flags_of(recs)] == ["NOT_ELIGIBLE_TRAIT"]


def test_near_miss_one_discretionary_trait_short_says_who_may_waive_it():
    policy = DEFAULT_POLICY.with_(discretionary_traits=frozenset({"ELDERLY"}))
    recs = world(svc("care", required_traits=["ELDERLY", "UNEMPLOYED"]), hh=household(traits=["UNEMPLOYED"]))
    [near] = flags_of(recs, FlagKind.NEAR_MISS, policy=policy)
    assert (near.reason, near.service_ids) == ("NOT_ELIGIBLE_TRAIT", ("care",))
    assert "requires elderly" in near.message and "the Solution Committee may waive it" in near.message
    # two traits short is not a near miss, even when both are discretionary
    both = policy.with_(discretionary_traits=frozenset({"ELDERLY", "DISABLED"}))
    recs = world(svc("care", required_traits=["ELDERLY", "DISABLED"]), hh=household(traits=[]))
    assert flags_of(recs, FlagKind.NEAR_MISS, policy=both) == []


def test_no_near_miss_when_another_rule_fails_too():
    recs = world(svc("s", max_income_percent=75, capacity=1, used=1), hh=household(income_percent=80))
    assert flags_of(recs, FlagKind.NEAR_MISS) == []


def test_no_near_miss_flag_for_a_need_the_package_covers():
    recs = world(svc("s75", max_income_percent=75), svc("open"), hh=household(income_percent=80))
    assert flags_of(recs) == []


# -- OVERLAP: duplicate benefits only --------------------------------------------------


def cash(id, domains=("INCOME",), tags=("livelihood-cash",), **kw):
    return svc(id, domains, form="CASH", tags=list(tags), **kw)


def test_overlap_two_receipts_of_the_same_benefit_from_different_agencies():
    recs = world(svc("meal1", ["FOOD"], form="IN_KIND", tags=["free-meals"]),
                 svc("meal2", ["FOOD", "CARE"], form="IN_KIND", tags=["free-meals"], provider="org-church"),
                 Receipt(household_id=HID, service_id="meal1"), Receipt(household_id=HID, service_id="meal2"),
                 needs=[])
    [f] = flags_of(recs)
    assert (f.kind, f.reason, f.domain.value, f.service_ids, f.need_ids) == (
        FlagKind.OVERLAP, "DUPLICATE_RECEIPT", "FOOD", ("meal1", "meal2"), ())
    assert f.message == ("The household receives meal1 (Neighbours) and meal2 (Church): the same in-kind "
                         "benefit (free meals) from two agencies. Check for improper double receipt.")


def test_no_receipt_overlap_from_one_agency_or_different_forms_or_tags():
    same_org = world(svc("m1", ["FOOD"], form="IN_KIND", tags=["free-meals"]),
                     svc("m2", ["FOOD"], form="IN_KIND", tags=["free-meals"]),
                     Receipt(household_id=HID, service_id="m1"), Receipt(household_id=HID, service_id="m2"),
                     needs=[])
    other_form = world(svc("m1", ["FOOD"], form="IN_KIND", tags=["free-meals"]),
                       svc("m2", ["FOOD"], form="VOUCHER", tags=["free-meals"], provider="org-church"),
                       Receipt(household_id=HID, service_id="m1"), Receipt(household_id=HID, service_id="m2"),
                       needs=[])
    other_tag = world(svc("m1", ["FOOD"], form="IN_KIND", tags=["free-meals"]),
                      svc("m2", ["FOOD"], form="IN_KIND", tags=["food-parcel"], provider="org-church"),
                      Receipt(household_id=HID, service_id="m1"), Receipt(household_id=HID, service_id="m2"),
                      needs=[])
    assert flags_of(same_org) == flags_of(other_form) == flags_of(other_tag) == []


def test_overlap_a_package_item_would_duplicate_a_receipt():
    recs = world(cash("old-cash", regions=["dong-a2"]), Receipt(household_id=HID, service_id="old-cash"),
                 cash("new-cash"), needs=[need("INCOME")])
    [f] = flags_of(recs)
    assert (f.kind, f.reason, f.domain.value, f.service_ids, f.need_ids) == (
        FlagKind.OVERLAP, "DUPLICATE_BENEFIT", "INCOME", ("new-cash", "old-cash"), ("need-income",))
    assert "new-cash (this package), old-cash (received)" in f.message
    assert "the same cash benefit twice (livelihood cash support)" in f.message


def test_two_cash_benefits_for_one_need_overlap_even_without_a_shared_tag():
    recs = world(cash("allowance", tags=["child-allowance"], regions=["dong-a2"]),
                 Receipt(household_id=HID, service_id="allowance"), cash("living"), needs=[need("INCOME")])
    [f] = flags_of(recs)
    assert (f.reason, f.service_ids) == ("DUPLICATE_BENEFIT", ("allowance", "living"))
    assert "two cash benefits for the same need" in f.message


def test_complementary_help_is_no_overlap():
    # counselling beside cash, a voucher beside a mentor, a nurse beside medical-cost support
    received = [svc("counsel", ["INCOME", "MENTAL_HEALTH"], form="SERVICE", tags=["counselling"],
                    regions=["dong-a2"]),
                svc("voucher", ["EDUCATION"], form="VOUCHER", tags=["job-training"], regions=["dong-a2"]),
                svc("nurse", ["HEALTH"], form="SERVICE", tags=["home-health-visit"], regions=["dong-a2"])]
    recs = world(*received, *(Receipt(household_id=HID, service_id=s.id) for s in received),
                 cash("living"),
                 Volunteer(id="mentor", name="Mentor", skills=["EDUCATION"], region_ids=["dong-a1"],
                           hours_per_week=2, tags=["mentoring"]),
                 cash("medical", ["HEALTH"], tags=["emergency-medical-cost"]),
                 needs=[need("INCOME"), need("EDUCATION"), need("HEALTH")])
    r = match(view(recs), HID, on=ON)
    assert {i.resource_id for i in r.packages[0].items} == {"living", "mentor", "medical"}
    assert [f for p in r.packages for f in p.flags if f.kind == FlagKind.OVERLAP] == []


def test_overlap_a_package_item_other_than_the_referred_one():
    # the referred resource is full now; the package must use another one of the same kind
    recs = world(cash("referred", capacity=1, used=1), cash("other"), ref("r1", "referred", ["need-income"]),
                 needs=[need("INCOME")])
    [f] = flags_of(recs, FlagKind.OVERLAP)
    assert f.service_ids == ("other", "referred") and "referred (referred, sent)" in f.message


def test_no_overlap_when_the_package_uses_the_referred_resource():
    recs = world(svc("referred"), ref("r1", "referred", ["need-housing"]))
    assert flags_of(recs) == []
    item = match(view(recs), HID, on=ON).packages[0].items[0]
    assert "already referred (sent)" in item.reasons


def test_declined_and_closed_referrals_are_not_in_play():
    recs = world(cash("a", capacity=1, used=1), cash("b"), ref("r1", "a", ["need-income"], status="DECLINED"),
                 ref("r2", "a", ["need-income"], status="CLOSED"), needs=[need("INCOME")])
    assert [f for f in flags_of(recs) if f.kind == FlagKind.OVERLAP] == []


def test_overlap_two_referrals_for_the_same_need():
    recs = world(Volunteer(id="v1", name="V1", skills=["HOUSING"], region_ids=["dong-a1"], hours_per_week=2,
                           tags=["housing-repair"]),
                 svc("s1", tags=["housing-repair"]), ref("r1", "v1", ["need-housing"], label="Volunteer"),
                 ref("r2", "s1", ["need-housing"]), needs=[need("HOUSING"), need("FOOD")])
    overlap = flags_of(recs, FlagKind.OVERLAP)
    assert [(f.domain.value, f.service_ids) for f in overlap] == [("HOUSING", ("s1", "v1"))]


def test_the_package_avoids_a_duplicate_when_it_can():
    recs = world(cash("old", regions=["dong-a2"]), Receipt(household_id=HID, service_id="old"),
                 cash("again", provider="org-pub"), svc("job", ["INCOME"], provider="org-church"),
                 needs=[need("INCOME")])
    best = match(view(recs), HID, on=ON).packages[0]
    assert [i.resource_id for i in best.items] == ["job"] and best.flags == ()


# -- EXCLUSIVE ---------------------------------------------------------------------


def test_exclusive_two_receipts_rule_each_other_out():
    recs = world(svc("a", ["FOOD"]), svc("b", ["CARE"], excludes_ids=["a"]),
                 Receipt(household_id=HID, service_id="a"), Receipt(household_id=HID, service_id="b"),
                 needs=[])
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
    assert (f.kind, f.service_ids, f.need_ids) == (
        FlagKind.EXCLUSIVE, ("clash", "receipt"), ("need-housing",))
    assert "rules out receipt, which is already in play" in second.items[0].reasons
    assert second.cost - best.cost >= 25.0 - 2.0  # exclusive_in_play outweighs the public-source preference


def test_exclusive_a_referral_and_a_package_item():
    recs = world(svc("ref-food", ["FOOD"]), ref("r1", "ref-food", ["need-food"]),
                 svc("rent", excludes_ids=["ref-food"]), needs=[need("HOUSING"), need("FOOD")])
    ex = flags_of(recs, FlagKind.EXCLUSIVE)
    assert [(f.service_ids, f.need_ids) for f in ex] == [
        (("ref-food", "rent"), ("need-food", "need-housing"))]


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
                 svc("f1", ["CARE"], tags=["safety-check"]),
                 svc("f2", ["CARE"], tags=["safety-check"], provider="org-church"),
                 Receipt(household_id=HID, service_id="f1"),
                 Receipt(household_id=HID, service_id="f2"), needs=[need("LEGAL"), need("FOOD")])
    assert [(f.kind, f.domain.value) for f in flags_of(recs)] == [
        (FlagKind.MISSING, "LEGAL"), (FlagKind.CAPACITY, "FOOD"), (FlagKind.OVERLAP, "CARE")]
