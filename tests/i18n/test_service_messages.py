"""The service layer's errors speak Korean wholly (no English sentence after a Korean
prefix) and keep their English text on request; every ``what`` a permission check
names has its Korean words."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graph.errors import DolbomError
from graph.model import Agreement, Household, Need, Referral, Region, Service
from i18n import CATALOGUE
from service import audit, cases, followup, permissions, protection, reads, staff, tokens
from service.principal import Principal, Role
from service.settings import Settings
from service.wording import what as what_word

ROOT = Path(__file__).resolve().parents[2]
COORD = Principal(Role.COORDINATOR, token_id="t-coord")
CW = Principal(Role.CASEWORKER, region_id="gg-suwon", token_id="t-cw")
PARTNER = Principal(Role.PARTNER, organization_id="org-gg-bar", token_id="t-bar")
#: three lower-case English words in a row: an English sentence left in a Korean message
ENGLISH = re.compile(r"\b[a-z]{2,}(?:[ ,;:]+[a-z]{2,}){2,}\b")


def english_run(text: str) -> str | None:
    """The first English sentence in ``text``, outside a `command` or a quoted 'id'."""
    found = ENGLISH.search(re.sub(r"`[^`]*`|'[^']*'", "", text))
    return found.group(0) if found else None


def test_the_detector_finds_an_english_sentence_and_not_codes_or_ids() -> None:
    half = "권한이 없습니다: household 'hh-1' is outside your region"  # what the old errors showed
    assert "outside your region" in (english_run(half) or "")
    assert english_run("householdId: 가구 'hh-0002'는 담당 지역 밖의 가구입니다") is None
    assert english_run("setCaseStatus는 IN_CONFERENCE, MONITORING 상태로만 (closeCase, reopenCase)") is None
    assert english_run("토큰 ID는 16진수 12자리입니다 (`dolbom token list`에 나오는 값)") is None


def raised(fn: Callable[[], Any]) -> DolbomError:
    with pytest.raises(DolbomError) as info:
        fn()
    return info.value


@pytest.fixture
def store(sample_store):
    return sample_store


def _opened_referral(store, status: str) -> None:
    store.put(Need(id="n-x", household_id="hh-0001", domain="EMPLOYMENT", severity=3))
    store.put(Referral(id="r-x", household_id="hh-0001", resource_label="Service",
                       resource_id="svc-suwon-jobs", need_ids=["n-x"], status=status,
                       created_at="2026-11-02T09:00:00+00:00"))


#: (module, how to make the error, its English text as it always was)
CASES: list[tuple[str, Callable[[Any], Any], str]] = [
    ("permissions", lambda s: permissions.require_role(PARTNER, Role.COORDINATOR, what="list staff"),
     "a partner may not list staff"),
    ("permissions", lambda s: permissions.require_token(Principal.anonymous()),
     "this operation needs a token: send Authorization: Bearer <token>"),
    ("permissions", lambda s: permissions.scope(s, CW, "gg-seongnam", "see coverage"),
     "regionId: region 'gg-seongnam' is outside your region"),
    ("permissions", lambda s: permissions.require_household(s, CW, s.get("Household", "hh-0002"), "x"),
     "householdId: household 'hh-0002' is outside your region"),
    ("cases", lambda s: cases.close_case(s, COORD, "hh-0001", "BORED"),
     "reason: must be one of RESOLVED, MOVED, REFUSED, DECEASED, OTHER (got 'BORED')"),
    ("cases", lambda s: cases.set_case_status(s, COORD, "hh-0001", "CLOSED"),
     "status: setCaseStatus moves a case to IN_CONFERENCE or MONITORING; CLOSED has its own mutation "
     "(closeCase, reopenCase)"),
    ("cases", lambda s: cases.reopen_case(s, COORD, "hh-0001", "back"),
     "householdId: only a CLOSED case can be reopened; the case of 'hh-0001' is OPEN"),
    ("cases", lambda s: cases.update_household(s, COORD, "hh-0003", urgency="EMERGENCY"),
     "reason: changing urgency from GENERAL to EMERGENCY needs a reason"),
    ("cases", lambda s: cases.decode_cursor("bm9wZQ=="),
     "after: is not a cursor this API gave out ('bm9wZQ==')"),
    ("staff", lambda s: staff.add_staff(s, COORD, name="김민지", role="caseworker"),
     "regionId: a case worker belongs to a region (their center's area)"),
    ("staff", lambda s: staff.add_staff(s, COORD, name="x", role="coordinator",
                                        organization_id="org-gg-bar"),
     "organizationId: only partners belong to an organization, not a coordinator"),
    ("staff", lambda s: staff.require_staff(s, "stf-nobody"),
     "staffId: no staff member with id 'stf-nobody'"),
    ("tokens", lambda s: tokens.create_token(s, "caseworker"),
     "regionId: a case-worker token is bound to a region: give --region"),
    ("tokens", lambda s: tokens.authenticate(s, "Bearer dlb_" + "a" * 43), "unknown token"),
    ("tokens", lambda s: tokens.revoke_token(s, "xyz"),
     "id: a token id is 12 hex digits, as `dolbom token list` shows"),
    ("deadlines", lambda s: __import__("service.deadlines").deadlines.overdue(s, COORD, Settings(),
                                                                               as_of="next tuesday"),
     "asOf: must be an ISO-8601 date or time (got 'next tuesday')"),
    ("followup", lambda s: (_opened_referral(s, "DECLINED"),
                            followup.set_follow_up(s, COORD, "r-x", dt.date(2030, 1, 1))),
     "id: referral 'r-x' is DECLINED: nothing to follow up"),
    ("followup", lambda s: (_opened_referral(s, "SENT"),
                            followup.set_follow_up(s, COORD, "r-x", dt.date(2001, 1, 1))),
     "on: must not be before the referral was created (2026-11-02); got 2001-01-01"),
    ("protection", lambda s: (_opened_referral(s, "SENT"),
                              protection.anonymize_household(s, COORD, "hh-0001")),
     None),  # which of its open parts it names first depends on the sample; Korean is what is checked
    ("reads", lambda s: reads.services_page(s, domain=None, region_id=None, first=900, after=None,
                                            max_first=500),
     "first: must be between 0 and 500 (got 900)"),
    ("audit", lambda s: audit.audit_log(s, COORD, first=1, after=None, max_first=500, since="yesterday"),
     "since: must be an ISO-8601 date or time (got 'yesterday')"),
    ("audit", lambda s: audit.audit_log(s, CW, first=1, after=None, max_first=500),
     "a caseworker may not read the audit log"),
    ("settings", lambda s: Settings.from_env({"DOLBOM_TIMEZONE": "Mars/Olympus"}),
     "DOLBOM_TIMEZONE: unknown time zone 'Mars/Olympus' (an IANA name such as Asia/Seoul)"),
    ("settings", lambda s: Settings.from_env({"DOLBOM_MAX_FIRST": "lots"}),
     "DOLBOM_MAX_FIRST: cannot read 'lots' as a int"),
    ("store", lambda s: s.put(Region(id="gg-x", name="x", level="DONG")),
     "parentId: a DONG region needs a parent CITY"),
    ("store", lambda s: s.put(Need(id="n-y", household_id="hh-nobody", domain="FOOD", severity=1)),
     "householdId: no Household with id 'hh-nobody'"),
    ("model", lambda s: Service(id="s", name="s", provider_id="o", domains=[], region_ids=["r"]),
     "domains: must name at least one domain"),
    ("model", lambda s: Agreement(id="a", partner_id="o", domains=["FOOD"], signed_on="2026-02-01",
                                  expires_on="2026-01-01"),
     "expiresOn: must be on or after signedOn (2026-02-01)"),
]


@pytest.mark.parametrize(("module", "make", "english"), CASES, ids=[f"{m}-{i}" for i, (m, _, _) in
                                                                     enumerate(CASES)])
def test_an_error_reads_wholly_in_korean_and_as_before_in_english(store, module, make, english) -> None:
    e = raised(lambda: make(store))
    assert e.text is not None, f"{module}: raised with plain English text: {e}"
    korean = e.localized("ko")
    assert re.search(r"[가-힣]", korean), korean
    assert english_run(korean) is None, f"{module}: English left in {korean!r}"
    if english is not None:
        assert e.localized("en") == english
        assert str(e) == english  # what scripts and logs read
    else:
        assert english_run(e.localized("en")) is not None  # an English sentence on request


def test_a_case_worker_reads_a_refusal_in_korean_with_particles_that_fit() -> None:
    e = raised(lambda: permissions.require_role(CW, Role.COORDINATOR, what="read the audit log"))
    assert e.localized("ko") == "사례관리자에게는 감사 기록 조회 권한이 없습니다"
    e = raised(lambda: permissions.decide_household(CW, Household(id="hh-2", region_id="r", size=1,
                                                                   income_percent=1), ["r"], False))
    assert e.localized("ko") == "householdId: 가구 'hh-2'는 담당 지역 밖의 가구입니다"  # 이 ends in a vowel
    e = raised(lambda: permissions.decide_household(CW, Household(id="hh-1", region_id="r", size=1,
                                                                   income_percent=1), ["r"], False))
    assert e.localized("ko") == "householdId: 가구 'hh-1'은 담당 지역 밖의 가구입니다"  # 일 ends in ㄹ


def _what_literals() -> dict[str, str]:
    """Every literal ``what`` the code passes to a permission check: phrase -> where."""
    found: dict[str, str] = {}
    positional = {"require_household": 3, "scope": 3, "require_region": 4, "_require_staff_role": 1,
                  "_require_region_access": 4}
    for pkg in ("service", "schema", "api"):
        for path in (ROOT / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                values = [k.value for k in node.keywords if k.arg == "what"] if name in (
                    "require_role", *positional) else []
                if name in positional and len(node.args) > positional[name]:
                    values.append(node.args[positional[name]])
                for v in values:
                    if isinstance(v, ast.Constant) and isinstance(v.value, str):
                        found.setdefault(v.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_action_a_permission_check_names_has_korean_words() -> None:
    found = _what_literals()
    assert len(found) > 30 and "list staff" in found and "plan case conferences" in found
    missing = {w: where for w, where in found.items() if isinstance(what_word(w), str)}
    assert missing == {}
    for w in found:
        key = what_word(w).key  # type: ignore[union-attr]
        assert CATALOGUE[key]["en"] == w  # the English sentence is the one the code wrote
        assert english_run(CATALOGUE[key]["ko"]) is None


def test_an_unknown_action_still_refuses_in_english_words() -> None:
    e = raised(lambda: permissions.require_role(PARTNER, Role.COORDINATOR, what="juggle"))
    assert e.code == "FORBIDDEN" and e.localized("en") == "a partner may not juggle"
