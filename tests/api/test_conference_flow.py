"""One case conference replayed through the GraphQL API, on both stores: three
EMERGENCY households, a scarce legal-aid MOU service (two places), one approved
income near miss, adoption (first refused for want of places, nothing written),
the partner accepting one referral and declining one with a reason, the
follow-up review, and the case closed as resolved.

Run as a script (``python -m tests.api.test_conference_flow``) it replays the
same steps on a fresh sample store and prints every document with its answer:
docs/conference.md is that output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

#: (title, caller, document, variables); the documents of the worked example, in order
Step = tuple[str, str, str, dict[str, Any]]

LEGAL_AID = {"id": "svc-legal-aid", "name": "긴급 법률구조 (MOU)", "providerId": "org-gg-bar",
             "domains": ["LEGAL"], "regionIds": ["gg-suwon"], "capacity": 2,
             "eligibility": {"maxIncomePercent": 70}, "agreementId": "mou-legal-aid", "leadTimeDays": 2}
HOUSEHOLDS = [("hh-e1", "gg-suwon-maetan", 50, 5, "전세 보증금 반환 소송"),
              ("hh-e2", "gg-suwon-jowon", 60, 4, "임금 체불 진정"),
              ("hh-e3", "gg-suwon-maetan", 76, 5, "불법 추심 대응")]
ADOPT = """mutation($c: ID!) { adoptPlan(conferenceId: $c) {
  created referrals { id status reason household { id } resource { ... on Service { id name } } }
  conference { status } } }"""
UPDATE_REF = """mutation($id: ID!, $s: ReferralStatus!, $reason: String, $note: String) {
  updateReferral(id: $id, status: $s, reason: $reason, note: $note) {
  id status declineReason outcomeNote respondedAt } }"""


def setup_steps() -> list[Step]:
    """The world before the conference: staff, the MOU service, three households, their consents."""
    steps: list[Step] = [
        ("사례관리사와 조정자 등록", "coordinator",
         """mutation { a: addStaff(input: {id: "stf-kim", name: "김민지", role: CASEWORKER,
         regionId: "gg-suwon"})
         { id } b: addStaff(input: {id: "stf-lee", name: "이정호", role: COORDINATOR}) { id } }""", {}),
        ("법률구조 MOU와 그 서비스 (자리 2개, 소득 70% 이하); 기존 무료 법률 상담은 종료", "coordinator",
         """mutation($s: ServiceInput!) { retireService(id: "svc-gg-legal") { id active }
         signAgreement(input: {id: "mou-legal-aid", partnerId: "org-gg-bar",
         domains: [LEGAL], signedOn: "2026-01-01", annualQuota: 20}) { id annualQuota }
         registerService(input: $s) { id capacity available eligibility { maxIncomePercent } } }""",
         {"s": LEGAL_AID}),
    ]
    for hid, region, income, severity, detail in HOUSEHOLDS:
        steps.append((f"긴급 가구 {hid} (소득 {income}%)", "caseworker",
                      """mutation($h: HouseholdInput!, $id: ID!, $n: NeedInput!, $c: ConsentInput!) {
                      createHousehold(input: $h) { id urgency caseStatus }
                      addNeed(householdId: $id, input: $n) { id domain severity }
                      recordConsent(householdId: $id, input: $c) { id domains } }""",
                      {"h": {"id": hid, "regionId": region, "size": 2, "incomePercent": income,
                             "urgency": "EMERGENCY"},
                       "id": hid, "n": {"id": f"need-{hid}-legal", "domain": "LEGAL", "severity": severity,
                                        "detail": detail},
                       "c": {"id": f"consent-{hid}", "domains": ["LEGAL"], "givenOn": "2026-11-20",
                             "method": "WRITTEN"}}))
    return steps


def conference_steps() -> list[Step]:
    item = {"resourceId": "svc-legal-aid"}
    return [
        ("hh-e3의 꾸러미: 법률구조는 소득 6%p 초과로 근접 탈락(NEAR_MISS)", "caseworker",
         """query { matchPackages(householdId: "hh-e3", limit: 1) { rank items { resource { ... on Service
         { id } } } flags { kind reason serviceIds message } } }""", {}),
        ("세 가구를 함께 배분: 자리 2개", "caseworker",
         """query { allocate(householdIds: ["hh-e1", "hh-e2", "hh-e3"]) { assignments { household { id }
         resource { ... on Service { id } } } unmetNeeds { need { id } reason } } }""", {}),
        ("긴급 사례회의 계획 (안건: 세 가구)", "caseworker",
         """mutation { createConference(input: {id: "conf-2026-11-24", date: "2026-11-24", kind: EMERGENCY,
         regionId: "gg-suwon", staffIds: ["stf-kim", "stf-lee"], organizationIds: ["org-gg-bar"],
         householdIds: ["hh-e1", "hh-e2", "hh-e3"]}) { id status agenda { id caseStatus } } }""", {}),
        ("회의 개최와 회의록", "caseworker",
         """mutation { updateConference(id: "conf-2026-11-24", input: {status: HELD, minutes:
         "세 가구 모두 법률 지원 필요. 법률구조 자리 2개. """
         """hh-e3은 소득 6%p 초과이나 불법 추심 피해가 커서 예외 승인."})
         { id status minutes } }""", {}),
        ("결정: 세 가구 모두 법률구조 (hh-e3은 소득 예외 승인)", "caseworker",
         """mutation($i1: DecisionInput!, $i2: DecisionInput!, $i3: DecisionInput!) {
         a: decideHousehold(conferenceId: "conf-2026-11-24", householdId: "hh-e1", input: $i1) { id }
         b: decideHousehold(conferenceId: "conf-2026-11-24", householdId: "hh-e2", input: $i2) { id }
         c: decideHousehold(conferenceId: "conf-2026-11-24", householdId: "hh-e3", input: $i3) {
           decisions { household { id } items { referralId }
           exceptions { reason note approver { name } } } } }""",
         {"i1": {"items": [{**item, "needIds": ["need-hh-e1-legal"]}], "leadManagerId": "stf-kim",
                 "reviewOn": "2026-12-08"},
          "i2": {"items": [{**item, "needIds": ["need-hh-e2-legal"]}], "leadManagerId": "stf-kim",
                 "reviewOn": "2026-12-08"},
          "i3": {"items": [{**item, "needIds": ["need-hh-e3-legal"]}], "leadManagerId": "stf-kim",
                 "reviewOn": "2026-12-01",
                 "exceptions": [{"resourceId": "svc-legal-aid", "reason": "NOT_ELIGIBLE_INCOME",
                                 "note": "소득 76% (기준 70%), 불법 추심 피해로 사례회의 승인",
                                 "approverId": "stf-lee"}]}}),
        ("채택 시도: 세 의뢰에 자리 2개 — 전부 거절, 아무것도 쓰이지 않음", "caseworker", ADOPT,
         {"c": "conf-2026-11-24"}),
        ("결정 수정: hh-e2는 대기 (다음 점검일에 다시)", "caseworker",
         """mutation { decideHousehold(conferenceId: "conf-2026-11-24", householdId: "hh-e2",
         input: {items: [], leadManagerId: "stf-kim", reviewOn: "2026-12-01"}) { id } }""", {}),
        ("채택", "caseworker", ADOPT, {"c": "conf-2026-11-24"}),
    ]


def partner_steps() -> list[Step]:
    r1, r3 = "ref-conf-2026-11-24-hh-e1-1", "ref-conf-2026-11-24-hh-e3-1"
    return [
        ("의뢰 발송", "caseworker",
         f"""mutation {{ a: updateReferral(id: "{r1}", status: SENT) {{ id status }}
         b: updateReferral(id: "{r3}", status: SENT) {{ id status }} }}""", {}),
        ("변호사회의 받은 의뢰함", "partner-bar",
         """query { referrals(serviceId: "svc-legal-aid") { edges { node { id status reason } } } }""", {}),
        ("변호사회: hh-e1 수락", "partner-bar", UPDATE_REF, {"id": r1, "s": "ACCEPTED"}),
        ("변호사회: hh-e3 거절 (사유)", "partner-bar", UPDATE_REF,
         {"id": r3, "s": "DECLINED", "reason": "상대방이 본회 회원 변호사의 의뢰인이라 이해충돌"}),
        ("변호사회: hh-e1 지원 제공", "partner-bar", UPDATE_REF,
         {"id": r1, "s": "DELIVERED", "note": "보증금 반환 지급명령 신청 완료"}),
        ("점검일의 후속 확인: 점검할 가구와 의뢰", "caseworker",
         """query { households(regionId: "gg-suwon", caseManagerId: "stf-kim") { edges { node { id caseStatus
         reviewOn referrals { id status declineReason } } } }
         followUpsDue(regionId: "gg-suwon", asOf: "2027-01-31") { id followUpOn } }""", {}),
        ("hh-e1 종결 (해결)", "caseworker",
         """mutation { closeCase(householdId: "hh-e1", reason: RESOLVED, note: "지급명령 확정, 보증금 반환")
         { id caseStatus caseHistory { kind from to reason } } }""", {}),
        ("회의 기록 조회", "caseworker",
         """query { conference(id: "conf-2026-11-24") { status decisions { household { id caseStatus }
         adoptedAt reviewOn referrals { id status declineReason } } } }""", {}),
    ]


def run(gql: Callable[..., Any], steps: list[Step],
        log: list[tuple[Step, dict[str, Any]]] | None = None) -> list:
    out = []
    for step in steps:
        _, who, doc, variables = step
        r = gql(doc, who, **variables)
        out.append(r)
        if log is not None:
            log.append((step, r.body))
    return out


def test_one_conference_replayed(gql, store):
    for r in run(gql, setup_steps()):
        r.ok()
    steps = conference_steps()
    match, alloc, created, held, decided, refused = run(gql, steps[:6])
    assert not [r for r in store.list("Referral") if r.id.startswith("ref-conf-2026-11-24")]
    flags = match.ok()["matchPackages"][0]["flags"]
    assert any(f["kind"] == "NEAR_MISS" and f["reason"] == "NOT_ELIGIBLE_INCOME"
               and f["serviceIds"] == ["svc-legal-aid"] for f in flags), flags
    got = sorted(a["household"]["id"] for a in alloc.ok()["allocate"]["assignments"])
    assert got == ["hh-e1", "hh-e2"]  # two places; hh-e3 is over the ceiling
    assert [h["caseStatus"] for h in created.ok()["createConference"]["agenda"]] == ["IN_CONFERENCE"] * 3
    assert held.ok()["updateConference"]["status"] == "HELD"
    exc = decided.ok()["c"]["decisions"][2]["exceptions"]
    assert exc[0]["reason"] == "NOT_ELIGIBLE_INCOME" and exc[0]["approver"]["name"] == "이정호"
    assert refused.code == "CONFLICT", refused.body
    assert refused.errors[0]["extensions"]["field"] == "items[0]" and "hh-e3" in refused.errors[0]["message"]
    waitlist, adopted = run(gql, steps[6:])
    waitlist.ok()
    a = adopted.ok()["adoptPlan"]
    assert a["created"] == ["ref-conf-2026-11-24-hh-e1-1", "ref-conf-2026-11-24-hh-e3-1"]
    assert a["conference"]["status"] == "ADOPTED"
    assert all(r["status"] == "PROPOSED" and "긴급 사례회의" in r["reason"] for r in a["referrals"])
    assert store.get("Household", "hh-e3").case_status.value == "MONITORING"

    sent, inbox, accepted, declined, delivered, review, closed, record = run(gql, partner_steps())
    sent.ok()
    seen = [e["node"]["id"] for e in inbox.ok()["referrals"]["edges"]]
    assert seen == a["created"]
    assert accepted.ok()["updateReferral"]["status"] == "ACCEPTED"
    d = declined.ok()["updateReferral"]
    assert d["status"] == "DECLINED" and d["declineReason"].startswith("상대방이")
    assert delivered.ok()["updateReferral"]["outcomeNote"] == "보증금 반환 지급명령 신청 완료"
    rv = review.ok()
    nodes = {e["node"]["id"]: e["node"] for e in rv["households"]["edges"]}
    assert {"hh-e1", "hh-e2", "hh-e3"} <= set(nodes)
    assert nodes["hh-e3"]["referrals"][0]["declineReason"].startswith("상대방이")
    assert [f["id"] for f in rv["followUpsDue"]] == ["ref-conf-2026-11-24-hh-e1-1"]
    hist = closed.ok()["closeCase"]
    assert hist["caseStatus"] == "CLOSED"
    moves = [(e["from"], e["to"]) for e in hist["caseHistory"] if e["kind"] == "status"]
    assert moves == [("OPEN", "IN_CONFERENCE"), ("IN_CONFERENCE", "MONITORING"), ("MONITORING", "CLOSED")]
    decisions = record.ok()["conference"]["decisions"]
    assert [x["household"]["caseStatus"] for x in decisions] == ["CLOSED", "MONITORING", "MONITORING"]


def _markdown(log: list[tuple[Step, dict[str, Any]]]) -> str:
    parts = []
    for (title, who, doc, variables), body in log:
        lines = [line.strip() for line in doc.strip().splitlines()]
        parts.append(f"### {title}\n\n호출: `{who}`\n\n```graphql\n" + "\n".join(lines) + "\n```\n")
        if variables:
            text = json.dumps(variables, ensure_ascii=False, indent=2)
            parts.append("변수:\n\n```json\n" + text + "\n```\n")
        body = {k: v for k, v in body.items() if k != "extensions"}
        for e in body.get("errors") or []:
            e.get("extensions", {}).pop("requestId", None)
        parts.append("응답:\n\n```json\n" + json.dumps(body, ensure_ascii=False, indent=2) + "\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover - prints the worked example of docs/conference.md
    import tempfile
    from pathlib import Path

    from starlette.testclient import TestClient

    from api.app import create_app
    from graph.embedded import EmbeddedStore
    from loaders.sample import sample_records
    from service.settings import Settings
    from tests.api.conftest import Result, fake_authenticate

    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(Path(tmp) / "example.db") as s:
        s.put(*sample_records())
        with TestClient(create_app(s, Settings(), authenticate=fake_authenticate)) as client:
            def call(query: str, who: str | None = None, **variables: Any) -> Result:
                headers = {"Authorization": f"Bearer {who}"} if who else {}
                r = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
                return Result(r.status_code, r.json(), r.headers)

            log: list[tuple[Step, dict[str, Any]]] = []
            run(call, setup_steps() + conference_steps() + partner_steps(), log)
            print(_markdown(log))
