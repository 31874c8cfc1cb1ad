"""Deadline days as a Korean office counts them: calendar days in the deployment's zone
(Asia/Seoul), the day of opening not counted, whatever the UTC date of the stored times."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.model import Household, Need, Referral
from service import deadlines, followup
from service.principal import Principal, Role
from service.settings import Settings

KST = dt.timezone(dt.timedelta(hours=9))
COORD = Principal(Role.COORDINATOR, token_id="t-coord")
CW = Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw")


def kst(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of March 2025 in Seoul (as an aware datetime; stored as UTC)."""
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=KST)


@pytest.fixture
def store(sample_store):
    return sample_store


def open_case(store, hid: str, at: dt.datetime, urgency: str = "EMERGENCY") -> None:
    hh = Household(id=hid, region_id="gg-suwon-maetan", size=1, income_percent=40, urgency=urgency)
    store.put(hh)
    deadlines.note_opened(store, CW, hh, at=at.astimezone(dt.UTC))


def late(store, now: dt.datetime, settings: Settings | None = None) -> list[tuple[str, int]]:
    return [(o.household_id, o.days_late)
            for o in deadlines.overdue(store, COORD, settings or Settings(), as_of=now.isoformat())]


def test_opened_at_2350_kst_is_not_late_at_0030_kst_three_days_later_and_late_a_day_after(store):
    open_case(store, "e-late-night", kst(1, 23, 50))  # 14:50 UTC, 1 March
    assert late(store, kst(4, 0, 30)) == []  # 1 -> 4 March: the third day, still in time
    assert late(store, kst(4, 23, 59)) == []
    assert late(store, kst(5, 0, 30)) == [("e-late-night", 1)]  # 5 March: one day late
    assert late(store, kst(8, 0, 30)) == [("e-late-night", 4)]
    (o,) = deadlines.overdue(store, COORD, Settings(), as_of=kst(5, 0, 30).isoformat())
    # late from the Seoul midnight after 4 March, stored as UTC
    assert o.due_at == "2025-03-04T15:00:00+00:00"


def test_opened_just_after_midnight_kst_counts_from_the_seoul_day_not_the_utc_one(store):
    # 00:10 KST on 2 March is still 1 March in UTC: a UTC count would call it late on 5 March
    open_case(store, "e-after-midnight", kst(2, 0, 10))
    assert late(store, kst(5, 0, 30)) == []  # elapsed 3 days 20 minutes, but only the third day
    assert late(store, kst(5, 10, 0)) == []  # 01:00 UTC on 5 March: a UTC count says late
    assert late(store, kst(5, 23, 59)) == []
    assert late(store, kst(6, 0, 0)) == [("e-after-midnight", 1)]


def test_a_deployment_in_utc_counts_utc_days(store):
    open_case(store, "e-after-midnight", kst(2, 0, 10))  # 15:10 UTC, 1 March
    utc = Settings(timezone="UTC")
    assert late(store, kst(5, 0, 30), utc) == []  # 15:30 UTC on 4 March: the UTC due day itself
    assert late(store, kst(5, 9, 30), utc) == [("e-after-midnight", 1)]  # 00:30 UTC, 5 March
    assert late(store, kst(5, 9, 30)) == []  # the same moment in Seoul: still 5 March, in time


def test_a_referral_accepted_in_time_on_the_last_seoul_day_clears_the_case(store):
    open_case(store, "e1", kst(1, 23, 50))
    store.put(Need(id="n-e1", household_id="e1", domain="EMPLOYMENT", severity=4))
    store.put(Referral(id="r-e1", household_id="e1", resource_label="Service", resource_id="svc-suwon-jobs",
                       need_ids=("n-e1",), status="ACCEPTED",
                       created_at=kst(2, 9).astimezone(dt.UTC).isoformat(),
                       updated_at=kst(4, 23, 0).astimezone(dt.UTC).isoformat()))
    assert late(store, kst(5, 0, 30)) == []
    assert late(store, kst(4, 22, 0)) == []  # not yet due, not yet started: not late either


def test_a_date_alone_is_the_start_of_that_seoul_day(store):
    open_case(store, "e1", kst(1, 23, 50))
    rows = deadlines.overdue(store, COORD, Settings(), as_of="2025-03-05")
    assert [(o.household_id, o.days_late) for o in rows] == [("e1", 1)]
    assert deadlines.overdue(store, COORD, Settings(), as_of="2025-03-04") == []


def test_the_follow_up_after_a_delivery_counts_from_the_seoul_day(store):
    store.put(Need(id="n-1", household_id="hh-0001", domain="EMPLOYMENT", severity=4))
    delivered = kst(5, 8, 0)  # 23:00 UTC on 4 March
    ref = Referral(id="r-d", household_id="hh-0001", resource_label="Service", resource_id="svc-suwon-jobs",
                   need_ids=("n-1",), status="DELIVERED", created_at=kst(1, 9).astimezone(dt.UTC).isoformat(),
                   updated_at=delivered.astimezone(dt.UTC).isoformat())
    store.put(ref)
    followup.after_delivery(store, CW, ref, 7, "Asia/Seoul")
    assert followup.follow_up_on(store, "r-d") == dt.date(2025, 3, 12)  # 5 March + 7, not 4 March + 7
