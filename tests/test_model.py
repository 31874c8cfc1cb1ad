"""Field-level validation of the domain model: every rule names its field."""

import datetime as dt

import pytest

from graph.errors import ValidationError
from graph.model import (
    Agreement,
    Domain,
    Household,
    HouseholdTrait,
    Need,
    Organization,
    Receipt,
    Referral,
    Region,
    Service,
    Volunteer,
    node_key,
    record_type,
    split_node_key,
)


def service(**kw):
    base = dict(id="s1", name="n", provider_id="o1", domains=["HEALTH"], region_ids=["r1"])
    return Service(**{**base, **kw})


def household(**kw):
    base = dict(id="h1", region_id="r1", size=2, income_percent=50, urgency="GENERAL")
    return Household(**{**base, **kw})


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: Region(id="", name="x", level="DONG"), "id"),
        (lambda: Region(id="x" * 129, name="x", level="DONG"), "id"),
        (lambda: Region(id=" x", name="x", level="DONG"), "id"),
        (lambda: Region(id="a\nb", name="x", level="DONG"), "id"),
        (lambda: Region(id="r", name="", level="DONG"), "name"),
        (lambda: Region(id="r", name="x", level="STATE"), "level"),
        (lambda: Region(id="r", name="x", level="DONG", parent_id="r"), "parentId"),
        (lambda: Organization(id="o", name="x", sector="GOVERNMENT"), "sector"),
        (lambda: Organization(id="o", name="x", sector="PUBLIC", region_ids="r1"), "regionIds"),
        (lambda: service(domains=[]), "domains"),
        (lambda: service(domains=["HEALTH", "MAGIC"]), "domains"),
        (lambda: service(region_ids=[]), "regionIds"),
        (lambda: service(capacity=-1), "capacity"),
        (lambda: service(capacity=1.5), "capacity"),
        (lambda: service(max_income_percent=1001), "eligibility.maxIncomePercent"),
        (lambda: service(required_traits=["RICH"]), "eligibility.requiredTraits"),
        (lambda: service(lead_time_days=-2), "leadTimeDays"),
        (lambda: service(cost=-1), "cost"),
        (lambda: service(excludes_ids=["s1"]), "excludesIds"),
        (lambda: service(active="yes"), "active"),
        (lambda: service(name="x" * 201), "name"),
        (lambda: Agreement(id="a", partner_id="o", domains=["LEGAL"], signed_on="2025-02-30"), "signedOn"),
        (lambda: Agreement(id="a", partner_id="o", domains=["LEGAL"], signed_on="2025-03-01",
                           expires_on="2025-02-28"), "expiresOn"),
        (lambda: Agreement(id="a", partner_id="o", domains=["LEGAL"], signed_on="2025-03-01",
                           annual_quota=-5), "annualQuota"),
        (lambda: Volunteer(id="v", name="x", skills=["CARE"], region_ids=["r"], hours_per_week=169),
         "hoursPerWeek"),
        (lambda: Volunteer(id="v", name="x", skills=["CARE"], region_ids=["r"], hours_per_week=-1),
         "hoursPerWeek"),
        (lambda: Volunteer(id="v", name="x", skills=[], region_ids=["r"]), "skills"),
        (lambda: household(size=0), "size"),
        (lambda: household(income_percent=-1), "incomePercent"),
        (lambda: household(income_percent=1001), "incomePercent"),
        (lambda: household(traits=["ELDERLY", "TALL"]), "traits"),
        (lambda: household(urgency="SOON"), "urgency"),
        (lambda: household(size=True), "size"),
        (lambda: Need(id="n", household_id="h", domain="HEALTH", severity=0), "severity"),
        (lambda: Need(id="n", household_id="h", domain="HEALTH", severity=6), "severity"),
        (lambda: Need(id="n", household_id="h", domain="HEALTH", severity=3, detail="x" * 2001), "detail"),
        (lambda: Need(id="n", household_id="h", domain="HEALTH", severity=3, status="DONE"), "status"),
        (lambda: Referral(id="f", household_id="h", resource_label="Service", resource_id="s",
                          need_ids=[]), "needIds"),
        (lambda: Referral(id="f", household_id="h", resource_label="Agreement", resource_id="s",
                          need_ids=["n"]), "resourceId"),
        (lambda: Referral(id="f", household_id="h", resource_label="Service", resource_id="s",
                          need_ids=["n"], created_at="yesterday"), "createdAt"),
        (lambda: Receipt(household_id="", service_id="s"), "householdId"),
    ],
)
def test_each_rule_names_its_field(make, field):
    with pytest.raises(ValidationError) as info:
        make()
    assert info.value.field == field
    assert info.value.code == "BAD_USER_INPUT"
    assert info.value.message


def test_boundaries_are_inclusive():
    assert household(income_percent=0).income_percent == 0
    assert household(income_percent=1000).income_percent == 1000
    assert Need(id="n", household_id="h", domain="FOOD", severity=1).severity == 1
    assert Need(id="n", household_id="h", domain="FOOD", severity=5).severity == 5
    busiest = Volunteer(id="v", name="x", skills=["CARE"], region_ids=["r"], hours_per_week=168)
    assert busiest.hours_per_week == 168
    assert service(capacity=0).available == 0
    assert Region(id="x" * 128, name="x", level="PROVINCE").id == "x" * 128
    a = Agreement(id="a", partner_id="o", domains=["LEGAL"], signed_on="2025-03-01", expires_on="2025-03-01")
    assert a.expires_on == a.signed_on == dt.date(2025, 3, 1)


def test_lists_are_normalised_so_equal_content_compares_equal():
    a = service(domains=["LEGAL", "HEALTH", "LEGAL"], region_ids=["r2", "r1"], excludes_ids=["b", "a"])
    b = service(domains=[Domain.HEALTH, Domain.LEGAL], region_ids=("r1", "r2"), excludes_ids={"a", "b"})
    assert a == b
    assert a.domains == (Domain.HEALTH, Domain.LEGAL)  # declaration order
    traits = household(traits=["UNEMPLOYED", "ELDERLY"]).traits
    assert traits == (HouseholdTrait.ELDERLY, HouseholdTrait.UNEMPLOYED)


def test_dict_round_trip_of_every_kind():
    from loaders.sample import sample_records

    for rec in sample_records():
        data = rec.to_dict()
        assert type(rec).from_dict(data) == rec
        # JSON-ready: no enums, tuples or dates left
        assert all(isinstance(v, (str, int, bool, list, type(None))) for v in data.values())


def test_capacity_and_quota_arithmetic():
    s = service(capacity=10, used=4)
    assert s.available == 6
    assert service(capacity=None).available is None
    a = Agreement(id="a", partner_id="o", domains=["LEGAL"], signed_on="2025-01-01",
                  expires_on="2025-12-31", annual_quota=10, used=12)
    assert a.quota_left == 0
    assert a.in_force(dt.date(2025, 6, 1)) and not a.in_force(dt.date(2026, 1, 1))


def test_node_keys_and_kinds():
    assert node_key("Service", "svc:1") == "Service:svc:1"
    assert split_node_key("Service:svc:1") == ("Service", "svc:1")
    assert record_type("Need") is Need
    with pytest.raises(ValidationError) as info:
        record_type("Nope")
    assert info.value.field == "label"
