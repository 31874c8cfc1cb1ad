""""Today" is the day in the deployment's zone wherever no day is given: matches, reports, plans
and the counters' periods. Between 00:00 and 09:00 KST it is still yesterday in UTC, and a
server's own clock is often UTC."""

from __future__ import annotations

import datetime as dt

import pytest

from graph import periods
from i18n import clock

#: 00:30 on 1 March in Seoul: 15:30 on 28 February in UTC
HALF_PAST_MIDNIGHT_KST = dt.datetime(2026, 2, 28, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def at_half_past_midnight_kst(monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: HALF_PAST_MIDNIGHT_KST)


def test_today_is_seouls_day_by_default(at_half_past_midnight_kst, monkeypatch):
    monkeypatch.delenv("DOLBOM_TIMEZONE", raising=False)
    assert clock.today() == dt.date(2026, 3, 1)
    assert periods.today() == dt.date(2026, 3, 1)
    assert periods.day_of(None) == dt.date(2026, 3, 1)
    assert periods.day_of("2026-02-28T15:30:00+00:00") == dt.date(2026, 3, 1)


def test_today_follows_the_deployments_zone(at_half_past_midnight_kst, monkeypatch):
    monkeypatch.setenv("DOLBOM_TIMEZONE", "UTC")
    assert clock.today() == dt.date(2026, 2, 28) == periods.today()


def test_a_monthly_service_full_in_february_has_its_places_back_at_half_past_midnight_kst(
        at_half_past_midnight_kst, monkeypatch):
    """The counter of a MONTH service full since 1 February: a new month in Seoul, though not in UTC."""
    from graph.model import CapacityPeriod, Service

    monkeypatch.delenv("DOLBOM_TIMEZONE", raising=False)
    svc = Service(id="svc-m", name="월 상담", provider_id="org", domains=("LEGAL",), region_ids=("gg",),
                  capacity=2, used=2, capacity_period=CapacityPeriod.MONTH, used_since=dt.date(2026, 2, 1))
    assert periods.service_used(svc, periods.today()) == 0
    monkeypatch.setenv("DOLBOM_TIMEZONE", "UTC")  # still February there: the month is full
    assert periods.service_used(svc, periods.today()) == 2
