"""The workflow services' errors (conferences, the referral inbox, consent, capacity, writes,
what-if, matching's entry points) speak Korean wholly (issue 19: no English sentence after a
Korean prefix) and keep, on request, the English text they always had."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from graph.errors import DolbomError
from service import analysis, conference, consent, inbox, whatif, writes
from service.principal import Principal, Role

COORD = Principal(Role.COORDINATOR, token_id="t-coord")
CW = Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw")
PARTNER = Principal(Role.PARTNER, organization_id="org-gg-bar", token_id="t-bar")
#: three lower-case English words in a row: an English sentence left in a Korean message
ENGLISH = re.compile(r"\b[a-z]{2,}(?:[ ,;:]+[a-z]{2,}){2,}\b")


def english_run(text: str) -> str | None:
    """The first English sentence in ``text``, outside a `command` or a quoted 'id'."""
    found = ENGLISH.search(re.sub(r"`[^`]*`|'[^']*'", "", text))
    return found.group(0) if found else None


def raised(fn: Callable[[], Any]) -> DolbomError:
    with pytest.raises(DolbomError) as info:
        fn()
    return info.value


def _referral(store, rid: str, resource: str, need: str) -> Any:
    return writes.create_referral(store, COORD, id=rid, household_id="hh-0001", resource_id=resource,
                                  need_ids=[need])


def _conference(store) -> conference.Conference:
    return conference.create_conference(store, COORD, date="2026-11-20", kind="REGULAR", region_id="gg-suwon",
                                        household_ids=["hh-0001"], id="conf-x")


#: (module, how to make the error, its English text as it always was, a Korean word it must hold)
CASES: list[tuple[str, Callable[[Any], Any], str, str]] = [
    ("conference", lambda s: conference.create_conference(s, COORD, date="2026-11-20", kind="WEEKLY",
                                                          region_id="gg-suwon"),
     "kind: must be one of REGULAR, EMERGENCY, SOLUTION_COMMITTEE (got 'WEEKLY')", "중 하나"),
    ("conference", lambda s: conference.create_conference(s, COORD, date="next friday", kind="REGULAR",
                                                          region_id="gg-suwon"),
     "date: must be a date as YYYY-MM-DD (got 'next friday')", "날짜"),
    ("conference", lambda s: conference.conference(s, COORD, "conf-nobody"),
     "id: no CaseConference with id 'conf-nobody'", "사례회의"),
    ("conference", lambda s: conference.create_conference(s, CW, date="2026-11-20", kind="REGULAR",
                                                          region_id="gg-seongnam"),
     "regionId: the conference's region 'gg-seongnam' is outside your region", "담당 지역 밖"),
    ("conference", lambda s: (_conference(s), conference.decide_household(s, COORD, "conf-x", "hh-0003",
                                                                          package_rank=1)),
     "householdId: household 'hh-0003' is not on the agenda of 'conf-x'", "안건"),
    ("conference", lambda s: (_conference(s), conference.adopt_plan(s, COORD, "conf-x")),
     "conferenceId: conference 'conf-x' is PLANNED: a plan is adopted once the conference is HELD", "채택"),
    ("conference", lambda s: (_conference(s), conference.update_conference(s, COORD, "conf-x",
                                                                           status="ADOPTED")),
     "status: a PLANNED conference cannot become ADOPTED; allowed: CANCELLED, HELD (ADOPTED is set by "
     "adoptPlan)", "가능한 상태"),
    ("inbox", lambda s: inbox.referrals_page(s, PARTNER, service_id="svc-suwon-rent"),
     "serviceId: service 'svc-suwon-rent' is not one of your organization's", "우리 기관"),
    ("inbox", lambda s: inbox.referrals_page(s, COORD, status="LOST"),
     "status: unknown referral status 'LOST'", "의뢰 상태"),
    ("inbox", lambda s: inbox.referrals_page(s, COORD, since="last week"),
     "since: must be an ISO-8601 date or time (got 'last week')", "ISO-8601"),
    ("consent", lambda s: consent.record_consent(s, COORD, "hh-0001", id="c-1", given_on=dt.date(2026, 1, 1),
                                                 method="TELEPATHY", domains=["LEGAL"]),
     "method: must be one of WRITTEN, ORAL, DIGITAL, GUARDIAN (got 'TELEPATHY')", "중 하나"),
    ("consent", lambda s: consent.record_consent(s, COORD, "hh-0001", id="c-1", given_on=dt.date(2099, 1, 1),
                                                 method="WRITTEN", domains=["LEGAL"]),
     "givenOn: must not be in the future (got 2099-01-01)", "미래"),
    ("consent", lambda s: consent.record_consent(s, COORD, "hh-0001", id="c-1", given_on=dt.date(2026, 1, 1),
                                                 method="WRITTEN"),
     "domains: a consent names the domains or the organizations it lets the hub share with (or both)",
     "동의"),
    ("consent", lambda s: consent.revoke_consent(s, COORD, "hh-0001", "c-nobody"),
     "consentId: household 'hh-0001' has no consent 'c-nobody'", "동의"),
    ("capacity", lambda s: _referral(s, "ref-f", "svc-suwon-shelter", "need-0001-rent"), "", "정원"),
    ("capacity", lambda s: _referral(s, "ref-r", "svc-suwon-old-counsel", "need-0001-rent"),
     "resourceId: service 'svc-suwon-old-counsel' is retired", "종료"),
    ("capacity", lambda s: _referral(s, "ref-q", "svc-gg-clinic", "need-0001-health"), "", "할당량"),
    ("capacity", lambda s: writes.update_referral(s, COORD, "ref-0001", "PROPOSED"),
     "", "가능한 상태"),  # the allowed moves are a set: their order is not the point
    ("writes", lambda s: writes.update_referral(s, COORD, "ref-0001", "LOST"),
     "status: unknown referral status 'LOST'", "의뢰 상태"),
    ("writes", lambda s: writes.update_referral(s, COORD, "ref-0001", "ACCEPTED", reason="busy"),
     "reason: a reason goes with DECLINED only (use note for an outcome)", "거절"),
    ("writes", lambda s: writes.update_referral(s, COORD, "ref-nobody", "ACCEPTED"),
     "id: no Referral with id 'ref-nobody'", "의뢰"),
    ("writes", lambda s: writes.update_service(s, COORD, "svc-suwon-rent", colour="blue"),
     "colour: cannot be changed with updateService", "updateService"),
    ("writes", lambda s: _referral(s, "ref-n", "svc-suwon-rent", "need-0002-care"),
     "needIds: need 'need-0002-care' is not a need of household 'hh-0001'", "욕구"),
    ("whatif", lambda s: whatif.plan_takes(s, COORD, [], max_households=5, time_limit=1.0),
     "householdIds: name at least one household", "가구"),
    ("whatif", lambda s: whatif.plan_takes(s, CW, ["hh-0002"], max_households=5, time_limit=1.0),
     "householdIds: household 'hh-0002' is outside your region", "담당 지역 밖"),
    ("whatif", lambda s: whatif.recruitment(s, COORD, None, top=0),
     "top: must be a whole number of at least 1 (got 0)", "정수"),
    ("whatif", lambda s: whatif.burn_down_rows(s, COORD, None, window_days=3),
     "windowDays: must be between 7 and 730 (got 3)", "사이"),
    ("analysis", lambda s: analysis.match_result(s, COORD, "hh-nobody", 3, max_limit=10),
     "householdId: no Household with id 'hh-nobody'", "가구"),
    ("analysis", lambda s: analysis.match_result(s, COORD, "hh-0001", 0, max_limit=10),
     "limit: must be between 1 and 10 (got 0)", "사이"),
    ("analysis", lambda s: analysis.allocate_plan(s, CW, ["hh-0002"], max_households=5, time_limit=1.0),
     "householdIds: household 'hh-0002' is outside your region", "담당 지역 밖"),
]


@pytest.mark.parametrize(("module", "make", "english", "korean_word"), CASES,
                         ids=[f"{m}-{i}" for i, (m, *_) in enumerate(CASES)])
def test_an_error_reads_wholly_in_korean_and_as_before_in_english(sample_store, module, make, english,
                                                                  korean_word) -> None:
    e = raised(lambda: make(sample_store))
    assert e.text is not None, f"{module}: raised with plain English text: {e}"
    korean = e.localized("ko")
    assert korean_word in korean, korean
    assert english_run(korean) is None, f"{module}: English left in {korean!r}"
    en = e.localized("en")
    assert not re.search(r"[가-힣]", en), en  # English on request
    if english:
        assert en == english
        assert str(e) == english  # what scripts and logs read


def test_the_detector_would_catch_the_old_half_translation() -> None:
    # what a case worker read before: the code's Korean sentence, then the service's English
    assert english_run("입력값이 올바르지 않습니다: household 'hh-3' is not on the agenda of 'c'") is not None
    assert english_run("status: 제안(PROPOSED) 상태의 의뢰는 수락(ACCEPTED) 상태가 될 수 없습니다") is None


def test_a_referral_move_names_the_status_in_words_and_in_the_api_code(sample_store) -> None:
    e = raised(lambda: writes.update_referral(sample_store, COORD, "ref-0001", "PROPOSED"))
    assert e.code == "BAD_USER_INPUT" and e.field == "status"
    ko = e.localized("ko")
    assert ko.startswith("status: 의뢰(SENT) 상태의 의뢰는 제안(PROPOSED) 상태가 될 수 없습니다. "
                         "가능한 상태: ")
    assert "수락(ACCEPTED)" in ko and "거절(DECLINED)" in ko
    assert e.localized("en").startswith("status: a SENT referral cannot become PROPOSED; allowed: ")


def test_a_full_service_names_the_period_in_either_language_and_none_without_one(sample_store) -> None:
    e = raised(lambda: _referral(sample_store, "ref-f", "svc-suwon-shelter", "need-0001-rent"))
    assert e.code == "CONFLICT" and e.field == "resourceId"
    en, ko = e.localized("en"), e.localized("ko")
    assert re.fullmatch(r"resourceId: service 'svc-suwon-shelter' is full \(\d+ of \d+ places taken"
                        r"( this (week|month|year))?\)", en), en
    assert re.fullmatch(r"resourceId: 서비스 'svc-suwon-shelter'는 정원이 찼습니다 "
                        r"\(((이번 주|이번 달|올해) )?\d+자리 중 \d+자리 사용\)", ko), ko
    assert (" this " in en) == any(w in ko for w in ("이번 주", "이번 달", "올해"))
