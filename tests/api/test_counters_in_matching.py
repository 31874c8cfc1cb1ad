"""What matching sees of the counters (issue 18 part 7, on both stores): a periodic service or an
agreement whose period turned over is offered again before its first accept in the new period;
one full in the current period is not; a volunteer whose accepted referrals use up the week's
hours is not offered, one with hours left is."""

from __future__ import annotations

import datetime as dt

import pytest

from graph import periods
from graph.model import Agreement, Household, Need, Referral, Service, Volunteer

MATCH = """query($h: ID!) { matchPackages(householdId: $h, limit: 5) { items { resource {
  ... on Service { id } ... on Volunteer { id } } } flags { kind serviceIds } } }"""
ALLOCATE = """query($h: [ID!]!) { allocate(householdIds: $h) { assignments { resource {
  ... on Service { id } ... on Volunteer { id } } } unmetNeeds { need { id } reason } } }"""


def offered(gql, resource_id: str, household: str = "hh-cnt") -> tuple[bool, bool]:
    """(in some matchPackages package, assigned by allocate) for ``resource_id``."""
    packages = gql(MATCH, "caseworker", h=household).ok()["matchPackages"]
    in_match = any(i["resource"]["id"] == resource_id for p in packages for i in p["items"])
    plan = gql(ALLOCATE, "caseworker", h=[household]).ok()["allocate"]
    in_plan = any(a["resource"]["id"] == resource_id for a in plan["assignments"])
    return in_match, in_plan


@pytest.fixture
def household(store):
    """A household in Suwon with one open mental-health need: nothing active in the sample offers it."""
    store.put(Household(id="hh-cnt", region_id="gg-suwon-jowon", size=2, income_percent=50,
                        traits=(), urgency="FOCUSED"),
              Need(id="need-cnt", household_id="hh-cnt", domain="MENTAL_HEALTH", severity=4))


def this_month() -> dt.date:
    return periods.today().replace(day=1)


def last_month() -> dt.date:
    return (this_month() - dt.timedelta(days=1)).replace(day=1)


def monthly(used_since: dt.date, used: int = 1, capacity: int = 1) -> Service:
    return Service(id="svc-month", name="월간 심리상담", provider_id="org-suwon-city",
                   domains=["MENTAL_HEALTH"], region_ids=["gg-suwon"], capacity=capacity, used=used,
                   capacity_period="MONTH", used_since=used_since)


def test_a_service_full_last_month_is_offered_again_this_month(gql, store, household):
    store.put(monthly(last_month()))
    assert offered(gql, "svc-month") == (True, True)
    # the stored counter is still last month's (it rolls over at the first accept): the API
    # answers this month's figure all the same
    assert store.get("Service", "svc-month").used == 1
    svc = gql('{ service(id: "svc-month") { available } }', "caseworker").ok()["service"]
    assert svc == {"available": 1}


def test_a_service_full_this_month_is_not_offered(gql, store, household):
    store.put(monthly(this_month()))
    assert offered(gql, "svc-month") == (False, False)
    plan = gql(ALLOCATE, "caseworker", h=["hh-cnt"]).ok()["allocate"]
    assert [u["need"]["id"] for u in plan["unmetNeeds"]] == ["need-cnt"]


def test_a_service_with_a_place_left_this_month_is_offered(gql, store, household):
    store.put(monthly(this_month(), used=1, capacity=2))
    assert offered(gql, "svc-month") == (True, True)


def test_an_agreement_used_up_last_year_is_offered_again_after_its_anniversary(gql, store, household):
    """An MOU signed on this day some years ago: its new agreement year began today."""
    today = periods.today()
    signed = periods.anniversary(today, -2)
    year_first = periods.year_of(signed, today)[0]
    before = periods.year_of(signed, year_first - dt.timedelta(days=1))[0]
    store.put(Agreement(id="mou-cnt", partner_id="org-suwon-city", domains=["MENTAL_HEALTH"],
                        signed_on=signed, annual_quota=1, used=1, used_since=before),
              Service(id="svc-mou", name="협약 심리상담", provider_id="org-suwon-city",
                      domains=["MENTAL_HEALTH"], region_ids=["gg-suwon"], agreement_id="mou-cnt"))
    assert offered(gql, "svc-mou") == (True, True)
    store.put(store.get("Agreement", "mou-cnt").replace(used_since=year_first))
    assert offered(gql, "svc-mou") == (False, False)


# -- volunteer hours ---------------------------------------------------------------------------


@pytest.fixture
def volunteer(store, household):
    """A volunteer in Suwon giving 2 hours a week for mental health, and two referrals to it from
    another household (hh-0003), SENT."""
    store.put(Volunteer(id="vol-cnt", name="이상담", skills=["MENTAL_HEALTH"], region_ids=["gg-suwon"],
                        hours_per_week=2),
              *[Need(id=f"need-v{i}", household_id="hh-0003", domain="MENTAL_HEALTH", severity=3)
                for i in range(2)])
    store.put(*[Referral(id=f"ref-v{i}", household_id="hh-0003", resource_label="Volunteer",
                         resource_id="vol-cnt", need_ids=[f"need-v{i}"], status="SENT") for i in range(2)])


def accept(gql, rid: str) -> None:
    gql('mutation($id: ID!) { updateReferral(id: $id, status: ACCEPTED) { id } }', "coordinator", id=rid).ok()


def test_a_volunteer_with_hours_left_is_offered(gql, volunteer):
    accept(gql, "ref-v0")  # 1 of 2 hours taken
    assert offered(gql, "vol-cnt") == (True, True)


def test_a_volunteer_whose_hours_are_used_up_is_not_offered(gql, store, volunteer):
    accept(gql, "ref-v0")
    accept(gql, "ref-v1")  # 2 of 2 hours taken
    assert offered(gql, "vol-cnt") == (False, False)
    plan = gql(ALLOCATE, "caseworker", h=["hh-cnt"]).ok()["allocate"]
    assert [u["need"]["id"] for u in plan["unmetNeeds"]] == ["need-cnt"]
    # delivering one frees its hour: offered again
    gql('mutation { updateReferral(id: "ref-v1", status: DELIVERED) { id } }', "coordinator").ok()
    assert offered(gql, "vol-cnt") == (True, True)
