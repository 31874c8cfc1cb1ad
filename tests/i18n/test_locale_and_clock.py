"""The locale of a request and the deployment's time zone."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import ValidationError
from i18n.clock import local_today, parse_utc, show, zone
from i18n.locale import from_accept_language, negotiate, normalise
from service.settings import Settings

KST = zone("Asia/Seoul")


@pytest.mark.parametrize("header, expected", [
    ("en-US,en;q=0.9", "en"),
    ("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko"),
    ("fr-FR, en;q=0.5", "en"),
    ("en;q=0.3, ko;q=0.8", "ko"),
    ("fr, de", None),
    ("*", None),
    ("en;q=0", None),
    ("en;q=abc", None),
    ("", None),
    (None, None),
])
def test_accept_language(header: str | None, expected: str | None) -> None:
    assert from_accept_language(header) == expected


def test_precedence_explicit_then_header_then_deployment() -> None:
    assert negotiate("en", "ko-KR", "ko") == "en"
    assert negotiate(None, "en-GB", "ko") == "en"
    assert negotiate(None, "fr", "ko") == "ko"
    assert negotiate(None, None, "en") == "en"
    assert normalise("EN_us") == "en" and normalise("ja") is None


def test_settings_default_to_korean_in_seoul_and_refuse_nonsense() -> None:
    s = Settings()
    assert (s.locale, s.timezone) == ("ko", "Asia/Seoul")
    e = Settings.from_env({"DOLBOM_LOCALE": "EN", "DOLBOM_TIMEZONE": "Europe/Berlin"})
    assert (e.locale, e.timezone) == ("en", "Europe/Berlin")
    with pytest.raises(ValidationError) as bad:
        Settings.from_env({"DOLBOM_TIMEZONE": "Mars/Olympus"})
    assert bad.value.field == "DOLBOM_TIMEZONE"
    with pytest.raises(ValidationError) as bad:
        Settings.from_env({"DOLBOM_LOCALE": "fr"})
    assert bad.value.field == "DOLBOM_LOCALE"


def test_half_past_midnight_in_seoul_is_today_not_yesterday() -> None:
    now = dt.datetime(2025, 2, 28, 15, 30, tzinfo=dt.UTC)  # 2025-03-01 00:30 KST
    assert now.date() == dt.date(2025, 2, 28)
    assert local_today("Asia/Seoul", now) == dt.date(2025, 3, 1)
    assert local_today(Settings(), now) == dt.date(2025, 3, 1)
    assert local_today(Settings(timezone="UTC"), now) == dt.date(2025, 2, 28)


def test_the_day_turns_at_local_midnight_not_before() -> None:
    before = dt.datetime(2025, 2, 28, 14, 59, 59, tzinfo=dt.UTC)  # 23:59:59 KST
    assert local_today("Asia/Seoul", before) == dt.date(2025, 2, 28)
    nine = dt.datetime(2025, 3, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 KST
    assert local_today("Asia/Seoul", nine) == dt.date(2025, 3, 1)


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_seoul_is_always_nine_hours_ahead(naive: dt.datetime) -> None:
    now = naive.replace(tzinfo=dt.UTC)
    assert local_today("Asia/Seoul", now) == (naive + dt.timedelta(hours=9)).date()


def test_stored_utc_is_shown_in_the_local_zone() -> None:
    assert show("2025-02-28T15:30:00+00:00") == "2025-03-01 00:30 KST"
    assert show("2025-02-28T15:30:00Z", "UTC") == "2025-02-28 15:30 UTC"
    assert show("2025-02-28T15:30:00", seconds=True) == "2025-03-01 00:30:00 KST"  # no offset: UTC
    assert show("2025-03-01") == "2025-03-01" and show(None) == "" and show("-") == "-"
    assert parse_utc("2025-02-28T15:30:00Z").utcoffset() == dt.timedelta(0)


def test_the_zone_database_is_there_offline() -> None:
    """Debian's /usr/share/zoneinfo or the tzdata package: no download."""
    assert dt.datetime(2025, 1, 1, tzinfo=KST).utcoffset() == dt.timedelta(hours=9)
    with pytest.raises(ValueError, match="unknown time zone"):
        zone("Nowhere/Atlantis")
