"""The case worker's pages under /app/ in a real browser: Debian's chromium driven by
playwright-core (``tools/pages-ui/e2e.mjs``, using the copy in ``tools/network-ui/node_modules``).

The server runs as a user runs it (``dolbom serve`` on a loopback port) over an embedded
database holding the sample graph plus two households made for this walk. A case worker signs
in, lists their households, opens one, reads its packages in Korean and sends a referral by
keyboard; prepares a conference from the households list, allocates, decides and adopts the
plan, exports and prints the minutes; then does the household flow again in English. Every
request that leaves loopback is aborted and fails the test. Screenshots go to
``artifacts/screenshots/pages/`` (and, with ``DOLBOM_UPDATE_DOCS=1``, one per page to
``docs/pages-*.png``).

Needs node, ``tools/network-ui/node_modules`` (``npm ci`` there) and ``/usr/bin/chromium``.
Without them the test is skipped with the reason; with ``DOLBOM_REQUIRE_BROWSER=1`` it fails.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.browser import check_screenshots, graphql
from tests.spawn import Spawned, free_port, serve_argv

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "tools" / "pages-ui"
SHOTS = ROOT / "artifacts" / "screenshots" / "pages"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
DOCS = {"signin": "pages-signin.png", "households": "pages-households.png",
        "household": "pages-household.png", "conference": "pages-conference.png",
        "minutes-print": "pages-minutes-print.png",
        "household-en": "pages-household-en.png"}


NEW_HOUSEHOLD = """mutation($id: ID!, $need: ID!) {
  createHousehold(input: {id: $id, regionId: "gg-suwon-jowon", size: 2, incomePercent: 50,
                          urgency: EMERGENCY}) { id }
  addNeed(householdId: $id, input: {id: $need, domain: HOUSING, severity: 4, detail: "월세 체납"}) { id } }"""


@pytest.fixture(scope="module")
def server(browser_ready, tmp_path_factory):
    from graph.embedded import EmbeddedStore
    from loaders.sample import sample_records
    from service.principal import Role
    from service.tokens import create_token

    db = tmp_path_factory.mktemp("pages") / "dolbom.db"
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
        token = create_token(store, Role.CASEWORKER, region_id="gg-suwon")
    with Spawned(serve_argv(db, free_port()), log_path=db.parent / "serve.log") as spawned:
        for hid in ("hh-e2e-en", "hh-e2e-conf"):  # fresh households: no referral made before
            graphql(spawned.base, token, NEW_HOUSEHOLD, id=hid, need=f"need-{hid}-rent")
        yield {"base": spawned.base, "token": token}


@pytest.fixture(scope="module")
def walk(server) -> dict:
    run = subprocess.run(
        ["node", "e2e.mjs", "--base", server["base"], "--token", server["token"], "--household", "hh-0001",
         "--english", "hh-e2e-en", "--agenda", "hh-e2e-conf", "--shots", str(SHOTS)],
        cwd=UI, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-4000:]
    return json.loads(run.stdout)


def _referrals(server, household: str) -> list[dict]:
    q = ("query($h: ID!) { household(id: $h) { referrals { id status reason "
         "resource { ... on Service { id } } } } }")
    return graphql(server["base"], server["token"], q, h=household)["household"]["referrals"]


def test_nothing_leaves_loopback_and_the_pages_raise_no_error(walk):
    assert walk["external"] == []
    assert walk["consoleErrors"] == []


def test_sign_in_refuses_a_wrong_token_and_lists_my_households_in_korean(walk):
    assert "토큰" in walk["refused"]
    hh = walk["households"]
    assert hh["state"] == "ready" and hh["lang"] == "ko" and hh["title"] == "내 가구"
    assert {"hh-0001", "hh-0003", "hh-e2e-en", "hh-e2e-conf"} <= set(hh["ids"])
    assert "hh-0002" not in hh["ids"]  # another region's household is not the case worker's
    # the emergency filter keeps hh-0001 and drops hh-0003 (GENERAL)
    assert "hh-0001" in hh["emergencyIds"] and "hh-0003" not in hh["emergencyIds"]


def test_the_household_shows_packages_in_korean_and_sends_a_referral(walk, server):
    h = walk["household"]
    assert h["state"] == "ready" and h["title"] == "가구 hh-0001" and h["packages"] >= 1
    assert h["reasons"] and all(HANGUL.search(r) for r in h["reasons"])
    assert any("욕구 유형에 맞음" in r for r in h["reasons"])
    assert not any("fits the need" in r for r in h["reasons"])
    assert h["focusInReason"] == "TEXTAREA" and h["focusOnSend"] == "의뢰 보내기"
    assert h["sent"].startswith("의뢰를 보냈습니다")
    assert len(h["referralsAfter"]) == h["referralsBefore"] + 1
    sent = [r for r in _referrals(server, "hh-0001") if r["reason"] == "긴급 주거비 지원 요청 (e2e)"]
    assert len(sent) == 1 and sent[0]["status"] == "SENT" and sent[0]["resource"]["id"] == h["firstItem"]


def test_the_conference_page_adopts_a_plan_and_exports_the_minutes(walk, server):
    c = walk["conference"]
    assert c["agendaField"] == "hh-e2e-conf"
    assert c["allocation"] and all("hh-e2e-conf" in row for row in c["allocation"])
    assert c["status"] == "ADOPTED", c["message"]
    assert c["message"].startswith("계획을 확정했습니다")
    made = _referrals(server, "hh-e2e-conf")  # a fresh household: every referral is the plan's
    assert len(made) == len(c["minutes"]) >= 1
    assert all(r["id"] in "".join(c["minutes"]) for r in made)
    csv = c["csv"]
    assert csv["bom"] and csv["name"].endswith(".csv")
    lines = csv["text"].splitlines()
    assert lines[1].startswith("가구,자원,욕구,의뢰")
    assert any(r["id"] in csv["text"] for r in made)
    assert c["print"] == {"headerShown": False, "buttonsShown": False, "minutesShown": True}


def test_the_same_household_flow_in_english(walk, server):
    e = walk["english"]
    assert e["lang"] == "en" and e["title"] == "Household hh-e2e-en"
    assert e["reasons"] and any("fits the need" in r for r in e["reasons"])
    assert not any(HANGUL.search(h) for h in e["headings"])
    assert e["sent"].startswith("Referral sent")
    assert [r for r in _referrals(server, "hh-e2e-en") if r["reason"] == "Rent arrears (e2e)"]
    assert e["households"]["title"] == "My households" and "Case conference" in e["households"]["nav"]


def test_every_control_is_named_and_text_is_readable(walk):
    for name, audit in walk["audits"].items():
        assert audit["unnamed"] == [], name
        assert audit["lowContrast"] == [], name


def test_screenshots_were_taken(walk):
    check_screenshots(walk["steps"], DOCS)
