"""The partner's and the coordinator's pages under /app/ in a real browser: Debian's chromium
driven by playwright-core (``tools/pages-ui/partner-coordinator.mjs``, using the copy in
``tools/network-ui/node_modules``).

The server runs as a user runs it (``dolbom serve`` on a loopback port) over an embedded database
holding the sample graph, set up so that every page has something to show:

* a case worker (through the API) opens three households with a rent and a legal need, records
  their consent for the bar association and sends each a referral to its free legal counselling:
  the partner accepts one, declines one with a reason, and accepts the third in English;
* the rent support keeps one free place for four households needing it (hh-0001 and the three):
  supply exhausted under competition (``unmetNeeds``), while hh-0003's education need has nothing
  at all in its dong (``missingNeeds``): both kinds of blind spot in Suwon's row of the heatmap;
* an emergency household opened ten days ago with no service started: overdue.

The partner signs in, finds the referrals in the inbox, accepts one by keyboard, declines another
(an empty reason refused in the page, then a reason, stored: checked through the API), exports the
inbox as CSV and sets a service's capacity; the coordinator reads the overview, the heatmap, the
overlaps, the overdue list with its clock and adds a staff member; then the partner flow in English.
Every request that leaves loopback is aborted and fails the test. Screenshots go to
``artifacts/screenshots/pages-partner-coordinator/`` (and, with ``DOLBOM_UPDATE_DOCS=1``, one per
page to ``docs/pages-*.png``).

Needs node, ``tools/network-ui/node_modules`` (``npm ci`` there) and ``/usr/bin/chromium``.
Without them the test is skipped with the reason; with ``DOLBOM_REQUIRE_BROWSER=1`` it fails.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.browser import check_screenshots, graphql
from tests.spawn import Spawned, free_port, serve_argv

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "tools" / "pages-ui"
SHOTS = ROOT / "artifacts" / "screenshots" / "pages-partner-coordinator"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
DOCS = {"inbox": "pages-inbox.png", "services": "pages-services.png", "coordinator": "pages-coordinator.png",
        "coverage": "pages-coverage.png", "overlaps": "pages-overlaps.png", "overdue": "pages-overdue.png",
        "staff": "pages-staff.png", "inbox-en": "pages-inbox-en.png"}
ACCEPT, DECLINE, ENGLISH = "ref-pc-accept", "ref-pc-decline", "ref-pc-en"
SERVICE = "svc-gg-legal"
DECLINE_REASON = "상담 인력이 이번 달 모두 배정됨 (e2e)"


REFERRED = """mutation($id: ID!, $rent: ID!, $legal: ID!, $ref: ID!, $why: String!, $on: Date!) {
  createHousehold(input: {id: $id, regionId: "gg-suwon-jowon", size: 2, incomePercent: 50,
                          urgency: FOCUSED}) { id }
  rent: addNeed(householdId: $id, input: {id: $rent, domain: HOUSING, severity: 4}) { id }
  legal: addNeed(householdId: $id,
                 input: {id: $legal, domain: LEGAL, severity: 3, detail: "임금 체불"}) { id }
  recordConsent(householdId: $id, input: {id: "consent-bar", domains: [LEGAL],
                                          organizationIds: ["org-gg-bar"], givenOn: $on,
                                          method: WRITTEN}) { id }
  createReferral(input: {id: $ref, householdId: $id, resourceId: "svc-gg-legal", needIds: [$legal],
                         reason: $why}) { id }
  updateReferral(id: $ref, status: SENT) { id status } }"""
REASONS = {ACCEPT: "체불 임금 청구 상담 요청 (e2e)", DECLINE: "임대차 분쟁 상담 요청 (e2e)",
           ENGLISH: "Wage claim advice (e2e)"}


@pytest.fixture(scope="module")
def server(browser_ready, tmp_path_factory):
    from graph.embedded import EmbeddedStore
    from graph.model import Domain as D
    from graph.model import Household, Need, Service, Urgency
    from loaders.sample import sample_records
    from service import deadlines
    from service.principal import Principal, Role
    from service.tokens import create_token

    db = tmp_path_factory.mktemp("pages-pc") / "dolbom.db"
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
        rent = store.get("Service", "svc-suwon-rent")
        assert isinstance(rent, Service) and rent.capacity is not None
        store.put(rent.replace(capacity=rent.used + 1))  # one free place for four households needing it
        late = Household(id="hh-pc-late", region_id="gg-seongnam-sinheung", size=1, income_percent=40,
                         urgency=Urgency.EMERGENCY)
        store.put(late, Need(id="need-pc-late-food", household_id=late.id, domain=D.FOOD, severity=4))
        opener = Principal(Role.CASEWORKER, region_id="gg-seongnam", token_id="t-e2e-setup")
        deadlines.note_opened(store, opener, late, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
        tokens = {"caseworker": create_token(store, Role.CASEWORKER, region_id="gg-suwon"),
                  "partner": create_token(store, Role.PARTNER, organization_id="org-gg-bar"),
                  "coordinator": create_token(store, Role.COORDINATOR)}
    with Spawned(serve_argv(db, free_port()), log_path=db.parent / "serve.log") as spawned:
        on = dt.date.today().isoformat()
        for i, ref in enumerate((ACCEPT, DECLINE, ENGLISH), 1):
            hid = f"hh-pc-{i}"
            graphql(spawned.base, tokens["caseworker"], REFERRED, id=hid, rent=f"need-{hid}-rent",
                     legal=f"need-{hid}-legal", ref=ref, why=REASONS[ref], on=on)
        yield {"base": spawned.base, **tokens}


@pytest.fixture(scope="module")
def walk(server) -> dict:
    run = subprocess.run(
        ["node", "partner-coordinator.mjs", "--base", server["base"], "--partner", server["partner"],
         "--coordinator", server["coordinator"], "--accept", ACCEPT, "--decline", DECLINE,
         "--english", ENGLISH, "--service", SERVICE, "--shots", str(SHOTS)],
        cwd=UI, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-4000:]
    return json.loads(run.stdout)


def _referral(server, rid: str) -> dict:
    q = ("query($s: ID) { referrals(serviceId: $s, first: 100) { edges { node { id status declineReason "
         "reason } } } }")
    edges = graphql(server["base"], server["coordinator"], q, s=SERVICE)["referrals"]["edges"]
    return next(e["node"] for e in edges if e["node"]["id"] == rid)


def test_nothing_leaves_loopback_and_the_pages_raise_no_error(walk):
    assert walk["external"] == []
    assert walk["consoleErrors"] == []


def test_the_partner_finds_the_case_workers_referrals_in_the_korean_inbox(walk):
    box = walk["inbox"]
    assert box["url"].endswith("/app/inbox.html") and box["state"] == "ready" and box["lang"] == "ko"
    assert box["title"] == "의뢰 수신함" and box["nav"] == ["의뢰 수신함", "우리 기관 서비스"]
    assert {ACCEPT, DECLINE, ENGLISH, "ref-0001"} <= set(box["ids"])
    row = " | ".join(box["acceptRow"])
    # what the partner may see: the household's id and area, the need referred, the reason
    assert "hh-pc-1 (조원1동)" in row and "법률 (3)" in row and REASONS[ACCEPT] in row
    assert "임금 체불" not in row  # the need's free text is not the partner's to read
    assert "의뢰 사유" in box["headers"]


def test_the_partner_accepts_one_referral_by_keyboard(walk, server):
    box = walk["inbox"]
    assert box["accepted"]["status"] == "ACCEPTED", box["accepted"]
    assert box["accepted"]["message"] == f"{ACCEPT} 의뢰를 수락했습니다."
    assert _referral(server, ACCEPT)["status"] == "ACCEPTED"


def test_declining_needs_a_reason_and_the_reason_is_stored(walk, server):
    box = walk["inbox"]
    assert box["focusInReason"] == "TEXTAREA"
    empty = box["emptyReason"]
    assert empty["kind"] == "error" and empty["message"].startswith("거절 사유를 적으세요")
    assert empty["status"] == "SENT" and empty["invalid"] == "true"  # nothing was sent
    assert box["declined"]["status"] == "DECLINED" and box["declined"]["note"] == DECLINE_REASON
    stored = _referral(server, DECLINE)
    assert stored["status"] == "DECLINED" and stored["declineReason"] == DECLINE_REASON


def test_the_inbox_exports_as_csv_with_a_bom(walk):
    csv = walk["inbox"]["csv"]
    assert csv["bom"] and csv["name"].endswith("-ko.csv")
    lines = csv["text"].splitlines()
    assert lines[0].startswith("의뢰,가구 (지역),의뢰된 욕구 (심각도),서비스,의뢰 사유")
    assert any(line.startswith(DECLINE) and DECLINE_REASON in line and "거절" in line for line in lines)


def test_the_partner_sets_a_services_capacity(walk, server):
    s = walk["services"]
    assert s["state"] == "ready" and s["title"] == "우리 기관 서비스" and s["ids"] == [SERVICE]
    assert s["before"]["capacity"] == "제한 없음"
    assert s["saved"] == "무료 법률 상담을 저장했습니다."
    assert s["after"]["capacity"] == "45" and s["after"]["period"] == "월 단위"
    svc = graphql(server["base"], server["coordinator"], 'query { service(id: "svc-gg-legal") { capacity '
                   "capacityPeriod available } }")["service"]
    assert svc["capacity"] == 45 and svc["capacityPeriod"] == "MONTH"
    # this month's accepted referrals hold places: one when the capacity was set, two after the English walk
    assert s["after"]["available"] == "44" and svc["available"] == 43
    assert walk["partnerOnCoverage"] == "forbidden"


def test_the_coordinator_reads_both_kinds_of_blind_spot_on_the_heatmap(walk):
    cov = walk["coverage"]
    assert cov["state"] == "ready" and cov["title"] == "사각지대 지도"
    assert cov["rows"] == ["gg-seongnam", "gg-suwon"]
    cells = {(c["region"], c["domain"]): c for c in cov["cells"]}
    edu, rent = cells[("gg-suwon", "EDUCATION")], cells[("gg-suwon", "HOUSING")]
    assert edu["missing"] >= 1 and "자원 없음" in edu["text"]  # nothing exists
    # one free place, four households: three left out under competition
    assert rent["missing"] == 0 and rent["unmet"] == 3 and rent["short"] >= 3
    assert "자리 부족" in rent["text"] and "경쟁 3" in rent["text"]
    assert cov["nothing"] >= 1 and cov["places"] >= 1 and cov["unmet"] >= 1
    assert "자원 없음" in cov["summary"] and "경쟁" in cov["summary"]
    assert cov["csv"]["bom"] and cov["csv"]["text"].splitlines()[0].startswith("지역,영역,열린 욕구")


def test_the_coordinator_reads_the_overview_overlaps_overdue_and_staff(walk):
    co = walk["coordinator"]
    assert co["url"].endswith("/app/coordinator.html") and co["title"] == "지역 현황"
    assert "/network/" in co["links"] and "/app/coverage.html" in co["links"]
    assert walk["overlaps"]["state"] == "ready"
    od = walk["overdue"]
    assert od["state"] == "ready" and od["ids"] == ["hh-pc-late"]
    assert od["clock"].startswith("기준 (수락)") and "수락" in od["rows"][0] and "긴급" in od["rows"][0]
    assert od["csv"]["bom"] and "hh-pc-late" in od["csv"]["text"]
    st = walk["staff"]
    assert st["added"] == "이수진을 등록했습니다." and any("이수진" in r for r in st["rows"])


def test_the_same_partner_flow_in_english(walk, server):
    e = walk["english"]
    assert e["lang"] == "en" and e["title"] == "Referral inbox"
    assert e["nav"] == ["Referral inbox", "Our services"]
    assert not any(HANGUL.search(x) for x in e["headers"]) and e["declinedWord"] == "declined"
    assert e["accepted"]["status"] == "ACCEPTED"
    assert e["accepted"]["message"] == f"Referral {ENGLISH} accepted."
    assert _referral(server, ENGLISH)["status"] == "ACCEPTED"
    assert e["services"]["title"] == "Our services" and e["services"]["period"] == "per month"


def test_every_control_is_named_and_text_is_readable(walk):
    assert set(DOCS) <= set(walk["audits"])
    for name, audit in walk["audits"].items():
        assert audit["unnamed"] == [], name
        assert audit["lowContrast"] == [], name


def test_screenshots_were_taken(walk):
    check_screenshots(walk["steps"], DOCS)
