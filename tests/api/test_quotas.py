"""Volunteer hours, agreement years, capacity periods, the capacity report and updateService
(issue 18 parts 7 and 8), on both stores."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from graph.errors import ConflictError
from graph.model import Agreement, Need, Referral, Service, Volunteer
from service import capacity, writes
from service.principal import Principal, Role

COORD = Principal(Role.COORDINATOR, token_id="t")


def _refs(store, resource: str, n: int, label: str = "Service", hours: int = 1, prefix: str = "q") -> None:
    store.put(*[Need(id=f"need-{prefix}{i}", household_id="hh-0003", domain="HOUSING", severity=3)
                for i in range(n)])
    store.put(*[Referral(id=f"ref-{prefix}{i}", household_id="hh-0003", resource_label=label,
                         resource_id=resource, need_ids=[f"need-{prefix}{i}"], status="SENT", hours=hours)
                for i in range(n)])


def accept(store, rid: str, when: str):
    return writes.update_referral(store, COORD, rid, "ACCEPTED", when=when)


@pytest.fixture
def mou(store):
    """An MOU signed 2025-03-01 with a quota of 2 a year, and a service under it."""
    store.put(Agreement(id="mou-q", partner_id="org-suwon-city", domains=["HOUSING"], signed_on="2025-03-01",
                        annual_quota=2),
              Service(id="svc-q", name="주거 상담", provider_id="org-suwon-city", domains=["HOUSING"],
                      region_ids=["gg-suwon"], agreement_id="mou-q"))
    _refs(store, "svc-q", 4)


def test_the_quota_resets_exactly_on_the_anniversary(store, mou):
    accept(store, "ref-q0", "2026-02-27T10:00:00+09:00")
    accept(store, "ref-q1", "2026-02-28T09:00:00+09:00")
    with pytest.raises(ConflictError) as e:  # the last day of the agreement year: used up
        accept(store, "ref-q2", "2026-02-28T23:59:59+09:00")
    assert e.value.field == "status" and "mou-q" in e.value.message and "2026-03-01" in e.value.message
    row = {r.id: r for r in capacity.report(store, COORD, dt.date(2026, 2, 28))}["mou-q"]
    assert (row.used, row.left, row.next_reset) == (2, 0, dt.date(2026, 3, 1))
    row = {r.id: r for r in capacity.report(store, COORD, dt.date(2026, 3, 1))}["mou-q"]
    assert (row.used, row.left, row.next_reset) == (0, 2, dt.date(2027, 3, 1))
    # 15:00 UTC on 28 February is midnight of 1 March in Korea: the new year
    accept(store, "ref-q2", "2026-02-28T15:00:00+00:00")
    a = store.get("Agreement", "mou-q")
    assert (a.used, a.used_since) == (1, dt.date(2026, 3, 1))
    # declining a place taken in the old year gives nothing back to the new one
    writes.update_referral(store, COORD, "ref-q0", "DECLINED", reason="종결",
                           when="2026-03-02T09:00:00+09:00")
    assert store.get("Agreement", "mou-q").used == 1
    # declining this year's place does
    writes.update_referral(store, COORD, "ref-q2", "DECLINED", reason="종결",
                           when="2026-03-02T09:00:00+09:00")
    assert store.get("Agreement", "mou-q").used == 0


def test_a_29_february_signing_has_its_anniversaries_on_1_march():
    a = Agreement(id="a", partner_id="o", domains=["LEGAL"], signed_on="2024-02-29", annual_quota=1)
    assert capacity.agreement_year(a, dt.date(2025, 2, 28)) == (dt.date(2024, 2, 29), dt.date(2025, 3, 1))
    assert capacity.agreement_year(a, dt.date(2025, 3, 1)) == (dt.date(2025, 3, 1), dt.date(2026, 3, 1))
    assert capacity.agreement_year(a, dt.date(2028, 2, 29)) == (dt.date(2028, 2, 29), dt.date(2029, 3, 1))


@pytest.mark.parametrize("period, last, first", [
    ("MONTH", "2026-01-31T23:00:00+09:00", "2026-02-01T00:00:00+09:00"),
    ("WEEK", "2026-11-29T23:00:00+09:00", "2026-11-30T00:00:00+09:00"),  # Sunday, then Monday
    ("YEAR", "2026-12-31T23:59:00+09:00", "2027-01-01T00:00:00+09:00"),
])
def test_a_periodic_capacity_starts_again_each_period(store, period, last, first):
    store.put(Service(id="svc-p", name="푸드뱅크", provider_id="org-suwon-city", domains=["FOOD"],
                      region_ids=["gg-suwon"], capacity=1, capacity_period=period))
    _refs(store, "svc-p", 3, prefix="p")
    accept(store, "ref-p0", last)
    with pytest.raises(ConflictError):
        accept(store, "ref-p1", last)
    accept(store, "ref-p1", first)
    svc = store.get("Service", "svc-p")
    assert svc.used == 1 and svc.used_since == capacity.period(svc.capacity_period, capacity.day_of(first))[0]
    with pytest.raises(ConflictError):
        accept(store, "ref-p2", first)


def test_without_a_period_places_stay_taken_until_given_back(store):
    store.put(Service(id="svc-n", name="임시 거처", provider_id="org-suwon-city", domains=["HOUSING"],
                      region_ids=["gg-suwon"], capacity=1))
    _refs(store, "svc-n", 2, prefix="n")
    accept(store, "ref-n0", "2026-01-31T10:00:00+09:00")
    with pytest.raises(ConflictError):
        accept(store, "ref-n1", "2027-06-01T10:00:00+09:00")


def test_volunteer_hours_are_used_while_accepted_and_free_up(store):
    # vol-kim gives 6 hours a week
    _refs(store, "vol-kim", 1, label="Volunteer", hours=4, prefix="va")
    _refs(store, "vol-kim", 1, label="Volunteer", hours=3, prefix="vb")
    accept(store, "ref-va0", "2026-11-20T10:00:00+09:00")
    with pytest.raises(ConflictError) as e:
        accept(store, "ref-vb0", "2026-11-20T11:00:00+09:00")
    assert e.value.field == "status" and "vol-kim" in e.value.message and "2 of 6" in e.value.message
    row = {r.id: r for r in capacity.report(store, COORD)}["vol-kim"]
    assert (row.used, row.left, row.period) == (4, 2, "HOURS_PER_WEEK")
    writes.update_referral(store, COORD, "ref-va0", "DELIVERED")
    accept(store, "ref-vb0", "2026-11-27T10:00:00+09:00")
    assert {r.id: r for r in capacity.report(store, COORD)}["vol-kim"].used == 3


@pytest.mark.parametrize("free", ["DECLINED", "CLOSED"])
def test_declined_or_closed_referrals_free_the_hours(store, free):
    _refs(store, "vol-kim", 2, label="Volunteer", hours=6, prefix="vc")
    accept(store, "ref-vc0", "2026-11-20T10:00:00+09:00")
    with pytest.raises(ConflictError):
        accept(store, "ref-vc1", "2026-11-20T10:00:00+09:00")
    for step in (["DECLINED"] if free == "DECLINED" else ["DELIVERED", "CLOSED"]):
        writes.update_referral(store, COORD, "ref-vc0", step,
                               reason="사정 변경" if step == "DECLINED" else None)
    accept(store, "ref-vc1", "2026-11-20T12:00:00+09:00")


def test_a_referral_asking_more_hours_than_left_is_refused_at_creation(gql):
    r = gql('mutation { createReferral(input: {id: "ref-h", householdId: "hh-0003", resourceId: "vol-kim", '
            'needIds: ["need-0003-edu"], hours: 7}) { id } }', "caseworker")
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "resourceId"
    out = gql('mutation { createReferral(input: {id: "ref-h", householdId: "hh-0003", resourceId: "vol-kim", '
              'needIds: ["need-0003-edu"], hours: 2}) { id hours } }', "caseworker").ok()
    assert out["createReferral"]["hours"] == 2


def test_the_capacity_report_over_the_api_and_for_a_partner(gql):
    rows = gql('query { capacityReport(asOf: "2026-11-20") { kind id used left limit period nextReset } }',
               "coordinator").ok()["capacityReport"]
    by = {r["id"]: r for r in rows}
    assert by["mou-bar"] == {"kind": "Agreement", "id": "mou-bar", "used": 37, "left": 83, "limit": 120,
                             "period": "AGREEMENT_YEAR", "nextReset": "2027-03-01"}
    assert by["svc-suwon-shelter"]["left"] == 0 and by["svc-suwon-shelter"]["nextReset"] is None
    assert by["vol-park"]["limit"] == 4
    own = gql("query { capacityReport { id } }", "partner-bar").ok()["capacityReport"]
    assert [r["id"] for r in own] == ["mou-bar"]


@pytest.mark.parametrize("kind", ["Service", "Volunteer"])
def test_two_threads_accepting_the_last_place_one_wins(store, kind):
    if kind == "Service":
        store.put(Service(id="svc-last", name="마지막 한 자리", provider_id="org-suwon-city",
                          domains=["HOUSING"], region_ids=["gg-suwon"], capacity=1, capacity_period="MONTH"))
        _refs(store, "svc-last", 2, prefix="t")
    else:
        store.put(Volunteer(id="vol-last", name="최윤서", skills=["HOUSING"], region_ids=["gg-suwon"],
                            hours_per_week=2))
        _refs(store, "vol-last", 2, label="Volunteer", hours=2, prefix="t")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def go(i: int) -> None:
        start.wait()
        try:
            writes.update_referral(store, COORD, f"ref-t{i}", "ACCEPTED")
            outcomes.append("ok")
        except ConflictError as e:
            outcomes.append("conflict" if e.field == "status" else repr(e))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    accepted = [r for r in store.list("Referral")
                if r.id.startswith("ref-t") and r.status.value == "ACCEPTED"]
    assert len(accepted) == 1
    if kind == "Service":
        assert store.get("Service", "svc-last").used == 1


# -- updateService --------------------------------------------------------------------------------

UPDATE = ("mutation($id: ID!, $in: ServiceUpdateInput!) { updateService(id: $id, input: $in) { id name "
          "capacity capacityPeriod available leadTimeDays eligibility { maxIncomePercent requiredTraits } "
          "regions { id } } }")


def test_a_partner_updates_its_own_service_and_only_what_it_sends(gql, store):
    before = store.get("Service", "svc-gg-clinic")
    out = gql(UPDATE, "partner-medical", id="svc-gg-clinic",
              **{"in": {"capacity": 120, "leadTimeDays": 1, "eligibility": {"maxIncomePercent": 80}}}).ok()
    s = out["updateService"]
    assert (s["capacity"], s["available"], s["leadTimeDays"]) == (120, 100, 1)
    assert s["eligibility"] == {"maxIncomePercent": 80, "requiredTraits": []}
    after = store.get("Service", "svc-gg-clinic")
    assert (after.name, after.region_ids, after.used, after.agreement_id) == (
        before.name, before.region_ids, before.used, before.agreement_id)
    entry = [d for _, d in store.list_side("audit") if d["action"] == "updateService"][-1]
    assert entry["targetIds"] == ["svc-gg-clinic"] and entry["role"] == "partner"
    assert entry["detail"] == {"changed": ["capacity", "leadTimeDays", "maxIncomePercent"]}


def test_capacity_below_the_places_taken_is_a_conflict_and_at_them_is_fine(gql, store):
    r = gql(UPDATE, "partner-medical", id="svc-gg-clinic", **{"in": {"capacity": 19}})  # 20 taken
    assert r.code == "CONFLICT" and r.errors[0]["extensions"]["field"] == "capacity"
    assert store.get("Service", "svc-gg-clinic").capacity == 100
    assert gql(UPDATE, "partner-medical", id="svc-gg-clinic",
               **{"in": {"capacity": 20}}).ok()["updateService"]["available"] == 0
    assert gql(UPDATE, "coordinator", id="svc-gg-clinic",
               **{"in": {"capacity": None}}).ok()["updateService"]["capacity"] is None  # unlimited


@pytest.mark.parametrize("given, field, code", [
    ({"name": None}, "name", "BAD_USER_INPUT"),
    ({"capacity": -1}, "capacity", "BAD_USER_INPUT"),
    ({"regionIds": ["gg-nowhere"]}, "regionIds", "NOT_FOUND"),
    ({"regionIds": []}, "regionIds", "BAD_USER_INPUT"),
    ({"leadTimeDays": 99999}, "leadTimeDays", "BAD_USER_INPUT"),
])
def test_bad_updates_name_the_field_and_change_nothing(gql, store, given, field, code):
    before = store.get("Service", "svc-suwon-rent")
    r = gql(UPDATE, "coordinator", id="svc-suwon-rent", **{"in": given})
    assert r.code == code and r.errors[0]["extensions"]["field"] == field, r.body
    assert store.get("Service", "svc-suwon-rent") == before


def test_a_period_set_later_carries_the_places_taken_into_the_current_period(gql, store):
    out = gql(UPDATE, "coordinator", id="svc-suwon-rent", **{"in": {"capacityPeriod": "MONTH"}}).ok()
    assert out["updateService"]["capacityPeriod"] == "MONTH" and out["updateService"]["available"] == 28
    svc = store.get("Service", "svc-suwon-rent")
    assert svc.used == 12 and svc.used_since == capacity.day_of(None).replace(day=1)


def test_an_unknown_service_is_not_found(gql):
    r = gql(UPDATE, "coordinator", id="svc-none", **{"in": {"name": "x"}})
    assert r.code == "NOT_FOUND" and r.errors[0]["extensions"]["field"] == "id"
